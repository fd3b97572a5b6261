//! The AWS side of squall: narrow traits the engines and the UI depend on, and their
//! implementations over the AWS SDK. Nothing here knows about the UI.

pub mod alarms;
pub mod capabilities;
pub mod cloudwatch;
pub mod connect;
pub mod error;
#[cfg(test)]
pub(crate) mod fake;
pub mod iam_policy;
pub mod identity;
pub mod lambda;
pub mod logs;
pub mod metric_math;
pub mod permissions;
pub mod profiles;
pub mod resolve;
pub mod roles;
pub mod settings_check;
pub mod sns;
pub mod sqs;
pub mod sqs_messages;

use std::sync::Arc;

use async_trait::async_trait;

use std::collections::BTreeMap;

use crate::domain::{
    EventInvokeConfig, EventSourceMapping, LambdaFunction, Queue, Subscription, Topic,
};
pub use capabilities::{
    FunctionInvoker, MessageReader, MoveTaskRunner, QueueWriter, TopicPublisher,
};
pub use error::{ApiError, ErrorKind};

/// One page of a paginated listing and the token for the next page, if any.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Page<T> {
    pub items: Vec<T>,
    pub next_token: Option<String>,
}

/// Listing and describing queues.
#[async_trait]
pub trait QueueDirectory: Send + Sync {
    /// One page of queue URLs (`ListQueues` with `MaxResults`, so that a NextToken comes
    /// back), optionally only names starting with `prefix`.
    async fn list_queue_urls(
        &self,
        prefix: Option<&str>,
        next_token: Option<String>,
    ) -> Result<Page<String>, ApiError>;

    /// Whether the endpoint honours `MaxResults` on ListQueues (AWS, LocalStack and moto
    /// 5.2 do; older emulators return one page of 1,000 and no NextToken). Asked only when a
    /// full page came without NextToken, which on AWS just means the account has a multiple
    /// of 1,000 queues.
    async fn paginates_queue_listing(&self) -> Result<bool, ApiError>;

    /// Every attribute of one queue (`GetQueueAttributes(All)`), counts included.
    async fn describe_queue(&self, url: &str) -> Result<Queue, ApiError>;

    /// One page of the URLs of queues whose redrive policy targets `dlq_url`
    /// (`ListDeadLetterSourceQueues`).
    async fn list_dead_letter_source_queues(
        &self,
        dlq_url: &str,
        next_token: Option<String>,
    ) -> Result<Page<String>, ApiError>;
}

/// Listing SNS topics and subscriptions.
#[async_trait]
pub trait TopicDirectory: Send + Sync {
    /// One page of topic ARNs (`ListTopics`).
    async fn list_topics(&self, next_token: Option<String>) -> Result<Page<String>, ApiError>;

    /// A topic with every attribute (`GetTopicAttributes`).
    async fn describe_topic(&self, topic_arn: &str) -> Result<Topic, ApiError>;

    /// One page of every subscription in the account and region (`ListSubscriptions`),
    /// with the listed fields only.
    async fn list_subscriptions(
        &self,
        next_token: Option<String>,
    ) -> Result<Page<Subscription>, ApiError>;

    /// A subscription's attributes (`GetSubscriptionAttributes`): filter policy, raw
    /// delivery, its own redrive policy, pending confirmation.
    async fn subscription_attributes(
        &self,
        subscription_arn: &str,
    ) -> Result<BTreeMap<String, String>, ApiError>;
}

/// Listing Lambda functions and their event source mappings.
#[async_trait]
pub trait LambdaDirectory: Send + Sync {
    /// One page of every event source mapping (`ListEventSourceMappings` without a source
    /// filter: one listing instead of one call per queue).
    async fn list_event_source_mappings(
        &self,
        marker: Option<String>,
    ) -> Result<Page<EventSourceMapping>, ApiError>;

    /// One page of functions (`ListFunctions`).
    async fn list_functions(
        &self,
        marker: Option<String>,
    ) -> Result<Page<LambdaFunction>, ApiError>;

    /// The unqualified function's asynchronous-invoke settings
    /// (`GetFunctionEventInvokeConfig`); `Ok(None)` when it has none (AWS's defaults).
    async fn event_invoke_config(
        &self,
        function_name: &str,
    ) -> Result<Option<EventInvokeConfig>, ApiError> {
        Err(ApiError::unavailable(
            "GetFunctionEventInvokeConfig",
            format!("this backend cannot read the invoke settings of {function_name}"),
        ))
    }
}

/// Where squall is connected, for the status bar and the JSON output.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ConnectionInfo {
    pub profile: Option<String>,
    pub region: String,
    /// Set when the endpoint is overridden (an emulator, a VPC endpoint).
    pub endpoint: Option<String>,
    pub demo: bool,
}

/// The capabilities that change state. A `Backend` holds them only when it may write.
#[derive(Clone)]
pub struct Writers {
    pub queues: Arc<dyn QueueWriter>,
    pub topics: Arc<dyn TopicPublisher>,
    pub moves: Arc<dyn MoveTaskRunner>,
    /// Asynchronous Lambda invokes (the invoke route of a redrive).
    pub functions: Arc<dyn FunctionInvoker>,
}

/// Asked to change something through a read-only backend.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error(
    "squall is read-only here (--read-only, general.read_only or the profile's read_only): refusing to {0}"
)]
pub struct ReadOnlyError(pub String);

/// Everything the engines need to talk to a fleet: the real one or the simulated one.
#[derive(Clone)]
pub struct Backend {
    pub info: ConnectionInfo,
    pub queues: Arc<dyn QueueDirectory>,
    pub topics: Arc<dyn TopicDirectory>,
    pub lambdas: Arc<dyn LambdaDirectory>,
    pub messages: Arc<dyn MessageReader>,
    /// Private: only `writers()` hands them out, and `read_only()` drops them for good.
    writers: Option<Writers>,
    /// CloudWatch metrics (`with_metrics`); by default every call answers "unavailable".
    pub metrics: Arc<dyn cloudwatch::MetricSource>,
    /// CloudWatch alarms in ALARM (`with_alarms`); by default "unavailable".
    pub alarms: Arc<dyn alarms::AlarmSource>,
    /// Who the credentials are (`with_identity`); by default "unavailable".
    pub identity: Arc<dyn identity::IdentitySource>,
    /// CloudWatch Logs, the consumers' logs (`with_logs`); by default "unavailable".
    pub logs: Arc<dyn logs::LogSource>,
    /// IAM, the execution roles' policies (`with_roles`); by default "unavailable".
    pub roles: Arc<dyn roles::RolePolicies>,
}

impl Backend {
    pub fn new(
        info: ConnectionInfo,
        queues: Arc<dyn QueueDirectory>,
        topics: Arc<dyn TopicDirectory>,
        lambdas: Arc<dyn LambdaDirectory>,
        messages: Arc<dyn MessageReader>,
        writers: Writers,
    ) -> Backend {
        Backend {
            info,
            queues,
            topics,
            lambdas,
            messages,
            writers: Some(writers),
            metrics: Arc::new(cloudwatch::NoMetrics),
            alarms: Arc::new(alarms::NoAlarms),
            identity: Arc::new(identity::NoIdentity),
            logs: Arc::new(logs::NoLogs),
            roles: Arc::new(roles::NoRolePolicies),
        }
    }

    /// The same backend reading execution roles' policies from `roles`.
    pub fn with_roles(mut self, roles: Arc<dyn roles::RolePolicies>) -> Backend {
        self.roles = roles;
        self
    }

    /// The same backend reading consumer logs from `logs`.
    pub fn with_logs(mut self, logs: Arc<dyn logs::LogSource>) -> Backend {
        self.logs = logs;
        self
    }

    /// The same backend asking `identity` who the caller is.
    pub fn with_identity(mut self, identity: Arc<dyn identity::IdentitySource>) -> Backend {
        self.identity = identity;
        self
    }

    /// The same backend reading metrics from `metrics`.
    pub fn with_metrics(mut self, metrics: Arc<dyn cloudwatch::MetricSource>) -> Backend {
        self.metrics = metrics;
        self
    }

    /// The same backend reading alarms from `alarms`.
    pub fn with_alarms(mut self, alarms: Arc<dyn alarms::AlarmSource>) -> Backend {
        self.alarms = alarms;
        self
    }

    /// The same backend without any capability that changes state.
    pub fn read_only(mut self) -> Backend {
        self.writers = None;
        self
    }

    pub fn is_read_only(&self) -> bool {
        self.writers.is_none()
    }

    /// The writing capabilities; `what` names the refused action for the error.
    pub fn writers(&self, what: &str) -> Result<&Writers, ReadOnlyError> {
        self.writers
            .as_ref()
            .ok_or_else(|| ReadOnlyError(what.to_string()))
    }
}

/// A backend over the AWS SDK (or an emulator behind `endpoint_url`), with every
/// capability; `read_only()` takes the writing ones away.
pub fn sdk_backend(config: &aws_config::SdkConfig, info: ConnectionInfo) -> Backend {
    let sqs = aws_sdk_sqs::Client::new(config);
    let cloudwatch_client = aws_sdk_cloudwatch::Client::new(config);
    let messages = Arc::new(sqs_messages::SdkMessages::new(sqs.clone()));
    let topics = Arc::new(sns::SdkTopics::new(aws_sdk_sns::Client::new(config)));
    let lambdas = Arc::new(lambda::SdkLambdas::new(aws_sdk_lambda::Client::new(config)));
    let writers = Writers {
        queues: messages.clone(),
        topics: topics.clone(),
        moves: messages.clone(),
        functions: lambdas.clone(),
    };
    Backend::new(
        info.clone(),
        Arc::new(sqs::SdkQueues::new(sqs, info.region.clone())),
        topics,
        lambdas,
        messages,
        writers,
    )
    .with_metrics(Arc::new(cloudwatch::SdkMetrics::new(
        cloudwatch_client.clone(),
    )))
    .with_alarms(Arc::new(alarms::SdkAlarms::new(cloudwatch_client)))
    .with_identity(Arc::new(identity::SdkIdentity::new(
        aws_sdk_sts::Client::new(config),
    )))
    .with_logs(Arc::new(
        logs::SdkLogs::new(aws_sdk_cloudwatchlogs::Client::new(config))
            .with_endpoint_url(config.endpoint_url().is_some()),
    ))
    .with_roles(Arc::new(roles::SdkRoles::new(aws_sdk_iam::Client::new(
        config,
    ))))
}
