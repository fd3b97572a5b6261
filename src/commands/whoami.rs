//! `squall whoami [--json]`: the caller (STS), account, region and endpoint, and for each
//! capability whether it works with these credentials here, from harmless probes
//! (src/whoami.rs). Exit 0 when every probed capability works, 4 when a probe could not
//! tell, 6 when a permission is missing.

use std::fmt::Write as _;
use std::process::ExitCode;

use clap::Args;
use color_eyre::eyre::Result;

use super::exit;
use super::human::one_line;
use crate::aws::Backend;
use crate::gate::Shown;
use crate::whoami::{Status, Whoami, probe};

/// Exit code when a probed capability lacks a permission.
pub const MISSING_PERMISSION: u8 = 6;

const WHOAMI_HELP: &str = "\
Probes only with listings and describes (one page each); never receives, sends or changes
anything: peek, send, delete, purge, publish and starting move tasks are 'not tried'.
sts:GetCallerIdentity needs no IAM permission. A capability the endpoint does not implement
(moto's move tasks) is 'unavailable', not a permission problem.

Exit codes:
  0  every probed capability works
  4  a probe failed for another reason (network, throttling)
  6  a permission is missing (see `squall iam-policy`)";

#[derive(Debug, Args)]
#[command(after_help = WHOAMI_HELP)]
pub struct WhoamiArgs {
    /// Print a JSON object instead of text
    #[arg(long)]
    pub json: bool,
}

pub async fn run(backend: &Backend, args: &WhoamiArgs) -> Result<ExitCode> {
    let whoami = probe(backend).await;
    let text = if args.json {
        Shown::json(&whoami)?
    } else {
        Shown::text(&to_text(&whoami))
    };
    super::print(&text)?;
    Ok(ExitCode::from(exit_of(&whoami)))
}

fn exit_of(whoami: &Whoami) -> u8 {
    let statuses = || whoami.capabilities.iter().map(|c| &c.status);
    if statuses().any(|s| matches!(s, Status::NoPermission { .. })) {
        MISSING_PERMISSION
    } else if whoami.identity.is_none() || statuses().any(|s| matches!(s, Status::Failed { .. })) {
        exit::INCOMPLETE
    } else {
        exit::OK
    }
}

/// The human form; everything that came from AWS is escaped.
pub fn to_text(whoami: &Whoami) -> String {
    let mut out = String::new();
    match (&whoami.identity, &whoami.identity_error) {
        (Some(identity), _) => {
            let _ = writeln!(out, "Caller    {}", one_line(&identity.arn));
            let _ = writeln!(out, "Account   {}", one_line(&identity.account));
        }
        (None, error) => {
            let _ = writeln!(
                out,
                "Caller    unknown: {}",
                one_line(error.as_deref().unwrap_or_default())
            );
        }
    }
    let _ = writeln!(out, "Region    {}", one_line(&whoami.region));
    if let Some(endpoint) = &whoami.endpoint {
        let _ = writeln!(out, "Endpoint  {}", one_line(endpoint));
    }
    if let Some(profile) = &whoami.profile {
        let _ = writeln!(out, "Profile   {}", one_line(profile));
    }
    if whoami.read_only {
        let _ = writeln!(out, "Mode      read-only");
    }
    out.push('\n');
    for capability in &whoami.capabilities {
        let _ = writeln!(
            out,
            "{}: {}",
            capability.label,
            one_line(&capability.status.describe())
        );
    }
    if !whoami.missing().is_empty() {
        let _ = writeln!(
            out,
            "\nMissing permissions: `squall iam-policy` prints the policy squall needs."
        );
    }
    out
}
