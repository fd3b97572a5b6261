//! Plain data types shared by the AWS layer, the simulated fleet, the engines and the UI.
//! Nothing here does I/O.

pub mod alarm;
pub mod arn;
pub mod filter_policy;
pub mod lambda;
pub mod lambda_dead_letter;
pub mod lambda_event;
pub mod md5;
pub mod message;
pub mod queue;
pub mod redact;
pub mod topic;
pub mod untrusted;

pub use alarm::{Alarm, AlarmMetric};
pub use lambda::{
    EventInvokeConfig, EventSourceMapping, InvokeConfigReading, LambdaFunction, LoggingConfig,
    RolePoliciesReading,
};
pub use lambda_dead_letter::{LambdaDeadLetter, LambdaDeadLetterKind, lambda_dead_letters};
pub use queue::{Queue, QueueCounts, RedrivePolicy};
pub use topic::{Subscription, Topic};
