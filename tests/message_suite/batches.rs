//! The batch calls (change visibility, send, delete), purge, publish and peek, each written
//! once and run against each emulator: part of the message suite, in a file of its own to
//! keep each under 500 lines.

use super::*;

/// ChangeMessageVisibilityBatch: a held message is released at once by a timeout of 0, and a
/// bad receipt handle is a failed entry in a 200, next to the good one.
pub async fn change_visibility_releases_and_reports_bad_handles(fleet: &Fleet, name: &str) {
    let (url, _) = create_queue(fleet, name, &[]).await;
    sdk_send_bodies(fleet, &url, &["one".to_string(), "two".to_string()]).await;
    let held = receive_distinct(fleet, &url, 2, 300).await;
    assert_eq!(counts(fleet, &url).await, (0, 2), "both held");

    let mut entries: Vec<HandleEntry> = held
        .values()
        .enumerate()
        .map(|(i, m)| HandleEntry {
            id: format!("v{i}"),
            receipt_handle: m.receipt_handle.clone(),
        })
        .collect();
    entries.push(HandleEntry {
        id: "bad".to_string(),
        receipt_handle: "not-a-receipt-handle".to_string(),
    });
    let outcome = fleet
        .backend
        .messages
        .change_visibility(&url, &entries, 0)
        .await
        .expect("a bad handle fails its entry, not the call");
    let ok: BTreeSet<&str> = outcome.successful.iter().map(|s| s.id.as_str()).collect();
    assert_eq!(ok, BTreeSet::from(["v0", "v1"]), "{outcome:?}");
    assert_eq!(outcome.failed.len(), 1, "{outcome:?}");
    assert_eq!(outcome.failed[0].id, "bad");
    assert!(!outcome.failed[0].code.is_empty());
    assert_eq!(counts(fleet, &url).await, (2, 0), "both visible again");
    let again = receive_distinct(fleet, &url, 2, 0).await;
    assert!(again.values().all(|m| m.receive_count() == Some(2)));
}

/// SendMessageBatch on a FIFO queue keeps group and deduplication ids (a second send with the
/// same dedup id is dropped), and the trace header arrives as `AWSTraceHeader`.
pub async fn send_batch_keeps_fifo_ids_and_trace_header(fleet: &Fleet, name: &str) {
    let (url, _) = create_queue(fleet, &format!("{name}.fifo"), &[]).await;
    let trace = "Root=1-5759e988-bd862e3fe1be46a994272793;Parent=53995c3f42cd8ad8;Sampled=1";
    let entries: Vec<OutgoingMessage> = (0..3)
        .map(|i| {
            let mut m = outgoing(&format!("f{i}"), &format!("fifo-{i}"));
            m.group_id = Some(format!("group-{}", i % 2));
            m.deduplication_id = Some(format!("dedup-{i}"));
            m.trace_header = (i == 0).then(|| trace.to_string());
            m
        })
        .collect();
    let writers = fleet.backend.writers("test").expect("writers");
    let outcome = writers
        .queues
        .send_messages(&url, &entries)
        .await
        .expect("SendMessageBatch");
    assert!(outcome.failed.is_empty(), "{:?}", outcome.failed);
    assert_eq!(outcome.successful.len(), 3);
    // The same deduplication id again: accepted, and dropped as a duplicate.
    let retry = writers
        .queues
        .send_messages(&url, &entries[..1])
        .await
        .expect("retry");
    assert!(retry.failed.is_empty(), "{:?}", retry.failed);

    let received = receive_distinct(fleet, &url, 3, 60).await;
    let by_body: BTreeMap<&str, &ReceivedMessage> =
        received.values().map(|m| (m.body.as_str(), m)).collect();
    for i in 0..3 {
        let m = by_body[format!("fifo-{i}").as_str()];
        assert_eq!(m.group_id(), Some(format!("group-{}", i % 2).as_str()));
        assert_eq!(m.deduplication_id(), Some(format!("dedup-{i}").as_str()));
    }
    let expected_trace = fleet.keeps_batch_trace_header.then_some(trace);
    assert_eq!(by_body["fifo-0"].trace_header(), expected_trace);
    assert_eq!(by_body["fifo-1"].trace_header(), None);
    // Nothing more: the retried send was a duplicate.
    let handles = handles_of(received.values());
    fleet
        .backend
        .messages
        .change_visibility(&url, &handles, 0)
        .await
        .expect("release");
    assert_eq!(counts(fleet, &url).await.0, 3, "the duplicate was dropped");
}

/// A delay keeps a sent message out of sight for that long.
pub async fn send_batch_honours_delay(fleet: &Fleet, name: &str) {
    let (url, _) = create_queue(fleet, name, &[]).await;
    let mut message = outgoing("d", "later");
    message.delay_seconds = Some(3);
    let writers = fleet.backend.writers("test").expect("writers");
    let outcome = writers
        .queues
        .send_messages(&url, &[message])
        .await
        .expect("send");
    assert!(outcome.failed.is_empty());
    let now = fleet
        .backend
        .messages
        .receive_messages(
            &url,
            ReceiveRequest {
                max_messages: 10,
                wait_seconds: 0,
                visibility_timeout_seconds: Some(0),
            },
        )
        .await
        .expect("receive");
    assert!(now.is_empty(), "delayed message received at once");
    tokio::time::sleep(Duration::from_secs(4)).await;
    let later = receive_distinct(fleet, &url, 1, 0).await;
    assert_eq!(
        later.values().next().map(|m| m.body.as_str()),
        Some("later")
    );
}

pub fn handles_of<'a>(messages: impl Iterator<Item = &'a ReceivedMessage>) -> Vec<HandleEntry> {
    messages
        .enumerate()
        .map(|(i, m)| HandleEntry {
            id: format!("h{i}"),
            receipt_handle: m.receipt_handle.clone(),
        })
        .collect()
}

/// DeleteMessageBatch deletes the good entries and reports a bad receipt handle as a failed
/// entry inside a 200.
pub async fn delete_batch_reports_partial_failure(fleet: &Fleet, name: &str) {
    let (url, _) = create_queue(fleet, name, &[]).await;
    sdk_send_bodies(fleet, &url, &["keep?".to_string(), "gone".to_string()]).await;
    let held = receive_distinct(fleet, &url, 2, 300).await;
    let gone = held.values().find(|m| m.body == "gone").expect("gone");
    let entries = vec![
        HandleEntry {
            id: "ok".to_string(),
            receipt_handle: gone.receipt_handle.clone(),
        },
        HandleEntry {
            id: "bad".to_string(),
            receipt_handle: "AQEB-not-a-receipt-handle".to_string(),
        },
    ];
    let writers = fleet.backend.writers("test").expect("writers");
    let outcome = writers
        .queues
        .delete_messages(&url, &entries)
        .await
        .expect("a bad handle fails its entry, not the call");
    assert_eq!(
        outcome
            .successful
            .iter()
            .map(|s| s.id.as_str())
            .collect::<Vec<_>>(),
        vec!["ok"]
    );
    assert_eq!(outcome.failed.len(), 1, "{outcome:?}");
    assert_eq!(outcome.failed[0].id, "bad");
    // (LocalStack leaves SenderFault false here; AWS sets it.)
    assert_eq!(
        outcome.failed[0].code, "ReceiptHandleIsInvalid",
        "{outcome:?}"
    );

    let keep = held.values().find(|m| m.body == "keep?").expect("keep");
    fleet
        .backend
        .messages
        .change_visibility(&url, &handles_of([keep].into_iter()), 0)
        .await
        .expect("release");
    let left = receive_distinct(fleet, &url, 1, 0).await;
    assert_eq!(left.values().next().map(|m| m.body.as_str()), Some("keep?"));
}

/// PurgeQueue empties the queue.
pub async fn purge_empties_the_queue(fleet: &Fleet, name: &str) {
    let (url, _) = create_queue(fleet, name, &[]).await;
    crate::support::send_messages(&fleet.sqs, &url, 12).await;
    assert_eq!(counts(fleet, &url).await.0, 12);
    let writers = fleet.backend.writers("test").expect("writers");
    writers.queues.purge_queue(&url).await.expect("PurgeQueue");
    let mut emptied = false;
    for _ in 0..50 {
        if counts(fleet, &url).await == (0, 0) {
            emptied = true;
            break;
        }
        tokio::time::sleep(Duration::from_millis(200)).await;
    }
    assert!(emptied, "queue still holds messages after PurgeQueue");
}

/// Publish reaches a subscribed queue: wrapped in the SNS envelope (message, subject, topic,
/// attributes) without raw delivery, the exact message with raw delivery.
pub async fn publish_reaches_queues_as_envelope_and_raw(fleet: &Fleet, name: &str) {
    let topic_arn = crate::support::create_topic(&fleet.sns, name, &[]).await;
    let (envelope_url, envelope_arn) = create_queue(fleet, &format!("{name}-env"), &[]).await;
    let (raw_url, raw_arn) = create_queue(fleet, &format!("{name}-raw"), &[]).await;
    crate::support::subscribe_queue(&fleet.sns, &topic_arn, &envelope_arn, &[]).await;
    crate::support::subscribe_queue(
        &fleet.sns,
        &topic_arn,
        &raw_arn,
        &[("RawMessageDelivery", "true")],
    )
    .await;

    let message = r#"{"event":"order_placed","note":"ünïcode \"q\""}"#;
    let mut attributes = BTreeMap::new();
    attributes.insert("type".to_string(), AttributeValue::string("order_placed"));
    attributes.insert("amount".to_string(), AttributeValue::number("120"));
    let writers = fleet.backend.writers("test").expect("writers");
    let message_id = writers
        .topics
        .publish(
            &topic_arn,
            &OutgoingNotification {
                message: message.to_string(),
                subject: Some("Order".to_string()),
                message_attributes: attributes.clone(),
                group_id: None,
                deduplication_id: None,
            },
        )
        .await
        .expect("Publish");
    assert!(!message_id.is_empty());

    let wrapped = receive_distinct(fleet, &envelope_url, 1, 0).await;
    let envelope: serde_json::Value =
        serde_json::from_str(&wrapped.values().next().expect("one").body).expect("envelope JSON");
    assert_eq!(envelope["Type"], "Notification");
    assert_eq!(envelope["Message"], message);
    assert_eq!(envelope["MessageId"], message_id.as_str());
    assert_eq!(envelope["TopicArn"], topic_arn.as_str());
    assert_eq!(envelope["Subject"], "Order");
    assert_eq!(
        envelope["MessageAttributes"]["type"]["Value"],
        "order_placed"
    );
    assert_eq!(envelope["MessageAttributes"]["amount"]["Type"], "Number");

    let raw = receive_distinct(fleet, &raw_url, 1, 0).await;
    let raw = raw.values().next().expect("one");
    assert_eq!(raw.body, message);
    assert_eq!(raw.message_attributes, attributes);
}

/// Runs squall's peek engine on `url` and returns its report and the messages read.
pub async fn run_peek(
    fleet: &Fleet,
    url: &str,
    count: usize,
) -> (squall::messages::PeekReport, Vec<ReceivedMessage>) {
    let mut seen = Vec::new();
    let report = squall::messages::peek(
        fleet.backend.messages.as_ref(),
        url,
        &squall::messages::PeekOptions::new(count, 1_000),
        &tokio_util::sync::CancellationToken::new(),
        &mut seen,
    )
    .await;
    assert!(report.release.complete(), "{:?}", report.release);
    (report, seen)
}

/// A sample and a sweep leave every message in the queue and visible right after, and raise
/// each receive count by exactly one.
pub async fn peek_leaves_messages_visible_and_counts_one_receive(fleet: &Fleet, name: &str) {
    let (url, _) = create_queue(fleet, name, &[("VisibilityTimeout", "300")]).await;
    crate::support::send_messages(&fleet.sqs, &url, 25).await;

    let (report, sample) = run_peek(fleet, &url, 5).await;
    assert_eq!(report.shape, squall::messages::PeekShape::Sample);
    assert_eq!(sample.len(), 5, "a sample of 5 from 25");
    assert!(sample.iter().all(|m| m.receive_count() == Some(1)));
    assert_eq!(
        counts(fleet, &url).await,
        (25, 0),
        "all visible right after a sample"
    );

    let (report, sweep) = run_peek(fleet, &url, 25).await;
    assert_eq!(report.shape, squall::messages::PeekShape::Sweep);
    let ids: BTreeSet<&str> = sweep.iter().map(|m| m.message_id.as_str()).collect();
    assert_eq!(ids.len(), 25, "the sweep saw every message once");
    assert_eq!(report.progress.duplicates, 0);
    assert_eq!(
        counts(fleet, &url).await,
        (25, 0),
        "all visible right after a sweep"
    );
    let sampled: BTreeSet<&str> = sample.iter().map(|m| m.message_id.as_str()).collect();
    for message in &sweep {
        let expected = if sampled.contains(message.message_id.as_str()) {
            2
        } else {
            1
        };
        assert_eq!(
            message.receive_count(),
            Some(expected),
            "each peek counts exactly one receive"
        );
    }
}

/// A peek of an SNS-fed queue unwraps the envelope: the record carries the inner message
/// exactly, with the topic and the envelope's attributes.
pub async fn peek_unwraps_sns_envelopes(fleet: &Fleet, name: &str) {
    let topic_arn = crate::support::create_topic(&fleet.sns, name, &[]).await;
    let (url, arn) = create_queue(fleet, name, &[]).await;
    crate::support::subscribe_queue(&fleet.sns, &topic_arn, &arn, &[]).await;
    let inner = "{\"evil\":\"\u{1b}]52;c;ZXZpbA==\u{7}\",\"clear\":\"\u{1b}[2J\"}";
    let mut attributes = BTreeMap::new();
    attributes.insert("kind".to_string(), AttributeValue::string("test"));
    let writers = fleet.backend.writers("test").expect("writers");
    let message_id = writers
        .topics
        .publish(
            &topic_arn,
            &OutgoingNotification {
                message: inner.to_string(),
                subject: None,
                message_attributes: attributes,
                group_id: None,
                deduplication_id: None,
            },
        )
        .await
        .expect("Publish");
    let mut seen = Vec::new();
    for _ in 0..20 {
        seen = run_peek(fleet, &url, 1).await.1;
        if !seen.is_empty() {
            break;
        }
    }
    assert_eq!(seen.len(), 1, "the notification arrived");
    let record = squall::messages::MessageRecord::from_received(&seen[0], None);
    let sns = record.sns.expect("an SNS envelope");
    assert_eq!(sns.message, inner);
    assert_eq!(sns.topic_arn, topic_arn);
    assert_eq!(sns.message_id, message_id);
    assert_eq!(sns.message_attributes["kind"].value, "test");
}
