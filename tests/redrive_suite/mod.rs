//! The redrive engine and `squall redrive` against an emulator, written once and run against
//! each: LocalStack in `tests/aws_redrive.rs`, moto in `tests/moto_redrive.rs`. Messages are
//! seeded and checked with plain SDK calls, so a bug in squall's SQS layer cannot hide a bug
//! in the mover.
#![allow(dead_code)]

use std::collections::{BTreeMap, BTreeSet};
use std::path::Path;
use std::time::Duration;

use aws_sdk_sqs::error::DisplayErrorContext;
use aws_sdk_sqs::primitives::Blob;
use aws_sdk_sqs::types::{
    MessageAttributeValue, MessageSystemAttributeName, QueueAttributeName,
    SendMessageBatchRequestEntry,
};
use squall::aws::Backend;
use squall::redrive::{
    Filter, Mode, ModeChoice, MoveOptions, Plan, PlanRequest, RunOptions, RunProgress, Summary,
};
use tokio_util::sync::CancellationToken;

use crate::support::{create_queue, set_redrive, wait_until};

/// An emulator as the suite sees it.
pub struct Fleet {
    pub sqs: aws_sdk_sqs::Client,
    pub sns: aws_sdk_sns::Client,
    pub backend: Backend,
}

/// A message as the checks compare it: body, string/number attributes, binary attributes.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
pub struct Seen {
    pub body: String,
    pub attributes: BTreeMap<String, Attribute>,
    pub group: Option<String>,
}

/// A message attribute: data type, string value, binary value.
pub type Attribute = (String, Option<String>, Option<Vec<u8>>);

/// A source queue and its DLQ (maxReceiveCount 1).
pub struct Pair {
    pub source_url: String,
    pub source_arn: String,
    pub dlq_url: String,
    pub dlq_arn: String,
}

pub async fn pair(fleet: &Fleet, name: &str) -> Pair {
    let fifo = name.ends_with(".fifo");
    let base = name.trim_end_matches(".fifo");
    let dlq_name = if fifo {
        format!("{base}-dlq.fifo")
    } else {
        format!("{base}-dlq")
    };
    let (dlq_url, dlq_arn) = create_queue(&fleet.sqs, &dlq_name, &[]).await;
    let (source_url, source_arn) = create_queue(&fleet.sqs, name, &[]).await;
    set_redrive(&fleet.sqs, &source_url, &dlq_arn, 1).await;
    Pair {
        source_url,
        source_arn,
        dlq_url,
        dlq_arn,
    }
}

/// Sends `bodies` with a string, a number and a binary attribute each; FIFO queues get the
/// groups `g0`..`g2` in turn and a deduplication id per message.
pub async fn send_bodies(fleet: &Fleet, url: &str, bodies: &[String]) {
    let fifo = url.ends_with(".fifo");
    for (chunk_index, chunk) in bodies.chunks(10).enumerate() {
        let mut request = fleet.sqs.send_message_batch().queue_url(url);
        for (i, body) in chunk.iter().enumerate() {
            let n = chunk_index * 10 + i;
            let mut entry = SendMessageBatchRequestEntry::builder()
                .id(format!("e{i}"))
                .message_body(body)
                .message_attributes(
                    "kind",
                    string_attr(if n.is_multiple_of(2) { "retry" } else { "skip" }),
                )
                .message_attributes("n", number_attr(n))
                .message_attributes(
                    "blob",
                    MessageAttributeValue::builder()
                        .data_type("Binary")
                        .binary_value(Blob::new(vec![0, 1, 254, 255, n as u8]))
                        .build()
                        .expect("attribute"),
                );
            if fifo {
                entry = entry
                    .message_group_id(format!("g{}", n % 3))
                    .message_deduplication_id(format!("d{n}"));
            }
            request = request.entries(entry.build().expect("entry"));
        }
        let out = request
            .send()
            .await
            .unwrap_or_else(|e| panic!("SendMessageBatch {url}: {}", DisplayErrorContext(&e)));
        assert!(out.failed.is_empty(), "{:?}", out.failed);
    }
}

fn string_attr(value: &str) -> MessageAttributeValue {
    MessageAttributeValue::builder()
        .data_type("String")
        .string_value(value)
        .build()
        .expect("attribute")
}

fn number_attr(value: usize) -> MessageAttributeValue {
    MessageAttributeValue::builder()
        .data_type("Number")
        .string_value(value.to_string())
        .build()
        .expect("attribute")
}

/// Receives from the source until it is empty, so that every message passes its
/// maxReceiveCount of 1 and the emulator moves it to the DLQ; waits until the DLQ holds
/// `expected`.
pub async fn dead_letter(fleet: &Fleet, pair: &Pair, expected: u64) {
    let mut empty = 0;
    while empty < 3 {
        let out = fleet
            .sqs
            .receive_message()
            .queue_url(&pair.source_url)
            .max_number_of_messages(10)
            .visibility_timeout(0)
            .send()
            .await
            .expect("receive");
        if out.messages.unwrap_or_default().is_empty() {
            empty += 1;
        } else {
            empty = 0;
        }
    }
    let arrived = wait_until(Duration::from_secs(20), || async {
        visible(fleet, &pair.dlq_url).await == expected
    })
    .await;
    assert!(
        arrived,
        "the DLQ holds {} of {expected}",
        visible(fleet, &pair.dlq_url).await
    );
}

pub async fn visible(fleet: &Fleet, url: &str) -> u64 {
    counts(fleet, url).await.0
}

/// (visible, in flight).
pub async fn counts(fleet: &Fleet, url: &str) -> (u64, u64) {
    let out = fleet
        .sqs
        .get_queue_attributes()
        .queue_url(url)
        .attribute_names(QueueAttributeName::ApproximateNumberOfMessages)
        .attribute_names(QueueAttributeName::ApproximateNumberOfMessagesNotVisible)
        .send()
        .await
        .expect("GetQueueAttributes");
    let attributes = out.attributes.unwrap_or_default();
    let read = |name| {
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

/// Everything a queue holds, received and deleted batch by batch (FIFO groups unblock),
/// in the order received.
pub async fn take_all(fleet: &Fleet, url: &str) -> Vec<Seen> {
    let mut all = Vec::new();
    let mut empty = 0;
    while empty < 2 {
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
        let messages = out.messages.unwrap_or_default();
        if messages.is_empty() {
            empty += 1;
            continue;
        }
        empty = 0;
        for message in &messages {
            fleet
                .sqs
                .delete_message()
                .queue_url(url)
                .receipt_handle(message.receipt_handle().unwrap_or_default())
                .send()
                .await
                .expect("DeleteMessage");
            all.push(seen(message));
        }
    }
    all
}

fn seen(message: &aws_sdk_sqs::types::Message) -> Seen {
    let attributes = message
        .message_attributes()
        .map(|attributes| {
            attributes
                .iter()
                .map(|(name, value)| {
                    (
                        name.clone(),
                        (
                            value.data_type().to_string(),
                            value.string_value().map(str::to_string),
                            value.binary_value().map(|b| b.as_ref().to_vec()),
                        ),
                    )
                })
                .collect()
        })
        .unwrap_or_default();
    Seen {
        body: message.body().unwrap_or_default().to_string(),
        attributes,
        group: message
            .attributes()
            .and_then(|a| a.get(&MessageSystemAttributeName::MessageGroupId))
            .cloned(),
    }
}

fn sorted(mut seen: Vec<Seen>) -> Vec<Seen> {
    seen.sort();
    seen
}

pub fn bodies(prefix: &str, n: usize) -> Vec<String> {
    (0..n)
        .map(|i| format!("{{\"{prefix}\": {i}, \"note\": \"caf\u{e9} \u{202e} \\u001b[2J\"}}"))
        .collect()
}

pub fn quick_moves() -> MoveOptions {
    MoveOptions {
        wait_s: 1,
        empty_polls: 2,
        visibility_s: 30,
        ..MoveOptions::default()
    }
}

pub async fn plan(fleet: &Fleet, dlq_url: &str, request: PlanRequest<'_>) -> Plan {
    let dlq = fleet
        .backend
        .queues
        .describe_queue(dlq_url)
        .await
        .expect("describe");
    squall::redrive::plan(&fleet.backend, &dlq, request)
        .await
        .expect("plan")
}

pub async fn run(fleet: &Fleet, plan: &Plan, moves: MoveOptions, dir: &Path) -> Summary {
    let options = RunOptions {
        moves,
        journal_dir: dir.to_path_buf(),
        resume: None,
    };
    squall::redrive::execute(
        &fleet.backend,
        plan,
        &options,
        &RunProgress::default(),
        &CancellationToken::new(),
    )
    .await
    .expect("redrive")
}

fn manual() -> PlanRequest<'static> {
    PlanRequest {
        mode: ModeChoice::Manual,
        ..PlanRequest::default()
    }
}

/// A standard DLQ redriven by the manual mover: every message back, byte for byte, with
/// every attribute; the DLQ empty; the journal says so.
pub async fn manual_standard_with_attributes(fleet: &Fleet, name: &str) {
    let pair = pair(fleet, name).await;
    let sent = bodies("std", 23);
    send_bodies(fleet, &pair.source_url, &sent).await;
    dead_letter(fleet, &pair, 23).await;
    let plan = plan(fleet, &pair.dlq_url, manual()).await;
    assert_eq!(plan.mode, Mode::Manual);
    let dir = tempfile::tempdir().expect("tempdir");
    let summary = run(fleet, &plan, quick_moves(), dir.path()).await;
    assert_eq!(summary.end, "drained", "{summary:?}");
    assert_eq!(
        (summary.moved, summary.failed, summary.duplicates_suspected),
        (23, 0, 0)
    );
    assert_eq!(counts(fleet, &pair.dlq_url).await, (0, 0));
    let back = take_all(fleet, &pair.source_url).await;
    let mut got: Vec<String> = back.iter().map(|s| s.body.clone()).collect();
    got.sort();
    let mut want = sent;
    want.sort();
    assert_eq!(got, want, "every body, byte for byte");
    for message in &back {
        let n: usize = message.attributes["n"]
            .1
            .as_deref()
            .expect("n")
            .parse()
            .expect("n");
        assert_eq!(message.attributes["n"].0, "Number");
        assert_eq!(
            message.attributes["blob"],
            (
                "Binary".to_string(),
                None,
                Some(vec![0, 1, 254, 255, n as u8])
            )
        );
        assert_eq!(
            message.attributes["kind"].1.as_deref(),
            Some(if n.is_multiple_of(2) { "retry" } else { "skip" })
        );
    }
    let journal = squall::redrive::JournalState::read(summary.journal.as_deref().expect("journal"))
        .expect("journal");
    assert_eq!(journal.moved(), 23);
}

/// A FIFO DLQ with three groups: each group's messages come back in their order, in their
/// group. They are sent straight to the DLQ, so that its order is known (moto 5.2.5 does
/// not keep a group's order when it dead-letters); with one source and no
/// DeadLetterQueueSourceArn they go to that source.
pub async fn manual_fifo_keeps_group_order(fleet: &Fleet, name: &str) {
    let pair = pair(fleet, name).await;
    let sent: Vec<String> = (0..18).map(|i| format!("fifo:{i}")).collect();
    send_bodies(fleet, &pair.dlq_url, &sent).await;
    let plan = plan(fleet, &pair.dlq_url, manual()).await;
    let dir = tempfile::tempdir().expect("tempdir");
    let summary = run(fleet, &plan, quick_moves(), dir.path()).await;
    assert_eq!(summary.moved, 18, "{summary:?}");
    let back = take_all(fleet, &pair.source_url).await;
    assert_eq!(back.len(), 18);
    for group in ["g0", "g1", "g2"] {
        let order: Vec<usize> = back
            .iter()
            .filter(|m| m.group.as_deref() == Some(group))
            .map(|m| m.body.trim_start_matches("fifo:").parse().expect("n"))
            .collect();
        let expected: Vec<usize> = (0..18).filter(|n| format!("g{}", n % 3) == group).collect();
        assert_eq!(order, expected, "group {group}");
    }
}

/// One DLQ serving two queues: each message goes back to the queue it came from.
pub async fn shared_dlq_routes_by_source(fleet: &Fleet, name: &str, mode: ModeChoice) {
    let (dlq_url, dlq_arn) = create_queue(&fleet.sqs, &format!("{name}-dlq"), &[]).await;
    let mut sources = Vec::new();
    for side in ["a", "b"] {
        let (url, arn) = create_queue(&fleet.sqs, &format!("{name}-{side}"), &[]).await;
        set_redrive(&fleet.sqs, &url, &dlq_arn, 1).await;
        sources.push(Pair {
            source_url: url,
            source_arn: arn,
            dlq_url: dlq_url.clone(),
            dlq_arn: dlq_arn.clone(),
        });
    }
    send_bodies(fleet, &sources[0].source_url, &bodies("a", 11)).await;
    dead_letter(fleet, &sources[0], 11).await;
    send_bodies(fleet, &sources[1].source_url, &bodies("b", 6)).await;
    dead_letter(fleet, &sources[1], 17).await;
    let request = PlanRequest {
        mode,
        ..PlanRequest::default()
    };
    let plan = plan(fleet, &dlq_url, request).await;
    assert_eq!(plan.sources.len(), 2, "{:?}", plan.sources);
    let dir = tempfile::tempdir().expect("tempdir");
    let summary = run(fleet, &plan, quick_moves(), dir.path()).await;
    assert_eq!(summary.moved, 17, "{summary:?}");
    let a = take_all(fleet, &sources[0].source_url).await;
    let b = take_all(fleet, &sources[1].source_url).await;
    assert_eq!(a.len(), 11);
    assert!(a.iter().all(|m| m.body.starts_with("{\"a\"")), "{a:?}");
    assert_eq!(b.len(), 6);
    assert!(b.iter().all(|m| m.body.starts_with("{\"b\"")), "{b:?}");
    assert_eq!(counts(fleet, &dlq_url).await, (0, 0));
}

/// `--to` another queue: every message goes there, the source gets nothing.
pub async fn custom_destination(fleet: &Fleet, name: &str) {
    let pair = pair(fleet, name).await;
    let (other_url, _) = create_queue(&fleet.sqs, &format!("{name}-elsewhere"), &[]).await;
    send_bodies(fleet, &pair.source_url, &bodies("to", 8)).await;
    dead_letter(fleet, &pair, 8).await;
    let other = fleet
        .backend
        .queues
        .describe_queue(&other_url)
        .await
        .expect("describe");
    let request = PlanRequest {
        to: Some(&other),
        mode: ModeChoice::Manual,
        ..PlanRequest::default()
    };
    let plan = plan(fleet, &pair.dlq_url, request).await;
    let dir = tempfile::tempdir().expect("tempdir");
    let summary = run(fleet, &plan, quick_moves(), dir.path()).await;
    assert_eq!(summary.moved, 8);
    assert_eq!(take_all(fleet, &other_url).await.len(), 8);
    assert_eq!(counts(fleet, &pair.source_url).await, (0, 0));
}

/// A filter and a limit: only matching messages move, at most the limit; the rest stays in
/// the DLQ, visible again, nothing parked elsewhere.
pub async fn filter_and_limit_leave_the_rest(fleet: &Fleet, name: &str) {
    let pair = pair(fleet, name).await;
    send_bodies(fleet, &pair.source_url, &bodies("f", 20)).await;
    dead_letter(fleet, &pair, 20).await;
    let request = PlanRequest {
        selective: true,
        filtered: true,
        ..PlanRequest::default()
    };
    let plan = plan(fleet, &pair.dlq_url, request).await;
    assert_eq!(plan.mode, Mode::Manual);
    let moves = MoveOptions {
        limit: Some(6),
        filter: Some(Filter::parse("attr.kind == \"retry\"").expect("filter")),
        ..quick_moves()
    };
    let dir = tempfile::tempdir().expect("tempdir");
    let summary = run(fleet, &plan, moves, dir.path()).await;
    assert_eq!((summary.end.as_str(), summary.moved), ("limit_reached", 6));
    let moved = take_all(fleet, &pair.source_url).await;
    assert_eq!(moved.len(), 6);
    assert!(
        moved
            .iter()
            .all(|m| m.attributes["kind"].1.as_deref() == Some("retry"))
    );
    let left = wait_until(Duration::from_secs(10), || async {
        counts(fleet, &pair.dlq_url).await == (14, 0)
    })
    .await;
    assert!(
        left,
        "the DLQ holds {:?}",
        counts(fleet, &pair.dlq_url).await
    );
}

/// Distinct bodies of a list of seen messages.
pub fn distinct_bodies(seen: &[Seen]) -> BTreeSet<String> {
    seen.iter().map(|s| s.body.clone()).collect()
}
