//! The redrive bench's baselines: what an engineer without squall would run, one call at a
//! time. The same loop twice: in Rust with the same SDK squall uses, and in boto3 (the
//! LocalStack venv's Python, when it has boto3). Each is timed until the N-th message is
//! deleted from the DLQ.

use std::path::PathBuf;
use std::process::Command;
use std::time::{Duration, Instant};

use aws_sdk_sqs::types::{DeleteMessageBatchRequestEntry, SendMessageBatchRequestEntry};

/// A baseline's run: how long until N were deleted, and how many were.
pub struct Moved {
    pub took: Duration,
    pub count: u64,
}

/// Receive 10 (long poll 1 s), send them, delete them, one call at a time, until N are
/// moved.
pub async fn rust_loop(endpoint: &str, dlq: &str, source: &str, n: usize) -> Moved {
    let config = crate::support::emulator::emulator_sdk_config(endpoint.to_string()).await;
    let sqs = aws_sdk_sqs::Client::new(&config);
    let started = Instant::now();
    let mut moved = 0u64;
    while moved < n as u64 {
        let received = sqs
            .receive_message()
            .queue_url(dlq)
            .max_number_of_messages(10)
            .wait_time_seconds(1)
            .visibility_timeout(120)
            .send()
            .await
            .expect("ReceiveMessage");
        let messages = received.messages.unwrap_or_default();
        if messages.is_empty() {
            continue;
        }
        let mut send = sqs.send_message_batch().queue_url(source);
        let mut delete = sqs.delete_message_batch().queue_url(dlq);
        for (i, message) in messages.iter().enumerate() {
            send = send.entries(
                SendMessageBatchRequestEntry::builder()
                    .id(i.to_string())
                    .message_body(message.body.clone().unwrap_or_default())
                    .build()
                    .expect("an entry"),
            );
            delete = delete.entries(
                DeleteMessageBatchRequestEntry::builder()
                    .id(i.to_string())
                    .receipt_handle(message.receipt_handle.clone().unwrap_or_default())
                    .build()
                    .expect("an entry"),
            );
        }
        let sent = send.send().await.expect("SendMessageBatch");
        assert!(sent.failed.is_empty(), "{:?}", sent.failed);
        let deleted = delete.send().await.expect("DeleteMessageBatch");
        moved += deleted.successful.len() as u64;
    }
    Moved {
        took: started.elapsed(),
        count: moved,
    }
}

/// The LocalStack venv's Python when it can import boto3.
pub fn boto3_python() -> Option<PathBuf> {
    let root = PathBuf::from(env!("CARGO_MANIFEST_DIR"));
    let venv = match std::env::var_os("SQUALL_LOCALSTACK_VENV") {
        Some(v) if !v.is_empty() => root.join(v),
        _ => root.join("target/emulators/localstack-venv"),
    };
    let python = venv.join("bin/python");
    let works = Command::new(&python)
        .args(["-c", "import boto3"])
        .output()
        .is_ok_and(|o| o.status.success());
    works.then_some(python)
}

/// The same loop in boto3 (benches/redrive/boto3_loop.py), as a child process.
pub async fn boto3_loop(
    python: PathBuf,
    endpoint: &str,
    dlq: &str,
    source: &str,
    n: usize,
) -> Moved {
    let script = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("benches/redrive/boto3_loop.py");
    let args = [
        endpoint.to_string(),
        crate::support::REGION.to_string(),
        dlq.to_string(),
        source.to_string(),
        n.to_string(),
    ];
    let output =
        tokio::task::spawn_blocking(move || Command::new(python).arg(script).args(args).output())
            .await
            .expect("join")
            .expect("running boto3_loop.py");
    assert!(
        output.status.success(),
        "boto3_loop.py: {}",
        String::from_utf8_lossy(&output.stderr)
    );
    let answer: serde_json::Value =
        serde_json::from_slice(&output.stdout).expect("boto3_loop.py prints JSON");
    Moved {
        took: Duration::from_secs_f64(answer["seconds"].as_f64().expect("seconds")),
        count: answer["moved"].as_u64().expect("moved"),
    }
}
