//! What the redrive fault tests share (`tests/aws_redrive_faults.rs`, `tests/aws_redrive_honesty.rs`):
//! a DLQ seeded with N distinct bodies, the built `squall` run against an endpoint (the
//! emulator or the fault proxy in front of it) with its journals in a temporary data dir,
//! and the emulator read directly afterwards (every body and its copies, the queue counts),
//! so that a bug in squall's SQS layer cannot hide a bug in the mover.
#![allow(dead_code)]

use std::collections::BTreeMap;
use std::path::Path;
use std::process::Output;

use aws_sdk_sqs::types::QueueAttributeName;

use crate::support::emulator::Emulator;
use crate::support::*;

/// A DLQ of `N` messages `message-0` … and the queue whose redrive policy targets it.
pub struct Fixture {
    pub source_name: String,
    pub source_url: String,
    pub dlq_name: String,
    pub dlq_url: String,
}

pub async fn seed<S>(emulator: &Emulator<S>, prefix: &str, n: usize) -> Fixture {
    let sqs = emulator.sqs().await;
    let source_name = unique_name(prefix);
    let dlq_name = format!("{source_name}-dlq");
    let (dlq_url, dlq_arn) = create_queue(&sqs, &dlq_name, &[]).await;
    let (source_url, _) = create_queue(&sqs, &source_name, &[]).await;
    set_redrive(&sqs, &source_url, &dlq_arn, 3).await;
    // Straight into the DLQ (so no DeadLetterQueueSourceArn): the runs say `--to` the source.
    send_messages(&sqs, &dlq_url, n).await;
    Fixture {
        source_name,
        source_url,
        dlq_name,
        dlq_url,
    }
}

/// `squall --endpoint-url ENDPOINT --region us-east-1 ARGS…` with `SQUALL_DATA_DIR` (journals)
/// set to `data_dir`, test credentials, and nothing of the user's settings.
pub fn squall(endpoint: &str, data_dir: &Path, args: &[&str]) -> tokio::process::Command {
    let home = data_dir.join("home");
    std::fs::create_dir_all(&home).expect("mkdir home");
    let mut command = tokio::process::Command::new(env!("CARGO_BIN_EXE_squall"));
    for (name, _) in std::env::vars_os() {
        if name.to_string_lossy().starts_with("AWS_") {
            command.env_remove(name);
        }
    }
    command
        .args(["--endpoint-url", endpoint, "--region", REGION])
        .args(args)
        .env("HOME", &home)
        .env_remove("XDG_CONFIG_HOME")
        .env("SQUALL_DATA_DIR", data_dir)
        .env("AWS_ACCESS_KEY_ID", "test")
        .env("AWS_SECRET_ACCESS_KEY", "test")
        .env("AWS_EC2_METADATA_DISABLED", "true")
        .kill_on_drop(true);
    command
}

/// The JSON summary of a finished `squall redrive … --json`, which must exit 0.
pub fn summary(output: &Output) -> serde_json::Value {
    let stderr = String::from_utf8_lossy(&output.stderr);
    let stdout = String::from_utf8_lossy(&output.stdout);
    assert!(
        output.status.success(),
        "{}\nstdout:\n{stdout}\nstderr:\n{stderr}",
        output.status
    );
    serde_json::from_str(&stdout).unwrap_or_else(|e| panic!("{e}: {stdout}\nstderr:\n{stderr}"))
}

/// The exit code and JSON summary of a `squall redrive … --json` that ran to its end,
/// whatever its exit code (it must not have been killed).
pub fn ended(output: &Output) -> (i32, serde_json::Value, String) {
    let stderr = String::from_utf8_lossy(&output.stderr).into_owned();
    let stdout = String::from_utf8_lossy(&output.stdout);
    let code = output
        .status
        .code()
        .unwrap_or_else(|| panic!("squall was killed: {stderr}"));
    let summary = serde_json::from_str(&stdout)
        .unwrap_or_else(|e| panic!("{e}: exit {code}: {stdout}\nstderr:\n{stderr}"));
    (code, summary, stderr)
}

pub fn count(summary: &serde_json::Value, field: &str) -> u64 {
    summary[field]
        .as_u64()
        .unwrap_or_else(|| panic!("{field} in {summary}"))
}

/// `squall redrive DLQ --to SOURCE --yes --mode manual --json --visibility-timeout 20`
/// through `endpoint`.
pub async fn redrive(endpoint: &str, data_dir: &Path, fixture: &Fixture, extra: &[&str]) -> Output {
    let mut args = vec![
        "redrive",
        &fixture.dlq_name,
        "--to",
        &fixture.source_name,
        "--yes",
        "--mode",
        "manual",
        "--json",
        "--visibility-timeout",
        "20",
    ];
    args.extend_from_slice(extra);
    squall(endpoint, data_dir, &args)
        .output()
        .await
        .expect("running squall")
}

/// Every body in the queue and how many copies of it: received (and kept hidden) until
/// receives come back empty twice in a row and the queue counts nothing visible.
pub async fn bodies_in(sqs: &aws_sdk_sqs::Client, url: &str) -> BTreeMap<String, usize> {
    read_bodies(sqs, url).await.0
}

/// Like [`bodies_in`], but every message read is made visible again afterwards (a count in
/// the middle of a test, before a second run).
pub async fn bodies_left_in(sqs: &aws_sdk_sqs::Client, url: &str) -> BTreeMap<String, usize> {
    let (bodies, handles) = read_bodies(sqs, url).await;
    for handle in handles {
        sqs.change_message_visibility()
            .queue_url(url)
            .receipt_handle(handle)
            .visibility_timeout(0)
            .send()
            .await
            .expect("ChangeMessageVisibility");
    }
    bodies
}

async fn read_bodies(
    sqs: &aws_sdk_sqs::Client,
    url: &str,
) -> (BTreeMap<String, usize>, Vec<String>) {
    let mut bodies = BTreeMap::new();
    let mut handles = Vec::new();
    let mut empty = 0;
    while empty < 2 {
        let out = sqs
            .receive_message()
            .queue_url(url)
            .max_number_of_messages(10)
            .visibility_timeout(600)
            .wait_time_seconds(1)
            .send()
            .await
            .expect("ReceiveMessage");
        let messages = out.messages.unwrap_or_default();
        if messages.is_empty() {
            empty += 1;
            continue;
        }
        empty = 0;
        for message in messages {
            handles.extend(message.receipt_handle);
            *bodies.entry(message.body.unwrap_or_default()).or_default() += 1;
        }
    }
    (bodies, handles)
}

/// The queue's approximate visible and in-flight counts.
pub async fn counts(sqs: &aws_sdk_sqs::Client, url: &str) -> (u64, u64) {
    let attributes = sqs
        .get_queue_attributes()
        .queue_url(url)
        .attribute_names(QueueAttributeName::ApproximateNumberOfMessages)
        .attribute_names(QueueAttributeName::ApproximateNumberOfMessagesNotVisible)
        .send()
        .await
        .expect("GetQueueAttributes")
        .attributes
        .unwrap_or_default();
    let read = |name: QueueAttributeName| {
        attributes
            .get(&name)
            .and_then(|v| v.parse().ok())
            .unwrap_or(u64::MAX)
    };
    (
        read(QueueAttributeName::ApproximateNumberOfMessages),
        read(QueueAttributeName::ApproximateNumberOfMessagesNotVisible),
    )
}

/// What the destination and the DLQ hold after the runs, read from the emulator directly.
pub struct Outcome {
    /// Distinct bodies of the N in the destination.
    pub distinct: usize,
    /// Copies beyond the first of any body.
    pub extra: u64,
    /// Bodies not of the N (must be none).
    pub strangers: Vec<String>,
    pub dlq: (u64, u64),
}

pub async fn outcome<S>(emulator: &Emulator<S>, fixture: &Fixture, n: usize) -> Outcome {
    let sqs = emulator.sqs().await;
    let bodies = bodies_in(&sqs, &fixture.source_url).await;
    let expected: Vec<String> = (0..n).map(|i| format!("message-{i}")).collect();
    Outcome {
        distinct: expected.iter().filter(|b| bodies.contains_key(*b)).count(),
        extra: bodies.values().map(|&c| c as u64 - 1).sum(),
        strangers: bodies
            .keys()
            .filter(|b| !expected.contains(b))
            .cloned()
            .collect(),
        dlq: counts(&sqs, &fixture.dlq_url).await,
    }
}

/// The journals a run left in `data_dir`.
pub fn journals(data_dir: &Path) -> Vec<std::path::PathBuf> {
    let mut paths: Vec<_> = std::fs::read_dir(data_dir.join("redrive"))
        .expect("the journal directory")
        .map(|e| e.expect("a directory entry").path())
        .filter(|p| p.extension().is_some_and(|x| x == "jsonl"))
        .collect();
    paths.sort();
    paths
}
