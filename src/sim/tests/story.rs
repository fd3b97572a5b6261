//! The incident `--demo` tells (`demo_story`): its fan-out wired as the issue describes, a
//! calm start consistent with its made-up hour, the shipping consumer failing on schedule,
//! the rollback, a redrive that drains the DLQ for good, and the same story under a seed.

use super::*;
use crate::aws::MoveTaskRunner;
use crate::sim::{DemoOptions, SHIPPING_DLQ, SHIPPING_FUNCTION, SHIPPING_QUEUE, SimFleet};

const MINUTE_S: u64 = 60;

fn story(seed: u64) -> (SimFleet, Arc<ManualClock>) {
    let clock = Arc::new(ManualClock::default());
    (SimFleet::demo_with(seed, clock.clone()), clock)
}

fn minutes(clock: &ManualClock, n: u64) {
    // One minute per call: within the world's catch-up cap, so every step is simulated.
    for _ in 0..n {
        seconds(clock, MINUTE_S);
    }
}

/// Errors and throttles of the shipping consumer over the minutes since the start
/// (the points after the hour of history).
fn shipping_faults(fleet: &SimFleet) -> (u64, u64, u64) {
    let points = fleet.function_metrics(SHIPPING_FUNCTION).expect("function");
    let live = points
        .iter()
        .filter(|p| p.minute_ms >= ManualClock::DEFAULT_START_MS);
    live.fold((0, 0, 0), |(i, e, t), p| {
        (i + p.invocations, e + p.errors, t + p.throttles)
    })
}

#[tokio::test]
async fn the_story_is_wired_as_the_issue_tells_it() {
    let (fleet, _clock) = story(7);
    let backend = crate::sim::backend(fleet);
    let collected =
        crate::inventory::collect_inventory(&backend, 4, &crate::inventory::Source::ALL).await;
    let inventory = collected.inventory;
    let sub_to = |queue: &str| {
        inventory
            .subscriptions()
            .iter()
            .find(|s| s.endpoint == arn(queue))
            .unwrap_or_else(|| panic!("a subscription to {queue}"))
            .clone()
    };
    let inventory_reserve = sub_to("inventory-reserve");
    assert!(inventory_reserve.topic_arn.ends_with(":payment-complete"));
    assert!(inventory_reserve.raw_message_delivery);
    let shipping = sub_to(SHIPPING_QUEUE);
    assert!(shipping.topic_arn.ends_with(":payment-complete"));
    assert!(!shipping.raw_message_delivery);
    assert!(shipping.filter_policy.is_some());
    let notify = sub_to("customer-notify");
    assert_eq!(notify.dlq_arn, Some(arn("customer-notify-sub-dlq")));
    let ledger = sub_to("order-ledger.fifo");
    assert!(ledger.topic_arn.ends_with(":orders.fifo"));
    for queue in [
        "inventory-reserve",
        SHIPPING_QUEUE,
        "customer-notify",
        "order-ledger.fifo",
    ] {
        let found = inventory.queue_by_arn(&arn(queue)).expect("queue");
        let dlq = found
            .redrive
            .as_ref()
            .map(|r| r.dead_letter_target_arn.clone());
        assert!(
            dlq.as_ref()
                .is_some_and(|d| inventory.queue_by_arn(d).is_some()),
            "{queue} has a DLQ that exists: {dlq:?}"
        );
        let consumers: Vec<_> = inventory.consumers_of(&arn(queue)).collect();
        assert_eq!(consumers.len(), 1, "{queue}");
        assert_eq!(consumers[0].state, "Enabled");
    }
    assert!(
        inventory
            .queue_by_arn(&arn("order-ledger.fifo"))
            .is_some_and(|q| q.fifo)
    );
}

#[tokio::test]
async fn the_story_starts_calm_and_its_hour_of_history_agrees() {
    let (fleet, _clock) = story(7);
    for queue in [
        "inventory-reserve",
        SHIPPING_QUEUE,
        "customer-notify",
        "order-ledger.fifo",
    ] {
        assert_eq!(
            fleet.queue_metrics(queue).expect("queue").len(),
            60,
            "{queue}"
        );
    }
    for function in [
        "inventory-reserver",
        SHIPPING_FUNCTION,
        "customer-notifier",
        "order-ledger-writer",
    ] {
        let history = fleet.function_metrics(function).expect("function");
        assert_eq!(history.len(), 60, "{function}");
        assert!(history.iter().all(|p| p.invocations > 0), "{function}");
    }
    // Before the incident nothing failed: no errors in the history, an empty DLQ.
    let history = fleet.function_metrics(SHIPPING_FUNCTION).expect("function");
    assert!(history.iter().all(|p| p.errors == 0 && p.throttles == 0));
    assert_eq!(counts(&fleet, SHIPPING_DLQ).await, visible(0));
    let payments = fleet.topic_metrics("payment-complete").expect("topic");
    assert_eq!(payments.len(), 60);
    assert!(
        payments
            .iter()
            .all(|p| p.delivered > 0 && p.filtered_out > 0)
    );
}

#[tokio::test]
async fn the_shipping_consumer_fails_on_schedule() {
    let (fleet, clock) = story(7);
    let after_s = DemoOptions::default().incident_after_s;
    minutes(&clock, after_s / MINUTE_S);
    let (invocations, errors, throttles) = shipping_faults(&fleet);
    assert!(invocations > 0, "it ran");
    assert_eq!((errors, throttles), (0, 0), "calm before the incident");
    assert_eq!(counts(&fleet, SHIPPING_DLQ).await, visible(0));
    let calm = counts(&fleet, SHIPPING_QUEUE).await;

    minutes(&clock, 7);
    let (invocations_after, errors_after, throttles_after) = shipping_faults(&fleet);
    let new_invocations = invocations_after - invocations;
    assert!(
        errors_after * 2 > new_invocations,
        "most invocations fail: {errors_after} of {new_invocations}"
    );
    assert!(throttles_after > 10, "throttled: {throttles_after}");
    let dlq = counts(&fleet, SHIPPING_DLQ).await.visible;
    assert!(dlq > 20, "its DLQ fills: {dlq}");
    let backed_up = counts(&fleet, SHIPPING_QUEUE).await;
    assert!(
        backed_up.visible + backed_up.in_flight > calm.visible + calm.in_flight + 20,
        "its queue backs up: {calm:?} → {backed_up:?}"
    );
    let age = fleet.queue_metrics(SHIPPING_QUEUE).expect("queue");
    let age = age.last().map(|p| p.age_of_oldest_s).unwrap_or_default();
    assert!(age > 60, "its oldest message waits: {age} s");
    // The other consumers of the fan-out are unaffected.
    assert_eq!(counts(&fleet, "inventory-reserve-dlq").await, visible(0));
    assert_eq!(counts(&fleet, "customer-notify-dlq").await, visible(0));
}

#[tokio::test]
async fn after_the_rollback_a_redrive_drains_the_dlq_for_good() {
    let (fleet, clock) = story(7);
    let options = DemoOptions::default();
    let rollback_s = options.incident_after_s + options.incident_lasts_s;
    minutes(&clock, rollback_s / MINUTE_S + 1);
    let parked = counts(&fleet, SHIPPING_DLQ).await.visible;
    assert!(parked > 20, "the DLQ keeps what failed: {parked}");
    fleet
        .start_move_task(&arn(SHIPPING_DLQ), None, Some(50))
        .await
        .expect("start");
    minutes(&clock, 1);
    assert_eq!(counts(&fleet, SHIPPING_DLQ).await, visible(0), "drained");
    minutes(&clock, 4);
    assert_eq!(
        counts(&fleet, SHIPPING_DLQ).await,
        visible(0),
        "the fixed consumer takes them"
    );
    let queue = counts(&fleet, SHIPPING_QUEUE).await;
    assert!(queue.visible < 20, "the queue is back to normal: {queue:?}");
}

#[tokio::test]
async fn the_same_seed_tells_the_same_story() {
    let snapshot = |seed: u64| async move {
        let (fleet, clock) = story(seed);
        minutes(&clock, 8);
        let mut seen = Vec::new();
        for queue in [SHIPPING_QUEUE, SHIPPING_DLQ, "order-ledger.fifo"] {
            seen.push(format!("{:?}", counts(&fleet, queue).await));
            for message in receive(&fleet, queue, 10, Some(0)).await {
                seen.push(format!("{} {}", message.message_id, message.body));
            }
        }
        seen.push(format!("{:?}", fleet.function_metrics(SHIPPING_FUNCTION)));
        seen.push(format!("{:?}", fleet.queue_metrics(SHIPPING_QUEUE)));
        seen
    };
    let first = snapshot(42).await;
    assert_eq!(first, snapshot(42).await);
    assert_ne!(first, snapshot(43).await);
}

#[tokio::test]
async fn payments_swing_instead_of_flowing_flat() {
    let (fleet, clock) = story(7);
    minutes(&clock, 10);
    let points = fleet.topic_metrics("payment-complete").expect("topic");
    let live: Vec<u64> = points[60..].iter().map(|p| p.published).collect();
    let (low, high) = (
        live.iter().min().copied().unwrap_or_default(),
        live.iter().max().copied().unwrap_or_default(),
    );
    assert!(high > low + 12, "a ten-minute sine around 45/min: {live:?}");
}

#[tokio::test]
async fn skipping_into_the_story_opens_on_the_incident() {
    let clock = Arc::new(ManualClock::default());
    let options = DemoOptions {
        incident_after_s: 0,
        skip_s: 420,
        ..DemoOptions::default()
    };
    let fleet = SimFleet::demo_with_options(7, clock.clone(), options);
    assert!(counts(&fleet, SHIPPING_DLQ).await.visible > 0);
    let history = fleet.queue_metrics(SHIPPING_QUEUE).expect("queue");
    assert_eq!(
        history.len(),
        60 + 7,
        "the hour made up, the seven minutes lived"
    );
    // The world's now is the clock's: time moves on from there.
    let before = fleet.queue_metrics(SHIPPING_QUEUE).expect("queue").len();
    minutes(&clock, 1);
    assert_eq!(
        fleet.queue_metrics(SHIPPING_QUEUE).expect("queue").len(),
        before + 1
    );
}
