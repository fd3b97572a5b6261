//! A run killed half-way, finished by the next: what it sent is deleted without a second
//! send, what it may have sent is sent again and counted, nothing is lost.

use super::*;
use crate::domain::md5::md5_hex;
use crate::redrive::journal::{Entry, Journal, new_journal_path};

/// What a killed run leaves behind: 10 messages received (held 120 s); 3 sent and their
/// sends answered; 2 sent without an answer (one of them really arrived); the journal
/// says so.
async fn killed_run(backend: &Backend, plan: &Plan, dir: &std::path::Path) -> PathBuf {
    let dlq_url = plan.dlq_url.clone();
    let source = &plan.destinations[0];
    let held = receive(backend, &dlq_url, 120).await;
    assert_eq!(held.len(), 10);
    let path = new_journal_path(dir, &plan.dlq, 1);
    let mut journal = Journal::append_to(&path).expect("journal");
    let mut lines = vec![Entry::Plan {
        dlq_url: dlq_url.clone(),
        dlq_arn: plan.dlq_arn.clone(),
        to_url: None,
        started_ms: 1,
        visibility_s: Some(120),
    }];
    for m in &held {
        lines.push(Entry::Received {
            dlq_id: m.message_id.clone(),
            body_md5: md5_hex(m.body.as_bytes()),
            receipt: m.receipt_handle.clone(),
            destination: source.url.clone(),
            attributes_md5: None,
        });
    }
    let writers = backend.writers("test").expect("writers");
    for (i, m) in held.iter().take(5).enumerate() {
        lines.push(Entry::Sending {
            dlq_id: m.message_id.clone(),
        });
        // Messages 0-2 were answered; 3 arrived but its answer was lost; 4 never arrived.
        if i < 4 {
            let out = crate::redrive::build::outgoing(m, "0", false);
            let outcome = writers
                .queues
                .send_messages(&source.url, &[out])
                .await
                .expect("send");
            if i < 3 {
                lines.push(Entry::Sent {
                    dlq_id: m.message_id.clone(),
                    destination_id: outcome.successful[0].message_id.clone().unwrap_or_default(),
                });
            }
        }
    }
    journal.record(&lines).expect("record");
    path
}

/// `n` messages (bodies `m0`, `m1`, …) dead-lettered from `orders` into `orders-dlq`, and a
/// manual run on them killed as [`killed_run`] leaves it: the world, the plan, the journal
/// directory (`journal_dir(dir_name)`) and the killed run's journal.
async fn killed_after_dead_lettering(
    n: usize,
    dir_name: &str,
) -> (Backend, Plan, PathBuf, PathBuf) {
    let backend = world(one_source("orders", "orders-dlq"));
    send(
        &backend,
        "orders",
        (0..n).map(|i| message(i, &format!("m{i}"))).collect(),
    )
    .await;
    dead_letter_all(&backend, "orders").await;
    let plan = plan_for(&backend, "orders-dlq", manual()).await;
    let dir = journal_dir(dir_name);
    let journal = killed_run(&backend, &plan, &dir).await;
    (backend, plan, dir, journal)
}

#[tokio::test(start_paused = true)]
async fn resume_deletes_what_was_sent_resends_the_rest_and_counts_possible_duplicates() {
    let (backend, plan, dir, path) = killed_after_dead_lettering(30, "resume").await;

    let summary = run(
        &backend,
        &plan,
        RunOptions {
            resume: Some(path.clone()),
            ..options(dir, moves())
        },
    )
    .await;
    assert_eq!(summary.end, "drained");
    assert_eq!(
        summary.finished_from_earlier, 3,
        "deleted with the journaled receipts"
    );
    assert_eq!(summary.moved, 30);
    // Two sends went out without an answer; only one of them had arrived, but squall
    // cannot tell which: both are counted as possible duplicates.
    assert_eq!(
        summary.duplicates_suspected, 2,
        "the sends without an answer"
    );
    assert_eq!(summary.left_in_dlq, Some(0));
    assert_eq!(summary.journal.as_deref(), Some(path.as_path()));

    let (copies, distinct) = copies_and_distinct(&backend, "orders").await;
    assert_eq!(distinct, 30, "every message is there: none lost");
    assert_eq!(copies, 31, "one real duplicate, within the two suspected");
}

#[tokio::test(start_paused = true)]
async fn a_plain_rerun_finds_the_unfinished_journal_of_the_same_dlq() {
    let (backend, plan, dir, earlier) = killed_after_dead_lettering(12, "rerun").await;

    let summary = run(&backend, &plan, options(dir, moves())).await;
    assert_ne!(
        summary.journal.as_deref(),
        Some(earlier.as_path()),
        "a new journal"
    );
    assert_eq!(summary.finished_from_earlier, 3);
    assert_eq!(summary.duplicates_suspected, 2);
    let bodies = take_all(&backend, "orders").await;
    assert_eq!(
        bodies.len(),
        13,
        "12 messages and one of the two suspected duplicates"
    );
}

#[tokio::test(start_paused = true)]
async fn a_journal_of_another_dlq_is_refused() {
    let backend = world(FleetSpec {
        queues: vec![
            QueueSpec::new("a").with_dlq("a-dlq", 1),
            QueueSpec::new("a-dlq"),
            QueueSpec::new("b").with_dlq("b-dlq", 1),
            QueueSpec::new("b-dlq"),
        ],
        ..FleetSpec::default()
    });
    send(&backend, "a", (0..10).map(|i| message(i, "x")).collect()).await;
    dead_letter_all(&backend, "a").await;
    let a_plan = plan_for(&backend, "a-dlq", manual()).await;
    let dir = journal_dir("other");
    let path = killed_run(&backend, &a_plan, &dir).await;
    let b_plan = plan_for(&backend, "b-dlq", manual()).await;
    let progress = RunProgress::default();
    let error = execute(
        &backend,
        &b_plan,
        &RunOptions {
            resume: Some(path),
            ..options(dir, moves())
        },
        &progress,
        &CancellationToken::new(),
    )
    .await
    .expect_err("other DLQ");
    assert!(error.to_string().contains("not of"), "{error}");
}

/// Someone peeked at the DLQ after the killed run (a receive hands out new receipt
/// handles): the journaled handles are stale, and SQS answers a delete with a stale handle
/// "successful" without deleting. The messages the killed run sent then come back; they
/// are recognised by id and body, deleted with their new handle, and not sent again.
#[tokio::test(start_paused = true)]
async fn a_delete_with_a_stale_receipt_is_caught_when_the_message_comes_back() {
    let (backend, plan, dir, path) = killed_after_dead_lettering(12, "stale").await;
    // The killed run's hold runs out; a peek receives everything (new handles) and lets go.
    tokio::time::sleep(Duration::from_secs(121)).await;
    let peeked = receive(&backend, &plan.dlq_url, 0).await;
    assert_eq!(peeked.len(), 10);
    let summary = run(
        &backend,
        &plan,
        RunOptions {
            resume: Some(path),
            ..options(dir, moves())
        },
    )
    .await;
    let (copies, distinct) = copies_and_distinct(&backend, "orders").await;
    assert_eq!(distinct, 12, "none lost: {summary:?}");
    // The three sent and answered are not sent again; of the two unanswered one arrived.
    assert_eq!(copies, 13, "{summary:?}");
    assert!(
        copies as u64 - 12 <= summary.duplicates_suspected,
        "{summary:?}"
    );
    assert_eq!(summary.left_in_dlq, Some(0), "{summary:?}");
    assert_eq!(
        summary.moved, 12,
        "each message counted moved once: {summary:?}"
    );
}
