//! The world as a whole: the demo's starting state and traffic, determinism under a seed,
//! catching up after a long idle, bounded metric memory, the read-only backend.

use super::*;
use crate::sim::spec::{
    ConsumerProfile, FunctionSpec, MessageTemplate, Producer, QueueSpec, Target, Traffic,
};
use crate::sim::{SimFleet, backend};

fn demo(seed: u64) -> (SimFleet, Arc<ManualClock>) {
    let clock = Arc::new(ManualClock::default());
    (SimFleet::demo_with(seed, clock.clone()), clock)
}

#[tokio::test]
async fn the_demo_starts_at_its_depths_with_real_messages_in_the_dlqs() {
    let (fleet, _clock) = demo(7);
    let orders = counts(&fleet, "orders").await;
    assert_eq!(
        (orders.visible, orders.in_flight, orders.delayed),
        (42, 8, 2)
    );
    assert_eq!(counts(&fleet, "search-indexer").await.visible, 8_800);
    assert_eq!(
        counts(&fleet, "webhooks-outbound-dlq").await,
        visible(1_289)
    );
    assert_eq!(counts(&fleet, "payments-dlq.fifo").await, visible(17));
    let dead = receive(&fleet, "search-indexer-dlq", 10, Some(0)).await;
    assert_eq!(dead.len(), 10);
    for message in &dead {
        assert_eq!(
            message.dead_letter_source_arn(),
            Some(arn("search-indexer").as_str())
        );
        assert_eq!(message.receive_count(), Some(6), "five before, one now");
        let envelope: serde_json::Value = serde_json::from_str(&message.body).expect("envelope");
        assert_eq!(
            envelope["Type"], "Notification",
            "search-indexer's subscription is not raw"
        );
    }
    let sub_dlq = receive(&fleet, "order-events-email-sub-dlq", 10, Some(0)).await;
    assert_eq!(sub_dlq.len(), 3);
    assert!(
        sub_dlq
            .iter()
            .all(|m| m.message_attributes.contains_key("ErrorCode"))
    );
}

#[tokio::test]
async fn the_demo_has_an_hour_of_history_and_keeps_moving() {
    let (fleet, clock) = demo(7);
    let history = fleet.queue_metrics("search-indexer").expect("queue");
    assert_eq!(history.len(), 60);
    assert!(
        history[0].visible < history[59].visible,
        "the backlog grew over the hour"
    );
    assert_eq!(
        fleet
            .function_metrics("search-indexer-fn")
            .expect("fn")
            .len(),
        60
    );
    // The made-up hour follows the traffic data: 180 published a minute, ~12.8 batches.
    let order_events = fleet.topic_metrics("order-events").expect("topic");
    assert_eq!(order_events.len(), 60);
    assert!(
        order_events
            .iter()
            .all(|p| (150..=210).contains(&p.published) && p.filtered_out > 0 && p.failed == 0),
        "{order_events:?}"
    );
    let orders_worker = fleet.function_metrics("orders-worker").expect("fn");
    assert!(
        orders_worker
            .iter()
            .all(|p| (8..=18).contains(&p.invocations)),
        "{orders_worker:?}"
    );
    let before = counts(&fleet, "search-indexer").await.visible;
    for _ in 0..10 {
        seconds(&clock, 60);
    }
    let after = counts(&fleet, "search-indexer").await.visible;
    assert!(
        after > before + 500,
        "search falls behind: {before} → {after}"
    );
    let email = counts(&fleet, "email-notifications").await.visible;
    assert!(email < 310, "email catches up: {email}");
    let topic = fleet.topic_metrics("inventory-updates").expect("topic");
    let live = &topic[60..];
    assert_eq!(live.len(), 10);
    assert!(
        live.iter().all(|p| p.published > 200 && p.failed > 200),
        "legacy-reindex is gone"
    );
    let webhooks = counts(&fleet, "webhooks-outbound").await.visible;
    assert!(webhooks > 20, "its consumer is disabled: {webhooks}");
}

#[tokio::test]
async fn the_same_seed_gives_the_same_world() {
    let snapshot = |seed: u64| async move {
        let (fleet, clock) = demo(seed);
        for _ in 0..5 {
            seconds(&clock, 60);
        }
        let mut seen = Vec::new();
        for queue in [
            "orders",
            "search-indexer",
            "payments.fifo",
            "email-notifications",
        ] {
            seen.push(format!("{:?}", counts(&fleet, queue).await));
            for message in receive(&fleet, queue, 10, Some(0)).await {
                seen.push(format!(
                    "{} {} {:?}",
                    message.message_id, message.body, message.attributes
                ));
            }
        }
        seen.push(format!("{:?}", fleet.queue_metrics("inventory-sync")));
        seen.push(format!("{:?}", fleet.function_metrics("orders-worker")));
        seen
    };
    let first = snapshot(42).await;
    assert_eq!(first, snapshot(42).await);
    assert_ne!(first, snapshot(43).await);
}

fn producing(per_minute: f64, capacity: usize) -> (SimFleet, Arc<ManualClock>) {
    let spec = FleetSpec {
        queues: vec![QueueSpec::new("work")],
        functions: vec![FunctionSpec::new("worker", "nodejs22.x").consumes("work", "Enabled", 10)],
        traffic: Traffic {
            producers: vec![Producer::new(
                Target::Queue("work".into()),
                per_minute,
                MessageTemplate::new("job"),
            )],
            consumers: vec![ConsumerProfile::new("worker", "work", 30.0)],
        },
        ..FleetSpec::default()
    };
    let clock = Arc::new(ManualClock::default());
    let settings = WorldSettings {
        metric_capacity: capacity,
        ..WorldSettings::default()
    };
    (
        SimFleet::with_settings(spec, 3, clock.clone(), settings),
        clock,
    )
}

#[tokio::test]
async fn metric_memory_is_bounded_by_the_ring() {
    let (fleet, clock) = producing(60.0, 5);
    for _ in 0..20 {
        seconds(&clock, 60);
    }
    let points = fleet.queue_metrics("work").expect("queue");
    assert_eq!(points.len(), 5);
    let minutes: Vec<i64> = points
        .windows(2)
        .map(|w| w[1].minute_ms - w[0].minute_ms)
        .collect();
    assert_eq!(minutes, [60_000; 4], "the newest five, one minute apart");
    assert!(
        points.iter().all(|p| p.sent > 40 && p.sent < 80),
        "{points:?}"
    );
    assert_eq!(fleet.function_metrics("worker").expect("fn").len(), 5);
}

#[tokio::test]
async fn a_long_idle_is_skipped_not_simulated_and_leaves_a_gap() {
    let (fleet, clock) = producing(60.0, 10_000);
    seconds(&clock, 120);
    assert!(counts(&fleet, "work").await.visible < 100);
    seconds(&clock, 2 * 24 * 3600);
    let points = fleet.queue_metrics("work").expect("queue");
    // Two minutes, then only the last ten (the catch-up cap): a gap in between.
    assert_eq!(points.len(), 2 + 10, "{}", points.len());
    let gap = points[2].minute_ms - points[1].minute_ms;
    assert!(gap > 24 * 3600 * 1000, "{gap}");
    assert!(
        counts(&fleet, "work").await.visible < 100,
        "the consumer kept up"
    );
}

#[tokio::test]
async fn a_read_only_backend_holds_no_writing_capability() {
    let backend = backend(SimFleet::demo().frozen());
    assert!(!backend.is_read_only());
    assert!(backend.writers("send").is_ok());
    let read_only = backend.read_only();
    assert!(read_only.is_read_only());
    let refused = read_only
        .writers("purge orders")
        .err()
        .map(|e| e.to_string());
    assert!(
        refused
            .as_deref()
            .is_some_and(|e| e.contains("refusing to purge orders")),
        "{refused:?}"
    );
    // Cloning cannot bring them back.
    assert!(read_only.clone().writers("send").is_err());
}

#[tokio::test]
async fn a_frozen_world_never_changes() {
    let fleet = SimFleet::demo().frozen();
    let before = counts(&fleet, "search-indexer").await;
    tokio::time::sleep(std::time::Duration::from_millis(1_100)).await;
    assert_eq!(counts(&fleet, "search-indexer").await, before);
    assert_eq!(
        fleet.queue_metrics("search-indexer").expect("queue").len(),
        60
    );
}

#[tokio::test]
async fn a_deferred_body_reads_the_same_whenever_it_is_read() {
    let read = |dlq_first: bool| async move {
        let (fleet, _clock) = demo(5);
        let mut bodies = std::collections::BTreeMap::new();
        let queues = if dlq_first {
            ["search-indexer-dlq", "search-indexer"]
        } else {
            ["search-indexer", "search-indexer-dlq"]
        };
        for queue in queues {
            for message in receive(&fleet, queue, 10, Some(0)).await {
                bodies.insert(
                    message.message_id.clone(),
                    (message.body, message.md5_of_body),
                );
            }
        }
        bodies
    };
    let one_way = read(true).await;
    assert_eq!(one_way.len(), 20);
    assert!(
        one_way
            .values()
            .all(|(body, _)| body.contains("\"Message\" : "))
    );
    assert_eq!(one_way, read(false).await);
}
