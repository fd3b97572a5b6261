//! The manual mover: byte-exact copies, routing by source, FIFO order, filter and limit.

use super::*;
use crate::redrive::Mode;

#[tokio::test(start_paused = true)]
async fn a_manual_redrive_moves_every_message_back_byte_for_byte_with_its_attributes() {
    let backend = world(one_source("orders", "orders-dlq"));
    let bodies: Vec<String> = (0..25)
        .map(|i| format!("{{\"order\": {i},\t\"note\": \"caf\u{e9} \u{202e}\u{1f525}\"}}\r\n "))
        .collect();
    let sent: Vec<OutgoingMessage> = bodies
        .iter()
        .enumerate()
        .map(|(i, b)| message(i, b))
        .collect();
    send(&backend, "orders", sent.clone()).await;
    dead_letter_all(&backend, "orders").await;
    assert_eq!(queue(&backend, "orders-dlq").await.counts.visible, 25);

    let plan = plan_for(&backend, "orders-dlq", manual()).await;
    assert_eq!(plan.mode, Mode::Manual);
    assert_eq!(plan.sources, vec!["orders".to_string()]);
    let summary = run(&backend, &plan, options(journal_dir("exact"), moves())).await;

    assert_eq!(summary.end, "drained");
    assert_eq!(
        (summary.moved, summary.failed, summary.duplicates_suspected),
        (25, 0, 0)
    );
    assert_eq!(summary.left_in_dlq, Some(0));
    let back = take_all(&backend, "orders").await;
    assert_eq!(back.len(), 25);
    for message in &back {
        let n: usize = message.message_attributes["n"]
            .string_value
            .as_deref()
            .and_then(|n| n.parse().ok())
            .expect("n");
        assert_eq!(message.body, bodies[n], "body byte for byte");
        assert_eq!(message.message_attributes, sent[n].message_attributes);
        assert_eq!(message.trace_header(), sent[n].trace_header.as_deref());
        assert_eq!(message.receive_count(), Some(1), "a new message");
    }
    let journal = journal_of(&summary);
    assert_eq!(journal.moved(), 25);
    assert!(
        journal
            .messages
            .values()
            .all(|m| m.destination_id.is_some())
    );
    assert_eq!(journal.ends, vec![(25, 0, 0)]);
}

#[tokio::test(start_paused = true)]
async fn a_shared_dlq_sends_each_message_back_to_its_own_source() {
    let backend = world(FleetSpec {
        queues: vec![
            QueueSpec::new("a").with_dlq("shared-dlq", 1),
            QueueSpec::new("b").with_dlq("shared-dlq", 1),
            QueueSpec::new("shared-dlq"),
        ],
        ..FleetSpec::default()
    });
    send(
        &backend,
        "a",
        (0..12).map(|i| message(i, &format!("a-{i}"))).collect(),
    )
    .await;
    send(
        &backend,
        "b",
        (0..7).map(|i| message(i, &format!("b-{i}"))).collect(),
    )
    .await;
    dead_letter_all(&backend, "a").await;
    dead_letter_all(&backend, "b").await;

    let plan = plan_for(&backend, "shared-dlq", manual()).await;
    assert_eq!(plan.sources, vec!["a".to_string(), "b".to_string()]);
    assert!(
        plan.warnings.iter().any(|w| w.contains("several queues")),
        "{:?}",
        plan.warnings
    );
    let summary = run(&backend, &plan, options(journal_dir("shared"), moves())).await;
    assert_eq!(summary.moved, 19);
    let bodies = |ms: Vec<ReceivedMessage>| {
        let mut b: Vec<String> = ms.into_iter().map(|m| m.body).collect();
        b.sort();
        b
    };
    let a = bodies(take_all(&backend, "a").await);
    let b = bodies(take_all(&backend, "b").await);
    assert_eq!(a.len(), 12);
    assert!(a.iter().all(|body| body.starts_with("a-")), "{a:?}");
    assert_eq!(b.len(), 7);
    assert!(b.iter().all(|body| body.starts_with("b-")), "{b:?}");
}

#[tokio::test(start_paused = true)]
async fn a_fifo_redrive_keeps_each_group_in_order() {
    let backend = world(one_source("pay.fifo", "pay-dlq.fifo"));
    let mut entries = Vec::new();
    for i in 0..24 {
        let group = format!("g{}", i % 3);
        entries.push(OutgoingMessage {
            group_id: Some(group.clone()),
            deduplication_id: Some(format!("d{i}")),
            ..message(i, &format!("{group}:{i}"))
        });
    }
    send(&backend, "pay.fifo", entries).await;
    dead_letter_all(&backend, "pay.fifo").await;
    let plan = plan_for(&backend, "pay-dlq.fifo", manual()).await;
    let summary = run(&backend, &plan, options(journal_dir("fifo"), moves())).await;
    assert_eq!(summary.moved, 24);

    let back = take_all(&backend, "pay.fifo").await;
    assert_eq!(back.len(), 24);
    for group in ["g0", "g1", "g2"] {
        let order: Vec<usize> = back
            .iter()
            .filter(|m| m.group_id() == Some(group))
            .map(|m| {
                m.body
                    .split(':')
                    .nth(1)
                    .and_then(|n| n.parse().ok())
                    .expect("n")
            })
            .collect();
        let mut sorted = order.clone();
        sorted.sort_unstable();
        assert_eq!(order, sorted, "group {group} out of order");
        assert_eq!(order.len(), 8);
    }
}

#[tokio::test(start_paused = true)]
async fn a_filter_and_a_limit_move_only_what_matches_and_leave_the_rest() {
    let backend = world(one_source("jobs", "jobs-dlq"));
    send(
        &backend,
        "jobs",
        (0..20).map(|i| message(i, &format!("job {i}"))).collect(),
    )
    .await;
    dead_letter_all(&backend, "jobs").await;

    let request = PlanRequest {
        selective: true,
        filtered: true,
        ..PlanRequest::default()
    };
    let plan = plan_for(&backend, "jobs-dlq", request).await;
    assert_eq!(
        plan.mode,
        Mode::Manual,
        "auto: a filter needs the manual mover"
    );
    assert!(plan.native_unavailable.is_some());
    let options = options(
        journal_dir("filter"),
        MoveOptions {
            limit: Some(4),
            filter: Some(parse_filter("attr.kind == \"retry\"")),
            ..moves()
        },
    );
    let summary = run(&backend, &plan, options).await;
    assert_eq!(summary.end, "limit_reached");
    assert_eq!(summary.moved, 4);
    let moved = take_all(&backend, "jobs").await;
    assert_eq!(moved.len(), 4);
    assert!(
        moved
            .iter()
            .all(|m| m.message_attributes["kind"].string_value.as_deref() == Some("retry"))
    );
    // The rest stays in the DLQ and is visible again: nothing parked anywhere else.
    let left = queue(&backend, "jobs-dlq").await.counts;
    assert_eq!((left.visible, left.in_flight), (16, 0));
}

#[tokio::test(start_paused = true)]
async fn a_dlq_of_no_queue_needs_a_destination_and_takes_one() {
    let backend = world(FleetSpec {
        queues: vec![QueueSpec::new("loose-dlq"), QueueSpec::new("target")],
        ..FleetSpec::default()
    });
    send(
        &backend,
        "loose-dlq",
        (0..3).map(|i| message(i, "x")).collect(),
    )
    .await;
    let dlq = queue(&backend, "loose-dlq").await;
    let error = plan(&backend, &dlq, PlanRequest::default())
        .await
        .expect_err("no destination");
    assert!(error.to_string().contains("--to QUEUE"), "{error}");

    let target = queue(&backend, "target").await;
    let request = PlanRequest {
        to: Some(&target),
        ..PlanRequest::default()
    };
    let plan = plan(&backend, &dlq, request).await.expect("plan");
    assert_eq!(plan.mode, Mode::Manual);
    assert!(
        plan.native_unavailable
            .as_deref()
            .is_some_and(|r| r.contains("no SQS queue's dead-letter queue")),
        "{:?}",
        plan.native_unavailable
    );
    let summary = run(&backend, &plan, options(journal_dir("to"), moves())).await;
    assert_eq!(summary.moved, 3);
    assert_eq!(take_all(&backend, "target").await.len(), 3);
}

#[tokio::test(start_paused = true)]
async fn read_only_refuses_before_touching_anything() {
    let backend = world(one_source("orders", "orders-dlq"));
    send(
        &backend,
        "orders",
        (0..5).map(|i| message(i, "x")).collect(),
    )
    .await;
    dead_letter_all(&backend, "orders").await;
    let plan = plan_for(&backend, "orders-dlq", manual()).await;
    let read_only = backend.clone().read_only();
    let progress = RunProgress::default();
    let dir = journal_dir("ro");
    let error = execute(
        &read_only,
        &plan,
        &options(dir.clone(), moves()),
        &progress,
        &CancellationToken::new(),
    )
    .await
    .expect_err("read-only");
    assert!(error.to_string().contains("read-only"), "{error}");
    assert_eq!(queue(&backend, "orders-dlq").await.counts.visible, 5);
    assert!(!dir.exists(), "no journal was written");
}

/// A slow rate with many workers: no message may wait for the rate after it was received
/// (it would outlive its visibility timeout, come back to the DLQ and be moved twice).
#[tokio::test(start_paused = true)]
async fn a_slow_rate_never_keeps_received_messages_waiting_past_their_visibility() {
    let backend = world(one_source("slow", "slow-dlq"));
    send(
        &backend,
        "slow",
        (0..200).map(|i| message(i, &format!("s{i}"))).collect(),
    )
    .await;
    dead_letter_all(&backend, "slow").await;
    let plan = plan_for(&backend, "slow-dlq", manual()).await;
    let moves = MoveOptions {
        rate: Some(5),
        concurrency: 16,
        visibility_s: 5,
        ..moves()
    };
    let summary = run(&backend, &plan, options(journal_dir("slow"), moves)).await;
    assert_eq!(summary.moved, 200, "{summary:?}");
    assert_eq!(summary.duplicates_suspected, 0);
    let back = take_all(&backend, "slow").await;
    assert_eq!(back.len(), 200, "each message exactly once");
}

/// The world's reader, except that every receive also hands out again the first message of
/// the receive before it (SQS is at-least-once; moto can hand one message to two
/// concurrent receives).
struct Redelivers {
    inner: std::sync::Arc<dyn crate::aws::MessageReader>,
    last: std::sync::Mutex<Option<ReceivedMessage>>,
}

#[async_trait::async_trait]
impl crate::aws::MessageReader for Redelivers {
    async fn receive_messages(
        &self,
        url: &str,
        request: ReceiveRequest,
    ) -> Result<Vec<ReceivedMessage>, crate::aws::ApiError> {
        let mut messages = self.inner.receive_messages(url, request).await?;
        let mut last = self.last.lock().expect("lock");
        let again = last.take();
        *last = messages.first().cloned();
        if let Some(again) = again {
            // Never more than asked for: the one it replaces stays hidden and comes back.
            if messages.len() >= usize::from(request.max_messages) {
                messages.pop();
            }
            messages.push(again);
        }
        Ok(messages)
    }

    async fn change_visibility(
        &self,
        url: &str,
        entries: &[crate::domain::message::HandleEntry],
        timeout: u32,
    ) -> Result<crate::domain::message::BatchOutcome, crate::aws::ApiError> {
        self.inner.change_visibility(url, entries, timeout).await
    }

    async fn list_move_tasks(
        &self,
        arn: &str,
    ) -> Result<Vec<crate::domain::message::MoveTask>, crate::aws::ApiError> {
        self.inner.list_move_tasks(arn).await
    }
}

#[tokio::test(start_paused = true)]
async fn a_message_handed_out_twice_is_moved_once() {
    let plain = world(one_source("twice", "twice-dlq"));
    let mut backend = plain.clone();
    send(
        &backend,
        "twice",
        (0..40).map(|i| message(i, &format!("t{i}"))).collect(),
    )
    .await;
    dead_letter_all(&backend, "twice").await;
    let plan = plan_for(&backend, "twice-dlq", manual()).await;
    backend.messages = std::sync::Arc::new(Redelivers {
        inner: backend.messages.clone(),
        last: std::sync::Mutex::new(None),
    });
    let dir = journal_dir("twice");
    let first = run(&backend, &plan, options(dir.clone(), moves())).await;
    // The messages the wrapper kept back are still hidden when the first run ends; once
    // their visibility is over, a second run moves them.
    tokio::time::sleep(Duration::from_secs(61)).await;
    let second = run(&backend, &plan, options(dir, moves())).await;
    assert_eq!(first.moved + second.moved, 40, "{first:?} {second:?}");
    assert_eq!(first.duplicates_suspected + second.duplicates_suspected, 0);
    let (_, distinct) = copies_and_distinct(&plain, "twice").await;
    assert_eq!(distinct, 40, "every message");
    assert_eq!(
        first.moved + second.moved,
        40,
        "and each exactly once (a copy sent twice would show as a 41st move)"
    );
    assert_eq!(queue(&plain, "twice-dlq").await.counts.visible, 0);
}

/// Subscriptions an inventory already holds are taken as they are, not listed again.
#[tokio::test(start_paused = true)]
async fn a_plan_takes_known_subscriptions_instead_of_listing_them() {
    let backend = world(FleetSpec {
        queues: vec![QueueSpec::new("notify"), QueueSpec::new("notify-sub-dlq")],
        ..FleetSpec::default()
    });
    let dlq = queue(&backend, "notify-sub-dlq").await;
    let notify = queue(&backend, "notify").await;
    let mut subscription = crate::domain::Subscription::listed(
        "arn:aws:sns:us-east-1:123456789012:payments:1",
        "arn:aws:sns:us-east-1:123456789012:payments",
        "sqs",
        &notify.arn,
        None,
    );
    subscription.dlq_arn = Some(dlq.arn.clone());
    let known = vec![subscription];
    let request = PlanRequest {
        subscriptions: Some(&known),
        ..PlanRequest::default()
    };
    let planned = plan(&backend, &dlq, request).await.expect("plan");
    assert_eq!(planned.subscriptions.len(), 1, "{planned:?}");
    assert_eq!(planned.destinations[0].name, "notify");
    // Listed from the world instead, there is no such subscription: nothing to go back to.
    let listed = plan(&backend, &dlq, PlanRequest::default()).await;
    assert!(
        listed.is_err(),
        "no destination without the known subscription"
    );
}

/// Fair queues (2025): a standard queue's message may carry a `MessageGroupId`. The mover
/// sends it back with its group (dropping it would put every tenant's message in one pool).
#[tokio::test(start_paused = true)]
async fn a_fair_queues_message_goes_back_with_its_group() {
    let backend = world(one_source("tenants", "tenants-dlq"));
    let entries = (0..12)
        .map(|i| OutgoingMessage {
            group_id: (i % 3 != 0).then(|| format!("tenant-{}", i % 3)),
            ..message(i, &format!("job-{i}"))
        })
        .collect();
    send(&backend, "tenants", entries).await;
    dead_letter_all(&backend, "tenants").await;
    let plan = plan_for(&backend, "tenants-dlq", manual()).await;
    let summary = run(&backend, &plan, options(journal_dir("fair"), moves())).await;
    assert_eq!(summary.moved, 12, "{summary:?}");
    assert_eq!(summary.duplicates_suspected, 0, "{summary:?}");
    let mut groups: Vec<(String, Option<String>)> = take_all(&backend, "tenants")
        .await
        .into_iter()
        .map(|m| (m.body.clone(), m.group_id().map(str::to_string)))
        .collect();
    groups.sort();
    let mut expected: Vec<(String, Option<String>)> = (0..12)
        .map(|i| {
            (
                format!("job-{i}"),
                (i % 3 != 0).then(|| format!("tenant-{}", i % 3)),
            )
        })
        .collect();
    expected.sort();
    assert_eq!(groups, expected);
}
