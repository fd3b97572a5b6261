//! A DLQ that a queue's redrive policy and a function's failed asynchronous invokes both
//! feed: a message with `DeadLetterQueueSourceArn` goes back to its queue, one without it
//! could be either and stays (kept, counted, reported) unless `--to` names a queue.

use std::sync::Arc;

use super::*;
use crate::domain::message::OutgoingNotification;
use crate::sim::{FunctionSpec, SubscriptionSpec};

/// `orders` dead-letters into `shared-dlq`, which is also `notify`'s own DLQ; `notify`
/// (subscribed to `shipments`) fails every asynchronous invoke.
fn shared_world() -> (Arc<SimFleet>, Backend) {
    let spec = FleetSpec {
        queues: vec![
            QueueSpec::new("orders").with_dlq("shared-dlq", 1),
            QueueSpec::new("shared-dlq"),
        ],
        topics: vec!["shipments".to_string()],
        subscriptions: vec![SubscriptionSpec::new("shipments", "lambda", "notify")],
        functions: vec![
            FunctionSpec::new("notify", "nodejs22.x")
                .with_dlq("shared-dlq")
                .failing_async_until(i64::MAX),
        ],
        ..FleetSpec::default()
    };
    let clock = ManualClock::following_tokio(ManualClock::DEFAULT_START_MS);
    let settings = WorldSettings {
        max_catch_up_ms: 24 * 3600 * 1000,
        ..WorldSettings::default()
    };
    let fleet = Arc::new(SimFleet::with_settings(spec, 1, clock, settings));
    (fleet.clone(), crate::sim::shared_backend(fleet))
}

/// Two failed invokes of `notify` (no source ARN) and three of `orders`' messages (with
/// it) in `shared-dlq`.
async fn fill(backend: &Backend) {
    let topic = backend
        .topics
        .list_topics(None)
        .await
        .expect("topics")
        .items[0]
        .clone();
    let publisher = &backend.writers("test").expect("writers").topics;
    for i in 0..2 {
        let notification = OutgoingNotification {
            message: format!(r#"{{"shipmentId":"s-{i}"}}"#),
            subject: None,
            message_attributes: Default::default(),
            group_id: None,
            deduplication_id: None,
        };
        publisher
            .publish(&topic, &notification)
            .await
            .expect("publish");
    }
    let orders: Vec<_> = (0..3).map(|i| message(i, &format!("order {i}"))).collect();
    send(backend, "orders", orders).await;
    dead_letter_all(backend, "orders").await;
    assert_eq!(queue(backend, "shared-dlq").await.counts.visible, 5);
}

#[tokio::test(start_paused = true)]
async fn a_message_without_a_source_in_a_dlq_a_function_also_feeds_stays_and_is_counted() {
    let (fleet, backend) = shared_world();
    fill(&backend).await;

    let plan = plan_for(&backend, "shared-dlq", PlanRequest::default()).await;
    assert_eq!(plan.invoke, None, "the queue's messages name their source");
    let names: Vec<&str> = plan.destinations.iter().map(|d| d.name.as_str()).collect();
    assert_eq!(names, ["orders"]);
    assert_eq!(plan.routes.fallback, None, "no guessing");
    assert!(
        plan.warnings.iter().any(|w| w.contains(
            "shared-dlq also collects the failed asynchronous invokes of notify (function DLQ)"
        )),
        "{:?}",
        plan.warnings
    );
    assert_eq!(
        plan.mode,
        crate::redrive::Mode::Manual,
        "a move task would not keep them"
    );
    let why_not_native = plan.native_unavailable.clone().expect("why not native");
    assert!(
        why_not_native.contains("invokes of notify"),
        "{why_not_native}"
    );

    let summary = run(&backend, &plan, options(journal_dir("shared"), moves())).await;
    assert_eq!((summary.moved, summary.failed), (3, 2), "{summary:?}");
    let reasons: Vec<(&String, &u64)> = summary.kept.iter().collect();
    assert_eq!(reasons.len(), 1, "{reasons:?}");
    assert!(
        reasons[0].0.contains("no DeadLetterQueueSourceArn")
            && reasons[0]
                .0
                .contains("failed invokes of notify (function DLQ)"),
        "{reasons:?}"
    );
    assert_eq!(*reasons[0].1, 2);
    assert_eq!(copies_and_distinct(&backend, "orders").await, (3, 3));
    assert_eq!(fleet.invoked("notify").count, 0, "nothing was guessed");
    assert_eq!(queue(&backend, "shared-dlq").await.counts.visible, 2);
}

#[tokio::test(start_paused = true)]
async fn to_a_named_queue_every_message_of_a_shared_dlq_goes() {
    let (fleet, backend) = shared_world();
    fill(&backend).await;
    let orders = queue(&backend, "orders").await;
    let request = PlanRequest {
        to: Some(&orders),
        mode: ModeChoice::Manual,
        ..PlanRequest::default()
    };
    let plan = plan_for(&backend, "shared-dlq", request).await;
    assert!(
        !plan.warnings.iter().any(|w| w.contains("also collects")),
        "{:?}",
        plan.warnings
    );
    let summary = run(&backend, &plan, options(journal_dir("shared-to"), moves())).await;
    assert_eq!((summary.moved, summary.failed), (5, 0), "{summary:?}");
    assert_eq!(copies_and_distinct(&backend, "orders").await, (5, 5));
    assert_eq!(fleet.invoked("notify").count, 0);
}
