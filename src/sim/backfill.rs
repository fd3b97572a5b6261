//! An hour of made-up history, so the demo's charts are not empty at start: one-minute
//! points for every queue, function and topic, consistent with the world's traffic data
//! (what flows in through each subscription, what each consumer manages) and ending at
//! the depths the world starts with. Simulating the hour for real would take seconds
//! and end at other depths; this takes microseconds.

use std::collections::BTreeMap;

use super::filter;
use super::metrics::{FunctionCounters, QueuePoint, TopicPoint};
use super::rng::SplitMix64;
use super::spec::{MessageTemplate, Target};
use super::traffic::draw;
use super::world::{MINUTE_MS, World};

/// Drafts drawn per producer and subscription to estimate a filter's pass rate.
const SAMPLES: usize = 200;

/// Per minute, what flows through one queue.
#[derive(Debug, Clone, Copy, Default)]
struct Flow {
    inbound: f64,
    processed: f64,
    /// Receives per processed message beyond the first (failures retried).
    retry_share: f64,
    /// Messages moved to this queue (as a DLQ) per minute.
    dead_lettered: f64,
    /// The most its consumers manage per minute, together.
    capacity: f64,
}

fn pass_rate(policy: Option<&str>, template: &MessageTemplate, rng: &mut SplitMix64) -> f64 {
    let Some(policy) = policy else {
        return 1.0;
    };
    let passed = (0..SAMPLES)
        .filter(|_| {
            let draft = draw(template, rng, 0);
            filter::passes(policy, false, &draft.attributes, &draft.body)
        })
        .count();
    passed as f64 / SAMPLES as f64
}

/// What each subscription passes per minute, and its topic's published rate.
struct Fanout {
    per_subscription: Vec<(f64, f64)>, // (delivered, filtered out) per minute
    poison_per_subscription: Vec<f64>,
    published: BTreeMap<String, f64>,
}

fn fanout(world: &World, part: &Part, rng: &mut SplitMix64) -> Fanout {
    let mut per_subscription = vec![(0.0, 0.0); world.subscriptions.len()];
    let mut poison_per_subscription = vec![0.0; world.subscriptions.len()];
    let mut published = BTreeMap::new();
    for producer in &world.traffic.producers {
        let Target::Topic(topic) = &producer.target else {
            continue;
        };
        if !part(topic) {
            continue;
        }
        *published.entry(topic.clone()).or_insert(0.0) += producer.per_minute;
        for (i, sub) in world.subscriptions.iter().enumerate() {
            if &sub.topic != topic || sub.pending {
                continue;
            }
            let rate = pass_rate(sub.filter_policy.as_deref(), &producer.template, rng);
            per_subscription[i].0 += producer.per_minute * rate;
            per_subscription[i].1 += producer.per_minute * (1.0 - rate);
            poison_per_subscription[i] +=
                producer.per_minute * rate * producer.template.poison_fraction;
        }
    }
    Fanout {
        per_subscription,
        poison_per_subscription,
        published,
    }
}

fn flows(world: &World, fanout: &Fanout) -> Vec<Flow> {
    let mut flows = vec![Flow::default(); world.queues.len()];
    let mut poison = vec![0.0; world.queues.len()];
    for (i, sub) in world.subscriptions.iter().enumerate() {
        if let Some(q) = world
            .queue_index(&sub.endpoint)
            .filter(|_| sub.protocol == "sqs")
        {
            flows[q].inbound += fanout.per_subscription[i].0;
            poison[q] += fanout.poison_per_subscription[i];
        }
    }
    for producer in &world.traffic.producers {
        if let Target::Queue(name) = &producer.target
            && let Some(q) = world.queue_index(name)
        {
            flows[q].inbound += producer.per_minute;
        }
    }
    for q in 0..world.queues.len() {
        let mut capacity = 0.0;
        let mut poison_fails = false;
        let mut failure = 0.0;
        for consumer in world
            .traffic
            .consumers
            .iter()
            .filter(|c| c.queue == world.queues[q].spec.name)
        {
            let Some(batch) = consumer_batch(
                world,
                &consumer.function,
                &consumer.queue,
                consumer.batch_size,
            ) else {
                continue;
            };
            capacity += consumer.invocations_per_minute * f64::from(batch);
            poison_fails |= consumer.poison_fails;
            failure = f64::max(failure, consumer.failure_probability);
        }
        let flow = &mut flows[q];
        flow.capacity = capacity;
        let backlog = world.queues[q].visible_count(world.now_ms) > 0;
        flow.processed = if capacity < flow.inbound || backlog {
            capacity
        } else {
            flow.inbound
        };
        flow.retry_share = failure;
        if poison_fails && flow.inbound > 0.0 {
            let into_dlq = poison[q] * (flow.processed / flow.inbound).min(1.0);
            if let Some((dlq, _)) = world.dead_letter_target(q) {
                flows[dlq].dead_lettered += into_dlq;
            }
        }
    }
    flows
}

/// The batch size a consumer works with, if it polls at all.
fn consumer_batch(world: &World, function: &str, queue: &str, worker_batch: u32) -> Option<u32> {
    match world.function_index(function) {
        None => Some(worker_batch.max(1)),
        Some(f) => world.functions[f]
            .spec
            .mappings
            .iter()
            .find(|m| m.queue == queue && m.state == "Enabled")
            .map(|m| m.batch_size.max(1)),
    }
}

fn noisy(rng: &mut SplitMix64, per_minute: f64) -> u64 {
    let jittered = rng.jitter(per_minute, 0.12);
    rng.count(jittered)
}

/// Which resources (queue, function, topic names) a backfill makes history for.
pub(super) type Part = dyn Fn(&str) -> bool;

/// Puts `minutes` points of history before the world's first minute, for the resources
/// `part` names (a world made of parts draws each part's history from its own stream, so
/// adding a part leaves the others' numbers as they were).
pub(super) fn backfill(world: &mut World, minutes: i64, part: &Part) {
    let mut rng = SplitMix64::new(world.rng.next_u64());
    let rng = &mut rng;
    let fanout = fanout(world, part, rng);
    let flows = flows(world, &fanout);
    let first = world.current_minute_ms() - minutes * MINUTE_MS;
    let now = world.now_ms;
    let gauges: Vec<_> = world.queues.iter().map(|q| q.gauges(now)).collect();
    for minute in 0..minutes {
        let at = first + minute * MINUTE_MS;
        let before_end = (minutes - minute) as f64;
        for (q, flow) in flows.iter().enumerate() {
            let queue = &mut world.queues[q];
            let gauges = gauges[q];
            if !part(&queue.spec.name) || (queue.is_empty() && flow.inbound == 0.0) {
                continue;
            }
            let drift = flow.inbound - flow.processed + flow.dead_lettered;
            let visible = (gauges.visible as f64 - drift * before_end).max(0.0);
            let growing = drift > 0.0 && gauges.visible > 0;
            let age = if growing {
                (gauges.age_of_oldest_s as f64 - 60.0 * before_end).max(20.0)
            } else {
                gauges.age_of_oldest_s as f64
            };
            let processed = flow.processed;
            queue.metrics.points.push(QueuePoint {
                minute_ms: at,
                visible: rng.jitter(visible, 0.03).round() as u64,
                in_flight: rng.jitter(gauges.in_flight as f64, 0.25).round() as u64,
                delayed: gauges.delayed,
                age_of_oldest_s: rng.jitter(age, 0.05).round() as u64,
                groups_in_flight: gauges.groups_in_flight,
                sent: noisy(rng, flow.inbound),
                received: noisy(rng, processed * (1.0 + flow.retry_share)),
                deleted: noisy(rng, processed),
                empty_receives: if flow.capacity > 0.0 && visible < 1.0 {
                    3
                } else {
                    0
                },
            });
        }
        backfill_functions(world, &flows, &fanout, at, rng, part);
        backfill_topics(world, &fanout, at, rng);
    }
}

fn backfill_functions(
    world: &mut World,
    flows: &[Flow],
    fanout: &Fanout,
    at: i64,
    rng: &mut SplitMix64,
    part: &Part,
) {
    let mut counters: BTreeMap<usize, FunctionCounters> = BTreeMap::new();
    for consumer in &world.traffic.consumers {
        if !part(&consumer.function) {
            continue;
        }
        let (Some(f), Some(q)) = (
            world.function_index(&consumer.function),
            world.queue_index(&consumer.queue),
        ) else {
            continue;
        };
        let Some(batch) = consumer_batch(
            world,
            &consumer.function,
            &consumer.queue,
            consumer.batch_size,
        ) else {
            continue;
        };
        // Consumers of one queue share its work in proportion to what each manages.
        let share = consumer.invocations_per_minute * f64::from(batch) / flows[q].capacity;
        let invocations = noisy(rng, flows[q].processed * share / f64::from(batch));
        let batch_fails = 1.0 - (1.0 - consumer.failure_probability).powi(batch as i32);
        let entry = counters.entry(f).or_default();
        for _ in 0..invocations {
            let duration = rng.jitter(f64::from(consumer.duration_ms), 0.5);
            let failed = rng.chance(batch_fails);
            entry.invoked(duration, failed);
        }
        entry.throttles += rng.count(invocations as f64 * consumer.throttle_probability);
    }
    for (i, sub) in world.subscriptions.iter().enumerate() {
        if sub.protocol == "lambda"
            && part(&sub.endpoint)
            && let Some(f) = world.function_index(&sub.endpoint)
        {
            let entry = counters.entry(f).or_default();
            for _ in 0..noisy(rng, fanout.per_subscription[i].0) {
                entry.invoked(rng.between(40, 180) as f64, false);
            }
        }
    }
    for (f, c) in counters {
        if c.invocations + c.throttles > 0 {
            let targets = super::metrics::AsyncTargets::of(&world.functions[f].spec);
            world.functions[f].metrics.points.push(c.point(at, targets));
        }
    }
}

fn backfill_topics(world: &mut World, fanout: &Fanout, at: i64, rng: &mut SplitMix64) {
    for t in 0..world.topics.len() {
        let name = world.topics[t].name.clone();
        let Some(&published) = fanout.published.get(&name) else {
            continue;
        };
        let mut point = TopicPoint {
            minute_ms: at,
            published: noisy(rng, published),
            ..TopicPoint::default()
        };
        for (i, sub) in world.subscriptions.iter().enumerate() {
            if sub.topic != name || sub.pending {
                continue;
            }
            let (delivered, filtered) = fanout.per_subscription[i];
            point.filtered_out += noisy(rng, filtered);
            let missing = match sub.protocol.as_str() {
                "sqs" => world.queue_index(&sub.endpoint).is_none(),
                "lambda" => world.function_index(&sub.endpoint).is_none(),
                _ => false,
            };
            if missing {
                point.failed += noisy(rng, delivered);
            } else {
                point.delivered += noisy(rng, delivered);
            }
        }
        world.topics[t].metrics.points.push(point);
    }
}
