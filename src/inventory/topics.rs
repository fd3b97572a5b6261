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
