//! The command line's side of the fleet: which contexts the flags and `[fleet]` name, and
//! the refusal of the verbs that act in one context only.

use std::process::ExitCode;

use serde::Serialize;

use crate::cli::Cli;
use crate::config::Config;
use crate::domain::arn::account;
use crate::domain::untrusted::escape;
use crate::fleet::{Context, FleetError, FleetFlags, Member};
use crate::gate::Shown;
use crate::incomplete::Missing;

/// What `cli` says about contexts. `--profile` counts as typed only when it is not
/// `AWS_PROFILE`'s value (clap fills the flag from the variable too).
pub fn flags(cli: &Cli) -> FleetFlags {
    let from_env = std::env::var("AWS_PROFILE").ok();
    FleetFlags {
        profile: cli.profile.clone(),
        region: cli.region.clone(),
        profiles: cli.profiles.clone(),
        regions: cli.regions.clone(),
        profile_typed: cli.profile.is_some() && cli.profile != from_env,
        region_typed: cli.region.is_some(),
        read_only: cli.read_only,
    }
}

/// The contexts this run looks at (one, unless the flags or `[fleet]` name more).
pub fn contexts(cli: &Cli, config: &Config) -> Result<Vec<Context>, FleetError> {
    let read_only_for = |profile: Option<&str>| config.read_only_for(profile);
    crate::fleet::contexts(&flags(cli), &config.fleet, &read_only_for)
}

/// A verb that acts in one context (redrive, purge, send, publish, peek) refuses a fleet:
/// an action never crosses contexts. `None` when there is one context.
pub fn refuse_many(verb: &str, contexts: &[Context]) -> Option<ExitCode> {
    if contexts.len() < 2 {
        return None;
    }
    let names: Vec<String> = contexts.iter().map(Context::name).collect();
    Some(super::exit::refuse(
        super::exit::FAILED,
        &[
            format!("{verb} works in one context: pass one --profile/--region"),
            format!(
                "{} contexts are selected ({}), by --profiles/--regions or [fleet]",
                contexts.len(),
                names.join(", ")
            ),
        ],
    ))
}

/// Whose a row is, as a fleet's `--json` rows carry it: `profile` (null: the default
/// chain's), `region`, `account` (STS's answer, else the row's ARN's, else null) and the
/// `context` name the human output shows.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Origin {
    pub context: String,
    pub profile: Option<String>,
    pub region: Option<String>,
    pub account: Option<String>,
}

impl Origin {
    pub fn of(member: &Member, arn: Option<&str>) -> Origin {
        Origin {
            context: member.name(),
            profile: member.context.profile.clone(),
            region: member.context.region.clone(),
            account: member
                .account
                .clone()
                .or_else(|| arn.and_then(account).map(str::to_string)),
        }
    }

    /// `row` (a JSON object) with the origin's fields added (a field the row has already
    /// keeps its own value).
    pub fn stamp(&self, row: &mut serde_json::Value) {
        let serde_json::Value::Object(fields) = row else {
            return;
        };
        let origin = [
            ("context", Some(self.context.clone())),
            ("profile", self.profile.clone()),
            ("region", self.region.clone()),
            ("account", self.account.clone()),
        ];
        for (key, value) in origin {
            fields
                .entry(key)
                .or_insert(value.map_or(serde_json::Value::Null, serde_json::Value::String));
        }
    }
}

/// What a fleet run could not read: a whole context (it did not connect, or its main
/// listing failed), or an item inside one.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum FleetMissing {
    Context {
        origin: Origin,
        error: String,
    },
    Within {
        origin: Origin,
        missing: Missing,
    },
    /// Anything else a verb names as missing in one context (health: CloudWatch, alarms).
    Other {
        origin: Origin,
        what: String,
    },
}

impl FleetMissing {
    /// `squall: incomplete: CONTEXT: ...`, AWS text escaped.
    pub fn text_line(&self) -> String {
        match self {
            FleetMissing::Context { origin, error } => format!(
                "squall: incomplete: context {} not read: {}",
                escape(&origin.context),
                escape(error)
            ),
            FleetMissing::Within { origin, missing } => {
                let line = missing.text_line();
                let rest = line.strip_prefix("squall: incomplete: ").unwrap_or(&line);
                format!("squall: incomplete: {}: {rest}", escape(&origin.context))
            }
            FleetMissing::Other { origin, what } => format!(
                "squall: incomplete: {}: {}",
                escape(&origin.context),
                escape(what)
            ),
        }
    }

    /// One JSON object: `{"incomplete":"context",...,"error":"..."}`, or the single
    /// context's object with `context`, `profile`, `region` and `account` added.
    pub fn json_value(&self) -> Result<serde_json::Value, serde_json::Error> {
        let mut value = match self {
            FleetMissing::Context { error, .. } => {
                serde_json::json!({ "incomplete": "context", "error": error })
            }
            FleetMissing::Within { missing, .. } => serde_json::to_value(missing)?,
            FleetMissing::Other { what, .. } => {
                serde_json::json!({ "incomplete": "other", "what": what })
            }
        };
        let (FleetMissing::Context { origin, .. }
        | FleetMissing::Within { origin, .. }
        | FleetMissing::Other { origin, .. }) = self;
        origin.stamp(&mut value);
        Ok(value)
    }
}

/// Names every missing item on stderr (JSON lines with `--json`, else text and a closing
/// count) through the output gate.
pub fn report(missing: &[FleetMissing], json: bool) -> Result<(), serde_json::Error> {
    if missing.is_empty() {
        return Ok(());
    }
    let mut lines = Vec::with_capacity(missing.len() + 1);
    for item in missing {
        lines.push(if json {
            Shown::json_line(&item.json_value()?)?
                .into_string()
                .trim_end()
                .to_string()
        } else {
            item.text_line()
        });
    }
    if !json {
        lines.push(summary_line(missing));
    }
    let text = lines.join("\n");
    crate::gate::err(&if json {
        Shown::json_text(text)
    } else {
        Shown::text(&text)
    });
    Ok(())
}

/// The closing line of a text report: how many contexts were not read, how many other
/// items are missing.
pub fn summary_line(missing: &[FleetMissing]) -> String {
    let contexts = missing
        .iter()
        .filter(|m| matches!(m, FleetMissing::Context { .. }))
        .count();
    let others = missing.len() - contexts;
    let plural = |n: usize| if n == 1 { "" } else { "s" };
    let mut parts = Vec::new();
    if contexts > 0 {
        parts.push(format!("{contexts} context{} not read", plural(contexts)));
    }
    if others > 0 {
        parts.push(format!("{others} other item{} missing", plural(others)));
    }
    format!(
        "squall: incomplete: {}; the output lacks them (exit code {})",
        parts.join(", "),
        super::exit::INCOMPLETE
    )
}

/// A context that did not connect, as missing.
pub fn unconnected(member: &Member) -> Option<FleetMissing> {
    member.error().map(|error| FleetMissing::Context {
        origin: Origin::of(member, None),
        error: error.to_string(),
    })
}

/// The items missing inside one context, with its name.
pub fn within(member: &Member, missing: Vec<Missing>) -> Vec<FleetMissing> {
    missing
        .into_iter()
        .map(|missing| FleetMissing::Within {
            origin: Origin::of(member, None),
            missing,
        })
        .collect()
}
