//! Interim: the static demo fleet holds no messages, so its message capabilities answer
//! "unavailable" (the same answer an emulator lacking a call gives). The simulated world
//! that holds, delivers and dead-letters messages replaces this.

use async_trait::async_trait;

use super::fleet::SimFleet;
use crate::aws::{ApiError, MessageReader, MoveTaskRunner, QueueWriter, TopicPublisher};
use crate::domain::message::{
    BatchOutcome, HandleEntry, MoveTask, OutgoingMessage, OutgoingNotification, ReceiveRequest,
    ReceivedMessage,
};

fn unavailable<T>(operation: &str) -> Result<T, ApiError> {
    Err(ApiError::unavailable(
        operation,
        "the simulated fleet holds no messages",
    ))
}

#[async_trait]
impl MessageReader for SimFleet {
    async fn receive_messages(
        &self,
        _queue_url: &str,
        _request: ReceiveRequest,
    ) -> Result<Vec<ReceivedMessage>, ApiError> {
        unavailable("ReceiveMessage")
    }

    async fn change_visibility(
        &self,
        _queue_url: &str,
        _entries: &[HandleEntry],
        _timeout_seconds: u32,
    ) -> Result<BatchOutcome, ApiError> {
        unavailable("ChangeMessageVisibilityBatch")
    }

    async fn list_move_tasks(&self, _source_arn: &str) -> Result<Vec<MoveTask>, ApiError> {
        unavailable("ListMessageMoveTasks")
    }
}

#[async_trait]
impl QueueWriter for SimFleet {
    async fn send_messages(
        &self,
        _queue_url: &str,
        _entries: &[OutgoingMessage],
    ) -> Result<BatchOutcome, ApiError> {
        unavailable("SendMessageBatch")
    }

    async fn delete_messages(
        &self,
        _queue_url: &str,
        _entries: &[HandleEntry],
    ) -> Result<BatchOutcome, ApiError> {
        unavailable("DeleteMessageBatch")
    }

    async fn purge_queue(&self, _queue_url: &str) -> Result<(), ApiError> {
        unavailable("PurgeQueue")
    }
}

#[async_trait]
impl TopicPublisher for SimFleet {
    async fn publish(
        &self,
        _topic_arn: &str,
        _notification: &OutgoingNotification,
    ) -> Result<String, ApiError> {
        unavailable("Publish")
    }
}

#[async_trait]
impl MoveTaskRunner for SimFleet {
    async fn start_move_task(
        &self,
        _source_arn: &str,
        _destination_arn: Option<&str>,
        _max_messages_per_second: Option<i32>,
    ) -> Result<String, ApiError> {
        unavailable("StartMessageMoveTask")
    }

    async fn cancel_move_task(&self, _task_handle: &str) -> Result<u64, ApiError> {
        unavailable("CancelMessageMoveTask")
    }
}
