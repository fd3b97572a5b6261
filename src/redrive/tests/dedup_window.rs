//! A FIFO destination drops a resend within five minutes of the copy it accepted (the
//! deduplication id is the DLQ message's own), not later. A send whose answer was lost and
//! that is sent again after the window, later in the run or by a resumed run, may have made
//! a second copy: it is counted in `duplicates_suspected`; inside the window it is not. The
//! simulated world keeps the window on its own clock, which follows tokio's paused one.

use super::*;
use crate::aws::ApiError;
use crate::aws::fake::{Answer, Call, FakeBackend};
use crate::domain::md5::md5_hex;
use crate::redrive::journal::{Entry, Journal, new_journal_path};

/// `backend` whose first `losing` `SendMessageBatch` answers are lost after the world
/// acted (a dropped connection).
fn with_lost_send_answers(backend: &Backend, losing: u32) -> Backend {
    FakeBackend::over(backend)
        .on(Call::SendMessageBatch, move |n| {
            if n < losing as usize {
                Answer::ActThenFail(ApiError::connection(
                    "SendMessageBatch",
                    "connection closed before the answer",
                ))
            } else {
                Answer::Forward
            }
        })
        .build()
}

/// Three messages, one per group, dead-lettered from `orders.fifo` to `orders-dlq.fifo`.
async fn fifo_dlq() -> Backend {
    let backend = world(one_source("orders.fifo", "orders-dlq.fifo"));
    let entries = (0..3)
        .map(|i| OutgoingMessage {
            group_id: Some(format!("g{i}")),
            deduplication_id: Some(format!("d{i}")),
            ..message(i, &format!("order-{i}"))
        })
        .collect();
    send(&backend, "orders.fifo", entries).await;
    dead_letter_all(&backend, "orders.fifo").await;
    backend
}

/// Every attempt of the first batch loses its answer (the world kept the first copy and
/// dropped the retries); the batch comes back after `visibility_s` and is sent again.
async fn resent_after(visibility_s: u32) -> (Summary, usize, usize) {
    let sim = fifo_dlq().await;
    let backend = with_lost_send_answers(&sim, crate::redrive::batch::MAX_ATTEMPTS);
    let plan = plan_for(&backend, "orders-dlq.fifo", manual()).await;
    let summary = run(
        &backend,
        &plan,
        options(
            journal_dir("dedup-window"),
            MoveOptions {
                visibility_s,
                concurrency: 1,
                ..moves()
            },
        ),
    )
    .await;
    let (copies, distinct) = copies_and_distinct(&sim, "orders.fifo").await;
    (summary, copies, distinct)
}

#[tokio::test(start_paused = true)]
async fn a_fifo_resend_after_the_deduplication_window_is_counted() {
    let (summary, copies, distinct) = resent_after(400).await;
    assert_eq!(summary.end, "drained", "{summary:?}");
    assert_eq!(summary.moved, 3, "{summary:?}");
    assert_eq!(distinct, 3, "{summary:?}");
    assert_eq!(copies, 6, "the window had closed: {summary:?}");
    assert_eq!(
        summary.duplicates_suspected,
        (copies - distinct) as u64,
        "{summary:?}"
    );
}

#[tokio::test(start_paused = true)]
async fn a_fifo_resend_inside_the_deduplication_window_is_not_counted() {
    let (summary, copies, distinct) = resent_after(60).await;
    assert_eq!(summary.end, "drained", "{summary:?}");
    assert_eq!(summary.moved, 3, "{summary:?}");
    assert_eq!(
        (copies, distinct),
        (3, 3),
        "SQS dropped the resends: {summary:?}"
    );
    assert_eq!(summary.duplicates_suspected, 0, "{summary:?}");
}

/// A run killed while its sends were out (each arrived, no answer was journaled), `ago`
/// before the journal's time; the world's clock is then moved on by `ago`.
async fn killed_run(
    backend: &Backend,
    plan: &Plan,
    dir: &std::path::Path,
    ago: Duration,
) -> PathBuf {
    let held = receive(backend, &plan.dlq_url, 120).await;
    assert_eq!(held.len(), 3);
    let destination = &plan.destinations[0];
    let path = new_journal_path(dir, &plan.dlq, 1);
    let mut journal = Journal::append_to(&path).expect("journal");
    let at = journal.now_ms() - u64::try_from(ago.as_millis()).expect("ms");
    let mut lines = vec![Entry::Plan {
        dlq_url: plan.dlq_url.clone(),
        dlq_arn: plan.dlq_arn.clone(),
        to_url: None,
        started_ms: at,
        visibility_s: Some(120),
    }];
    let writers = backend.writers("test").expect("writers");
    for m in &held {
        lines.push(Entry::Received {
            dlq_id: m.message_id.clone(),
            body_md5: md5_hex(m.body.as_bytes()),
            receipt: m.receipt_handle.clone(),
            destination: destination.url.clone(),
            attributes_md5: None,
        });
        lines.push(Entry::Sending {
            dlq_id: m.message_id.clone(),
        });
        let out = crate::redrive::build::outgoing(m, "0", true);
        writers
            .queues
            .send_messages(&destination.url, &[out])
            .await
            .expect("send");
    }
    journal.record_at(&lines, at).expect("record");
    tokio::time::sleep(ago).await;
    path
}

async fn resumed_after(ago: Duration) -> (Summary, usize, usize) {
    let backend = fifo_dlq().await;
    let plan = plan_for(&backend, "orders-dlq.fifo", manual()).await;
    let dir = journal_dir("dedup-resume");
    let path = killed_run(&backend, &plan, &dir, ago).await;
    let summary = run(
        &backend,
        &plan,
        RunOptions {
            resume: Some(path),
            ..options(dir, moves())
        },
    )
    .await;
    let (copies, distinct) = copies_and_distinct(&backend, "orders.fifo").await;
    (summary, copies, distinct)
}

#[tokio::test(start_paused = true)]
async fn a_resume_later_than_the_deduplication_window_counts_what_the_killed_run_sent() {
    let (summary, copies, distinct) = resumed_after(Duration::from_secs(6 * 60)).await;
    assert_eq!(summary.moved, 3, "{summary:?}");
    assert_eq!((copies, distinct), (6, 3), "{summary:?}");
    assert_eq!(summary.duplicates_suspected, 3, "{summary:?}");
}

#[tokio::test(start_paused = true)]
async fn a_resume_inside_the_deduplication_window_counts_nothing() {
    let (summary, copies, distinct) = resumed_after(Duration::from_secs(2 * 60)).await;
    assert_eq!(summary.moved, 3, "{summary:?}");
    assert_eq!((copies, distinct), (3, 3), "{summary:?}");
    assert_eq!(summary.duplicates_suspected, 0, "{summary:?}");
}
