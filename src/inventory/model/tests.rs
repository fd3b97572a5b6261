//! The inventory model's tests, and the test queues other modules' tests build on.

use std::collections::BTreeMap;

use super::*;
use crate::domain::{QueueCounts, RedrivePolicy};

pub(crate) fn queue(name: &str, visible: u64, dlq: Option<&str>) -> Queue {
    Queue {
        name: name.to_string(),
        url: format!("https://sqs/1/{name}"),
        arn: format!("arn:aws:sqs:us-east-1:1:{name}"),
        fifo: name.ends_with(".fifo"),
        counts: QueueCounts {
            visible,
            in_flight: 0,
            delayed: 0,
        },
        redrive: dlq.map(|d| RedrivePolicy {
            dead_letter_target_arn: format!("arn:aws:sqs:us-east-1:1:{d}"),
            max_receive_count: 5,
        }),
        attributes: BTreeMap::new(),
    }
}

#[test]
fn dlq_links_are_indexed_both_ways() {
    let mut inventory = Inventory::default();
    inventory.upsert_queues(
        vec![
            queue("a", 0, Some("shared-dlq")),
            queue("b", 0, Some("shared-dlq")),
            queue("shared-dlq", 3, None),
        ],
        1,
    );
    assert!(inventory.is_dlq("arn:aws:sqs:us-east-1:1:shared-dlq"));
    assert!(!inventory.is_dlq("arn:aws:sqs:us-east-1:1:a"));
    assert_eq!(
        inventory.dlq_sources("arn:aws:sqs:us-east-1:1:shared-dlq"),
        ["arn:aws:sqs:us-east-1:1:a", "arn:aws:sqs:us-east-1:1:b"]
    );
}

#[test]
fn fresh_counts_move_the_revision_but_not_the_configuration_revision() {
    let mut inventory = Inventory::default();
    inventory.upsert_queues(vec![queue("a", 0, Some("a-dlq"))], 1);
    let (revision, config) = (inventory.revision, inventory.config_revision);
    inventory.update_queues(vec![queue("a", 7, Some("a-dlq"))]);
    assert!(inventory.revision > revision);
    assert_eq!(inventory.config_revision, config, "only counts moved");
    let mut retention = queue("a", 7, Some("a-dlq"));
    retention
        .attributes
        .insert("MessageRetentionPeriod".into(), "60".into());
    inventory.update_queues(vec![retention]);
    assert!(inventory.config_revision > config, "an attribute changed");
    let config = inventory.config_revision;
    inventory.update_queues(vec![queue("a", 7, Some("other-dlq"))]);
    assert!(
        inventory.config_revision > config,
        "the redrive policy changed"
    );
}

#[test]
fn finishing_a_load_drops_queues_it_did_not_see() {
    let mut inventory = Inventory::default();
    inventory.upsert_queues(vec![queue("a", 0, None), queue("b", 0, None)], 1);
    inventory.finish_queues(1);
    inventory.upsert_queues(vec![queue("b", 4, None)], 2);
    inventory.finish_queues(2);
    assert_eq!(inventory.queues().len(), 1);
    assert_eq!(
        inventory
            .queue_by_url("https://sqs/1/b")
            .map(|q| q.counts.visible),
        Some(4)
    );
    assert!(
        inventory
            .queue_by_arn("arn:aws:sqs:us-east-1:1:a")
            .is_none()
    );
    assert!(inventory.status(Source::Queues).loaded);
}

#[test]
fn consumers_and_subscriptions_are_indexed_by_queue() {
    let mut inventory = Inventory::default();
    let queue_arn = "arn:aws:sqs:us-east-1:1:orders";
    inventory.set_mappings(vec![EventSourceMapping {
        uuid: "u".into(),
        function_arn: "arn:aws:lambda:us-east-1:1:function:worker".into(),
        event_source_arn: queue_arn.into(),
        state: "Enabled".into(),
        batch_size: Some(10),
        function_response_types: Vec::new(),
    }]);
    inventory.set_subscriptions(vec![Subscription::listed(
        "arn:aws:sns:us-east-1:1:t:1",
        "arn:aws:sns:us-east-1:1:t",
        "sqs",
        queue_arn,
        None,
    )]);
    assert_eq!(inventory.consumers_of(queue_arn).count(), 1);
    assert_eq!(
        inventory
            .mappings_of_function("arn:aws:lambda:us-east-1:1:function:worker")
            .count(),
        1
    );
    assert_eq!(inventory.subscriptions_to_queue(queue_arn).count(), 1);
    assert_eq!(
        inventory
            .subscriptions_of_topic("arn:aws:sns:us-east-1:1:t")
            .count(),
        1
    );
    inventory.set_error(
        Source::EventSourceMappings,
        ApiError::access_denied("ListFunctions", "no"),
    );
    assert!(inventory.consumers_unknown().is_some());
    assert_eq!(
        inventory.consumers_of(queue_arn).count(),
        1,
        "earlier data is kept"
    );
}

/// A function with a DLQ and an on-failure destination, invoked by an SNS `lambda`
/// subscription: both targets read as DLQs, each with what feeds it.
pub(crate) fn async_function(
    name: &str,
    dlq: Option<&str>,
    on_failure: Option<&str>,
) -> LambdaFunction {
    use crate::domain::{EventInvokeConfig, InvokeConfigReading};
    LambdaFunction {
        role: None,
        role_policies: Default::default(),
        name: name.to_string(),
        arn: format!("arn:aws:lambda:us-east-1:1:function:{name}"),
        runtime: Some("python3.12".into()),
        memory_mb: Some(128),
        timeout_seconds: Some(3),
        last_modified: None,
        dlq_arn: dlq.map(|d| format!("arn:aws:sqs:us-east-1:1:{d}")),
        logging: Default::default(),
        invoke_config: match on_failure {
            Some(d) => InvokeConfigReading::Set(EventInvokeConfig {
                on_failure: Some(format!("arn:aws:sqs:us-east-1:1:{d}")),
                ..EventInvokeConfig::default()
            }),
            None => InvokeConfigReading::Absent,
        },
    }
}

#[test]
fn function_dlqs_and_on_failure_destinations_are_dlqs_with_their_feeders() {
    let mut inventory = Inventory::default();
    inventory.upsert_queues(
        vec![
            queue("notify-dlq", 2, None),
            queue("notify-failures", 1, None),
        ],
        1,
    );
    let dlq = "arn:aws:sqs:us-east-1:1:notify-dlq";
    let destination = "arn:aws:sqs:us-east-1:1:notify-failures";
    assert!(!inventory.is_dlq(dlq), "nothing names it yet");
    inventory.set_functions(vec![async_function(
        "notify",
        Some("notify-dlq"),
        Some("notify-failures"),
    )]);
    inventory.set_subscriptions(vec![Subscription::listed(
        "arn:aws:sns:us-east-1:1:orders:1",
        "arn:aws:sns:us-east-1:1:orders",
        "lambda",
        "arn:aws:lambda:us-east-1:1:function:notify",
        None,
    )]);
    assert!(inventory.is_dlq(dlq));
    assert!(inventory.is_dlq(destination));
    let roles: Vec<String> = inventory
        .lambda_dead_letters_to(destination)
        .map(|d| d.describe())
        .collect();
    assert_eq!(roles, ["on-failure destination of notify"]);
    let invokers: Vec<&str> = inventory
        .async_invokers_of("notify")
        .map(|s| s.topic_name())
        .collect();
    assert_eq!(invokers, ["orders"]);
    inventory.set_functions(Vec::new());
    assert!(
        !inventory.is_dlq(dlq),
        "the function is gone, so is the role"
    );
}
