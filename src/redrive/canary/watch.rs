//! The watch itself: the DLQ's count every few seconds (cheap), a read of the DLQ for moved
//! messages whenever the count rose (and once at the end), then the consumers' metrics and
//! logs over the whole watch, judged. A moved message back in the DLQ ends the watch at
//! once: nothing later can make that canary safe.
//!
//! Reading the DLQ is a receive, which counts toward a redrive policy: a DLQ normally has
//! none (nothing reads it but people), and then its receive counts matter to nobody. A DLQ
//! with a redrive policy of its own is only counted, never read, and the verdict says so.

use std::sync::Mutex;
use std::time::Duration;

use tokio_util::sync::CancellationToken;

use super::checks::{self, Returned, SweepReport};
use super::decide::{Seen, Verdict, judge};
use super::{CanaryRun, WatchClock, WatchOptions, default_watch_length};
use crate::aws::Backend;
use crate::domain::Queue;

/// Where a watch stands, readable while it runs (the CLI's progress line, the TUI's view).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct WatchStatus {
    pub elapsed_s: u64,
    pub length_s: u64,
    /// What it is doing now: "counting the DLQ", "reading the DLQ", …
    pub doing: String,
    pub dlq_count: Option<u64>,
    pub dlq_count_at_start: Option<u64>,
    /// Moved messages found back so far (`None`: the DLQ is not read).
    pub back: Option<u64>,
    pub consumers: Vec<String>,
}

#[derive(Debug, Default)]
pub struct WatchProgress {
    status: Mutex<WatchStatus>,
}

impl WatchProgress {
    pub fn status(&self) -> WatchStatus {
        self.status.lock().map(|s| s.clone()).unwrap_or_default()
    }

    fn update(&self, change: impl FnOnce(&mut WatchStatus)) {
        if let Ok(mut status) = self.status.lock() {
            change(&mut status);
        }
    }
}

/// What the DLQ part of the watch found.
#[derive(Debug, Default)]
struct DlqWatch {
    readable: bool,
    at_start: Option<u64>,
    latest: Option<u64>,
    /// The count when the DLQ was last read.
    read_at: Option<u64>,
    last_read: Option<SweepReport>,
    returned: Returned,
}

/// Watches `canary` until its watch length has passed, a moved message is back in the
/// DLQ, or `cancel` fires; then judges.
pub async fn watch(
    backend: &Backend,
    canary: &CanaryRun,
    options: &WatchOptions,
    clock: &WatchClock,
    progress: &WatchProgress,
    cancel: &CancellationToken,
) -> Verdict {
    let began = clock.now_ms();
    progress.update(|s| s.doing = "reading the DLQ and its destinations".into());
    let dlq = backend.queues.describe_queue(&canary.dlq_url).await.ok();
    let length = match options.length {
        Some(length) => length,
        None => default_watch_length(&destinations(backend, canary).await),
    };
    let consumers = checks::consumers(backend, canary).await;
    let names: Vec<String> = consumers
        .as_ref()
        .map(|c| c.targets.iter().map(|g| g.function.clone()).collect())
        .unwrap_or_default();
    let not_polling = consumers
        .as_ref()
        .map(|c| c.not_polling.clone())
        .unwrap_or_default();
    let mut dlq_watch = DlqWatch {
        readable: dlq.as_ref().is_some_and(|q| q.redrive.is_none()),
        at_start: dlq.as_ref().map(total),
        latest: dlq.as_ref().map(total),
        ..DlqWatch::default()
    };
    progress.update(|s| {
        s.length_s = length.as_secs();
        s.consumers = names.clone();
        s.dlq_count = dlq_watch.latest;
        s.dlq_count_at_start = dlq_watch.at_start;
        s.back = dlq_watch.readable.then_some(0);
    });
    let span = (began, length);
    let ended_early = follow(
        (backend, canary, options, clock),
        progress,
        cancel,
        span,
        &mut dlq_watch,
    )
    .await;
    if dlq_watch.readable
        && !ended_early
        && !cancel.is_cancelled()
        && dlq_watch.latest > dlq_watch.read_at.or(dlq_watch.at_start)
    {
        read_dlq(backend, canary, options, progress, &mut dlq_watch, cancel).await;
    }
    let now = clock.now_ms();
    progress.update(|s| s.doing = "reading the consumers' metrics and logs".into());
    let consumer_seen =
        consumer_checks(backend, canary, &consumers, now, options.max_log_bytes).await;
    let (back_in_dlq, dlq_check) = dlq_outcome(&dlq_watch, canary, dlq.as_ref());
    progress.update(|s| s.doing = "done".into());
    judge(Seen {
        moved: canary.moved.len() as u64,
        back_in_dlq,
        dlq_check,
        dlq_change: dlq_watch
            .latest
            .zip(dlq_watch.at_start)
            .map(|(l, s)| l as i64 - s as i64),
        watched_s: u64::try_from((now - began).max(0) / 1000).unwrap_or(0),
        watch_length_s: length.as_secs(),
        ended_early,
        cancelled: cancel.is_cancelled(),
        consumers: names,
        not_polling,
        ..consumer_seen
    })
}

/// The destinations as they are now (their redrive policy and visibility timeout).
async fn destinations(backend: &Backend, canary: &CanaryRun) -> Vec<Queue> {
    let mut queues = Vec::new();
    for destination in &canary.destinations {
        if let Ok(queue) = backend.queues.describe_queue(&destination.url).await {
            queues.push(queue);
        }
    }
    queues
}

/// The consumers' Errors, Throttles and error signatures since the canary started, each
/// with why it could not be read when it could not.
async fn consumer_checks(
    backend: &Backend,
    canary: &CanaryRun,
    consumers: &Result<checks::Found, String>,
    now: i64,
    max_log_bytes: u64,
) -> Seen {
    let consumers = consumers.as_ref().map(|c| &c.targets);
    let (errors, throttles, metrics_note) = match consumers {
        Ok(c) if c.is_empty() => (
            None,
            None,
            Some("no Lambda consumer of the destinations".to_string()),
        ),
        Ok(c) => match checks::errors_and_throttles(backend, c, canary.started_ms, now).await {
            Ok((e, t)) => (Some(e), Some(t), None),
            Err(why) => (None, None, Some(why)),
        },
        Err(why) => (None, None, Some((*why).clone())),
    };
    let (signatures, logs_note) = match consumers {
        Ok(c) if !c.is_empty() => {
            checks::signatures_since(backend, c, (canary.started_ms, now), max_log_bytes).await
        }
        _ => (
            Vec::new(),
            Some("logs not read: no consumer known".to_string()),
        ),
    };
    Seen {
        errors,
        throttles,
        metrics_note,
        signatures,
        logs_note,
        ..Seen::default()
    }
}

fn total(queue: &Queue) -> u64 {
    queue.counts.visible + queue.counts.in_flight + queue.counts.delayed
}

/// Counts the DLQ every poll until the length has passed; reads it when its count rose.
/// Returns whether a moved message came back (the watch then ends early).
async fn follow(
    (backend, canary, options, clock): (&Backend, &CanaryRun, &WatchOptions, &WatchClock),
    progress: &WatchProgress,
    cancel: &CancellationToken,
    (began, length): (i64, Duration),
    dlq: &mut DlqWatch,
) -> bool {
    let length_ms = i64::try_from(length.as_millis()).unwrap_or(i64::MAX);
    loop {
        let elapsed = clock.now_ms() - began;
        progress.update(|s| s.elapsed_s = u64::try_from(elapsed / 1000).unwrap_or(0));
        if elapsed >= length_ms || cancel.is_cancelled() {
            return false;
        }
        progress.update(|s| s.doing = "counting the DLQ".into());
        let wait = Duration::from_millis(u64::try_from(length_ms - elapsed).unwrap_or(0));
        tokio::select! {
            () = cancel.cancelled() => return false,
            () = tokio::time::sleep(options.poll.min(wait)) => {}
        }
        if let Ok(queue) = backend.queues.describe_queue(&canary.dlq_url).await {
            dlq.latest = Some(total(&queue));
            progress.update(|s| s.dlq_count = Some(total(&queue)));
        }
        let rose = dlq.latest > dlq.read_at.or(dlq.at_start);
        if dlq.readable && rose {
            read_dlq(backend, canary, options, progress, dlq, cancel).await;
            if dlq.returned.count(canary) > 0 {
                return true;
            }
        }
    }
}

async fn read_dlq(
    backend: &Backend,
    canary: &CanaryRun,
    options: &WatchOptions,
    progress: &WatchProgress,
    dlq: &mut DlqWatch,
    cancel: &CancellationToken,
) {
    progress.update(|s| s.doing = "reading the DLQ for moved messages".into());
    let report = checks::sweep(
        backend,
        canary,
        options.sweep_cap,
        &mut dlq.returned,
        cancel,
    )
    .await;
    dlq.read_at = dlq.latest;
    let back = dlq.returned.count(canary);
    progress.update(|s| s.back = Some(back));
    dlq.last_read = Some(report);
}

/// How many moved messages are back, and how that was found out (or why it was not).
fn dlq_outcome(dlq: &DlqWatch, canary: &CanaryRun, queue: Option<&Queue>) -> (Option<u64>, String) {
    let change = dlq
        .latest
        .zip(dlq.at_start)
        .map(|(l, s)| l as i64 - s as i64);
    let Some(_) = queue else {
        return (None, "not read: the DLQ could not be described".into());
    };
    if !dlq.readable {
        return (
            None,
            format!(
                "not read: the DLQ has a redrive policy of its own and every receive counts \
                 toward it; its count changed by {}",
                change.map_or("?".to_string(), |c| format!("{c:+}"))
            ),
        );
    }
    let back = dlq.returned.count(canary);
    match &dlq.last_read {
        None => (
            Some(0),
            "the DLQ's count never rose: nothing came back".into(),
        ),
        Some(SweepReport {
            error: Some(error),
            read,
            ..
        }) if back == 0 => (None, format!("read {read} messages, then failed: {error}")),
        Some(report) if report.complete || back > 0 || change.is_some_and(|c| c <= 0) => (
            Some(back),
            format!(
                "read {} messages in the DLQ (all made visible again)",
                report.read
            ),
        ),
        Some(report) => (
            None,
            format!(
                "read {} messages in the DLQ (the cap), none of them moved ones; the rest \
                 were not read",
                report.read
            ),
        ),
    }
}
