//! Native redrive: one SQS message move task (`StartMessageMoveTask`), watched with
//! `ListMessageMoveTasks` until it ends, cancelled with `CancelMessageMoveTask`. The work
//! runs inside AWS; squall only reports it.

use std::sync::Mutex;
use std::time::Duration;

use tokio_util::sync::CancellationToken;

use crate::aws::{ApiError, MessageReader, MoveTaskRunner};
use crate::domain::message::MoveTask;

/// How often a running task is asked for its progress.
pub const POLL_EVERY: Duration = Duration::from_secs(1);
/// After a cancel, how long to wait for the task to say it stopped.
const CANCEL_WAIT: Duration = Duration::from_secs(30);

/// The last state seen of the task, readable while it runs.
#[derive(Debug, Default)]
pub struct NativeProgress {
    latest: Mutex<Option<MoveTask>>,
}

impl NativeProgress {
    pub fn latest(&self) -> Option<MoveTask> {
        self.latest.lock().ok().and_then(|t| t.clone())
    }

    fn set(&self, task: MoveTask) {
        if let Ok(mut latest) = self.latest.lock() {
            *latest = Some(task);
        }
    }
}

/// How a native run ended.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NativeEnd {
    /// COMPLETED, CANCELLED, FAILED (or RUNNING when squall stopped watching).
    pub status: String,
    pub moved: u64,
    pub to_move: Option<u64>,
    pub failure_reason: Option<String>,
}

/// Whether a move task on the DLQ is running now (one active task per queue).
pub async fn running_task(
    reader: &dyn MessageReader,
    dlq_arn: &str,
) -> Result<Option<MoveTask>, ApiError> {
    Ok(reader
        .list_move_tasks(dlq_arn)
        .await?
        .into_iter()
        .find(|t| t.status == "RUNNING"))
}

/// Starts the task (`destination_arn` None: each message back to its source) and watches it
/// to its end. A start refused comes back as the error (the caller may fall back to the
/// manual mover); after the start, failures to watch are retried until the task ends.
pub async fn run(
    reader: &dyn MessageReader,
    moves: &dyn MoveTaskRunner,
    dlq_arn: &str,
    destination_arn: Option<&str>,
    rate: Option<u32>,
    progress: &NativeProgress,
    cancel: &CancellationToken,
) -> Result<NativeEnd, ApiError> {
    let rate = rate.map(|r| i32::try_from(r).unwrap_or(i32::MAX));
    let handle = moves
        .start_move_task(dlq_arn, destination_arn, rate)
        .await?;
    tracing::info!(%handle, "move task started");
    let mut cancelled_at: Option<tokio::time::Instant> = None;
    loop {
        if cancel.is_cancelled() && cancelled_at.is_none() {
            cancelled_at = Some(tokio::time::Instant::now());
            if let Err(error) = moves.cancel_move_task(&handle).await {
                // A task that just completed cannot be cancelled: its end is read below.
                tracing::warn!(%error, "CancelMessageMoveTask failed");
            }
        }
        match reader.list_move_tasks(dlq_arn).await {
            Ok(tasks) => {
                if let Some(task) = ours(tasks, &handle) {
                    progress.set(task.clone());
                    if !matches!(task.status.as_str(), "RUNNING" | "CANCELLING") {
                        return Ok(end_of(&task));
                    }
                }
            }
            Err(error) => tracing::warn!(%error, "ListMessageMoveTasks failed; asking again"),
        }
        if cancelled_at.is_some_and(|at| at.elapsed() > CANCEL_WAIT) {
            let last = progress.latest();
            return Ok(NativeEnd {
                status: "CANCELLING".to_string(),
                moved: last.as_ref().map_or(0, |t| t.moved),
                to_move: last.and_then(|t| t.to_move),
                failure_reason: None,
            });
        }
        tokio::select! {
            () = tokio::time::sleep(POLL_EVERY) => {}
            () = cancel.cancelled(), if cancelled_at.is_none() => {}
        }
    }
}

/// Our task among the listed ones: the one with our handle while it runs; once it ended
/// (no handle is listed then), the most recent task, which is ours because only one task
/// per queue can be active and ours was the last started.
fn ours(tasks: Vec<MoveTask>, handle: &str) -> Option<MoveTask> {
    if let Some(task) = tasks
        .iter()
        .find(|t| t.task_handle.as_deref() == Some(handle))
    {
        return Some(task.clone());
    }
    tasks.into_iter().next().filter(|t| t.task_handle.is_none())
}

fn end_of(task: &MoveTask) -> NativeEnd {
    NativeEnd {
        status: task.status.clone(),
        moved: task.moved,
        to_move: task.to_move,
        failure_reason: task.failure_reason.clone(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn task(handle: Option<&str>, status: &str, moved: u64) -> MoveTask {
        MoveTask {
            task_handle: handle.map(str::to_string),
            source_arn: "arn:aws:sqs:r:1:dlq".into(),
            destination_arn: None,
            status: status.into(),
            max_messages_per_second: None,
            moved,
            to_move: Some(10),
            failure_reason: None,
            started_ms: None,
        }
    }

    #[test]
    fn our_task_is_the_one_with_our_handle_or_the_latest_ended_one() {
        let running = vec![task(Some("h2"), "RUNNING", 3), task(None, "COMPLETED", 9)];
        assert_eq!(ours(running, "h2").map(|t| t.moved), Some(3));
        let ended = vec![task(None, "COMPLETED", 10), task(None, "CANCELLED", 1)];
        assert_eq!(ours(ended, "h2").map(|t| t.moved), Some(10));
        let someone_elses = vec![task(Some("h9"), "RUNNING", 1)];
        assert_eq!(ours(someone_elses, "h2"), None);
    }
}
