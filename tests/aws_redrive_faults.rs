//! The manual mover under faults, kills and resumes, against LocalStack and moto: squall
//! redrives a DLQ of N distinct messages through the loopback fault proxy
//! (tests/support/fault_proxy.rs) — 500/503s, throttling, `SendMessageBatch` answers with
//! entries `Failed`, connections dropped after the emulator acted — or is SIGKILLed half way
//! and then resumed or run again. Afterwards, reading the emulator directly: every one of the
//! N bodies is in the destination (0 lost), the DLQ is empty, and the extra copies in the
//! destination are at most the run's `duplicates_suspected` (counted, never hidden).

mod redrive_harness;
mod support;

use std::path::Path;
use std::process::Output;
use std::time::Duration;

use redrive_harness::*;
use support::emulator::Emulator;
use support::*;

/// Messages per DLQ.
const N: usize = 200;

/// One run through a proxy with `faults`: 0 lost, the DLQ empty, every message moved, no
/// more copies than suspected. Returns the summary and what the proxy did.
async fn redrive_through<S>(
    emulator: &'static Emulator<S>,
    prefix: &str,
    faults: Faults,
) -> (serde_json::Value, FaultStats, Outcome) {
    let fixture = seed(emulator, prefix, N).await;
    let proxy = FaultProxy::start(([127, 0, 0, 1], emulator.port()).into(), faults).await;
    let data = tempfile::tempdir().expect("tempdir");
    let output = redrive(&proxy.endpoint(), data.path(), &fixture, &[]).await;
    let stats = proxy.shutdown().await;
    let summary = summary(&output);
    let outcome = outcome(emulator, &fixture, N).await;
    let said = format!(
        "{summary}\n{stats:?}\nstderr:\n{}",
        String::from_utf8_lossy(&output.stderr)
    );
    assert_eq!(summary["mode"], "manual", "{said}");
    assert_eq!(summary["end"], "drained", "{said}");
    assert_eq!(outcome.distinct, N, "messages lost: {said}");
    assert_eq!(outcome.strangers, Vec::<String>::new(), "{said}");
    assert_eq!(outcome.dlq, (0, 0), "the DLQ is empty: {said}");
    assert_eq!(count(&summary, "moved"), N as u64, "{said}");
    assert_eq!(count(&summary, "failed"), 0, "{said}");
    assert_eq!(count(&summary, "sent_not_deleted"), 0, "{said}");
    assert_eq!(count(&summary, "left_in_dlq"), 0, "{said}");
    assert!(
        outcome.extra <= count(&summary, "duplicates_suspected"),
        "{} extra copies, fewer suspected: {said}",
        outcome.extra
    );
    (summary, stats, outcome)
}

fn server_errors() -> Faults {
    Faults {
        seed: 11,
        server_error: 0.1,
        unavailable: 0.1,
        ..Faults::default()
    }
}

fn throttling() -> Faults {
    Faults {
        seed: 12,
        throttle: 0.1,
        ..Faults::default()
    }
}

fn partial_failures() -> Faults {
    Faults {
        seed: 13,
        partial_failure: 0.2,
        ..Faults::default()
    }
}

fn dropped_connections() -> Faults {
    Faults {
        seed: 15,
        drop_after_forward: 0.05,
        drop_operations: vec!["SendMessageBatch".into(), "DeleteMessageBatch".into()],
        ..Faults::default()
    }
}

/// Checks that the faults did happen.
fn dropped(stats: &FaultStats, operation: &str) -> u64 {
    stats.dropped.get(operation).copied().unwrap_or(0)
}

mod localstack_faults {
    use super::*;

    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn every_message_moves_through_500s_and_503s() {
        let (summary, stats, outcome) =
            redrive_through(localstack(), "rf-5xx", server_errors()).await;
        assert!(
            stats.server_errors > 0 && stats.unavailable > 0,
            "{stats:?}"
        );
        // The proxy answered those itself: nothing was sent twice (a 5xx to a send is
        // suspected, as SQS may have acted on it).
        assert_eq!(outcome.extra, 0, "{summary}");
    }

    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn every_message_moves_through_throttling() {
        let (_, stats, outcome) = redrive_through(localstack(), "rf-thr", throttling()).await;
        assert!(stats.throttled > 0, "{stats:?}");
        assert_eq!(outcome.extra, 0, "throttled requests were never forwarded");
    }

    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn failed_entries_of_a_send_batch_are_sent_again_and_only_then_deleted() {
        let (summary, stats, outcome) =
            redrive_through(localstack(), "rf-part", partial_failures()).await;
        assert!(stats.partial > 0 && stats.failed_entries > 0, "{stats:?}");
        // An entry answered Failed was never delivered: retrying it makes no copy.
        assert_eq!(outcome.extra, 0);
        assert_eq!(count(&summary, "duplicates_suspected"), 0, "{summary}");
    }

    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn connections_dropped_after_the_emulator_acted_lose_nothing_and_count_duplicates() {
        let (summary, stats, outcome) =
            redrive_through(localstack(), "rf-drop", dropped_connections()).await;
        assert!(
            dropped(&stats, "SendMessageBatch") > 0 && dropped(&stats, "DeleteMessageBatch") > 0,
            "{stats:?}"
        );
        // A dropped send was delivered, then sent again by the mover (never by the SDK behind
        // its back): every copy is one suspected, and nothing else is suspected.
        assert!(outcome.extra > 0, "{summary}");
        assert_eq!(
            outcome.extra,
            count(&summary, "duplicates_suspected"),
            "{summary} {stats:?}"
        );
    }
}

/// The mechanism behind counting duplicates: a `SendMessageBatch` whose answer is lost comes
/// back to the mover as an error (which marks its entries possibly sent) instead of being
/// sent again by the SDK's own retries, which would make an uncounted copy.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_send_whose_answer_was_lost_is_not_sent_again_behind_the_movers_back() {
    let emulator = localstack();
    let sqs = emulator.sqs().await;
    let (url, _) = create_queue(&sqs, &unique_name("rf-once"), &[]).await;
    let proxy = FaultProxy::start(
        ([127, 0, 0, 1], emulator.port()).into(),
        Faults {
            drop_after_forward: 1.0,
            drop_operations: vec!["SendMessageBatch".into()],
            ..Faults::default()
        },
    )
    .await;
    let config = support::emulator::emulator_sdk_config(proxy.endpoint()).await;
    let backend = squall::aws::sdk_backend(
        &config,
        squall::aws::ConnectionInfo {
            region: REGION.to_string(),
            endpoint: Some(proxy.endpoint()),
            ..Default::default()
        },
    );
    let writers = backend.writers("test").expect("writers");
    let entry = |id: &str, body: &str| squall::domain::message::OutgoingMessage {
        id: id.to_string(),
        body: body.to_string(),
        message_attributes: Default::default(),
        delay_seconds: None,
        group_id: None,
        deduplication_id: None,
        trace_header: None,
    };
    let error = writers
        .queues
        .send_messages_once(&url, &[entry("0", "once")])
        .await
        .expect_err("the answer was dropped");
    assert!(error.retryable(), "{error:?}");
    assert_eq!(proxy.stats().operations["SendMessageBatch"], 1);
    // The plain send is retried by the SDK: each attempt delivered a copy.
    writers
        .queues
        .send_messages(&url, &[entry("0", "retried")])
        .await
        .expect_err("every answer was dropped");
    let attempts = proxy.stats().operations["SendMessageBatch"] - 1;
    assert!(attempts > 1, "{attempts}");
    proxy.shutdown().await;
    let bodies = bodies_in(&sqs, &url).await;
    assert_eq!(bodies.get("once"), Some(&1));
    assert_eq!(bodies.get("retried").copied(), Some(attempts as usize));
}

/// Starts `squall redrive DLQ --to SOURCE --yes --mode manual --rate 20 --visibility-timeout
/// 10` on `emulator`, SIGKILLs it once at least `at_least` messages reached the source, and
/// returns how many had then.
async fn kill_mid_run<S>(
    emulator: &Emulator<S>,
    fixture: &Fixture,
    data_dir: &Path,
    at_least: u64,
) -> u64 {
    let log = std::fs::File::create(data_dir.join("killed-run.stderr")).expect("log file");
    let mut child = squall(
        &emulator.endpoint(),
        data_dir,
        &[
            "redrive",
            &fixture.dlq_name,
            "--to",
            &fixture.source_name,
            "--yes",
            "--mode",
            "manual",
            "--rate",
            "20",
            "--visibility-timeout",
            "10",
        ],
    )
    .stdout(std::process::Stdio::null())
    .stderr(log)
    .spawn()
    .expect("starting squall");
    let sqs = emulator.sqs().await;
    let deadline = tokio::time::Instant::now() + Duration::from_secs(60);
    let reached = loop {
        let (visible, _) = counts(&sqs, &fixture.source_url).await;
        if visible >= at_least {
            break Some(visible);
        }
        if tokio::time::Instant::now() >= deadline {
            break None;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    };
    child.start_kill().expect("SIGKILL");
    let status = child.wait().await.expect("waiting for squall");
    let stderr = std::fs::read_to_string(data_dir.join("killed-run.stderr")).unwrap_or_default();
    let reached = reached.unwrap_or_else(|| panic!("nothing moved in time: {stderr}"));
    assert_eq!(
        std::os::unix::process::ExitStatusExt::signal(&status),
        Some(libc::SIGKILL),
        "killed, not finished: {stderr}"
    );
    assert!(
        stderr.contains("squall: journal "),
        "the journal is named at the start: {stderr}"
    );
    reached
}

/// After a kill and a run that finishes the job: 0 lost, the DLQ empty, no more copies than
/// the finishing run suspected, and the journals together record every message deleted.
async fn assert_finished<S>(emulator: &Emulator<S>, fixture: &Fixture, finish: &Output) {
    let summary = summary(finish);
    let outcome = outcome(emulator, fixture, N).await;
    let said = format!("{summary}\n{}", String::from_utf8_lossy(&finish.stderr));
    assert_eq!(summary["end"], "drained", "{said}");
    assert_eq!(outcome.distinct, N, "messages lost: {said}");
    assert_eq!(outcome.strangers, Vec::<String>::new(), "{said}");
    assert_eq!(outcome.dlq, (0, 0), "the DLQ is empty: {said}");
    assert_eq!(count(&summary, "failed"), 0, "{said}");
    assert_eq!(count(&summary, "left_in_dlq"), 0, "{said}");
    assert!(
        outcome.extra <= count(&summary, "duplicates_suspected"),
        "{} extra copies, fewer suspected: {said}",
        outcome.extra
    );
    let moved = count(&summary, "moved");
    assert!(
        0 < moved && moved < N as u64,
        "the killed run moved some: {said}"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_run_killed_half_way_is_finished_by_resuming_its_journal() {
    let emulator = localstack();
    let fixture = seed(emulator, "rf-kill", N).await;
    let data = tempfile::tempdir().expect("tempdir");
    kill_mid_run(emulator, &fixture, data.path(), 40).await;
    let written = journals(data.path());
    assert_eq!(written.len(), 1, "{written:?}");
    let journal = written[0].to_string_lossy().into_owned();

    let finish = squall(
        &emulator.endpoint(),
        data.path(),
        &[
            "redrive",
            "--resume",
            &journal,
            "--yes",
            "--json",
            "--visibility-timeout",
            "20",
        ],
    )
    .output()
    .await
    .expect("running squall");
    assert_finished(emulator, &fixture, &finish).await;
    // One journal, appended to, that records every message deleted.
    assert_eq!(journals(data.path()), written);
    let state = squall::redrive::JournalState::read(&written[0]).expect("the journal");
    assert_eq!(state.moved(), N, "{state:?}");
    assert!(state.finished);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_run_killed_half_way_is_finished_by_running_it_again() {
    let emulator = localstack();
    let fixture = seed(emulator, "rf-rerun", N).await;
    let data = tempfile::tempdir().expect("tempdir");
    kill_mid_run(emulator, &fixture, data.path(), 40).await;
    let finish = redrive(&emulator.endpoint(), data.path(), &fixture, &[]).await;
    assert_finished(emulator, &fixture, &finish).await;
    // Two journals; between them every message is deleted exactly once.
    let written = journals(data.path());
    assert_eq!(written.len(), 2, "{written:?}");
    let mut deleted = std::collections::BTreeSet::new();
    for path in &written {
        let state = squall::redrive::JournalState::read(path).expect("a journal");
        for (id, message) in state.messages {
            if message.deleted {
                assert!(deleted.insert(id.clone()), "{id} deleted twice");
            }
        }
    }
    assert_eq!(deleted.len(), N);
}

/// The manual mover against moto (which has no message move tasks: `--mode manual` does not
/// need them).
mod moto_faults {
    use super::*;

    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn every_message_moves_through_500s_and_503s() {
        let (_, stats, outcome) = redrive_through(moto(), "rf-5xx", server_errors()).await;
        assert!(
            stats.server_errors > 0 && stats.unavailable > 0,
            "{stats:?}"
        );
        assert_eq!(outcome.extra, 0);
    }

    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn every_message_moves_through_throttling() {
        let (_, stats, outcome) = redrive_through(moto(), "rf-thr", throttling()).await;
        assert!(stats.throttled > 0, "{stats:?}");
        assert_eq!(outcome.extra, 0);
    }

    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn failed_entries_of_a_send_batch_are_sent_again_and_only_then_deleted() {
        let (summary, stats, outcome) =
            redrive_through(moto(), "rf-part", partial_failures()).await;
        assert!(stats.partial > 0 && stats.failed_entries > 0, "{stats:?}");
        assert_eq!(outcome.extra, 0);
        assert_eq!(count(&summary, "duplicates_suspected"), 0, "{summary}");
    }

    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn connections_dropped_after_the_emulator_acted_lose_nothing_and_count_duplicates() {
        let (summary, stats, outcome) =
            redrive_through(moto(), "rf-drop", dropped_connections()).await;
        assert!(
            dropped(&stats, "SendMessageBatch") > 0 && dropped(&stats, "DeleteMessageBatch") > 0,
            "{stats:?}"
        );
        assert!(outcome.extra > 0, "{summary}");
        assert_eq!(outcome.extra, count(&summary, "duplicates_suspected"));
    }

    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn a_run_killed_half_way_is_finished_by_resuming_its_journal() {
        let emulator = moto();
        let fixture = seed(emulator, "rf-kill", N).await;
        let data = tempfile::tempdir().expect("tempdir");
        kill_mid_run(emulator, &fixture, data.path(), 40).await;
        let written = journals(data.path());
        let journal = written[0].to_string_lossy().into_owned();
        let finish = squall(
            &emulator.endpoint(),
            data.path(),
            &[
                "redrive",
                "--resume",
                &journal,
                "--yes",
                "--json",
                "--visibility-timeout",
                "20",
            ],
        )
        .output()
        .await
        .expect("running squall");
        assert_finished(emulator, &fixture, &finish).await;
    }
}
