//! The redrive jobs: the plan (read-only, for the dialog) and the run, which drives
//! `redrive::execute` and reports its progress a few times a second from `RunProgress`.
//! Cancelling asks the engine to stop; the supervisor gives it `REDRIVE_CANCEL_GRACE` to
//! finish the batches in flight (send, then delete) and close the journal.

use std::path::{Path, PathBuf};
use std::time::Duration;

use tokio::time::Instant;

use super::work::JobContext;
use crate::app::Action;
use crate::app::jobs::{JobEnd, Progress};
use crate::app::redrive::{PlanJob, RedriveOp, RedriveSettings, RedriveSnapshot};
use crate::aws::Backend;
use crate::redrive::canary::{CanaryRun, WatchClock};
use crate::redrive::{
    Filter, Mode, MoveOptions, Plan, RunOptions, RunProgress, Summary, execute, journal, plan,
};

/// How often progress is read and, when it changed, reported: at most 4 a second.
pub const REPORT_EVERY: Duration = Duration::from_millis(250);

/// A cancelled redrive may take this long to finish what it has in flight.
pub const REDRIVE_CANCEL_GRACE: Duration = Duration::from_secs(60);

/// The plan for the dialog; it changes nothing.
pub async fn plan_job(request: PlanJob, job: JobContext) -> JobEnd {
    let result = plan_for(
        &job.backend,
        &request.dlq_url,
        &request.settings,
        request.subscriptions.as_deref(),
        request.functions.as_deref(),
    )
    .await;
    let end = match &result {
        Ok(plan) => JobEnd::Done(Some(format!(
            "{} mode, {} visible",
            mode_text(plan.mode),
            plan.visible
        ))),
        Err(error) => JobEnd::Failed(error.clone()),
    };
    // The loop has ended when the receiver is gone; nothing to report to.
    let _ = job.tx.send(Action::RedrivePlanned {
        job: job.id,
        result: result.map(Box::new),
    });
    end
}

fn mode_text(mode: Mode) -> &'static str {
    match mode {
        Mode::Native => "native",
        Mode::Manual => "manual",
    }
}

/// Plans with fresh counts: the DLQ (and the destination) described again; the
/// subscriptions and functions from the inventory when it gave them.
async fn plan_for(
    backend: &Backend,
    dlq_url: &str,
    settings: &RedriveSettings,
    subscriptions: Option<&[crate::domain::Subscription]>,
    functions: Option<&[crate::domain::LambdaFunction]>,
) -> Result<Plan, String> {
    let dlq = backend
        .queues
        .describe_queue(dlq_url)
        .await
        .map_err(|e| e.to_string())?;
    let to = match &settings.to {
        Some(to) => Some(
            backend
                .queues
                .describe_queue(&to.url)
                .await
                .map_err(|e| e.to_string())?,
        ),
        None => None,
    };
    let request = crate::redrive::PlanRequest {
        functions,
        ..settings.plan_request(to.as_ref(), subscriptions)
    };
    plan(backend, &dlq, request)
        .await
        .map_err(|e| e.to_string())
}

/// Where journals go: the data directory, else a temporary folder of the user's own (and the
/// view says so). Either is made owner-only where another user could read it (journals hold
/// receipt handles), and the view says that too.
fn journal_dir() -> Result<(PathBuf, Option<String>), String> {
    let (dir, note) = match journal::data_dir() {
        Some(dir) => (dir, None),
        None => {
            let dir = crate::private_files::own_temp_dir("squall").map_err(|e| {
                format!("no data directory and no private temporary folder for the journal ({e}): set SQUALL_DATA_DIR")
            })?;
            let note = format!(
                "no data directory: the journal is in {} (set SQUALL_DATA_DIR to keep it)",
                dir.display()
            );
            (dir, Some(note))
        }
    };
    let secured = crate::redrive::journal_files::secure(&dir);
    let note = match (note, secured) {
        (Some(note), Some(secured)) => Some(format!("{note}; {secured}")),
        (note, secured) => note.or(secured),
    };
    Ok((dir, note))
}

/// One redrive run, confirmed; a canary then watched for its verdict (`x` stops the watch).
pub async fn run(op: RedriveOp, job: JobContext) -> JobEnd {
    let clock = WatchClock::start();
    let started_ms = clock.now_ms();
    let plan = match &op.plan {
        Some(plan) => Ok((**plan).clone()),
        None => plan_for(&job.backend, &op.dlq_url, &op.settings, None, None).await,
    };
    let result = match &plan {
        Ok(plan) => run_to_end(&op, plan, &job).await,
        Err(error) => Err(error.clone()),
    };
    let end = job_end(&result);
    let watch = match (&plan, &result) {
        (Ok(plan), Ok(summary)) if canary_to_watch(&op, summary) => CanaryRun::from_journal(
            plan,
            summary.journal.as_deref().unwrap_or(Path::new("")),
            started_ms,
        )
        .ok(),
        _ => None,
    };
    let _ = job.tx.send(Action::RedriveFinished {
        id: job.id,
        result: result.map(Box::new),
    });
    match watch {
        Some(canary) => {
            super::redrive_canary::watch_canary(&canary, &job, &clock, end, &op.settings.watch)
                .await
        }
        None => end,
    }
}

/// A canary that moved something and stopped as a canary does: its messages are watched.
fn canary_to_watch(op: &RedriveOp, summary: &Summary) -> bool {
    op.settings.canary.is_some()
        && summary.moved > 0
        && matches!(summary.end.as_str(), "limit_reached" | "drained")
        && summary.journal.is_some()
}

async fn run_to_end(op: &RedriveOp, plan: &Plan, job: &JobContext) -> Result<Summary, String> {
    let plan = plan.clone();
    let filter = match &op.settings.filter {
        Some(expr) => Some(Filter::parse(expr).map_err(|e| e.to_string())?),
        None => None,
    };
    let (journal_dir, note) = journal_dir()?;
    let options = RunOptions {
        moves: MoveOptions {
            limit: op.settings.run_limit(),
            rate: op.settings.rate,
            filter,
            ..MoveOptions::default()
        },
        journal_dir,
        resume: None,
    };
    let dlq_count = plan.visible + plan.in_flight + plan.delayed;
    let expected = op
        .settings
        .run_limit()
        .map_or(dlq_count, |l| l.min(dlq_count));
    let progress = RunProgress::default();
    let started = Instant::now();
    let invoked = plan.invoke.as_ref().map(|t| t.function.clone());
    let snapshot = |note| RedriveSnapshot {
        invoked: invoked.clone(),
        ..snapshot(&progress, started, expected, note)
    };
    let mut reporter = Reporter::default();
    let running = execute(&job.backend, &plan, &options, &progress, &job.cancel);
    tokio::pin!(running);
    let mut every = tokio::time::interval(REPORT_EVERY);
    every.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Skip);
    let result = loop {
        tokio::select! {
            result = &mut running => break result,
            _ = every.tick() => {
                reporter.report(job, snapshot(note.clone()));
            }
        }
    };
    // The last counts, so the gauge ends where the run did.
    reporter.report(job, snapshot(note));
    result.map_err(|e| e.to_string())
}

/// What the engine says now.
fn snapshot(
    progress: &RunProgress,
    started: Instant,
    expected: u64,
    note: Option<String>,
) -> RedriveSnapshot {
    let mode = progress.mode();
    let counts = progress.manual.snapshot();
    let task = progress.native.latest();
    let native = mode == Some(Mode::Native);
    RedriveSnapshot {
        elapsed_ms: u64::try_from(started.elapsed().as_millis()).unwrap_or(u64::MAX),
        mode,
        moved: match (&task, native) {
            (Some(task), true) => task.moved,
            _ => counts.moved,
        },
        failed: counts.failed,
        duplicates_suspected: counts.duplicates_suspected,
        released: counts.released,
        received: counts.received,
        expected: match (&task, native) {
            (Some(task), true) => task.to_move.or(Some(expected)),
            _ => Some(expected),
        },
        status: task.filter(|_| native).map(|t| t.status),
        journal: progress.journal(),
        note,
        invoked: None,
    }
}

/// Sends a snapshot only when something in it besides the time changed, so a run that
/// waits (a long poll, a slow task) costs the app nothing.
#[derive(Debug, Default)]
struct Reporter {
    last: Option<RedriveSnapshot>,
}

impl Reporter {
    /// The snapshot to send, if it says something new.
    fn offer(&mut self, snapshot: RedriveSnapshot) -> Option<RedriveSnapshot> {
        let same = self.last.as_ref().is_some_and(|last| {
            RedriveSnapshot {
                elapsed_ms: snapshot.elapsed_ms,
                ..last.clone()
            } == snapshot
        });
        if same {
            return None;
        }
        self.last = Some(snapshot.clone());
        Some(snapshot)
    }

    fn report(&mut self, job: &JobContext, snapshot: RedriveSnapshot) {
        let Some(snapshot) = self.offer(snapshot) else {
            return;
        };
        // The loop has ended when the receiver is gone; nothing to report to.
        let _ = job.tx.send(Action::JobProgress {
            id: job.id,
            progress: Progress {
                done: snapshot.moved,
                total: snapshot.expected,
            },
        });
        let _ = job.tx.send(Action::RedriveProgress {
            id: job.id,
            snapshot: Box::new(snapshot),
        });
    }
}

/// The job's end as `:jobs` and the status line say it.
fn job_end(result: &Result<Summary, String>) -> JobEnd {
    match result {
        Err(error) => JobEnd::Failed(error.clone()),
        Ok(summary) if summary.end == "failed" => JobEnd::Failed(format!(
            "moved {} before: {}",
            summary.moved,
            summary.error.as_deref().unwrap_or("the run failed")
        )),
        Ok(summary) if summary.end == "cancelled" => JobEnd::Cancelled,
        Ok(summary) => JobEnd::Done(Some(format!(
            "moved {}, failed {}, duplicates suspected {}, left in the DLQ {}",
            summary.moved,
            summary.failed,
            summary.duplicates_suspected,
            summary
                .left_in_dlq
                .map_or("?".to_string(), |n| n.to_string())
        ))),
    }
}

#[cfg(test)]
mod tests;
