//! Native redrive in the simulated world: SQS message move tasks. A task moves a DLQ's
//! messages back to the queue each came from (`DeadLetterQueueSourceArn`) or to a chosen
//! destination, at a rate; each moved message is a new message there (new id, new sent
//! time, receive count 0), as SQS does. One active task per source queue; a queue that is
//! no SQS queue's DLQ is refused, as AWS refuses it.

use super::stored::Incoming;
use super::world::{World, aws_error};
use crate::aws::ApiError;
use crate::domain::message::MoveTask;

/// AWS takes at most 500 messages per second.
const MAX_RATE: i32 = 500;
/// `ListMessageMoveTasks` returns at most this many, most recent first.
const LISTED: usize = 10;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum MoveStatus {
    Running,
    Completed,
    Cancelled,
    Failed,
}

impl MoveStatus {
    fn as_str(self) -> &'static str {
        match self {
            MoveStatus::Running => "RUNNING",
            MoveStatus::Completed => "COMPLETED",
            MoveStatus::Cancelled => "CANCELLED",
            MoveStatus::Failed => "FAILED",
        }
    }
}

#[derive(Debug, Clone)]
pub(super) struct MoveTaskState {
    handle: String,
    source: usize,
    destination: Option<usize>,
    requested_rate: Option<i32>,
    rate_per_second: f64,
    /// Messages the rate allows but not yet moved (fractions carry to the next step).
    allowance: f64,
    status: MoveStatus,
    moved: u64,
    to_move: u64,
    failure_reason: Option<String>,
    started_ms: i64,
}

fn not_found(operation: &str, message: &str) -> ApiError {
    aws_error(operation, "ResourceNotFoundException", 400, message)
}

/// Without a requested rate AWS picks one from the backlog: here, about half a minute's
/// work, between 10 and 500 messages a second.
fn system_rate(to_move: u64) -> f64 {
    (to_move as f64 / 30.0).clamp(10.0, f64::from(MAX_RATE))
}

impl World {
    /// `StartMessageMoveTask`.
    pub fn start_move_task(
        &mut self,
        source_arn: &str,
        destination_arn: Option<&str>,
        rate: Option<i32>,
    ) -> Result<String, ApiError> {
        const OPERATION: &str = "StartMessageMoveTask";
        let source = self.queue_index_by_arn(source_arn).ok_or_else(|| {
            not_found(
                OPERATION,
                "The resource that you specified for the SourceArn parameter doesn't exist.",
            )
        })?;
        let source_name = self.queues[source].spec.name.clone();
        let is_dlq = self.queues.iter().any(|q| {
            q.spec
                .dlq
                .as_ref()
                .is_some_and(|(dlq, _)| *dlq == source_name)
        });
        if !is_dlq {
            return Err(aws_error(
                OPERATION,
                "InvalidParameterValue",
                400,
                "Source queue must be configured as a Dead Letter Queue.",
            ));
        }
        let destination = match destination_arn {
            None => None,
            Some(arn) => Some(self.queue_index_by_arn(arn).ok_or_else(|| {
                not_found(
                    OPERATION,
                    "The resource that you specified for the DestinationArn parameter doesn't exist.",
                )
            })?),
        };
        if let Some(rate) = rate
            && !(1..=MAX_RATE).contains(&rate)
        {
            return Err(aws_error(
                OPERATION,
                "InvalidParameterValue",
                400,
                "Value for parameter MaxNumberOfMessagesPerSecond is invalid. Reason: must be between 1 and 500.",
            ));
        }
        if self
            .move_tasks
            .iter()
            .any(|t| t.source == source && t.status == MoveStatus::Running)
        {
            return Err(aws_error(
                OPERATION,
                "UnsupportedOperation",
                400,
                "There is already a task running. Only one active task is allowed for a source queue arn at a given time.",
            ));
        }
        let to_move = self.queues[source].visible_count(self.now_ms);
        self.next_move_task += 1;
        let handle = format!("sim-move-task-{}-{}", self.next_move_task, source_name);
        self.move_tasks.push(MoveTaskState {
            handle: handle.clone(),
            source,
            destination,
            requested_rate: rate,
            rate_per_second: rate.map_or_else(|| system_rate(to_move), f64::from),
            allowance: 0.0,
            status: MoveStatus::Running,
            moved: 0,
            to_move,
            failure_reason: None,
            started_ms: self.now_ms,
        });
        Ok(handle)
    }

    /// `CancelMessageMoveTask`: stops a running task (what was moved stays moved).
    pub fn cancel_move_task(&mut self, handle: &str) -> Result<u64, ApiError> {
        let task = self
            .move_tasks
            .iter_mut()
            .find(|t| t.handle == handle && t.status == MoveStatus::Running)
            .ok_or_else(|| not_found("CancelMessageMoveTask", "Task does not exist."))?;
        task.status = MoveStatus::Cancelled;
        Ok(task.moved)
    }

    /// `ListMessageMoveTasks`: the source's tasks, most recent first, at most 10.
    pub fn list_move_tasks(&self, source_arn: &str) -> Result<Vec<MoveTask>, ApiError> {
        let source = self.queue_index_by_arn(source_arn).ok_or_else(|| {
            not_found(
                "ListMessageMoveTasks",
                "The resource that you specified for the SourceArn parameter doesn't exist.",
            )
        })?;
        Ok(self
            .move_tasks
            .iter()
            .rev()
            .filter(|t| t.source == source)
            .take(LISTED)
            .map(|t| MoveTask {
                task_handle: (t.status == MoveStatus::Running).then(|| t.handle.clone()),
                source_arn: self.queues[t.source].arn.clone(),
                destination_arn: t.destination.map(|d| self.queues[d].arn.clone()),
                status: t.status.as_str().to_string(),
                max_messages_per_second: t.requested_rate,
                moved: t.moved,
                to_move: Some(t.to_move),
                failure_reason: t.failure_reason.clone(),
                started_ms: Some(t.started_ms),
            })
            .collect())
    }

    pub(super) fn run_move_tasks(&mut self, seconds: f64) {
        for index in 0..self.move_tasks.len() {
            if self.move_tasks[index].status == MoveStatus::Running {
                self.run_move_task(index, seconds);
            }
        }
    }

    fn run_move_task(&mut self, index: usize, seconds: f64) {
        let now = self.now_ms;
        let task = &mut self.move_tasks[index];
        task.allowance += task.rate_per_second * seconds;
        let budget = task.allowance.floor() as u64;
        task.allowance -= budget as f64;
        let remaining = task.to_move.saturating_sub(task.moved);
        let source = task.source;
        let keys = self.queues[source].visible_keys(now, budget.min(remaining) as usize);
        for key in keys {
            let Some(stored) = self.queues[source].get(key) else {
                continue;
            };
            let destination = match self.move_tasks[index].destination {
                Some(d) => Some(d),
                None => stored
                    .message
                    .dlq_source_arn
                    .as_deref()
                    .and_then(|arn| self.queue_index_by_arn(arn)),
            };
            let Some(destination) = destination else {
                let task = &mut self.move_tasks[index];
                task.status = MoveStatus::Failed;
                task.failure_reason = Some(
                    "AWS.SimpleQueueService.NonExistentQueue: the message's source queue does not exist"
                        .to_string(),
                );
                return;
            };
            let Some(stored) = self.queues[source].remove(key) else {
                continue;
            };
            let old = stored.message;
            let id = self.rng.uuid();
            let fifo = self.queues[destination].spec.fifo;
            let moved = Incoming {
                message_attributes: old.message_attributes,
                group_id: old.group_id.filter(|_| fifo),
                // Stable per DLQ message, so a repeated move would be dropped.
                dedup_id: fifo.then(|| old.id.clone()),
                trace_header: old.trace_header,
                poison: old.poison,
                ..Incoming::new(id, old.body, now)
            };
            let target = &mut self.queues[destination];
            target.enqueue(moved, now, true);
            target.metrics.counters.sent += 1;
            target.metrics.touched(now);
            self.move_tasks[index].moved += 1;
        }
        let task = &mut self.move_tasks[index];
        if task.moved >= task.to_move || self.queues[source].visible_count(now) == 0 {
            task.status = MoveStatus::Completed;
        }
    }
}
