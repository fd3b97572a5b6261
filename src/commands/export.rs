//! `squall export QUEUE --out FILE|- [-n N] [--yes]`: a sweep written as NDJSON, one message
//! per line as it is read, so that memory stays flat whatever the bodies weigh.

use std::collections::BTreeSet;
use std::io::{BufWriter, Write};
use std::path::Path;
use std::process::ExitCode;

use color_eyre::eyre::{Result, eyre};

use super::human::one_line;
use super::peek::{ProgressLine, finish, has_output, prepare};
use super::{cancel_on_ctrl_c, exit, stderr_is_terminal};
use crate::aws::Backend;
use crate::cli::ExportArgs;
use crate::config::Config;
use crate::domain::message::ReceivedMessage;
use crate::messages::fifo_reach::unreached;
use crate::messages::{PeekEnd, PeekOptions, PeekProgress, PeekSink, peek};

/// Writes each message as one JSON line.
struct NdjsonSink {
    out: BufWriter<Box<dyn Write + Send>>,
    max_receive_count: Option<u32>,
    written: usize,
    line: ProgressLine,
    /// The FIFO groups of the messages written.
    groups: BTreeSet<String>,
}

impl PeekSink for NdjsonSink {
    fn accept(&mut self, message: ReceivedMessage) -> Result<(), String> {
        crate::messages::export::write_line(&mut self.out, &message, self.max_receive_count)?;
        self.written += 1;
        if let Some(group) = message.group_id() {
            self.groups.insert(group.to_string());
        }
        Ok(())
    }

    fn progress(&mut self, progress: &PeekProgress) {
        self.line.show(&format!(
            "exported {} of up to {}",
            progress.read, progress.wanted
        ));
    }
}

/// A new file (an existing export is never overwritten), or stdout for `-`.
fn open_output(path: &Path) -> Result<Box<dyn Write + Send>> {
    if path == Path::new("-") {
        return Ok(Box::new(std::io::stdout()));
    }
    let file = crate::messages::export::create_new(path).map_err(|e| eyre!("squall: {e}"))?;
    Ok(Box::new(file))
}

pub async fn run(backend: &Backend, config: &Config, args: ExportArgs) -> Result<ExitCode> {
    let count = args.max.unwrap_or(config.sweep_cap);
    let options = PeekOptions::new(count, config.sweep_cap);
    let queue = match prepare(backend, &args.queue, &options, args.yes, "exporting").await? {
        Ok(queue) => queue,
        Err(refused) => return Ok(refused),
    };
    let to_stdout = args.out == Path::new("-");
    let mut sink = NdjsonSink {
        out: BufWriter::new(open_output(&args.out)?),
        max_receive_count: queue.max_receive_count(),
        written: 0,
        line: ProgressLine::new(stderr_is_terminal()),
        groups: BTreeSet::new(),
    };
    let cancel = cancel_on_ctrl_c();
    let mut report = peek(
        backend.messages.as_ref(),
        &queue.url,
        &options,
        &cancel,
        &mut sink,
    )
    .await;
    sink.line.finish();
    if let Err(e) = sink.out.flush() {
        report.end = PeekEnd::SinkFailed(format!("cannot write the export: {e}"));
    }
    let target = if to_stdout {
        "stdout".to_string()
    } else {
        args.out.display().to_string()
    };
    if !has_output(&report) {
        return Ok(finish(&report, options.hold_seconds));
    }
    eprintln!(
        "squall: exported {} message{} from {} to {target} (receive counts rose by 1; nothing \
         was deleted; all are visible again)",
        sink.written,
        if sink.written == 1 { "" } else { "s" },
        one_line(&queue.name)
    );
    let groups = std::mem::take(&mut sink.groups);
    let unreached = unreached(backend.queues.as_ref(), &queue.url, &report, groups).await;
    if let Some(unreached) = unreached {
        // The export is not the queue: a file that looks complete would be trusted as such.
        finish(&report, options.hold_seconds);
        return Ok(exit::refuse(exit::INCOMPLETE, &[unreached.describe()]));
    }
    if report.end == PeekEnd::Reached && count == config.sweep_cap {
        eprintln!(
            "squall: stopped at {count} messages (messages.sweep_cap); the queue may hold more"
        );
    }
    Ok(finish(&report, options.hold_seconds))
}
