//! Message capabilities. Reading (receive, change visibility, list move tasks) is always
//! there; writing (send, delete, purge, publish, start and cancel move tasks, invoke a
//! function asynchronously) lives in
//! separate traits that a `Backend` holds only when the profile may write, so a read-only
//! code path cannot reach them at all.

use async_trait::async_trait;

use super::ApiError;
use crate::domain::message::{
    BatchOutcome, HandleEntry, MoveTask, OutgoingMessage, OutgoingNotification, ReceiveRequest,
    ReceivedMessage,
};

/// Receiving changes no message, but it is not free of effects: every receive counts
/// toward the queue's `maxReceiveCount` and hides the message from consumers until its
/// visibility ends. The peek engine states that risk; it does not need write access.
#[async_trait]
pub trait MessageReader: Send + Sync {
    /// `ReceiveMessage` with every system and message attribute.
    async fn receive_messages(
        &self,
        queue_url: &str,
        request: ReceiveRequest,
    ) -> Result<Vec<ReceivedMessage>, ApiError>;

    /// `ChangeMessageVisibilityBatch` (at most 10 entries): 0 makes them visible again.
    async fn change_visibility(
        &self,
        queue_url: &str,
        entries: &[HandleEntry],
        timeout_seconds: u32,
    ) -> Result<BatchOutcome, ApiError>;

    /// `ListMessageMoveTasks` for a DLQ (most recent first, at most 10).
    async fn list_move_tasks(&self, source_arn: &str) -> Result<Vec<MoveTask>, ApiError>;
}

/// Sending, deleting and purging: what can lose or duplicate messages.
#[async_trait]
pub trait QueueWriter: Send + Sync {
    /// `SendMessageBatch` (at most 10 entries). A 200 may still carry failed entries.
    async fn send_messages(
        &self,
        queue_url: &str,
        entries: &[OutgoingMessage],
    ) -> Result<BatchOutcome, ApiError>;

    /// `SendMessageBatch` sent at most once by the client itself: when its answer is lost
    /// after the request went out (dropped connection, timeout, 5xx, an unreadable answer)
    /// the error comes back instead of a silent resend, so the caller knows that a copy may
    /// already be out and counts it. Throttling, which SQS answers before it acts, is still
    /// retried. By default the same as [`QueueWriter::send_messages`] (for writers that
    /// never resend on their own).
    async fn send_messages_once(
        &self,
        queue_url: &str,
        entries: &[OutgoingMessage],
    ) -> Result<BatchOutcome, ApiError> {
        self.send_messages(queue_url, entries).await
    }

    /// `DeleteMessageBatch` (at most 10 entries), with the latest receipt handles.
    async fn delete_messages(
        &self,
        queue_url: &str,
        entries: &[HandleEntry],
    ) -> Result<BatchOutcome, ApiError>;

    /// `PurgeQueue`: every message, gone.
    async fn purge_queue(&self, queue_url: &str) -> Result<(), ApiError>;
}

/// Publishing to SNS topics.
#[async_trait]
pub trait TopicPublisher: Send + Sync {
    /// `Publish`; returns the new message id.
    async fn publish(
        &self,
        topic_arn: &str,
        notification: &OutgoingNotification,
    ) -> Result<String, ApiError>;
}

/// Native redrive: SQS message move tasks.
#[async_trait]
pub trait MoveTaskRunner: Send + Sync {
    /// `StartMessageMoveTask`; no destination returns each message to its own source.
    /// Returns the task handle.
    async fn start_move_task(
        &self,
        source_arn: &str,
        destination_arn: Option<&str>,
        max_messages_per_second: Option<i32>,
    ) -> Result<String, ApiError>;

    /// `CancelMessageMoveTask` (RUNNING tasks only); returns how many were moved.
    async fn cancel_move_task(&self, task_handle: &str) -> Result<u64, ApiError>;
}

/// Invoking Lambda functions asynchronously: the invoke route of a redrive, which hands a
/// Lambda-side dead letter's event back to its function.
#[async_trait]
pub trait FunctionInvoker: Send + Sync {
    /// `Invoke` with `InvocationType=Event`: `Ok` (with Lambda's request id, empty when the
    /// endpoint gives none) only when Lambda accepted the event for an asynchronous invoke
    /// (HTTP 202). The function runs later, on Lambda's retries; what
    /// it does then is not this call's answer. Not resent by the client after a lost answer
    /// (the error comes back, `answer_may_be_lost`), so that a caller can count the event
    /// as possibly invoked.
    async fn invoke_async(&self, function: &str, payload: &str) -> Result<String, ApiError>;
}
