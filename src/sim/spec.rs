//! What a simulated world is made of, as plain data: queues, topics, subscriptions,
//! functions, and the traffic (producers and how each consumer behaves). The demo is one
//! such description; tests build small ones; a scripted incident changes the traffic data
//! while the world runs (`SimFleet::set_traffic`).

use crate::domain::message::AttributeValue;

/// An SQS queue's configuration.
#[derive(Debug, Clone, PartialEq)]
pub struct QueueSpec {
    pub name: String,
    pub fifo: bool,
    /// The redrive policy: DLQ queue name (it may not exist) and maxReceiveCount.
    pub dlq: Option<(String, u32)>,
    pub visibility_timeout_s: u32,
    pub retention_s: u32,
    pub delay_s: u32,
    pub max_message_size: usize,
    pub content_based_deduplication: bool,
    /// Whether its access policy lets the topics that deliver to it send (false: a queue
    /// someone forgot to give the policy SNS needs).
    pub allows_sns: bool,
}

impl QueueSpec {
    /// A queue with SQS's defaults (30 s visibility, 4 days retention, no delay).
    pub fn new(name: &str) -> QueueSpec {
        QueueSpec {
            name: name.to_string(),
            fifo: name.ends_with(".fifo"),
            dlq: None,
            visibility_timeout_s: 30,
            retention_s: 4 * 24 * 3600,
            delay_s: 0,
            max_message_size: 1_048_576,
            content_based_deduplication: false,
            allows_sns: true,
        }
    }

    pub fn with_dlq(mut self, dlq: &str, max_receive_count: u32) -> QueueSpec {
        self.dlq = Some((dlq.to_string(), max_receive_count));
        self
    }

    pub fn with_retention_s(mut self, seconds: u32) -> QueueSpec {
        self.retention_s = seconds;
        self
    }

    pub fn with_visibility_timeout_s(mut self, seconds: u32) -> QueueSpec {
        self.visibility_timeout_s = seconds;
        self
    }

    /// No access policy for SNS, whatever subscribes it.
    pub fn without_sns_policy(mut self) -> QueueSpec {
        self.allows_sns = false;
        self
    }

    pub fn with_delay_s(mut self, seconds: u32) -> QueueSpec {
        self.delay_s = seconds;
        self
    }
}

/// An SNS subscription. `endpoint` is a queue or function name for `sqs` and `lambda`,
/// otherwise the endpoint itself (an address, a URL).
#[derive(Debug, Clone, Default, PartialEq)]
pub struct SubscriptionSpec {
    pub topic: String,
    pub protocol: String,
    pub endpoint: String,
    pub filter_policy: Option<String>,
    /// Filter on the message body (`MessageBody`) instead of its attributes.
    pub filter_on_body: bool,
    pub raw: bool,
    /// The subscription's own DLQ (a queue name).
    pub dlq: Option<String>,
    pub pending: bool,
}

impl SubscriptionSpec {
    pub fn new(topic: &str, protocol: &str, endpoint: &str) -> SubscriptionSpec {
        SubscriptionSpec {
            topic: topic.to_string(),
            protocol: protocol.to_string(),
            endpoint: endpoint.to_string(),
            ..SubscriptionSpec::default()
        }
    }

    pub fn raw(mut self) -> SubscriptionSpec {
        self.raw = true;
        self
    }

    pub fn filter(mut self, policy: &str) -> SubscriptionSpec {
        self.filter_policy = Some(policy.to_string());
        self
    }

    pub fn with_dlq(mut self, queue: &str) -> SubscriptionSpec {
        self.dlq = Some(queue.to_string());
        self
    }
}

/// A Lambda event source mapping on a queue.
#[derive(Debug, Clone, PartialEq)]
pub struct MappingSpec {
    pub queue: String,
    /// Enabled, Disabled, ...: only an Enabled mapping polls.
    pub state: String,
    pub batch_size: u32,
}

#[derive(Debug, Clone, PartialEq)]
pub struct FunctionSpec {
    pub name: String,
    pub runtime: String,
    pub timeout_s: u32,
    pub memory_mb: u32,
    pub mappings: Vec<MappingSpec>,
    /// `LoggingConfig.LogFormat`: JSON functions write Powertools-style JSON lines.
    pub json_logs: bool,
    /// `LoggingConfig.LogGroup` when not the default `/aws/lambda/NAME`.
    pub log_group: Option<String>,
    /// `DeadLetterConfig.TargetArn` (a queue name): where failed async events go.
    pub dlq: Option<String>,
    /// `EventInvokeConfig`: the on-failure destination (a queue name), if any.
    pub on_failure: Option<String>,
    /// `EventInvokeConfig`'s `MaximumRetryAttempts` and `MaximumEventAgeInSeconds`; with
    /// neither nor `on_failure` the function has no invoke config (AWS's defaults).
    pub max_retry_attempts: Option<u32>,
    pub max_event_age_s: Option<u32>,
    /// Until this world time (ms), every asynchronous invoke (a `lambda` subscription) fails.
    pub fails_async_until_ms: Option<i64>,
    /// The execution role's policy allows no `sqs:SendMessage` on the DLQ and destination:
    /// Lambda cannot write failed events there (`DeadLetterErrors`).
    pub role_denies_targets: bool,
}

impl FunctionSpec {
    pub fn new(name: &str, runtime: &str) -> FunctionSpec {
        FunctionSpec {
            name: name.to_string(),
            runtime: runtime.to_string(),
            timeout_s: 30,
            memory_mb: 512,
            mappings: Vec::new(),
            json_logs: false,
            log_group: None,
            dlq: None,
            on_failure: None,
            max_retry_attempts: None,
            max_event_age_s: None,
            fails_async_until_ms: None,
            role_denies_targets: false,
        }
    }

    /// The execution role may not write to the DLQ or on-failure destination.
    pub fn role_cannot_write_targets(mut self) -> FunctionSpec {
        self.role_denies_targets = true;
        self
    }

    /// Failed async events go to `queue` (the function's dead-letter config).
    pub fn with_dlq(mut self, queue: &str) -> FunctionSpec {
        self.dlq = Some(queue.to_string());
        self
    }

    /// Invocation records of failed async events go to `queue` (an on-failure destination).
    pub fn on_failure_to(mut self, queue: &str) -> FunctionSpec {
        self.on_failure = Some(queue.to_string());
        self
    }

    /// Every asynchronous invoke fails until world time `at_ms`.
    pub fn failing_async_until(mut self, at_ms: i64) -> FunctionSpec {
        self.fails_async_until_ms = Some(at_ms);
        self
    }

    pub fn consumes(mut self, queue: &str, state: &str, batch_size: u32) -> FunctionSpec {
        self.mappings.push(MappingSpec {
            queue: queue.to_string(),
            state: state.to_string(),
            batch_size,
        });
        self
    }
}

/// How a message attribute's value is drawn for each produced message.
#[derive(Debug, Clone, PartialEq)]
pub enum AttributeDraw {
    /// One of these strings, equally likely (repeat a value to weigh it).
    OneOf(Vec<String>),
    /// A whole number in `min..=max`, as a `Number` attribute.
    Number { min: u64, max: u64 },
    /// Always this value.
    Fixed(AttributeValue),
}

/// What a producer's messages look like. Bodies are JSON objects naming the entity, an
/// id, and the drawn attributes, so filters on the body work as well.
#[derive(Debug, Clone, PartialEq)]
pub struct MessageTemplate {
    /// `order`, `payment`, ...: the body carries `"<entity>Id"`.
    pub entity: String,
    pub attributes: Vec<(String, AttributeDraw)>,
    /// FIFO targets: messages spread over this many message groups.
    pub groups: u32,
    pub subject: Option<String>,
    /// The share of messages a buggy consumer cannot process (see `ConsumerProfile`).
    pub poison_fraction: f64,
    /// The share of messages sent with an `AWSTraceHeader`.
    pub traced_fraction: f64,
    /// Per-message delay for messages sent straight to a standard queue.
    pub delay_s: u32,
}

impl MessageTemplate {
    pub fn new(entity: &str) -> MessageTemplate {
        MessageTemplate {
            entity: entity.to_string(),
            attributes: Vec::new(),
            groups: 8,
            subject: None,
            poison_fraction: 0.0,
            traced_fraction: 0.0,
            delay_s: 0,
        }
    }

    pub fn one_of(mut self, name: &str, values: &[&str]) -> MessageTemplate {
        let values = values.iter().map(|v| v.to_string()).collect();
        self.attributes
            .push((name.to_string(), AttributeDraw::OneOf(values)));
        self
    }

    pub fn number(mut self, name: &str, min: u64, max: u64) -> MessageTemplate {
        self.attributes
            .push((name.to_string(), AttributeDraw::Number { min, max }));
        self
    }

    pub fn poison(mut self, fraction: f64) -> MessageTemplate {
        self.poison_fraction = fraction;
        self
    }
}

/// Where a producer sends.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Target {
    Topic(String),
    Queue(String),
}

#[derive(Debug, Clone, PartialEq)]
pub struct Producer {
    pub target: Target,
    /// The mean rate.
    pub per_minute: f64,
    pub template: MessageTemplate,
    /// How the rate swings around its mean (`None`: steady).
    pub wave: Option<Wave>,
}

impl Producer {
    pub fn new(target: Target, per_minute: f64, template: MessageTemplate) -> Producer {
        Producer {
            target,
            per_minute,
            template,
            wave: None,
        }
    }

    /// The rate `elapsed_ms` after the world's start.
    pub fn per_minute_at(&self, elapsed_ms: i64) -> f64 {
        match self.wave {
            None => self.per_minute,
            Some(wave) => {
                let turns = elapsed_ms as f64 / 1000.0 / wave.period_s.max(1.0);
                let swing = wave.amplitude * (turns * std::f64::consts::TAU).sin();
                (self.per_minute * (1.0 + swing)).max(0.0)
            }
        }
    }
}

/// A rate following a sine around its mean, so live counts and charts move the way a day's
/// traffic does. A function of time, not of the random draws: the same at any seed.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Wave {
    /// The swing as a share of the mean (0.3: from 70% to 130%).
    pub amplitude: f64,
    pub period_s: f64,
}

/// How the consumer of one queue behaves: the Lambda function behind an event source
/// mapping, or, when no function has that name, a worker outside Lambda (a container
/// service) that polls the same way.
#[derive(Debug, Clone, PartialEq)]
pub struct ConsumerProfile {
    pub function: String,
    pub queue: String,
    /// Messages per poll for a worker; a Lambda takes its mapping's batch size.
    pub batch_size: u32,
    /// The most invocations it manages per minute (its concurrency, in effect).
    pub invocations_per_minute: f64,
    /// Each message of an invocation fails with this probability (a transient fault).
    pub failure_probability: f64,
    /// Poison messages (see `MessageTemplate::poison_fraction`) always fail: the bug.
    pub poison_fails: bool,
    /// An invocation is throttled with this probability: its messages go back to the
    /// queue after the visibility timeout, and the receive still counts.
    pub throttle_probability: f64,
    /// Mean duration of an invocation.
    pub duration_ms: u32,
    /// With it, only the failed messages of a batch return; without it, the whole batch.
    pub report_batch_item_failures: bool,
}

impl ConsumerProfile {
    pub fn new(function: &str, queue: &str, invocations_per_minute: f64) -> ConsumerProfile {
        ConsumerProfile {
            function: function.to_string(),
            queue: queue.to_string(),
            batch_size: 10,
            invocations_per_minute,
            failure_probability: 0.0,
            poison_fails: false,
            throttle_probability: 0.0,
            duration_ms: 120,
            report_batch_item_failures: false,
        }
    }
}

/// Everything that moves: rates and failure probabilities, as data.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Traffic {
    pub producers: Vec<Producer>,
    pub consumers: Vec<ConsumerProfile>,
}

/// A CloudWatch metric alarm that is in state ALARM, as data: the world does not evaluate
/// it, it states it (what `DescribeAlarms` with `StateValue=ALARM` returns).
#[derive(Debug, Clone, PartialEq)]
pub struct AlarmSpec {
    pub name: String,
    /// `AWS/SQS`, `AWS/SNS`, `AWS/Lambda`.
    pub namespace: String,
    pub metric: String,
    /// `(QueueName | TopicName | FunctionName, value)`.
    pub dimension: (String, String),
    pub threshold: f64,
    pub reason: String,
    /// In ALARM since this many minutes before the world starts.
    pub since_minutes: i64,
}

/// A whole world's description.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct FleetSpec {
    pub queues: Vec<QueueSpec>,
    pub topics: Vec<String>,
    pub subscriptions: Vec<SubscriptionSpec>,
    pub functions: Vec<FunctionSpec>,
    pub traffic: Traffic,
    /// Changes to the traffic due at times after the world's start (an incident).
    pub timeline: Vec<super::timeline::Scheduled>,
    pub alarms: Vec<AlarmSpec>,
}
