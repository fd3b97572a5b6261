//! The canary's verdict: after `--canary N` moved N messages, watch for a while whether the
//! fix holds. Did a moved message come back to the DLQ (recognised by its body's MD5 and its
//! attributes' MD5, as the journal recorded them: a message is never changed to be
//! tracked), what did the consumers' Errors and Throttles do, and which error signatures
//! did their logs show since the canary started. From that: safe, not safe, or unknown
//! (nothing could be checked). Plain Rust over the `Backend`: `squall redrive --canary` and
//! the TUI's progress view call the same `watch`.

mod checks;
mod decide;
mod watch;

use std::path::Path;
use std::time::Duration;

pub use decide::{Outcome, SignatureSeen, Verdict};
pub use watch::{WatchProgress, WatchStatus, watch};

use super::journal::{JournalError, JournalState};
use super::plan::{Destination, Plan};
use crate::domain::Queue;

/// The default watch is never shorter: a consumer polls, fails and retries within it.
pub const MIN_DEFAULT_WATCH: Duration = Duration::from_secs(120);
/// Nor longer: an engineer waits for it.
pub const MAX_DEFAULT_WATCH: Duration = Duration::from_secs(15 * 60);

/// A moved message as the journal knows it: what recognises it when it comes back.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
pub struct Fingerprint {
    pub body_md5: String,
    /// `None`: a journal without it (the body alone then recognises the message).
    pub attributes_md5: Option<String>,
}

/// What a canary moved, and from where to where: what the watch looks for.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CanaryRun {
    pub dlq_url: String,
    pub dlq_name: String,
    pub destinations: Vec<Destination>,
    /// On the invoke route, the function invoked: it is the consumer the watch checks.
    pub invoked: Option<String>,
    pub moved: Vec<Fingerprint>,
    /// When the canary started (ms since the epoch, on the watch's clock): messages sent
    /// before it are not the canary's, and metrics and logs are read from then.
    pub started_ms: i64,
}

impl CanaryRun {
    /// The canary of `plan` whose journal is at `journal`: each message this run received
    /// and sent (an earlier run's, only deleted now, is not the canary's).
    pub fn from_journal(
        plan: &Plan,
        journal: &Path,
        started_ms: i64,
    ) -> Result<CanaryRun, JournalError> {
        let state = JournalState::read(journal)?;
        let moved = state
            .messages
            .values()
            .filter(|m| !m.body_md5.is_empty() && m.destination_id.is_some())
            .map(|m| Fingerprint {
                body_md5: m.body_md5.clone(),
                attributes_md5: m.attributes_md5.clone(),
            })
            .collect();
        Ok(CanaryRun {
            dlq_url: plan.dlq_url.clone(),
            dlq_name: plan.dlq.clone(),
            destinations: plan.destinations.clone(),
            invoked: plan.invoke.as_ref().map(|t| t.function.clone()),
            moved,
            started_ms,
        })
    }
}

/// How long to watch by default: long enough for a moved message to be received
/// `maxReceiveCount` times at the destination's visibility timeout (the longest of the
/// destinations), so that a consumer still failing has dead-lettered it again; clamped to
/// 2..=15 minutes. A destination without a redrive policy counts one receive.
pub fn default_watch_length(destinations: &[Queue]) -> Duration {
    let longest = destinations
        .iter()
        .map(|q| {
            let receives = q
                .redrive
                .as_ref()
                .map_or(1, |r| u64::from(r.max_receive_count));
            let visibility = q
                .attributes
                .get("VisibilityTimeout")
                .and_then(|v| v.parse::<u64>().ok())
                .unwrap_or(30);
            receives.saturating_mul(visibility)
        })
        .max()
        .unwrap_or(0);
    Duration::from_secs(longest).clamp(MIN_DEFAULT_WATCH, MAX_DEFAULT_WATCH)
}

/// What the watch is told.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct WatchOptions {
    /// `None`: [`default_watch_length`] of the destinations.
    pub length: Option<Duration>,
    /// How often the DLQ's counts are read (GetQueueAttributes: cheap).
    pub poll: Duration,
    /// The most DLQ messages one look for returned messages reads.
    pub sweep_cap: usize,
}

impl Default for WatchOptions {
    fn default() -> WatchOptions {
        WatchOptions {
            length: None,
            poll: Duration::from_secs(5),
            sweep_cap: crate::messages::peek::DEFAULT_SWEEP_CAP,
        }
    }
}

/// The time the watch reads: the wall clock when it was made, moved on by tokio's
/// monotonic clock (so a paused clock in tests moves it, as it moves the simulated world).
#[derive(Debug, Clone, Copy)]
pub struct WatchClock {
    wall_ms: i64,
    opened: tokio::time::Instant,
}

impl WatchClock {
    pub fn start() -> WatchClock {
        let wall_ms = std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map(|d| i64::try_from(d.as_millis()).unwrap_or(i64::MAX))
            .unwrap_or(0);
        WatchClock {
            wall_ms,
            opened: tokio::time::Instant::now(),
        }
    }

    pub fn now_ms(&self) -> i64 {
        let since = i64::try_from(self.opened.elapsed().as_millis()).unwrap_or(i64::MAX);
        self.wall_ms.saturating_add(since)
    }
}

/// "45s", "3m", "2m 30s".
pub fn duration_text(seconds: u64) -> String {
    match (seconds / 60, seconds % 60) {
        (0, s) => format!("{s}s"),
        (m, 0) => format!("{m}m"),
        (m, s) => format!("{m}m {s}s"),
    }
}

#[cfg(test)]
mod tests;
