//! The access policy a simulated queue reports: the one AWS documents for SNS → SQS, naming
//! every topic that delivers to the queue or dead-letters into it, so the doctor reads the
//! simulated world as a correctly wired one, except where a queue's spec says the policy was
//! forgotten.

use super::world::{World, queue_arn, topic_arn};

/// The `Policy` attribute of `queue`, or `None` when no topic sends to it.
pub(super) fn sns_policy(world: &World, queue: &str) -> Option<String> {
    let index = world.queue_index(queue)?;
    if !world.queues[index].spec.allows_sns {
        return None;
    }
    let mut topics: Vec<String> = world
        .subscriptions
        .iter()
        .filter(|s| (s.protocol == "sqs" && s.endpoint == queue) || s.dlq.as_deref() == Some(queue))
        .map(|s| format!("\"{}\"", topic_arn(world.region(), &s.topic)))
        .collect();
    topics.sort();
    topics.dedup();
    if topics.is_empty() {
        return None;
    }
    Some(format!(
        r#"{{"Version":"2012-10-17","Statement":[{{"Sid":"topics-send","Effect":"Allow","Principal":{{"Service":"sns.amazonaws.com"}},"Action":"sqs:SendMessage","Resource":"{}","Condition":{{"ArnEquals":{{"aws:SourceArn":[{}]}}}}}}]}}"#,
        queue_arn(world.region(), queue),
        topics.join(",")
    ))
}
