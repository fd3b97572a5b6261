//! The invoke route of a redrive: a DLQ that collects the failures of asynchronous Lambda
//! invokes (a function's own DLQ, its on-failure destination, an SNS `lambda`
//! subscription's DLQ) goes back to its function as an `Invoke` with
//! `InvocationType=Event`, carrying the original event rebuilt from each stored message.
//! Here: finding which function feeds the DLQ (read-only calls), and what the plan warns.

use serde::Serialize;

use crate::aws::Backend;
use crate::domain::{
    InvokeConfigReading, LambdaDeadLetter, LambdaDeadLetterKind, LambdaFunction, Subscription,
    lambda_dead_letters,
};
use crate::inventory::lambdas::load_functions;
use crate::messages::lambda_payload::{PayloadError, event_to_reinvoke};

/// The function a DLQ's messages are handed back to, and how its messages hold the event.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct InvokeTarget {
    pub function: String,
    /// What the DLQ is to the function: "function DLQ", "on-failure destination",
    /// "SNS-to-Lambda subscription DLQ".
    pub kind: String,
    /// For a subscription DLQ, the subscription whose event is rebuilt.
    pub subscription_arn: Option<String>,
    #[serde(skip)]
    pub dead_letter: LambdaDeadLetter,
}

impl InvokeTarget {
    pub fn of(dead_letter: &LambdaDeadLetter) -> InvokeTarget {
        InvokeTarget {
            function: dead_letter.function.clone(),
            kind: dead_letter.kind.label().to_string(),
            subscription_arn: dead_letter.subscription_arn.clone(),
            dead_letter: dead_letter.clone(),
        }
    }

    /// The event to invoke the function with, from a stored message's body.
    pub fn event(&self, body: &str) -> Result<String, PayloadError> {
        event_to_reinvoke(&self.dead_letter, body)
    }

    /// What the journal names as the destination of a message on this route.
    pub fn journal_destination(&self) -> String {
        format!("lambda:{}", self.function)
    }

    /// "invoke shipping-notifier asynchronously …": the route, for a person.
    pub fn describe(&self) -> String {
        format!(
            "invoke {} asynchronously (InvocationType=Event) with each message's original \
             event; this DLQ is its {}",
            self.function, self.kind
        )
    }
}

/// The Lambda-side dead-letter targets that are `dlq_arn`: from the functions and
/// subscriptions given, the functions listed here (with their invoke settings) when none
/// are given. What could not be read is a warning.
pub async fn feeding(
    backend: &Backend,
    dlq_arn: &str,
    subscriptions: &[Subscription],
    functions: Option<&[LambdaFunction]>,
    warnings: &mut Vec<String>,
) -> Vec<LambdaDeadLetter> {
    let listed;
    let functions = match functions {
        Some(known) => known,
        None => match load_functions(backend.lambdas.clone()).await {
            Ok(all) => {
                listed = all;
                &listed[..]
            }
            Err(e) => {
                warnings.push(format!(
                    "Lambda functions could not be listed ({e}): if a function's failed \
                     invokes land here, its messages have no destination"
                ));
                &[]
            }
        },
    };
    let unread: Vec<&str> = functions
        .iter()
        .filter(|f| matches!(f.invoke_config, InvokeConfigReading::Failed(_)))
        .map(|f| f.name.as_str())
        .collect();
    if !unread.is_empty() {
        warnings.push(format!(
            "the invoke settings of {} could not be read: if one's on-failure destination is \
             this DLQ, it is not known here",
            unread.join(", ")
        ));
    }
    let mut found: Vec<LambdaDeadLetter> = lambda_dead_letters(functions, subscriptions)
        .into_iter()
        .filter(|d| d.target_arn == dlq_arn)
        .collect();
    found.dedup();
    found
}

/// What the plan says of an invoke route.
pub fn warnings(target: &InvokeTarget) -> Vec<String> {
    let mut warnings = vec![format!(
        "each message invokes {} asynchronously: the invokes add to the function's \
         concurrency beside its usual traffic (and may be throttled or take its reserved \
         concurrency); --rate N keeps them to N a second",
        target.function
    )];
    warnings.push(format!(
        "Lambda accepts an event (HTTP 202) before {} runs it: an event that fails again \
         comes back to this DLQ after the function's retries",
        target.function
    ));
    match target.dead_letter.kind {
        LambdaDeadLetterKind::OnFailureDestination => warnings.push(
            "each invocation record's requestPayload is the event; a record without one \
             (Lambda drops payloads over 256 KB) stays in the DLQ"
                .to_string(),
        ),
        LambdaDeadLetterKind::SubscriptionDlq => warnings.push(
            "each stored SNS message is rebuilt into the SNS event Lambda would have \
             received; a raw message that is not an SNS envelope stays in the DLQ"
                .to_string(),
        ),
        LambdaDeadLetterKind::FunctionDlq => {}
    }
    warnings
}

/// "orders-notify (function DLQ), audit (on-failure destination)": several feeders.
pub fn describe_all(found: &[LambdaDeadLetter]) -> String {
    found
        .iter()
        .map(|d| format!("{} ({})", d.function, d.kind.label()))
        .collect::<Vec<_>>()
        .join(", ")
}
