//! `LambdaDirectory` and `FunctionInvoker` over aws-sdk-lambda.

use async_trait::async_trait;
use aws_sdk_lambda::Client;
use aws_sdk_lambda::operation::RequestId;
use aws_sdk_lambda::primitives::Blob;
use aws_sdk_lambda::types::InvocationType;

use super::sqs_messages::NoResendAfterLostAnswer;
use super::{ApiError, ErrorKind, FunctionInvoker, LambdaDirectory, Page};
use crate::domain::{
    EventInvokeConfig, EventSourceMapping, InvokeConfigReading, LambdaFunction, LoggingConfig,
};

use super::permissions::{Access, Capability, Permission};

/// What the Lambda directory calls: two account-wide listings (no resource to scope) and
/// one read per function of its asynchronous-invoke settings; and the one write, the
/// asynchronous invoke a redrive's invoke route makes (the sending side of a redrive).
pub const PERMISSIONS: &[Permission] = &[
    Permission::new(
        "Invoke",
        "lambda:InvokeFunction",
        Capability::Send,
        Access::Write,
        true,
    ),
    Permission::new(
        "GetFunctionEventInvokeConfig",
        "lambda:GetFunctionEventInvokeConfig",
        Capability::LambdaConsumers,
        Access::Read,
        true,
    ),
    Permission::new(
        "ListEventSourceMappings",
        "lambda:ListEventSourceMappings",
        Capability::LambdaConsumers,
        Access::Read,
        false,
    ),
    Permission::new(
        "ListFunctions",
        "lambda:ListFunctions",
        Capability::LambdaConsumers,
        Access::Read,
        false,
    ),
];

pub struct SdkLambdas {
    client: Client,
}

impl SdkLambdas {
    pub fn new(client: Client) -> SdkLambdas {
        SdkLambdas { client }
    }
}

#[async_trait]
impl LambdaDirectory for SdkLambdas {
    async fn list_event_source_mappings(
        &self,
        marker: Option<String>,
    ) -> Result<Page<EventSourceMapping>, ApiError> {
        let output = self
            .client
            .list_event_source_mappings()
            .max_items(100)
            .set_marker(marker)
            .send()
            .await
            .map_err(|e| ApiError::from_sdk("ListEventSourceMappings", e))?;
        let items = output
            .event_source_mappings
            .unwrap_or_default()
            .into_iter()
            .map(|m| EventSourceMapping {
                uuid: m.uuid.unwrap_or_default(),
                function_arn: m.function_arn.unwrap_or_default(),
                event_source_arn: m.event_source_arn.unwrap_or_default(),
                state: m.state.unwrap_or_else(|| "Unknown".to_string()),
                batch_size: m.batch_size,
                function_response_types: m
                    .function_response_types
                    .unwrap_or_default()
                    .iter()
                    .map(|t| t.as_str().to_string())
                    .collect(),
            })
            .collect();
        Ok(Page {
            items,
            next_token: output.next_marker.filter(|t| !t.is_empty()),
        })
    }

    async fn list_functions(
        &self,
        marker: Option<String>,
    ) -> Result<Page<LambdaFunction>, ApiError> {
        let output = self
            .client
            .list_functions()
            .max_items(50)
            .set_marker(marker)
            .send()
            .await
            .map_err(|e| ApiError::from_sdk("ListFunctions", e))?;
        let items = output
            .functions
            .unwrap_or_default()
            .into_iter()
            .map(|f| LambdaFunction {
                role: f.role.clone(),
                role_policies: Default::default(),
                name: f.function_name.unwrap_or_default(),
                arn: f.function_arn.unwrap_or_default(),
                runtime: f.runtime.map(|r| r.as_str().to_string()),
                memory_mb: f.memory_size,
                timeout_seconds: f.timeout,
                last_modified: f.last_modified,
                dlq_arn: f.dead_letter_config.and_then(|d| d.target_arn),
                logging: f
                    .logging_config
                    .map(|l| LoggingConfig {
                        log_group: l.log_group,
                        log_format: l.log_format.map(|f| f.as_str().to_string()),
                    })
                    .unwrap_or_default(),
                invoke_config: InvokeConfigReading::NotRead,
            })
            .collect();
        Ok(Page {
            items,
            next_token: output.next_marker.filter(|t| !t.is_empty()),
        })
    }

    async fn event_invoke_config(
        &self,
        function_name: &str,
    ) -> Result<Option<EventInvokeConfig>, ApiError> {
        let answer = self
            .client
            .get_function_event_invoke_config()
            .function_name(function_name)
            .send()
            .await;
        let output = match answer {
            Ok(output) => output,
            Err(e) => {
                let error = ApiError::from_sdk("GetFunctionEventInvokeConfig", e);
                // AWS answers "not found" both for a function without settings and for a
                // function deleted since the listing: either way it has no settings now.
                return match error.kind {
                    ErrorKind::NotFound => Ok(None),
                    _ => Err(error),
                };
            }
        };
        let destinations = output.destination_config;
        Ok(Some(EventInvokeConfig {
            maximum_retry_attempts: output.maximum_retry_attempts,
            maximum_event_age_seconds: output.maximum_event_age_in_seconds,
            on_failure: destinations
                .as_ref()
                .and_then(|d| d.on_failure.as_ref())
                .and_then(|f| f.destination.clone()),
            on_success: destinations
                .as_ref()
                .and_then(|d| d.on_success.as_ref())
                .and_then(|f| f.destination.clone()),
        }))
    }
}

#[async_trait]
impl FunctionInvoker for SdkLambdas {
    async fn invoke_async(&self, function: &str, payload: &str) -> Result<String, ApiError> {
        let output = self
            .client
            .invoke()
            .function_name(function)
            .invocation_type(InvocationType::Event)
            .payload(Blob::new(payload.as_bytes()))
            .customize()
            .config_override(
                aws_sdk_lambda::config::Builder::default()
                    .retry_classifier(NoResendAfterLostAnswer),
            )
            .send()
            .await
            .map_err(|e| ApiError::from_sdk("Invoke", e))?;
        // Lambda accepts an asynchronous invoke with 202 and nothing else; a function error
        // header on it (moto runs the function then and there, and reports its failure) is
        // not Lambda's answer to the invoke, which was accepted.
        match output.status_code {
            202 => Ok(output.request_id().unwrap_or_default().to_string()),
            status => Err(ApiError::new(
                ErrorKind::Parse,
                "Invoke",
                format!("an asynchronous invoke answered HTTP {status}, not 202"),
            )
            .with_status(u16::try_from(status).unwrap_or(0))),
        }
    }
}
