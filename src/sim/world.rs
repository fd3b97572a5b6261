//! The simulated world: queues holding messages, topics fanning out, consumers polling,
//! move tasks moving, metric points accumulating. It is advanced lazily: each call first
//! steps it from the last time to now, in fixed steps, with a cap on how much it catches
//! up, so an idle world costs nothing and a world left alone for a day does not stall the
//! next call.

use std::collections::HashMap;

use super::consumers::Invocation;
use super::metrics::{FunctionMetrics, TopicMetrics};
use super::move_tasks::MoveTaskState;
use super::queue::SimQueue;
use super::rng::SplitMix64;
use super::spec::{FleetSpec, FunctionSpec, SubscriptionSpec, Traffic};
use super::timeline::Timeline;
use crate::aws::{ApiError, error::classify};

pub(super) const ACCOUNT: &str = "123456789012";
/// The region a world is in unless its settings name another (the demo's first region).
pub(super) const REGION: &str = "us-east-1";
pub(super) const MINUTE_MS: i64 = 60_000;

pub(super) fn queue_url(region: &str, name: &str) -> String {
    format!("https://sqs.{region}.amazonaws.com/{ACCOUNT}/{name}")
}

pub(super) fn queue_arn(region: &str, name: &str) -> String {
    format!("arn:aws:sqs:{region}:{ACCOUNT}:{name}")
}

pub(super) fn topic_arn(region: &str, name: &str) -> String {
    format!("arn:aws:sns:{region}:{ACCOUNT}:{name}")
}

pub(super) fn function_arn(region: &str, name: &str) -> String {
    format!("arn:aws:lambda:{region}:{ACCOUNT}:function:{name}")
}

/// Every simulated function runs as a role of its own.
pub(super) fn role_arn(function: &str) -> String {
    format!("arn:aws:iam::{ACCOUNT}:role/service-role/{function}-role")
}

/// An AWS error as the SDK adapter would classify it, from its code and HTTP status.
pub(super) fn aws_error(operation: &str, code: &str, status: u16, message: &str) -> ApiError {
    ApiError::new(
        classify(Some(code), Some(status), message),
        operation,
        message,
    )
    .with_code(code)
    .with_status(status)
}

/// How the world advances and how much history it keeps.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct WorldSettings {
    pub step_ms: i64,
    /// Beyond this much time since the last call, the world skips ahead instead of
    /// simulating every step; the skipped minutes are a gap in the metrics.
    pub max_catch_up_ms: i64,
    /// One-minute points kept per series.
    pub metric_capacity: usize,
    /// The region its URLs and ARNs name (the demo's second region is a world of its own).
    pub region: &'static str,
}

impl Default for WorldSettings {
    fn default() -> WorldSettings {
        WorldSettings {
            step_ms: 1_000,
            max_catch_up_ms: 10 * MINUTE_MS,
            metric_capacity: 24 * 60,
            region: REGION,
        }
    }
}

#[derive(Debug, Clone)]
pub(super) struct SimTopic {
    pub name: String,
    pub arn: String,
    pub fifo: bool,
    /// FIFO topics: deduplication id → (window end, message id).
    pub dedup: HashMap<String, (i64, String)>,
    pub next_sequence: u64,
    pub metrics: TopicMetrics,
}

#[derive(Debug, Clone)]
pub(super) struct SimFunction {
    pub spec: FunctionSpec,
    pub arn: String,
    pub metrics: FunctionMetrics,
}

/// Per event source mapping: when an empty poll lets it rest (Lambda long-polls).
#[derive(Debug, Clone, Copy, Default)]
pub(super) struct PollerState {
    pub idle_until_ms: i64,
}

pub(super) struct World {
    /// When the world began: its script's times count from here.
    pub start_ms: i64,
    /// The time of the latest call: visibility and delays compare against it.
    pub now_ms: i64,
    /// The last step boundary simulated.
    stepped_ms: i64,
    /// The start of the minute whose counters are accumulating.
    minute_ms: i64,
    pub settings: WorldSettings,
    pub rng: SplitMix64,
    pub queues: Vec<SimQueue>,
    queue_by_name: HashMap<String, usize>,
    pub topics: Vec<SimTopic>,
    pub subscriptions: Vec<SubscriptionSpec>,
    pub functions: Vec<SimFunction>,
    pub traffic: Traffic,
    pub timeline: Timeline,
    pub pollers: HashMap<(String, String), PollerState>,
    pub invocations: Vec<Invocation>,
    pub move_tasks: Vec<MoveTaskState>,
    pub next_move_task: u64,
    /// The alarms in state ALARM (`DescribeAlarms`).
    pub alarms: Vec<crate::domain::Alarm>,
    /// The consumers' log groups.
    pub logs: super::logs::SimLogs,
    /// Request ids come from a stream of their own, so that logging draws nothing from
    /// `rng` and the world's story is the same with or without logs.
    pub log_ids: SplitMix64,
    /// Asynchronous invokes made by `Invoke` (a redrive's invoke route), per function.
    pub invoked: HashMap<String, super::async_invoke::Invoked>,
}

impl World {
    /// The region its URLs and ARNs name.
    pub(super) fn region(&self) -> &'static str {
        self.settings.region
    }

    pub fn new(spec: FleetSpec, seed: u64, start_ms: i64, settings: WorldSettings) -> World {
        let capacity = settings.metric_capacity;
        let queues: Vec<SimQueue> = spec
            .queues
            .into_iter()
            .map(|q| {
                let arn = queue_arn(settings.region, &q.name);
                SimQueue::new(q, arn, capacity)
            })
            .collect();
        let queue_by_name = queues
            .iter()
            .enumerate()
            .map(|(i, q)| (q.spec.name.clone(), i))
            .collect();
        let topics = spec
            .topics
            .into_iter()
            .map(|name| SimTopic {
                arn: topic_arn(settings.region, &name),
                fifo: name.ends_with(".fifo"),
                name,
                dedup: HashMap::new(),
                next_sequence: 0,
                metrics: TopicMetrics::new(capacity),
            })
            .collect();
        let functions = spec
            .functions
            .into_iter()
            .map(|f| SimFunction {
                arn: function_arn(settings.region, &f.name),
                spec: f,
                metrics: FunctionMetrics::new(capacity),
            })
            .collect();
        let alarms = spec
            .alarms
            .iter()
            .map(|a| super::alarms::alarm(a, start_ms, settings.region))
            .collect();
        let step = settings.step_ms.max(1);
        World {
            start_ms,
            now_ms: start_ms,
            stepped_ms: start_ms - start_ms.rem_euclid(step),
            minute_ms: start_ms - start_ms.rem_euclid(MINUTE_MS),
            settings: WorldSettings {
                step_ms: step,
                ..settings
            },
            rng: SplitMix64::new(seed),
            queues,
            queue_by_name,
            topics,
            subscriptions: spec.subscriptions,
            functions,
            traffic: spec.traffic,
            timeline: Timeline::new(spec.timeline),
            pollers: HashMap::new(),
            invocations: Vec::new(),
            move_tasks: Vec::new(),
            next_move_task: 0,
            alarms,
            logs: Default::default(),
            log_ids: SplitMix64::new(seed ^ 0x6c6f_6773),
            invoked: HashMap::new(),
        }
    }

    pub fn queue_index(&self, name: &str) -> Option<usize> {
        self.queue_by_name.get(name).copied()
    }

    pub fn queue_index_by_arn(&self, arn: &str) -> Option<usize> {
        let name = crate::domain::arn::resource_name(arn);
        self.queue_index(name)
            .filter(|&i| self.queues[i].arn == arn)
    }

    /// The queue a URL names, or SQS's "does not exist" error.
    pub fn queue_for_url(&self, operation: &str, url: &str) -> Result<usize, ApiError> {
        let name = crate::domain::arn::queue_name_from_url(url);
        self.queue_index(name).ok_or_else(|| {
            aws_error(
                operation,
                "AWS.SimpleQueueService.NonExistentQueue",
                400,
                "The specified queue does not exist.",
            )
        })
    }

    /// The DLQ a queue's redrive policy names, if it exists, and maxReceiveCount.
    pub fn dead_letter_target(&self, queue: usize) -> Option<(usize, u32)> {
        let (dlq, max_receive) = self.queues[queue].spec.dlq.as_ref()?;
        Some((self.queue_index(dlq)?, *max_receive))
    }

    pub fn function_index(&self, name: &str) -> Option<usize> {
        self.functions.iter().position(|f| f.spec.name == name)
    }

    pub fn topic_index_by_arn(&self, arn: &str) -> Option<usize> {
        self.topics.iter().position(|t| t.arn == arn)
    }

    /// Brings the world to `now_ms`: every whole step since the last call is simulated
    /// (producers, consumers, move tasks, minute boundaries); time never goes back.
    pub fn advance_to(&mut self, now_ms: i64) {
        if now_ms <= self.now_ms {
            return;
        }
        let step = self.settings.step_ms;
        if now_ms - self.stepped_ms > self.settings.max_catch_up_ms {
            let resume = now_ms - self.settings.max_catch_up_ms;
            self.skip_to(resume - resume.rem_euclid(step));
        }
        while self.stepped_ms + step <= now_ms {
            self.stepped_ms += step;
            self.now_ms = self.stepped_ms;
            self.apply_due_changes();
            self.step(step);
            while self.now_ms >= self.minute_ms + MINUTE_MS {
                self.close_minute();
            }
        }
        self.now_ms = now_ms;
    }

    /// Jumps without simulating: counters of the unfinished minute are dropped, and no
    /// points are made for the minutes skipped (a gap, as after an outage).
    fn skip_to(&mut self, at_ms: i64) {
        for queue in &mut self.queues {
            queue.metrics.counters = Default::default();
        }
        for function in &mut self.functions {
            function.metrics.counters = Default::default();
        }
        for topic in &mut self.topics {
            topic.metrics.counters = Default::default();
        }
        self.stepped_ms = at_ms;
        self.now_ms = self.now_ms.max(at_ms);
        self.minute_ms = at_ms - at_ms.rem_euclid(MINUTE_MS);
    }

    fn step(&mut self, step_ms: i64) {
        let seconds = step_ms as f64 / 1000.0;
        self.run_producers(seconds);
        self.run_consumers(seconds);
        self.run_move_tasks(seconds);
    }

    /// Ends the minute that is accumulating: a point per queue that reports, per function
    /// and topic that saw activity; retention and deduplication windows are applied.
    fn close_minute(&mut self) {
        let minute = self.minute_ms;
        let now = self.now_ms;
        for queue in &mut self.queues {
            if !queue.metrics.reports(!queue.is_empty(), now) {
                continue;
            }
            queue.expire(now);
            let gauges = queue.gauges(now);
            queue.metrics.close_minute(minute, gauges);
        }
        for function in &mut self.functions {
            let targets = super::metrics::AsyncTargets::of(&function.spec);
            function.metrics.close_minute(minute, targets);
        }
        for topic in &mut self.topics {
            topic.metrics.close_minute(minute);
            topic.dedup.retain(|_, (until, _)| *until > now);
        }
        self.minute_ms += MINUTE_MS;
    }

    /// The start of the minute now accumulating (points before it are closed).
    pub fn current_minute_ms(&self) -> i64 {
        self.minute_ms
    }
}
