//! SNS fan-out: filter policies, raw delivery or the envelope, subscription DLQs, FIFO.

use base64::Engine;
use serde_json::Value;

use super::*;
use crate::aws::{ErrorKind, TopicPublisher};
use crate::domain::message::OutgoingNotification;
use crate::sim::spec::{QueueSpec, SubscriptionSpec};
use crate::sim::world::topic_arn;

fn notification(message: &str, attributes: &[(&str, AttributeValue)]) -> OutgoingNotification {
    OutgoingNotification {
        message: message.to_string(),
        subject: None,
        message_attributes: attributes
            .iter()
            .map(|(k, v)| (k.to_string(), v.clone()))
            .collect(),
        group_id: None,
        deduplication_id: None,
    }
}

fn fanout(subscriptions: Vec<SubscriptionSpec>, queues: &[&str]) -> FleetSpec {
    FleetSpec {
        queues: queues.iter().map(|q| QueueSpec::new(q)).collect(),
        topics: vec!["events".to_string(), "events.fifo".to_string()],
        subscriptions,
        ..FleetSpec::default()
    }
}

#[tokio::test]
async fn raw_delivery_keeps_the_body_and_the_attributes() {
    let (fleet, _clock) = world(fanout(
        vec![SubscriptionSpec::new("events", "sqs", "raw").raw()],
        &["raw"],
    ));
    let body = "{\"id\": 7, \"note\": \"héllo\"}";
    let published = notification(body, &[("type", string_attribute("a"))]);
    fleet
        .publish(
            &topic_arn(super::super::world::REGION, "events"),
            &published,
        )
        .await
        .expect("publish");
    let got = receive(&fleet, "raw", 10, None).await;
    assert_eq!(got[0].body, body);
    assert_eq!(got[0].message_attributes["type"], string_attribute("a"));
}

#[tokio::test]
async fn the_envelope_wraps_the_message_as_sns_writes_it() {
    let (fleet, _clock) = world(fanout(
        vec![SubscriptionSpec::new("events", "sqs", "wrapped")],
        &["wrapped"],
    ));
    let published = OutgoingNotification {
        subject: Some("Order update".into()),
        ..notification(
            "line one\nline \"two\"",
            &[
                ("type", string_attribute("a")),
                ("amount", AttributeValue::number("12.5")),
                ("blob", AttributeValue::binary(vec![0, 159, 255])),
            ],
        )
    };
    let id = fleet
        .publish(
            &topic_arn(super::super::world::REGION, "events"),
            &published,
        )
        .await
        .expect("publish");
    let got = receive(&fleet, "wrapped", 10, None).await;
    assert!(
        got[0].message_attributes.is_empty(),
        "attributes travel inside the envelope"
    );
    let envelope: Value = serde_json::from_str(&got[0].body).expect("json envelope");
    assert_eq!(envelope["Type"], "Notification");
    assert_eq!(envelope["MessageId"], id.as_str());
    assert_eq!(
        envelope["TopicArn"],
        topic_arn(super::super::world::REGION, "events").as_str()
    );
    assert_eq!(envelope["Subject"], "Order update");
    assert_eq!(envelope["Message"], "line one\nline \"two\"");
    assert_eq!(envelope["Timestamp"], "2027-01-15T08:00:00.000Z");
    assert_eq!(envelope["SignatureVersion"], "1");
    assert!(
        envelope["UnsubscribeURL"]
            .as_str()
            .is_some_and(|u| u.contains("Action=Unsubscribe"))
    );
    let attributes = &envelope["MessageAttributes"];
    assert_eq!(
        attributes["type"],
        serde_json::json!({"Type": "String", "Value": "a"})
    );
    assert_eq!(
        attributes["amount"],
        serde_json::json!({"Type": "Number", "Value": "12.5"})
    );
    let blob = base64::engine::general_purpose::STANDARD.encode([0u8, 159, 255]);
    assert_eq!(
        attributes["blob"],
        serde_json::json!({"Type": "Binary", "Value": blob})
    );
    let keys: Vec<&str> = envelope
        .as_object()
        .expect("object")
        .keys()
        .map(String::as_str)
        .collect();
    assert!(keys.contains(&"Signature") && keys.contains(&"SigningCertURL"));
}

#[tokio::test]
async fn filter_policies_decide_who_receives_and_are_counted() {
    let (fleet, clock) = world(fanout(
        vec![
            SubscriptionSpec::new("events", "sqs", "placed")
                .filter(r#"{"type":["order_placed"]}"#)
                .raw(),
            SubscriptionSpec::new("events", "sqs", "big")
                .filter(r#"{"amount":[{"numeric":[">",1000]}]}"#)
                .raw(),
            SubscriptionSpec::new("events", "sqs", "all").raw(),
        ],
        &["placed", "big", "all"],
    ));
    let topic = topic_arn(super::super::world::REGION, "events");
    let cases = [
        ("order_placed", "5"),
        ("order_placed", "5000"),
        ("order_shipped", "2000"),
        ("order_shipped", "1"),
    ];
    for (kind, amount) in cases {
        let published = notification(
            "{}",
            &[
                ("type", string_attribute(kind)),
                ("amount", AttributeValue::number(amount)),
            ],
        );
        fleet.publish(&topic, &published).await.expect("publish");
    }
    assert_eq!(counts(&fleet, "placed").await, visible(2));
    assert_eq!(counts(&fleet, "big").await, visible(2));
    assert_eq!(counts(&fleet, "all").await, visible(4));
    seconds(&clock, 60);
    let points = fleet.topic_metrics("events").expect("topic");
    let point = points.last().expect("a point");
    assert_eq!(
        (point.published, point.delivered, point.filtered_out),
        (4, 8, 4)
    );
}

#[tokio::test]
async fn a_delivery_to_a_missing_queue_goes_to_the_subscription_dlq() {
    let (fleet, clock) = world(fanout(
        vec![
            SubscriptionSpec::new("events", "sqs", "deleted").with_dlq("sub-dlq"),
            SubscriptionSpec::new("events", "sqs", "also-deleted"),
        ],
        &["sub-dlq"],
    ));
    fleet
        .publish(
            &topic_arn(super::super::world::REGION, "events"),
            &notification("lost?", &[]),
        )
        .await
        .expect("publish");
    let dead = receive(&fleet, "sub-dlq", 10, None).await;
    assert_eq!(dead.len(), 1);
    let envelope: Value =
        serde_json::from_str(&dead[0].body).expect("the envelope it would have had");
    assert_eq!(envelope["Message"], "lost?");
    assert_eq!(
        dead[0].message_attributes["ErrorCode"],
        string_attribute("AWS.SimpleQueueService.NonExistentQueue")
    );
    assert!(dead[0].message_attributes.contains_key("RequestID"));
    seconds(&clock, 60);
    let point = *fleet
        .topic_metrics("events")
        .expect("topic")
        .last()
        .expect("point");
    assert_eq!(
        (point.delivered, point.failed, point.redriven_to_dlq),
        (0, 2, 1)
    );
}

#[tokio::test]
async fn a_fifo_topic_passes_group_and_deduplication_to_fifo_queues() {
    let (fleet, _clock) = world(fanout(
        vec![SubscriptionSpec::new("events.fifo", "sqs", "jobs.fifo").raw()],
        &["jobs.fifo"],
    ));
    let topic = topic_arn(super::super::world::REGION, "events.fifo");
    let missing_group = fleet.publish(&topic, &notification("x", &[])).await;
    assert_eq!(
        missing_group.expect_err("group required").kind,
        ErrorKind::Client
    );
    let published = OutgoingNotification {
        group_id: Some("customer-1".into()),
        deduplication_id: Some("evt-1".into()),
        ..notification("first", &[])
    };
    let first = fleet.publish(&topic, &published).await.expect("publish");
    let duplicate = fleet.publish(&topic, &published).await.expect("publish");
    assert_eq!(
        first, duplicate,
        "SNS drops the duplicate and answers with the first id"
    );
    let got = receive(&fleet, "jobs.fifo", 10, None).await;
    assert_eq!(got.len(), 1);
    assert_eq!(got[0].group_id(), Some("customer-1"));
    assert_eq!(got[0].deduplication_id(), Some("evt-1"));
    let unknown = fleet
        .publish(
            &topic_arn(super::super::world::REGION, "nope"),
            &notification("x", &[]),
        )
        .await;
    assert_eq!(unknown.expect_err("no topic").kind, ErrorKind::NotFound);
}
