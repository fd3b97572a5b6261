//! Where the failures of asynchronous Lambda invokes land: the function's own dead-letter
//! queue, its on-failure destination, and the dead-letter queue of an SNS subscription with
//! protocol `lambda`. Each holds a different body (the event, an invocation record, the
//! SNS message), so each is replayed differently; this names which is which.

use super::arn;
use super::{LambdaFunction, Subscription};

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum LambdaDeadLetterKind {
    /// `DeadLetterConfig.TargetArn`: after its retries, Lambda sends the event itself, with
    /// the `RequestID`, `ErrorCode` and `ErrorMessage` message attributes.
    FunctionDlq,
    /// `DestinationConfig.OnFailure`: an invocation record whose `requestPayload` is the event.
    OnFailureDestination,
    /// The `RedrivePolicy` of an SNS `lambda` subscription: the SNS message SNS could not
    /// hand to the function (throttled, deleted, no permission).
    SubscriptionDlq,
}

impl LambdaDeadLetterKind {
    pub fn label(self) -> &'static str {
        match self {
            LambdaDeadLetterKind::FunctionDlq => "function DLQ",
            LambdaDeadLetterKind::OnFailureDestination => "on-failure destination",
            LambdaDeadLetterKind::SubscriptionDlq => "SNS-to-Lambda subscription DLQ",
        }
    }
}

/// One Lambda-side dead-letter target and the function whose failures feed it.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
pub struct LambdaDeadLetter {
    pub kind: LambdaDeadLetterKind,
    /// An SQS queue or SNS topic ARN (a destination may also be a function or an event bus).
    pub target_arn: String,
    /// The function (its name) whose failed invokes land there.
    pub function: String,
    /// For a subscription DLQ, the subscription ARN; SNS fills it, not the function.
    pub subscription_arn: Option<String>,
}

impl LambdaDeadLetter {
    /// Whether the target is an SQS queue, which squall can read and redrive.
    pub fn target_is_queue(&self) -> bool {
        arn_service(&self.target_arn) == Some("sqs")
    }

    /// "function DLQ of orders-notify": what the target is to the function, for a person.
    pub fn describe(&self) -> String {
        format!("{} of {}", self.kind.label(), self.function)
    }

    /// What feeds the target, as the SOURCES cell of `:dlq` names it: `λ NAME (async DLQ)`
    /// or `λ NAME (on failure)`. A subscription DLQ is `None`: the subscription that feeds
    /// it is named as every subscription DLQ's is (`topic → function (subscription)`).
    pub fn source_label(&self) -> Option<String> {
        let role = match self.kind {
            LambdaDeadLetterKind::FunctionDlq => "async DLQ",
            LambdaDeadLetterKind::OnFailureDestination => "on failure",
            LambdaDeadLetterKind::SubscriptionDlq => return None,
        };
        Some(format!("λ {} ({role})", self.function))
    }
}

/// The service segment of an ARN (`arn:aws:sqs:…` → `sqs`).
pub fn arn_service(value: &str) -> Option<&str> {
    let mut parts = value.split(':');
    (parts.next() == Some("arn")).then_some(())?;
    parts.nth(1)
}

/// Every Lambda-side dead-letter target named by the functions' configurations and the
/// `lambda` subscriptions' redrive policies, sorted.
pub fn lambda_dead_letters(
    functions: &[LambdaFunction],
    subscriptions: &[Subscription],
) -> Vec<LambdaDeadLetter> {
    let mut found = Vec::new();
    for function in functions {
        if let Some(target) = &function.dlq_arn {
            found.push(LambdaDeadLetter {
                kind: LambdaDeadLetterKind::FunctionDlq,
                target_arn: target.clone(),
                function: function.name.clone(),
                subscription_arn: None,
            });
        }
        if let Some(target) = function.invoke_config.on_failure() {
            found.push(LambdaDeadLetter {
                kind: LambdaDeadLetterKind::OnFailureDestination,
                target_arn: target.to_string(),
                function: function.name.clone(),
                subscription_arn: None,
            });
        }
    }
    for sub in subscriptions.iter().filter(|s| s.protocol == "lambda") {
        if let Some(target) = &sub.dlq_arn {
            found.push(LambdaDeadLetter {
                kind: LambdaDeadLetterKind::SubscriptionDlq,
                target_arn: target.clone(),
                function: arn::resource_name(&sub.endpoint).to_string(),
                subscription_arn: Some(sub.arn.clone()),
            });
        }
    }
    found.sort();
    found
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::{EventInvokeConfig, InvokeConfigReading};

    fn function(name: &str, dlq: Option<&str>, on_failure: Option<&str>) -> LambdaFunction {
        LambdaFunction {
            role: None,
            role_policies: Default::default(),
            name: name.to_string(),
            arn: format!("arn:aws:lambda:us-east-1:1:function:{name}"),
            runtime: None,
            memory_mb: None,
            timeout_seconds: None,
            last_modified: None,
            dlq_arn: dlq.map(str::to_string),
            logging: Default::default(),
            invoke_config: match on_failure {
                Some(target) => InvokeConfigReading::Set(EventInvokeConfig {
                    on_failure: Some(target.to_string()),
                    ..EventInvokeConfig::default()
                }),
                None => InvokeConfigReading::Absent,
            },
        }
    }

    #[test]
    fn each_kind_is_found_with_the_function_that_feeds_it() {
        let functions = [
            function("notify", Some("arn:aws:sqs:us-east-1:1:notify-dlq"), None),
            function(
                "audit",
                None,
                Some("arn:aws:sns:us-east-1:1:audit-failures"),
            ),
            function("quiet", None, None),
        ];
        let lambda_sub = Subscription::listed(
            "arn:aws:sns:us-east-1:1:orders:abc",
            "arn:aws:sns:us-east-1:1:orders",
            "lambda",
            "arn:aws:lambda:us-east-1:1:function:notify",
            None,
        )
        .with_attributes(
            [(
                "RedrivePolicy".to_string(),
                r#"{"deadLetterTargetArn":"arn:aws:sqs:us-east-1:1:notify-sub-dlq"}"#.to_string(),
            )]
            .into_iter()
            .collect(),
        );
        let mut queue_sub = lambda_sub.clone();
        queue_sub.protocol = "sqs".to_string();
        let found = lambda_dead_letters(&functions, &[lambda_sub, queue_sub]);
        let seen: Vec<(LambdaDeadLetterKind, &str, &str, bool)> = found
            .iter()
            .map(|d| {
                (
                    d.kind,
                    d.function.as_str(),
                    arn::resource_name(&d.target_arn),
                    d.target_is_queue(),
                )
            })
            .collect();
        assert_eq!(
            seen,
            vec![
                (
                    LambdaDeadLetterKind::FunctionDlq,
                    "notify",
                    "notify-dlq",
                    true
                ),
                (
                    LambdaDeadLetterKind::OnFailureDestination,
                    "audit",
                    "audit-failures",
                    false
                ),
                (
                    LambdaDeadLetterKind::SubscriptionDlq,
                    "notify",
                    "notify-sub-dlq",
                    true
                ),
            ]
        );
        assert_eq!(found[0].describe(), "function DLQ of notify");
        let labels: Vec<Option<String>> = found.iter().map(|d| d.source_label()).collect();
        assert_eq!(
            labels,
            [
                Some("λ notify (async DLQ)".to_string()),
                Some("λ audit (on failure)".to_string()),
                None
            ]
        );
        assert_eq!(
            found[2].subscription_arn.as_deref(),
            Some("arn:aws:sns:us-east-1:1:orders:abc")
        );
    }

    #[test]
    fn arn_service_reads_the_third_segment_only_of_arns() {
        assert_eq!(arn_service("arn:aws:sqs:r:1:q"), Some("sqs"));
        assert_eq!(
            arn_service("arn:aws:events:r:1:event-bus/b"),
            Some("events")
        );
        assert_eq!(arn_service("https://sqs.r.amazonaws.com/1/q"), None);
    }
}
