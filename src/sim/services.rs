//! The demo fleet's SNS and Lambda, behind the same traits as the SDK implementations.

use std::collections::BTreeMap;

use async_trait::async_trait;

use super::fleet::{SimFleet, SimSubscription};
use crate::aws::{ApiError, LambdaDirectory, Page, TopicDirectory};
use crate::domain::{EventSourceMapping, LambdaFunction, Subscription, Topic};

impl SimFleet {
    fn subscription_arn(index: usize, sub: &SimSubscription) -> String {
        if sub.pending {
            "PendingConfirmation".to_string()
        } else {
            format!("{}:{:08x}-sim", SimFleet::topic_arn(&sub.topic), index)
        }
    }

    fn subscription_endpoint(sub: &SimSubscription) -> String {
        match sub.protocol.as_str() {
            "sqs" => SimFleet::arn(&sub.endpoint),
            "lambda" => SimFleet::function_arn(&sub.endpoint),
            _ => sub.endpoint.clone(),
        }
    }
}

#[async_trait]
impl TopicDirectory for SimFleet {
    async fn list_topics(&self, _next_token: Option<String>) -> Result<Page<String>, ApiError> {
        Ok(Page {
            items: self
                .topics
                .iter()
                .map(|t| SimFleet::topic_arn(&t.name))
                .collect(),
            next_token: None,
        })
    }

    async fn describe_topic(&self, topic_arn: &str) -> Result<Topic, ApiError> {
        let topic = self
            .topics
            .iter()
            .find(|t| SimFleet::topic_arn(&t.name) == topic_arn)
            .ok_or_else(|| {
                ApiError::not_found("GetTopicAttributes", format!("no topic {topic_arn}"))
            })?;
        let subs = self.subscriptions.iter().filter(|s| s.topic == topic.name);
        let confirmed = subs.clone().filter(|s| !s.pending).count();
        let pending = subs.filter(|s| s.pending).count();
        let mut attributes = BTreeMap::new();
        attributes.insert("TopicArn".to_string(), topic_arn.to_string());
        attributes.insert("DisplayName".to_string(), String::new());
        attributes.insert("SubscriptionsConfirmed".to_string(), confirmed.to_string());
        attributes.insert("SubscriptionsPending".to_string(), pending.to_string());
        if topic.name.ends_with(".fifo") {
            attributes.insert("FifoTopic".to_string(), "true".to_string());
            attributes.insert("ContentBasedDeduplication".to_string(), "false".to_string());
        }
        Ok(Topic::from_attributes(topic_arn, attributes))
    }

    async fn list_subscriptions(
        &self,
        _next_token: Option<String>,
    ) -> Result<Page<Subscription>, ApiError> {
        let items = self
            .subscriptions
            .iter()
            .enumerate()
            .map(|(i, sub)| {
                Subscription::listed(
                    &SimFleet::subscription_arn(i, sub),
                    &SimFleet::topic_arn(&sub.topic),
                    &sub.protocol,
                    &SimFleet::subscription_endpoint(sub),
                    Some("123456789012"),
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
        subscription_arn: &str,
    ) -> Result<BTreeMap<String, String>, ApiError> {
        let (index, sub) = self
            .subscriptions
            .iter()
            .enumerate()
            .find(|(i, s)| !s.pending && SimFleet::subscription_arn(*i, s) == subscription_arn)
            .ok_or_else(|| {
                ApiError::not_found(
                    "GetSubscriptionAttributes",
                    format!("no subscription {subscription_arn}"),
                )
            })?;
        let mut attributes = BTreeMap::new();
        let mut put = |k: &str, v: String| {
            attributes.insert(k.to_string(), v);
        };
        put("SubscriptionArn", SimFleet::subscription_arn(index, sub));
        put("TopicArn", SimFleet::topic_arn(&sub.topic));
        put("Protocol", sub.protocol.clone());
        put("Endpoint", SimFleet::subscription_endpoint(sub));
        put("RawMessageDelivery", sub.raw.to_string());
        put("PendingConfirmation", "false".to_string());
        put("ConfirmationWasAuthenticated", "true".to_string());
        if let Some(filter) = &sub.filter_policy {
            put("FilterPolicy", filter.clone());
            put("FilterPolicyScope", "MessageAttributes".to_string());
        }
        if let Some(dlq) = &sub.dlq {
            put(
                "RedrivePolicy",
                format!(r#"{{"deadLetterTargetArn":"{}"}}"#, SimFleet::arn(dlq)),
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
        let mut items = Vec::new();
        for function in &self.functions {
            for (i, (queue, state, batch)) in function.consumes.iter().enumerate() {
                items.push(EventSourceMapping {
                    uuid: format!("{}-{i}", function.name),
                    function_arn: SimFleet::function_arn(&function.name),
                    event_source_arn: SimFleet::arn(queue),
                    state: state.clone(),
                    batch_size: Some(*batch),
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
        let items = self
            .functions
            .iter()
            .map(|f| LambdaFunction {
                name: f.name.clone(),
                arn: SimFleet::function_arn(&f.name),
                runtime: Some(f.runtime.clone()),
                memory_mb: Some(512),
                timeout_seconds: Some(30),
                last_modified: Some("2026-11-01T09:30:00.000+0000".to_string()),
                dlq_arn: None,
            })
            .collect();
        Ok(Page {
            items,
            next_token: None,
        })
    }
}
