//! A message this run already sent comes back to the DLQ (its delete kept failing, so its
//! visibility ran out): it is deleted, never sent a second time. The simulated world's
//! first deletes fail the way a 5xx does.

use super::*;
use crate::aws::ApiError;
use crate::aws::fake::{Answer, Call, FakeBackend};

/// `backend` whose first `failing` deletes answer 500.
fn with_failing_deletes(backend: &Backend, failing: u32) -> Backend {
    FakeBackend::over(backend)
        .on(Call::DeleteMessageBatch, move |n| {
            if n < failing as usize {
                Answer::Fail(ApiError::server("DeleteMessageBatch", "we had a problem"))
            } else {
                Answer::Forward
            }
        })
        .build()
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
