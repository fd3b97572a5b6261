//! `squall redrive DLQ --canary N --yes`: after the canary moved, the watch
//! (`redrive::canary`) with its progress on stderr, then the summary and the verdict, and an
//! exit code a script can act on: 0 safe, 6 not safe, 7 unknown (never 0: nothing said it
//! was safe), 130 when Ctrl-C stopped the watch. `--no-watch` skips it; `--watch 5m` sets
//! its length (default: maxReceiveCount receives at the destination's visibility timeout,
//! 2 to 15 minutes).

use std::process::ExitCode;
use std::time::Duration;

use color_eyre::eyre::{Result, eyre};
use serde::Serialize;

use super::exit;
use super::human::one_line;
use super::redrive_output as output;
use crate::aws::Backend;
use crate::cli::RedriveArgs;
use crate::gate::{ProgressLine, Shown};
use crate::redrive::canary::{
    CanaryRun, Outcome, Verdict, WatchClock, WatchOptions, WatchProgress, WatchStatus,
    duration_text, watch,
};
use crate::redrive::{Plan, Summary};

/// `--watch`: from 1 second to an hour. Checked by clap too (see [`watch_text`]), so a bad
/// value is a usage error (exit 2) before anything is read.
pub fn watch_length(args: &RedriveArgs) -> Result<Option<Duration>> {
    let Some(text) = &args.watch else {
        return Ok(None);
    };
    parse_watch(text)
        .map(Some)
        .map_err(|e| eyre!("squall: {e}"))
}

/// The length a `--watch` text gives, or why it is refused.
pub fn parse_watch(text: &str) -> std::result::Result<Duration, String> {
    let length = humantime::parse_duration(text)
        .map_err(|e| format!("--watch {}: {e} (say 90s, 3m or 10m)", one_line(text)))?;
    if length < Duration::from_secs(1) || length > Duration::from_secs(3600) {
        return Err(format!("--watch {}: between 1s and 1h", one_line(text)));
    }
    Ok(length)
}

/// clap's check of `--watch`: the text itself when it is a length the watch takes.
pub fn watch_text(text: &str) -> std::result::Result<String, String> {
    parse_watch(text).map(|_| text.to_string())
}

/// Whether the run just ended is a canary to watch: asked for, not `--no-watch`, and it
/// moved something and ended as a canary should (any other end keeps its own exit code).
pub fn wanted(args: &RedriveArgs, summary: &Summary, run_exit: u8) -> bool {
    args.canary.is_some() && !args.no_watch && run_exit == exit::OK && summary.moved > 0
}

/// The summary and the verdict together (`--json`).
#[derive(Serialize)]
struct WithVerdict<'a> {
    #[serde(flatten)]
    summary: &'a Summary,
    canary: &'a Verdict,
}

/// Watches the canary, prints the summary and the verdict, and says how to go on.
pub async fn watch_and_finish(
    backend: &Backend,
    args: &RedriveArgs,
    plan: &Plan,
    summary: &Summary,
    clock: WatchClock,
    started_ms: i64,
    config: &crate::config::Config,
) -> Result<ExitCode> {
    let journal = summary
        .journal
        .as_deref()
        .ok_or_else(|| eyre!("squall: the canary left no journal to watch by"))?;
    let canary =
        CanaryRun::from_journal(plan, journal, started_ms).map_err(|e| eyre!("squall: {e}"))?;
    let options = WatchOptions::configured(
        watch_length(args)?.or(config.redrive_canary_watch),
        config.sweep_cap,
        config.logs_max_scan_mb,
    );
    let progress = WatchProgress::default();
    let cancel = super::cancel_on_ctrl_c();
    let watching = watch(backend, &canary, &options, &clock, &progress, &cancel);
    tokio::pin!(watching);
    let mut shown = WatchLine::new();
    let verdict = loop {
        tokio::select! {
            verdict = &mut watching => break verdict,
            () = tokio::time::sleep(Duration::from_millis(250)) => {
                shown.show(&progress.status(), cancel.is_cancelled());
            }
        }
    };
    shown.finish();
    if args.json {
        super::print(&Shown::json(&WithVerdict {
            summary,
            canary: &verdict,
        })?)?;
    } else {
        super::print(&Shown::text(&output::summary_text(plan, summary)))?;
        super::print(&Shown::text(&verdict_text(&verdict)))?;
    }
    match verdict.verdict {
        Outcome::Safe if !verdict.cancelled => crate::gate::say(&format!(
            "move the rest with:\n  {}",
            output::continue_command(args)
        )),
        _ => {}
    }
    Ok(ExitCode::from(verdict_exit(&verdict)))
}

/// 0 safe, 6 not safe, 7 unknown, 130 stopped by Ctrl-C.
pub fn verdict_exit(verdict: &Verdict) -> u8 {
    match verdict.verdict {
        Outcome::NotSafe => exit::CANARY_NOT_SAFE,
        _ if verdict.cancelled => exit::CANCELLED,
        Outcome::Safe => exit::OK,
        Outcome::Unknown => exit::CANARY_UNKNOWN,
    }
}

/// The watch's progress on stderr: a line rewritten in place for a person; for a pipe, a
/// line when it starts, when a moved message is found back, and once a minute.
struct WatchLine {
    terminal: bool,
    line: ProgressLine,
    said: Option<(u64, Option<u64>)>,
}

impl WatchLine {
    fn new() -> WatchLine {
        let terminal = crate::gate::stderr_is_terminal();
        WatchLine {
            terminal,
            line: ProgressLine::new(terminal),
            said: None,
        }
    }

    fn show(&mut self, status: &WatchStatus, cancelling: bool) {
        let text = status_line(status, cancelling);
        if self.terminal {
            self.line.show(&text);
        } else if status.length_s > 0 {
            let now = (status.elapsed_s / 60, status.back);
            if self.said != Some(now) {
                crate::gate::say(&text);
                self.said = Some(now);
            }
        }
    }

    fn finish(&mut self) {
        self.line.finish();
    }
}

/// "watching the canary 0m 35s of 2m 30s: DLQ 270 (+0), 0 back; counting the DLQ".
pub fn status_line(status: &WatchStatus, cancelling: bool) -> String {
    let dlq = match (status.dlq_count, status.dlq_count_at_start) {
        (Some(now), Some(start)) => format!("DLQ {now} ({:+})", now as i64 - start as i64),
        (Some(now), None) => format!("DLQ {now}"),
        _ => "DLQ ?".to_string(),
    };
    let back = status
        .back
        .map_or("not read".to_string(), |b| format!("{b} back"));
    let tail = if cancelling { " — stopping" } else { "" };
    format!(
        "watching the canary {} of {}: {dlq}, {back}; {}{tail}",
        duration_text(status.elapsed_s),
        duration_text(status.length_s),
        status.doing
    )
}

/// The verdict line and what it rests on, one fact a line.
pub fn verdict_text(verdict: &Verdict) -> String {
    let mut lines = vec![verdict.line.clone()];
    lines.push(format!("  DLQ: {}", verdict.dlq_check));
    let consumers = if verdict.consumers.is_empty() {
        "none found".to_string()
    } else {
        verdict.consumers.join(", ")
    };
    lines.push(format!("  consumers: {consumers}"));
    for note in [&verdict.metrics_note, &verdict.logs_note]
        .into_iter()
        .flatten()
    {
        lines.push(format!("  {note}"));
    }
    for signature in verdict.signatures.iter().take(3) {
        lines.push(format!(
            "  {} ×{} ({})",
            signature.signature,
            signature.count,
            signature.functions.join(", ")
        ));
    }
    if verdict.ended_early {
        lines.push("  the watch ended early: a moved message came back".to_string());
    }
    if verdict.cancelled {
        lines.push(format!(
            "  the watch was stopped after {}",
            duration_text(verdict.watched_s)
        ));
    }
    lines.join("\n") + "\n"
}

#[cfg(test)]
mod tests {
    use super::*;

    fn verdict(outcome: Outcome, cancelled: bool) -> Verdict {
        Verdict {
            verdict: outcome,
            moved: 3,
            back_in_dlq: Some(0),
            dlq_check: "read 4 messages in the DLQ (all made visible again)".into(),
            dlq_change: Some(0),
            watched_s: 150,
            watch_length_s: 150,
            ended_early: false,
            cancelled,
            consumers: vec!["f".into()],
            not_polling: Vec::new(),
            errors: Some(0),
            throttles: Some(0),
            metrics_note: None,
            signatures: Vec::new(),
            logs_note: Some("logs unavailable: FilterLogEvents".into()),
            line: "canary: …".into(),
        }
    }

    #[test]
    fn only_safe_exits_0_and_unknown_is_never_mistaken_for_it() {
        assert_eq!(verdict_exit(&verdict(Outcome::Safe, false)), 0);
        assert_eq!(verdict_exit(&verdict(Outcome::NotSafe, false)), 6);
        assert_eq!(verdict_exit(&verdict(Outcome::Unknown, false)), 7);
        assert_eq!(
            verdict_exit(&verdict(Outcome::NotSafe, true)),
            6,
            "seen is seen"
        );
        assert_eq!(verdict_exit(&verdict(Outcome::Unknown, true)), 130);
    }

    #[test]
    fn the_verdict_says_what_it_rests_on_and_what_could_not_be_read() {
        let text = verdict_text(&verdict(Outcome::Safe, false));
        assert!(text.contains("  DLQ: read 4 messages"), "{text}");
        assert!(text.contains("  consumers: f"), "{text}");
        assert!(
            text.contains("  logs unavailable"),
            "unavailable is a fact: {text}"
        );
        let status = WatchStatus {
            elapsed_s: 35,
            length_s: 150,
            doing: "counting the DLQ".into(),
            dlq_count: Some(272),
            dlq_count_at_start: Some(270),
            back: Some(0),
            consumers: Vec::new(),
        };
        assert_eq!(
            status_line(&status, false),
            "watching the canary 35s of 2m 30s: DLQ 272 (+2), 0 back; counting the DLQ"
        );
    }
}
