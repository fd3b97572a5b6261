//! The incident `squall --demo` tells, added to the shop's fan-out of `demo.rs`: a
//! `payment-complete` topic fanning out to inventory, shipping and notification queues (one
//! raw, one filtered, one with its own subscription DLQ), an `orders.fifo` topic feeding a
//! FIFO ledger, each queue with a DLQ and a Lambda consumer, traffic swinging on a sine.
//! A few minutes in, a bad deploy of the shipping consumer makes it fail and throttle more
//! and more; its queue backs up, its DLQ fills. Later the deploy is rolled back: from then on
//! the consumer succeeds, so the DLQ keeps what failed until someone redrives it, and a
//! redrive drains it for good (redriven during the incident, messages fail again and come
//! back, as they would in AWS). The miswired part is real configuration: the notification
//! subscription's DLQ has no queue policy for SNS (`sns-dlq-policy` in `squall doctor`), and
//! the shipping mapping does not report batch item failures, so one failure fails its batch.

use super::demo_seed::Depths;
use super::spec::{
    ConsumerProfile, FunctionSpec, MessageTemplate, Producer, QueueSpec, SubscriptionSpec, Target,
    Wave,
};
use super::timeline::Scheduled;

/// The topics of the story.
pub(super) const TOPICS: [&str; 2] = ["payment-complete", "orders.fifo"];
/// The queue whose consumer fails, and its consumer.
pub const SHIPPING_QUEUE: &str = "shipping-dispatch";
pub const SHIPPING_DLQ: &str = "shipping-dispatch-dlq";
pub const SHIPPING_FUNCTION: &str = "shipping-dispatcher";

/// When the incident starts and how it unfolds. The default: three minutes after the start
/// (long enough to see a calm board first), rolled back twelve minutes later.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct DemoOptions {
    /// The bad deploy lands this long after the world's start.
    pub incident_after_s: u64,
    /// The rollback lands this long after the bad deploy.
    pub incident_lasts_s: u64,
    /// Start the world this far into its story (simulated at start, at most ten minutes),
    /// so a screenshot or a test sees the incident at once.
    pub skip_s: u64,
}

impl Default for DemoOptions {
    fn default() -> DemoOptions {
        DemoOptions {
            incident_after_s: 180,
            incident_lasts_s: 12 * 60,
            skip_s: 0,
        }
    }
}

/// Whether a queue, function or topic belongs to the story (for its own random stream).
pub(super) fn tells(name: &str) -> bool {
    TOPICS.contains(&name)
        || queues().iter().any(|q| q.name == name)
        || functions().iter().any(|f| f.name == name)
}

/// The DLQs keep messages 14 days, the sources 4, as in the rest of the demo.
const DLQ_RETENTION_S: u32 = 14 * 24 * 3600;
const SOURCE_RETENTION_S: u32 = 4 * 24 * 3600;
/// Six times a 30 s function timeout.
const CONSUMED_VISIBILITY_S: u32 = 180;
/// The shipping function calls the carrier with a short timeout, so its queue's visibility
/// is short too (still six times the timeout): failed messages come back, and reach the
/// DLQ, within minutes.
const SHIPPING_TIMEOUT_S: u32 = 5;
const SHIPPING_VISIBILITY_S: u32 = 6 * SHIPPING_TIMEOUT_S;

pub(super) fn queues() -> Vec<QueueSpec> {
    let mut queues = Vec::new();
    for (name, dlq, visibility) in [
        (
            "inventory-reserve",
            "inventory-reserve-dlq",
            CONSUMED_VISIBILITY_S,
        ),
        (SHIPPING_QUEUE, SHIPPING_DLQ, SHIPPING_VISIBILITY_S),
        (
            "customer-notify",
            "customer-notify-dlq",
            CONSUMED_VISIBILITY_S,
        ),
        (
            "order-ledger.fifo",
            "order-ledger-dlq.fifo",
            CONSUMED_VISIBILITY_S,
        ),
    ] {
        queues.push(
            QueueSpec::new(name)
                .with_dlq(dlq, 5)
                .with_retention_s(SOURCE_RETENTION_S)
                .with_visibility_timeout_s(visibility),
        );
        queues.push(QueueSpec::new(dlq).with_retention_s(DLQ_RETENTION_S));
    }
    // The miswiring: created beside the subscription, but nobody gave it the queue policy
    // that lets SNS send, so failed deliveries to customer-notify would be lost.
    queues.push(
        QueueSpec::new("customer-notify-sub-dlq")
            .with_retention_s(DLQ_RETENTION_S)
            .without_sns_policy(),
    );
    queues
}

pub(super) fn subscriptions() -> Vec<SubscriptionSpec> {
    let sub = SubscriptionSpec::new;
    vec![
        sub("payment-complete", "sqs", "inventory-reserve").raw(),
        // Digital goods are not shipped.
        sub("payment-complete", "sqs", SHIPPING_QUEUE).filter(r#"{"delivery":["physical"]}"#),
        sub("payment-complete", "sqs", "customer-notify").with_dlq("customer-notify-sub-dlq"),
        sub("orders.fifo", "sqs", "order-ledger.fifo").raw(),
    ]
}

pub(super) fn functions() -> Vec<FunctionSpec> {
    let f = FunctionSpec::new;
    vec![
        f("inventory-reserver", "python3.13").consumes("inventory-reserve", "Enabled", 10),
        FunctionSpec {
            timeout_s: SHIPPING_TIMEOUT_S,
            // Powertools JSON logs, as a Node.js team would have.
            json_logs: true,
            ..f(SHIPPING_FUNCTION, "nodejs22.x").consumes(SHIPPING_QUEUE, "Enabled", 10)
        },
        FunctionSpec {
            // A custom log group (LoggingConfig.LogGroup), shared by the team's functions.
            log_group: Some("/shop/notifications".to_string()),
            ..f("customer-notifier", "nodejs22.x").consumes("customer-notify", "Enabled", 10)
        },
        f("order-ledger-writer", "java21").consumes("order-ledger.fifo", "Enabled", 10),
    ]
}

pub(super) fn producers() -> Vec<Producer> {
    let payment = MessageTemplate {
        traced_fraction: 0.5,
        ..MessageTemplate::new("payment")
            .one_of("delivery", &["physical", "physical", "physical", "digital"])
            .one_of("method", &["card", "card", "paypal", "wallet"])
            .number("amount", 5, 900)
    };
    let order = MessageTemplate {
        groups: 24,
        ..MessageTemplate::new("order").one_of(
            "type",
            &[
                "order_created",
                "order_created",
                "order_paid",
                "order_cancelled",
            ],
        )
    };
    vec![
        Producer {
            // A ten-minute swing between 31 and 59 payments a minute.
            wave: Some(Wave {
                amplitude: 0.3,
                period_s: 600.0,
            }),
            ..Producer::new(Target::Topic("payment-complete".into()), 45.0, payment)
        },
        Producer {
            wave: Some(Wave {
                amplitude: 0.25,
                period_s: 420.0,
            }),
            ..Producer::new(Target::Topic("orders.fifo".into()), 20.0, order)
        },
    ]
}

/// The shipping consumer as it behaves with a given fault: per-message failures, throttled
/// invocations, and calls that take longer as the carrier API slows down.
fn shipping(
    failure_probability: f64,
    throttle_probability: f64,
    duration_ms: u32,
) -> ConsumerProfile {
    ConsumerProfile {
        failure_probability,
        throttle_probability,
        duration_ms,
        ..ConsumerProfile::new(SHIPPING_FUNCTION, SHIPPING_QUEUE, 12.0)
    }
}

/// Every consumer has room above the peak of its traffic, so before the incident the
/// queues stay near empty.
pub(super) fn consumers() -> Vec<ConsumerProfile> {
    let healthy =
        |function: &str, queue: &str, per_minute: f64, duration_ms: u32| ConsumerProfile {
            duration_ms,
            report_batch_item_failures: true,
            ..ConsumerProfile::new(function, queue, per_minute)
        };
    vec![
        healthy("inventory-reserver", "inventory-reserve", 8.0, 600),
        shipping(0.0, 0.0, 900),
        healthy("customer-notifier", "customer-notify", 8.0, 400),
        healthy("order-ledger-writer", "order-ledger.fifo", 5.0, 300),
    ]
}

/// The script: the bad deploy's failures climb over three minutes, then the rollback.
pub(super) fn incident(options: &DemoOptions) -> Vec<Scheduled> {
    let start = options.incident_after_s as i64 * 1000;
    let minute = 60_000;
    let end = start + options.incident_lasts_s as i64 * 1000;
    vec![
        Scheduled::consumer(start, shipping(0.05, 0.05, 1_500)),
        Scheduled::consumer(start + minute, shipping(0.15, 0.15, 2_500)),
        Scheduled::consumer(start + 2 * minute, shipping(0.4, 0.3, 3_500)),
        Scheduled::consumer(start + 3 * minute, shipping(0.8, 0.4, 4_500)),
        Scheduled::consumer(end, shipping(0.0, 0.0, 900)),
    ]
}

/// The story starts calm: a few messages in flight, nothing waiting, empty DLQs.
pub(super) fn depths() -> Vec<Depths> {
    let calm = |queue: &str, in_flight: u64| Depths {
        queue: queue.to_string(),
        visible: 0,
        in_flight,
        delayed: 0,
        span_minutes: 1,
    };
    vec![
        calm("inventory-reserve", 6),
        calm(SHIPPING_QUEUE, 4),
        calm("customer-notify", 5),
        calm("order-ledger.fifo", 2),
    ]
}
