//! The debug log (`--log-file`, or `log_file` in the config): off by default, never the
//! terminal. On a shared host it is the third file squall writes that others must not read,
//! so it is created owner-only, and what goes in is kept free of secrets by construction:
//! squall logs no bodies, attribute values or receipt handles; the SDK and HTTP stack, whose
//! debug output carries whole requests, are held at info whatever squall's own level is;
//! and each line passes `redact::for_log` (URL credentials, receipt handles echoed in AWS
//! errors) on its way to the file.

use std::io::{self, Write};
use std::path::PathBuf;

use color_eyre::eyre::{Result, WrapErr, eyre};
use tracing::Level;
use tracing_appender::non_blocking::{NonBlocking, WorkerGuard};

use crate::domain::redact;

/// Crates whose debug and trace output holds request and response bodies, headers and
/// signatures: never below info (target prefixes).
const WIRE_CRATES: [&str; 5] = ["aws_", "hyper", "h2", "rustls", "tower"];

/// Starts logging to `path` (when one is given); the guard flushes the file on exit.
pub fn init(path: Option<PathBuf>) -> Result<Option<WorkerGuard>> {
    let Some(path) = path else {
        return Ok(None);
    };
    let file = crate::private_files::open_append(&path)
        .wrap_err_with(|| format!("cannot open the log file {}", path.display()))?;
    // The TUI has not started: stderr is still the user's to read.
    if let Some(told) = crate::private_files::tighten_all(std::slice::from_ref(&path)) {
        crate::gate::say(&told);
    }
    let (writer, guard) = tracing_appender::non_blocking(file);
    use tracing_subscriber::layer::SubscriberExt;
    use tracing_subscriber::util::SubscriberInitExt;
    tracing_subscriber::registry()
        .with(
            tracing_subscriber::fmt::layer()
                .with_writer(move || Redacting(writer.clone()))
                .with_ansi(false),
        )
        .with(filter())
        .try_init()
        .map_err(|e| eyre!("cannot start logging: {e}"))?;
    tracing::info!(version = env!("CARGO_PKG_VERSION"), "squall starting");
    Ok(Some(guard))
}

/// squall's own events at debug; everything else at info, the wire crates named so that a
/// later change of the default cannot let their bodies in.
fn filter() -> tracing_subscriber::filter::Targets {
    WIRE_CRATES.iter().fold(
        tracing_subscriber::filter::Targets::new()
            .with_target("squall", Level::DEBUG)
            .with_default(Level::INFO),
        |filter, target| filter.with_target(*target, Level::INFO),
    )
}

/// The log file's writer: each formatted line (one write per event) redacted on its way.
struct Redacting(NonBlocking);

impl Write for Redacting {
    fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
        let text = String::from_utf8_lossy(buf);
        self.0.write_all(redact::for_log(&text).as_bytes())?;
        Ok(buf.len())
    }

    fn flush(&mut self) -> io::Result<()> {
        self.0.flush()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn wire_crates_stay_at_info_and_squall_logs_debug() {
        let filter = filter();
        for target in [
            "aws_smithy_runtime::client::orchestrator",
            "aws_smithy_runtime_api::http::request",
            "aws_sdk_sqs::operation",
            "hyper_util::client::legacy",
            "h2::codec",
        ] {
            assert!(!filter.would_enable(target, &Level::DEBUG), "{target}");
            assert!(filter.would_enable(target, &Level::INFO), "{target}");
        }
        assert!(filter.would_enable("squall::redrive::mover", &Level::DEBUG));
    }
}
