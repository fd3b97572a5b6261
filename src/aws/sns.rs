//! `TopicDirectory` over aws-sdk-sns.

use std::collections::BTreeMap;

use async_trait::async_trait;
use aws_sdk_sns::Client;

use super::{ApiError, Page, TopicDirectory};
use crate::domain::{Subscription, Topic};

pub struct SdkTopics {
    client: Client,
}

impl SdkTopics {
    pub fn new(client: Client) -> SdkTopics {
        SdkTopics { client }
    }
}

#[async_trait]
impl TopicDirectory for SdkTopics {
    async fn list_topics(&self, next_token: Option<String>) -> Result<Page<String>, ApiError> {
        let output = self
            .client
            .list_topics()
            .set_next_token(next_token)
            .send()
            .await
            .map_err(|e| ApiError::from_sdk("ListTopics", e))?;
        Ok(Page {
            items: output
                .topics
                .unwrap_or_default()
                .into_iter()
                .filter_map(|t| t.topic_arn)
                .collect(),
            next_token: output.next_token.filter(|t| !t.is_empty()),
        })
    }

    async fn describe_topic(&self, topic_arn: &str) -> Result<Topic, ApiError> {
        let output = self
            .client
            .get_topic_attributes()
            .topic_arn(topic_arn)
            .send()
            .await
            .map_err(|e| ApiError::from_sdk("GetTopicAttributes", e))?;
        let attributes: BTreeMap<String, String> =
            output.attributes.unwrap_or_default().into_iter().collect();
        Ok(Topic::from_attributes(topic_arn, attributes))
    }

    async fn list_subscriptions(
        &self,
        next_token: Option<String>,
    ) -> Result<Page<Subscription>, ApiError> {
        let output = self
            .client
            .list_subscriptions()
            .set_next_token(next_token)
            .send()
            .await
            .map_err(|e| ApiError::from_sdk("ListSubscriptions", e))?;
        let items = output
            .subscriptions
            .unwrap_or_default()
            .into_iter()
            .map(|s| {
                Subscription::listed(
                    s.subscription_arn
                        .as_deref()
                        .unwrap_or("PendingConfirmation"),
                    s.topic_arn.as_deref().unwrap_or_default(),
                    s.protocol.as_deref().unwrap_or_default(),
                    s.endpoint.as_deref().unwrap_or_default(),
                    s.owner.as_deref(),
                )
            })
            .collect();
        Ok(Page {
            items,
            next_token: output.next_token.filter(|t| !t.is_empty()),
        })
    }

    async fn subscription_attributes(
        &self,
        subscription_arn: &str,
    ) -> Result<BTreeMap<String, String>, ApiError> {
        let output = self
            .client
            .get_subscription_attributes()
            .subscription_arn(subscription_arn)
            .send()
            .await
            .map_err(|e| ApiError::from_sdk("GetSubscriptionAttributes", e))?;
        Ok(output.attributes.unwrap_or_default().into_iter().collect())
    }
}
