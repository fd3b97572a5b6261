//! The simulated fleet: queues, topics, subscriptions and Lambda consumers held in memory,
//! with queue counts that drift over time so that refreshes visibly change something.

use std::collections::BTreeMap;
use std::time::Instant;

use async_trait::async_trait;

use crate::aws::{ApiError, Page, QueueDirectory};
use crate::domain::Queue;

const ACCOUNT: &str = "123456789012";
const REGION: &str = "us-east-1";

/// One simulated queue: fixed identity, counts derived from elapsed time.
#[derive(Debug, Clone, Default)]
pub(super) struct SimQueue {
    pub name: String,
    pub fifo: bool,
    /// The DLQ's queue name (it may not exist) and maxReceiveCount.
    pub dlq: Option<(String, u32)>,
    pub base_visible: u64,
    /// Messages added or drained per minute; the sign says which.
    pub drift_per_minute: i64,
    pub in_flight: u64,
    pub delayed: u64,
}

#[derive(Debug, Clone, Default)]
pub(super) struct SimTopic {
    pub name: String,
}

#[derive(Debug, Clone, Default)]
pub(super) struct SimSubscription {
    pub topic: String,
    pub protocol: String,
    /// A queue or function name for sqs/lambda, otherwise the endpoint itself.
    pub endpoint: String,
    pub filter_policy: Option<String>,
    pub raw: bool,
    /// The subscription's own DLQ (a queue name).
    pub dlq: Option<String>,
    pub pending: bool,
}

#[derive(Debug, Clone, Default)]
pub(super) struct SimFunction {
    pub name: String,
    pub runtime: String,
    /// (queue name, state, batch size) for each event source mapping.
    pub consumes: Vec<(String, String, i32)>,
}

pub struct SimFleet {
    pub(super) queues: Vec<SimQueue>,
    pub(super) topics: Vec<SimTopic>,
    pub(super) subscriptions: Vec<SimSubscription>,
    pub(super) functions: Vec<SimFunction>,
    pub(super) started: Instant,
    pub(super) page_size: usize,
    /// False imitates an endpoint that ignores MaxResults (older moto): it returns one page of 1,000 and no NextToken.
    pub(super) gives_next_token: bool,
    /// Counts stay at their base values (for tests and snapshots).
    pub(super) frozen: bool,
}

impl SimFleet {
    /// A fleet of `count` plain queues, for tests and benchmarks of large listings.
    pub fn with_queue_count(count: usize, page_size: usize) -> SimFleet {
        let queues = (0..count)
            .map(|i| SimQueue {
                name: format!("bulk-{i:05}"),
                fifo: false,
                dlq: None,
                base_visible: (i % 97) as u64,
                drift_per_minute: 0,
                in_flight: 0,
                delayed: 0,
            })
            .collect();
        SimFleet {
            queues,
            topics: Vec::new(),
            subscriptions: Vec::new(),
            functions: Vec::new(),
            started: Instant::now(),
            page_size: page_size.max(1),
            gives_next_token: true,
            frozen: false,
        }
    }

    /// The same fleet with counts that never drift, so every read returns the same.
    pub fn frozen(mut self) -> SimFleet {
        self.frozen = true;
        self
    }

    /// The same fleet behind an endpoint that never returns a NextToken (older moto).
    pub fn without_next_token(mut self) -> SimFleet {
        self.gives_next_token = false;
        self
    }

    pub fn region(&self) -> &str {
        REGION
    }

    pub(super) fn url(name: &str) -> String {
        format!("https://sqs.{REGION}.amazonaws.com/{ACCOUNT}/{name}")
    }

    pub(super) fn arn(name: &str) -> String {
        format!("arn:aws:sqs:{REGION}:{ACCOUNT}:{name}")
    }

    pub(super) fn topic_arn(name: &str) -> String {
        format!("arn:aws:sns:{REGION}:{ACCOUNT}:{name}")
    }

    pub(super) fn function_arn(name: &str) -> String {
        format!("arn:aws:lambda:{REGION}:{ACCOUNT}:function:{name}")
    }

    fn to_queue(&self, sim: &SimQueue) -> Queue {
        let minutes = if self.frozen {
            0.0
        } else {
            self.started.elapsed().as_secs_f64() / 60.0
        };
        let drifted = sim.base_visible as f64 + sim.drift_per_minute as f64 * minutes;
        let visible = drifted.max(0.0).round() as u64;
        let mut attributes = BTreeMap::new();
        let mut put = |k: &str, v: String| {
            attributes.insert(k.to_string(), v);
        };
        put("QueueArn", Self::arn(&sim.name));
        put("ApproximateNumberOfMessages", visible.to_string());
        put(
            "ApproximateNumberOfMessagesNotVisible",
            sim.in_flight.to_string(),
        );
        put(
            "ApproximateNumberOfMessagesDelayed",
            sim.delayed.to_string(),
        );
        put("VisibilityTimeout", "30".to_string());
        put("MessageRetentionPeriod", "1209600".to_string());
        put("MaximumMessageSize", "1048576".to_string());
        put("ReceiveMessageWaitTimeSeconds", "20".to_string());
        put("DelaySeconds", "0".to_string());
        put("CreatedTimestamp", "1767225600".to_string());
        put("LastModifiedTimestamp", "1767225600".to_string());
        put("SqsManagedSseEnabled", "true".to_string());
        if sim.fifo {
            put("FifoQueue", "true".to_string());
            put("ContentBasedDeduplication", "false".to_string());
        }
        if let Some((dlq, max_receive)) = &sim.dlq {
            put(
                "RedrivePolicy",
                format!(
                    r#"{{"deadLetterTargetArn":"{}","maxReceiveCount":{max_receive}}}"#,
                    Self::arn(dlq)
                ),
            );
        }
        Queue::from_attributes(&Self::url(&sim.name), attributes, REGION)
    }
}

#[async_trait]
impl QueueDirectory for SimFleet {
    async fn list_queue_urls(
        &self,
        prefix: Option<&str>,
        next_token: Option<String>,
    ) -> Result<Page<String>, ApiError> {
        let start = match next_token {
            None => 0,
            Some(token) => token.parse::<usize>().map_err(|_| {
                ApiError::client("ListQueues", format!("invalid NextToken {token:?}"))
            })?,
        };
        let matching: Vec<&SimQueue> = self
            .queues
            .iter()
            .filter(|q| prefix.is_none_or(|p| q.name.starts_with(p)))
            .collect();
        let end = (start + self.page_size).min(matching.len());
        let items = matching[start.min(end)..end]
            .iter()
            .map(|q| Self::url(&q.name))
            .collect();
        let more = end < matching.len();
        let next_token = (more && self.gives_next_token).then(|| end.to_string());
        Ok(Page { items, next_token })
    }

    async fn list_dead_letter_source_queues(
        &self,
        dlq_url: &str,
        _next_token: Option<String>,
    ) -> Result<Page<String>, ApiError> {
        let name = crate::domain::arn::queue_name_from_url(dlq_url);
        if !self.queues.iter().any(|q| q.name == name) {
            return Err(ApiError::not_found(
                "ListDeadLetterSourceQueues",
                format!("no queue {name}"),
            ));
        }
        let items = self
            .queues
            .iter()
            .filter(|q| q.dlq.as_ref().is_some_and(|(dlq, _)| dlq == name))
            .map(|q| Self::url(&q.name))
            .collect();
        Ok(Page {
            items,
            next_token: None,
        })
    }

    async fn paginates_queue_listing(&self) -> Result<bool, ApiError> {
        Ok(self.gives_next_token)
    }

    async fn describe_queue(&self, url: &str) -> Result<Queue, ApiError> {
        let name = crate::domain::arn::queue_name_from_url(url);
        self.queues
            .iter()
            .find(|q| q.name == name)
            .map(|q| self.to_queue(q))
            .ok_or_else(|| ApiError::not_found("GetQueueAttributes", format!("no queue {name}")))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::inventory::collect_queues;
    use std::sync::Arc;

    #[tokio::test]
    async fn demo_fleet_lists_queues_with_dlq_links() {
        let (queues, failures) = collect_queues(Arc::new(SimFleet::demo()), 4)
            .await
            .expect("load");
        assert!(failures.is_empty());
        assert_eq!(queues.len(), 22);
        let payments = queues
            .iter()
            .find(|q| q.name == "payments.fifo")
            .expect("payments");
        assert!(payments.fifo);
        assert_eq!(
            payments.dlq_arn(),
            Some("arn:aws:sqs:us-east-1:123456789012:payments-dlq.fifo")
        );
        assert!(queues.iter().any(|q| q.name == "payments-dlq.fifo"));
    }

    #[tokio::test]
    async fn paginates_across_pages() {
        let (queues, _) = collect_queues(Arc::new(SimFleet::with_queue_count(2_345, 1000)), 8)
            .await
            .expect("load");
        assert_eq!(queues.len(), 2_345);
        assert_eq!(queues[0].name, "bulk-00000");
        assert_eq!(queues[2_344].name, "bulk-02344");
    }

    #[tokio::test]
    async fn exactly_a_thousand_queues_need_no_prefix_fallback() {
        let fleet = Arc::new(CountingFleet::new(SimFleet::with_queue_count(2_000, 1000)));
        let (queues, _) = collect_queues(fleet.clone(), 8).await.expect("load");
        assert_eq!(queues.len(), 2_000);
        // Two pages, then one probe that shows the endpoint paginates: no prefix listing.
        assert_eq!(fleet.list_calls(), 2);
    }

    #[tokio::test]
    async fn lists_everything_from_an_endpoint_without_next_token() {
        let fleet = SimFleet::with_queue_count(2_345, 1000).without_next_token();
        let first = fleet.list_queue_urls(None, None).await.expect("page");
        assert_eq!((first.items.len(), first.next_token), (1000, None));
        let (queues, _) = collect_queues(Arc::new(fleet), 8).await.expect("load");
        assert_eq!(
            queues.len(),
            2_345,
            "the prefix fallback finds every queue once"
        );
    }

    /// Counts ListQueues calls made through it.
    struct CountingFleet {
        fleet: SimFleet,
        lists: std::sync::atomic::AtomicUsize,
    }

    impl CountingFleet {
        fn new(fleet: SimFleet) -> CountingFleet {
            CountingFleet {
                fleet,
                lists: Default::default(),
            }
        }

        fn list_calls(&self) -> usize {
            self.lists.load(std::sync::atomic::Ordering::SeqCst)
        }
    }

    #[async_trait]
    impl QueueDirectory for CountingFleet {
        async fn list_queue_urls(
            &self,
            prefix: Option<&str>,
            token: Option<String>,
        ) -> Result<Page<String>, ApiError> {
            self.lists.fetch_add(1, std::sync::atomic::Ordering::SeqCst);
            self.fleet.list_queue_urls(prefix, token).await
        }

        async fn paginates_queue_listing(&self) -> Result<bool, ApiError> {
            self.fleet.paginates_queue_listing().await
        }

        async fn describe_queue(&self, url: &str) -> Result<Queue, ApiError> {
            self.fleet.describe_queue(url).await
        }

        async fn list_dead_letter_source_queues(
            &self,
            url: &str,
            token: Option<String>,
        ) -> Result<Page<String>, ApiError> {
            self.fleet.list_dead_letter_source_queues(url, token).await
        }
    }
}
