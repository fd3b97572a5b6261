//! A canary redrive's watch, run by its job once the canary moved: the engine's watch
//! (`redrive::canary`), its status reported a second at a time while it changes, then the
//! verdict. The job stays running meanwhile, so `x` stops the watch (the verdict then says
//! it was stopped) and `:jobs` shows it.

use std::time::Duration;

use super::work::JobContext;
use crate::app::Action;
use crate::app::jobs::JobEnd;
use crate::redrive::canary::{CanaryRun, Outcome, WatchClock, WatchOptions, WatchProgress, watch};

/// How often the watch's status is read and, when it changed, reported.
const REPORT_EVERY: Duration = Duration::from_secs(1);

/// Watches `canary`, reporting to the app; the job ends as the run did, with the verdict
/// as its note (a stopped watch ends it cancelled).
pub async fn watch_canary(
    canary: &CanaryRun,
    job: &JobContext,
    clock: &WatchClock,
    run_end: JobEnd,
    options: &WatchOptions,
) -> JobEnd {
    let progress = WatchProgress::default();
    let watching = watch(&job.backend, canary, options, clock, &progress, &job.cancel);
    tokio::pin!(watching);
    let mut every = tokio::time::interval(REPORT_EVERY);
    every.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Skip);
    let mut last = None;
    let verdict = loop {
        tokio::select! {
            verdict = &mut watching => break verdict,
            _ = every.tick() => {
                let status = progress.status();
                // Nothing to show before the watch knows its length.
                if status.length_s > 0 && last.as_ref() != Some(&status) {
                    last = Some(status.clone());
                    // The loop has ended when the receiver is gone; nothing to report to.
                    let _ = job.tx.send(Action::CanaryWatch { id: job.id, status: Box::new(status) });
                }
            }
        }
    };
    let _ = job.tx.send(Action::CanaryWatch {
        id: job.id,
        status: Box::new(progress.status()),
    });
    let end = match (&run_end, verdict.verdict) {
        (_, Outcome::NotSafe) => JobEnd::Done(Some(verdict.line.clone())),
        _ if verdict.cancelled => JobEnd::Cancelled,
        (JobEnd::Done(_), _) => JobEnd::Done(Some(verdict.line.clone())),
        _ => run_end,
    };
    let _ = job.tx.send(Action::CanaryVerdict {
        id: job.id,
        verdict: Box::new(verdict),
    });
    end
}
