//! Lays out a world's starting state as real messages: for each queue, so many visible,
//! in flight and delayed, sent over the last minutes, made the way they would have
//! arrived (the producer's template, through the subscription's filter and format); DLQ
//! messages carry their source and receive count as if SQS had moved them.

use std::sync::Arc;

use super::filter;
use super::rng::SplitMix64;
use super::sns::delivered_form;
use super::spec::{MessageTemplate, Target};
use super::stored::{Deferred, Incoming, Recipe, Rendered};
use super::traffic::{Draft, draw};
use super::world::{MINUTE_MS, World};
use crate::domain::message::AttributeValue;

/// What one queue holds at the start.
#[derive(Debug, Clone)]
pub(super) struct Depths {
    pub queue: String,
    pub visible: u64,
    pub in_flight: u64,
    pub delayed: u64,
    /// Over how many minutes the visible and in-flight messages were sent.
    pub span_minutes: u64,
}

/// Where a queue's messages come from.
#[derive(Debug, Clone)]
struct Feed {
    template: MessageTemplate,
    /// The subscription that delivers them (its filter and format apply).
    subscription: Option<usize>,
    /// For a DLQ of a queue: that queue and its maxReceiveCount.
    dead_letters_of: Option<(usize, u32)>,
    /// For a subscription's DLQ: SNS's failure attributes are added.
    subscription_dlq: bool,
}

fn template_for(world: &World, target: &Target) -> Option<MessageTemplate> {
    world
        .traffic
        .producers
        .iter()
        .find(|p| &p.target == target)
        .map(|p| p.template.clone())
}

/// `depth` stops a DLQ cycle (A's DLQ is B, B's is A) from recursing for ever.
fn feed_for(world: &World, queue: usize, depth: u8) -> Feed {
    let name = &world.queues[queue].spec.name;
    let delivering = world
        .subscriptions
        .iter()
        .position(|s| s.protocol == "sqs" && &s.endpoint == name && !s.pending);
    if let Some(index) = delivering
        && let Some(template) = template_for(
            world,
            &Target::Topic(world.subscriptions[index].topic.clone()),
        )
    {
        return Feed {
            template,
            subscription: Some(index),
            dead_letters_of: None,
            subscription_dlq: false,
        };
    }
    if let Some(template) = template_for(world, &Target::Queue(name.clone())) {
        return Feed {
            template,
            subscription: None,
            dead_letters_of: None,
            subscription_dlq: false,
        };
    }
    let source = world
        .queues
        .iter()
        .position(|q| q.spec.dlq.as_ref().is_some_and(|(dlq, _)| dlq == name));
    if let Some(source) = source.filter(|_| depth < 3) {
        let max_receive = world.queues[source].spec.dlq.as_ref().map_or(1, |d| d.1);
        return Feed {
            dead_letters_of: Some((source, max_receive)),
            ..feed_for(world, source, depth + 1)
        };
    }
    let failing = world
        .subscriptions
        .iter()
        .position(|s| s.dlq.as_ref() == Some(name));
    if let Some(index) = failing
        && let Some(template) = template_for(
            world,
            &Target::Topic(world.subscriptions[index].topic.clone()),
        )
    {
        return Feed {
            template,
            subscription: Some(index),
            dead_letters_of: None,
            subscription_dlq: true,
        };
    }
    Feed {
        template: MessageTemplate::new("report").one_of("format", &["csv", "pdf"]),
        subscription: None,
        dead_letters_of: None,
        subscription_dlq: false,
    }
}

/// A draft that passes the subscription's filter (a few tries; then the last one).
fn draft_for(
    rng: &mut SplitMix64,
    template: &MessageTemplate,
    policy: Option<&str>,
    at_ms: i64,
) -> Draft {
    let mut draft = draw(template, rng, at_ms);
    for _ in 0..50 {
        let passes =
            policy.is_none_or(|p| filter::passes(p, false, &draft.attributes, &draft.body));
        if passes {
            break;
        }
        draft = draw(template, rng, at_ms);
    }
    draft
}

/// How the feed's messages are written: the draft through the subscription's format,
/// and SNS's failure attributes for a subscription's DLQ.
fn recipe(world: &World, feed: &Feed) -> Recipe {
    let template = feed.template.clone();
    let subscription = feed
        .subscription
        .map(|index| (index, world.subscriptions[index].clone()));
    let failed_delivery = feed.subscription_dlq;
    let region = world.region();
    Arc::new(move |rng: &mut SplitMix64, at_ms: i64| {
        let policy = subscription
            .as_ref()
            .and_then(|(_, sub)| sub.filter_policy.as_deref());
        let draft = draft_for(rng, &template, policy, at_ms);
        let (body, mut message_attributes) = match &subscription {
            Some((index, sub)) => delivered_form(region, rng, *index, sub, &draft, at_ms),
            None => (draft.body.clone(), draft.attributes.clone()),
        };
        if failed_delivery {
            let request_id = rng.uuid();
            message_attributes.insert(
                "ErrorCode".into(),
                AttributeValue::string("KMS.AccessDeniedException"),
            );
            message_attributes.insert(
                "ErrorMessage".into(),
                AttributeValue::string("SNS is not allowed to use the queue's KMS key"),
            );
            message_attributes.insert("RequestID".into(), AttributeValue::string(&request_id));
        }
        Rendered {
            body,
            message_attributes,
            poison: draft.poison,
        }
    })
}

/// One message as it arrived at `at_ms`. Standard queues get their text deferred; FIFO
/// queues need the group id now, so theirs is made at once (they are small).
fn message_for(
    world: &mut World,
    queue: usize,
    feed: &Feed,
    recipe: &Recipe,
    at_ms: i64,
) -> Incoming {
    let id = world.rng.uuid();
    let seed = world.rng.next_u64();
    let mut message = Incoming::new(id, String::new(), at_ms);
    if world.queues[queue].spec.fifo {
        let mut rng = SplitMix64::new(seed);
        let policy = feed
            .subscription
            .and_then(|i| world.subscriptions[i].filter_policy.clone());
        let draft = draft_for(&mut rng, &feed.template, policy.as_deref(), at_ms);
        message.group_id = draft.group_id.clone();
        message.dedup_id = Some(draft.event_id.clone());
        message.deferred = Some(Deferred {
            recipe: recipe.clone(),
            seed,
            sent_ms: at_ms,
        });
        message.materialize();
    } else {
        message.deferred = Some(Deferred {
            recipe: recipe.clone(),
            seed,
            sent_ms: at_ms,
        });
    }
    message
}

pub(super) fn seed_depths(world: &mut World, depths: &Depths) {
    let Some(queue) = world.queue_index(&depths.queue) else {
        return;
    };
    let feed = feed_for(world, queue, 0);
    let recipe = recipe(world, &feed);
    let now = world.now_ms;
    let visibility_s = u64::from(world.queues[queue].spec.visibility_timeout_s.max(2));
    let max_receive = world.queues[queue].spec.dlq.as_ref().map_or(0, |d| d.1);
    let total = depths.visible + depths.in_flight;
    let span_ms = (depths.span_minutes.max(1) as i64) * MINUTE_MS;
    for i in 0..total {
        // Oldest first; the newest a little before now.
        let sent = now - span_ms * (total - i) as i64 / total as i64;
        let mut message = message_for(world, queue, &feed, &recipe, sent);
        let mut enqueued = sent;
        if let Some((source, source_max)) = feed.dead_letters_of {
            let source_visibility = i64::from(world.queues[source].spec.visibility_timeout_s);
            enqueued = (sent + i64::from(source_max) * source_visibility * 1000).min(now);
            message.dlq_source_arn = Some(world.queues[source].arn.clone());
            message.receive_count = source_max;
            message.first_receive_ms = Some(sent + 1_000);
            if world.queues[queue].spec.fifo {
                message.sent_ms = enqueued;
            }
        } else if i >= depths.in_flight && max_receive > 1 && world.rng.chance(0.1) {
            // Some have failed before.
            message.receive_count = world.rng.between(1, u64::from(max_receive - 1)) as u32;
            message.first_receive_ms = Some(sent + 2_000);
        }
        let past = feed.dead_letters_of.map(|(source, source_max)| {
            let visibility_ms = i64::from(world.queues[source].spec.visibility_timeout_s) * 1000;
            let source = world.queues[source].spec.name.clone();
            (source, message.id.clone(), source_max, visibility_ms)
        });
        world.queues[queue].enqueue(message, enqueued, false);
        if let Some((source, id, receives, visibility_ms)) = past {
            world.log_past_failures(&source, &id, sent + 1_000, receives, visibility_ms);
        }
        if i < depths.in_flight {
            let hidden_until = now + world.rng.between(1, visibility_s) as i64 * 1000;
            let received = now - world.rng.below(visibility_s) as i64 * 1000;
            world.queues[queue].hold_last(hidden_until, received.max(sent), &mut world.rng);
        }
    }
    for _ in 0..depths.delayed {
        let mut message = message_for(world, queue, &feed, &recipe, now);
        message.delay_s = Some(world.rng.between(5, 60) as u32);
        world.queues[queue].enqueue(message, now, false);
    }
}
