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
    /// `LoggingConfig`: where and how the function logs.
    pub logging: LoggingConfig,
}

/// A function's `LoggingConfig` (custom log groups and JSON logs exist since 2023).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct LoggingConfig {
    /// `LogGroup`, when the function logs somewhere else than `/aws/lambda/NAME`.
    pub log_group: Option<String>,
    /// `LogFormat`: `Text` or `JSON`.
    pub log_format: Option<String>,
}

impl LambdaFunction {
    /// The log group the function writes to: `LoggingConfig.LogGroup`, else Lambda's
    /// default `/aws/lambda/NAME`.
    pub fn log_group(&self) -> String {
        match &self.logging.log_group {
            Some(group) if !group.is_empty() => group.clone(),
            _ => default_log_group(&self.name),
        }
    }
}

/// Lambda's default log group of a function.
pub fn default_log_group(function_name: &str) -> String {
    format!("/aws/lambda/{function_name}")
}

#[cfg(test)]
mod tests {
    use super::*;

    fn function(log_group: Option<&str>) -> LambdaFunction {
        LambdaFunction {
            name: "shipping".into(),
            arn: "arn:aws:lambda:us-east-1:123456789012:function:shipping".into(),
            runtime: None,
            memory_mb: None,
            timeout_seconds: None,
            last_modified: None,
            dlq_arn: None,
            logging: LoggingConfig {
                log_group: log_group.map(str::to_string),
                log_format: None,
            },
        }
    }

    #[test]
    fn the_log_group_is_the_configured_one_else_the_default() {
        assert_eq!(function(None).log_group(), "/aws/lambda/shipping");
        assert_eq!(function(Some("")).log_group(), "/aws/lambda/shipping");
        assert_eq!(
            function(Some("/shop/shipping")).log_group(),
            "/shop/shipping"
        );
    }
}
