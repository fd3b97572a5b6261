//! `squall export QUEUE --out FILE|- [-n N] [--yes]`: a sweep written as NDJSON, one message
//! per line as it is read, so that memory stays flat whatever the bodies weigh.

use std::collections::BTreeSet;
use std::io::{BufWriter, Write};
use std::path::Path;
use std::process::ExitCode;

use color_eyre::eyre::{Result, eyre};

use super::exit;
use super::human::one_line;
use super::peek::{finish, has_output, prepare, read_with_progress};
use crate::aws::Backend;
use crate::cli::ExportArgs;
use crate::config::Config;
use crate::gate::{Shown, StdoutLines};
use crate::messages::fifo_reach::unreached;
use crate::messages::{PeekEnd, PeekOptions};

/// Where the NDJSON goes: a new file, or stdout through the output gate.
enum Output {
    File(BufWriter<std::fs::File>),
    Stdout(StdoutLines),
}

impl Output {
    /// A new file (an existing export is never overwritten), or stdout for `-`.
    fn open(path: &Path) -> Result<Output> {
        if path == Path::new("-") {
            return Ok(Output::Stdout(StdoutLines::new()));
        }
        let file = crate::messages::export::create_new(path).map_err(|e| eyre!("squall: {e}"))?;
        Ok(Output::File(BufWriter::new(file)))
    }

    fn write(&mut self, line: &Shown) -> std::io::Result<()> {
        match self {
            Output::File(file) => file.write_all(line.as_str().as_bytes()),
            Output::Stdout(stdout) => stdout.write(line),
        }
    }

    fn flush(&mut self) -> std::io::Result<()> {
        match self {
            Output::File(file) => file.flush(),
            Output::Stdout(stdout) => stdout.flush(),
        }
    }
}

pub async fn run(backend: &Backend, config: &Config, args: ExportArgs) -> Result<ExitCode> {
    let count = args.max.unwrap_or(config.sweep_cap);
    let options = PeekOptions::new(count, config.sweep_cap);
    let queue = match prepare(backend, &args.queue, &options, args.yes, "exporting").await? {
        Ok(queue) => queue,
        Err(refused) => return Ok(refused),
    };
    let to_stdout = args.out == Path::new("-");
    let mut out = Output::open(&args.out)?;
    let max_receive_count = queue.max_receive_count();
    let mut written = 0usize;
    // The FIFO groups written: what a sweep could not reach sits behind them.
    let mut groups = BTreeSet::new();
    let mut report = read_with_progress(backend, &queue, &options, ("exported", true), |m| {
        let line = crate::messages::export::line(&m, max_receive_count)?;
        out.write(&line)
            .map_err(|e| format!("cannot write the export: {e}"))?;
        written += 1;
        if let Some(group) = m.group_id() {
            groups.insert(group.to_string());
        }
        Ok(())
    })
    .await;
    if let Err(e) = out.flush() {
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
    crate::gate::say(&format!(
        "exported {} message{} from {} to {target} (receive counts rose by 1; nothing \
         was deleted; all are visible again)",
        written,
        if written == 1 { "" } else { "s" },
        one_line(&queue.name)
    ));
    let unreached = unreached(backend.queues.as_ref(), &queue.url, &report, groups).await;
    if let Some(unreached) = unreached {
        // The export is not the queue: a file that looks complete would be trusted as such.
        finish(&report, options.hold_seconds);
        return Ok(exit::refuse(exit::INCOMPLETE, &[unreached.describe()]));
    }
    if report.end == PeekEnd::Reached && count == config.sweep_cap {
        crate::gate::say(&format!(
            "stopped at {count} messages (messages.sweep_cap); the queue may hold more"
        ));
    }
    Ok(finish(&report, options.hold_seconds))
}
