//! Queues consumed by Lambda through an event source mapping (Lambda developer guide,
//! "Using Lambda with Amazon SQS"): the visibility timeout, the redrive policy, partial
//! batch responses, and DLQs that a function drains.

use std::collections::BTreeSet;

use super::{Finding, Severity, docs};
use crate::domain::{EventSourceMapping, Queue};
use crate::inventory::{Inventory, Source};

/// Lambda's guidance: a visibility timeout at least six times the function timeout.
const VISIBILITY_FACTOR: u64 = 6;
/// Lambda's guidance: `maxReceiveCount` at least 5, so throttles do not dead-letter.
const MIN_RECEIVE_COUNT: u32 = 5;

pub fn check(inventory: &Inventory) -> Vec<Finding> {
    let mut findings = Vec::new();
    let mut queues_checked = BTreeSet::new();
    for mapping in inventory.mappings() {
        let Some(queue) = inventory.queue_by_arn(&mapping.event_source_arn) else {
            findings.extend(missing_queue(inventory, mapping));
            continue;
        };
        if queues_checked.insert(queue.arn.clone()) {
            findings.extend(redrive(queue, mapping));
        }
        findings.extend(visibility(inventory, queue, mapping));
        findings.extend(batch_item_failures(queue, mapping));
        findings.extend(drains_a_dlq(inventory, queue, mapping));
    }
    findings
}

/// A mapping whose queue was deleted: the function consumes nothing through it. Known
/// only for a queue of the listing's account and region, once the listing is complete.
fn missing_queue(inventory: &Inventory, mapping: &EventSourceMapping) -> Option<Finding> {
    fn place(arn: &str) -> Option<(&str, &str, &str)> {
        let mut parts = arn.split(':').skip(2);
        Some((parts.next()?, parts.next()?, parts.next()?))
    }
    let (service, region, account) = place(&mapping.event_source_arn)?;
    let (_, function_region, function_account) = place(&mapping.function_arn)?;
    let listed = inventory.status(Source::Queues);
    let known_missing = service == "sqs"
        && (region, account) == (function_region, function_account)
        && listed.loaded
        && listed.error.is_none();
    known_missing.then(|| Finding {
        rule: "lambda-queue-missing",
        severity: Severity::Warning,
        resources: vec![mapping.event_source_arn.clone(), mapping.function_arn.clone()],
        message: format!(
            "{}'s event source mapping {} polls queue {}, which does not exist: nothing reaches the function through it",
            mapping.function_name(),
            mapping.uuid,
            crate::domain::arn::resource_name(&mapping.event_source_arn)
        ),
        fix: "delete the event source mapping, or recreate the queue and check the mapping's state".to_string(),
        docs: docs::LAMBDA_SQS_CONFIGURE,
    })
}

fn visibility(
    inventory: &Inventory,
    queue: &Queue,
    mapping: &EventSourceMapping,
) -> Option<Finding> {
    let function = inventory.function_by_arn(&mapping.function_arn)?;
    let timeout = u64::try_from(function.timeout_seconds?).ok()?;
    let visibility = queue.seconds("VisibilityTimeout")?;
    let wanted = timeout * VISIBILITY_FACTOR;
    (visibility < wanted).then(|| Finding {
        rule: "lambda-visibility-timeout",
        severity: Severity::Warning,
        resources: vec![queue.arn.clone(), function.arn.clone()],
        message: format!(
            "queue {} has a visibility timeout of {visibility} s, under {VISIBILITY_FACTOR}× the {timeout} s timeout of its consumer {}: a slow or retried batch becomes visible again while still being processed, and is handled twice",
            queue.name, function.name
        ),
        fix: format!("set the queue's VisibilityTimeout to at least {wanted} s"),
        docs: docs::LAMBDA_SQS_CONFIGURE,
    })
}

fn redrive(queue: &Queue, mapping: &EventSourceMapping) -> Option<Finding> {
    let function = mapping.function_name();
    match queue.max_receive_count() {
        None => Some(Finding {
            rule: "lambda-queue-no-redrive",
            severity: Severity::Warning,
            resources: vec![queue.arn.clone()],
            message: format!(
                "queue {} is consumed by {function} but has no redrive policy: a poison message fails its batch again and again until its retention ends",
                queue.name
            ),
            fix: format!(
                "give the queue a RedrivePolicy to a dead-letter queue with maxReceiveCount of at least {MIN_RECEIVE_COUNT}"
            ),
            docs: docs::LAMBDA_SQS_CONFIGURE,
        }),
        Some(count) if count < MIN_RECEIVE_COUNT => Some(Finding {
            rule: "lambda-low-max-receive-count",
            severity: Severity::Warning,
            resources: vec![queue.arn.clone()],
            message: format!(
                "queue {} sends messages to its DLQ after {count} receive(s), and is consumed by {function}: throttled or retried invocations count as receives, so healthy messages end in the DLQ",
                queue.name
            ),
            fix: format!(
                "raise maxReceiveCount in the queue's RedrivePolicy to at least {MIN_RECEIVE_COUNT}"
            ),
            docs: docs::LAMBDA_SQS_CONFIGURE,
        }),
        Some(_) => None,
    }
}

fn batch_item_failures(queue: &Queue, mapping: &EventSourceMapping) -> Option<Finding> {
    (!mapping.reports_batch_item_failures()).then(|| Finding {
        rule: "lambda-no-batch-item-failures",
        severity: Severity::Warning,
        resources: vec![queue.arn.clone(), mapping.function_arn.clone()],
        message: format!(
            "the event source mapping {} of {} on queue {} does not use ReportBatchItemFailures: one bad message fails and retries its whole batch",
            mapping.uuid,
            mapping.function_name(),
            queue.name
        ),
        fix: "add ReportBatchItemFailures to the mapping's FunctionResponseTypes and return batchItemFailures from the function".to_string(),
        docs: docs::LAMBDA_SQS_ERRORS,
    })
}

fn drains_a_dlq(
    inventory: &Inventory,
    queue: &Queue,
    mapping: &EventSourceMapping,
) -> Option<Finding> {
    inventory.is_dlq(&queue.arn).then(|| Finding {
        rule: "dlq-consumed-by-lambda",
        severity: Severity::Warning,
        resources: vec![queue.arn.clone(), mapping.function_arn.clone()],
        message: format!(
            "dead-letter queue {} is consumed by {}: failed messages are taken away before anyone can look at them or redrive them",
            queue.name,
            mapping.function_name()
        ),
        fix: "remove or disable the event source mapping on the DLQ; redrive its messages deliberately instead".to_string(),
        docs: docs::SQS_DLQ,
    })
}
