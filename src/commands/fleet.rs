//! The command line's side of the fleet: which contexts the flags and `[fleet]` name, and
//! the refusal of the verbs that act in one context only.

use std::process::ExitCode;

use crate::cli::Cli;
use crate::config::Config;
use crate::fleet::{Context, FleetError, FleetFlags};

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
