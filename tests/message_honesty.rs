//! The message verbs never report what did not happen (issue 18), against LocalStack, read
//! back from the emulator directly: `squall send --from` through the fault proxy with
//! answers lost after the emulator acted (every copy counted, every message whose answer
//! never came named), and `squall export` of a FIFO queue whose groups it cannot read to the
//! end (what it did not reach, said).

mod redrive_harness;
mod support;

use redrive_harness::bodies_in;
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
