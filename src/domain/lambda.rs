//! Lambda functions and the event source mappings that make them consume queues.

use super::arn;

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct EventSourceMapping {
    pub uuid: String,
    pub function_arn: String,
    /// The queue (or stream) ARN the function polls.
    pub event_source_arn: String,
    /// Enabled, Disabled, Creating, Enabling, Disabling, Updating, Deleting.
    pub state: String,
    pub batch_size: Option<i32>,
    /// `FunctionResponseTypes`: `ReportBatchItemFailures` lets one bad message fail alone.
    pub function_response_types: Vec<String>,
}

impl EventSourceMapping {
    pub fn function_name(&self) -> &str {
        arn::resource_name(&self.function_arn)
    }

    /// Whether the function may report which messages of a batch failed.
    pub fn reports_batch_item_failures(&self) -> bool {
        self.function_response_types
            .iter()
            .any(|t| t == "ReportBatchItemFailures")
    }
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LambdaFunction {
    pub name: String,
    pub arn: String,
    pub runtime: Option<String>,
    pub memory_mb: Option<i32>,
    pub timeout_seconds: Option<i32>,
    pub last_modified: Option<String>,
    /// The function's own dead-letter target (async invokes), if any.
    pub dlq_arn: Option<String>,
}
