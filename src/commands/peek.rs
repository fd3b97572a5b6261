//! `squall peek QUEUE [-n N] [--json] [--yes]`: an honest peek from the command line.

use std::process::ExitCode;
use std::time::SystemTime;

use color_eyre::eyre::{Result, eyre};

use super::human::{self, QueueContext, one_line};
use super::{cancel_on_ctrl_c, exit, stderr_is_terminal};
use crate::aws::Backend;
use crate::aws::resolve;
use crate::cli::PeekArgs;
use crate::config::Config;
use crate::domain::Queue;
use crate::domain::arn;
use crate::domain::message::ReceivedMessage;
use crate::gate::{ProgressLine, Shown};
use crate::messages::fifo_reach::{groups_read, unreached};
use crate::messages::record::MessageRecord;
use crate::messages::{PeekEnd, PeekOptions, PeekProgress, PeekReport, PeekRisk, PeekSink, peek};

/// Resolves the queue and checks the options and the risk: the queue, or the exit code of a
/// refusal (`--yes` missing on a queue with a redrive policy).
pub(super) async fn prepare(
    backend: &Backend,
    given: &str,
    options: &PeekOptions,
    yes: bool,
    verb: &str,
) -> Result<std::result::Result<Queue, ExitCode>> {
    options.check().map_err(|e| eyre!("squall: {e}"))?;
    let queue = resolve::queue(backend, given)
        .await
        .map_err(|e| eyre!("squall: {}", one_line(&e.to_string())))?;
    let risk = PeekRisk::assess(&queue, options);
    if risk.needs_confirmation() && !yes {
        let mut lines = vec![format!(
            "not {verb} {}: it has a redrive policy, and reading a message is a receive.",
            one_line(&queue.name)
        )];
        lines.extend(risk.statements());
        lines.push("Run again with --yes to go ahead.".to_string());
        return Ok(Err(exit::refuse(exit::NEEDS_YES, &lines)));
    }
    Ok(Ok(queue))
}

/// A sink that hands each message to `accept` and shows the count on a progress line.
struct Progressing<'a, F> {
    accept: F,
    line: ProgressLine,
    verb: &'a str,
}

impl<F: FnMut(ReceivedMessage) -> Result<(), String> + Send> PeekSink for Progressing<'_, F> {
    fn accept(&mut self, message: ReceivedMessage) -> Result<(), String> {
        (self.accept)(message)
    }

    fn progress(&mut self, progress: &PeekProgress) {
        self.line.show(&format!(
            "{} {} of up to {}",
            self.verb, progress.read, progress.wanted
        ));
    }
}

/// Reads `queue` for `peek` and `export`: every message goes to `accept`, a line on stderr
/// says how many (`verb` "read", "exported"; only when `show_progress` and a person watches),
/// and Ctrl-C stops it between calls, releasing what it holds.
pub(super) async fn read_with_progress(
    backend: &Backend,
    queue: &Queue,
    options: &PeekOptions,
    (verb, show_progress): (&str, bool),
    accept: impl FnMut(ReceivedMessage) -> Result<(), String> + Send,
) -> PeekReport {
    let cancel = cancel_on_ctrl_c();
    let mut sink = Progressing {
        accept,
        line: ProgressLine::new(show_progress && stderr_is_terminal()),
        verb,
    };
    let report = peek(
        backend.messages.as_ref(),
        &queue.url,
        options,
        &cancel,
        &mut sink,
    )
    .await;
    sink.line.finish();
    report
}

/// The exit code for how a peek ended (after what was read has been printed), with the
/// failure said on stderr.
pub(super) fn finish(report: &PeekReport, hold_seconds: u32) -> ExitCode {
    let release = &report.release;
    if !release.complete() {
        let stuck = release.failed.len() + release.not_released;
        let why = release
            .error
            .as_ref()
            .map(|e| e.to_string())
            .or_else(|| {
                release
                    .failed
                    .first()
                    .map(|f| format!("{}: {}", f.code, f.message))
            })
            .unwrap_or_default();
        crate::gate::say(&format!(
            "warning: {stuck} of the messages read could not be made visible again ({}); \
             they reappear by themselves within {hold_seconds} s",
            one_line(&why)
        ));
    }
    let read = report.progress.read;
    match &report.end {
        PeekEnd::Reached | PeekEnd::Drained => ExitCode::SUCCESS,
        PeekEnd::Cancelled => exit::refuse(
            exit::CANCELLED,
            &[format!(
                "cancelled after {read} messages; all are visible again"
            )],
        ),
        PeekEnd::Failed(error) if read > 0 => exit::refuse(
            exit::INCOMPLETE,
            &[format!(
                "incomplete: {}; the {read} messages read before it are shown",
                one_line(&error.to_string())
            )],
        ),
        PeekEnd::Failed(error) => exit::refuse(1, &[one_line(&error.to_string())]),
        PeekEnd::SinkFailed(error) => exit::refuse(1, &[one_line(error)]),
    }
}

/// Whether there is anything to print: a peek whose first receive failed has no result (not
/// an empty one), only the error.
pub(super) fn has_output(report: &PeekReport) -> bool {
    !(matches!(report.end, PeekEnd::Failed(_)) && report.progress.read == 0)
}

/// The queue as the human output describes it.
pub(super) fn context(queue: &Queue) -> QueueContext<'_> {
    QueueContext {
        max_receive_count: queue.max_receive_count(),
        dlq_name: queue.dlq_arn().map(arn::resource_name),
    }
}

pub async fn run(backend: &Backend, config: &Config, args: PeekArgs) -> Result<ExitCode> {
    let options = PeekOptions::new(args.count, config.sweep_cap);
    let queue = match prepare(backend, &args.queue, &options, args.yes, "peeking at").await? {
        Ok(queue) => queue,
        Err(refused) => return Ok(refused),
    };
    let mut messages = Vec::new();
    let sweep = options.shape() == crate::messages::PeekShape::Sweep;
    let report = read_with_progress(backend, &queue, &options, ("read", sweep), |m| {
        messages.push(m);
        Ok(())
    })
    .await;
    if !has_output(&report) {
        return Ok(finish(&report, options.hold_seconds));
    }
    let text = if args.json {
        let records: Vec<MessageRecord> = messages
            .iter()
            .map(|m| MessageRecord::from_received(m, queue.max_receive_count()))
            .collect();
        Shown::json(&records)?
    } else {
        Shown::text(&human_text(&queue, &messages))
    };
    super::print(&text)?;
    let groups = groups_read(&messages);
    if let Some(unreached) = unreached(backend.queues.as_ref(), &queue.url, &report, groups).await {
        finish(&report, options.hold_seconds);
        return Ok(exit::refuse(exit::INCOMPLETE, &[unreached.describe()]));
    }
    Ok(finish(&report, options.hold_seconds))
}

fn human_text(queue: &Queue, messages: &[ReceivedMessage]) -> String {
    let name = one_line(&queue.name);
    if messages.is_empty() {
        return format!(
            "{name}: no message came back (the queue is empty, or its messages are in flight or \
             delayed)\n"
        );
    }
    let mut out = format!(
        "{name}: a sample of {} message{}, not a listing (SQS chose them; each receive raised a \
         receive count by 1; all are visible again)\n\n",
        messages.len(),
        if messages.len() == 1 { "" } else { "s" }
    );
    let now = SystemTime::now();
    let context = context(queue);
    for (i, message) in messages.iter().enumerate() {
        human::message_block(&mut out, i + 1, messages.len(), message, &context, now);
        out.push('\n');
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::aws::ApiError;
    use crate::messages::PeekShape;

    fn report(end: PeekEnd, read: usize) -> PeekReport {
        PeekReport {
            shape: PeekShape::Sample,
            progress: PeekProgress {
                read,
                ..PeekProgress::default()
            },
            end,
            hold_lost: Vec::new(),
            release: Default::default(),
        }
    }

    #[test]
    fn a_failed_first_receive_prints_no_empty_result() {
        let failed = || PeekEnd::Failed(ApiError::unavailable("ReceiveMessage", "no"));
        assert!(!has_output(&report(failed(), 0)));
        assert!(has_output(&report(failed(), 3)));
        assert!(has_output(&report(PeekEnd::Drained, 0)));
        assert!(has_output(&report(PeekEnd::Cancelled, 0)));
    }
}
