//! Every message call path of squall's SDK capabilities (`MessageReader`, `QueueWriter`,
//! `TopicPublisher`), written once and run against each emulator: LocalStack in
//! `tests/aws_messages.rs`, moto in `tests/moto_compat.rs`.
//!
//! What squall sends is checked with plain SDK receives, and what squall receives was sent
//! with plain SDK calls, so a bug on one side cannot hide a bug on the other.
#![allow(dead_code)]

use std::collections::{BTreeMap, BTreeSet};
use std::time::Duration;

use aws_sdk_sqs::error::DisplayErrorContext;
use aws_sdk_sqs::primitives::Blob;
use aws_sdk_sqs::types::{MessageSystemAttributeName, QueueAttributeName};
use squall::aws::Backend;
use squall::domain::message::{
    AttributeValue, HandleEntry, OutgoingMessage, OutgoingNotification, ReceiveRequest,
    ReceivedMessage,
};

/// An emulator as the suite sees it: plain SDK clients for seeding and checking, and the
/// squall backend under test.
pub struct Fleet {
    pub sqs: aws_sdk_sqs::Client,
    pub sns: aws_sdk_sns::Client,
    pub backend: Backend,
    /// Whether the emulator keeps `AWSTraceHeader` sent in a SendMessageBatch entry (AWS and
    /// LocalStack do; moto 5.2.5 keeps it from SendMessage only).
    pub keeps_batch_trace_header: bool,
}

/// The largest body SQS accepts since 2025 (1 MiB), and the queue setting that allows it.
pub const ONE_MIB: usize = 1_048_576;

/// Bodies that are easy to corrupt: JSON, unicode (RTL, combining marks, astral planes),
/// text that spells escape sequences, C1 controls and bidi overrides (which SQS allows),
/// whitespace at the edges, and the edges of the allowed character ranges.
pub fn tricky_bodies() -> Vec<(&'static str, String)> {
    vec![
        (
            "json",
            r#"{"order":{"id":42,"items":[{"sku":"A-1","qty":2}],"note":"naïve \"quoted\" \\ slash"}}"#
                .to_string(),
        ),
        (
            "unicode",
            "Grüße 👋 中文 עברית e\u{301} \u{1F600}\u{200D}\u{1F525}".to_string(),
        ),
        (
            "escaped-escapes",
            r#"{"evil":"\u001b]52;c;ZXZpbA==\u0007 and \u001b[2J"}"#.to_string(),
        ),
        (
            "c1-and-bidi",
            "csi:\u{9b}31m osc:\u{9d}52;c;eA==\u{9c} rlo:\u{202E}txt.exe\u{202C} iso:\u{2066}x\u{2069}"
                .to_string(),
        ),
        (
            "whitespace",
            "  line1\nline2\r\n\ttabbed\r trailing   ".to_string(),
        ),
        (
            "range-edges",
            "\u{20}\u{D7FF}\u{E000}\u{FFFD}\u{10000}\u{10FFFF}".to_string(),
        ),
    ]
}

/// A JSON document of exactly `size` bytes.
pub fn json_body_of_size(size: usize) -> String {
    let mut body = String::from(r#"{"items":["#);
    let mut i = 0usize;
    while body.len() + 40 < size {
        body.push_str(&format!(r#"{{"n":{i},"s":"é✓"}},"#));
        i += 1;
    }
    body.push_str(r#"{"pad":""#);
    while body.len() + 3 < size {
        body.push('x');
    }
    body.push_str(r#""}]}"#);
    while body.len() > size {
        // The pad is ASCII: drop one 'x' before the closing.
        let at = body.len() - 5;
        body.remove(at);
    }
    assert_eq!(body.len(), size);
    body
}

pub async fn create_queue(fleet: &Fleet, name: &str, attrs: &[(&str, &str)]) -> (String, String) {
    crate::support::create_queue(&fleet.sqs, name, attrs).await
}

/// Receives through squall until `expected` distinct messages came back (or 20 tries),
/// holding them for `hold` seconds.
pub async fn receive_distinct(
    fleet: &Fleet,
    url: &str,
    expected: usize,
    hold: u32,
) -> BTreeMap<String, ReceivedMessage> {
    let mut seen = BTreeMap::new();
    for _ in 0..20 {
        if seen.len() >= expected {
            break;
        }
        let batch = fleet
            .backend
            .messages
            .receive_messages(
                url,
                ReceiveRequest {
                    max_messages: 10,
                    wait_seconds: 1,
                    visibility_timeout_seconds: Some(hold),
                },
            )
            .await
            .unwrap_or_else(|e| panic!("receive from {url}: {e}"));
        for message in batch {
            seen.insert(message.message_id.clone(), message);
        }
    }
    assert_eq!(
        seen.len(),
        expected,
        "distinct messages received from {url}"
    );
    seen
}

/// Receives with the plain SDK (all attributes) until `expected` distinct messages came back.
pub async fn sdk_receive_distinct(
    fleet: &Fleet,
    url: &str,
    expected: usize,
) -> Vec<aws_sdk_sqs::types::Message> {
    let mut seen: BTreeMap<String, aws_sdk_sqs::types::Message> = BTreeMap::new();
    for _ in 0..20 {
        if seen.len() >= expected {
            break;
        }
        let out = fleet
            .sqs
            .receive_message()
            .queue_url(url)
            .max_number_of_messages(10)
            .wait_time_seconds(1)
            .visibility_timeout(60)
            .message_system_attribute_names(MessageSystemAttributeName::All)
            .message_attribute_names("All")
            .send()
            .await
            .unwrap_or_else(|e| panic!("ReceiveMessage {url}: {}", DisplayErrorContext(&e)));
        for m in out.messages.unwrap_or_default() {
            seen.insert(m.message_id.clone().unwrap_or_default(), m);
        }
    }
    assert_eq!(
        seen.len(),
        expected,
        "distinct messages received from {url}"
    );
    seen.into_values().collect()
}

/// The queue's approximate visible and in-flight counts.
pub async fn counts(fleet: &Fleet, url: &str) -> (u64, u64) {
    let out = fleet
        .sqs
        .get_queue_attributes()
        .queue_url(url)
        .attribute_names(QueueAttributeName::ApproximateNumberOfMessages)
        .attribute_names(QueueAttributeName::ApproximateNumberOfMessagesNotVisible)
        .send()
        .await
        .unwrap_or_else(|e| panic!("GetQueueAttributes {url}: {}", DisplayErrorContext(&e)));
    let attributes = out.attributes.unwrap_or_default();
    let read = |name: QueueAttributeName| {
        attributes
            .get(&name)
            .and_then(|v| v.parse().ok())
            .unwrap_or(0)
    };
    (
        read(QueueAttributeName::ApproximateNumberOfMessages),
        read(QueueAttributeName::ApproximateNumberOfMessagesNotVisible),
    )
}

/// Sends each body with the plain SDK (one message per call: a 1 MiB body fills a batch).
pub async fn sdk_send_bodies(fleet: &Fleet, url: &str, bodies: &[String]) -> Vec<String> {
    let mut ids = Vec::new();
    for body in bodies {
        let out = fleet
            .sqs
            .send_message()
            .queue_url(url)
            .message_body(body)
            .send()
            .await
            .unwrap_or_else(|e| {
                panic!(
                    "SendMessage {} bytes: {}",
                    body.len(),
                    DisplayErrorContext(&e)
                )
            });
        ids.push(out.message_id.unwrap_or_default());
    }
    ids
}

fn outgoing(id: &str, body: &str) -> OutgoingMessage {
    OutgoingMessage {
        id: id.to_string(),
        body: body.to_string(),
        message_attributes: BTreeMap::new(),
        delay_seconds: None,
        group_id: None,
        deduplication_id: None,
        trace_header: None,
    }
}

/// Bodies survive squall's receive byte for byte (sent by the SDK), and squall's send byte for
/// byte (received by the SDK), up to `largest` bytes (200 KB and 1 MiB bodies included).
pub async fn bodies_are_byte_exact(fleet: &Fleet, name: &str) {
    let (url, _) = create_queue(fleet, name, &[("MaximumMessageSize", "1048576")]).await;
    let mut bodies: Vec<String> = tricky_bodies().into_iter().map(|(_, b)| b).collect();
    bodies.push(json_body_of_size(200 * 1024));
    bodies.push(json_body_of_size(ONE_MIB));

    let ids = sdk_send_bodies(fleet, &url, &bodies).await;
    let received = receive_distinct(fleet, &url, bodies.len(), 60).await;
    for (id, body) in ids.iter().zip(&bodies) {
        let message = &received[id];
        assert!(
            message.body == *body,
            "body of {} bytes changed on receive (got {} bytes)",
            body.len(),
            message.body.len()
        );
        let md5 = message.md5_of_body.as_deref().unwrap_or_default();
        assert_eq!(md5.len(), 32, "MD5OfBody {md5:?}");
        assert!(!message.receipt_handle.is_empty());
    }
    let handles: Vec<HandleEntry> = received
        .values()
        .enumerate()
        .map(|(i, m)| HandleEntry {
            id: format!("d{i}"),
            receipt_handle: m.receipt_handle.clone(),
        })
        .collect();
    let writers = fleet.backend.writers("test").expect("writers");
    for chunk in handles.chunks(10) {
        let outcome = writers
            .queues
            .delete_messages(&url, chunk)
            .await
            .expect("DeleteMessageBatch");
        assert!(outcome.failed.is_empty(), "{:?}", outcome.failed);
    }

    // squall's send: one body per batch call, since a 1 MiB body fills a batch on its own.
    let mut sent_ids = Vec::new();
    for (i, body) in bodies.iter().enumerate() {
        let outcome = writers
            .queues
            .send_messages(&url, &[outgoing(&format!("b{i}"), body)])
            .await
            .unwrap_or_else(|e| panic!("send {} bytes: {e}", body.len()));
        assert!(outcome.failed.is_empty(), "{:?}", outcome.failed);
        assert_eq!(outcome.successful.len(), 1);
        assert_eq!(outcome.successful[0].id, format!("b{i}"));
        sent_ids.push(
            outcome.successful[0]
                .message_id
                .clone()
                .expect("message id"),
        );
    }
    let by_id: BTreeMap<String, String> = sdk_receive_distinct(fleet, &url, bodies.len())
        .await
        .into_iter()
        .map(|m| (m.message_id.unwrap_or_default(), m.body.unwrap_or_default()))
        .collect();
    for (id, body) in sent_ids.iter().zip(&bodies) {
        assert!(
            by_id[id] == *body,
            "body of {} bytes changed on send",
            body.len()
        );
    }
}

/// Message attributes of every type, binary ones with every byte value, come back equal
/// through squall's send and squall's receive.
pub async fn message_attributes_round_trip(fleet: &Fleet, name: &str) {
    let (url, _) = create_queue(fleet, name, &[]).await;
    let every_byte: Vec<u8> = (0..=255u8).collect();
    let mut attributes = BTreeMap::new();
    attributes.insert("text".to_string(), AttributeValue::string("héllo \"w\" ✓"));
    attributes.insert("count".to_string(), AttributeValue::number("-12.5e3"));
    attributes.insert(
        "blob".to_string(),
        AttributeValue::binary(every_byte.clone()),
    );
    attributes.insert(
        "custom".to_string(),
        AttributeValue {
            data_type: "String.json".to_string(),
            string_value: Some(r#"{"a":[1,2]}"#.to_string()),
            binary_value: None,
        },
    );
    attributes.insert(
        "gz".to_string(),
        AttributeValue {
            data_type: "Binary.gzip".to_string(),
            string_value: None,
            binary_value: Some(vec![0x1f, 0x8b, 0, 0xff]),
        },
    );
    let mut message = outgoing("a", "with attributes");
    message.message_attributes = attributes.clone();
    let writers = fleet.backend.writers("test").expect("writers");
    let outcome = writers
        .queues
        .send_messages(&url, &[message])
        .await
        .expect("send");
    assert!(outcome.failed.is_empty(), "{:?}", outcome.failed);

    // What the SDK sees is what squall sent.
    let raw = fleet
        .sqs
        .receive_message()
        .queue_url(&url)
        .message_attribute_names("All")
        .visibility_timeout(0)
        .wait_time_seconds(2)
        .send()
        .await
        .expect("ReceiveMessage");
    let raw_message = &raw.messages()[0];
    let raw_attributes = raw_message.message_attributes.clone().unwrap_or_default();
    assert_eq!(
        raw_attributes["blob"]
            .binary_value
            .clone()
            .map(Blob::into_inner),
        Some(every_byte.clone())
    );
    assert_eq!(raw_attributes["count"].data_type, "Number");

    // And squall reads them back equal.
    let received = receive_distinct(fleet, &url, 1, 0).await;
    let message = received.values().next().expect("one message");
    assert_eq!(message.message_attributes, attributes);
}

/// System attributes come back: receive count, sent and first-receive timestamps, sender.
pub async fn receive_reports_system_attributes(fleet: &Fleet, name: &str) {
    let (url, _) = create_queue(fleet, name, &[]).await;
    let before_ms = now_ms();
    sdk_send_bodies(fleet, &url, &["sys".to_string()]).await;
    let first = receive_distinct(fleet, &url, 1, 0).await;
    let message = first.values().next().expect("message");
    assert_eq!(message.receive_count(), Some(1), "{:?}", message.attributes);
    let sent = message.sent_timestamp_ms().expect("SentTimestamp");
    assert!(
        sent + 5_000 >= before_ms && sent <= now_ms() + 5_000,
        "SentTimestamp {sent} vs now {before_ms}"
    );
    for name in ["ApproximateFirstReceiveTimestamp", "SenderId"] {
        assert!(
            message.attributes.contains_key(name),
            "{name} missing: {:?}",
            message.attributes
        );
    }
    // Visibility 0: the next receive hands it out again, counted.
    let second = receive_distinct(fleet, &url, 1, 0).await;
    let again = second.values().next().expect("message");
    assert_eq!(again.message_id, message.message_id);
    assert_eq!(again.receive_count(), Some(2));
    assert_ne!(again.receipt_handle, message.receipt_handle);
}

pub fn now_ms() -> u64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| u64::try_from(d.as_millis()).unwrap_or(u64::MAX))
        .unwrap_or(0)
}

mod batches;
pub use batches::*;
