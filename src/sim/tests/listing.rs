//! Listing and describing, as the inventory loads it: pagination, endpoints without
//! NextToken, and a fleet of 10,000 queues.

use std::sync::Arc;

use async_trait::async_trait;

use super::*;
use crate::aws::{ApiError, Page};
use crate::domain::Queue;
use crate::inventory::collect_queues;
use crate::sim::clock::{Clock, SystemClock};

#[tokio::test]
async fn demo_fleet_lists_queues_with_dlq_links() {
    let (queues, failures) = collect_queues(Arc::new(SimFleet::demo()), 4)
        .await
        .expect("load");
    assert!(failures.is_empty());
    // 31, and shipping-notifier's DLQ and on-failure destination.
    assert_eq!(queues.len(), 33);
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

#[tokio::test]
async fn ten_thousand_idle_queues_list_describe_and_cost_nothing_as_time_passes() {
    let clock = Arc::new(ManualClock::at_ms(SystemClock.now_ms()));
    let fleet = Arc::new(SimFleet::with_queue_count(10_000, 1000).on_clock(clock.clone()));
    let (queues, failures) = collect_queues(fleet.clone(), 8).await.expect("load");
    assert!(failures.is_empty());
    assert_eq!(queues.len(), 10_000);
    assert!(queues.iter().all(|q| q.counts == visible(0)));
    // A day passes: nothing to simulate, nothing recorded, memory unchanged.
    seconds(&clock, 24 * 3600);
    let described = fleet
        .describe_queue(&url("bulk-09999"))
        .await
        .expect("describe");
    assert_eq!(described.counts, visible(0));
    assert!(fleet.queue_metrics("bulk-00000").expect("queue").is_empty());
    assert!(fleet.queue_metrics("bulk-09999").expect("queue").is_empty());
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
