//! Functions invoked asynchronously by an SNS `lambda` subscription (Lambda developer guide,
//! "Asynchronous invocation"): after its retries, or once older than the maximum event age,
//! Lambda discards an event unless the function has a dead-letter queue or an on-failure
//! destination. These rules name the functions where that happens without a trace.

use super::{Finding, Severity, docs};
use crate::domain::{InvokeConfigReading, LambdaFunction};
use crate::inventory::Inventory;

/// Under an hour, an event waiting out a throttle or an outage of a dependency expires
/// before most incidents are over (AWS keeps it 6 hours by default).
const SHORT_EVENT_AGE_S: i32 = 3600;

pub fn check(inventory: &Inventory) -> Vec<Finding> {
    let mut findings = Vec::new();
    for function in inventory.functions() {
        let topics: Vec<String> = inventory
            .async_invokers_of(&function.name)
            .map(|s| s.topic_name().to_string())
            .collect();
        if topics.is_empty() || has_failure_target(function) != Some(false) {
            continue;
        }
        findings.extend(drops_early(function, &topics));
        findings.push(no_failure_target(function, &topics));
    }
    findings
}

/// Whether failed events have somewhere to go; `None` when the invoke settings could not
/// be read and no DLQ is set (a destination may exist that squall did not see).
fn has_failure_target(function: &LambdaFunction) -> Option<bool> {
    if function.dlq_arn.is_some() || function.invoke_config.on_failure().is_some() {
        return Some(true);
    }
    function.invoke_config.is_known().then_some(false)
}

fn no_failure_target(function: &LambdaFunction, topics: &[String]) -> Finding {
    Finding {
        rule: "lambda-async-no-failure-target",
        severity: Severity::Warning,
        resources: vec![function.arn.clone()],
        message: format!(
            "function {} is invoked asynchronously by topic {} and has neither a dead-letter queue nor an on-failure destination: an event that fails all its retries or expires is discarded, and nothing can replay it",
            function.name,
            topics.join(", ")
        ),
        fix: "give the function an on-failure destination (an SQS queue: the record keeps the event and the error) or a DeadLetterConfig".to_string(),
        docs: docs::LAMBDA_ASYNC,
    }
}

/// Retries or event age set so low that, without a failure target, one error or a short
/// throttle loses the event.
fn drops_early(function: &LambdaFunction, topics: &[String]) -> Option<Finding> {
    let InvokeConfigReading::Set(config) = &function.invoke_config else {
        return None;
    };
    let mut reasons = Vec::new();
    if config.maximum_retry_attempts == Some(0) {
        reasons.push("MaximumRetryAttempts is 0 (one error loses the event)".to_string());
    }
    if let Some(age) = config
        .maximum_event_age_seconds
        .filter(|&age| age < SHORT_EVENT_AGE_S)
    {
        reasons.push(format!(
            "MaximumEventAgeInSeconds is {age} (an event waiting out a throttle longer than that is discarded)"
        ));
    }
    (!reasons.is_empty()).then(|| Finding {
        rule: "lambda-async-drops-events",
        severity: Severity::Warning,
        resources: vec![function.arn.clone()],
        message: format!(
            "function {} (invoked asynchronously by topic {}) drops events silently: {}",
            function.name,
            topics.join(", "),
            reasons.join("; ")
        ),
        fix: format!(
            "add an on-failure destination, or raise MaximumRetryAttempts to 2 and MaximumEventAgeInSeconds to at least {SHORT_EVENT_AGE_S}"
        ),
        docs: docs::LAMBDA_ASYNC,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::{EventInvokeConfig, Subscription};
    use crate::inventory::model::tests::async_function;

    fn invoked(function: LambdaFunction) -> Inventory {
        let mut inventory = Inventory::default();
        inventory.set_functions(vec![function]);
        inventory.set_subscriptions(vec![Subscription::listed(
            "arn:aws:sns:us-east-1:1:orders:1",
            "arn:aws:sns:us-east-1:1:orders",
            "lambda",
            "arn:aws:lambda:us-east-1:1:function:notify",
            None,
        )]);
        inventory
    }

    fn rules(inventory: &Inventory) -> Vec<&'static str> {
        check(inventory).iter().map(|f| f.rule).collect()
    }

    #[test]
    fn an_async_function_without_dlq_or_destination_is_named() {
        let findings = check(&invoked(async_function("notify", None, None)));
        assert_eq!(findings.len(), 1);
        assert_eq!(findings[0].rule, "lambda-async-no-failure-target");
        assert!(
            findings[0].message.contains("by topic orders"),
            "{findings:?}"
        );
        assert!(rules(&invoked(async_function("notify", Some("dlq"), None))).is_empty());
        assert!(rules(&invoked(async_function("notify", None, Some("failures")))).is_empty());
    }

    #[test]
    fn a_function_nobody_invokes_asynchronously_or_whose_settings_are_unknown_is_not_judged() {
        let mut inventory = Inventory::default();
        inventory.set_functions(vec![async_function("notify", None, None)]);
        assert!(rules(&inventory).is_empty(), "no lambda subscription");
        let mut unread = async_function("notify", None, None);
        unread.invoke_config = InvokeConfigReading::Failed("AccessDenied".into());
        assert!(
            rules(&invoked(unread)).is_empty(),
            "a destination may exist"
        );
    }

    #[test]
    fn zero_retries_or_a_short_event_age_without_a_target_drop_events() {
        let mut function = async_function("notify", None, None);
        function.invoke_config = InvokeConfigReading::Set(EventInvokeConfig {
            maximum_retry_attempts: Some(0),
            maximum_event_age_seconds: Some(120),
            ..EventInvokeConfig::default()
        });
        let findings = check(&invoked(function.clone()));
        let drops = findings
            .iter()
            .find(|f| f.rule == "lambda-async-drops-events")
            .expect("drops events");
        assert!(
            drops.message.contains("MaximumRetryAttempts is 0"),
            "{drops:?}"
        );
        assert!(drops.message.contains("MaximumEventAgeInSeconds is 120"));
        function.invoke_config = InvokeConfigReading::Set(EventInvokeConfig {
            maximum_retry_attempts: Some(2),
            maximum_event_age_seconds: Some(SHORT_EVENT_AGE_S),
            ..EventInvokeConfig::default()
        });
        assert_eq!(
            rules(&invoked(function)),
            ["lambda-async-no-failure-target"]
        );
        let mut with_target = async_function("notify", None, Some("failures"));
        if let InvokeConfigReading::Set(config) = &mut with_target.invoke_config {
            config.maximum_retry_attempts = Some(0);
        }
        assert!(rules(&invoked(with_target)).is_empty(), "failures are kept");
    }
}
