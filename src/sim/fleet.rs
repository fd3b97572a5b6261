//! `SimFleet`: the simulated world behind the same traits as the AWS layer. Every call
//! locks the world, brings it up to the clock's now, and answers from it; nothing runs
//! in the background, so a fleet nobody asks costs nothing.

use std::collections::BTreeMap;
use std::sync::{Arc, Mutex, MutexGuard};

use async_trait::async_trait;

use super::clock::{Clock, ManualClock, SystemClock};
use super::metrics::{FunctionPoint, QueuePoint, TopicPoint};
use super::spec::{FleetSpec, QueueSpec, Traffic};
use super::world::{World, WorldSettings, queue_arn, queue_url};
use crate::aws::{ApiError, Page, QueueDirectory};
use crate::domain::Queue;

pub struct SimFleet {
    world: Mutex<World>,
    clock: Arc<dyn Clock>,
    page_size: usize,
    /// False imitates an endpoint that ignores MaxResults (older moto): it returns one
    /// page of 1,000 and no NextToken.
    gives_next_token: bool,
}

impl SimFleet {
    /// A world built from `spec`, starting at the clock's now.
    pub fn from_spec(spec: FleetSpec, seed: u64, clock: Arc<dyn Clock>) -> SimFleet {
        SimFleet::with_settings(spec, seed, clock, WorldSettings::default())
    }

    pub fn with_settings(
        spec: FleetSpec,
        seed: u64,
        clock: Arc<dyn Clock>,
        settings: WorldSettings,
    ) -> SimFleet {
        let world = World::new(spec, seed, clock.now_ms(), settings);
        SimFleet {
            world: Mutex::new(world),
            clock,
            page_size: 1000,
            gives_next_token: true,
        }
    }

    /// A fleet of `count` plain, empty queues with no traffic, for tests and benchmarks of
    /// large listings: listing and describing stay cheap, and time passing costs nothing.
    pub fn with_queue_count(count: usize, page_size: usize) -> SimFleet {
        let spec = FleetSpec {
            queues: (0..count)
                .map(|i| QueueSpec::new(&format!("bulk-{i:05}")))
                .collect(),
            ..FleetSpec::default()
        };
        let mut fleet = SimFleet::from_spec(spec, 0, Arc::new(SystemClock));
        fleet.page_size = page_size.max(1);
        fleet
    }

    /// The same world on a clock that never moves from the world's present: every read
    /// returns the same (for snapshot tests).
    pub fn frozen(self) -> SimFleet {
        let now = self.lock().now_ms;
        self.on_clock(Arc::new(ManualClock::at_ms(now)))
    }

    /// The same world on another clock. The world never goes back in time: until the new
    /// clock passes the world's present, nothing moves.
    pub fn on_clock(self, clock: Arc<dyn Clock>) -> SimFleet {
        SimFleet { clock, ..self }
    }

    /// The same fleet behind an endpoint that never returns a NextToken (older moto).
    pub fn without_next_token(mut self) -> SimFleet {
        self.gives_next_token = false;
        self
    }

    pub fn region(&self) -> &str {
        self.lock().region()
    }

    /// The world as it is, not advanced (to lay out a starting state).
    pub(super) fn lock(&self) -> MutexGuard<'_, World> {
        // The world holds no invariant a panicking caller could have half-broken that a
        // later call cannot live with, so a poisoned lock is taken over.
        self.world
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner())
    }

    /// The world, brought up to now.
    pub(super) fn world(&self) -> MutexGuard<'_, World> {
        let mut world = self.lock();
        world.advance_to(self.clock.now_ms());
        world
    }

    pub(super) fn clock(&self) -> &dyn Clock {
        self.clock.as_ref()
    }

    /// One-minute AWS/SQS points of a queue, oldest first (`None`: no such queue).
    pub fn queue_metrics(&self, queue_name: &str) -> Option<Vec<QueuePoint>> {
        let world = self.world();
        let queue = world.queue_index(queue_name)?;
        Some(world.queues[queue].metrics.points.to_vec())
    }

    /// One-minute AWS/Lambda points of a function, oldest first.
    pub fn function_metrics(&self, function_name: &str) -> Option<Vec<FunctionPoint>> {
        let world = self.world();
        let function = world.function_index(function_name)?;
        Some(world.functions[function].metrics.points.to_vec())
    }

    /// One-minute AWS/SNS points of a topic, oldest first.
    pub fn topic_metrics(&self, topic_name: &str) -> Option<Vec<TopicPoint>> {
        let world = self.world();
        let topic = world.topics.iter().position(|t| t.name == topic_name)?;
        Some(world.topics[topic].metrics.points.to_vec())
    }

    /// The rates and failure probabilities the world runs on now.
    pub fn traffic(&self) -> Traffic {
        self.world().traffic.clone()
    }

    /// Changes the traffic from now on (a scripted incident, a fix).
    pub fn set_traffic(&self, traffic: Traffic) {
        self.world().traffic = traffic;
    }

    fn describe(world: &World, queue: usize) -> Queue {
        let sim = &world.queues[queue];
        let spec = &sim.spec;
        let gauges = sim.gauges(world.now_ms);
        let mut attributes = BTreeMap::new();
        let mut put = |k: &str, v: String| {
            attributes.insert(k.to_string(), v);
        };
        put("QueueArn", queue_arn(world.region(), &spec.name));
        put("ApproximateNumberOfMessages", gauges.visible.to_string());
        put(
            "ApproximateNumberOfMessagesNotVisible",
            gauges.in_flight.to_string(),
        );
        put(
            "ApproximateNumberOfMessagesDelayed",
            gauges.delayed.to_string(),
        );
        put("VisibilityTimeout", spec.visibility_timeout_s.to_string());
        put("MessageRetentionPeriod", spec.retention_s.to_string());
        put("MaximumMessageSize", spec.max_message_size.to_string());
        put("ReceiveMessageWaitTimeSeconds", "20".to_string());
        put("DelaySeconds", spec.delay_s.to_string());
        put("CreatedTimestamp", "1767225600".to_string());
        put("LastModifiedTimestamp", "1767225600".to_string());
        put("SqsManagedSseEnabled", "true".to_string());
        if spec.fifo {
            put("FifoQueue", "true".to_string());
            put(
                "ContentBasedDeduplication",
                spec.content_based_deduplication.to_string(),
            );
        }
        if let Some(policy) = super::queue_policy::sns_policy(world, &spec.name) {
            put("Policy", policy);
        }
        if let Some((dlq, max_receive)) = &spec.dlq {
            put(
                "RedrivePolicy",
                format!(
                    r#"{{"deadLetterTargetArn":"{}","maxReceiveCount":{max_receive}}}"#,
                    queue_arn(world.region(), dlq)
                ),
            );
        }
        Queue::from_attributes(
            &queue_url(world.region(), &spec.name),
            attributes,
            world.region(),
        )
    }
}

#[async_trait]
impl QueueDirectory for SimFleet {
    async fn list_queue_urls(
        &self,
        prefix: Option<&str>,
        next_token: Option<String>,
    ) -> Result<Page<String>, ApiError> {
        let start = match next_token {
            None => 0,
            Some(token) => token.parse::<usize>().map_err(|_| {
                ApiError::client("ListQueues", format!("invalid NextToken {token:?}"))
            })?,
        };
        let world = self.world();
        let matching: Vec<&str> = world
            .queues
            .iter()
            .map(|q| q.spec.name.as_str())
            .filter(|name| prefix.is_none_or(|p| name.starts_with(p)))
            .collect();
        let end = (start + self.page_size).min(matching.len());
        let items = matching[start.min(end)..end]
            .iter()
            .map(|name| queue_url(world.region(), name))
            .collect();
        let more = end < matching.len();
        let next_token = (more && self.gives_next_token).then(|| end.to_string());
        Ok(Page { items, next_token })
    }

    async fn list_dead_letter_source_queues(
        &self,
        dlq_url: &str,
        _next_token: Option<String>,
    ) -> Result<Page<String>, ApiError> {
        let world = self.world();
        let dlq = world.queue_for_url("ListDeadLetterSourceQueues", dlq_url)?;
        let dlq_name = &world.queues[dlq].spec.name;
        let items = world
            .queues
            .iter()
            .filter(|q| q.spec.dlq.as_ref().is_some_and(|(d, _)| d == dlq_name))
            .map(|q| queue_url(world.region(), &q.spec.name))
            .collect();
        Ok(Page {
            items,
            next_token: None,
        })
    }

    async fn paginates_queue_listing(&self) -> Result<bool, ApiError> {
        Ok(self.gives_next_token)
    }

    async fn describe_queue(&self, url: &str) -> Result<Queue, ApiError> {
        let world = self.world();
        let queue = world.queue_for_url("GetQueueAttributes", url)?;
        Ok(SimFleet::describe(&world, queue))
    }
}
