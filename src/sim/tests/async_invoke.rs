//! A topic invoking a function directly (an SNS `lambda` subscription) while the function
//! fails: the event lands in the function's DLQ with Lambda's attributes, the invocation
//! record in its on-failure destination; once it recovers, nothing more lands.

use serde_json::Value;

use super::*;
use crate::aws::{LambdaDirectory, TopicPublisher};
use crate::domain::message::OutgoingNotification;
use crate::sim::clock::ManualClock;
use crate::sim::spec::{FunctionSpec, QueueSpec, SubscriptionSpec};
use crate::sim::world::topic_arn;

const FAILS_FOR_MS: i64 = 5 * 60 * 1000;

fn failing_world() -> FleetSpec {
    FleetSpec {
        queues: vec![
            QueueSpec::new("notify-dlq"),
            QueueSpec::new("notify-failures"),
        ],
        topics: vec!["shipments".to_string()],
        subscriptions: vec![SubscriptionSpec::new("shipments", "lambda", "notify")],
        functions: vec![
            FunctionSpec::new("notify", "nodejs22.x")
                .with_dlq("notify-dlq")
                .on_failure_to("notify-failures")
                .failing_async_until(ManualClock::DEFAULT_START_MS + FAILS_FOR_MS),
        ],
        ..FleetSpec::default()
    }
}

fn shipped(id: &str) -> OutgoingNotification {
    OutgoingNotification {
        message: format!(r#"{{"shipmentId":"{id}"}}"#),
        subject: None,
        message_attributes: [("type".to_string(), AttributeValue::string("shipped"))]
            .into_iter()
            .collect(),
        group_id: None,
        deduplication_id: None,
    }
}

#[tokio::test]
async fn a_failing_async_function_fills_its_dlq_and_destination_then_stops() {
    let (fleet, clock) = world(failing_world());
    let topic = topic_arn(super::super::world::REGION, "shipments");
    fleet
        .publish(&topic, &shipped("s-1"))
        .await
        .expect("publish");
    fleet
        .publish(&topic, &shipped("s-2"))
        .await
        .expect("publish");

    let dead = receive(&fleet, "notify-dlq", 10, None).await;
    assert_eq!(dead.len(), 2);
    let event: Value = serde_json::from_str(&dead[0].body).expect("the event is JSON");
    let sns = &event["Records"][0]["Sns"];
    assert_eq!(event["Records"][0]["EventSource"], "aws:sns");
    assert_eq!(sns["TopicArn"], topic);
    assert!(
        sns["Message"]
            .as_str()
            .expect("message")
            .contains("shipmentId")
    );
    assert_eq!(sns["MessageAttributes"]["type"]["Value"], "shipped");
    for name in ["RequestID", "ErrorCode", "ErrorMessage"] {
        assert!(dead[0].message_attributes.contains_key(name), "{name}");
    }
    assert_eq!(
        dead[0].message_attributes["ErrorCode"],
        AttributeValue::string("200")
    );

    let records = receive(&fleet, "notify-failures", 10, None).await;
    assert_eq!(records.len(), 2);
    let record: Value = serde_json::from_str(&records[0].body).expect("record");
    assert_eq!(record["requestContext"]["condition"], "RetriesExhausted");
    assert_eq!(record["requestContext"]["approximateInvokeCount"], 3);
    assert_eq!(
        record["requestPayload"]["Records"][0]["Sns"]["TopicArn"],
        topic
    );
    assert!(record["responsePayload"]["errorMessage"].is_string());
    assert_eq!(
        records[0].message_attributes.get("RequestID"),
        None,
        "a destination gets the record alone"
    );

    seconds(&clock, 6 * 60);
    fleet
        .publish(&topic, &shipped("s-3"))
        .await
        .expect("publish");
    let counts = fleet
        .describe_queue(&url("notify-dlq"))
        .await
        .expect("dlq")
        .counts;
    assert_eq!(
        counts.visible + counts.in_flight,
        2,
        "recovered: nothing more"
    );
}

#[tokio::test]
async fn the_function_reports_its_dlq_and_invoke_settings() {
    let (fleet, _clock) = world(failing_world());
    let functions = fleet.list_functions(None).await.expect("functions").items;
    assert_eq!(
        functions[0].dlq_arn.as_deref(),
        Some(arn("notify-dlq").as_str())
    );
    let config = fleet
        .event_invoke_config("notify")
        .await
        .expect("read")
        .expect("set");
    assert_eq!(
        config.on_failure.as_deref(),
        Some(arn("notify-failures").as_str())
    );
    let missing = fleet.event_invoke_config("nope").await.unwrap_err();
    assert_eq!(missing.kind, crate::aws::ErrorKind::NotFound);
}

async fn depth(fleet: &SimFleet, queue: &str) -> u64 {
    let counts = fleet
        .describe_queue(&url(queue))
        .await
        .expect("queue")
        .counts;
    counts.visible + counts.in_flight
}

/// The demo's shipping-notifier fails its first minutes: its DLQ and destination fill from
/// the shipping-events traffic, then stop.
#[tokio::test]
async fn the_demo_notifier_fills_its_dlq_then_recovers() {
    let clock = Arc::new(ManualClock::default());
    let fleet = SimFleet::demo_with(7, clock.clone());
    let dlq = "shipping-notifier-dlq";
    assert_eq!(depth(&fleet, dlq).await, 0, "empty at the start");
    seconds(&clock, 5 * 60);
    assert!(depth(&fleet, dlq).await > 0, "filled while failing");
    seconds(&clock, 10 * 60);
    let after = depth(&fleet, dlq).await;
    seconds(&clock, 5 * 60);
    assert_eq!(
        depth(&fleet, dlq).await,
        after,
        "recovered: it stopped filling"
    );
    assert_eq!(
        depth(&fleet, "shipping-notifier-failures").await,
        after,
        "one record per event"
    );
}

/// What CloudWatch says of `metric` for function `name`, minute by minute, over the world's
/// first `minutes`.
async fn lambda_metric(fleet: &Arc<SimFleet>, name: &str, metric: &str, minutes: i64) -> Vec<f64> {
    use crate::aws::cloudwatch::{MetricQuery, MetricSource, QueryKind, StatSpec};
    let query = MetricQuery {
        id: "q".into(),
        kind: QueryKind::Stat(StatSpec {
            namespace: "AWS/Lambda".into(),
            metric: metric.into(),
            dimensions: [("FunctionName".to_string(), name.to_string())].into(),
            stat: "Sum".into(),
            period_s: 60,
        }),
        return_data: true,
    };
    let start = ManualClock::DEFAULT_START_MS;
    let series = crate::sim::cloudwatch::SimMetrics::new(Arc::clone(fleet))
        .get_metric_data(&[query], start, start + minutes * 60_000)
        .await
        .expect("metric data");
    series
        .into_iter()
        .flat_map(|s| s.points)
        .map(|(_, v)| v)
        .collect()
}

/// A function whose role may not write to its DLQ and destination: Lambda gives up on the
/// events and cannot leave them anywhere, which its `DeadLetterErrors` and
/// `DestinationDeliveryFailures` count; a function that can counts zero, and one without
/// targets reports neither.
#[tokio::test]
async fn undeliverable_failed_events_count_as_dead_letter_errors_and_destination_failures() {
    let mut spec = failing_world();
    spec.functions[0] = spec.functions[0].clone().role_cannot_write_targets();
    let (fleet, clock) = world(spec);
    let fleet = Arc::new(fleet);
    let topic = topic_arn(super::super::world::REGION, "shipments");
    for id in ["s-1", "s-2", "s-3"] {
        fleet.publish(&topic, &shipped(id)).await.expect("publish");
    }
    seconds(&clock, 2 * 60);
    assert_eq!(depth(&fleet, "notify-dlq").await, 0, "nothing could land");
    assert_eq!(depth(&fleet, "notify-failures").await, 0);
    let sum = |v: Vec<f64>| v.iter().sum::<f64>();
    assert_eq!(
        sum(lambda_metric(&fleet, "notify", "DeadLetterErrors", 2).await),
        3.0
    );
    assert_eq!(
        sum(lambda_metric(&fleet, "notify", "DestinationDeliveryFailures", 2).await),
        3.0
    );

    let (fleet, clock) = world(failing_world());
    let fleet = Arc::new(fleet);
    fleet
        .publish(&topic, &shipped("s-1"))
        .await
        .expect("publish");
    seconds(&clock, 2 * 60);
    assert_eq!(depth(&fleet, "notify-dlq").await, 1);
    assert_eq!(
        lambda_metric(&fleet, "notify", "DeadLetterErrors", 2).await,
        [0.0]
    );
}

/// Doctor over the simulated world: the function whose role may not write to its DLQ and
/// destination is named for both; the same function with a role that may is not; and the
/// demo's notifier (whose role may write) has no such finding.
#[tokio::test]
async fn doctor_names_a_role_that_cannot_write_to_its_dlq_and_destination() {
    use crate::inventory::{Source, collect_inventory};
    let rules_on_notify = |backend: crate::aws::Backend| async move {
        let collected = collect_inventory(&backend, 4, &Source::ALL).await;
        crate::doctor::diagnose(&collected.inventory)
            .into_iter()
            .filter(|f| f.rule == "lambda-role-cannot-write-target")
            .map(|f| f.resources[1].clone())
            .collect::<Vec<String>>()
    };
    let mut spec = failing_world();
    spec.functions[0] = spec.functions[0].clone().role_cannot_write_targets();
    let (fleet, _clock) = world(spec);
    assert_eq!(
        rules_on_notify(crate::sim::backend(fleet)).await,
        [arn("notify-dlq"), arn("notify-failures")]
    );
    let (fleet, _clock) = world(failing_world());
    assert!(rules_on_notify(crate::sim::backend(fleet)).await.is_empty());
    let demo = crate::sim::backend(SimFleet::demo().frozen());
    assert!(rules_on_notify(demo).await.is_empty());
}
