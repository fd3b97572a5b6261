//! The simulated fan-out world behind `--demo`: queues holding real messages, topics
//! fanning out through filter policies, Lambda consumers that fail, DLQs that fill, move
//! tasks, one-minute metric points — behind the same traits as the AWS layer, so the UI
//! and the engines cannot tell it from a real account. Advanced by an injected clock and
//! a seeded random number generator: the same seed gives the same world.

mod alarms;
mod async_invoke;
mod backfill;
mod clock;
mod cloudwatch;
mod consumer_logs;
mod consumers;
mod demo;
mod demo_eu;
mod demo_seed;
mod demo_story;
mod filter;
mod fleet;
mod json;
mod logs;
mod messages;
mod metric_math;
mod metrics;
mod move_tasks;
mod queue;
mod queue_policy;
mod rng;
mod roles;
mod services;
mod sns;
mod spec;
mod sqs_ops;
mod stored;
mod timeline;
mod traffic;
mod world;

#[cfg(test)]
mod tests;

pub use crate::domain::md5::md5_hex;
pub use async_invoke::Invoked;
pub use clock::{Clock, ManualClock, SystemClock};
pub use cloudwatch::SimMetrics;
pub use demo::DEFAULT_SEED;
pub use demo_eu::{EU_CHECKOUT_DLQ, EU_REGION};
pub use demo_story::{DemoOptions, SHIPPING_DLQ, SHIPPING_FUNCTION, SHIPPING_QUEUE};
pub use fleet::SimFleet;
pub use metrics::{FunctionPoint, QueuePoint, TopicPoint};
pub use spec::{
    AlarmSpec, AttributeDraw, ConsumerProfile, FleetSpec, FunctionSpec, MappingSpec,
    MessageTemplate, Producer, QueueSpec, SubscriptionSpec, Target, Traffic, Wave,
};
pub use timeline::{Change, Scheduled};
pub use world::WorldSettings;

use std::sync::Arc;

use crate::aws::{Backend, ConnectionInfo, Writers};

/// A backend over any simulated fleet.
pub fn backend(fleet: SimFleet) -> Backend {
    shared_backend(Arc::new(fleet))
}

/// A backend over a simulated fleet the caller keeps a handle on (to look at what the
/// world saw, e.g. the invokes a redrive made).
pub fn shared_backend(fleet: Arc<SimFleet>) -> Backend {
    let writers = Writers {
        queues: fleet.clone(),
        topics: fleet.clone(),
        moves: fleet.clone(),
        functions: fleet.clone(),
    };
    Backend::new(
        ConnectionInfo {
            profile: None,
            region: fleet.region().to_string(),
            endpoint: None,
            demo: true,
        },
        fleet.clone(),
        fleet.clone(),
        fleet.clone(),
        fleet.clone(),
        writers,
    )
    .with_metrics(Arc::new(SimMetrics::new(fleet.clone())))
    .with_alarms(fleet.clone())
    .with_roles(fleet.clone())
    .with_logs(fleet)
    .with_identity(Arc::new(crate::aws::identity::FixedIdentity(
        crate::aws::identity::CallerIdentity {
            account: "000000000000".to_string(),
            arn: "arn:aws:sts::000000000000:assumed-role/demo/squall".to_string(),
            user_id: "DEMO:squall".to_string(),
        },
    )))
}

/// A backend over the demo world on wall time, seeded with `seed`.
pub fn demo_backend(seed: u64) -> Backend {
    demo_backend_with(seed, DemoOptions::default())
}

/// A backend over the demo's second region (eu-west-1) on wall time.
pub fn demo_eu_backend(seed: u64) -> Backend {
    backend(SimFleet::demo_eu(seed, Arc::new(SystemClock)))
}

/// A backend over the demo world on wall time, its incident timed by `options`.
pub fn demo_backend_with(seed: u64, options: DemoOptions) -> Backend {
    backend(SimFleet::demo_with_options(
        seed,
        Arc::new(SystemClock),
        options,
    ))
}
