//! Redrive that never reports what did not happen (issue 18), against LocalStack through the
//! loopback fault proxy (tests/support/fault_proxy.rs): a refused delete, answers lost after
//! the emulator acted. Each test reads the emulator directly afterwards and holds the run's
//! summary and exit code to what is really in the queues: every copy in the destination
//! counted in `duplicates_suspected`, every message still in the DLQ said.

mod redrive_harness;
mod support;

use redrive_harness::*;
use support::*;

/// A role that may send but not delete (a common IAM slip): the run stops at the first
/// refused delete, exit 1, names `sqs:DeleteMessage`, and says how many messages are now in
/// both queues; nothing is sent twice; the same redrive run again once deletes are allowed
/// deletes those without sending them again.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_refused_delete_stops_the_run_and_says_how_many_are_in_both_queues() {
    let emulator = localstack();
    let n = 60;
    let fixture = seed(emulator, "rh-deny", n).await;
    let data = tempfile::tempdir().expect("tempdir");
    let (code, summary, stats, said) =
        redrive_refusing(emulator, &fixture, data.path(), "sqs:DeleteMessage").await;
    assert_eq!(code, 1, "{said}");
    assert_eq!(summary["end"], "failed", "{said}");
    let error = summary["error"].as_str().unwrap_or_default();
    assert!(error.contains("sqs:DeleteMessage"), "{said}");
    // One worker: its first batch went out, its delete was refused, and nothing more was sent.
    assert_eq!(stats.denied.get("sqs:DeleteMessage"), Some(&1), "{said}");
    let in_both = count(&summary, "sent_not_deleted");
    assert_eq!(in_both, 10, "{said}");
    assert!(
        error.contains(&format!("{in_both} messages are now in both queues")),
        "{said}"
    );
    assert_eq!(count(&summary, "moved"), 0, "{said}");

    let sqs = emulator.sqs().await;
    let copied = bodies_left_in(&sqs, &fixture.source_url).await;
    assert_eq!(copied.len() as u64, in_both, "{copied:?} {said}");
    assert!(copied.values().all(|&c| c == 1), "{copied:?}");
    let (visible, hidden) = counts(&sqs, &fixture.dlq_url).await;
    assert_eq!(
        visible + hidden,
        n as u64,
        "every message still in the DLQ: {said}"
    );
    // What was received and not sent went back at once; only the sent batch is hidden.
    assert_eq!(visible, n as u64 - in_both, "{said}");

    // Allowed to delete now: the journal makes the re-run delete the ten without a second
    // send, and move the rest.
    let again = redrive(&emulator.endpoint(), data.path(), &fixture, &[]).await;
    let (code, summary, stderr) = ended(&again);
    assert_eq!(code, 0, "{summary}\n{stderr}");
    let outcome = outcome(emulator, &fixture, n).await;
    assert_eq!(outcome.distinct, n, "{summary}");
    assert_eq!(outcome.extra, 0, "nothing sent twice: {summary}");
    assert_eq!(outcome.dlq, (0, 0), "{summary}");
    assert_eq!(count(&summary, "moved"), n as u64, "{summary}");
}

/// A role that may delete but not send to the destination: the run stops at the first
/// refused send, exit 1, names `sqs:SendMessage`; what it held goes back to the DLQ at once;
/// nothing is lost and nothing is copied.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_refused_send_stops_the_run_and_loses_nothing() {
    let emulator = localstack();
    let n = 40;
    let fixture = seed(emulator, "rh-nosend", n).await;
    let data = tempfile::tempdir().expect("tempdir");
    let (code, summary, stats, said) =
        redrive_refusing(emulator, &fixture, data.path(), "sqs:SendMessage").await;
    assert_eq!(code, 1, "{said}");
    assert_eq!(summary["end"], "failed", "{said}");
    let error = summary["error"].as_str().unwrap_or_default();
    assert!(error.contains("sqs:SendMessage"), "{said}");
    assert!(error.contains(&fixture.source_name), "{said}");
    // One worker: its first batch was refused, and no other was tried.
    assert_eq!(stats.denied.get("sqs:SendMessage"), Some(&1), "{said}");
    assert_eq!(stats.operations.get("DeleteMessageBatch"), None, "{said}");
    assert_eq!(count(&summary, "moved"), 0, "{said}");
    assert_eq!(count(&summary, "duplicates_suspected"), 0, "{said}");

    let sqs = emulator.sqs().await;
    let copied = bodies_in(&sqs, &fixture.source_url).await;
    assert!(copied.is_empty(), "{copied:?} {said}");
    // The refused batch went back at once: every message visible in the DLQ.
    let (visible, hidden) = counts(&sqs, &fixture.dlq_url).await;
    assert_eq!((visible, hidden), (n as u64, 0), "{said}");
}

/// Most `SendMessageBatch` answers lost after the emulator acted: a batch may be delivered
/// several times before one answer arrives, or run out of attempts and come back to the DLQ
/// to be sent again, later in the run or by the next run of the same DLQ (which reads the
/// first one's journal). Every copy that reached the destination is counted in
/// `duplicates_suspected` of one of the runs, and nothing is lost.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn sends_whose_answers_keep_getting_lost_count_every_copy_they_made() {
    let emulator = localstack();
    let n = 100;
    let fixture = seed(emulator, "rh-lost", n).await;
    let proxy = FaultProxy::start(
        ([127, 0, 0, 1], emulator.port()).into(),
        Faults {
            seed: 18,
            drop_after_forward: 0.8,
            drop_operations: vec!["SendMessageBatch".into()],
            ..Faults::default()
        },
    )
    .await;
    let data = tempfile::tempdir().expect("tempdir");
    let first = redrive(&proxy.endpoint(), data.path(), &fixture, &[]).await;
    let stats = proxy.shutdown().await;
    let (code, first, stderr) = ended(&first);
    let said = format!("exit {code}: {first}\n{stats:?}\nstderr:\n{stderr}");
    // Whatever the first run left in the DLQ (hidden, its sends unanswered), a second run of
    // the same DLQ, without faults, moves.
    let second = redrive(&emulator.endpoint(), data.path(), &fixture, &[]).await;
    let (code, second, stderr) = ended(&second);
    let said = format!("{said}\nsecond run: exit {code}: {second}\nstderr:\n{stderr}");
    let outcome = outcome(emulator, &fixture, n).await;
    assert_eq!(outcome.distinct, n, "messages lost: {said}");
    assert_eq!(outcome.dlq, (0, 0), "{said}");
    assert_eq!(code, 0, "{said}");
    let both = |field: &str| count(&first, field) + count(&second, field);
    assert_eq!(both("moved"), n as u64, "{said}");
    assert!(outcome.extra > 0, "the faults made copies: {said}");
    assert!(
        outcome.extra <= both("duplicates_suspected"),
        "{} extra copies, fewer suspected: {said}",
        outcome.extra
    );
}

/// `ReceiveMessage` answers lost after the emulator handed the messages out: those messages
/// sit hidden in the DLQ for the run's visibility timeout. The run never calls the DLQ
/// drained while they are hidden: it waits for them to come back and moves them, or, when
/// lost receives keep hiding them past the wait, ends `hidden`, exit 4, saying how many.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn messages_hidden_by_a_lost_receive_are_waited_for_not_called_drained() {
    let emulator = localstack();
    let n = 50;
    let fixture = seed(emulator, "rh-recv", n).await;
    let proxy = FaultProxy::start(
        ([127, 0, 0, 1], emulator.port()).into(),
        Faults {
            seed: 7,
            drop_after_forward: 0.3,
            drop_operations: vec!["ReceiveMessage".into()],
            ..Faults::default()
        },
    )
    .await;
    let data = tempfile::tempdir().expect("tempdir");
    let output = redrive(&proxy.endpoint(), data.path(), &fixture, &[]).await;
    let stats = proxy.shutdown().await;
    let (code, summary, stderr) = ended(&output);
    let said = format!("exit {code}: {summary}\n{stats:?}\nstderr:\n{stderr}");
    assert!(
        stats.dropped.get("ReceiveMessage").copied().unwrap_or(0) > 0,
        "{said}"
    );
    let sqs = emulator.sqs().await;
    let (visible, hidden) = counts(&sqs, &fixture.dlq_url).await;
    let moved = count(&summary, "moved");
    if summary["end"] == "drained" {
        // The run waited for what it had hidden, and moved it.
        assert_eq!((visible, hidden), (0, 0), "drained, yet hidden: {said}");
        assert_eq!((code, moved), (0, n as u64), "{said}");
    } else {
        // Lost receives kept hiding them again (16 pollers, 30% of the answers lost) and
        // the wait ran out: the run says so, exit 4, never "drained".
        assert_eq!(summary["end"], "hidden", "{said}");
        assert_eq!(code, 4, "{said}");
        assert!(hidden > 0, "{said}");
        assert_eq!(count(&summary, "hidden_in_dlq"), hidden, "{said}");
        assert_eq!(moved + hidden + visible, n as u64, "{said}");
    }
    let copied = bodies_in(&sqs, &fixture.source_url).await;
    assert_eq!(copied.len() as u64, moved, "{said}");
    assert!(copied.values().all(|&c| c == 1), "{said}");
}

/// One worker redriving `fixture` through a proxy that refuses `action` with AccessDenied:
/// the exit code, the summary, what the proxy saw, and all of it as one text for assertions.
async fn redrive_refusing<S>(
    emulator: &support::emulator::Emulator<S>,
    fixture: &Fixture,
    data_dir: &std::path::Path,
    action: &str,
) -> (i32, serde_json::Value, FaultStats, String) {
    let proxy = FaultProxy::start(
        ([127, 0, 0, 1], emulator.port()).into(),
        Faults {
            deny_actions: vec![action.into()],
            ..Faults::default()
        },
    )
    .await;
    let output = redrive(
        &proxy.endpoint(),
        data_dir,
        fixture,
        &["--concurrency", "1"],
    )
    .await;
    let stats = proxy.shutdown().await;
    let (code, summary, stderr) = ended(&output);
    let said = format!("exit {code}: {summary}\n{stats:?}\nstderr:\n{stderr}");
    (code, summary, stats, said)
}
