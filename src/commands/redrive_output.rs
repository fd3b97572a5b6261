//! What `squall redrive` prints: the plan, a progress line, the summary, a journal read
//! back. Queue names and AWS messages are untrusted: they go through `one_line`.

use std::fmt::Write as _;
use std::path::Path;
use std::time::Duration;

use color_eyre::eyre::Result;
use serde::Serialize;

use super::human::one_line;
use crate::aws::Backend;
use crate::aws::ConnectionInfo;
use crate::cli::RedriveArgs;
use crate::domain::Queue;
use crate::gate::Shown;
use crate::redrive::journal::JournalState;
use crate::redrive::{Mode, MoveOptions, Plan, RunProgress, Summary};

/// How many of a sample of the DLQ match the filter (`--dry-run --filter`).
#[derive(Debug, Clone, Serialize)]
pub struct SampleMatch {
    pub sampled: usize,
    pub matching: usize,
    /// Why no sample was read, when none was.
    pub skipped: Option<String>,
}

/// Reads a sample (at most 10, visible again right after) and counts the matches. Each
/// message read was received: its receive count rose by one (on a DLQ with a redrive policy
/// of its own the caller asked for `--yes` first).
pub async fn sample_matches(backend: &Backend, dlq: &Queue, moves: &MoveOptions) -> SampleMatch {
    let options = crate::messages::PeekOptions::new(10, 10);
    let mut messages = Vec::new();
    let report = crate::messages::peek(
        backend.messages.as_ref(),
        &dlq.url,
        &options,
        &tokio_util::sync::CancellationToken::new(),
        &mut messages,
    )
    .await;
    let skipped = match report.end {
        crate::messages::PeekEnd::Failed(error) => Some(format!("the sample failed: {error}")),
        _ => None,
    };
    SampleMatch {
        sampled: messages.len(),
        matching: messages.iter().filter(|m| moves.selects(m)).count(),
        skipped,
    }
}

fn mode_name(mode: Mode) -> &'static str {
    match mode {
        Mode::Native => "native (an SQS message move task)",
        Mode::Manual => "manual (receive, send, delete)",
    }
}

/// The plan, as text or as JSON (the plan's fields, and `filter_sample` when sampled).
/// `context` is where the plan runs (the one context a redrive may act in), named in the
/// text (`context`) and the JSON (`context`: profile, region, account).
pub fn plan_text(
    context: &ConnectionInfo,
    plan: &Plan,
    moves: &MoveOptions,
    sample: Option<&SampleMatch>,
    json: bool,
) -> Result<Shown> {
    let account = crate::domain::arn::account(&plan.dlq_arn);
    if json {
        return plan_json(context, plan, sample);
    }
    let mut out = String::new();
    let _ = writeln!(out, "redrive plan for {}", one_line(&plan.dlq));
    let profile = context.profile.as_deref().unwrap_or("default");
    let account = account
        .map(|a| format!(" (account {a})"))
        .unwrap_or_default();
    let _ = writeln!(
        out,
        "  context    {}/{}{account}",
        one_line(profile),
        one_line(&context.region)
    );
    let _ = writeln!(
        out,
        "  holds      ~{} visible, {} in flight, {} delayed",
        plan.visible, plan.in_flight, plan.delayed
    );
    let _ = writeln!(out, "  mode       {}", mode_name(plan.mode));
    if let Some(why) = &plan.native_unavailable {
        let _ = writeln!(out, "             not native: {}", one_line(why));
    }
    if !plan.sources.is_empty() {
        let names: Vec<String> = plan.sources.iter().map(|s| one_line(s)).collect();
        let _ = writeln!(out, "  sources    {}", names.join(", "));
    }
    for sub in &plan.subscriptions {
        let _ = writeln!(
            out,
            "  subscription {} ({}delivery) → {}",
            one_line(&sub.subscription_arn),
            if sub.raw_message_delivery {
                "raw "
            } else {
                "envelope "
            },
            one_line(crate::domain::arn::resource_name(&sub.queue_arn))
        );
    }
    let destinations: Vec<String> = plan
        .destinations
        .iter()
        .map(|d| one_line(&d.name))
        .collect();
    let _ = writeln!(
        out,
        "  to         {}{}",
        destinations.join(", "),
        if plan.routes.to.is_some() {
            " (every message)"
        } else {
            " (each message back to its source)"
        }
    );
    moves_lines(&mut out, moves, sample);
    for warning in &plan.warnings {
        let _ = writeln!(out, "  warning    {}", one_line(warning));
    }
    Ok(Shown::text(&out))
}

/// The plan's fields, its `context` (profile, region, account) and `filter_sample`.
fn plan_json(context: &ConnectionInfo, plan: &Plan, sample: Option<&SampleMatch>) -> Result<Shown> {
    let mut value = serde_json::to_value(plan)?;
    if let Some(object) = value.as_object_mut() {
        let place = serde_json::json!({
            "profile": context.profile,
            "region": context.region,
            "account": crate::domain::arn::account(&plan.dlq_arn),
        });
        object.insert("context".into(), place);
        if let Some(sample) = sample {
            object.insert("filter_sample".into(), serde_json::to_value(sample)?);
        }
    }
    Ok(Shown::json(&value)?)
}

/// What the run will move, at what rate, and what a `--filter` sample found.
fn moves_lines(out: &mut String, moves: &MoveOptions, sample: Option<&SampleMatch>) {
    let mut choose = Vec::new();
    if let Some(limit) = moves.limit {
        choose.push(format!("at most {limit}"));
    }
    if let Some(filter) = &moves.filter {
        choose.push(format!("matching {}", one_line(&filter.describe())));
    }
    if moves.sent_before_ms.is_some() || moves.sent_after_ms.is_some() {
        choose.push("within the age bounds".to_string());
    }
    if !choose.is_empty() {
        let _ = writeln!(out, "  moves      {}", choose.join(", "));
    }
    if let Some(rate) = moves.rate {
        let _ = writeln!(out, "  rate       {rate} messages/s");
    }
    if let Some(sample) = sample {
        match &sample.skipped {
            Some(why) => {
                let _ = writeln!(out, "  sample     {}", one_line(why));
            }
            None => {
                let _ = writeln!(
                    out,
                    "  sample     {} of {} sampled match (a sample, not a count; their receive \
                     count rose by one)",
                    sample.matching, sample.sampled
                );
            }
        }
    }
}

/// One progress line for stderr.
pub fn progress_line(
    plan: &Plan,
    progress: &RunProgress,
    elapsed: Duration,
    cancelling: bool,
) -> String {
    let tail = if cancelling { " — cancelling" } else { "" };
    match progress.mode() {
        Some(Mode::Native) => match progress.native.latest() {
            Some(task) => format!(
                "native: moved {} of {} ({}){tail}",
                task.moved,
                task.to_move.map_or("?".to_string(), |n| n.to_string()),
                task.status
            ),
            None => format!("native: starting the move task{tail}"),
        },
        Some(Mode::Manual) => {
            let counts = progress.manual.snapshot();
            let secs = elapsed.as_secs_f64().max(0.001);
            format!(
                "manual: moved {} of ~{}, {:.0}/s, failed {}, duplicates suspected {}{tail}",
                counts.moved,
                plan.visible,
                counts.moved as f64 / secs,
                counts.failed,
                counts.duplicates_suspected
            )
        }
        None => format!("planning{tail}"),
    }
}

pub fn summary_text(plan: &Plan, summary: &Summary) -> String {
    let mut out = String::new();
    let _ = writeln!(
        out,
        "redrive of {} ({}): {}",
        one_line(&plan.dlq),
        match summary.mode {
            Mode::Native => "native",
            Mode::Manual => "manual",
        },
        summary.end.replace('_', " ")
    );
    let _ = writeln!(out, "  moved                {}", summary.moved);
    if let Some(change) = summary.destination_change {
        let _ = writeln!(
            out,
            "  destination depth    {change:+} during the task{}",
            if change < summary.moved as i64 {
                " (less than moved: a consumer took some, or a FIFO destination dropped \
                 them as duplicates)"
            } else {
                ""
            }
        );
    }
    if summary.finished_from_earlier > 0 {
        let _ = writeln!(
            out,
            "                       ({} sent by an earlier run, deleted now without a second send)",
            summary.finished_from_earlier
        );
    }
    let _ = writeln!(
        out,
        "  failed               {} (still in the DLQ)",
        summary.failed
    );
    let _ = writeln!(
        out,
        "  duplicates suspected {}",
        summary.duplicates_suspected
    );
    if summary.released > 0 {
        let _ = writeln!(
            out,
            "  not matching         {} (left in the DLQ)",
            summary.released
        );
    }
    if summary.sent_not_deleted > 0 {
        let _ = writeln!(
            out,
            "  sent, not deleted    {} (a re-run deletes them without sending again)",
            summary.sent_not_deleted
        );
    }
    if let Some(left) = summary.left_in_dlq {
        let _ = writeln!(out, "  left in the DLQ      ~{left}");
    }
    if let Some(path) = &summary.journal {
        let _ = writeln!(out, "  journal              {}", path.display());
    }
    if let Some(why) = &summary.fell_back {
        let _ = writeln!(out, "  note                 {}", one_line(why));
    }
    if let Some(error) = &summary.error {
        let _ = writeln!(out, "  error                {}", one_line(error));
    }
    out
}

/// The command that moves the rest after a canary: the same flags, no `--canary`.
pub fn continue_command(args: &RedriveArgs) -> String {
    let mut words = vec!["squall".to_string(), "redrive".to_string()];
    if let Some(dlq) = &args.dlq {
        words.push(shell_word(dlq));
    }
    if let Some(to) = &args.to {
        words.extend(["--to".to_string(), shell_word(to)]);
    }
    let mode = match args.mode {
        crate::cli::RedriveMode::Auto => None,
        crate::cli::RedriveMode::Native => Some("native"),
        crate::cli::RedriveMode::Manual => Some("manual"),
    };
    if let Some(mode) = mode {
        words.extend(["--mode".to_string(), mode.to_string()]);
    }
    let flags: [(&str, Option<String>); 5] = [
        ("--rate", args.rate.map(|r| r.to_string())),
        ("--limit", args.limit.map(|l| l.to_string())),
        ("--filter", args.filter.clone()),
        ("--older-than", args.older_than.clone()),
        ("--newer-than", args.newer_than.clone()),
    ];
    for (flag, value) in flags {
        if let Some(value) = value {
            words.extend([flag.to_string(), shell_word(&value)]);
        }
    }
    words.push("--yes".to_string());
    words.join(" ")
}

/// A word for a POSIX shell: plain when safe, else single-quoted.
fn shell_word(text: &str) -> String {
    let safe = !text.is_empty()
        && text
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || "-_.:/=@,+".contains(c));
    if safe {
        text.to_string()
    } else {
        format!("'{}'", one_line(text).replace('\'', "'\\''"))
    }
}

#[derive(Serialize)]
struct JournalReport<'a> {
    journal: &'a Path,
    dlq_url: &'a str,
    to_url: Option<&'a str>,
    runs_ended: usize,
    finished: bool,
    received: usize,
    moved: usize,
    sent_not_deleted: usize,
    possibly_sent: usize,
    not_sent: usize,
    /// Lines cut short by a kill mid-write (skipped).
    torn_lines: usize,
}

/// `--journal`: what the runs recorded there did.
pub fn journal_text(path: &Path, state: &JournalState, json: bool) -> Result<Shown> {
    let messages = state.messages.values();
    let report = JournalReport {
        journal: path,
        dlq_url: &state.dlq_url,
        to_url: state.to_url.as_deref(),
        runs_ended: state.ends.len(),
        finished: state.finished,
        received: state.messages.len(),
        moved: state.moved(),
        sent_not_deleted: messages.clone().filter(|m| m.sent_not_deleted()).count(),
        possibly_sent: messages.clone().filter(|m| m.possibly_sent()).count(),
        not_sent: messages
            .filter(|m| !m.deleted && m.possible_copies() == 0 && m.destination_id.is_none())
            .count(),
        torn_lines: state.torn,
    };
    if json {
        return Ok(Shown::json(&report)?);
    }
    let mut out = String::new();
    let _ = writeln!(out, "journal {}", path.display());
    let _ = writeln!(out, "  dlq                {}", one_line(report.dlq_url));
    if let Some(to) = report.to_url {
        let _ = writeln!(out, "  to                 {}", one_line(to));
    }
    let _ = writeln!(
        out,
        "  runs               {} ended{}",
        report.runs_ended,
        if report.finished {
            ""
        } else {
            "; the last did not end (killed or lost): resume it with --resume"
        }
    );
    let _ = writeln!(out, "  messages received  {}", report.received);
    let _ = writeln!(
        out,
        "  moved              {} (sent and deleted)",
        report.moved
    );
    let _ = writeln!(
        out,
        "  sent, not deleted  {} (a resume deletes them without sending again)",
        report.sent_not_deleted
    );
    let _ = writeln!(
        out,
        "  possibly sent      {} (a send without an answer: a resume sends again and counts them)",
        report.possibly_sent
    );
    let _ = writeln!(
        out,
        "  not sent           {} (still in the DLQ)",
        report.not_sent
    );
    if report.torn_lines > 0 {
        let _ = writeln!(
            out,
            "  torn lines         {} (cut short by a kill mid-write; skipped)",
            report.torn_lines
        );
    }
    Ok(Shown::text(&out))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn shell_words_quote_what_a_shell_would_read() {
        assert_eq!(shell_word("orders-dlq"), "orders-dlq");
        assert_eq!(
            shell_word("attr.kind == \"retry\""),
            "'attr.kind == \"retry\"'"
        );
        assert_eq!(shell_word("it's"), "'it'\\''s'");
        assert_eq!(shell_word("\u{1b}[2J"), "'\\x1b[2J'");
    }
}
