//! `squall health` over a fleet: every context's live problems in one list, worst first
//! across contexts, each with its context (a CONTEXT column; `profile`, `region`,
//! `account` in `--json`). A context that cannot be read is named on stderr and the rest
//! goes on. Exit 1 when anything burns anywhere, else 4 when any context or part of one
//! could not be read, else 0.

use std::process::ExitCode;

use color_eyre::eyre::Result;
use serde::Serialize;

use super::exit;
use super::fleet::{FleetMissing, Origin, report, unconnected};
use super::health::{PROBLEMS, ProblemJson, collect, judge, to_json};
use super::human::one_line;
use crate::cli::HealthArgs;
use crate::config::Config;
use crate::fleet::{Member, rank_problems};
use crate::gate::Shown;
use crate::health::Problem;
use crate::inventory::Source;
use crate::messages::record::rfc3339_ms;

/// One problem of a fleet as `--json` prints it: the single context's fields, and whose.
#[derive(Debug, Serialize)]
pub struct FleetProblemJson {
    #[serde(flatten)]
    pub origin: Origin,
    #[serde(flatten)]
    pub problem: ProblemJson,
}

/// Every context's problems, ranked, and what could not be read.
pub async fn fleet_problems(
    members: &[Member],
    config: &Config,
) -> (Vec<(usize, Problem)>, Vec<FleetMissing>) {
    let readings = futures::future::join_all(members.iter().map(|member| async move {
        let backend = member.backend.as_ref().ok()?;
        let collected = collect(backend, config).await;
        // Without its queues a context's board says nothing: it is unread, one line.
        let queues = collected.failed_sources.iter();
        if let Some((_, error)) = queues.into_iter().find(|(s, _)| *s == Source::Queues) {
            return Some(Err(format!("listing queues failed: {error}")));
        }
        Some(Ok(judge(backend, config, collected).await))
    }))
    .await;
    let mut per_context = Vec::new();
    let mut missing = Vec::new();
    for (i, (member, reading)) in members.iter().zip(readings).enumerate() {
        let (problems, lacking) = match reading {
            Some(Ok(reading)) => reading,
            Some(Err(error)) => {
                missing.push(FleetMissing::Context {
                    origin: Origin::of(member, None),
                    error,
                });
                continue;
            }
            None => {
                missing.extend(unconnected(member));
                continue;
            }
        };
        per_context.push((i, problems));
        missing.extend(lacking.into_iter().map(|what| FleetMissing::Other {
            origin: Origin::of(member, None),
            what,
        }));
    }
    (rank_problems(per_context), missing)
}

pub fn to_fleet_json(members: &[Member], ranked: &[(usize, Problem)]) -> Vec<FleetProblemJson> {
    ranked
        .iter()
        .filter_map(|(i, problem)| {
            let member = members.get(*i)?;
            let json = to_json(std::slice::from_ref(problem)).pop()?;
            Some(FleetProblemJson {
                origin: Origin::of(member, Some(&problem.resource.address)),
                problem: json,
            })
        })
        .collect()
}

/// One line per problem, the context in a column of its own after the severity.
pub fn to_fleet_text(members: &[Member], ranked: &[(usize, Problem)], complete: bool) -> String {
    if ranked.is_empty() {
        return super::health::to_text(&[], complete);
    }
    let names: Vec<String> = members.iter().map(|m| one_line(&m.name())).collect();
    let width = ranked
        .iter()
        .filter_map(|(i, _)| names.get(*i))
        .map(|n| unicode_width::UnicodeWidthStr::width(n.as_str()))
        .max()
        .unwrap_or(0)
        .max("CONTEXT".len());
    let mut out = format!("{:<8}  {:<width$}  PROBLEM\n", "SEVERITY", "CONTEXT");
    for (i, p) in ranked {
        let name = names.get(*i).map_or("", String::as_str);
        let pad = width.saturating_sub(unicode_width::UnicodeWidthStr::width(name));
        let since = p
            .since_ms
            .map(|ms| {
                let at = rfc3339_ms(ms.max(0) as u64);
                let bound = if p.since_lower_bound {
                    " or earlier"
                } else {
                    ""
                };
                format!("  (since {at}{bound})")
            })
            .unwrap_or_default();
        out.push_str(&format!(
            "{:<8}  {name}{}  {} {}: {}{since}\n",
            p.severity.label(),
            " ".repeat(pad),
            p.resource.kind.label(),
            one_line(&p.resource.name),
            one_line(&p.what),
        ));
    }
    out
}

pub async fn run(members: &[Member], config: &Config, args: HealthArgs) -> Result<ExitCode> {
    let (ranked, missing) = fleet_problems(members, config).await;
    let shown = if args.json {
        Shown::json(&to_fleet_json(members, &ranked))?
    } else {
        Shown::text(&to_fleet_text(members, &ranked, missing.is_empty()))
    };
    super::print(&shown)?;
    report(&missing, args.json)?;
    Ok(ExitCode::from(exit_code(
        !ranked.is_empty(),
        !missing.is_empty(),
    )))
}

/// The worst of the contexts: problems anywhere, else incomplete anywhere, else ok.
pub fn exit_code(problems: bool, incomplete: bool) -> u8 {
    match (problems, incomplete) {
        (true, _) => PROBLEMS,
        (false, true) => exit::INCOMPLETE,
        (false, false) => exit::OK,
    }
}
