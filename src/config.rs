//! Settings: config/default.toml is embedded, and the user's file is laid over it, key by
//! key. A broken file is reported with its path, line and column, and nothing else loads.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::str::FromStr;
use std::time::Duration;

use ratatui::style::Color;
use serde::Deserialize;
use toml::Spanned;

use crate::app::keymap::{Binding, KeyAction, KeyChord, Keymap};

pub const DEFAULT_CONFIG: &str = include_str!("../config/default.toml");

/// Above this many messages a TUI redrive asks for the DLQ's name (the file says 100 too).
pub const DEFAULT_REDRIVE_CONFIRM_TYPED_ABOVE: u64 = 100;

/// The settings squall runs with.
#[derive(Debug, Clone, PartialEq)]
pub struct Config {
    pub log_file: Option<PathBuf>,
    pub read_only: bool,
    pub profiles: BTreeMap<String, ProfileSettings>,
    pub concurrency: usize,
    pub max_attempts: u32,
    /// Counts of the queues on screen.
    pub counts_refresh: Option<Duration>,
    /// Every listing.
    pub listing_refresh: Option<Duration>,
    /// The most messages one sweep reads (a peek of more than 10, an export).
    pub sweep_cap: usize,
    /// In the viewer, JSON spans opening this deep start folded (`messages.fold_depth`).
    pub fold_depth: usize,
    pub keymap: Keymap,
    pub colors: ThemeColors,
    /// ASCII charts and borders whatever the locale (`general.ascii`, `--ascii`).
    pub ascii: bool,
    /// The health board's thresholds (`[health]`).
    pub health: crate::health::Thresholds,
    /// Open on the health board (`general.start_view = "health"`) or the queues table.
    pub start_on_health: bool,
    /// A TUI redrive that may move more messages than this asks for the DLQ's name to be
    /// typed (`redrive.confirm_typed_above`).
    pub redrive_confirm_typed_above: u64,
    /// A logs search that may scan more than this many MB is asked about first
    /// (`logs.max_scan_mb`; the CLI refuses it without --yes).
    pub logs_max_scan_mb: u64,
}

#[derive(Debug, Clone, Default, PartialEq, Eq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ProfileSettings {
    pub read_only: Option<bool>,
}

/// The configurable colours, by role.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ThemeColors {
    pub title: Color,
    pub header: Color,
    pub selected_fg: Color,
    pub selected_bg: Color,
    pub border: Color,
    pub dim: Color,
    pub dlq: Color,
    pub warning: Color,
    pub error: Color,
    pub ok: Color,
    pub read_only_badge: Color,
}

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{}", self.describe())]
pub struct ConfigError {
    pub path: PathBuf,
    pub line: Option<usize>,
    pub column: Option<usize>,
    pub message: String,
}

impl ConfigError {
    fn describe(&self) -> String {
        match (self.line, self.column) {
            (Some(line), Some(column)) => format!(
                "config file {}, line {line}, column {column}: {}",
                self.path.display(),
                self.message
            ),
            (Some(line), None) => format!(
                "config file {}, line {line}: {}",
                self.path.display(),
                self.message
            ),
            _ => format!("config file {}: {}", self.path.display(), self.message),
        }
    }
}

// What a file may contain. Every field is optional so that a user's file can hold only
// the settings it changes; unknown fields are errors, so typos do not pass silently.
#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
struct FileConfig {
    general: Option<GeneralSection>,
    aws: Option<AwsSection>,
    refresh: Option<RefreshSection>,
    messages: Option<MessagesSection>,
    profiles: Option<BTreeMap<String, ProfileSettings>>,
    keys: Option<BTreeMap<String, Spanned<KeySection>>>,
    theme: Option<BTreeMap<String, Spanned<String>>>,
    health: Option<crate::health::thresholds::HealthSection>,
    redrive: Option<RedriveSection>,
    logs: Option<LogsSection>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
struct LogsSection {
    max_scan_mb: Option<u64>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
struct RedriveSection {
    confirm_typed_above: Option<u64>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
struct GeneralSection {
    log_file: Option<String>,
    read_only: Option<bool>,
    ascii: Option<bool>,
    start_view: Option<Spanned<String>>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
struct AwsSection {
    concurrency: Option<Spanned<usize>>,
    max_attempts: Option<Spanned<u32>>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
struct RefreshSection {
    counts_seconds: Option<u64>,
    listing_seconds: Option<u64>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
struct MessagesSection {
    sweep_cap: Option<Spanned<usize>>,
    fold_depth: Option<usize>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct KeySection {
    keys: Vec<String>,
    group: Option<String>,
    description: Option<String>,
}

/// Where the user's file lives when `--config` is not given.
pub fn default_user_path() -> Option<PathBuf> {
    directories::ProjectDirs::from("", "", "squall")
        .map(|dirs| dirs.config_dir().join("config.toml"))
}

impl Config {
    /// The embedded defaults alone.
    pub fn defaults() -> Result<Config, ConfigError> {
        Builder::from_defaults()
    }

    /// Defaults plus the user's file. An explicit `--config` file must exist; the default
    /// location is optional.
    pub fn load(explicit: Option<&Path>) -> Result<Config, ConfigError> {
        let (path, required) = match explicit {
            Some(path) => (Some(path.to_path_buf()), true),
            None => (default_user_path(), false),
        };
        let Some(path) = path else {
            return Config::defaults();
        };
        match std::fs::read_to_string(&path) {
            Ok(text) => Config::from_user_text(&path, &text),
            Err(err) if err.kind() == std::io::ErrorKind::NotFound && !required => {
                Config::defaults()
            }
            Err(err) => Err(ConfigError {
                path,
                line: None,
                column: None,
                message: format!("cannot read it: {err}"),
            }),
        }
    }

    /// Defaults with `text` (the contents of `path`) laid over them.
    pub fn from_user_text(path: &Path, text: &str) -> Result<Config, ConfigError> {
        let mut builder = Builder::defaults_builder()?;
        let file = parse_file(path, text)?;
        builder.apply(path, text, file)?;
        builder.finish(path)
    }

    /// Whether this profile starts read-only (its own setting wins over the general one).
    pub fn read_only_for(&self, profile: Option<&str>) -> bool {
        profile
            .and_then(|p| self.profiles.get(p))
            .and_then(|p| p.read_only)
            .unwrap_or(self.read_only)
    }
}

fn parse_file(path: &Path, text: &str) -> Result<FileConfig, ConfigError> {
    toml::from_str::<FileConfig>(text).map_err(|err| {
        let (line, column) = err
            .span()
            .map(|span| line_and_column(text, span.start))
            .map_or((None, None), |(l, c)| (Some(l), Some(c)));
        ConfigError {
            path: path.to_path_buf(),
            line,
            column,
            message: err.message().trim().to_string(),
        }
    })
}

/// 1-based line and column of a byte offset.
fn line_and_column(text: &str, offset: usize) -> (usize, usize) {
    let before = &text[..offset.min(text.len())];
    let line = before.matches('\n').count() + 1;
    let column = before.rsplit('\n').next().map_or(0, |l| l.chars().count()) + 1;
    (line, column)
}

fn error_at(path: &Path, text: &str, offset: usize, message: String) -> ConfigError {
    let (line, column) = line_and_column(text, offset);
    ConfigError {
        path: path.to_path_buf(),
        line: Some(line),
        column: Some(column),
        message,
    }
}

struct Builder {
    log_file: Option<PathBuf>,
    read_only: bool,
    profiles: BTreeMap<String, ProfileSettings>,
    concurrency: usize,
    max_attempts: u32,
    counts_refresh_seconds: u64,
    listing_refresh_seconds: u64,
    sweep_cap: usize,
    fold_depth: usize,
    bindings: BTreeMap<&'static str, Binding>,
    colors: BTreeMap<String, Color>,
    ascii: bool,
    health: crate::health::Thresholds,
    start_on_health: bool,
    redrive_confirm_typed_above: u64,
    logs_max_scan_mb: u64,
}

impl Builder {
    fn defaults_builder() -> Result<Builder, ConfigError> {
        let path = Path::new("<embedded config/default.toml>");
        let mut builder = Builder {
            log_file: None,
            read_only: false,
            profiles: BTreeMap::new(),
            concurrency: 16,
            max_attempts: 5,
            counts_refresh_seconds: 10,
            listing_refresh_seconds: 300,
            sweep_cap: crate::messages::peek::DEFAULT_SWEEP_CAP,
            fold_depth: crate::app::views::messages::DEFAULT_FOLD_DEPTH,
            bindings: BTreeMap::new(),
            colors: BTreeMap::new(),
            ascii: false,
            health: crate::health::Thresholds::default(),
            start_on_health: true,
            redrive_confirm_typed_above: DEFAULT_REDRIVE_CONFIRM_TYPED_ABOVE,
            logs_max_scan_mb: 100,
        };
        let file = parse_file(path, DEFAULT_CONFIG)?;
        builder.apply(path, DEFAULT_CONFIG, file)?;
        Ok(builder)
    }

    fn from_defaults() -> Result<Config, ConfigError> {
        Builder::defaults_builder()?.finish(Path::new("<embedded config/default.toml>"))
    }

    fn apply(&mut self, path: &Path, text: &str, file: FileConfig) -> Result<(), ConfigError> {
        if let Some(general) = file.general {
            if let Some(log_file) = general.log_file {
                self.log_file = (!log_file.trim().is_empty()).then(|| PathBuf::from(log_file));
            }
            if let Some(read_only) = general.read_only {
                self.read_only = read_only;
            }
            if let Some(ascii) = general.ascii {
                self.ascii = ascii;
            }
            if let Some(view) = general.start_view {
                self.start_on_health = match view.get_ref().as_str() {
                    "health" => true,
                    "queues" => false,
                    other => {
                        return Err(error_at(
                            path,
                            text,
                            view.span().start,
                            format!("general.start_view: {other:?} is not health or queues"),
                        ));
                    }
                };
            }
        }
        if let Some(aws) = file.aws {
            if let Some(concurrency) = aws.concurrency {
                if *concurrency.get_ref() == 0 || *concurrency.get_ref() > 256 {
                    return Err(error_at(
                        path,
                        text,
                        concurrency.span().start,
                        "aws.concurrency must be between 1 and 256".to_string(),
                    ));
                }
                self.concurrency = concurrency.into_inner();
            }
            if let Some(attempts) = aws.max_attempts {
                if *attempts.get_ref() == 0 || *attempts.get_ref() > 20 {
                    return Err(error_at(
                        path,
                        text,
                        attempts.span().start,
                        "aws.max_attempts must be between 1 and 20".to_string(),
                    ));
                }
                self.max_attempts = attempts.into_inner();
            }
        }
        if let Some(refresh) = file.refresh {
            if let Some(seconds) = refresh.counts_seconds {
                self.counts_refresh_seconds = seconds;
            }
            if let Some(seconds) = refresh.listing_seconds {
                self.listing_refresh_seconds = seconds;
            }
        }
        if let Some(depth) = file.messages.as_ref().and_then(|m| m.fold_depth) {
            self.fold_depth = depth;
        }
        if let Some(above) = file.redrive.and_then(|r| r.confirm_typed_above) {
            self.redrive_confirm_typed_above = above;
        }
        if let Some(mb) = file.logs.and_then(|l| l.max_scan_mb) {
            self.logs_max_scan_mb = mb;
        }
        if let Some(cap) = file.messages.and_then(|m| m.sweep_cap) {
            if !(10..=100_000).contains(cap.get_ref()) {
                return Err(error_at(
                    path,
                    text,
                    cap.span().start,
                    "messages.sweep_cap must be between 10 and 100000".to_string(),
                ));
            }
            self.sweep_cap = cap.into_inner();
        }
        if let Some(health) = file.health {
            self.health.apply(health).map_err(|message| ConfigError {
                path: path.to_path_buf(),
                line: None,
                column: None,
                message,
            })?;
        }
        if let Some(profiles) = file.profiles {
            self.profiles.extend(profiles);
        }
        for (name, spec) in file.keys.unwrap_or_default() {
            let offset = spec.span().start;
            let Some(action) = KeyAction::from_name(&name) else {
                let known: Vec<&str> = KeyAction::ALL.iter().map(|a| a.name()).collect();
                return Err(error_at(
                    path,
                    text,
                    offset,
                    format!("unknown key action {name:?} (known: {})", known.join(", ")),
                ));
            };
            let spec = spec.into_inner();
            let mut keys = Vec::with_capacity(spec.keys.len());
            for key in &spec.keys {
                keys.push(
                    KeyChord::parse(key)
                        .map_err(|m| error_at(path, text, offset, format!("keys.{name}: {m}")))?,
                );
            }
            let previous = self.bindings.remove(action.name());
            let binding = Binding {
                action,
                keys,
                group: spec
                    .group
                    .or_else(|| previous.as_ref().map(|b| b.group.clone()))
                    .unwrap_or_else(|| "General".to_string()),
                description: spec
                    .description
                    .or_else(|| previous.as_ref().map(|b| b.description.clone()))
                    .unwrap_or_else(|| name.replace('_', " ")),
            };
            self.bindings.insert(action.name(), binding);
        }
        for (role, value) in file.theme.unwrap_or_default() {
            if !THEME_ROLES.contains(&role.as_str()) {
                return Err(error_at(
                    path,
                    text,
                    value.span().start,
                    format!(
                        "unknown theme colour {role:?} (known: {})",
                        THEME_ROLES.join(", ")
                    ),
                ));
            }
            let color = Color::from_str(value.get_ref()).map_err(|_| {
                error_at(
                    path,
                    text,
                    value.span().start,
                    format!("theme.{role}: {:?} is not a colour", value.get_ref()),
                )
            })?;
            self.colors.insert(role, color);
        }
        Ok(())
    }

    fn finish(self, path: &Path) -> Result<Config, ConfigError> {
        // Bindings keep the order of KeyAction::ALL so that help reads the same every time.
        let mut bindings = Vec::new();
        for action in KeyAction::ALL {
            match self.bindings.get(action.name()) {
                Some(binding) => bindings.push(binding.clone()),
                None => {
                    return Err(ConfigError {
                        path: path.to_path_buf(),
                        line: None,
                        column: None,
                        message: format!("no binding for key action {:?}", action.name()),
                    });
                }
            }
        }
        let color = |role: &str| self.colors.get(role).copied().unwrap_or(Color::Reset);
        Ok(Config {
            ascii: self.ascii,
            health: self.health,
            start_on_health: self.start_on_health,
            redrive_confirm_typed_above: self.redrive_confirm_typed_above,
            logs_max_scan_mb: self.logs_max_scan_mb,
            log_file: self.log_file,
            read_only: self.read_only,
            profiles: self.profiles,
            concurrency: self.concurrency,
            max_attempts: self.max_attempts,
            counts_refresh: (self.counts_refresh_seconds > 0)
                .then(|| Duration::from_secs(self.counts_refresh_seconds)),
            listing_refresh: (self.listing_refresh_seconds > 0)
                .then(|| Duration::from_secs(self.listing_refresh_seconds)),
            sweep_cap: self.sweep_cap,
            fold_depth: self.fold_depth,
            keymap: Keymap::new(bindings),
            colors: ThemeColors {
                title: color("title"),
                header: color("header"),
                selected_fg: color("selected_fg"),
                selected_bg: color("selected_bg"),
                border: color("border"),
                dim: color("dim"),
                dlq: color("dlq"),
                warning: color("warning"),
                error: color("error"),
                ok: color("ok"),
                read_only_badge: color("read_only_badge"),
            },
        })
    }
}

const THEME_ROLES: [&str; 11] = [
    "title",
    "header",
    "selected_fg",
    "selected_bg",
    "border",
    "dim",
    "dlq",
    "warning",
    "error",
    "ok",
    "read_only_badge",
];

#[cfg(test)]
mod tests {
    use super::*;

    fn load(text: &str) -> Result<Config, ConfigError> {
        Config::from_user_text(Path::new("/tmp/squall.toml"), text)
    }

    #[test]
    fn embedded_defaults_load() {
        let config = Config::defaults().expect("defaults");
        assert_eq!(config.concurrency, 16);
        assert_eq!(config.counts_refresh, Some(Duration::from_secs(5)));
        assert_eq!(config.listing_refresh, Some(Duration::from_secs(300)));
        assert_eq!(config.keymap.bindings().len(), KeyAction::ALL.len());
        assert_eq!(config.colors.dlq, Color::Magenta);
    }

    #[test]
    fn ascii_charts_can_be_asked_for_in_the_file() {
        assert!(!load("").expect("config").ascii);
        assert!(load("[general]\nascii = true\n").expect("config").ascii);
    }

    #[test]
    fn user_file_overrides_only_what_it_sets() {
        let config = load(
            "[keys]\ndown = { keys = [\"n\"] }\n[refresh]\ncounts_seconds = 0\n[profiles.prod]\nread_only = true\n",
        )
        .expect("config");
        let down = config
            .keymap
            .bindings()
            .iter()
            .find(|b| b.action == KeyAction::Down)
            .expect("down");
        assert_eq!(down.keys, vec![KeyChord::parse("n").expect("n")]);
        assert_eq!(down.description, "Move down");
        assert_eq!(config.counts_refresh, None);
        assert_eq!(config.listing_refresh, Some(Duration::from_secs(300)));
        assert!(config.read_only_for(Some("prod")));
        assert!(!config.read_only_for(Some("dev")));
        assert_eq!(config.concurrency, 16);
    }

    #[test]
    fn syntax_error_names_file_and_line() {
        let err = load("[aws]\nconcurrency = 4\nmax_attempts = = 3\n").expect_err("must fail");
        assert_eq!(err.line, Some(3));
        assert!(
            err.to_string()
                .starts_with("config file /tmp/squall.toml, line 3"),
            "{err}"
        );
    }

    #[test]
    fn unknown_settings_and_bad_values_are_errors_with_lines() {
        let err = load("[general]\nread_onyl = true\n").expect_err("typo");
        assert_eq!(err.line, Some(2));
        assert!(err.message.contains("read_onyl"), "{err}");

        let err = load("\n[keys]\nfly = { keys = [\"f\"] }\n").expect_err("action");
        assert_eq!(err.line, Some(3));
        assert!(err.message.contains("unknown key action \"fly\""), "{err}");

        let err = load("[keys]\nup = { keys = [\"hyper-k\"] }\n").expect_err("key");
        assert!(err.message.contains("unknown key"), "{err}");

        let err = load("[theme]\ndlq = \"mauve-ish\"\n").expect_err("colour");
        assert_eq!(err.line, Some(2));

        let err = load("[aws]\nconcurrency = 0\n").expect_err("range");
        assert_eq!(err.line, Some(2));
    }

    #[test]
    fn the_redrive_typed_confirmation_threshold_is_set() {
        let defaults = Config::defaults().expect("defaults");
        assert_eq!(defaults.redrive_confirm_typed_above, 100);
        let config = load("[redrive]\nconfirm_typed_above = 5\n").expect("config");
        assert_eq!(config.redrive_confirm_typed_above, 5);
        assert_eq!(defaults.logs_max_scan_mb, 100);
        let logs = load("[logs]\nmax_scan_mb = 7\n").expect("config");
        assert_eq!(logs.logs_max_scan_mb, 7);
        assert!(
            load("[redrive]\nconfirm_above = 5\n").is_err(),
            "unknown keys are refused"
        );
    }

    #[test]
    fn the_sweep_cap_is_set_and_checked() {
        assert_eq!(Config::defaults().expect("defaults").sweep_cap, 1000);
        let config = load("[messages]\nsweep_cap = 5000\n").expect("config");
        assert_eq!(config.sweep_cap, 5000);
        let err = load("[messages]\nsweep_cap = 5\n").expect_err("too small");
        assert_eq!(err.line, Some(2));
        assert!(err.message.contains("messages.sweep_cap"), "{err}");
    }

    #[test]
    fn missing_default_location_is_fine_but_missing_explicit_file_is_not() {
        let err = Config::load(Some(Path::new("/nonexistent/squall.toml"))).expect_err("explicit");
        assert!(err.to_string().contains("/nonexistent/squall.toml"));
    }
}
