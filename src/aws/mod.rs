//! The AWS side of squall: narrow traits the engines and the UI depend on, and their
//! implementations over the AWS SDK. Nothing here knows about the UI.

pub mod connect;
pub mod error;
pub mod sqs;

use std::sync::Arc;

use async_trait::async_trait;

use crate::domain::Queue;
pub use error::ApiError;

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

    /// Every attribute of one queue (`GetQueueAttributes(All)`), counts included.
    async fn describe_queue(&self, url: &str) -> Result<Queue, ApiError>;
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

/// Everything the engines need to talk to a fleet: the real one or the simulated one.
#[derive(Clone)]
pub struct Backend {
    pub info: ConnectionInfo,
    pub queues: Arc<dyn QueueDirectory>,
}
