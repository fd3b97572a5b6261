//! Message capabilities over aws-sdk-sqs: receive and change visibility (reading), send,
//! delete and purge (writing), and native move tasks.

use std::collections::{BTreeMap, HashMap};

use async_trait::async_trait;
use aws_sdk_sqs::Client;
use aws_sdk_sqs::primitives::Blob;
use aws_sdk_sqs::types::{
    BatchResultErrorEntry, ChangeMessageVisibilityBatchRequestEntry,
    DeleteMessageBatchRequestEntry, MessageAttributeValue, MessageSystemAttributeName,
    MessageSystemAttributeNameForSends, MessageSystemAttributeValue, SendMessageBatchRequestEntry,
};
use aws_smithy_runtime_api::client::interceptors::context::InterceptorContext;
use aws_smithy_runtime_api::client::retries::classifiers::{
    ClassifyRetry, RetryAction, RetryClassifierPriority,
};

use super::ApiError;
use super::capabilities::{MessageReader, MoveTaskRunner, QueueWriter};
use crate::domain::message::{
    AttributeValue, BatchOutcome, BatchSuccess, EntryFailure, HandleEntry, MoveTask,
    OutgoingMessage, ReceiveRequest, ReceivedMessage,
};

use super::permissions::{Access, Capability, Permission};

/// What the message capabilities call. Batch operations are authorised as their single
/// action (`SendMessageBatch` needs `sqs:SendMessage`).
pub const PERMISSIONS: &[Permission] = &[
    Permission::new(
        "ReceiveMessage",
        "sqs:ReceiveMessage",
        Capability::Peek,
        Access::Receive,
        true,
    ),
    Permission::new(
        "ChangeMessageVisibilityBatch",
        "sqs:ChangeMessageVisibility",
        Capability::Peek,
        Access::Receive,
        true,
    ),
    Permission::new(
        "ListMessageMoveTasks",
        "sqs:ListMessageMoveTasks",
        Capability::MoveTasks,
        Access::Read,
        true,
    ),
    Permission::new(
        "StartMessageMoveTask",
        "sqs:StartMessageMoveTask",
        Capability::MoveTasks,
        Access::Write,
        true,
    ),
    Permission::new(
        "CancelMessageMoveTask",
        "sqs:CancelMessageMoveTask",
        Capability::MoveTasks,
        Access::Write,
        true,
    ),
    Permission::new(
        "SendMessageBatch",
        "sqs:SendMessage",
        Capability::Send,
        Access::Write,
        true,
    ),
    Permission::new(
        "DeleteMessageBatch",
        "sqs:DeleteMessage",
        Capability::Delete,
        Access::Write,
        true,
    ),
    Permission::new(
        "PurgeQueue",
        "sqs:PurgeQueue",
        Capability::Purge,
        Access::Write,
        true,
    ),
];

pub struct SdkMessages {
    client: Client,
}

impl SdkMessages {
    pub fn new(client: Client) -> SdkMessages {
        SdkMessages { client }
    }
}

/// A request the SDK refused to build (a required field missing): the caller's mistake.
fn build_error(operation: &str, error: aws_sdk_sqs::error::BuildError) -> ApiError {
    ApiError::client(operation, error.to_string())
}

fn failures(failed: Vec<BatchResultErrorEntry>) -> Vec<EntryFailure> {
    failed
        .into_iter()
        .map(|f| EntryFailure {
            id: f.id,
            code: f.code,
            message: f.message.unwrap_or_default(),
            sender_fault: f.sender_fault,
        })
        .collect()
}

fn attribute_from_sdk(value: MessageAttributeValue) -> AttributeValue {
    AttributeValue {
        data_type: value.data_type,
        string_value: value.string_value,
        binary_value: value.binary_value.map(Blob::into_inner),
    }
}

fn attribute_to_sdk(
    operation: &str,
    value: &AttributeValue,
) -> Result<MessageAttributeValue, ApiError> {
    MessageAttributeValue::builder()
        .data_type(&value.data_type)
        .set_string_value(value.string_value.clone())
        .set_binary_value(value.binary_value.clone().map(Blob::new))
        .build()
        .map_err(|e| build_error(operation, e))
}

fn handle_entries_for_visibility(
    entries: &[HandleEntry],
    timeout_seconds: u32,
) -> Result<Vec<ChangeMessageVisibilityBatchRequestEntry>, ApiError> {
    let timeout = i32::try_from(timeout_seconds).unwrap_or(i32::MAX);
    entries
        .iter()
        .map(|e| {
            ChangeMessageVisibilityBatchRequestEntry::builder()
                .id(&e.id)
                .receipt_handle(&e.receipt_handle)
                .visibility_timeout(timeout)
                .build()
                .map_err(|err| build_error("ChangeMessageVisibilityBatch", err))
        })
        .collect()
}

#[async_trait]
impl MessageReader for SdkMessages {
    async fn receive_messages(
        &self,
        queue_url: &str,
        request: ReceiveRequest,
    ) -> Result<Vec<ReceivedMessage>, ApiError> {
        let output = self
            .client
            .receive_message()
            .queue_url(queue_url)
            .max_number_of_messages(i32::from(request.max_messages.clamp(1, 10)))
            .wait_time_seconds(i32::from(request.wait_seconds.min(20)))
            .set_visibility_timeout(
                request
                    .visibility_timeout_seconds
                    .map(|s| i32::try_from(s).unwrap_or(i32::MAX)),
            )
            .message_system_attribute_names(MessageSystemAttributeName::All)
            .message_attribute_names("All")
            .send()
            .await
            .map_err(|e| ApiError::from_sdk("ReceiveMessage", e))?;
        let messages = output.messages.unwrap_or_default();
        // Counts and the queue only, in every line below: a body, an attribute value or a
        // receipt handle never goes to the log.
        tracing::debug!(
            queue = queue_url,
            received = messages.len(),
            "ReceiveMessage"
        );
        Ok(messages
            .into_iter()
            .map(|m| ReceivedMessage {
                message_id: m.message_id.unwrap_or_default(),
                receipt_handle: m.receipt_handle.unwrap_or_default(),
                body: m.body.unwrap_or_default(),
                md5_of_body: m.md5_of_body,
                attributes: m
                    .attributes
                    .unwrap_or_default()
                    .into_iter()
                    .map(|(k, v)| (k.as_str().to_string(), v))
                    .collect(),
                message_attributes: m
                    .message_attributes
                    .unwrap_or_default()
                    .into_iter()
                    .map(|(k, v)| (k, attribute_from_sdk(v)))
                    .collect::<BTreeMap<_, _>>(),
            })
            .collect())
    }

    async fn change_visibility(
        &self,
        queue_url: &str,
        entries: &[HandleEntry],
        timeout_seconds: u32,
    ) -> Result<BatchOutcome, ApiError> {
        if entries.is_empty() {
            return Ok(BatchOutcome::default());
        }
        let output = self
            .client
            .change_message_visibility_batch()
            .queue_url(queue_url)
            .set_entries(Some(handle_entries_for_visibility(
                entries,
                timeout_seconds,
            )?))
            .send()
            .await
            .map_err(|e| ApiError::from_sdk("ChangeMessageVisibilityBatch", e))?;
        tracing::debug!(
            queue = queue_url,
            entries = entries.len(),
            failed = output.failed.len(),
            timeout_seconds,
            "ChangeMessageVisibilityBatch"
        );
        Ok(BatchOutcome {
            successful: output
                .successful
                .into_iter()
                .map(|s| BatchSuccess {
                    id: s.id,
                    message_id: None,
                })
                .collect(),
            failed: failures(output.failed),
        })
    }

    async fn list_move_tasks(&self, source_arn: &str) -> Result<Vec<MoveTask>, ApiError> {
        let output = self
            .client
            .list_message_move_tasks()
            .source_arn(source_arn)
            .max_results(10)
            .send()
            .await
            .map_err(|e| ApiError::from_sdk("ListMessageMoveTasks", e))?;
        Ok(output
            .results
            .unwrap_or_default()
            .into_iter()
            .map(|t| MoveTask {
                task_handle: t.task_handle,
                source_arn: t.source_arn.unwrap_or_default(),
                destination_arn: t.destination_arn,
                status: t.status.unwrap_or_default(),
                max_messages_per_second: t.max_number_of_messages_per_second,
                moved: u64::try_from(t.approximate_number_of_messages_moved).unwrap_or(0),
                to_move: t
                    .approximate_number_of_messages_to_move
                    .and_then(|n| u64::try_from(n).ok()),
                failure_reason: t.failure_reason,
                started_ms: Some(t.started_timestamp).filter(|&ms| ms > 0),
            })
            .collect())
    }
}

fn send_entry(entry: &OutgoingMessage) -> Result<SendMessageBatchRequestEntry, ApiError> {
    const OPERATION: &str = "SendMessageBatch";
    let attributes = entry
        .message_attributes
        .iter()
        .map(|(name, value)| Ok((name.clone(), attribute_to_sdk(OPERATION, value)?)))
        .collect::<Result<HashMap<_, _>, ApiError>>()?;
    let mut builder = SendMessageBatchRequestEntry::builder()
        .id(&entry.id)
        .message_body(&entry.body)
        .set_message_attributes((!attributes.is_empty()).then_some(attributes))
        .set_delay_seconds(
            entry
                .delay_seconds
                .map(|d| i32::try_from(d).unwrap_or(i32::MAX)),
        )
        .set_message_group_id(entry.group_id.clone())
        .set_message_deduplication_id(entry.deduplication_id.clone());
    if let Some(trace) = &entry.trace_header {
        let value = MessageSystemAttributeValue::builder()
            .data_type("String")
            .string_value(trace)
            .build()
            .map_err(|e| build_error(OPERATION, e))?;
        builder = builder
            .message_system_attributes(MessageSystemAttributeNameForSends::AwsTraceHeader, value);
    }
    builder.build().map_err(|e| build_error(OPERATION, e))
}

#[async_trait]
impl QueueWriter for SdkMessages {
    async fn send_messages(
        &self,
        queue_url: &str,
        entries: &[OutgoingMessage],
    ) -> Result<BatchOutcome, ApiError> {
        self.send_batch(queue_url, entries, false).await
    }

    async fn send_messages_once(
        &self,
        queue_url: &str,
        entries: &[OutgoingMessage],
    ) -> Result<BatchOutcome, ApiError> {
        self.send_batch(queue_url, entries, true).await
    }

    async fn delete_messages(
        &self,
        queue_url: &str,
        entries: &[HandleEntry],
    ) -> Result<BatchOutcome, ApiError> {
        if entries.is_empty() {
            return Ok(BatchOutcome::default());
        }
        let request_entries = entries
            .iter()
            .map(|e| {
                DeleteMessageBatchRequestEntry::builder()
                    .id(&e.id)
                    .receipt_handle(&e.receipt_handle)
                    .build()
                    .map_err(|err| build_error("DeleteMessageBatch", err))
            })
            .collect::<Result<Vec<_>, _>>()?;
        let output = self
            .client
            .delete_message_batch()
            .queue_url(queue_url)
            .set_entries(Some(request_entries))
            .send()
            .await
            .map_err(|e| ApiError::from_sdk("DeleteMessageBatch", e))?;
        tracing::debug!(
            queue = queue_url,
            entries = entries.len(),
            failed = output.failed.len(),
            "DeleteMessageBatch"
        );
        Ok(BatchOutcome {
            successful: output
                .successful
                .into_iter()
                .map(|s| BatchSuccess {
                    id: s.id,
                    message_id: None,
                })
                .collect(),
            failed: failures(output.failed),
        })
    }

    async fn purge_queue(&self, queue_url: &str) -> Result<(), ApiError> {
        self.client
            .purge_queue()
            .queue_url(queue_url)
            .send()
            .await
            .map_err(|e| ApiError::from_sdk("PurgeQueue", e))?;
        Ok(())
    }
}

impl SdkMessages {
    /// `SendMessageBatch`; `once`: no resend by the SDK after an ambiguous failure
    /// ([`NoResendAfterLostAnswer`]).
    async fn send_batch(
        &self,
        queue_url: &str,
        entries: &[OutgoingMessage],
        once: bool,
    ) -> Result<BatchOutcome, ApiError> {
        if entries.is_empty() {
            return Ok(BatchOutcome::default());
        }
        let request_entries = entries
            .iter()
            .map(send_entry)
            .collect::<Result<Vec<_>, _>>()?;
        let request = self
            .client
            .send_message_batch()
            .queue_url(queue_url)
            .set_entries(Some(request_entries));
        let sent = if once {
            request
                .customize()
                .config_override(
                    aws_sdk_sqs::config::Builder::default()
                        .retry_classifier(NoResendAfterLostAnswer),
                )
                .send()
                .await
        } else {
            request.send().await
        };
        let output = sent.map_err(|e| ApiError::from_sdk("SendMessageBatch", e))?;
        tracing::debug!(
            queue = queue_url,
            entries = entries.len(),
            failed = output.failed.len(),
            "SendMessageBatch"
        );
        Ok(BatchOutcome {
            successful: output
                .successful
                .into_iter()
                .map(|s| BatchSuccess {
                    id: s.id,
                    message_id: Some(s.message_id),
                })
                .collect(),
            failed: failures(output.failed),
        })
    }
}

/// Forbids the SDK's own retry of a request whose answer was lost after it went out: no
/// answer (a dropped connection, a timeout), a 5xx, or an answer that cannot be read. SQS
/// may have acted on it; a silent resend would make a copy nobody counts. Runs after the
/// SDK's classifiers, so throttling (a 4xx SQS answers before acting) is still retried.
#[derive(Debug)]
pub(super) struct NoResendAfterLostAnswer;

impl ClassifyRetry for NoResendAfterLostAnswer {
    fn classify_retry(&self, ctx: &InterceptorContext) -> RetryAction {
        let Some(Err(error)) = ctx.output_or_error() else {
            return RetryAction::NoActionIndicated;
        };
        let server_error = ctx.response().is_some_and(|r| r.status().is_server_error());
        if server_error
            || error.is_timeout_error()
            || error.is_response_error()
            || error.as_connector_error().is_some()
        {
            RetryAction::RetryForbidden
        } else {
            RetryAction::NoActionIndicated
        }
    }

    fn name(&self) -> &'static str {
        "squall: no resend after a lost answer"
    }

    fn priority(&self) -> RetryClassifierPriority {
        RetryClassifierPriority::run_after(RetryClassifierPriority::transient_error_classifier())
    }
}

#[async_trait]
impl MoveTaskRunner for SdkMessages {
    async fn start_move_task(
        &self,
        source_arn: &str,
        destination_arn: Option<&str>,
        max_messages_per_second: Option<i32>,
    ) -> Result<String, ApiError> {
        let output = self
            .client
            .start_message_move_task()
            .source_arn(source_arn)
            .set_destination_arn(destination_arn.map(str::to_string))
            .set_max_number_of_messages_per_second(max_messages_per_second)
            .send()
            .await
            .map_err(|e| ApiError::from_sdk("StartMessageMoveTask", e))?;
        Ok(output.task_handle.unwrap_or_default())
    }

    async fn cancel_move_task(&self, task_handle: &str) -> Result<u64, ApiError> {
        let output = self
            .client
            .cancel_message_move_task()
            .task_handle(task_handle)
            .send()
            .await
            .map_err(|e| ApiError::from_sdk("CancelMessageMoveTask", e))?;
        Ok(u64::try_from(output.approximate_number_of_messages_moved).unwrap_or(0))
    }
}
