//! Finding one node in the topology tree, asserting it is there exactly once.

use squall::inventory::topology::{DlqNode, QueueNode, SubscriptionNode, TopicNode};

pub fn topic_node<'a>(topics: &'a [TopicNode], arn: &str) -> &'a TopicNode {
    let found: Vec<&TopicNode> = topics.iter().filter(|t| t.arn == arn).collect();
    assert_eq!(
        found.len(),
        1,
        "topic {arn} in the tree {} times",
        found.len()
    );
    found[0]
}

pub fn subscription_node<'a>(topic: &'a TopicNode, arn: &str) -> &'a SubscriptionNode {
    let found: Vec<&SubscriptionNode> = topic
        .subscriptions
        .iter()
        .filter(|s| s.arn == arn)
        .collect();
    assert_eq!(
        found.len(),
        1,
        "subscription {arn} under {} {} times",
        topic.name,
        found.len()
    );
    found[0]
}

pub fn present<'a>(dlq: Option<&'a DlqNode>, what: &str) -> &'a QueueNode {
    match dlq {
        Some(DlqNode::Present(queue)) => queue,
        other => panic!("{what}: expected a present DLQ, got {other:?}"),
    }
}
