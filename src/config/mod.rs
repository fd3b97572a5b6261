//! Settings: config/default.toml is embedded, and the user's file is laid over it, key by
//! key; the default key bindings come from the declaration in `keymap.rs`, and the user's
//! `[keys]` is laid over them. A broken file is reported with its path, line and column, and
//! nothing else loads. The types the files set (the keymap among them) live here, below the app that uses them.

mod file;
pub mod keymap;
#[cfg(test)]
mod tests;

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::str::FromStr;
use std::time::Duration;

use ratatui::style::Color;
use serde::Deserialize;

use file::Layer;
use keymap::{KeyChord, Keymap};

pub const DEFAULT_CONFIG: &str = include_str!("../../config/default.toml");

/// In the viewer, JSON objects and arrays nested this deep start folded (the file says 4 too).
pub const DEFAULT_FOLD_DEPTH: usize = 4;

/// Above this many messages a TUI redrive asks for the DLQ's name (the file says 100 too).
pub const DEFAULT_REDRIVE_CONFIRM_TYPED_ABOVE: u64 = 100;
/// A logs search estimated above this many MB is asked about first.
pub const DEFAULT_LOGS_MAX_SCAN_MB: u64 = 100;

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
    /// How long the TUI watches a canary for its verdict (`redrive.canary_watch`); `None`:
    /// long enough for maxReceiveCount receives at the visibility timeout, 2 to 15 minutes.
    pub redrive_canary_watch: Option<Duration>,
    /// A logs search that may scan more than this many MB is asked about first
    /// (`logs.max_scan_mb`; the CLI refuses it without --yes).
    pub logs_max_scan_mb: u64,
    /// The contexts of `[fleet]`, in the file's order (empty: no fleet section).
    pub fleet: Vec<crate::fleet::FleetEntry>,
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

/// Where the user's file lives when `--config` is not given.
pub fn default_user_path() -> Option<PathBuf> {
    directories::ProjectDirs::from("", "", "squall")
        .map(|dirs| dirs.config_dir().join("config.toml"))
}

impl Config {
    /// The embedded defaults alone.
    pub fn defaults() -> Result<Config, ConfigError> {
        let defaults = Layer::read(Path::new(DEFAULTS_PATH), DEFAULT_CONFIG)?;
        build(Path::new(DEFAULTS_PATH), defaults.table)
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
        let defaults = Layer::read(Path::new(DEFAULTS_PATH), DEFAULT_CONFIG)?;
        let user = Layer::read(path, text)?;
        build(path, file::merge(defaults.table, user.table))
    }

    /// Whether this profile starts read-only (its own setting wins over the general one).
    pub fn read_only_for(&self, profile: Option<&str>) -> bool {
        profile
            .and_then(|p| self.profiles.get(p))
            .and_then(|p| p.read_only)
            .unwrap_or(self.read_only)
    }
}

const DEFAULTS_PATH: &str = "<embedded config/default.toml>";

/// The settings of the files laid over each other (each already checked on its own). The
/// embedded defaults set every value, so whatever a user's file leaves out is there.
fn build(path: &Path, merged: toml::Table) -> Result<Config, ConfigError> {
    let error = |message: String| ConfigError {
        path: path.to_path_buf(),
        line: None,
        column: None,
        message,
    };
    let text = toml::to_string(&merged).map_err(|e| error(e.to_string()))?;
    let file = file::parse_file(path, &text)?;
    let general = file.general.unwrap_or_default();
    let aws = file.aws.unwrap_or_default();
    let refresh = file.refresh.unwrap_or_default();
    let messages = file.messages.unwrap_or_default();
    let mut health = crate::health::Thresholds::default();
    if let Some(section) = file.health {
        health.apply(section).map_err(error)?;
    }
    let seconds = |s: Option<u64>| s.filter(|s| *s > 0).map(Duration::from_secs);
    Ok(Config {
        log_file: general
            .log_file
            .filter(|f| !f.trim().is_empty())
            .map(PathBuf::from),
        read_only: general.read_only.unwrap_or_default(),
        ascii: general.ascii.unwrap_or_default(),
        start_on_health: general.start_view.is_none_or(|v| v.get_ref() == "health"),
        profiles: file.profiles.unwrap_or_default(),
        concurrency: aws.concurrency.map_or(16, |c| c.into_inner()),
        max_attempts: aws.max_attempts.map_or(5, |a| a.into_inner()),
        counts_refresh: seconds(refresh.counts_seconds),
        listing_refresh: seconds(refresh.listing_seconds),
        sweep_cap: messages
            .sweep_cap
            .map_or(crate::messages::peek::DEFAULT_SWEEP_CAP, |c| c.into_inner()),
        fold_depth: messages.fold_depth.unwrap_or(DEFAULT_FOLD_DEPTH),
        health,
        redrive_canary_watch: file
            .redrive
            .as_ref()
            .and_then(|r| r.canary_watch.as_ref())
            .and_then(|w| canary_watch(w.get_ref()).ok()),
        redrive_confirm_typed_above: file
            .redrive
            .and_then(|r| r.confirm_typed_above)
            .unwrap_or(DEFAULT_REDRIVE_CONFIRM_TYPED_ABOVE),
        logs_max_scan_mb: file
            .logs
            .and_then(|l| l.max_scan_mb)
            .unwrap_or(DEFAULT_LOGS_MAX_SCAN_MB),
        keymap: keymap(file.keys.unwrap_or_default()).map_err(error)?,
        fleet: file
            .fleet
            .map(|f| f.contexts.into_inner().into_iter().map(|e| e.into_inner()))
            .into_iter()
            .flatten()
            .collect(),
        colors: ThemeColors::from_roles(&file.theme.unwrap_or_default()),
    })
}

/// `redrive.canary_watch`: a duration like the CLI's `--watch`, 1s to 1h.
fn canary_watch(text: &str) -> Result<Duration, String> {
    let length = humantime::parse_duration(text)
        .map_err(|e| format!("redrive.canary_watch {text:?}: {e} (say 90s, 3m or 10m)"))?;
    if length < Duration::from_secs(1) || length > Duration::from_secs(3600) {
        return Err(format!("redrive.canary_watch {text:?}: between 1s and 1h"));
    }
    Ok(length)
}

/// The built-in bindings with the user's `[keys]` laid over them, action by action: an entry
/// replaces the keys, and the group and description when it gives them.
fn keymap(mut keys: BTreeMap<String, toml::Spanned<file::KeySection>>) -> Result<Keymap, String> {
    let mut bindings = Keymap::defaults()?.bindings().to_vec();
    for binding in &mut bindings {
        let Some(spec) = keys.remove(binding.action.name()) else {
            continue;
        };
        let spec = spec.into_inner();
        let chords = spec.keys.iter().map(|key| KeyChord::parse(key));
        binding.keys = chords.collect::<Result<_, _>>()?;
        if let Some(group) = spec.group {
            binding.group = group;
        }
        if let Some(description) = spec.description {
            binding.description = description;
        }
    }
    Ok(Keymap::new(bindings))
}

impl ThemeColors {
    /// The colours by role (each checked when its file was read); a role not set is the
    /// terminal's own colour.
    fn from_roles(roles: &BTreeMap<String, toml::Spanned<String>>) -> ThemeColors {
        let color = |role: &str| {
            roles
                .get(role)
                .and_then(|c| Color::from_str(c.get_ref()).ok())
                .unwrap_or(Color::Reset)
        };
        ThemeColors {
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
        }
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
