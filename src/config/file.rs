//! What one config file may contain, and the checks each file passes on its own (so that an
//! error names the file, line and column it is in). Every field is optional so that a
//! user's file holds only what it changes; unknown fields are errors, so typos do not pass
//! silently. The files are laid over each other as TOML tables (`merge`), key by key.

use std::collections::BTreeMap;
use std::path::Path;
use std::str::FromStr;

use ratatui::style::Color;
use serde::Deserialize;
use toml::Spanned;

use super::keymap::{KeyAction, KeyChord};
use super::{ConfigError, ProfileSettings, THEME_ROLES};

#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub(super) struct FileConfig {
    pub general: Option<GeneralSection>,
    pub aws: Option<AwsSection>,
    pub refresh: Option<RefreshSection>,
    pub messages: Option<MessagesSection>,
    pub profiles: Option<BTreeMap<String, ProfileSettings>>,
    pub keys: Option<BTreeMap<String, Spanned<KeySection>>>,
    pub theme: Option<BTreeMap<String, Spanned<String>>>,
    pub health: Option<crate::health::thresholds::HealthSection>,
    pub redrive: Option<RedriveSection>,
    pub logs: Option<LogsSection>,
    pub fleet: Option<FleetSection>,
}

/// `[fleet]`: the contexts squall loads together when no `--profiles`/`--regions` is given.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub(super) struct FleetSection {
    pub contexts: Spanned<Vec<Spanned<crate::fleet::FleetEntry>>>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub(super) struct LogsSection {
    pub max_scan_mb: Option<u64>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub(super) struct RedriveSection {
    pub confirm_typed_above: Option<u64>,
    pub canary_watch: Option<Spanned<String>>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub(super) struct GeneralSection {
    pub log_file: Option<String>,
    pub read_only: Option<bool>,
    pub ascii: Option<bool>,
    pub start_view: Option<Spanned<String>>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub(super) struct AwsSection {
    pub concurrency: Option<Spanned<usize>>,
    pub max_attempts: Option<Spanned<u32>>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub(super) struct RefreshSection {
    pub counts_seconds: Option<u64>,
    pub listing_seconds: Option<u64>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub(super) struct MessagesSection {
    pub sweep_cap: Option<Spanned<usize>>,
    pub fold_depth: Option<usize>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub(super) struct KeySection {
    pub keys: Vec<String>,
    pub group: Option<String>,
    pub description: Option<String>,
}

/// One file, read and checked: its settings, and the same as a TOML table to lay over the
/// files below it.
pub(super) struct Layer {
    pub table: toml::Table,
}

impl Layer {
    pub fn read(path: &Path, text: &str) -> Result<Layer, ConfigError> {
        let file = parse_file(path, text)?;
        Check { path, text }.file(&file)?;
        let table = toml::from_str(text).map_err(|err| syntax_error(path, text, &err))?;
        Ok(Layer { table })
    }
}

/// `over` laid on `under`: tables merge key by key, anything else is replaced.
pub(super) fn merge(under: toml::Table, over: toml::Table) -> toml::Table {
    let mut merged = under;
    for (key, value) in over {
        let value = match (merged.remove(&key), value) {
            (Some(toml::Value::Table(below)), toml::Value::Table(above)) => {
                toml::Value::Table(merge(below, above))
            }
            (_, value) => value,
        };
        merged.insert(key, value);
    }
    merged
}

pub(super) fn parse_file(path: &Path, text: &str) -> Result<FileConfig, ConfigError> {
    toml::from_str::<FileConfig>(text).map_err(|err| syntax_error(path, text, &err))
}

fn syntax_error(path: &Path, text: &str, err: &toml::de::Error) -> ConfigError {
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
}

/// 1-based line and column of a byte offset.
fn line_and_column(text: &str, offset: usize) -> (usize, usize) {
    let before = &text[..offset.min(text.len())];
    let line = before.matches('\n').count() + 1;
    let column = before.rsplit('\n').next().map_or(0, |l| l.chars().count()) + 1;
    (line, column)
}

/// The checks of one file's values, with the file's text for the errors' lines.
struct Check<'a> {
    path: &'a Path,
    text: &'a str,
}

impl Check<'_> {
    fn error_at(&self, offset: usize, message: String) -> ConfigError {
        let (line, column) = line_and_column(self.text, offset);
        ConfigError {
            path: self.path.to_path_buf(),
            line: Some(line),
            column: Some(column),
            message,
        }
    }

    /// A number within its range, or an error at it.
    fn within<T: PartialOrd + Copy>(
        &self,
        value: Option<&Spanned<T>>,
        range: std::ops::RangeInclusive<T>,
        message: &str,
    ) -> Result<(), ConfigError> {
        match value {
            Some(value) if !range.contains(value.get_ref()) => {
                Err(self.error_at(value.span().start, message.to_string()))
            }
            _ => Ok(()),
        }
    }

    fn file(&self, file: &FileConfig) -> Result<(), ConfigError> {
        if let Some(view) = file.general.as_ref().and_then(|g| g.start_view.as_ref()) {
            let name = view.get_ref();
            if name != "health" && name != "queues" {
                let message = format!("general.start_view: {name:?} is not health or queues");
                return Err(self.error_at(view.span().start, message));
            }
        }
        if let Some(aws) = &file.aws {
            let concurrency = "aws.concurrency must be between 1 and 256";
            self.within(aws.concurrency.as_ref(), 1..=256, concurrency)?;
            let attempts = "aws.max_attempts must be between 1 and 20";
            self.within(aws.max_attempts.as_ref(), 1..=20, attempts)?;
        }
        if let Some(watch) = file.redrive.as_ref().and_then(|r| r.canary_watch.as_ref()) {
            super::canary_watch(watch.get_ref())
                .map_err(|why| self.error_at(watch.span().start, why))?;
        }
        let sweep_cap = file.messages.as_ref().and_then(|m| m.sweep_cap.as_ref());
        let message = "messages.sweep_cap must be between 10 and 100000";
        self.within(sweep_cap, 10..=100_000, message)?;
        for (name, spec) in file.keys.iter().flatten() {
            self.key(name, spec)?;
        }
        for (role, value) in file.theme.iter().flatten() {
            self.colour(role, value)?;
        }
        if let Some(fleet) = &file.fleet {
            self.fleet(fleet)?;
        }
        Ok(())
    }

    /// Each `[fleet]` context against the ones before it; an empty list is a mistake, not
    /// "no fleet" (leaving the section out is that).
    fn fleet(&self, fleet: &FleetSection) -> Result<(), ConfigError> {
        let contexts = fleet.contexts.get_ref();
        if contexts.is_empty() {
            let message = "fleet.contexts is empty: name at least one context \
                           ({ profile = \"prod\", region = \"us-east-1\" }) or leave [fleet] out";
            return Err(self.error_at(fleet.contexts.span().start, message.to_string()));
        }
        let mut before: Vec<crate::fleet::FleetEntry> = Vec::new();
        for (i, entry) in contexts.iter().enumerate() {
            if let Some(problem) = crate::fleet::entry_problem(entry.get_ref(), &before) {
                let message = format!("fleet.contexts[{i}]: {problem}");
                return Err(self.error_at(entry.span().start, message));
            }
            before.push(entry.get_ref().clone());
        }
        Ok(())
    }

    fn key(&self, name: &str, spec: &Spanned<KeySection>) -> Result<(), ConfigError> {
        let offset = spec.span().start;
        if KeyAction::from_name(name).is_none() {
            let known: Vec<&str> = KeyAction::ALL.iter().map(|a| a.name()).collect();
            let message = format!("unknown key action {name:?} (known: {})", known.join(", "));
            return Err(self.error_at(offset, message));
        }
        for key in &spec.get_ref().keys {
            KeyChord::parse(key).map_err(|m| self.error_at(offset, format!("keys.{name}: {m}")))?;
        }
        Ok(())
    }

    fn colour(&self, role: &str, value: &Spanned<String>) -> Result<(), ConfigError> {
        let offset = value.span().start;
        if !THEME_ROLES.contains(&role) {
            let message = format!(
                "unknown theme colour {role:?} (known: {})",
                THEME_ROLES.join(", ")
            );
            return Err(self.error_at(offset, message));
        }
        match Color::from_str(value.get_ref()) {
            Ok(_) => Ok(()),
            Err(_) => Err(self.error_at(
                offset,
                format!("theme.{role}: {:?} is not a colour", value.get_ref()),
            )),
        }
    }
}
