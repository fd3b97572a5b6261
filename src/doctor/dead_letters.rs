//! Redrive policies (SQS developer guide, dead-letter queues): a DLQ that does not exist,
//! one that keeps messages no longer than its source, one whose RedriveAllowPolicy refuses
//! its source, and chains of DLQs that loop.

use std::collections::BTreeSet;

use super::{Finding, Severity, docs};
use crate::domain::Queue;
use crate::inventory::Inventory;

pub fn check(inventory: &Inventory) -> Vec<Finding> {
    let mut findings = Vec::new();
    for queue in inventory.queues() {
        let Some(dlq_arn) = queue.dlq_arn() else {
            continue;
        };
        match inventory.queue_by_arn(dlq_arn) {
            None => findings.push(missing(queue, dlq_arn)),
            Some(dlq) => {
                findings.extend(retention(queue, dlq));
                findings.extend(redrive_denied(queue, dlq));
            }
        }
    }
    findings.extend(cycles(inventory));
    findings
}

fn missing(queue: &Queue, dlq_arn: &str) -> Finding {
    Finding {
        rule: "dlq-missing",
        severity: Severity::Error,
        resources: vec![queue.arn.clone(), dlq_arn.to_string()],
        message: format!(
            "queue {}'s redrive policy names {dlq_arn}, which does not exist: messages that exhaust their receives have nowhere to go",
            queue.name
        ),
        fix: "create the dead-letter queue, or point the RedrivePolicy at one that exists"
            .to_string(),
        docs: docs::SQS_DLQ,
    }
}

fn retention(queue: &Queue, dlq: &Queue) -> Option<Finding> {
    // FIFO queues reset the enqueue time on the move; standard queues keep it.
    if queue.fifo {
        return None;
    }
    let source = queue.seconds("MessageRetentionPeriod")?;
    let kept = dlq.seconds("MessageRetentionPeriod")?;
    (kept <= source).then(|| Finding {
        rule: "dlq-retention",
        severity: Severity::Warning,
        resources: vec![dlq.arn.clone(), queue.arn.clone()],
        message: format!(
            "dead-letter queue {} keeps messages {kept} s, not longer than its source {} ({source} s): a moved message keeps its original enqueue time, so it expires in the DLQ early, maybe before anyone looks",
            dlq.name, queue.name
        ),
        fix: format!(
            "set the DLQ's MessageRetentionPeriod longer than {source} s (up to 1209600 s, 14 days)"
        ),
        docs: docs::SQS_DLQ,
    })
}

fn redrive_denied(queue: &Queue, dlq: &Queue) -> Option<Finding> {
    let policy: serde_json::Value = serde_json::from_str(dlq.redrive_allow_policy()?).ok()?;
    let permission = policy.get("redrivePermission")?.as_str()?;
    let allowed = match permission {
        "denyAll" => false,
        "byQueue" => policy
            .get("sourceQueueArns")
            .and_then(|v| v.as_array())
            .is_some_and(|arns| arns.iter().any(|a| a.as_str() == Some(&queue.arn))),
        _ => true,
    };
    (!allowed).then(|| Finding {
        rule: "dlq-redrive-denied",
        severity: Severity::Error,
        resources: vec![dlq.arn.clone(), queue.arn.clone()],
        message: format!(
            "dead-letter queue {}'s RedriveAllowPolicy ({permission}) does not allow its source {}: failed messages cannot be moved there",
            dlq.name, queue.name
        ),
        fix: format!(
            "allow the source in the DLQ's RedriveAllowPolicy (allowAll, or byQueue listing {})",
            queue.arn
        ),
        docs: docs::SQS_DLQ,
    })
}

/// Each loop of redrive policies once (a queue that is its own DLQ included).
fn cycles(inventory: &Inventory) -> Vec<Finding> {
    let mut seen = BTreeSet::new();
    let mut findings = Vec::new();
    for start in inventory.queues() {
        let mut path: Vec<&str> = Vec::new();
        let mut current = Some(start);
        while let Some(queue) = current {
            if let Some(position) = path.iter().position(|arn| *arn == queue.arn) {
                let mut members: Vec<String> =
                    path[position..].iter().map(|a| a.to_string()).collect();
                members.sort();
                if seen.insert(members.clone()) {
                    findings.push(cycle(inventory, members));
                }
                break;
            }
            path.push(&queue.arn);
            current = queue.dlq_arn().and_then(|arn| inventory.queue_by_arn(arn));
        }
    }
    findings
}

fn cycle(inventory: &Inventory, members: Vec<String>) -> Finding {
    let names: Vec<&str> = members
        .iter()
        .map(|arn| {
            inventory
                .queue_by_arn(arn)
                .map_or(arn.as_str(), |q| q.name.as_str())
        })
        .collect();
    Finding {
        rule: "dlq-cycle",
        severity: Severity::Error,
        message: format!(
            "redrive policies loop through {}: a failed message is never parked, it goes round until its retention ends",
            names.join(" → ")
        ),
        resources: members,
        fix: "give the last queue of the chain a DLQ with no redrive policy of its own".to_string(),
        docs: docs::SQS_DLQ,
    }
}
