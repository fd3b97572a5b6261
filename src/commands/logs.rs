//! `squall logs TARGET [--since 1h] [--grep TEXT] [--message-id ID] [--errors] [--follow]
//! [--json] [--yes]`: the CloudWatch Logs of the Lambda consumers a function, queue, DLQ or
//! topic leads to, through the logs engine the TUI uses. A search that may scan more than
//! `logs.max_scan_mb` needs --yes; an endpoint without CloudWatch Logs is said so plainly.

use std::process::ExitCode;
use std::time::{SystemTime, UNIX_EPOCH};

use clap::Args;
use color_eyre::eyre::{Result, eyre};

use super::exit;
use super::human::one_line;
use super::logs_output as output;
use crate::aws::resolve::{self, ResolveError};
use crate::aws::{ApiError, Backend};
use crate::config::Config;
use crate::gate::Shown;
use crate::logs::live::Following;
use crate::logs::search::{ScanEstimate, human_bytes};
use crate::logs::targets::{Consumers, dlq_source_arns, of_topic};
use crate::logs::{
    GroupTarget, MessageRef, RequestBudget, SearchOutcome, SearchRequest, error_signatures_of,
    estimate_scan, find_message, pattern, search,
};

pub const LOGS_HELP: &str = "\
TARGET is a function (its log group: LoggingConfig.LogGroup, else /aws/lambda/NAME), a
queue (the functions consuming it), a DLQ (the consumers of its source queues; for a
function's DLQ or on-failure destination, or an SNS-to-Lambda subscription's DLQ, the
function whose failures land there) or a topic (the functions subscribed to it,
directly or through a queue). Searches use
FilterLogEvents with filter patterns, so CloudWatch does the matching; calls share one
budget of a few a second and wait out throttling. stderr says what was read. A search
that may scan more than logs.max_scan_mb (estimated from the groups' stored bytes over
the window) needs --yes.

--message-id finds the lines naming the id (an SQS message id or an SNS MessageId), then
prints each invocation that handled it, START to REPORT, stack trace included.
--errors prints error signatures: error lines with ids, numbers, timestamps, hex and
quoted values taken out, with counts, first and last seen.

Exit codes:
  0  printed
  1  failed (no such target, no consumers, CloudWatch Logs unavailable on this endpoint)
  2  usage error
  4  incomplete: a log group could not be read (stderr says which)
  5  refused: the search may scan more than logs.max_scan_mb and --yes was not given";

#[derive(Debug, Args)]
pub struct LogsArgs {
    /// Function, queue, DLQ or topic: name, URL or ARN
    pub target: String,
    /// How far back: 15m, 1h, 2d (humantime)
    #[arg(long, default_value = "1h", value_name = "DURATION")]
    pub since: String,
    /// Only lines holding TEXT (a filter pattern term: CloudWatch matches it)
    #[arg(long, value_name = "TEXT")]
    pub grep: Option<String>,
    /// The invocations that handled this message (SQS message id or SNS MessageId)
    #[arg(long, value_name = "ID", conflicts_with_all = ["errors", "follow"])]
    pub message_id: Option<String>,
    /// Print error signatures (counts, first and last seen) instead of lines
    #[arg(long, conflicts_with = "follow")]
    pub errors: bool,
    /// Keep printing new lines until Ctrl-C: by Live Tail (billed per minute of session) where
    /// the endpoint has it, else by polling every 2 s
    #[arg(long)]
    pub follow: bool,
    /// JSON lines: function, log_group, stream, timestamp, request_id, level, message
    #[arg(long)]
    pub json: bool,
    /// Search although it may scan more than logs.max_scan_mb
    #[arg(long)]
    pub yes: bool,
}

/// Lines one listing prints at most.
const MAX_LINES: usize = 10_000;

fn fail(error: impl std::fmt::Display) -> color_eyre::Report {
    eyre!("squall: {}", one_line(&error.to_string()))
}

fn now_ms() -> i64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map(|d| d.as_millis() as i64)
        .unwrap_or(0)
}

/// What the endpoint said when it lacks CloudWatch Logs.
fn unavailable(error: &ApiError) -> color_eyre::Report {
    eyre!(
        "squall: CloudWatch Logs is unavailable on this endpoint ({}); `squall logs` needs \
         logs:FilterLogEvents on AWS or an emulator that implements it",
        one_line(&error.to_string())
    )
}

/// The consumers of a queue; for a DLQ, of its source queues too. A queue no consumer
/// leads to may be a Lambda-side DLQ or on-failure destination (or an SNS `lambda`
/// subscription's DLQ): its messages are the failures of the function that feeds it, so its
/// logs are that function's. Finding those costs a call per function and per subscription,
/// so only a queue without consumers pays it.
async fn queue_groups(
    backend: &Backend,
    consumers: &Consumers,
    given: &str,
) -> Result<Vec<GroupTarget>, ResolveError> {
    let queue = resolve::queue(backend, given).await?;
    let mut arns = dlq_source_arns(backend, &queue.url).await?;
    arns.push(queue.arn.clone());
    let groups = consumers.of_queues(arns.iter().map(String::as_str));
    if !groups.is_empty() {
        return Ok(groups);
    }
    Ok(lambda_feeders(backend, consumers, &queue.arn).await)
}

/// The functions whose failed asynchronous invokes land in `queue_arn`.
async fn lambda_feeders(
    backend: &Backend,
    consumers: &Consumers,
    queue_arn: &str,
) -> Vec<GroupTarget> {
    let mut warnings = Vec::new();
    let subscriptions =
        match crate::inventory::topics::load_subscriptions(backend.topics.clone(), 4).await {
            Ok(all) => all,
            Err(error) => {
                warnings.push(format!(
                    "subscriptions could not be listed ({}): an SNS-to-Lambda subscription \
                     whose DLQ this is would not be found",
                    one_line(&error.to_string())
                ));
                Vec::new()
            }
        };
    let feeding = crate::redrive::lambda_route::feeding(
        backend,
        queue_arn,
        &subscriptions,
        Some(consumers.functions()),
        true,
        &mut warnings,
    )
    .await;
    for warning in &warnings {
        crate::gate::say(warning);
    }
    let mut groups: Vec<GroupTarget> = feeding
        .iter()
        .map(|d| consumers.target(&d.function))
        .collect();
    groups.sort();
    groups.dedup();
    groups
}

/// TARGET's log groups, resolved as `squall metrics` resolves its NAME.
async fn groups_of(backend: &Backend, given: &str) -> Result<Vec<GroupTarget>> {
    let consumers = Consumers::load(backend).await.map_err(fail)?;
    let is_url = given.starts_with("http://") || given.starts_with("https://");
    let service = given
        .starts_with("arn:")
        .then(|| given.split(':').nth(2))
        .flatten();
    match service {
        Some("lambda") => {
            return consumers.function(given).map(|g| vec![g]).ok_or_else(|| {
                eyre!(
                    "squall: no function {} in {}",
                    one_line(given),
                    backend.info.region
                )
            });
        }
        Some("sns") => {
            let topic = resolve::topic(backend, given).await.map_err(fail)?;
            return of_topic(backend, &consumers, &topic.arn)
                .await
                .map_err(fail);
        }
        _ if is_url || service == Some("sqs") => {
            return queue_groups(backend, &consumers, given).await.map_err(fail);
        }
        _ => {}
    }
    if let Some(function) = consumers.function(given) {
        return Ok(vec![function]);
    }
    match queue_groups(backend, &consumers, given).await {
        Ok(groups) => return Ok(groups),
        Err(ResolveError::NoQueue { .. }) => {}
        Err(other) => return Err(fail(other)),
    }
    match resolve::topic(backend, given).await {
        Ok(topic) => of_topic(backend, &consumers, &topic.arn)
            .await
            .map_err(fail),
        Err(ResolveError::NoTopic { .. }) => Err(eyre!(
            "squall: no function, queue or topic named {} in {}",
            one_line(given),
            backend.info.region
        )),
        Err(other) => Err(fail(other)),
    }
}

/// Refuses a search larger than `logs.max_scan_mb` without --yes.
fn check_size(estimate: &ScanEstimate, max_mb: u64, yes: bool) -> Option<ExitCode> {
    let limit = max_mb.saturating_mul(1_000_000);
    if yes || estimate.bytes <= limit {
        return None;
    }
    Some(exit::refuse(
        exit::NEEDS_YES,
        &[
            format!(
                "this search may scan about {} (logs.max_scan_mb is {max_mb} MB)",
                human_bytes(estimate.bytes)
            ),
            "narrow --since or the target, or pass --yes; nothing was searched".to_string(),
        ],
    ))
}

/// Estimates the scan and refuses one above `logs.max_scan_mb` without --yes. Without
/// DescribeLogGroups (a policy that lacks it) the search goes on, bounded by what it reads.
async fn check_scan(
    backend: &Backend,
    budget: &RequestBudget,
    groups: &[GroupTarget],
    (start_ms, now): (i64, i64),
    config: &Config,
    yes: bool,
) -> Result<Option<ExitCode>> {
    let estimate =
        match estimate_scan(backend.logs.as_ref(), budget, groups, start_ms, now, now).await {
            Ok(estimate) => estimate,
            Err(error) if error.is_unavailable() => return Err(unavailable(&error)),
            Err(error) => {
                crate::gate::say(&format!(
                    "cannot estimate the scan ({}); reading at most logs.max_scan_mb",
                    one_line(&error.to_string())
                ));
                return Ok(None);
            }
        };
    if let Some(refused) = check_size(&estimate, config.logs_max_scan_mb, yes) {
        return Ok(Some(refused));
    }
    crate::gate::say(&format!(
        "searching about {} (estimated from the log groups' stored bytes over the window)",
        human_bytes(estimate.bytes)
    ));
    Ok(None)
}

/// What was read and what could not be: stderr, and the exit code.
fn report(outcomes: &[&SearchOutcome], groups: usize) -> ExitCode {
    let bytes: u64 = outcomes.iter().map(|o| o.bytes_read).sum();
    let requests: u64 = outcomes.iter().map(|o| o.requests).sum();
    crate::gate::say(&format!(
        "read {} in {requests} FilterLogEvents requests from {groups} log group{}",
        human_bytes(bytes),
        if groups == 1 { "" } else { "s" }
    ));
    let mut missing: Vec<&String> = outcomes.iter().flat_map(|o| &o.missing_groups).collect();
    missing.sort();
    missing.dedup();
    for group in missing {
        crate::gate::err(&Shown::text(&format!(
            "  no log group {} (the function has not logged yet, or logs elsewhere)",
            one_line(group)
        )));
    }
    for outcome in outcomes {
        if let Some(why) = &outcome.stopped_early {
            crate::gate::err(&Shown::text(&format!(
                "  {why}: narrow --since or --grep for the rest"
            )));
        }
    }
    let failures: Vec<String> = outcomes
        .iter()
        .flat_map(|o| &o.failures)
        .map(|(group, error)| format!("{}: {error}", one_line(group)))
        .collect();
    if failures.is_empty() {
        return ExitCode::SUCCESS;
    }
    exit::refuse(exit::INCOMPLETE, &failures)
}

/// Through the output gate: JSON lines, or human text (escaped already; the rule is
/// idempotent).
fn print(text: &str, as_json: bool) -> Result<()> {
    let shown = if as_json {
        Shown::json_text(text.to_string())
    } else {
        Shown::text(text)
    };
    super::print(&shown)
}

pub async fn run(backend: &Backend, config: &Config, args: LogsArgs) -> Result<ExitCode> {
    let since = humantime::parse_duration(&args.since).map_err(|e| {
        eyre!(
            "squall: --since {}: {e} (e.g. 15m, 1h, 2d)",
            one_line(&args.since)
        )
    })?;
    let grep = match &args.grep {
        Some(text) => {
            Some(pattern::quoted(text).map_err(|e| eyre!("squall: --grep: {}", one_line(&e)))?)
        }
        None => None,
    };
    let groups = groups_of(backend, &args.target).await?;
    if groups.is_empty() {
        return Err(eyre!(
            "squall: {} has no Lambda consumers (no event source mapping or subscription leads to a function)",
            one_line(&args.target)
        ));
    }
    let budget = std::sync::Arc::new(RequestBudget::default());
    let now = now_ms();
    let start_ms = now - i64::try_from(since.as_millis()).unwrap_or(i64::MAX / 2);
    if let Some(refused) =
        check_scan(backend, &budget, &groups, (start_ms, now), config, args.yes).await?
    {
        return Ok(refused);
    }
    let max_bytes = if args.yes {
        u64::MAX
    } else {
        config.logs_max_scan_mb.saturating_mul(1_000_000)
    };
    let request = SearchRequest {
        groups: groups.clone(),
        start_ms,
        end_ms: now,
        pattern: grep.clone(),
        max_bytes,
        max_lines: MAX_LINES,
    };
    if let Some(id) = &args.message_id {
        return message_invocations(backend, &budget, &request, id, &args).await;
    }
    if args.errors {
        return error_signatures(backend, &budget, request, args.json).await;
    }
    let outcome = search(backend.logs.as_ref(), &budget, &request).await;
    if let Some(error) = outcome.unavailable() {
        return Err(unavailable(error));
    }
    print(&output::lines(&outcome.lines, args.json), args.json)?;
    if !args.follow {
        return Ok(report(&[&outcome], groups.len()));
    }
    follow(backend, budget, request, outcome, args.json).await
}

/// `--message-id`: the invocations whose lines name `id` in the window.
async fn message_invocations(
    backend: &Backend,
    budget: &RequestBudget,
    request: &SearchRequest,
    id: &str,
    args: &LogsArgs,
) -> Result<ExitCode> {
    let message = MessageRef {
        ids: vec![id.to_string()],
        start_ms: request.start_ms,
        end_ms: request.end_ms,
    };
    let joined = find_message(
        backend.logs.as_ref(),
        budget,
        &request.groups,
        &message,
        request.max_bytes,
    )
    .await
    .map_err(|e| eyre!("squall: --message-id: {}", one_line(&e)))?;
    if let Some(error) = joined.searches.first().and_then(|s| s.unavailable()) {
        return Err(unavailable(error));
    }
    print(
        &output::invocations(&joined.invocations, args.json),
        args.json,
    )?;
    if joined.invocations.is_empty() {
        crate::gate::say(&format!(
            "no line of {} names {} in the last {}",
            one_line(&args.target),
            one_line(id),
            args.since
        ));
    }
    let searches: Vec<&SearchOutcome> = joined.searches.iter().collect();
    Ok(report(&searches, request.groups.len()))
}

/// `--errors`: the signatures of the error lines in the window.
async fn error_signatures(
    backend: &Backend,
    budget: &RequestBudget,
    request: SearchRequest,
    as_json: bool,
) -> Result<ExitCode> {
    let groups = request.groups.len();
    let (found, outcome) = error_signatures_of(backend.logs.as_ref(), budget, request).await;
    if let Some(error) = outcome.unavailable() {
        return Err(unavailable(error));
    }
    print(&output::signatures(&found, as_json), as_json)?;
    Ok(report(&[&outcome], groups))
}

/// Prints lines not printed yet as a Live Tail session brings them, or as polls every 2 s
/// do where the endpoint has no Live Tail (stderr says which), until Ctrl-C ends it.
async fn follow(
    backend: &Backend,
    budget: std::sync::Arc<RequestBudget>,
    request: SearchRequest,
    first: SearchOutcome,
    as_json: bool,
) -> Result<ExitCode> {
    let cancel = super::cancel_on_ctrl_c();
    let source = backend.logs.as_ref();
    let mut following = Following::start(source, budget.clone(), request, &first.lines).await;
    let mut mode = following.mode();
    crate::gate::say(mode.note());
    loop {
        let outcome = tokio::select! {
            () = cancel.cancelled() => {
                drop(following);
                let tailed = budget.live_tail_time();
                if !tailed.is_zero() {
                    crate::gate::say(&format!(
                        "Live Tail ran {}s (billed per minute of session)",
                        tailed.as_secs()
                    ));
                }
                return Ok(ExitCode::from(exit::CANCELLED));
            }
            outcome = following.next(source, now_ms) => outcome,
        };
        if following.mode() != mode {
            mode = following.mode();
            crate::gate::say(mode.note());
        }
        print(&output::lines(&outcome.lines, as_json), as_json)?;
        for (group, error) in &outcome.failures {
            crate::gate::say(&format!("{}: {error}", one_line(group)));
        }
    }
}

#[cfg(test)]
#[path = "logs_tests.rs"]
mod tests;
