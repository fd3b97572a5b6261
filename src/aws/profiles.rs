//! Profile names from the AWS config files, for `:profile` completion. Only section
//! names are read: credentials are aws-config's business.

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};

/// Profiles in `AWS_CONFIG_FILE` (default `~/.aws/config`: `[default]`, `[profile NAME]`)
/// and `AWS_SHARED_CREDENTIALS_FILE` (default `~/.aws/credentials`: `[NAME]`), sorted.
/// Missing or unreadable files give no names, not an error.
pub fn known_profiles() -> Vec<String> {
    let home = directories::BaseDirs::new().map(|d| d.home_dir().to_path_buf());
    let path = |variable: &str, default: &str| -> Option<PathBuf> {
        std::env::var_os(variable)
            .filter(|v| !v.is_empty())
            .map(PathBuf::from)
            .or_else(|| home.as_ref().map(|h| h.join(".aws").join(default)))
    };
    let mut names = BTreeSet::new();
    if let Some(config) = path("AWS_CONFIG_FILE", "config") {
        names.extend(sections(&read(&config), true));
    }
    if let Some(credentials) = path("AWS_SHARED_CREDENTIALS_FILE", "credentials") {
        names.extend(sections(&read(&credentials), false));
    }
    names.into_iter().collect()
}

fn read(path: &Path) -> String {
    std::fs::read_to_string(path).unwrap_or_default()
}

/// Profile names of one file; in the config file only `default` and `profile NAME`
/// sections are profiles (`sso-session`, `services` are not).
pub fn sections(text: &str, config_file: bool) -> Vec<String> {
    text.lines()
        .filter_map(|line| {
            let inner = line.trim().strip_prefix('[')?.strip_suffix(']')?.trim();
            if !config_file {
                return Some(inner.to_string());
            }
            if inner == "default" {
                return Some(inner.to_string());
            }
            inner
                .strip_prefix("profile")
                .filter(|rest| rest.starts_with(char::is_whitespace))
                .map(|rest| rest.trim().to_string())
        })
        .filter(|name| !name.is_empty())
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_profile_sections_of_both_files() {
        let config = "[default]\nregion = us-east-1\n[profile prod-ops]\nsso_session = x\n\
                      [sso-session x]\n[services dev]\n[profileless]\n";
        assert_eq!(sections(config, true), vec!["default", "prod-ops"]);
        assert_eq!(
            sections("[default]\naws_access_key_id=a\n[ci]\n", false),
            vec!["default", "ci"]
        );
    }
}
