//! The demo's second region: a small eu-west-1 checkout fleet with trouble of its own, so
//! `squall --demo` shows a fleet. Its checkout consumer fails every malformed basket, so
//! checkout's DLQ fills; the loyalty consumer is throttled (its concurrency is capped), so
//! its queue backs up. A world of its own beside us-east-1's, which it leaves as it was.

use std::sync::Arc;

use super::backfill::backfill;
use super::clock::{Clock, ManualClock};
use super::demo_seed::{Depths, seed_depths};
use super::fleet::SimFleet;
use super::spec::{
    ConsumerProfile, FleetSpec, FunctionSpec, MessageTemplate, Producer, QueueSpec,
    SubscriptionSpec, Target, Traffic,
};
use super::world::WorldSettings;

/// The second region of `--demo`.
pub const EU_REGION: &str = "eu-west-1";
/// Mixed into the demo's seed, so the two regions draw different numbers.
const EU_STREAM: u64 = 0x0e0e_5e55_1011_0001;
const TOPIC: &str = "checkout-events";
/// The DLQ that fills during the demo.
pub const EU_CHECKOUT_DLQ: &str = "checkout-dlq";
const BACKFILL_MINUTES: i64 = 60;
const RETENTION_S: u32 = 14 * 24 * 3600;

fn eu_spec() -> FleetSpec {
    let queues = [
        ("checkout", "checkout-dlq", 3),
        ("loyalty-points", "loyalty-points-dlq", 5),
        ("gdpr-exports", "gdpr-exports-dlq", 5),
    ]
    .into_iter()
    .flat_map(|(queue, dlq, receives)| {
        [
            QueueSpec::new(queue)
                .with_dlq(dlq, receives)
                .with_visibility_timeout_s(180),
            QueueSpec::new(dlq).with_retention_s(RETENTION_S),
        ]
    })
    .collect();
    let sub = SubscriptionSpec::new;
    let f = FunctionSpec::new;
    let basket = MessageTemplate::new("basket")
        .one_of(
            "type",
            &["checkout_started", "checkout_paid", "checkout_paid"],
        )
        .one_of("market", &["de", "fr", "ie", "nl"])
        .poison(0.06);
    let consumer = |function: &str, queue: &str, per_minute: f64| ConsumerProfile {
        duration_ms: 3_000,
        ..ConsumerProfile::new(function, queue, per_minute)
    };
    FleetSpec {
        queues,
        topics: vec![TOPIC.to_string()],
        subscriptions: vec![
            sub(TOPIC, "sqs", "checkout").raw(),
            sub(TOPIC, "sqs", "loyalty-points")
                .filter(r#"{"type":["checkout_paid"]}"#)
                .raw(),
        ],
        functions: vec![
            f("checkout-worker", "nodejs22.x").consumes("checkout", "Enabled", 10),
            f("loyalty-fn", "python3.13").consumes("loyalty-points", "Enabled", 10),
            f("gdpr-exporter", "python3.13").consumes("gdpr-exports", "Enabled", 1),
        ],
        traffic: Traffic {
            producers: vec![
                Producer::new(Target::Topic(TOPIC.to_string()), 90.0, basket),
                Producer::new(
                    Target::Queue("gdpr-exports".to_string()),
                    1.0,
                    MessageTemplate::new("export"),
                ),
            ],
            consumers: vec![
                // A bad release: every malformed basket fails, and is dead-lettered.
                ConsumerProfile {
                    poison_fails: true,
                    failure_probability: 0.05,
                    ..consumer("checkout-worker", "checkout", 12.0)
                },
                ConsumerProfile {
                    throttle_probability: 0.6,
                    ..consumer("loyalty-fn", "loyalty-points", 8.0)
                },
                consumer("gdpr-exporter", "gdpr-exports", 2.0),
            ],
        },
        ..FleetSpec::default()
    }
}

/// What the region holds when the demo opens: a DLQ already filling, a backlog.
fn eu_depths() -> [Depths; 3] {
    let depths = |queue: &str, visible, span_minutes| Depths {
        queue: queue.to_string(),
        visible,
        in_flight: 0,
        delayed: 0,
        span_minutes,
    };
    [
        depths(EU_CHECKOUT_DLQ, 36, 45),
        depths("loyalty-points", 640, 50),
        depths("checkout", 25, 5),
    ]
}

impl SimFleet {
    /// The demo's eu-west-1 fleet, starting at the clock's now with an hour of history.
    pub fn demo_eu(seed: u64, clock: Arc<dyn Clock>) -> SimFleet {
        let now = clock.now_ms();
        let settings = WorldSettings {
            region: EU_REGION,
            ..WorldSettings::default()
        };
        let start = Arc::new(ManualClock::at_ms(now));
        let fleet = SimFleet::with_settings(eu_spec(), seed ^ EU_STREAM, start, settings);
        {
            let mut world = fleet.lock();
            for depths in eu_depths() {
                seed_depths(&mut world, &depths);
            }
            backfill(&mut world, BACKFILL_MINUTES, &|_| true);
            world.backfill_logs(super::demo::LOG_BACKFILL_MINUTES);
        }
        fleet.on_clock(clock)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::aws::QueueDirectory;

    #[tokio::test]
    async fn the_second_region_names_its_own_region_and_its_dlq_fills() {
        let fleet = SimFleet::demo_eu(7, Arc::new(ManualClock::at_ms(1_800_000_000_000)));
        assert_eq!(fleet.region(), EU_REGION);
        let urls = fleet
            .list_queue_urls(None, None)
            .await
            .expect("listed")
            .items;
        assert!(urls.iter().all(|u| u.contains(".eu-west-1.")), "{urls:?}");
        let dlq = urls
            .iter()
            .find(|u| u.ends_with("/checkout-dlq"))
            .expect("checkout-dlq");
        let queue = fleet.describe_queue(dlq).await.expect("described");
        assert!(queue.arn.starts_with("arn:aws:sqs:eu-west-1:"));
        assert!(queue.counts.visible >= 36, "{:?}", queue.counts);
    }
}
