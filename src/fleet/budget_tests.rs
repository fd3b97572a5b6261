//! The shared budget: several contexts' calls together stay within it.

use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::Duration;

use async_trait::async_trait;

use super::Budget;
use crate::aws::{ApiError, Page, QueueDirectory};
use crate::domain::Queue;
use crate::sim::{self, SimFleet};

/// Counts the calls in flight across every context it serves, and the most at once.
#[derive(Default)]
struct InFlight {
    now: AtomicUsize,
    most: AtomicUsize,
}

struct SlowQueues(Arc<InFlight>);

#[async_trait]
impl QueueDirectory for SlowQueues {
    async fn list_queue_urls(
        &self,
        _prefix: Option<&str>,
        _next_token: Option<String>,
    ) -> Result<Page<String>, ApiError> {
        Ok(Page::default())
    }

    async fn paginates_queue_listing(&self) -> Result<bool, ApiError> {
        Ok(true)
    }

    async fn describe_queue(&self, url: &str) -> Result<Queue, ApiError> {
        let now = self.0.now.fetch_add(1, Ordering::SeqCst) + 1;
        self.0.most.fetch_max(now, Ordering::SeqCst);
        tokio::time::sleep(Duration::from_millis(5)).await;
        self.0.now.fetch_sub(1, Ordering::SeqCst);
        Err(ApiError::unavailable("GetQueueAttributes", url.to_string()))
    }

    async fn list_dead_letter_source_queues(
        &self,
        _dlq_url: &str,
        _next_token: Option<String>,
    ) -> Result<Page<String>, ApiError> {
        Ok(Page::default())
    }
}

async fn most_at_once(budget: Option<Budget>) -> usize {
    let counter = Arc::new(InFlight::default());
    let contexts: Vec<_> = (0..3)
        .map(|_| {
            let mut backend = sim::backend(SimFleet::demo().frozen());
            backend.queues = Arc::new(SlowQueues(counter.clone()));
            match &budget {
                Some(budget) => budget.apply(backend),
                None => backend,
            }
        })
        .collect();
    let calls = contexts.iter().flat_map(|backend| {
        (0..10).map(move |i| {
            let queues = backend.queues.clone();
            async move { queues.describe_queue(&format!("q{i}")).await }
        })
    });
    futures::future::join_all(calls).await;
    counter.most.load(Ordering::SeqCst)
}

#[tokio::test]
async fn three_contexts_together_stay_within_one_budget() {
    assert_eq!(most_at_once(None).await, 30, "unbudgeted, all 30 at once");
    let most = most_at_once(Some(Budget::new(4))).await;
    assert_eq!(most, 4, "the budget is shared, and used in full");
}

#[test]
fn a_budget_has_at_least_one_call() {
    assert_eq!(Budget::new(0).available(), 1);
    assert_eq!(Budget::new(16).available(), 16);
}
