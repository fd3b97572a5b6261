//! The plan of a redrive, computed without changing anything: the DLQ, its sources (the
//! queues whose redrive policy targets it), where messages go, the counts, and what could
//! go wrong. `--dry-run` prints it; a real run starts from it.

use std::collections::BTreeMap;

use serde::Serialize;

use super::lambda_route::{self, InvokeTarget};
use super::sources::{self, Sources, SubscriptionSource};
use crate::aws::Backend;
use crate::domain::{LambdaFunction, Queue};

/// A queue messages are sent to.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Destination {
    pub name: String,
    pub url: String,
    pub arn: String,
    pub fifo: bool,
    /// `MaximumMessageSize`: a batch's total stays within it.
    pub max_bytes: usize,
}

/// SQS's maximum message size (and batch total) since 2025.
const DEFAULT_MAX_BYTES: usize = 1_048_576;

impl Destination {
    pub fn of(queue: &Queue) -> Destination {
        let max_bytes = queue
            .attributes
            .get("MaximumMessageSize")
            .and_then(|v| v.parse().ok())
            .unwrap_or(DEFAULT_MAX_BYTES);
        Destination {
            name: queue.name.clone(),
            url: queue.url.clone(),
            arn: queue.arn.clone(),
            fifo: queue.fifo,
            max_bytes,
        }
    }
}

/// Where each message goes: one queue for all (`--to`), or back to the queue named by its
/// `DeadLetterQueueSourceArn`; a message without that attribute (a subscription's dead
/// letter, or an old message) goes to `fallback`, the one destination there is to guess,
/// or, for a DLQ of asynchronous Lambda invokes, back to its function (`invoke`).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Routes {
    pub to: Option<Destination>,
    pub by_source_arn: BTreeMap<String, Destination>,
    pub fallback: Option<Destination>,
    pub invoke: Option<InvokeTarget>,
    /// The functions that also feed the DLQ (described), when a message without
    /// `DeadLetterQueueSourceArn` cannot be told apart from a queue's: it stays.
    pub ambiguous: Option<String>,
}

/// Where one message goes: sent to a queue, or its event invoked on a function.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Route<'a> {
    Queue(&'a Destination),
    Invoke(&'a InvokeTarget),
}

impl Routes {
    pub fn route(&self, source_arn: Option<&str>) -> Option<Route<'_>> {
        if let Some(to) = &self.to {
            return Some(Route::Queue(to));
        }
        match source_arn {
            Some(arn) => self.by_source_arn.get(arn).map(Route::Queue),
            None => self
                .fallback
                .as_ref()
                .map(Route::Queue)
                .or(self.invoke.as_ref().map(Route::Invoke)),
        }
    }

    /// Why a message the routes have no place for stays in the DLQ.
    pub fn unrouted(&self, source_arn: Option<&str>) -> String {
        match (source_arn, &self.ambiguous) {
            (None, Some(functions)) => format!(
                "no DeadLetterQueueSourceArn, and the DLQ collects failed invokes of \
                 {functions} too: it may be either (--to QUEUE says where)"
            ),
            _ => "no destination for its DeadLetterQueueSourceArn".to_string(),
        }
    }
}

/// How a redrive runs.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Mode {
    /// An SQS message move task: the work runs inside AWS.
    Native,
    /// Receive → send → delete, by squall.
    Manual,
}

/// What was asked for: `--mode`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum ModeChoice {
    /// Native where AWS allows it, else the manual mover (and the plan says why).
    #[default]
    Auto,
    Native,
    Manual,
}

/// What the run asks of the plan.
#[derive(Debug, Clone, Copy, Default)]
pub struct PlanRequest<'a> {
    pub to: Option<&'a Queue>,
    pub mode: ModeChoice,
    /// A filter, a limit or a canary: only the manual mover can choose messages.
    pub selective: bool,
    /// A filter or age bounds: some messages may not match (and stay in the DLQ).
    pub filtered: bool,
    /// The SQS subscriptions of an inventory already loaded (those that dead-letter into
    /// the DLQ, and those whose attributes could not be read); `None`: list them.
    pub subscriptions: Option<&'a [crate::domain::Subscription]>,
    /// The functions of an inventory already loaded, with their invoke settings; `None`:
    /// list them when the DLQ may be a Lambda-side one (it is no queue's DLQ).
    pub functions: Option<&'a [LambdaFunction]>,
    pub rate: Option<u32>,
}

/// Everything decided before a message is touched.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Plan {
    pub dlq: String,
    pub dlq_url: String,
    pub dlq_arn: String,
    pub dlq_fifo: bool,
    pub mode: Mode,
    /// `--mode native` was asked for: a refused move task fails the run, it never falls
    /// back to the manual mover.
    #[serde(skip)]
    pub native_asked: bool,
    /// Why a move task cannot do this run, when it cannot.
    pub native_unavailable: Option<String>,
    /// The source queues found (redrive policies pointing at the DLQ).
    pub sources: Vec<String>,
    /// The SNS subscriptions whose own redrive policy points at the DLQ.
    pub subscriptions: Vec<SubscriptionSource>,
    pub destinations: Vec<Destination>,
    /// The invoke route: the function the messages go back to, asynchronously.
    pub invoke: Option<InvokeTarget>,
    /// Approximate counts of the DLQ now.
    pub visible: u64,
    pub in_flight: u64,
    pub delayed: u64,
    pub warnings: Vec<String>,
    #[serde(skip)]
    pub routes: Routes,
}

/// Why `auto` does not give a FIFO DLQ to a move task.
pub const FIFO_NATIVE: &str = "a move task keeps each message's deduplication id, so a FIFO \
     destination may drop as duplicates the messages dead-lettered in the last 5 minutes \
     (LocalStack does: the task reports them moved and none arrives); the manual mover gives \
     each message a deduplication id of its own (--mode native runs a move task anyway)";

/// AWS moves at most this many messages a second in one task.
pub const NATIVE_MAX_RATE: u32 = 500;

#[derive(Debug, thiserror::Error)]
pub enum PlanError {
    #[error(
        "{dlq} is the dead-letter queue of no queue or subscription (no redrive policy points \
         at it): say where its messages go with --to QUEUE"
    )]
    NoDestination { dlq: String },
    #[error(
        "{dlq} collects the failed asynchronous invokes of several functions or routes \
         ({fed_by}): its messages do not say which one they came from; say where they go \
         with --to QUEUE"
    )]
    SeveralFunctions { dlq: String, fed_by: String },
    #[error(
        "--to {dlq} is the DLQ itself: its messages would be received, sent back to it and \
         deleted, over and over"
    )]
    ToItself { dlq: String },
    #[error("--mode native cannot do this redrive: {reason}")]
    NativeImpossible { reason: String },
    #[error("{0}")]
    Api(#[from] crate::aws::ApiError),
}

/// Computes the plan for `dlq` without changing anything.
pub async fn plan(
    backend: &Backend,
    dlq: &Queue,
    request: PlanRequest<'_>,
) -> Result<Plan, PlanError> {
    if request.to.is_some_and(|to| to.arn == dlq.arn) {
        return Err(PlanError::ToItself {
            dlq: dlq.name.clone(),
        });
    }
    let mut found = Sources::default();
    sources::queue_sources(backend, dlq, &mut found).await?;
    let listed = sources::list_subscriptions(backend, request.subscriptions, &mut found).await;
    sources::subscription_sources(dlq, &listed, &mut found);
    sources::subscription_queues(backend, &mut found).await;
    let invoke = invoke_route(backend, dlq, &request, &listed, &mut found).await?;
    let routes = Routes {
        to: request.to.map(Destination::of),
        fallback: fallback(&found),
        by_source_arn: found.queues.clone(),
        invoke: invoke.clone(),
        ambiguous: (!found.lambda.is_empty()).then(|| lambda_route::describe_all(&found.lambda)),
    };
    let destinations: Vec<Destination> = match &routes.to {
        Some(to) => vec![to.clone()],
        None => {
            let mut all: BTreeMap<String, Destination> = found.queues.clone();
            all.extend(found.subscription_queues.clone());
            all.into_values().collect()
        }
    };
    if destinations.is_empty() && invoke.is_none() {
        return Err(PlanError::NoDestination {
            dlq: dlq.name.clone(),
        });
    }
    let mut warnings = std::mem::take(&mut found.warnings);
    let (mode, native_unavailable) = choose_mode(dlq, &found, &request, &mut warnings)?;
    warnings.extend(destination_warnings(dlq, &destinations, &routes, &found));
    if request.filtered {
        warnings.push(
            "messages that do not match stay in the DLQ (hidden while the run goes on, then \
             visible again; nothing is parked elsewhere); their receive count rises by one"
                .to_string(),
        );
    }
    warnings.extend(sources::consumer_warnings(backend, &destinations).await);
    if let Some(target) = &invoke {
        warnings.extend(lambda_route::warnings(target));
    }
    Ok(Plan {
        dlq: dlq.name.clone(),
        dlq_url: dlq.url.clone(),
        dlq_arn: dlq.arn.clone(),
        dlq_fifo: dlq.fifo,
        mode,
        native_asked: request.mode == ModeChoice::Native,
        native_unavailable,
        sources: found.queues.values().map(|d| d.name.clone()).collect(),
        subscriptions: found.subscriptions,
        destinations,
        invoke,
        visible: dlq.counts.visible,
        in_flight: dlq.counts.in_flight,
        delayed: dlq.counts.delayed,
        warnings,
        routes,
    })
}

/// The mode `request` asks for where it can be had, and why native cannot, if it cannot.
fn choose_mode(
    dlq: &Queue,
    found: &Sources,
    request: &PlanRequest<'_>,
    warnings: &mut Vec<String>,
) -> Result<(Mode, Option<String>), PlanError> {
    let mut native_unavailable = native_unavailable(dlq, found, request);
    if dlq.fifo && native_unavailable.is_none() {
        // Native stays possible on request, with the warning; auto does not take the risk.
        match request.mode {
            ModeChoice::Auto => native_unavailable = Some(FIFO_NATIVE.to_string()),
            ModeChoice::Native => warnings.push(format!("the DLQ is FIFO: {FIFO_NATIVE}")),
            ModeChoice::Manual => {}
        }
    }
    let mode = match (request.mode, &native_unavailable) {
        (ModeChoice::Manual, _) | (ModeChoice::Auto, Some(_)) => Mode::Manual,
        (ModeChoice::Native | ModeChoice::Auto, None) => Mode::Native,
        (ModeChoice::Native, Some(reason)) => {
            return Err(PlanError::NativeImpossible {
                reason: reason.clone(),
            });
        }
    };
    Ok((mode, native_unavailable))
}

/// The invoke route, when the DLQ is no queue's and no queue subscription's but one
/// function's (its DLQ, its on-failure destination, or its SNS subscription's DLQ), and no
/// `--to` was given. Several functions (or routes) into one DLQ cannot be told apart; the
/// functions feeding a queue's DLQ go to `found.lambda` (their messages stay).
async fn invoke_route(
    backend: &Backend,
    dlq: &Queue,
    request: &PlanRequest<'_>,
    subscriptions: &[crate::domain::Subscription],
    found: &mut Sources,
) -> Result<Option<InvokeTarget>, PlanError> {
    if request.to.is_some() {
        return Ok(None);
    }
    let feeding = lambda_route::feeding(
        backend,
        &dlq.arn,
        subscriptions,
        request.functions,
        found.subscription_queues.is_empty(),
        &mut found.warnings,
    )
    .await;
    if !found.queues.is_empty() {
        // Source queues route their messages by source ARN; the functions make a message
        // without one ambiguous.
        found.lambda = feeding;
        return Ok(None);
    }
    match (feeding.as_slice(), found.subscription_queues.is_empty()) {
        ([], _) => Ok(None),
        ([only], true) => Ok(Some(InvokeTarget::of(only))),
        (several, _) => {
            let mut fed_by = lambda_route::describe_all(several);
            for queue in found.subscription_queues.values() {
                fed_by.push_str(&format!(", {} (SNS subscription)", queue.name));
            }
            Err(PlanError::SeveralFunctions {
                dlq: dlq.name.clone(),
                fed_by,
            })
        }
    }
}

/// Where a message without `DeadLetterQueueSourceArn` goes: the subscribed queue when one
/// subscription dead-letters here (SNS sets no such attribute), else the only source queue.
fn fallback(found: &Sources) -> Option<Destination> {
    if !found.lambda.is_empty() {
        return None;
    }
    let subscribed: Vec<&Destination> = found.subscription_queues.values().collect();
    match (subscribed.as_slice(), found.queues.len()) {
        ([only], _) => Some((*only).clone()),
        ([], 1) => found.queues.values().next().cloned(),
        _ => None,
    }
}

/// Why a move task cannot serve this run, if it cannot.
fn native_unavailable(dlq: &Queue, found: &Sources, request: &PlanRequest<'_>) -> Option<String> {
    if request.selective {
        return Some(
            "a filter, limit or canary chooses messages, and a move task takes them all".into(),
        );
    }
    if found.queues.is_empty() {
        return Some(format!(
            "{} is no SQS queue's dead-letter queue (move tasks serve only those, not SNS \
             subscription or Lambda DLQs)",
            dlq.name
        ));
    }
    if !found.subscriptions.is_empty() && request.to.is_none() {
        return Some(
            "it also holds SNS subscriptions' dead letters, which carry no \
             DeadLetterQueueSourceArn for a move task to follow"
                .into(),
        );
    }
    if !found.lambda.is_empty() && request.to.is_none() {
        return Some(lambda_route::beside_queues_native(&found.lambda));
    }
    if request.rate.is_some_and(|r| r > NATIVE_MAX_RATE) {
        return Some(format!(
            "a move task goes at most {NATIVE_MAX_RATE} messages a second"
        ));
    }
    None
}

fn destination_warnings(
    dlq: &Queue,
    destinations: &[Destination],
    routes: &Routes,
    found: &Sources,
) -> Vec<String> {
    let mut warnings = Vec::new();
    if dlq.redrive.is_some() {
        warnings.push(format!(
            "{} has a redrive policy of its own: each receive by the mover counts toward its \
             maxReceiveCount",
            dlq.name
        ));
    }
    for destination in destinations {
        if destination.fifo && !dlq.fifo {
            warnings.push(format!(
                "{} is FIFO and the DLQ is not: messages go to group {} in the order received",
                destination.name,
                super::build::DEFAULT_GROUP
            ));
        }
        if !destination.fifo && dlq.fifo {
            warnings.push(format!(
                "{} is a standard queue and the DLQ is FIFO: group order is not kept there",
                destination.name
            ));
        }
    }
    if routes.to.is_none() && !found.lambda.is_empty() {
        warnings.push(lambda_route::beside_queues_warning(dlq, &found.lambda));
    }
    let candidates = found.queues.len() + found.subscription_queues.len();
    if routes.to.is_none() && candidates > 1 {
        warnings.push(if routes.fallback.is_some() {
            "the DLQ serves several queues: each message goes back to the one named by its \
             DeadLetterQueueSourceArn, and one without it to the subscribed queue"
                .to_string()
        } else {
            "the DLQ serves several queues: each message goes back to the one named by its \
             DeadLetterQueueSourceArn; a message without it stays in the DLQ"
                .to_string()
        });
    }
    warnings
}

#[cfg(test)]
mod tests {
    use super::*;

    fn destination(name: &str) -> Destination {
        Destination {
            name: name.to_string(),
            url: format!("https://q/{name}"),
            arn: format!("arn:aws:sqs:r:1:{name}"),
            fifo: false,
            max_bytes: 1024,
        }
    }

    #[test]
    fn routes_by_source_arn_and_only_guess_with_one_source() {
        let mut routes = Routes::default();
        routes
            .by_source_arn
            .insert("arn:aws:sqs:r:1:a".into(), destination("a"));
        assert_eq!(routes.route(None), None, "no fallback: no guessing");
        routes.fallback = Some(destination("a"));
        assert_eq!(name(routes.route(None)), Some("a"));
        routes
            .by_source_arn
            .insert("arn:aws:sqs:r:1:b".into(), destination("b"));
        assert_eq!(name(routes.route(Some("arn:aws:sqs:r:1:b"))), Some("b"));
        assert_eq!(routes.route(Some("arn:aws:sqs:r:1:c")), None);
        routes.to = Some(destination("custom"));
        assert_eq!(
            name(routes.route(Some("arn:aws:sqs:r:1:b"))),
            Some("custom")
        );
    }

    fn name<'a>(route: Option<Route<'a>>) -> Option<&'a str> {
        match route? {
            Route::Queue(d) => Some(d.name.as_str()),
            Route::Invoke(t) => Some(t.function.as_str()),
        }
    }

    #[test]
    fn a_message_without_source_goes_to_the_function_unless_a_queue_is_named() {
        use crate::domain::{LambdaDeadLetter, LambdaDeadLetterKind};
        let target = InvokeTarget::of(&LambdaDeadLetter {
            kind: LambdaDeadLetterKind::FunctionDlq,
            target_arn: "arn:aws:sqs:r:1:notify-dlq".into(),
            function: "notify".into(),
            subscription_arn: None,
        });
        let mut routes = Routes {
            invoke: Some(target.clone()),
            ..Routes::default()
        };
        assert_eq!(routes.route(None), Some(Route::Invoke(&target)));
        assert_eq!(routes.route(Some("arn:aws:sqs:r:1:elsewhere")), None);
        routes.to = Some(destination("parking"));
        assert_eq!(name(routes.route(None)), Some("parking"));
    }
}
