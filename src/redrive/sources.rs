//! Where a DLQ's messages came from: the SQS queues whose redrive policy targets it
//! (`ListDeadLetterSourceQueues`), the SNS subscriptions whose own redrive policy names it
//! (their messages go back to the subscribed queue), and the Lambda consumers of each
//! destination (a disabled one means redriven messages just pile up). Read-only calls.

use std::collections::BTreeMap;

use super::plan::Destination;
use crate::aws::{ApiError, Backend, ErrorKind};
use crate::domain::{Queue, Subscription};
use crate::inventory::topics::load_subscriptions;

/// A subscription that dead-letters into the DLQ.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct SubscriptionSource {
    pub subscription_arn: String,
    pub topic_arn: String,
    /// The subscribed queue: where its dead letters go back to.
    pub queue_arn: String,
    pub raw_message_delivery: bool,
}

/// What was found, and what could not be.
#[derive(Debug, Default)]
pub struct Sources {
    /// Source queues by ARN (SQS redrive policies pointing at the DLQ).
    pub queues: BTreeMap<String, Destination>,
    pub subscriptions: Vec<SubscriptionSource>,
    /// The subscribed queues of `subscriptions`, by ARN, where they exist.
    pub subscription_queues: BTreeMap<String, Destination>,
    /// Functions whose failed asynchronous invokes land here too, beside source queues:
    /// a message without `DeadLetterQueueSourceArn` may then be theirs or a queue's.
    pub lambda: Vec<crate::domain::LambdaDeadLetter>,
    pub warnings: Vec<String>,
}

/// The SQS source queues of `dlq`.
pub async fn queue_sources(
    backend: &Backend,
    dlq: &Queue,
    found: &mut Sources,
) -> Result<(), ApiError> {
    let mut token = None;
    loop {
        let page = backend
            .queues
            .list_dead_letter_source_queues(&dlq.url, token)
            .await?;
        for url in page.items {
            match backend.queues.describe_queue(&url).await {
                Ok(queue) => {
                    found
                        .queues
                        .insert(queue.arn.clone(), Destination::of(&queue));
                }
                Err(e) if e.kind == ErrorKind::NotFound => found.warnings.push(format!(
                    "source queue {url} is gone: its messages have no destination"
                )),
                Err(e) => return Err(e),
            }
        }
        token = page.next_token;
        if token.is_none() {
            return Ok(());
        }
    }
}

/// How many `GetSubscriptionAttributes` calls are in flight at once when the subscriptions
/// must be listed here (SNS allows about 30 a second).
const SUBSCRIPTION_READS: usize = 8;

/// Every subscription: `known` (an inventory already loaded), else listed with their
/// attributes, as discovery lists them. A failed SNS listing is a warning, not an error
/// (none are known then): the SQS side of the plan still stands.
pub async fn list_subscriptions(
    backend: &Backend,
    known: Option<&[Subscription]>,
    found: &mut Sources,
) -> Vec<Subscription> {
    if let Some(known) = known {
        return known.to_vec();
    }
    match load_subscriptions(backend.topics.clone(), SUBSCRIPTION_READS).await {
        Ok(all) => all,
        Err(e) => {
            found.warnings.push(format!(
                "subscriptions could not be listed ({e}): a subscription DLQ's messages \
                 would have no destination"
            ));
            Vec::new()
        }
    }
}

/// The SQS subscriptions of `subscriptions` whose redrive policy sends to `dlq`.
pub fn subscription_sources(dlq: &Queue, subscriptions: &[Subscription], found: &mut Sources) {
    for subscription in subscriptions.iter().filter(|s| s.protocol == "sqs") {
        if let Some(why) = &subscription.warning {
            found.warnings.push(format!(
                "subscription {} could not be read ({why}): if it dead-letters here, its \
                 messages have no destination",
                subscription.arn
            ));
            continue;
        }
        if subscription.dlq_arn.as_deref() == Some(dlq.arn.as_str()) {
            found.subscriptions.push(SubscriptionSource {
                subscription_arn: subscription.arn.clone(),
                topic_arn: subscription.topic_arn.clone(),
                queue_arn: subscription.endpoint.clone(),
                raw_message_delivery: subscription.raw_message_delivery,
            });
        }
    }
}

/// Describes each subscribed queue (by ARN: its URL is found by name).
pub async fn subscription_queues(backend: &Backend, found: &mut Sources) {
    let arns: Vec<String> = found
        .subscriptions
        .iter()
        .map(|s| s.queue_arn.clone())
        .collect();
    for arn in arns {
        if found.subscription_queues.contains_key(&arn) {
            continue;
        }
        match crate::aws::resolve::queue(backend, &arn).await {
            Ok(queue) => {
                found
                    .subscription_queues
                    .insert(arn, Destination::of(&queue));
            }
            Err(e) => found.warnings.push(format!(
                "the subscribed queue {arn} cannot be found ({e}): its dead letters have no \
                 destination"
            )),
        }
    }
}

/// Warnings about destinations whose Lambda consumers are not enabled.
pub async fn consumer_warnings(backend: &Backend, destinations: &[Destination]) -> Vec<String> {
    let mut mappings = Vec::new();
    let mut marker = None;
    loop {
        match backend.lambdas.list_event_source_mappings(marker).await {
            Ok(page) => {
                mappings.extend(page.items);
                marker = page.next_token;
                if marker.is_none() {
                    break;
                }
            }
            Err(e) => {
                return vec![format!(
                    "the destinations' Lambda consumers could not be checked ({e})"
                )];
            }
        }
    }
    let mut warnings = Vec::new();
    for destination in destinations {
        for mapping in mappings
            .iter()
            .filter(|m| m.event_source_arn == destination.arn)
        {
            if !mapping.state.eq_ignore_ascii_case("Enabled") {
                warnings.push(format!(
                    "{}'s consumer {} is {}: redriven messages will pile up there until it \
                     is enabled",
                    destination.name,
                    mapping.function_name(),
                    mapping.state
                ));
            }
        }
    }
    warnings
}
