//! The simulated world's message capabilities: receive, change visibility and list move
//! tasks (reading); send, delete, purge, publish, start and cancel move tasks (writing).
//! They answer as the SDK adapters do, errors and per-entry failures included.

use std::time::Duration;

use async_trait::async_trait;

use super::fleet::SimFleet;
use super::queue::Receiver;
use super::world::aws_error;
use crate::aws::{ApiError, MessageReader, MoveTaskRunner, QueueWriter, TopicPublisher};
use crate::domain::message::{
    BatchOutcome, HandleEntry, MoveTask, OutgoingMessage, OutgoingNotification, ReceiveRequest,
    ReceivedMessage,
};

/// How often a long poll on an empty queue looks again (only on a clock that runs).
const LONG_POLL_RECHECK: Duration = Duration::from_millis(200);

#[async_trait]
impl MessageReader for SimFleet {
    async fn receive_messages(
        &self,
        queue_url: &str,
        request: ReceiveRequest,
    ) -> Result<Vec<ReceivedMessage>, ApiError> {
        const OPERATION: &str = "ReceiveMessage";
        // The same bounds the SDK adapter applies before asking SQS.
        let max = usize::from(request.max_messages.clamp(1, 10));
        let wait_ms = i64::from(request.wait_seconds.min(20)) * 1000;
        if request
            .visibility_timeout_seconds
            .is_some_and(|v| v > super::queue::MAX_VISIBILITY_S)
        {
            return Err(aws_error(
                OPERATION,
                "InvalidParameterValue",
                400,
                "Value for parameter VisibilityTimeout is invalid. Reason: Must be between 0 and 43200.",
            ));
        }
        let deadline = self.clock().now_ms() + wait_ms;
        loop {
            let messages = {
                let mut world = self.world();
                let queue = world.queue_for_url(OPERATION, queue_url)?;
                world
                    .receive(
                        queue,
                        max,
                        request.visibility_timeout_seconds,
                        Receiver::Api,
                    )
                    .messages
            };
            // A long poll waits for messages, but only on a clock that moves by itself.
            let keep_waiting = messages.is_empty()
                && self.clock().runs_by_itself()
                && self.clock().now_ms() < deadline;
            if !keep_waiting {
                return Ok(messages);
            }
            tokio::time::sleep(LONG_POLL_RECHECK).await;
        }
    }

    async fn change_visibility(
        &self,
        queue_url: &str,
        entries: &[HandleEntry],
        timeout_seconds: u32,
    ) -> Result<BatchOutcome, ApiError> {
        let mut world = self.world();
        let queue = world.queue_for_url("ChangeMessageVisibilityBatch", queue_url)?;
        if entries.is_empty() {
            return Ok(BatchOutcome::default());
        }
        world.change_visibility(queue, entries, timeout_seconds)
    }

    async fn list_move_tasks(&self, source_arn: &str) -> Result<Vec<MoveTask>, ApiError> {
        self.world().list_move_tasks(source_arn)
    }
}

#[async_trait]
impl QueueWriter for SimFleet {
    async fn send_messages(
        &self,
        queue_url: &str,
        entries: &[OutgoingMessage],
    ) -> Result<BatchOutcome, ApiError> {
        let mut world = self.world();
        let queue = world.queue_for_url("SendMessageBatch", queue_url)?;
        if entries.is_empty() {
            return Ok(BatchOutcome::default());
        }
        world.send(queue, entries)
    }

    async fn delete_messages(
        &self,
        queue_url: &str,
        entries: &[HandleEntry],
    ) -> Result<BatchOutcome, ApiError> {
        let mut world = self.world();
        let queue = world.queue_for_url("DeleteMessageBatch", queue_url)?;
        if entries.is_empty() {
            return Ok(BatchOutcome::default());
        }
        world.delete(queue, entries)
    }

    async fn purge_queue(&self, queue_url: &str) -> Result<(), ApiError> {
        let mut world = self.world();
        let queue = world.queue_for_url("PurgeQueue", queue_url)?;
        world.purge(queue).map(|_| ())
    }
}

#[async_trait]
impl TopicPublisher for SimFleet {
    async fn publish(
        &self,
        topic_arn: &str,
        notification: &OutgoingNotification,
    ) -> Result<String, ApiError> {
        let mut world = self.world();
        let topic = world
            .topic_index_by_arn(topic_arn)
            .ok_or_else(|| aws_error("Publish", "NotFound", 404, "Topic does not exist"))?;
        world.publish(topic, notification, false)
    }
}

#[async_trait]
impl MoveTaskRunner for SimFleet {
    async fn start_move_task(
        &self,
        source_arn: &str,
        destination_arn: Option<&str>,
        max_messages_per_second: Option<i32>,
    ) -> Result<String, ApiError> {
        self.world()
            .start_move_task(source_arn, destination_arn, max_messages_per_second)
    }

    async fn cancel_move_task(&self, task_handle: &str) -> Result<u64, ApiError> {
        self.world().cancel_move_task(task_handle)
    }
}
