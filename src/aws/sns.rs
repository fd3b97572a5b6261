//! `TopicDirectory` over aws-sdk-sns.

use std::collections::BTreeMap;

use async_trait::async_trait;
use aws_sdk_sns::Client;

use super::{ApiError, Page, TopicDirectory};
use crate::domain::{Subscription, Topic};

use super::permissions::{Access, Capability, Permission};

/// What the topic directory and publisher call. Subscriptions are listed account-wide and
/// their ARNs are not topic ARNs, so those actions cannot be scoped to topics.
pub const PERMISSIONS: &[Permission] = &[
    Permission::new(
        "ListTopics",
        "sns:ListTopics",
        Capability::Topics,
        Access::Read,
        false,
    ),
    Permission::new(
        "GetTopicAttributes",
        "sns:GetTopicAttributes",
        Capability::Topics,
        Access::Read,
        true,
    ),
    Permission::new(
        "ListSubscriptions",
        "sns:ListSubscriptions",
        Capability::Topics,
        Access::Read,
        false,
    ),
    Permission::new(
        "GetSubscriptionAttributes",
        "sns:GetSubscriptionAttributes",
        Capability::Topics,
        Access::Read,
        false,
    ),
    Permission::new(
        "Publish",
        "sns:Publish",
        Capability::Publish,
        Access::Write,
        true,
    ),
];

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

#[async_trait]
impl super::TopicPublisher for SdkTopics {
    async fn publish(
        &self,
        topic_arn: &str,
        notification: &crate::domain::message::OutgoingNotification,
    ) -> Result<String, ApiError> {
        use aws_sdk_sns::primitives::Blob;
        use aws_sdk_sns::types::MessageAttributeValue;
        let attributes = notification
            .message_attributes
            .iter()
            .map(|(name, value)| {
                MessageAttributeValue::builder()
                    .data_type(&value.data_type)
                    .set_string_value(value.string_value.clone())
                    .set_binary_value(value.binary_value.clone().map(Blob::new))
                    .build()
                    .map(|v| (name.clone(), v))
                    .map_err(|e| ApiError::client("Publish", e.to_string()))
            })
            .collect::<Result<std::collections::HashMap<_, _>, ApiError>>()?;
        let output = self
            .client
            .publish()
            .topic_arn(topic_arn)
            .message(&notification.message)
            .set_subject(notification.subject.clone())
            .set_message_attributes((!attributes.is_empty()).then_some(attributes))
            .set_message_group_id(notification.group_id.clone())
            .set_message_deduplication_id(notification.deduplication_id.clone())
            .send()
            .await
            .map_err(|e| ApiError::from_sdk("Publish", e))?;
        Ok(output.message_id.unwrap_or_default())
    }
}
