//! The message verbs never report what did not happen (issue 18), against LocalStack, read
//! back from the emulator directly: `squall send --from` through the fault proxy with
//! answers lost after the emulator acted (every copy counted, every message whose answer
//! never came named), and `squall export` of a FIFO queue whose groups it cannot read to the
//! end (what it did not reach, said).

mod redrive_harness;
mod support;

use redrive_harness::{bodies_in, counts};
use support::*;

/// The number `squall` printed after `label` on a line of `text` (0 when no line says it).
fn said_number(text: &str, label: &str) -> u64 {
    text.lines()
        .find_map(|line| line.split_once(label))
        .and_then(|(_, rest)| rest.split_whitespace().next())
        .and_then(|n| n.trim_end_matches([',', ':']).parse().ok())
        .unwrap_or(0)
}

/// Half of the `SendMessageBatch` answers are lost after the emulator acted: every batch sent
/// again made a copy. The send counts each in "duplicates suspected" (at least the copies
/// the queue holds), names every message no answer came back for, and loses none.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn send_from_a_file_counts_every_copy_a_lost_answer_made() {
    let ls = localstack();
    let sqs = ls.sqs().await;
    let name = unique_name("mh-send");
    let (url, _) = create_queue(&sqs, &name, &[]).await;
    let n = 100;
    let dir = tempfile::tempdir().expect("tempdir");
    let file = dir.path().join("replay.ndjson");
    let lines: String = (0..n)
        .map(|i| format!("{{\"body\":\"message-{i}\"}}\n"))
        .collect();
    std::fs::write(&file, lines).expect("write");
    let proxy = FaultProxy::start(
        ([127, 0, 0, 1], ls.port()).into(),
        Faults {
            seed: 6,
            drop_after_forward: 0.5,
            drop_operations: vec!["SendMessageBatch".into()],
            ..Faults::default()
        },
    )
    .await;
    let path = file.display().to_string();
    let (code, stdout, stderr) =
        run_squall_at(&proxy.endpoint(), &["send", &name, "--from", &path]).await;
    let stats = proxy.shutdown().await;
    let said = format!("exit {code}\nstdout:\n{stdout}\nstderr:\n{stderr}\n{stats:?}");
    assert!(
        stats.dropped.get("SendMessageBatch").copied().unwrap_or(0) > 0,
        "{said}"
    );
    let suspected = said_number(&stderr, "duplicates suspected:");
    let possibly = said_number(&stderr, "possibly sent:");
    let sent = said_number(&stdout, "sent ");

    let bodies = bodies_in(&sqs, &url).await;
    let extra: u64 = bodies.values().map(|&c| c as u64 - 1).sum();
    println!("{extra} extra copies in the queue; {said}");
    assert!(extra > 0, "the lost answers made copies: {bodies:?} {said}");
    assert!(
        extra <= suspected,
        "{extra} extra copies, {suspected} suspected: {said}"
    );
    // Every message sent is there; those not there are the ones named possibly sent.
    let arrived = (0..n)
        .filter(|i| bodies.contains_key(&format!("message-{i}")))
        .count() as u64;
    assert!(arrived >= sent, "{said}");
    assert!(n - arrived <= possibly, "{said}");
    assert_eq!(sent + possibly, n, "every message sent or named: {said}");
    if possibly == 0 {
        assert_eq!(code, 0, "{said}");
    } else {
        assert_eq!(code, 1, "{said}");
        assert!(stderr.contains("line "), "names the lines: {said}");
    }
}

/// A FIFO queue of 3 groups of 20: a sweep holds what it read, and SQS hands out no later
/// message of a held group, so `squall export` reads the first messages of each group and
/// then nothing. It writes what it read, says how many it did not reach and which groups,
/// and exits 4 (before: "exported 30 messages", exit 0).
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn export_of_a_fifo_queue_says_what_its_held_groups_kept_out_of_reach() {
    let ls = localstack();
    let sqs = ls.sqs().await;
    let name = format!("{}.fifo", unique_name("mh-fifo"));
    let (url, _) = create_queue(&sqs, &name, &[]).await;
    for group in 0..3 {
        for start in (0..20).step_by(10) {
            let mut batch = sqs.send_message_batch().queue_url(&url);
            for i in start..start + 10 {
                let entry = aws_sdk_sqs::types::SendMessageBatchRequestEntry::builder()
                    .id(format!("m{i}"))
                    .message_body(format!("g{group}-{i}"))
                    .message_group_id(format!("g{group}"))
                    .message_deduplication_id(format!("g{group}-{i}"))
                    .build()
                    .expect("entry");
                batch = batch.entries(entry);
            }
            let out = batch.send().await.expect("SendMessageBatch");
            assert!(out.failed.is_empty(), "{:?}", out.failed);
        }
    }
    let dir = tempfile::tempdir().expect("tempdir");
    let file = dir.path().join("export.ndjson");
    let out = file.display().to_string();
    let (code, stdout, stderr) = run_squall_status(ls, &["export", &name, "--out", &out]).await;
    let said = format!("exit {code}\nstdout:\n{stdout}\nstderr:\n{stderr}");
    let written = std::fs::read_to_string(&file)
        .expect("the export")
        .lines()
        .count() as u64;
    assert!(written > 0 && written < 60, "{said}");
    assert_eq!(code, 4, "{said}");
    let not_reached = 60 - written;
    assert!(
        stderr.contains(&format!("{not_reached} messages were not reached")),
        "{said}"
    );
    assert!(stderr.contains("groups g0, g1, g2"), "{said}");
    // Nothing was deleted: all 60 are visible again.
    assert_eq!(counts(&sqs, &url).await, (60, 0), "{said}");

    // A sweep to the screen says the same.
    let (code, stdout, stderr) = run_squall_status(ls, &["peek", &name, "-n", "60"]).await;
    let said = format!("exit {code}\nstdout:\n{stdout}\nstderr:\n{stderr}");
    assert_eq!(code, 4, "{said}");
    assert!(stderr.contains("messages were not reached"), "{said}");
    assert!(stderr.contains("groups g0, g1, g2"), "{said}");
    assert_eq!(counts(&sqs, &url).await, (60, 0), "{said}");
}
