//! The world `squall --demo` shows: a small shop's event fan-out with the kinds of trouble
//! an on-call engineer meets (full DLQs, a disabled consumer, a subscription to a deleted
//! queue, a DLQ that does not exist, a pending subscription), with traffic flowing and
//! consumers failing. Everything that moves is data (`demo_traffic`), and the incident the
//! demo tells (`demo_story`) is a script of changes to it that the world applies as its
//! clock passes them.

use std::sync::Arc;

use super::backfill::backfill;
use super::clock::{Clock, ManualClock, SystemClock};
use super::demo_seed::{Depths, seed_depths};
use super::demo_story::{self, DemoOptions};
use super::fleet::SimFleet;
use super::rng::SplitMix64;
use super::spec::{
    AlarmSpec, ConsumerProfile, FleetSpec, FunctionSpec, MessageTemplate, Producer, QueueSpec,
    SubscriptionSpec, Target, Traffic,
};

/// The seed `--demo` uses unless `--seed` says otherwise.
pub const DEFAULT_SEED: u64 = 7;
/// Mixed into the seed for the story's own random stream.
const STORY_STREAM: u64 = 0x5707_1e5c_a11e_d000;
/// Minutes of metric history made up at start, so charts are not empty.
const BACKFILL_MINUTES: i64 = 60;
/// Minutes of consumers' log lines before the demo's start (a few lines a minute each).
pub(super) const LOG_BACKFILL_MINUTES: i64 = 15;
/// Demo DLQs keep messages for 14 days.
const RETENTION_S: u32 = 14 * 24 * 3600;
/// The function a topic invokes directly, which fails for a while (see `demo_with_options`).
const NOTIFIER: &str = "shipping-notifier";
const NOTIFIER_DLQ: &str = "shipping-notifier-dlq";
const NOTIFIER_FAILURES: &str = "shipping-notifier-failures";
const NOTIFIER_FAILS_FOR_MS: i64 = 10 * 60 * 1000;
/// Demo source queues keep messages for 4 days, so a moved message outlives them in its DLQ.
const SOURCE_RETENTION_S: u32 = 4 * 24 * 3600;
/// Six times the demo functions' 30 s timeout (Lambda's guidance for SQS event sources).
const CONSUMED_VISIBILITY_S: u32 = 180;

/// One service's queue, its DLQ, and the depths the demo starts with.
struct Service {
    name: &'static str,
    fifo: bool,
    visible: u64,
    in_flight: u64,
    delayed: u64,
    dlq_depth: u64,
    /// Over how many minutes the DLQ's messages arrived.
    dlq_span_minutes: u64,
}

const fn service(
    name: &'static str,
    fifo: bool,
    (visible, in_flight, delayed): (u64, u64, u64),
    (dlq_depth, dlq_span_minutes): (u64, u64),
) -> Service {
    Service {
        name,
        fifo,
        visible,
        in_flight,
        delayed,
        dlq_depth,
        dlq_span_minutes,
    }
}

const SERVICES: [Service; 10] = [
    service("orders", false, (42, 8, 2), (0, 0)),
    service("payments", true, (3, 1, 0), (17, 2 * 24 * 60)),
    service("inventory-sync", false, (1250, 64, 0), (0, 0)),
    service("shipping-labels", false, (0, 0, 0), (2, 3 * 24 * 60)),
    service("email-notifications", false, (310, 25, 0), (0, 0)),
    service("fraud-check", true, (12, 4, 0), (0, 0)),
    service("search-indexer", false, (8800, 120, 0), (431, 7 * 60)),
    service("billing-events", true, (0, 0, 0), (0, 0)),
    service("audit-log", false, (77, 10, 0), (0, 0)),
    service("webhooks-outbound", false, (5, 2, 0), (1289, 26 * 60)),
];

fn queue_name(service: &Service) -> String {
    let suffix = if service.fifo { ".fifo" } else { "" };
    format!("{}{suffix}", service.name)
}

fn dlq_name(service: &Service) -> String {
    let suffix = if service.fifo { ".fifo" } else { "" };
    format!("{}-dlq{suffix}", service.name)
}

fn demo_queues() -> Vec<QueueSpec> {
    let mut queues = Vec::new();
    for service in &SERVICES {
        let max_receive = if service.fifo { 3 } else { 5 };
        // Doctor findings on purpose: search-indexer's visibility timeout is the default 30 s
        // (its consumer may run 30 s), and webhooks-outbound's DLQ keeps messages no longer
        // than the queue itself.
        let visibility = match service.name {
            "search-indexer" | "shipping-labels" => 30,
            _ => CONSUMED_VISIBILITY_S,
        };
        let dlq_retention = match service.name {
            "webhooks-outbound" => SOURCE_RETENTION_S,
            _ => RETENTION_S,
        };
        queues.push(
            QueueSpec::new(&queue_name(service))
                .with_dlq(&dlq_name(service), max_receive)
                .with_retention_s(SOURCE_RETENTION_S)
                .with_visibility_timeout_s(visibility),
        );
        queues.push(QueueSpec::new(&dlq_name(service)).with_retention_s(dlq_retention));
    }
    // Its redrive policy names a DLQ that was deleted.
    queues.push(
        QueueSpec::new("reports-adhoc")
            .with_dlq("reports-adhoc-dlq", 4)
            .with_retention_s(RETENTION_S),
    );
    // A subscription's own DLQ: SNS puts messages here when it cannot deliver.
    queues.push(QueueSpec::new("order-events-email-sub-dlq").with_retention_s(RETENTION_S));
    // Where shipping-notifier's failed async invokes land: the event, and its record.
    queues.push(QueueSpec::new(NOTIFIER_DLQ).with_retention_s(RETENTION_S));
    queues.push(QueueSpec::new(NOTIFIER_FAILURES).with_retention_s(RETENTION_S));
    queues.extend(demo_story::queues());
    queues
}

fn demo_subscriptions() -> Vec<SubscriptionSpec> {
    let sub = SubscriptionSpec::new;
    vec![
        sub("order-events", "sqs", "orders")
            .filter(r#"{"type":["order_placed","order_updated"]}"#)
            .raw(),
        sub("order-events", "sqs", "audit-log").raw(),
        sub("order-events", "sqs", "email-notifications")
            .filter(r#"{"type":["order_shipped"],"channel":["email"]}"#)
            .with_dlq("order-events-email-sub-dlq"),
        SubscriptionSpec {
            pending: true,
            ..sub("order-events", "email", "oncall@example.com")
        },
        sub("payment-events.fifo", "sqs", "payments.fifo").raw(),
        sub("payment-events.fifo", "sqs", "fraud-check.fifo")
            .filter(r#"{"amount":[{"numeric":[">",1000]}]}"#)
            .raw(),
        sub("payment-events.fifo", "sqs", "billing-events.fifo").raw(),
        sub("inventory-updates", "sqs", "inventory-sync"),
        sub("inventory-updates", "sqs", "search-indexer"),
        // The queue behind this subscription was deleted.
        sub("inventory-updates", "sqs", "legacy-reindex"),
        sub("shipping-events", "sqs", "shipping-labels"),
        sub("shipping-events", "sqs", "webhooks-outbound"),
        sub("shipping-events", "lambda", "shipping-notifier"),
        sub(
            "shipping-events",
            "https",
            "https://hooks.partner.example/shipping",
        ),
    ]
    .into_iter()
    // After the shop's own, so the existing subscriptions keep their ARNs.
    .chain(demo_story::subscriptions())
    .collect()
}

fn demo_functions() -> Vec<FunctionSpec> {
    let f = FunctionSpec::new;
    vec![
        f("orders-worker", "nodejs22.x").consumes("orders", "Enabled", 10),
        f("payments-processor", "java21").consumes("payments.fifo", "Enabled", 1),
        f("fraud-scorer", "python3.13").consumes("fraud-check.fifo", "Enabled", 5),
        f("inventory-sync-fn", "python3.13").consumes("inventory-sync", "Enabled", 25),
        f("search-indexer-fn", "provided.al2023").consumes("search-indexer", "Enabled", 100),
        f("email-sender", "nodejs22.x").consumes("email-notifications", "Enabled", 10),
        f("webhooks-sender", "python3.13").consumes("webhooks-outbound", "Disabled", 10),
        f(NOTIFIER, "nodejs22.x")
            .with_dlq(NOTIFIER_DLQ)
            .on_failure_to(NOTIFIER_FAILURES),
        f("audit-archiver", "python3.13")
            .consumes("audit-log", "Enabled", 10)
            .consumes("billing-events.fifo", "Enabled", 10),
    ]
    .into_iter()
    .chain(demo_story::functions())
    .collect()
}

/// Rates are per minute. Queue depths drift the way the demo's story needs: orders,
/// inventory and search fall behind, email catches up, search's poison messages trickle
/// into its DLQ, the disabled webhooks consumer lets its queue grow.
pub fn demo_traffic() -> Traffic {
    let producers = demo_producers()
        .into_iter()
        .chain(demo_story::producers())
        .collect();
    let consumers = demo_consumers()
        .into_iter()
        .chain(demo_story::consumers())
        .collect();
    Traffic {
        producers,
        consumers,
    }
}

/// What publishes and sends in the demo's everyday traffic (the story adds its own).
fn demo_producers() -> Vec<Producer> {
    let producer = Producer::new;
    let topic = |name: &str| Target::Topic(name.to_string());
    let order = MessageTemplate {
        traced_fraction: 0.3,
        ..MessageTemplate::new("order")
            .one_of(
                "type",
                &[
                    "order_placed",
                    "order_placed",
                    "order_placed",
                    "order_placed",
                    "order_placed",
                    "order_updated",
                    "order_updated",
                    "order_shipped",
                    "order_shipped",
                    "order_cancelled",
                ],
            )
            .one_of("channel", &["email", "email", "email", "sms", "sms"])
    };
    let order_retry = MessageTemplate {
        delay_s: 30,
        ..MessageTemplate::new("order").one_of("type", &["order_retry"])
    };
    let payment = MessageTemplate {
        groups: 40,
        ..MessageTemplate::new("payment")
            .number("amount", 5, 2500)
            .one_of("method", &["card", "card", "paypal", "wallet"])
            .poison(0.003)
    };
    let sku = MessageTemplate::new("sku")
        .one_of(
            "type",
            &[
                "stock_changed",
                "stock_changed",
                "stock_changed",
                "price_changed",
            ],
        )
        .one_of("warehouse", &["fra1", "iad2", "sfo1"])
        .poison(1.0 / 300.0);
    let shipment = MessageTemplate {
        subject: Some("Shipment update".to_string()),
        ..MessageTemplate::new("shipment")
            .one_of("type", &["label_created", "in_transit", "delivered"])
            .one_of("carrier", &["ups", "dhl", "fedex"])
    };
    vec![
        producer(topic("order-events"), 180.0, order),
        producer(Target::Queue("orders".to_string()), 4.0, order_retry),
        producer(topic("payment-events.fifo"), 30.0, payment),
        producer(topic("inventory-updates"), 300.0, sku),
        producer(topic("shipping-events"), 6.0, shipment),
    ]
}

/// The consumers draining the demo's queues, at the rates that keep them healthy.
fn demo_consumers() -> Vec<ConsumerProfile> {
    let consumer =
        |function: &str, queue: &str, per_minute: f64, duration_ms: u32| ConsumerProfile {
            duration_ms,
            ..ConsumerProfile::new(function, queue, per_minute)
        };
    vec![
        ConsumerProfile {
            failure_probability: 0.002,
            ..consumer("orders-worker", "orders", 12.8, 4_000)
        },
        consumer("audit-archiver", "audit-log", 17.7, 3_400),
        consumer("email-sender", "email-notifications", 3.4, 25_000),
        ConsumerProfile {
            poison_fails: true,
            ..consumer("payments-processor", "payments.fifo", 32.0, 2_000)
        },
        consumer("fraud-scorer", "fraud-check.fifo", 3.4, 14_000),
        consumer("audit-archiver", "billing-events.fifo", 4.0, 1_000),
        ConsumerProfile {
            failure_probability: 0.002,
            ..consumer("inventory-sync-fn", "inventory-sync", 10.4, 15_000)
        },
        ConsumerProfile {
            poison_fails: true,
            report_batch_item_failures: true,
            ..consumer("search-indexer-fn", "search-indexer", 1.5, 25_000)
        },
        // Its event source mapping is Disabled: it does not poll.
        consumer("webhooks-sender", "webhooks-outbound", 6.0, 1_500),
        // Not a Lambda: a container worker prints the labels.
        consumer("shipping-labels-worker", "shipping-labels", 2.0, 2_000),
    ]
}

/// Alarms in ALARM on resources that burn: the DLQ alarm most teams set first (any
/// message in it), and a backlog alarm on the queue whose consumer falls behind.
fn demo_alarms() -> Vec<AlarmSpec> {
    let sqs =
        |name: &str, metric: &str, queue: &str, threshold: f64, since_minutes, reason: &str| {
            AlarmSpec {
                name: name.to_string(),
                namespace: "AWS/SQS".to_string(),
                metric: metric.to_string(),
                dimension: ("QueueName".to_string(), queue.to_string()),
                threshold,
                reason: reason.to_string(),
                since_minutes,
            }
        };
    vec![
        sqs(
            "webhooks-outbound-dlq-not-empty",
            "ApproximateNumberOfMessagesVisible",
            "webhooks-outbound-dlq",
            0.0,
            26 * 60,
            "Threshold Crossed: 1 out of the last 1 datapoints [3.0] was greater than the \
             threshold (0.0) (minimum 1 datapoint for OK -> ALARM transition).",
        ),
        sqs(
            "search-indexer-backlog-age",
            "ApproximateAgeOfOldestMessage",
            "search-indexer",
            1800.0,
            28,
            "Threshold Crossed: 3 out of the last 3 datapoints [1920.0, 1860.0, 1800.0] were \
             greater than or equal to the threshold (1800.0).",
        ),
    ]
}

pub fn demo_spec_with(options: &DemoOptions) -> FleetSpec {
    FleetSpec {
        queues: demo_queues(),
        topics: [
            "order-events",
            "payment-events.fifo",
            "inventory-updates",
            "shipping-events",
        ]
        .into_iter()
        .chain(demo_story::TOPICS)
        .map(str::to_string)
        .collect(),
        subscriptions: demo_subscriptions(),
        functions: demo_functions(),
        traffic: demo_traffic(),
        timeline: demo_story::incident(options),
        alarms: demo_alarms(),
    }
}

/// The depths the demo starts with, queue by queue.
fn demo_depths() -> Vec<Depths> {
    let mut depths = Vec::new();
    for service in &SERVICES {
        depths.push(Depths {
            queue: queue_name(service),
            visible: service.visible,
            in_flight: service.in_flight,
            delayed: service.delayed,
            span_minutes: (service.visible as f64 / 10.0).clamp(1.0, 58.0) as u64,
        });
        depths.push(Depths {
            queue: dlq_name(service),
            visible: service.dlq_depth,
            in_flight: 0,
            delayed: 0,
            span_minutes: service.dlq_span_minutes,
        });
    }
    depths.push(Depths {
        queue: "reports-adhoc".to_string(),
        visible: 6,
        in_flight: 0,
        delayed: 0,
        span_minutes: 3 * 60,
    });
    depths.push(Depths {
        queue: "order-events-email-sub-dlq".to_string(),
        visible: 3,
        in_flight: 0,
        delayed: 0,
        span_minutes: 5 * 60,
    });
    depths
}

impl SimFleet {
    /// The demo world on wall time with the default seed.
    pub fn demo() -> SimFleet {
        SimFleet::demo_with(DEFAULT_SEED, Arc::new(SystemClock))
    }

    /// The demo world starting at the clock's now: the starting depths laid out as real
    /// messages, and an hour of metric history made up to match.
    pub fn demo_with(seed: u64, clock: Arc<dyn Clock>) -> SimFleet {
        SimFleet::demo_with_options(seed, clock, DemoOptions::default())
    }

    /// The demo world with its incident timed by `options`. With `skip_s`, the world starts
    /// that long before the clock's now and its first minutes are simulated here, so it
    /// opens in the middle of its story.
    pub fn demo_with_options(seed: u64, clock: Arc<dyn Clock>, options: DemoOptions) -> SimFleet {
        let now = clock.now_ms();
        // The world catches up at most ten minutes in one go (`WorldSettings`).
        let skip_ms = (options.skip_s.min(600) * 1000) as i64;
        let start = Arc::new(ManualClock::at_ms(now - skip_ms));
        let fleet = SimFleet::from_spec(demo_spec_with(&options), seed, start.clone());
        {
            let mut world = fleet.lock();
            // shipping-notifier's carrier API times out for its first minutes on the demo's
            // clock, so its DLQ and destination fill and then stop.
            if let Some(notifier) = world.function_index(NOTIFIER) {
                world.functions[notifier].spec.fails_async_until_ms =
                    Some(start.now_ms() + NOTIFIER_FAILS_FOR_MS);
            }
            for depths in demo_depths() {
                seed_depths(&mut world, &depths);
            }
            backfill(&mut world, BACKFILL_MINUTES, &|name| {
                !demo_story::tells(name)
            });
            // The story draws its start from a stream of its own, so the shop's numbers
            // are the same with or without it.
            let shop = std::mem::replace(&mut world.rng, SplitMix64::new(seed ^ STORY_STREAM));
            for depths in demo_story::depths() {
                seed_depths(&mut world, &depths);
            }
            backfill(&mut world, BACKFILL_MINUTES, &demo_story::tells);
            world.rng = shop;
            world.backfill_logs(LOG_BACKFILL_MINUTES);
            world.advance_to(now);
        }
        fleet.on_clock(clock)
    }
}
