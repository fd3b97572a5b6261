//! `squall send QUEUE --body B | --body-file F | --from FILE.ndjson [--attr k=v ...]
//! [--group-id G] [--dedup-id D] [--delay S]`.

use std::collections::BTreeMap;
use std::io::Read;
use std::path::Path;
use std::process::ExitCode;

use color_eyre::eyre::{Result, eyre};

use super::human::one_line;
use super::{cancel_on_ctrl_c, exit, stderr_is_terminal};
use crate::aws::Backend;
use crate::aws::resolve;
use crate::cli::SendArgs;
use crate::domain::message::{AttributeValue, OutgoingMessage};
use crate::gate::{ProgressLine, Shown};
use crate::messages::outgoing::{
    Draft, QueueRules, ReplayOverrides, message_from_draft, messages_from_ndjson, parse_attribute,
};
use crate::messages::send::{SendEnd, SendReport, send_all};

/// `--attr` arguments; a name given twice keeps the last value.
pub(super) fn attributes(specs: &[String]) -> Result<BTreeMap<String, AttributeValue>> {
    specs
        .iter()
        .map(|spec| {
            parse_attribute(spec).map_err(|e| eyre!("squall: {}", one_line(&e.to_string())))
        })
        .collect()
}

/// A file (or stdin for `-`) as text: SQS bodies are text.
fn read_text(path: &Path) -> Result<String> {
    let bytes = if path == Path::new("-") {
        let mut bytes = Vec::new();
        std::io::stdin()
            .read_to_end(&mut bytes)
            .map_err(|e| eyre!("squall: cannot read stdin: {e}"))?;
        bytes
    } else {
        std::fs::read(path).map_err(|e| eyre!("squall: cannot read {}: {e}", path.display()))?
    };
    String::from_utf8(bytes).map_err(|e| {
        eyre!(
            "squall: {} is not UTF-8 text (byte {}); SQS message bodies are text",
            path.display(),
            e.utf8_error().valid_up_to()
        )
    })
}

/// The messages to send, each with the line it came from (for `--from`).
fn messages(args: &SendArgs, rules: &QueueRules) -> Result<Vec<(Option<usize>, OutgoingMessage)>> {
    let attributes = attributes(&args.attributes)?;
    if let Some(path) = &args.from {
        let text = read_text(path)?;
        let overrides = ReplayOverrides {
            attributes,
            group_id: args.group_id.clone(),
            delay_seconds: args.delay,
        };
        let numbered = messages_from_ndjson(&text, rules, &overrides).map_err(|errors| {
            for error in &errors {
                crate::gate::say(&format!(
                    "{} line {}: {}",
                    path.display(),
                    error.line,
                    one_line(&error.error.to_string())
                ));
            }
            eyre!(
                "squall: {} bad line{} in {}; nothing was sent",
                errors.len(),
                if errors.len() == 1 { "" } else { "s" },
                path.display()
            )
        })?;
        if numbered.is_empty() {
            return Err(eyre!(
                "squall: {} holds no message; nothing was sent",
                path.display()
            ));
        }
        return Ok(numbered
            .into_iter()
            .map(|(line, m)| (Some(line), m))
            .collect());
    }
    let body = match (&args.body, &args.body_file) {
        (Some(body), _) => body.clone(),
        (None, Some(path)) => read_text(path)?,
        (None, None) => return Err(eyre!("squall: give --body, --body-file or --from")),
    };
    let draft = Draft {
        body,
        attributes,
        group_id: args.group_id.clone(),
        deduplication_id: args.dedup_id.clone(),
        delay_seconds: args.delay,
    };
    let message = message_from_draft(draft, rules)
        .map_err(|e| eyre!("squall: {}; nothing was sent", one_line(&e.to_string())))?;
    Ok(vec![(None, message)])
}

pub async fn run(backend: &Backend, args: SendArgs) -> Result<ExitCode> {
    let writers = match backend.writers(&format!("send messages to {}", one_line(&args.queue))) {
        Ok(writers) => writers,
        Err(refused) => return Ok(exit::refuse(exit::READ_ONLY, &[refused.to_string()])),
    };
    let queue = resolve::queue(backend, &args.queue)
        .await
        .map_err(|e| eyre!("squall: {}", one_line(&e.to_string())))?;
    let rules = QueueRules::of(&queue);
    let numbered = messages(&args, &rules)?;
    let (lines, list): (Vec<Option<usize>>, Vec<OutgoingMessage>) = numbered.into_iter().unzip();

    let cancel = cancel_on_ctrl_c();
    let mut line = ProgressLine::new(list.len() > 10 && stderr_is_terminal());
    let report = send_all(
        writers.queues.as_ref(),
        &queue.url,
        &list,
        rules.max_message_bytes,
        &cancel,
        &mut |p| line.show(&format!("sent {} of {}", p.sent, p.total)),
    )
    .await;
    line.finish();

    let name = one_line(&queue.name);
    let summary = match (list.len(), report.sent.first()) {
        (1, Some(sent)) => format!(
            "sent to {name}: message id {}\n",
            one_line(&sent.message_id)
        ),
        _ => format!(
            "sent {} of {} messages to {name}\n",
            report.sent.len(),
            list.len()
        ),
    };
    super::print(&Shown::text(&summary))?;
    tell_what_was_not_sent(&report, &name, &lines);
    Ok(match &report.end {
        SendEnd::Cancelled => exit::refuse(exit::CANCELLED, &["cancelled".to_string()]),
        SendEnd::Failed(error) => exit::refuse(1, &[one_line(&error.to_string())]),
        SendEnd::Done if report.failed.is_empty() => ExitCode::SUCCESS,
        SendEnd::Done => ExitCode::FAILURE,
    })
}

/// Where message `index` came from, for the user: its line of the input, when it had one.
fn where_from(lines: &[Option<usize>], index: usize) -> String {
    match lines.get(index).copied().flatten() {
        Some(number) => format!("line {number}"),
        None => "the message".to_string(),
    }
}

/// Every message that did not simply go out once: refused, possibly doubled, possibly
/// sent, or never tried. `lines`: the input line of each message.
fn tell_what_was_not_sent(report: &SendReport, name: &str, lines: &[Option<usize>]) {
    for failure in &report.failed {
        crate::gate::say(&format!(
            "{} was not sent: {}: {}",
            where_from(lines, failure.index),
            one_line(&failure.code),
            one_line(&failure.message)
        ));
    }
    if report.duplicates_suspected > 0 {
        crate::gate::say(&format!(
            "duplicates suspected: {} (answers lost after SQS may have acted; those \
             messages were sent again, so {name} may hold that many extra copies)",
            report.duplicates_suspected
        ));
    }
    if !report.possibly_sent.is_empty() {
        let which: Vec<String> = report
            .possibly_sent
            .iter()
            .map(|&i| where_from(lines, i))
            .collect();
        crate::gate::say(&format!(
            "possibly sent: {} message{} (no answer came back; look in {name} before \
             sending {} again): {}",
            report.possibly_sent.len(),
            if report.possibly_sent.len() == 1 {
                ""
            } else {
                "s"
            },
            if report.possibly_sent.len() == 1 {
                "it"
            } else {
                "them"
            },
            which.join(", ")
        ));
    }
    if !report.not_tried.is_empty() {
        let first = where_from(lines, report.not_tried[0]);
        crate::gate::say(&format!(
            "{} message{} not sent, from {first} on",
            report.not_tried.len(),
            if report.not_tried.len() == 1 { "" } else { "s" }
        ));
    }
}
