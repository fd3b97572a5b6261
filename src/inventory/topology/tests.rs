use super::*;
use crate::domain::{EventSourceMapping, Topic};
use crate::inventory::model::tests::queue;

fn arn_of(name: &str) -> String {
    format!("arn:aws:sqs:us-east-1:1:{name}")
}

fn fan_out() -> Inventory {
    let mut inventory = Inventory::default();
    inventory.upsert_queues(
        vec![
            queue("orders", 4, Some("orders-dlq")),
            queue("orders-dlq", 2, None),
            queue("audit", 0, Some("deleted-dlq")),
            queue("loop-a", 0, Some("loop-b")),
            queue("loop-b", 0, Some("loop-a")),
            queue("lonely", 1, None),
        ],
        1,
    );
    inventory.set_topics(vec![Topic::from_attributes(
        "arn:aws:sns:us-east-1:1:events",
        Default::default(),
    )]);
    let topic = "arn:aws:sns:us-east-1:1:events";
    let mut filtered = Subscription::listed(
        "arn:aws:sns:us-east-1:1:events:1",
        topic,
        "sqs",
        &arn_of("orders"),
        None,
    );
    filtered.filter_policy = Some(r#"{"type":["a","b"]}"#.to_string());
    filtered.dlq_arn = Some(arn_of("orders-dlq"));
    inventory.set_subscriptions(vec![
        filtered,
        Subscription::listed(
            "arn:aws:sns:us-east-1:1:events:2",
            topic,
            "sqs",
            &arn_of("audit"),
            None,
        ),
        Subscription::listed(
            "arn:aws:sns:us-east-1:1:events:3",
            topic,
            "sqs",
            &arn_of("gone"),
            None,
        ),
        Subscription::listed(
            "arn:aws:sns:us-east-1:1:old:4",
            "arn:aws:sns:us-east-1:1:old",
            "https",
            "https://x",
            None,
        ),
    ]);
    inventory.set_mappings(vec![EventSourceMapping {
        uuid: "m".into(),
        function_arn: "arn:aws:lambda:us-east-1:1:function:worker".into(),
        event_source_arn: arn_of("orders"),
        state: "Enabled".into(),
        batch_size: Some(10),
        function_response_types: Vec::new(),
    }]);
    inventory
}

#[test]
fn topic_to_queue_to_dlq_and_consumers() {
    let topology = build(&fan_out());
    let events = &topology.topics[0];
    assert_eq!(events.name, "events");
    let orders = events.subscriptions[0]
        .queue
        .as_ref()
        .expect("orders queue");
    assert_eq!(orders.queue.name, "orders");
    assert_eq!(orders.consumers[0].function_name, "worker");
    assert_eq!(orders.consumers[0].batch_size, Some(10));
    match &orders.dlq {
        Some(DlqNode::Present(dlq)) => {
            assert_eq!(dlq.queue.name, "orders-dlq");
            assert!(dlq.queue.is_dlq);
            assert_eq!(dlq.queue.visible, 2);
        }
        other => panic!("expected the DLQ, got {other:?}"),
    }
    assert!(matches!(
        &events.subscriptions[0].dlq,
        Some(DlqNode::Present(_))
    ));
}

#[test]
fn missing_targets_and_cycles_are_nodes() {
    let topology = build(&fan_out());
    let events = &topology.topics[0];
    let audit = events.subscriptions[1].queue.as_ref().expect("audit");
    assert_eq!(
        audit.dlq,
        Some(DlqNode::Missing {
            arn: arn_of("deleted-dlq")
        })
    );
    assert!(events.subscriptions[2].queue_missing);
    assert!(events.subscriptions[2].queue.is_none());
    // A subscription whose topic was not listed keeps a root of its own.
    assert!(topology.topics[1].name.contains("topic not found"));

    // loop-a → loop-b → loop-a: both are DLQs, so neither is a root; build a node directly.
    let inventory = fan_out();
    let loop_a = inventory.queue_by_arn(&arn_of("loop-a")).expect("loop-a");
    let node = queue_node(&inventory, loop_a, &mut Vec::new());
    match node.dlq {
        Some(DlqNode::Present(b)) => assert_eq!(
            b.dlq,
            Some(DlqNode::Cycle {
                arn: arn_of("loop-a")
            })
        ),
        other => panic!("expected loop-b, got {other:?}"),
    }
}

#[test]
fn unsubscribed_queues_that_are_not_dlqs_get_their_own_root() {
    let topology = build(&fan_out());
    let names: Vec<&str> = topology
        .unsubscribed
        .iter()
        .map(|q| q.queue.name.as_str())
        .collect();
    // lonely feeds nothing and is fed by nothing; the DLQ cycle would otherwise vanish.
    assert_eq!(names, ["lonely", "loop-a"]);
}
