//! QUEUE and TOPIC arguments: a name, a URL or an ARN, resolved to the resource the engines
//! need (its URL and attributes) with the read calls every backend has. It lives here, below
//! the engines, so that the redrive engine and the CLI verbs share one resolution.

use crate::aws::{ApiError, Backend, ErrorKind};
use crate::domain::arn;
use crate::domain::{Queue, Topic};

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ResolveError {
    #[error("no queue named {name} in {region}")]
    NoQueue { name: String, region: String },
    #[error("no topic named {name} in {region}")]
    NoTopic { name: String, region: String },
    #[error("{given} is not an {service} ARN")]
    NotAnArn {
        given: String,
        service: &'static str,
    },
    #[error(
        "{given} is in region {arn_region}, squall is connected to {region} (--region {arn_region})"
    )]
    OtherRegion {
        given: String,
        arn_region: String,
        region: String,
    },
    #[error("{0}")]
    Api(ApiError),
}

impl From<ApiError> for ResolveError {
    fn from(error: ApiError) -> ResolveError {
        ResolveError::Api(error)
    }
}

/// The account and name of `arn:PARTITION:SERVICE:REGION:ACCOUNT:NAME`, checked to be of
/// `service` and in `region`.
struct ArnParts<'a> {
    account: &'a str,
    name: &'a str,
}

fn split_arn<'a>(
    given: &'a str,
    service: &'static str,
    region: &str,
) -> Result<ArnParts<'a>, ResolveError> {
    let parts: Vec<&str> = given.splitn(6, ':').collect();
    if parts.len() != 6 || parts[2] != service || parts[5].is_empty() {
        return Err(ResolveError::NotAnArn {
            given: given.to_string(),
            service,
        });
    }
    if !parts[3].is_empty() && parts[3] != region {
        return Err(ResolveError::OtherRegion {
            given: given.to_string(),
            arn_region: parts[3].to_string(),
            region: region.to_string(),
        });
    }
    Ok(ArnParts {
        account: parts[4],
        name: parts[5],
    })
}

/// A queue by URL, ARN or name, with every attribute.
pub async fn queue(backend: &Backend, given: &str) -> Result<Queue, ResolveError> {
    let region = backend.info.region.as_str();
    let not_found = || ResolveError::NoQueue {
        name: given.to_string(),
        region: region.to_string(),
    };
    let url = if given.starts_with("https://") || given.starts_with("http://") {
        given.to_string()
    } else {
        let (name, account) = if given.starts_with("arn:") {
            let parts = split_arn(given, "sqs", region)?;
            (parts.name, Some(parts.account).filter(|a| !a.is_empty()))
        } else {
            (given, None)
        };
        find_queue_url(backend, name, account)
            .await?
            .ok_or_else(not_found)?
    };
    backend.queues.describe_queue(&url).await.map_err(|e| {
        if e.kind == ErrorKind::NotFound {
            not_found()
        } else {
            ResolveError::Api(e)
        }
    })
}

/// The URL of the queue called exactly `name` (ListQueues by prefix, every page), in
/// `account` when given.
async fn find_queue_url(
    backend: &Backend,
    name: &str,
    account: Option<&str>,
) -> Result<Option<String>, ApiError> {
    let mut token = None;
    loop {
        let page = backend.queues.list_queue_urls(Some(name), token).await?;
        let found = page.items.into_iter().find(|url| {
            arn::queue_name_from_url(url) == name
                && account.is_none_or(|a| url.trim_end_matches('/').split('/').any(|s| s == a))
        });
        if found.is_some() {
            return Ok(found);
        }
        match page.next_token {
            Some(next) => token = Some(next),
            None => return Ok(None),
        }
    }
}

/// A topic by ARN or name, with every attribute.
pub async fn topic(backend: &Backend, given: &str) -> Result<Topic, ResolveError> {
    let region = backend.info.region.as_str();
    let not_found = || ResolveError::NoTopic {
        name: given.to_string(),
        region: region.to_string(),
    };
    let topic_arn = if given.starts_with("arn:") {
        split_arn(given, "sns", region)?;
        given.to_string()
    } else {
        find_topic_arn(backend, given)
            .await?
            .ok_or_else(not_found)?
    };
    backend
        .topics
        .describe_topic(&topic_arn)
        .await
        .map_err(|e| {
            if e.kind == ErrorKind::NotFound {
                not_found()
            } else {
                ResolveError::Api(e)
            }
        })
}

async fn find_topic_arn(backend: &Backend, name: &str) -> Result<Option<String>, ApiError> {
    let mut token = None;
    loop {
        let page = backend.topics.list_topics(token).await?;
        if let Some(found) = page
            .items
            .into_iter()
            .find(|topic_arn| arn::resource_name(topic_arn) == name)
        {
            return Ok(Some(found));
        }
        match page.next_token {
            Some(next) => token = Some(next),
            None => return Ok(None),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    async fn demo() -> Backend {
        crate::sim::backend(crate::sim::SimFleet::demo().frozen())
    }

    #[tokio::test]
    async fn a_queue_is_found_by_name_url_or_arn() {
        let backend = demo().await;
        let by_name = queue(&backend, "orders").await.expect("by name");
        assert_eq!(by_name.name, "orders");
        let by_url = queue(&backend, &by_name.url).await.expect("by url");
        assert_eq!(by_url.arn, by_name.arn);
        let by_arn = queue(&backend, &by_name.arn).await.expect("by arn");
        assert_eq!(by_arn.url, by_name.url);
        // A prefix of other names is not a match.
        let dlq = queue(&backend, "orders-dlq").await.expect("dlq");
        assert_eq!(dlq.name, "orders-dlq");
    }

    #[tokio::test]
    async fn unknown_queues_and_foreign_arns_are_clear_errors() {
        let backend = demo().await;
        assert_eq!(
            queue(&backend, "ord").await,
            Err(ResolveError::NoQueue {
                name: "ord".to_string(),
                region: "us-east-1".to_string()
            })
        );
        let other = queue(&backend, "arn:aws:sqs:eu-west-1:123456789012:orders")
            .await
            .expect_err("other region");
        assert!(other.to_string().contains("--region eu-west-1"), "{other}");
        let wrong = queue(&backend, "arn:aws:sns:us-east-1:123456789012:orders")
            .await
            .expect_err("a topic ARN");
        assert!(matches!(wrong, ResolveError::NotAnArn { .. }), "{wrong}");
        let account = queue(&backend, "arn:aws:sqs:us-east-1:999999999999:orders")
            .await
            .expect_err("another account");
        assert!(matches!(account, ResolveError::NoQueue { .. }), "{account}");
    }

    #[tokio::test]
    async fn a_topic_is_found_by_name_or_arn() {
        let backend = demo().await;
        let arns = backend
            .topics
            .list_topics(None)
            .await
            .expect("topics")
            .items;
        let first = arns.first().expect("the demo has topics");
        let name = arn::resource_name(first);
        assert_eq!(topic(&backend, name).await.expect("by name").arn, *first);
        assert_eq!(topic(&backend, first).await.expect("by arn").name, name);
        assert!(matches!(
            topic(&backend, "no-such-topic").await,
            Err(ResolveError::NoTopic { .. })
        ));
    }
}
