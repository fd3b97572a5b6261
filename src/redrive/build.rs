//! From a DLQ message to the message sent back: body byte for byte, every message
//! attribute, the trace header; on a FIFO destination its group and a deduplication id
//! derived from the DLQ message's id, so that a retried send is dropped by SQS and two
//! distinct messages never are. Batches stay within 10 entries and the destination's
//! maximum message size in total.

use crate::domain::message::{OutgoingMessage, ReceivedMessage};

/// The group used when a standard DLQ's messages go to a FIFO queue (the plan warns):
/// they had no order to keep, and one group keeps the order they come out in.
pub const DEFAULT_GROUP: &str = "squall-redrive";

/// The message to send for `message`; `entry_id` names it within its batch.
pub fn outgoing(
    message: &ReceivedMessage,
    entry_id: &str,
    fifo_destination: bool,
) -> OutgoingMessage {
    let (group_id, deduplication_id) = if fifo_destination {
        let group = message.group_id().unwrap_or(DEFAULT_GROUP).to_string();
        (Some(group), Some(deduplication_id(&message.message_id)))
    } else if message.attributes.contains_key("SequenceNumber") {
        // From a FIFO queue to a standard one (the plan warns): its group is FIFO's.
        (None, None)
    } else {
        // A standard queue's message with a group is a fair queue's (2025): keep it.
        (message.group_id().map(str::to_string), None)
    };
    OutgoingMessage {
        id: entry_id.to_string(),
        body: message.body.clone(),
        message_attributes: message.message_attributes.clone(),
        delay_seconds: None,
        group_id,
        deduplication_id,
        trace_header: message.trace_header().map(str::to_string),
    }
}

/// A deduplication id stable for one DLQ message: its message id (at most 128 characters
/// of alphanumerics and punctuation, which SQS message ids are).
pub fn deduplication_id(dlq_message_id: &str) -> String {
    dlq_message_id.chars().take(128).collect()
}

/// Splits `items` (in order) into batches of at most 10 whose sizes add up to at most
/// `max_bytes`; a single item larger than that still gets a batch of its own (SQS will
/// refuse it, entry by entry, and it stays in the DLQ).
pub fn batches<T>(items: Vec<T>, max_bytes: usize, size: impl Fn(&T) -> usize) -> Vec<Vec<T>> {
    let mut out: Vec<Vec<T>> = Vec::new();
    let mut current: Vec<T> = Vec::new();
    let mut current_bytes = 0;
    for item in items {
        let bytes = size(&item);
        if !current.is_empty() && (current.len() == 10 || current_bytes + bytes > max_bytes) {
            out.push(std::mem::take(&mut current));
            current_bytes = 0;
        }
        current_bytes += bytes;
        current.push(item);
    }
    if !current.is_empty() {
        out.push(current);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::message::AttributeValue;
    use std::collections::BTreeMap;

    fn received(id: &str, group: Option<&str>) -> ReceivedMessage {
        let mut attributes = BTreeMap::new();
        attributes.insert("AWSTraceHeader".to_string(), "Root=1-abc".to_string());
        if let Some(group) = group {
            attributes.insert("MessageGroupId".to_string(), group.to_string());
        }
        let mut message_attributes = BTreeMap::new();
        message_attributes.insert("kind".to_string(), AttributeValue::string("order"));
        message_attributes.insert("blob".to_string(), AttributeValue::binary(vec![0, 255]));
        ReceivedMessage {
            message_id: id.to_string(),
            receipt_handle: "r".to_string(),
            body: " {\"a\": 1}\r\n\u{1b}".to_string(),
            md5_of_body: None,
            attributes,
            message_attributes,
        }
    }

    #[test]
    fn copies_body_attributes_trace_header_and_a_fair_queues_group() {
        let message = received("m-1", Some("g"));
        let out = outgoing(&message, "0", false);
        assert_eq!(out.body, message.body);
        assert_eq!(out.message_attributes, message.message_attributes);
        assert_eq!(out.trace_header.as_deref(), Some("Root=1-abc"));
        assert_eq!(
            out.group_id.as_deref(),
            Some("g"),
            "a fair queue's group is kept"
        );
        assert_eq!(out.deduplication_id, None);
        let mut from_fifo = received("m-2", Some("g"));
        from_fifo
            .attributes
            .insert("SequenceNumber".to_string(), "1".to_string());
        let out = outgoing(&from_fifo, "0", false);
        assert_eq!(
            out.group_id, None,
            "a FIFO group means nothing to a standard queue"
        );
        assert_eq!(outgoing(&received("m-3", None), "0", false).group_id, None);
    }

    #[test]
    fn fifo_keeps_the_group_and_derives_a_stable_dedup_id() {
        let out = outgoing(&received("m-1", Some("g7")), "0", true);
        assert_eq!(out.group_id.as_deref(), Some("g7"));
        assert_eq!(out.deduplication_id.as_deref(), Some("m-1"));
        let again = outgoing(&received("m-1", Some("g7")), "5", true);
        assert_eq!(again.deduplication_id, out.deduplication_id);
        let other = outgoing(&received("m-2", None), "1", true);
        assert_ne!(other.deduplication_id, out.deduplication_id);
        assert_eq!(other.group_id.as_deref(), Some(DEFAULT_GROUP));
    }

    #[test]
    fn batches_respect_count_and_bytes() {
        let sizes: Vec<usize> = vec![1; 23];
        let counts: Vec<usize> = batches(sizes, 1_000, |s| *s).iter().map(Vec::len).collect();
        assert_eq!(counts, vec![10, 10, 3]);
        let big = vec![600, 600, 300, 100, 2_000];
        let split: Vec<Vec<usize>> = batches(big, 1_000, |s| *s);
        assert_eq!(split, vec![vec![600], vec![600, 300, 100], vec![2_000]]);
    }

    #[test]
    fn size_counts_attributes() {
        let out = outgoing(&received("m", None), "0", false);
        // body 13 bytes; kind+String+order = 15; blob+Binary+2 = 12.
        assert_eq!(out.size(), out.body.len() + 15 + 12);
    }
}
