//! `QueueDirectory` over aws-sdk-sqs.

use std::collections::BTreeMap;

use async_trait::async_trait;
use aws_sdk_sqs::Client;
use aws_sdk_sqs::types::QueueAttributeName;

use super::{ApiError, Page, QueueDirectory};
use crate::domain::Queue;

use super::permissions::{Access, Capability, Permission};

/// What the queue directory calls (resource-level: a queue ARN can scope it; listing cannot).
pub const PERMISSIONS: &[Permission] = &[
    Permission::new(
        "ListQueues",
        "sqs:ListQueues",
        Capability::Queues,
        Access::Read,
        false,
    ),
    Permission::new(
        "GetQueueAttributes",
        "sqs:GetQueueAttributes",
        Capability::Queues,
        Access::Read,
        true,
    ),
    Permission::new(
        "ListDeadLetterSourceQueues",
        "sqs:ListDeadLetterSourceQueues",
        Capability::Queues,
        Access::Read,
        true,
    ),
];

/// ListQueues' page limit. Without MaxResults SQS returns at most 1,000 queues and no
/// NextToken, which is how other tools silently stop at 1,000.
pub const LIST_QUEUES_PAGE_SIZE: i32 = 1000;

pub struct SdkQueues {
    client: Client,
    region: String,
}

impl SdkQueues {
    pub fn new(client: Client, region: String) -> SdkQueues {
        SdkQueues { client, region }
    }
}

#[async_trait]
impl QueueDirectory for SdkQueues {
    async fn list_queue_urls(
        &self,
        prefix: Option<&str>,
        next_token: Option<String>,
    ) -> Result<Page<String>, ApiError> {
        let output = self
            .client
            .list_queues()
            .max_results(LIST_QUEUES_PAGE_SIZE)
            .set_queue_name_prefix(prefix.map(str::to_string))
            .set_next_token(next_token)
            .send()
            .await
            .map_err(|e| ApiError::from_sdk("ListQueues", e))?;
        Ok(Page {
            items: output.queue_urls.unwrap_or_default(),
            next_token: output.next_token.filter(|t| !t.is_empty()),
        })
    }

    async fn paginates_queue_listing(&self) -> Result<bool, ApiError> {
        let output = self
            .client
            .list_queues()
            .max_results(1)
            .send()
            .await
            .map_err(|e| ApiError::from_sdk("ListQueues", e))?;
        Ok(output.queue_urls.unwrap_or_default().len() <= 1)
    }

    async fn describe_queue(&self, url: &str) -> Result<Queue, ApiError> {
        let output = self
            .client
            .get_queue_attributes()
            .queue_url(url)
            .attribute_names(QueueAttributeName::All)
            .send()
            .await
            .map_err(|e| ApiError::from_sdk("GetQueueAttributes", e))?;
        let attributes: BTreeMap<String, String> = output
            .attributes
            .unwrap_or_default()
            .into_iter()
            .map(|(name, value)| (name.as_str().to_string(), value))
            .collect();
        Ok(Queue::from_attributes(url, attributes, &self.region))
    }

    async fn list_dead_letter_source_queues(
        &self,
        dlq_url: &str,
        next_token: Option<String>,
    ) -> Result<Page<String>, ApiError> {
        let output = self
            .client
            .list_dead_letter_source_queues()
            .queue_url(dlq_url)
            .max_results(LIST_QUEUES_PAGE_SIZE)
            .set_next_token(next_token)
            .send()
            .await
            .map_err(|e| ApiError::from_sdk("ListDeadLetterSourceQueues", e))?;
        Ok(Page {
            items: output.queue_urls,
            next_token: output.next_token.filter(|t| !t.is_empty()),
        })
    }
}
