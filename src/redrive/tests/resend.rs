//! A message this run already sent comes back to the DLQ (its delete kept failing, so its
//! visibility ran out): it is deleted, never sent a second time. The simulated world's
//! writer is wrapped so that its first deletes fail the way a 5xx does.

use std::sync::Arc;
use std::sync::atomic::{AtomicU32, Ordering};

use async_trait::async_trait;

use super::*;
use crate::aws::{ApiError, QueueWriter, Writers};
use crate::domain::message::{BatchOutcome, HandleEntry};

/// The world's writer, whose first `failing` `DeleteMessageBatch` calls answer 500.
struct FailingDeletes {
    inner: Arc<dyn QueueWriter>,
    failing: AtomicU32,
}

#[async_trait]
impl QueueWriter for FailingDeletes {
    async fn send_messages(
        &self,
        queue_url: &str,
        entries: &[OutgoingMessage],
    ) -> Result<BatchOutcome, ApiError> {
        self.inner.send_messages(queue_url, entries).await
    }

    async fn delete_messages(
        &self,
        queue_url: &str,
        entries: &[HandleEntry],
    ) -> Result<BatchOutcome, ApiError> {
        let left = self.failing.load(Ordering::SeqCst);
        if left > 0 {
            self.failing.store(left - 1, Ordering::SeqCst);
            return Err(ApiError::server("DeleteMessageBatch", "we had a problem"));
        }
        self.inner.delete_messages(queue_url, entries).await
    }

    async fn purge_queue(&self, queue_url: &str) -> Result<(), ApiError> {
        self.inner.purge_queue(queue_url).await
    }
}

/// `backend` whose first `failing` deletes fail.
fn with_failing_deletes(backend: &Backend, failing: u32) -> Backend {
    let writers = backend.writers("test").expect("writers");
    Backend::new(
        backend.info.clone(),
        backend.queues.clone(),
        backend.topics.clone(),
        backend.lambdas.clone(),
        backend.messages.clone(),
        Writers {
            queues: Arc::new(FailingDeletes {
                inner: writers.queues.clone(),
                failing: AtomicU32::new(failing),
            }),
            topics: writers.topics.clone(),
            moves: writers.moves.clone(),
        },
    )
}

#[tokio::test(start_paused = true)]
async fn a_message_sent_whose_delete_kept_failing_comes_back_and_is_deleted_not_sent_again() {
    let sim = world(one_source("orders", "orders-dlq"));
    send(
        &sim,
        "orders",
        (0..10).map(|i| message(i, &format!("order-{i}"))).collect(),
    )
    .await;
    dead_letter_all(&sim, "orders").await;
    // Every attempt of the first delete fails; the batch's visibility (5 s) runs out while
    // the mover backs off, and the ten come back to the DLQ.
    let backend = with_failing_deletes(&sim, crate::redrive::batch::MAX_ATTEMPTS);
    let plan = plan_for(&backend, "orders-dlq", manual()).await;
    let summary = run(
        &backend,
        &plan,
        options(
            journal_dir("resend"),
            MoveOptions {
                visibility_s: 5,
                concurrency: 1,
                ..moves()
            },
        ),
    )
    .await;
    let (copies, distinct) = copies_and_distinct(&sim, "orders").await;
    assert_eq!(distinct, 10, "{summary:?}");
    assert_eq!(copies, 10, "one copy each: {summary:?}");
    assert_eq!(summary.moved, 10, "{summary:?}");
    assert_eq!(summary.duplicates_suspected, 0, "{summary:?}");
    assert_eq!(
        summary.sent_not_deleted, 0,
        "all deleted in the end: {summary:?}"
    );
    assert_eq!(summary.left_in_dlq, Some(0), "{summary:?}");
}
