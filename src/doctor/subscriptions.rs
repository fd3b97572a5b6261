//! SNS subscriptions (SNS developer guide): an SQS endpoint must let the topic send, must
//! not be encrypted with the AWS-managed key, must match the topic's FIFO-ness, and should
//! have a subscription DLQ that SNS may write to; a subscription still pending gets nothing.

use super::policy::allows_sns_send;
use super::{Finding, Severity, docs};
use crate::domain::arn::resource_name;
use crate::domain::{Queue, Subscription};
use crate::inventory::{Inventory, Source};

/// The AWS-managed SQS key: its key policy cannot be changed to let SNS use it.
const AWS_MANAGED_SQS_KEY: &str = "alias/aws/sqs";

pub fn check(inventory: &Inventory) -> Vec<Finding> {
    let mut findings = Vec::new();
    for sub in inventory.subscriptions() {
        if sub.pending_confirmation {
            findings.push(pending(sub));
            continue;
        }
        if sub.protocol == "sqs" {
            match inventory.queue_by_arn(&sub.endpoint) {
                Some(queue) => findings.extend(sqs_endpoint(inventory, sub, queue)),
                None => findings.extend(missing_queue(inventory, sub)),
            }
        }
        findings.extend(subscription_dlq(inventory, sub));
    }
    findings
}

fn pending(sub: &Subscription) -> Finding {
    Finding {
        rule: "sns-pending-confirmation",
        severity: Severity::Warning,
        resources: vec![sub.topic_arn.clone(), sub.endpoint.clone()],
        message: format!(
            "the {} subscription of topic {} to {} is pending confirmation: SNS delivers nothing to it",
            sub.protocol,
            sub.topic_name(),
            sub.endpoint_name()
        ),
        fix: "confirm the subscription from the endpoint (or delete and recreate it)".to_string(),
        docs: docs::SNS_CONFIRM,
    }
}

fn missing_queue(inventory: &Inventory, sub: &Subscription) -> Option<Finding> {
    // Only a queue of this account and region can be known to be missing.
    fn same_place(arn: &str) -> Vec<&str> {
        arn.split(':').skip(3).take(2).collect()
    }
    let listed = inventory.status(Source::Queues);
    (listed.loaded
        && listed.error.is_none()
        && same_place(&sub.endpoint) == same_place(&sub.topic_arn))
    .then(|| Finding {
        rule: "sns-queue-missing",
        severity: Severity::Error,
        resources: vec![sub.arn.clone(), sub.endpoint.clone()],
        message: format!(
            "topic {} delivers to queue {}, which does not exist: those deliveries fail",
            sub.topic_name(),
            sub.endpoint_name()
        ),
        fix: "recreate the queue, or delete the subscription".to_string(),
        docs: docs::SNS_TO_SQS,
    })
}

fn sqs_endpoint(inventory: &Inventory, sub: &Subscription, queue: &Queue) -> Vec<Finding> {
    let mut findings = Vec::new();
    let topic = sub.topic_name();
    if !allows_sns_send(queue.policy(), &queue.arn, &sub.topic_arn) {
        findings.push(Finding {
            rule: "sns-queue-policy",
            severity: Severity::Error,
            resources: vec![queue.arn.clone(), sub.topic_arn.clone()],
            message: format!(
                "queue {}'s access policy does not let topic {topic} send to it: every delivery is refused and the messages are lost (or go to the subscription DLQ)",
                queue.name
            ),
            fix: format!(
                "add a statement allowing Principal {{\"Service\":\"sns.amazonaws.com\"}} sqs:SendMessage on {} with Condition ArnEquals aws:SourceArn {}",
                queue.arn, sub.topic_arn
            ),
            docs: docs::SNS_TO_SQS,
        });
    }
    if queue.kms_key().is_some_and(is_aws_managed_sqs_key) {
        findings.push(Finding {
            rule: "sns-kms-aws-managed-key",
            severity: Severity::Error,
            resources: vec![queue.arn.clone(), sub.topic_arn.clone()],
            message: format!(
                "queue {} is encrypted with the AWS-managed key alias/aws/sqs, which SNS cannot use: deliveries from topic {topic} fail",
                queue.name
            ),
            fix: "encrypt the queue with a customer managed KMS key whose policy lets sns.amazonaws.com use kms:GenerateDataKey and kms:Decrypt (or use SSE-SQS)".to_string(),
            docs: docs::SNS_SSE,
        });
    }
    let topic_fifo = inventory
        .topic_by_arn(&sub.topic_arn)
        .map_or_else(|| topic.ends_with(".fifo"), |t| t.fifo);
    if topic_fifo != queue.fifo {
        let (topic_kind, queue_kind) = if topic_fifo {
            ("FIFO", "standard")
        } else {
            ("standard", "FIFO")
        };
        findings.push(Finding {
            rule: "sns-fifo-mismatch",
            severity: Severity::Error,
            resources: vec![sub.topic_arn.clone(), queue.arn.clone()],
            message: format!(
                "{topic_kind} topic {topic} is subscribed by {queue_kind} queue {}: SNS does not deliver across the two kinds",
                queue.name
            ),
            fix: "subscribe a queue of the topic's kind (FIFO topics deliver to FIFO queues only)".to_string(),
            docs: docs::SNS_FIFO,
        });
    }
    if sub.dlq_arn.is_none() && sub.warning.is_none() {
        findings.push(Finding {
            rule: "sns-no-subscription-dlq",
            severity: Severity::Warning,
            resources: vec![sub.arn.clone(), queue.arn.clone()],
            message: format!(
                "the subscription of queue {} to topic {topic} has no dead-letter queue: when SNS cannot deliver (policy, key, deleted queue) it retries, then drops the message",
                queue.name
            ),
            fix: "set a RedrivePolicy on the subscription to an SQS queue that lets SNS send to it".to_string(),
            docs: docs::SNS_DLQ,
        });
    }
    findings
}

fn is_aws_managed_sqs_key(key: &str) -> bool {
    key == AWS_MANAGED_SQS_KEY || key.ends_with(&format!(":{AWS_MANAGED_SQS_KEY}"))
}

fn subscription_dlq(inventory: &Inventory, sub: &Subscription) -> Option<Finding> {
    let dlq_arn = sub.dlq_arn.as_deref()?;
    let Some(dlq) = inventory.queue_by_arn(dlq_arn) else {
        let listed = inventory.status(Source::Queues);
        return (listed.loaded && listed.error.is_none()).then(|| Finding {
            rule: "sns-dlq-missing",
            severity: Severity::Error,
            resources: vec![sub.arn.clone(), dlq_arn.to_string()],
            message: format!(
                "the subscription of {} to topic {} dead-letters into {}, which does not exist: failed deliveries are lost",
                sub.endpoint_name(),
                sub.topic_name(),
                resource_name(dlq_arn)
            ),
            fix: "create the queue, or point the subscription's RedrivePolicy at one that exists".to_string(),
            docs: docs::SNS_DLQ,
        });
    };
    (!allows_sns_send(dlq.policy(), &dlq.arn, &sub.topic_arn)).then(|| Finding {
        rule: "sns-dlq-policy",
        severity: Severity::Error,
        resources: vec![dlq.arn.clone(), sub.arn.clone()],
        message: format!(
            "subscription DLQ {}'s access policy does not let topic {} send to it: failed deliveries cannot be parked and are lost",
            dlq.name,
            sub.topic_name()
        ),
        fix: format!(
            "allow Principal {{\"Service\":\"sns.amazonaws.com\"}} sqs:SendMessage on {} with aws:SourceArn {}",
            dlq.arn, sub.topic_arn
        ),
        docs: docs::SNS_DLQ,
    })
}
