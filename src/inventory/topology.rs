//! The fan-out tree: topic → subscription → queue → its DLQ and Lambda consumers, with
//! queues no topic feeds under a root of their own. Missing targets and DLQ cycles are
//! nodes of their own, never errors. The same tree feeds the TUI and `ls topology --json`.

use std::collections::HashSet;

use serde::Serialize;

use super::Inventory;
use crate::domain::{Queue, Subscription, arn};

/// A queue in the JSON outputs (`ls queues` and inside `ls topology`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct QueueSummary {
    pub name: String,
    pub arn: String,
    pub url: String,
    pub fifo: bool,
    pub visible: u64,
    pub in_flight: u64,
    pub delayed: u64,
    pub dlq_arn: Option<String>,
    pub max_receive_count: Option<u32>,
    /// Some queue's redrive policy targets this one.
    pub is_dlq: bool,
}

impl QueueSummary {
    pub fn new(queue: &Queue, is_dlq: bool) -> QueueSummary {
        QueueSummary {
            name: queue.name.clone(),
            arn: queue.arn.clone(),
            url: queue.url.clone(),
            fifo: queue.fifo,
            visible: queue.counts.visible,
            in_flight: queue.counts.in_flight,
            delayed: queue.counts.delayed,
            dlq_arn: queue.dlq_arn().map(str::to_string),
            max_receive_count: queue.max_receive_count(),
            is_dlq,
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ConsumerNode {
    pub function_name: String,
    pub function_arn: String,
    pub state: String,
    pub batch_size: Option<i32>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct QueueNode {
    #[serde(flatten)]
    pub queue: QueueSummary,
    pub dlq: Option<DlqNode>,
    pub consumers: Vec<ConsumerNode>,
    /// Set when consumers could not be listed (no Lambda permission, say).
    pub consumers_error: Option<String>,
}

/// Where a redrive policy points.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(tag = "status", rename_all = "snake_case")]
pub enum DlqNode {
    Present(Box<QueueNode>),
    /// The ARN names no queue in this account and region.
    Missing {
        arn: String,
    },
    /// Following DLQ links came back to a queue already on the path.
    Cycle {
        arn: String,
    },
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct SubscriptionNode {
    pub arn: String,
    pub protocol: String,
    pub endpoint: String,
    pub raw_message_delivery: bool,
    pub filter_policy: Option<serde_json::Value>,
    pub filter_policy_scope: Option<String>,
    pub dlq_arn: Option<String>,
    pub pending_confirmation: bool,
    /// The subscription's own DLQ, resolved.
    pub dlq: Option<DlqNode>,
    /// For `sqs` subscriptions: the queue, if it exists.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub queue: Option<QueueNode>,
    /// An `sqs` subscription whose queue does not exist.
    pub queue_missing: bool,
    /// For `lambda` subscriptions: where the function's failed asynchronous invokes land
    /// (its DLQ, its on-failure destination).
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub function_targets: Vec<FunctionTargetNode>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub warning: Option<String>,
}

/// A function's DLQ or on-failure destination, under the `lambda` subscription that
/// invokes the function asynchronously.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct FunctionTargetNode {
    /// `function_dlq` or `on_failure_destination`.
    pub kind: &'static str,
    pub function: String,
    pub arn: String,
    /// The queue, resolved; `None` when the target is no queue (an SNS topic, a function,
    /// an event bus), which squall shows by its ARN.
    pub queue: Option<DlqNode>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct TopicNode {
    pub name: String,
    pub arn: String,
    pub fifo: bool,
    pub subscriptions: Vec<SubscriptionNode>,
}

#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Topology {
    pub topics: Vec<TopicNode>,
    /// Queues no subscription feeds and that are nobody's DLQ.
    pub unsubscribed: Vec<QueueNode>,
}

pub fn build(inventory: &Inventory) -> Topology {
    let mut topics: Vec<TopicNode> = inventory
        .topics()
        .iter()
        .map(|topic| TopicNode {
            name: topic.name.clone(),
            arn: topic.arn.clone(),
            fifo: topic.fifo,
            subscriptions: inventory
                .subscriptions_of_topic(&topic.arn)
                .map(|sub| subscription_node(inventory, sub))
                .collect(),
        })
        .collect();
    // Subscriptions whose topic was not listed (deleted meanwhile) still show.
    let known: HashSet<&str> = inventory.topics().iter().map(|t| t.arn.as_str()).collect();
    let mut orphan_topics: Vec<&str> = inventory
        .subscriptions()
        .iter()
        .map(|s| s.topic_arn.as_str())
        .filter(|arn| !known.contains(arn))
        .collect();
    orphan_topics.sort_unstable();
    orphan_topics.dedup();
    for topic_arn in orphan_topics {
        topics.push(TopicNode {
            name: format!("{} (topic not found)", arn::resource_name(topic_arn)),
            arn: topic_arn.to_string(),
            fifo: topic_arn.ends_with(".fifo"),
            subscriptions: inventory
                .subscriptions_of_topic(topic_arn)
                .map(|sub| subscription_node(inventory, sub))
                .collect(),
        });
    }
    let mut unsubscribed: Vec<QueueNode> = inventory
        .queues()
        .iter()
        .filter(|q| {
            inventory.subscriptions_to_queue(&q.arn).next().is_none() && !inventory.is_dlq(&q.arn)
        })
        .map(|q| queue_node(inventory, q, &mut Vec::new()))
        .collect();
    unsubscribed.sort_by(|a, b| a.queue.name.cmp(&b.queue.name));

    // A queue only reachable as the DLQ of queues nothing reaches (a DLQ cycle, say)
    // would vanish from the tree: give each such queue a root of its own.
    let mut reached = HashSet::new();
    for sub in topics.iter().flat_map(|t| &t.subscriptions) {
        mark_subscription_reached(sub, &mut reached);
    }
    for node in &unsubscribed {
        mark_reached(node, &mut reached);
    }
    let mut stranded: Vec<&Queue> = inventory
        .queues()
        .iter()
        .filter(|q| !reached.contains(&q.arn))
        .collect();
    stranded.sort_by(|a, b| a.name.cmp(&b.name));
    for queue in stranded {
        if !reached.contains(&queue.arn) {
            let node = queue_node(inventory, queue, &mut Vec::new());
            mark_reached(&node, &mut reached);
            unsubscribed.push(node);
        }
    }
    Topology {
        topics,
        unsubscribed,
    }
}

/// The queues a subscription leads to: its queue, its DLQ, its function's DLQ and destination.
fn mark_subscription_reached(sub: &SubscriptionNode, reached: &mut HashSet<String>) {
    if let Some(queue) = &sub.queue {
        mark_reached(queue, reached);
    }
    let dlqs = sub
        .dlq
        .iter()
        .chain(sub.function_targets.iter().filter_map(|t| t.queue.as_ref()));
    for dlq in dlqs {
        if let DlqNode::Present(queue) = dlq {
            mark_reached(queue, reached);
        }
    }
}

fn mark_reached(node: &QueueNode, reached: &mut HashSet<String>) {
    reached.insert(node.queue.arn.clone());
    if let Some(DlqNode::Present(dlq)) = &node.dlq {
        mark_reached(dlq, reached);
    }
}

fn subscription_node(inventory: &Inventory, sub: &Subscription) -> SubscriptionNode {
    let queue_arn = sub.queue_arn();
    let queue = queue_arn
        .and_then(|arn| inventory.queue_by_arn(arn))
        .map(|q| queue_node(inventory, q, &mut Vec::new()));
    SubscriptionNode {
        arn: sub.arn.clone(),
        protocol: sub.protocol.clone(),
        endpoint: sub.endpoint.clone(),
        raw_message_delivery: sub.raw_message_delivery,
        filter_policy: sub.filter_policy.as_deref().map(|text| {
            serde_json::from_str(text)
                .unwrap_or_else(|_| serde_json::Value::String(text.to_string()))
        }),
        filter_policy_scope: sub.filter_policy_scope.clone(),
        dlq_arn: sub.dlq_arn.clone(),
        pending_confirmation: sub.pending_confirmation,
        dlq: sub
            .dlq_arn
            .as_deref()
            .map(|arn| dlq_node(inventory, arn, &mut Vec::new())),
        queue_missing: queue_arn.is_some() && queue.is_none(),
        queue,
        warning: sub.warning.clone(),
        function_targets: function_targets(inventory, sub),
    }
}

/// The DLQ and on-failure destination of the function a `lambda` subscription invokes.
fn function_targets(inventory: &Inventory, sub: &Subscription) -> Vec<FunctionTargetNode> {
    use crate::domain::LambdaDeadLetterKind as Kind;
    if sub.protocol != "lambda" {
        return Vec::new();
    }
    let function = sub.endpoint_name();
    inventory
        .lambda_dead_letters()
        .iter()
        .filter(|d| d.function == function)
        .filter_map(|d| {
            let kind = match d.kind {
                Kind::FunctionDlq => "function_dlq",
                Kind::OnFailureDestination => "on_failure_destination",
                Kind::SubscriptionDlq => return None,
            };
            Some(FunctionTargetNode {
                kind,
                function: d.function.clone(),
                arn: d.target_arn.clone(),
                queue: d
                    .target_is_queue()
                    .then(|| dlq_node(inventory, &d.target_arn, &mut Vec::new())),
            })
        })
        .collect()
}

/// `path` holds the ARNs of the queues above this one on the DLQ chain, to stop cycles.
fn queue_node(inventory: &Inventory, queue: &Queue, path: &mut Vec<String>) -> QueueNode {
    path.push(queue.arn.clone());
    let dlq = queue.dlq_arn().map(|arn| dlq_node(inventory, arn, path));
    path.pop();
    let consumers = inventory
        .consumers_of(&queue.arn)
        .map(|m| ConsumerNode {
            function_name: m.function_name().to_string(),
            function_arn: m.function_arn.clone(),
            state: m.state.clone(),
            batch_size: m.batch_size,
        })
        .collect();
    QueueNode {
        queue: QueueSummary::new(queue, inventory.is_dlq(&queue.arn)),
        dlq,
        consumers,
        consumers_error: inventory.consumers_unknown().map(|e| e.to_string()),
    }
}

fn dlq_node(inventory: &Inventory, dlq_arn: &str, path: &mut Vec<String>) -> DlqNode {
    if path.iter().any(|a| a == dlq_arn) {
        return DlqNode::Cycle {
            arn: dlq_arn.to_string(),
        };
    }
    match inventory.queue_by_arn(dlq_arn) {
        Some(dlq) => DlqNode::Present(Box::new(queue_node(inventory, dlq, path))),
        None => DlqNode::Missing {
            arn: dlq_arn.to_string(),
        },
    }
}

#[cfg(test)]
mod tests;
