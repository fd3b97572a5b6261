//! The simulated world's SNS and Lambda listings, behind the same traits as the SDK
//! implementations.

use std::collections::BTreeMap;

use async_trait::async_trait;

use super::fleet::SimFleet;
use super::sns::subscription_arn;
use super::spec::SubscriptionSpec;
use super::world::{ACCOUNT, function_arn, queue_arn, topic_arn};
use crate::aws::{ApiError, LambdaDirectory, Page, TopicDirectory};
use crate::domain::{
    EventInvokeConfig, EventSourceMapping, InvokeConfigReading, LambdaFunction, Subscription, Topic,
};

fn subscription_endpoint(region: &str, sub: &SubscriptionSpec) -> String {
    match sub.protocol.as_str() {
        "sqs" => queue_arn(region, &sub.endpoint),
        "lambda" => function_arn(region, &sub.endpoint),
        _ => sub.endpoint.clone(),
    }
}

#[async_trait]
impl TopicDirectory for SimFleet {
    async fn list_topics(&self, _next_token: Option<String>) -> Result<Page<String>, ApiError> {
        let world = self.world();
        Ok(Page {
            items: world.topics.iter().map(|t| t.arn.clone()).collect(),
            next_token: None,
        })
    }

    async fn describe_topic(&self, arn: &str) -> Result<Topic, ApiError> {
        let world = self.world();
        let topic = world
            .topic_index_by_arn(arn)
            .map(|i| &world.topics[i])
            .ok_or_else(|| ApiError::not_found("GetTopicAttributes", format!("no topic {arn}")))?;
        let subs = world.subscriptions.iter().filter(|s| s.topic == topic.name);
        let confirmed = subs.clone().filter(|s| !s.pending).count();
        let pending = subs.filter(|s| s.pending).count();
        let mut attributes = BTreeMap::new();
        attributes.insert("TopicArn".to_string(), arn.to_string());
        attributes.insert("DisplayName".to_string(), String::new());
        attributes.insert("SubscriptionsConfirmed".to_string(), confirmed.to_string());
        attributes.insert("SubscriptionsPending".to_string(), pending.to_string());
        if topic.fifo {
            attributes.insert("FifoTopic".to_string(), "true".to_string());
            attributes.insert("ContentBasedDeduplication".to_string(), "false".to_string());
        }
        Ok(Topic::from_attributes(arn, attributes))
    }

    async fn list_subscriptions(
        &self,
        _next_token: Option<String>,
    ) -> Result<Page<Subscription>, ApiError> {
        let world = self.world();
        let items = world
            .subscriptions
            .iter()
            .enumerate()
            .map(|(i, sub)| {
                Subscription::listed(
                    &subscription_arn(world.region(), i, sub),
                    &topic_arn(world.region(), &sub.topic),
                    &sub.protocol,
                    &subscription_endpoint(world.region(), sub),
                    Some(ACCOUNT),
                )
            })
            .collect();
        Ok(Page {
            items,
            next_token: None,
        })
    }

    async fn subscription_attributes(
        &self,
        arn: &str,
    ) -> Result<BTreeMap<String, String>, ApiError> {
        let world = self.world();
        let (index, sub) = world
            .subscriptions
            .iter()
            .enumerate()
            .find(|(i, s)| !s.pending && subscription_arn(world.region(), *i, s) == arn)
            .ok_or_else(|| {
                ApiError::not_found(
                    "GetSubscriptionAttributes",
                    format!("no subscription {arn}"),
                )
            })?;
        let mut attributes = BTreeMap::new();
        let mut put = |k: &str, v: String| {
            attributes.insert(k.to_string(), v);
        };
        put(
            "SubscriptionArn",
            subscription_arn(world.region(), index, sub),
        );
        put("TopicArn", topic_arn(world.region(), &sub.topic));
        put("Protocol", sub.protocol.clone());
        put("Endpoint", subscription_endpoint(world.region(), sub));
        put("RawMessageDelivery", sub.raw.to_string());
        put("PendingConfirmation", "false".to_string());
        put("ConfirmationWasAuthenticated", "true".to_string());
        if let Some(filter) = &sub.filter_policy {
            put("FilterPolicy", filter.clone());
            let scope = if sub.filter_on_body {
                "MessageBody"
            } else {
                "MessageAttributes"
            };
            put("FilterPolicyScope", scope.to_string());
        }
        if let Some(dlq) = &sub.dlq {
            put(
                "RedrivePolicy",
                format!(
                    r#"{{"deadLetterTargetArn":"{}"}}"#,
                    queue_arn(world.region(), dlq)
                ),
            );
        }
        Ok(attributes)
    }
}

#[async_trait]
impl LambdaDirectory for SimFleet {
    async fn list_event_source_mappings(
        &self,
        _marker: Option<String>,
    ) -> Result<Page<EventSourceMapping>, ApiError> {
        let world = self.world();
        let mut items = Vec::new();
        for function in &world.functions {
            for (i, mapping) in function.spec.mappings.iter().enumerate() {
                items.push(EventSourceMapping {
                    uuid: format!("{}-{i}", function.spec.name),
                    function_arn: function.arn.clone(),
                    event_source_arn: queue_arn(world.region(), &mapping.queue),
                    state: mapping.state.clone(),
                    batch_size: i32::try_from(mapping.batch_size).ok(),
                    // The consumer's behaviour is the mapping's setting, one source of truth.
                    function_response_types: world
                        .traffic
                        .consumers
                        .iter()
                        .filter(|c| c.function == function.spec.name && c.queue == mapping.queue)
                        .filter(|c| c.report_batch_item_failures)
                        .map(|_| "ReportBatchItemFailures".to_string())
                        .take(1)
                        .collect(),
                });
            }
        }
        Ok(Page {
            items,
            next_token: None,
        })
    }

    async fn list_functions(
        &self,
        _marker: Option<String>,
    ) -> Result<Page<LambdaFunction>, ApiError> {
        let world = self.world();
        let items = world
            .functions
            .iter()
            .map(|f| LambdaFunction {
                role: Some(super::world::role_arn(&f.spec.name)),
                role_policies: Default::default(),
                name: f.spec.name.clone(),
                arn: f.arn.clone(),
                runtime: Some(f.spec.runtime.clone()),
                memory_mb: i32::try_from(f.spec.memory_mb).ok(),
                timeout_seconds: i32::try_from(f.spec.timeout_s).ok(),
                last_modified: Some("2026-11-01T09:30:00.000+0000".to_string()),
                dlq_arn: f.spec.dlq.as_ref().map(|q| queue_arn(world.region(), q)),
                logging: crate::domain::LoggingConfig {
                    log_group: f.spec.log_group.clone(),
                    log_format: Some(if f.spec.json_logs { "JSON" } else { "Text" }.to_string()),
                },
                invoke_config: InvokeConfigReading::NotRead,
            })
            .collect();
        Ok(Page {
            items,
            next_token: None,
        })
    }

    async fn event_invoke_config(
        &self,
        function_name: &str,
    ) -> Result<Option<EventInvokeConfig>, ApiError> {
        let world = self.world();
        let Some(function) = world
            .functions
            .iter()
            .find(|f| f.spec.name == function_name)
        else {
            return Err(ApiError::not_found(
                "GetFunctionEventInvokeConfig",
                format!("Function not found: {function_name}"),
            ));
        };
        let spec = &function.spec;
        if spec.on_failure.is_none()
            && spec.max_retry_attempts.is_none()
            && spec.max_event_age_s.is_none()
        {
            return Ok(None);
        }
        Ok(Some(EventInvokeConfig {
            maximum_retry_attempts: spec.max_retry_attempts.and_then(|n| i32::try_from(n).ok()),
            maximum_event_age_seconds: spec.max_event_age_s.and_then(|n| i32::try_from(n).ok()),
            on_failure: spec
                .on_failure
                .as_deref()
                .map(|q| queue_arn(world.region(), q)),
            on_success: None,
        }))
    }
}
