//! `squall doctor`: configuration findings computed from the inventory alone (no AWS call
//! beyond discovery). Each rule family lives in its own file and returns findings; this
//! module gathers them, worst first. Each rule comes from the AWS guide its findings link in
//! `docs` (the SQS, SNS and Lambda developer guides' pages on dead-letter queues, redrive
//! policies, subscription filter policies and SQS event sources).

mod async_invokes;
mod dead_letters;
mod failure_targets;
mod lambda_consumers;
mod policy;
mod role_policy;
mod subscriptions;

#[cfg(test)]
mod tests;

use serde::Serialize;

use crate::inventory::Inventory;

/// How bad a finding is. Ordered: `Info < Warning < Error`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Severity {
    /// Worth knowing; nothing is lost by it alone.
    Info,
    /// Messages stall, loop or expire early in an incident.
    Warning,
    /// Deliveries fail or messages are lost now.
    Error,
}

impl Severity {
    pub fn label(self) -> &'static str {
        match self {
            Severity::Info => "info",
            Severity::Warning => "warning",
            Severity::Error => "error",
        }
    }
}

/// One misconfiguration: which rule, how bad, on which resources, what goes wrong in an
/// incident, how to fix it, and the AWS page the rule comes from.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Finding {
    pub rule: &'static str,
    pub severity: Severity,
    /// ARNs (or, for a subscription without one yet, its topic ARN and endpoint).
    pub resources: Vec<String>,
    pub message: String,
    pub fix: String,
    pub docs: &'static str,
}

impl Finding {
    pub fn concerns(&self, arn: &str) -> bool {
        self.resources.iter().any(|r| r == arn)
    }
}

/// AWS guides the rules cite.
pub(crate) mod docs {
    pub const LAMBDA_SQS_CONFIGURE: &str =
        "https://docs.aws.amazon.com/lambda/latest/dg/services-sqs-configure.html";
    pub const LAMBDA_SQS_ERRORS: &str =
        "https://docs.aws.amazon.com/lambda/latest/dg/services-sqs-errorhandling.html";
    pub const SQS_DLQ: &str = "https://docs.aws.amazon.com/AWSSimpleQueueService/latest/SQSDeveloperGuide/sqs-dead-letter-queues.html";
    pub const SNS_TO_SQS: &str =
        "https://docs.aws.amazon.com/sns/latest/dg/subscribe-sqs-queue-to-sns-topic.html";
    pub const SNS_DLQ: &str =
        "https://docs.aws.amazon.com/sns/latest/dg/sns-configure-dead-letter-queue.html";
    pub const SNS_SSE: &str = "https://docs.aws.amazon.com/sns/latest/dg/sns-enable-encryption-for-topic-sqs-queue-subscriptions.html";
    pub const SNS_CONFIRM: &str =
        "https://docs.aws.amazon.com/sns/latest/dg/sns-create-subscribe-endpoint-to-topic.html";
    pub const LAMBDA_ASYNC: &str =
        "https://docs.aws.amazon.com/lambda/latest/dg/invocation-async-retain-records.html";
    pub const SNS_FIFO: &str =
        "https://docs.aws.amazon.com/sns/latest/dg/fifo-topic-subscriptions.html";
}

/// Every finding for the inventory, worst first, then by rule and resource.
pub fn diagnose(inventory: &Inventory) -> Vec<Finding> {
    let mut findings = Vec::new();
    findings.extend(lambda_consumers::check(inventory));
    findings.extend(async_invokes::check(inventory));
    findings.extend(failure_targets::check(inventory));
    findings.extend(dead_letters::check(inventory));
    findings.extend(subscriptions::check(inventory));
    findings.sort_by(|a, b| {
        b.severity
            .cmp(&a.severity)
            .then(a.rule.cmp(b.rule))
            .then(a.resources.cmp(&b.resources))
    });
    findings.dedup();
    findings
}

/// The findings that name `arn`, for a resource's detail view.
pub fn findings_for<'a>(
    findings: &'a [Finding],
    arn: &'a str,
) -> impl Iterator<Item = &'a Finding> {
    findings.iter().filter(move |f| f.concerns(arn))
}

/// The worst severity present, if any.
pub fn worst(findings: &[Finding]) -> Option<Severity> {
    findings.iter().map(|f| f.severity).max()
}
