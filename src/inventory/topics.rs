//! Loading topics and subscriptions: list every page, then describe each with bounded
//! concurrency. A failed describe keeps the listed fields and a warning on that row.

use std::sync::Arc;

use futures::StreamExt;

use crate::aws::{ApiError, TopicDirectory};
use crate::domain::{Subscription, Topic};

/// Every page of a token-paginated listing.
pub(crate) async fn all_pages<T, F, Fut>(mut fetch: F) -> Result<Vec<T>, ApiError>
where
    F: FnMut(Option<String>) -> Fut,
    Fut: std::future::Future<Output = Result<crate::aws::Page<T>, ApiError>>,
{
    let mut items = Vec::new();
    let mut token = None;
    loop {
        let page = fetch(token).await?;
        items.extend(page.items);
        match page.next_token {
            Some(next) => token = Some(next),
            None => return Ok(items),
        }
    }
}

/// Every topic with its attributes. A topic whose attributes cannot be read is kept with
/// its ARN and the error in `warning`.
pub async fn load_topics(
    directory: Arc<dyn TopicDirectory>,
    concurrency: usize,
) -> Result<Vec<Topic>, ApiError> {
    let arns = all_pages(|token| {
        let directory = Arc::clone(&directory);
        async move { directory.list_topics(token).await }
    })
    .await?;
    let mut topics: Vec<Topic> = futures::stream::iter(arns)
        .map(|arn| {
            let directory = Arc::clone(&directory);
            async move {
                match directory.describe_topic(&arn).await {
                    Ok(topic) => topic,
                    Err(error) => {
                        let mut topic = Topic::from_attributes(&arn, Default::default());
                        topic.warning = Some(error.to_string());
                        topic
                    }
                }
            }
        })
        .buffer_unordered(concurrency.max(1))
        .collect()
        .await;
    topics.sort_by(|a, b| a.name.cmp(&b.name));
    Ok(topics)
}

/// Every subscription with its attributes (pending ones have no ARN to ask about).
pub async fn load_subscriptions(
    directory: Arc<dyn TopicDirectory>,
    concurrency: usize,
) -> Result<Vec<Subscription>, ApiError> {
    let listed = all_pages(|token| {
        let directory = Arc::clone(&directory);
        async move { directory.list_subscriptions(token).await }
    })
    .await?;
    let subscriptions = futures::stream::iter(listed)
        .map(|sub| {
            let directory = Arc::clone(&directory);
            async move {
                if sub.pending_confirmation || !sub.arn.starts_with("arn:") {
                    return sub;
                }
                match directory.subscription_attributes(&sub.arn).await {
                    Ok(attributes) => sub.with_attributes(attributes),
                    Err(error) => Subscription {
                        warning: Some(error.to_string()),
                        ..sub
                    },
                }
            }
        })
        .buffer_unordered(concurrency.max(1))
        .collect::<Vec<_>>()
        .await;
    let mut subscriptions = subscriptions;
    subscriptions.sort_by(|a, b| {
        (&a.topic_arn, &a.endpoint, &a.arn).cmp(&(&b.topic_arn, &b.endpoint, &b.arn))
    });
    Ok(subscriptions)
}

#[cfg(test)]
mod tests {
    use std::collections::BTreeMap;

    use async_trait::async_trait;

    use super::*;
    use crate::aws::Page;
    use crate::sim::SimFleet;

    /// The demo fleet's SNS, but attributes of `…:00000001-sim` cannot be read and the
    /// topic listing comes in pages of one.
    struct Denied(SimFleet);

    #[async_trait]
    impl TopicDirectory for Denied {
        async fn list_topics(&self, token: Option<String>) -> Result<Page<String>, ApiError> {
            let all = self.0.list_topics(None).await?.items;
            let index: usize = token.as_deref().map_or(0, |t| t.parse().unwrap_or(0));
            Ok(Page {
                items: all.get(index).cloned().into_iter().collect(),
                next_token: (index + 1 < all.len()).then(|| (index + 1).to_string()),
            })
        }

        async fn describe_topic(&self, arn: &str) -> Result<Topic, ApiError> {
            self.0.describe_topic(arn).await
        }

        async fn list_subscriptions(
            &self,
            token: Option<String>,
        ) -> Result<Page<Subscription>, ApiError> {
            self.0.list_subscriptions(token).await
        }

        async fn subscription_attributes(
            &self,
            arn: &str,
        ) -> Result<BTreeMap<String, String>, ApiError> {
            if arn.ends_with(":00000001-sim") {
                return Err(ApiError::access_denied("GetSubscriptionAttributes", ""));
            }
            self.0.subscription_attributes(arn).await
        }
    }

    #[tokio::test]
    async fn topics_walk_every_page() {
        let topics = load_topics(Arc::new(Denied(SimFleet::demo())), 2)
            .await
            .expect("topics");
        let names: Vec<&str> = topics.iter().map(|t| t.name.as_str()).collect();
        assert_eq!(
            names,
            [
                "inventory-updates",
                "order-events",
                "orders.fifo",
                "payment-complete",
                "payment-events.fifo",
                "shipping-events"
            ]
        );
        assert!(
            topics
                .iter()
                .find(|t| t.name == "payment-events.fifo")
                .is_some_and(|t| t.fifo)
        );
    }

    #[tokio::test]
    async fn unreadable_subscription_attributes_become_a_warning_on_that_row() {
        let subs = load_subscriptions(Arc::new(Denied(SimFleet::demo())), 4)
            .await
            .expect("subscriptions");
        assert_eq!(subs.len(), 18);
        let denied: Vec<&Subscription> = subs.iter().filter(|s| s.warning.is_some()).collect();
        assert_eq!(denied.len(), 1);
        assert!(
            denied[0]
                .warning
                .as_deref()
                .is_some_and(|w| w.contains("access denied"))
        );
        // The others were completed, and pending ones were never asked about.
        assert!(subs.iter().any(|s| s.raw_message_delivery));
        assert!(
            subs.iter()
                .any(|s| s.pending_confirmation && s.warning.is_none())
        );
    }
}
