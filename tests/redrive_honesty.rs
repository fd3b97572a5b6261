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
    let proxy = FaultProxy::start(
        ([127, 0, 0, 1], emulator.port()).into(),
        Faults {
            deny_actions: vec!["sqs:DeleteMessage".into()],
            ..Faults::default()
        },
    )
    .await;
    let data = tempfile::tempdir().expect("tempdir");
    let output = redrive(
        &proxy.endpoint(),
        data.path(),
        &fixture,
        &["--concurrency", "1"],
    )
    .await;
    let stats = proxy.shutdown().await;
    let (code, summary, stderr) = ended(&output);
    let said = format!("exit {code}: {summary}\n{stats:?}\nstderr:\n{stderr}");
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
