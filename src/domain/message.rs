//! Messages as SQS hands them out and as squall sends them: body byte for byte, every
//! message attribute, the system attributes (receive count, sent time, group id, the
//! DLQ source ARN). Plain data; the peek and redrive engines build on it.

use std::collections::BTreeMap;

/// A message attribute value (`String`, `Number`, `Binary`, or a custom `Type.label`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AttributeValue {
    pub data_type: String,
    pub string_value: Option<String>,
    pub binary_value: Option<Vec<u8>>,
}

impl AttributeValue {
    pub fn string(value: &str) -> AttributeValue {
        AttributeValue {
            data_type: "String".to_string(),
            string_value: Some(value.to_string()),
            binary_value: None,
        }
    }

    pub fn number(value: &str) -> AttributeValue {
        AttributeValue {
            data_type: "Number".to_string(),
            string_value: Some(value.to_string()),
            binary_value: None,
        }
    }

    pub fn binary(value: Vec<u8>) -> AttributeValue {
        AttributeValue {
            data_type: "Binary".to_string(),
            string_value: None,
            binary_value: Some(value),
        }
    }
}

/// One received message. `receipt_handle` is what delete and change-visibility take; it
/// changes on every receive, so the latest one must be used.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ReceivedMessage {
    pub message_id: String,
    pub receipt_handle: String,
    pub body: String,
    pub md5_of_body: Option<String>,
    /// System attributes (`ApproximateReceiveCount`, `SentTimestamp`, `MessageGroupId`,
    /// `MessageDeduplicationId`, `DeadLetterQueueSourceArn`, `AWSTraceHeader`, ...).
    pub attributes: BTreeMap<String, String>,
    pub message_attributes: BTreeMap<String, AttributeValue>,
}

impl ReceivedMessage {
    fn attribute_number(&self, name: &str) -> Option<u64> {
        self.attributes.get(name).and_then(|v| v.parse().ok())
    }

    pub fn receive_count(&self) -> Option<u64> {
        self.attribute_number("ApproximateReceiveCount")
    }

    /// When the message was first sent, in milliseconds since the epoch.
    pub fn sent_timestamp_ms(&self) -> Option<u64> {
        self.attribute_number("SentTimestamp")
    }

    pub fn group_id(&self) -> Option<&str> {
        self.attributes.get("MessageGroupId").map(String::as_str)
    }

    pub fn deduplication_id(&self) -> Option<&str> {
        self.attributes
            .get("MessageDeduplicationId")
            .map(String::as_str)
    }

    /// The queue a DLQ message came from (SQS sets it when it dead-letters a message).
    pub fn dead_letter_source_arn(&self) -> Option<&str> {
        self.attributes
            .get("DeadLetterQueueSourceArn")
            .map(String::as_str)
    }

    pub fn trace_header(&self) -> Option<&str> {
        self.attributes.get("AWSTraceHeader").map(String::as_str)
    }
}

/// What `ReceiveMessage` is asked for. Every field maps to the SQS parameter of the same
/// name; system and message attributes are always requested in full.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ReceiveRequest {
    /// 1..=10.
    pub max_messages: u8,
    /// Long polling, 0..=20 seconds.
    pub wait_seconds: u8,
    /// How long received messages stay hidden; `None` keeps the queue's default.
    pub visibility_timeout_seconds: Option<u32>,
}

/// A message to send (`SendMessageBatch` entry). `id` identifies it within the batch.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OutgoingMessage {
    pub id: String,
    pub body: String,
    pub message_attributes: BTreeMap<String, AttributeValue>,
    pub delay_seconds: Option<u32>,
    /// FIFO only.
    pub group_id: Option<String>,
    /// FIFO only: a stable id so that a retried send is dropped as a duplicate.
    pub deduplication_id: Option<String>,
    /// Carried over as the `AWSTraceHeader` system attribute.
    pub trace_header: Option<String>,
}

impl OutgoingMessage {
    /// Bytes SQS counts toward the queue's maximum message size.
    pub fn size(&self) -> usize {
        sqs_size(&self.body, &self.message_attributes)
    }
}

/// What SQS counts toward a message's size limit: the body, and each attribute's name,
/// type and value. The one formula: sending, redriving and the simulated queues all use it.
pub fn sqs_size(body: &str, attributes: &BTreeMap<String, AttributeValue>) -> usize {
    body.len()
        + attributes
            .iter()
            .map(|(name, value)| {
                name.len()
                    + value.data_type.len()
                    + value.string_value.as_ref().map_or(0, String::len)
                    + value.binary_value.as_ref().map_or(0, Vec::len)
            })
            .sum::<usize>()
}

/// A notification to publish to an SNS topic.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OutgoingNotification {
    pub message: String,
    pub subject: Option<String>,
    pub message_attributes: BTreeMap<String, AttributeValue>,
    /// FIFO topics only.
    pub group_id: Option<String>,
    pub deduplication_id: Option<String>,
}

/// One entry of a batch call (send, delete, change visibility): `id` is the entry id the
/// caller chose; `receipt_handle` is for delete and change visibility.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct HandleEntry {
    pub id: String,
    pub receipt_handle: String,
}

/// A failed entry of a batch call: HTTP 200 can still carry these.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct EntryFailure {
    pub id: String,
    pub code: String,
    pub message: String,
    /// AWS says whether the fault was the caller's (`SenderFault`): those are not retried.
    pub sender_fault: bool,
}

/// What a batch call did, entry by entry.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct BatchOutcome {
    /// Ids of the entries that succeeded (for a send: with the new message id).
    pub successful: Vec<BatchSuccess>,
    pub failed: Vec<EntryFailure>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BatchSuccess {
    pub id: String,
    /// The new message's id, for sends.
    pub message_id: Option<String>,
}

/// A native SQS message move task (`ListMessageMoveTasks`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MoveTask {
    /// Only set while the task runs; cancelling needs it.
    pub task_handle: Option<String>,
    pub source_arn: String,
    pub destination_arn: Option<String>,
    /// RUNNING, COMPLETED, CANCELLING, CANCELLED, FAILED.
    pub status: String,
    pub max_messages_per_second: Option<i32>,
    pub moved: u64,
    pub to_move: Option<u64>,
    pub failure_reason: Option<String>,
    pub started_ms: Option<i64>,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn system_attributes_read_as_typed_values() {
        let mut attributes = BTreeMap::new();
        attributes.insert("ApproximateReceiveCount".to_string(), "4".to_string());
        attributes.insert("SentTimestamp".to_string(), "1767225600000".to_string());
        attributes.insert("MessageGroupId".to_string(), "g1".to_string());
        attributes.insert(
            "DeadLetterQueueSourceArn".to_string(),
            "arn:aws:sqs:us-east-1:1:orders".to_string(),
        );
        let message = ReceivedMessage {
            message_id: "m".into(),
            receipt_handle: "r".into(),
            body: "{}".into(),
            md5_of_body: None,
            attributes,
            message_attributes: BTreeMap::new(),
        };
        assert_eq!(message.receive_count(), Some(4));
        assert_eq!(message.sent_timestamp_ms(), Some(1_767_225_600_000));
        assert_eq!(message.group_id(), Some("g1"));
        assert_eq!(
            message.dead_letter_source_arn(),
            Some("arn:aws:sqs:us-east-1:1:orders")
        );
        assert_eq!(message.deduplication_id(), None);
    }
}
