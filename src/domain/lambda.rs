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
    /// Retries, event age and destinations of asynchronous invokes.
    pub invoke_config: InvokeConfigReading,
    /// `LoggingConfig`: where and how the function logs.
    pub logging: LoggingConfig,
    /// The execution role's ARN (`Role`), which Lambda writes to the DLQ and destination as.
    pub role: Option<String>,
    /// The role's identity policies, read only for a function with a DLQ or destination.
    pub role_policies: RolePoliciesReading,
}

/// What squall knows of a function's execution role's identity policies (IAM).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub enum RolePoliciesReading {
    /// Not asked (no DLQ nor destination, no role, or a listing without IAM).
    #[default]
    NotRead,
    /// Every inline and attached managed policy document, decoded.
    Read(Vec<String>),
    /// Some read was refused or failed: the reason. No rule judges half a role.
    Failed(String),
}

/// A function's asynchronous-invocation settings (`GetFunctionEventInvokeConfig`): how long
/// and how often Lambda retries an event, and where it sends the record of one that failed.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct EventInvokeConfig {
    /// 0–2; AWS retries twice when unset.
    pub maximum_retry_attempts: Option<i32>,
    /// 60–21600 seconds; AWS keeps an event 6 hours when unset.
    pub maximum_event_age_seconds: Option<i32>,
    /// `DestinationConfig.OnFailure.Destination`: an SQS queue, SNS topic, function or bus.
    pub on_failure: Option<String>,
    /// `DestinationConfig.OnSuccess.Destination`.
    pub on_success: Option<String>,
}

/// What squall knows of a function's invoke configuration. Reading it is one call per
/// function, which may fail on its own while the listing succeeded.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub enum InvokeConfigReading {
    /// Not asked (a listing without the per-function calls, or a backend that has none).
    #[default]
    NotRead,
    /// Asked: the function has none, so AWS's defaults apply (2 retries, 6 hours, no destination).
    Absent,
    Set(EventInvokeConfig),
    /// Asked and refused or failed: the reason, for the describe pane and the doctor.
    Failed(String),
}

impl InvokeConfigReading {
    /// The configuration, when one was read.
    pub fn config(&self) -> Option<&EventInvokeConfig> {
        match self {
            InvokeConfigReading::Set(config) => Some(config),
            _ => None,
        }
    }

    /// Whether squall knows the function's settings (set or absent), so rules may judge them.
    pub fn is_known(&self) -> bool {
        matches!(
            self,
            InvokeConfigReading::Absent | InvokeConfigReading::Set(_)
        )
    }

    /// The on-failure destination, when one is set.
    pub fn on_failure(&self) -> Option<&str> {
        self.config().and_then(|c| c.on_failure.as_deref())
    }
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
            role: None,
            role_policies: Default::default(),
            name: "shipping".into(),
            arn: "arn:aws:lambda:us-east-1:123456789012:function:shipping".into(),
            runtime: None,
            memory_mb: None,
            timeout_seconds: None,
            last_modified: None,
            dlq_arn: None,
            invoke_config: InvokeConfigReading::NotRead,
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
