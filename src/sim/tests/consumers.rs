//! Lambda consumers: succeed and delete, fail and drain into the DLQ, follow the traffic
//! data when it changes.

use super::*;
use crate::sim::spec::{ConsumerProfile, FunctionSpec, QueueSpec, Traffic};

fn consumed(profile: ConsumerProfile, state: &str) -> FleetSpec {
    FleetSpec {
        queues: vec![
            QueueSpec::new("work").with_dlq("work-dlq", 3),
            QueueSpec::new("work-dlq"),
        ],
        functions: vec![FunctionSpec::new("worker", "python3.13").consumes("work", state, 10)],
        traffic: Traffic {
            producers: Vec::new(),
            consumers: vec![profile],
        },
        ..FleetSpec::default()
    }
}

async fn send_many(fleet: &SimFleet, n: usize) {
    for chunk in 0..n.div_ceil(10) {
        let entries: Vec<_> = (0..10.min(n - chunk * 10))
            .map(|i| message(&format!("m{i}"), &format!("{chunk}-{i}")))
            .collect();
        send(fleet, "work", &entries).await;
    }
}

#[tokio::test]
async fn a_failing_consumer_drains_its_queue_into_the_dlq() {
    let profile = ConsumerProfile {
        failure_probability: 1.0,
        duration_ms: 500,
        ..ConsumerProfile::new("worker", "work", 60.0)
    };
    let (fleet, clock) = world(consumed(profile, "Enabled"));
    send_many(&fleet, 20).await;
    seconds(&clock, 2);
    let early = counts(&fleet, "work").await;
    assert!(early.in_flight > 0, "the consumer holds a batch: {early:?}");
    // Three failed receives, 30 s of visibility each, then the fourth receive moves them.
    for _ in 0..10 {
        seconds(&clock, 60);
    }
    assert_eq!(counts(&fleet, "work").await, visible(0));
    assert_eq!(counts(&fleet, "work-dlq").await, visible(20));
    let dead = receive(&fleet, "work-dlq", 10, None).await;
    assert!(
        dead.iter()
            .all(|m| m.dead_letter_source_arn() == Some(arn("work").as_str()))
    );
    assert!(
        dead.iter().all(|m| m.receive_count() == Some(4)),
        "three by the consumer, one here"
    );
    let points = fleet.function_metrics("worker").expect("function");
    let invocations: u64 = points.iter().map(|p| p.invocations).sum();
    let errors: u64 = points.iter().map(|p| p.errors).sum();
    assert!(invocations >= 6, "{invocations}");
    assert_eq!(errors, invocations, "every invocation failed");
}

#[tokio::test]
async fn a_healthy_consumer_deletes_what_it_processes() {
    let profile = ConsumerProfile {
        duration_ms: 500,
        ..ConsumerProfile::new("worker", "work", 60.0)
    };
    let (fleet, clock) = world(consumed(profile, "Enabled"));
    send_many(&fleet, 35).await;
    seconds(&clock, 120);
    assert_eq!(counts(&fleet, "work").await, visible(0));
    assert_eq!(counts(&fleet, "work-dlq").await, visible(0));
    let points = fleet.queue_metrics("work").expect("queue");
    let deleted: u64 = points.iter().map(|p| p.deleted).sum();
    let sent: u64 = points.iter().map(|p| p.sent).sum();
    assert_eq!((sent, deleted), (35, 35));
    assert!(
        points.iter().any(|p| p.empty_receives > 0),
        "an idle poller's empty receives"
    );
}

#[tokio::test]
async fn a_disabled_mapping_does_not_poll() {
    let (fleet, clock) = world(consumed(
        ConsumerProfile::new("worker", "work", 60.0),
        "Disabled",
    ));
    send_many(&fleet, 5).await;
    seconds(&clock, 600);
    assert_eq!(counts(&fleet, "work").await, visible(5));
    assert!(
        fleet
            .function_metrics("worker")
            .expect("function")
            .is_empty()
    );
}

#[tokio::test]
async fn fixing_the_bug_in_the_traffic_data_stops_the_dead_letters() {
    let buggy = ConsumerProfile {
        failure_probability: 1.0,
        duration_ms: 500,
        ..ConsumerProfile::new("worker", "work", 60.0)
    };
    let (fleet, clock) = world(consumed(buggy, "Enabled"));
    send_many(&fleet, 10).await;
    seconds(&clock, 45);
    let mut traffic = fleet.traffic();
    traffic.consumers[0].failure_probability = 0.0;
    fleet.set_traffic(traffic);
    seconds(&clock, 300);
    assert_eq!(counts(&fleet, "work").await, visible(0));
    assert_eq!(
        counts(&fleet, "work-dlq").await,
        visible(0),
        "fixed before the third failure"
    );
}

#[tokio::test]
async fn throttled_invocations_return_their_messages_and_count_as_throttles() {
    let profile = ConsumerProfile {
        throttle_probability: 1.0,
        ..ConsumerProfile::new("worker", "work", 60.0)
    };
    let (fleet, clock) = world(consumed(profile, "Enabled"));
    send_many(&fleet, 3).await;
    // Received and throttled three times (an idle poller rests 20 s between polls).
    seconds(&clock, 300);
    let points = fleet.function_metrics("worker").expect("function");
    let throttles: u64 = points.iter().map(|p| p.throttles).sum();
    let invocations: u64 = points.iter().map(|p| p.invocations).sum();
    assert!(
        throttles >= 2 && invocations == 0,
        "{throttles} {invocations}"
    );
    assert_eq!(
        counts(&fleet, "work-dlq").await,
        visible(3),
        "throttled receives still count"
    );
}
