//! The invoke route of a redrive: a DLQ that collects the failures of asynchronous Lambda
//! invokes (a function's own DLQ, its on-failure destination, an SNS `lambda`
//! subscription's DLQ) goes back to its function as an `Invoke` with
//! `InvocationType=Event`, carrying the original event rebuilt from each stored message.
//! Here: finding which function feeds the DLQ (read-only calls), and what the plan warns.

use futures::{StreamExt, stream};
use serde::Serialize;

use crate::aws::{ApiError, Backend, ErrorKind};
use crate::domain::{
    InvokeConfigReading, LambdaDeadLetter, LambdaDeadLetterKind, LambdaFunction, Subscription,
    lambda_dead_letters,
};
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

/// How many `GetFunctionEventInvokeConfig` calls run at once (Lambda throttles its control
/// plane per account).
const INVOKE_CONFIG_READS: usize = 4;

/// The Lambda-side dead-letter targets that are `dlq_arn`: from the functions and
/// subscriptions given, else from the functions listed here. A function DLQ or a `lambda`
/// subscription's DLQ shows in the listings; an on-failure destination only in each
/// function's invoke settings, one call per function, read when `read_settings` (no
/// subscribed queue feeds the DLQ: then it is an SNS subscription's, and those calls are
/// spared) and not read already. What could not be read is a warning.
pub async fn feeding(
    backend: &Backend,
    dlq_arn: &str,
    subscriptions: &[Subscription],
    functions: Option<&[LambdaFunction]>,
    read_settings: bool,
    warnings: &mut Vec<String>,
) -> Vec<LambdaDeadLetter> {
    let mut listed = match functions {
        Some(known) => known.to_vec(),
        None => match list_functions(backend).await {
            Ok(all) => all,
            Err(e) => {
                warnings.push(format!(
                    "Lambda functions could not be listed ({e}): if a function's failed \
                     invokes land here, they are not known (a message without \
                     DeadLetterQueueSourceArn may be one)"
                ));
                Vec::new()
            }
        },
    };
    let found = matching(&listed, subscriptions, dlq_arn);
    let unread = listed
        .iter()
        .any(|f| f.invoke_config == InvokeConfigReading::NotRead);
    if !read_settings || !unread {
        warn_unread(&listed, warnings);
        return found;
    }
    read_invoke_configs(backend, &mut listed).await;
    warn_unread(&listed, warnings);
    matching(&listed, subscriptions, dlq_arn)
}

fn matching(
    functions: &[LambdaFunction],
    subscriptions: &[Subscription],
    dlq_arn: &str,
) -> Vec<LambdaDeadLetter> {
    let mut found: Vec<LambdaDeadLetter> = lambda_dead_letters(functions, subscriptions)
        .into_iter()
        .filter(|d| d.target_arn == dlq_arn)
        .collect();
    found.dedup();
    found
}

/// Every function, as listed (their invoke settings not read).
async fn list_functions(backend: &Backend) -> Result<Vec<LambdaFunction>, ApiError> {
    let mut all = Vec::new();
    let mut marker = None;
    loop {
        let page = backend.lambdas.list_functions(marker).await?;
        all.extend(page.items);
        marker = page.next_token;
        if marker.is_none() {
            return Ok(all);
        }
    }
}

/// Each function's asynchronous-invoke settings, read beside it.
async fn read_invoke_configs(backend: &Backend, functions: &mut [LambdaFunction]) {
    let names: Vec<String> = functions.iter().map(|f| f.name.clone()).collect();
    let readings: Vec<InvokeConfigReading> = stream::iter(names)
        .map(|name| async move {
            match backend.lambdas.event_invoke_config(&name).await {
                Ok(Some(config)) => InvokeConfigReading::Set(config),
                Ok(None) => InvokeConfigReading::Absent,
                Err(e) if e.kind == ErrorKind::Unavailable => InvokeConfigReading::NotRead,
                Err(e) => InvokeConfigReading::Failed(e.to_string()),
            }
        })
        .buffered(INVOKE_CONFIG_READS)
        .collect()
        .await;
    for (function, reading) in functions.iter_mut().zip(readings) {
        function.invoke_config = reading;
    }
}

fn warn_unread(functions: &[LambdaFunction], warnings: &mut Vec<String>) {
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

/// The plan's warning for a DLQ that source queues and functions both feed.
pub fn beside_queues_warning(dlq: &crate::domain::Queue, found: &[LambdaDeadLetter]) -> String {
    format!(
        "{} also collects the failed asynchronous invokes of {}: a message without \
         DeadLetterQueueSourceArn may be one of those or a source queue's, so it stays in the \
         DLQ (kept, counted and reported); --to QUEUE sends every message to one queue",
        dlq.name,
        describe_all(found)
    )
}

/// Why a move task cannot serve a DLQ that functions feed beside its source queues.
pub fn beside_queues_native(found: &[LambdaDeadLetter]) -> String {
    format!(
        "it also holds failed asynchronous invokes of {}, which carry no \
         DeadLetterQueueSourceArn for a move task to follow",
        describe_all(found)
    )
}

/// "orders-notify (function DLQ), audit (on-failure destination)": several feeders.
pub fn describe_all(found: &[LambdaDeadLetter]) -> String {
    found
        .iter()
        .map(|d| format!("{} ({})", d.function, d.kind.label()))
        .collect::<Vec<_>>()
        .join(", ")
}
