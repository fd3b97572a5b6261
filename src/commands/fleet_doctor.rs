//! `squall doctor` over a fleet: each context discovered (one budget of calls for all) and
//! checked on its own, the findings of all of them together, worst first, each naming its
//! context. A context that cannot be read is named on stderr and the rest goes on; the
//! exit code is the worst of the contexts (an unread context counts as incomplete).

use std::process::ExitCode;

use color_eyre::eyre::Result;
use serde::Serialize;

use super::doctor::{exit_code, human};
use super::fleet::{FleetMissing, Origin, report, unconnected, within};
use crate::cli::DoctorArgs;
use crate::config::Config;
use crate::doctor::{Finding, diagnose};
use crate::fleet::Member;
use crate::gate::Shown;
use crate::inventory::{Source, collect_inventory};

/// One finding of a fleet as `--json` prints it: the single context's fields, and whose.
#[derive(Debug, Serialize)]
pub struct FleetFindingJson<'a> {
    #[serde(flatten)]
    pub origin: Origin,
    #[serde(flatten)]
    pub finding: &'a Finding,
}

/// Every context's findings at or above `args.severity`, `(context index, finding)`, worst
/// first across contexts, and what could not be read.
pub async fn fleet_findings(
    members: &[Member],
    config: &Config,
    args: &DoctorArgs,
) -> (Vec<(usize, Finding)>, Vec<FleetMissing>) {
    let collected = futures::future::join_all(members.iter().map(|member| async move {
        match &member.backend {
            Ok(backend) => Some(collect_inventory(backend, config.concurrency, &Source::ALL).await),
            Err(_) => None,
        }
    }))
    .await;
    let mut findings = Vec::new();
    let mut missing = Vec::new();
    for (i, (member, collected)) in members.iter().zip(collected).enumerate() {
        let Some(collected) = collected else {
            missing.extend(unconnected(member));
            continue;
        };
        let queues_failed = collected
            .failed_sources
            .iter()
            .find(|(s, _)| *s == Source::Queues);
        if let Some((_, error)) = queues_failed {
            missing.push(FleetMissing::Context {
                origin: Origin::of(member, None),
                error: format!("listing queues failed: {error}"),
            });
            continue;
        }
        findings.extend(
            diagnose(&collected.inventory)
                .into_iter()
                .filter(|f| f.severity >= args.severity.min())
                .map(|f| (i, f)),
        );
        let lacking = crate::incomplete::missing(&collected, Source::Queues);
        missing.extend(within(member, lacking));
    }
    // Stable: within a severity, the contexts' order, then each context's own.
    findings.sort_by_key(|(_, f)| std::cmp::Reverse(f.severity));
    (findings, missing)
}

pub async fn run(members: &[Member], config: &Config, args: DoctorArgs) -> Result<ExitCode> {
    let (findings, missing) = fleet_findings(members, config, &args).await;
    let shown = if args.json {
        let rows: Vec<FleetFindingJson> = findings
            .iter()
            .filter_map(|(i, finding)| {
                let member = members.get(*i)?;
                let arn = finding.resources.first().map(String::as_str);
                Some(FleetFindingJson {
                    origin: Origin::of(member, arn),
                    finding,
                })
            })
            .collect();
        Shown::json(&rows)?
    } else {
        Shown::text(&format!(
            "{}\n",
            human(&named(members, &findings)).trim_end()
        ))
    };
    super::print(&shown)?;
    report(&missing, args.json)?;
    let plain: Vec<Finding> = findings.into_iter().map(|(_, f)| f).collect();
    Ok(ExitCode::from(exit_code(&plain, !missing.is_empty())))
}

/// The findings with their context's name before each message (`[prod/eu-west-1] ...`),
/// for the human report, which groups them by severity and rule across contexts.
pub fn named(members: &[Member], findings: &[(usize, Finding)]) -> Vec<Finding> {
    findings
        .iter()
        .map(|(i, finding)| {
            let name = members.get(*i).map(Member::name).unwrap_or_default();
            Finding {
                message: format!("[{name}] {}", finding.message),
                ..finding.clone()
            }
        })
        .collect()
}
