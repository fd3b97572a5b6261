//! `squall health [--json]`: the health board's live problems, worst first, for scripts
//! and chat-ops. Exit 0 when nothing burns, 1 when something does, 4 when nothing was
//! found but part of the picture is missing (a listing or CloudWatch did not answer).

use std::process::ExitCode;
use std::time::{SystemTime, UNIX_EPOCH};

use color_eyre::eyre::Result;
use serde::Serialize;

use super::exit;
use super::human::one_line;
use crate::aws::Backend;
use crate::cli::HealthArgs;
use crate::config::Config;
use crate::gate::Shown;
use crate::health::observe::{read_move_tasks, unavailable};
use crate::health::{Problem, assess, facts, wanted};
use crate::inventory::{Collected, Source, collect_inventory};
use crate::messages::record::rfc3339_ms;
use crate::metrics::{MetricsEngine, Window};

/// Exit code when there are live problems.
pub const PROBLEMS: u8 = 1;

/// One problem as `--json` prints it.
#[derive(Debug, Serialize, PartialEq)]
pub struct ProblemJson {
    pub severity: &'static str,
    pub kind: &'static str,
    pub resource: String,
    pub arn: String,
    pub problem: String,
    /// RFC 3339, when known.
    pub since: Option<String>,
    /// `since` is only a lower bound: the problem held from the first point CloudWatch
    /// has (or only the live point), and may have begun earlier.
    pub since_is_lower_bound: bool,
    pub value: f64,
}

pub fn to_json(problems: &[Problem]) -> Vec<ProblemJson> {
    problems
        .iter()
        .map(|p| ProblemJson {
            severity: p.severity.label(),
            kind: p.resource.kind.label(),
            resource: p.resource.name.clone(),
            arn: p.resource.address.clone(),
            problem: p.what.clone(),
            since: p.since_ms.map(|ms| rfc3339_ms(ms.max(0) as u64)),
            since_is_lower_bound: p.since_ms.is_some() && p.since_lower_bound,
            value: p.value,
        })
        .collect()
}

/// One line per problem; names are escaped (they come from AWS). With no problem, "all is
/// well" only when the whole picture was read (`complete`): an endpoint that did not answer
/// proves nothing.
pub fn to_text(problems: &[Problem], complete: bool) -> String {
    if problems.is_empty() {
        return if complete {
            "All is well: no live problems.\n".to_string()
        } else {
            "No live problems found, but part of the picture is missing (see below): \
             not all is known to be well.\n"
                .to_string()
        };
    }
    let mut out = String::new();
    for p in problems {
        let since = p
            .since_ms
            .map(|ms| {
                let at = rfc3339_ms(ms.max(0) as u64);
                if p.since_lower_bound {
                    format!("  (since {at} or earlier)")
                } else {
                    format!("  (since {at})")
                }
            })
            .unwrap_or_default();
        out.push_str(&format!(
            "{:<8}  {} {}: {}{since}\n",
            p.severity.label(),
            p.resource.kind.label(),
            one_line(&p.resource.name),
            one_line(&p.what),
        ));
    }
    out
}

fn now_ms() -> i64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map(|d| d.as_millis() as i64)
        .unwrap_or(0)
}

/// Loads the inventory, fetches only the series the rules read, and judges.
pub async fn live_problems(backend: &Backend, config: &Config) -> (Vec<Problem>, Vec<String>) {
    judge(backend, config, collect(backend, config).await).await
}

/// The listings the health rules read.
pub async fn collect(backend: &Backend, config: &Config) -> Collected {
    collect_inventory(
        backend,
        config.concurrency,
        &[
            Source::Queues,
            Source::Topics,
            Source::Subscriptions,
            Source::EventSourceMappings,
        ],
    )
    .await
}

/// The problems of what `collect` read, with the series and alarms the rules need, and
/// everything that could not be read.
pub async fn judge(
    backend: &Backend,
    config: &Config,
    collected: Collected,
) -> (Vec<Problem>, Vec<String>) {
    let mut missing: Vec<String> = collected
        .failed_sources
        .iter()
        .map(|(source, error)| format!("listing {} failed: {error}", source.label()))
        .collect();
    missing.extend(
        collected
            .failed_queues
            .iter()
            .map(|(url, error)| format!("{url}: {error}")),
    );
    let mut inventory = collected.inventory;
    let resources = wanted(&facts(&inventory));
    let mut engine = MetricsEngine::new(Window::H1);
    let now = now_ms();
    let dlqs = facts(&inventory).move_task_sources();
    let (report, alarms, move_tasks) = tokio::join!(
        engine.refresh(backend.metrics.as_ref(), &resources, now),
        backend.alarms.alarms_in_alarm(),
        read_move_tasks(backend, dlqs, config.concurrency),
    );
    inventory.set_alarms(alarms);
    inventory.set_move_tasks(move_tasks);
    for queue in inventory.queues() {
        engine.record_counts(
            &queue.name,
            queue.counts.visible,
            queue.counts.in_flight,
            now,
        );
    }
    missing.extend(report.errors.iter().map(|e| format!("CloudWatch: {e}")));
    missing.extend(unavailable(inventory.signals()));
    let problems = assess(&facts(&inventory), &engine, &config.health, now);
    (problems, missing)
}

/// What `squall health` prints: the problems as JSON or as text.
pub fn render(problems: &[Problem], complete: bool, json: bool) -> Result<Shown> {
    Ok(if json {
        Shown::json(&to_json(problems))?
    } else {
        Shown::text(&to_text(problems, complete))
    })
}

pub async fn run(backend: &Backend, config: &Config, args: HealthArgs) -> Result<ExitCode> {
    let (problems, missing) = live_problems(backend, config).await;
    super::print(&render(&problems, missing.is_empty(), args.json)?)?;
    if !problems.is_empty() {
        return Ok(ExitCode::from(PROBLEMS));
    }
    if missing.is_empty() {
        return Ok(ExitCode::SUCCESS);
    }
    let lines: Vec<String> = missing.iter().map(|m| one_line(m)).collect();
    Ok(exit::refuse(exit::INCOMPLETE, &lines))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn the_demo_world_burns_with_a_dlq_first_and_json_carries_every_field() {
        let backend = crate::sim::backend(crate::sim::SimFleet::demo().frozen());
        let config = Config::defaults().expect("defaults");
        let (problems, missing) = live_problems(&backend, &config).await;
        assert!(missing.is_empty(), "{missing:?}");
        assert!(!problems.is_empty());
        assert_eq!(problems[0].resource.kind, crate::health::Kind::Dlq);
        let json = to_json(&problems);
        assert_eq!(json[0].severity, "critical");
        assert!(json[0].arn.starts_with("arn:aws:sqs:"), "{}", json[0].arn);
        assert!(json[0].problem.contains("DLQ holds"), "{}", json[0].problem);
        let alarm = json
            .iter()
            .find(|p| {
                p.problem
                    .starts_with("alarm webhooks-outbound-dlq-not-empty in ALARM")
            })
            .expect("the demo's DLQ alarm");
        assert_eq!(
            (alarm.kind, alarm.resource.as_str()),
            ("dlq", "webhooks-outbound-dlq")
        );
        assert!(alarm.since.is_some());
        // The DLQs' "since" comes from their oldest message: hours back, not a bound; a
        // depth growing over the whole window is only a lower bound, and says so.
        assert!(!json[0].since_is_lower_bound, "{:?}", json[0]);
        let growing = problems
            .iter()
            .position(|p| p.what.starts_with("depth growing"))
            .expect("a growing queue");
        assert!(json[growing].since_is_lower_bound);
        let text = to_text(&problems, true);
        assert_eq!(text.lines().count(), problems.len());
        let line = text.lines().nth(growing).unwrap_or_default();
        assert!(line.ends_with(" or earlier)"), "{line}");
        assert_eq!(to_text(&[], true), "All is well: no live problems.\n");
        assert!(
            !to_text(&[], false).contains("All is well"),
            "a picture with holes is not all well"
        );
    }
}
