//! `squall redrive DLQ --canary N --yes` and its watch against LocalStack (functions cannot
//! run there, so the test plays the failing consumer): a moved message whose body and
//! attributes come back to the DLQ under a new id makes the canary not safe, exit 6; a
//! canary nothing comes back from, with no consumer to judge by (no Lambda mapping here: an
//! enabled one would take the messages), is unknown, exit 7, never "safe" (the simulated world
//! proves "safe" with a consumer); `--no-watch` stops at once. The watch is
//! kept short with `--watch`. And the attributes' MD5 squall computes is the one SQS returns.

mod redrive_suite;
mod support;

use std::time::Duration;

use redrive_suite::{Fleet, Pair, pair, send_bodies};
use support::{localstack, run_squall_status, sdk_backend, unique_name, wait_until};

async fn fleet() -> Fleet {
    let ls = localstack();
    Fleet {
        sqs: ls.sqs().await,
        sns: ls.sns().await,
        backend: sdk_backend(ls).await,
    }
}

/// A source and its DLQ holding `n` dead-lettered messages with attributes.
async fn dead_lettered(fleet: &Fleet, prefix: &str, n: usize) -> (String, Pair) {
    let name = unique_name(prefix);
    let pair = pair(fleet, &name).await;
    send_bodies(fleet, &pair.source_url, &redrive_suite::bodies(prefix, n)).await;
    redrive_suite::dead_letter(fleet, &pair, n as u64).await;
    (name, pair)
}

/// The failing consumer: takes one message from the source and puts its body and every
/// attribute back into the DLQ (a new message, a new id), as SQS would after the last
/// failed receive. Returns whether there was one to take.
async fn fail_one(fleet: &Fleet, pair: &Pair) -> bool {
    let out = fleet
        .sqs
        .receive_message()
        .queue_url(&pair.source_url)
        .max_number_of_messages(1)
        .message_attribute_names("All")
        .visibility_timeout(60)
        .send()
        .await
        .expect("receive");
    let Some(message) = out.messages.unwrap_or_default().into_iter().next() else {
        return false;
    };
    fleet
        .sqs
        .send_message()
        .queue_url(&pair.dlq_url)
        .message_body(message.body.clone().unwrap_or_default())
        .set_message_attributes(message.message_attributes.clone())
        .send()
        .await
        .expect("send back");
    fleet
        .sqs
        .delete_message()
        .queue_url(&pair.source_url)
        .receipt_handle(message.receipt_handle.unwrap_or_default())
        .send()
        .await
        .expect("delete");
    true
}

async fn canary(dlq: &str, extra: &[&str]) -> (i32, serde_json::Value, String) {
    let mut args = vec!["redrive", dlq, "--canary", "2", "--yes", "--json"];
    args.extend_from_slice(extra);
    let (code, stdout, stderr) = run_squall_status(localstack(), &args).await;
    let json = serde_json::from_str(&stdout)
        .unwrap_or_else(|e| panic!("{e}: exit {code}\n{stdout}\n{stderr}"));
    (code, json, stderr)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_moved_message_back_in_the_dlq_is_not_safe_exit_6() {
    let fleet = fleet().await;
    let (name, pair) = dead_lettered(&fleet, "cn-back", 6).await;
    let dlq = format!("{name}-dlq");
    let watching = tokio::spawn(async move { canary(&dlq, &["--watch", "60s"]).await });
    let failed = wait_until(Duration::from_secs(30), || fail_one(&fleet, &pair)).await;
    assert!(failed, "the canary reached the source");
    let (code, out, stderr) = watching.await.expect("squall");
    let verdict = &out["canary"];
    assert_eq!(code, 6, "{out}\n{stderr}");
    assert_eq!(verdict["verdict"], "not_safe", "{verdict}");
    assert_eq!(verdict["moved"], 2);
    assert_eq!(verdict["back_in_dlq"], 1, "{verdict}");
    assert_eq!(
        verdict["ended_early"], true,
        "no need to wait the minute out"
    );
    assert!(
        verdict["watched_s"].as_u64().is_some_and(|s| s < 60),
        "{verdict}"
    );
    assert!(
        verdict["line"]
            .as_str()
            .is_some_and(|l| l.starts_with("canary: 1 of 2 back in the DLQ")
                && l.ends_with("→ do not continue")),
        "{verdict}"
    );
    assert!(stderr.contains("watching the canary"), "{stderr}");
    // The watch read the DLQ and gave every message back: 4 left + 1 back, all visible.
    let settled = wait_until(Duration::from_secs(40), || async {
        redrive_suite::counts(&fleet, &pair.dlq_url).await == (5, 0)
    })
    .await;
    assert!(
        settled,
        "{:?}",
        redrive_suite::counts(&fleet, &pair.dlq_url).await
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_canary_nothing_comes_back_from_without_a_consumer_is_unknown_exit_7() {
    let fleet = fleet().await;
    let (name, pair) = dead_lettered(&fleet, "cn-quiet", 5).await;
    let (code, out, stderr) = canary(&format!("{name}-dlq"), &["--watch", "4s"]).await;
    let verdict = &out["canary"];
    assert_eq!(code, 7, "{out}\n{stderr}");
    assert_eq!(verdict["verdict"], "unknown", "{verdict}");
    assert_eq!(verdict["back_in_dlq"], 0);
    assert_eq!(verdict["watched_s"], 4);
    // No Lambda consumer on LocalStack: said, and a quiet DLQ alone proves nothing.
    assert!(verdict["errors"].is_null(), "{verdict}");
    assert!(verdict["metrics_note"].is_string(), "{verdict}");
    let line = verdict["line"].as_str().unwrap_or_default();
    assert!(line.contains("judge by hand"), "{line}");
    assert!(
        !stderr.contains(&format!("squall redrive {name}-dlq --yes")),
        "no command for the rest after an unknown verdict: {stderr}"
    );
    assert_eq!(redrive_suite::counts(&fleet, &pair.dlq_url).await, (3, 0));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn no_watch_stops_after_the_canary() {
    let fleet = fleet().await;
    let (name, _pair) = dead_lettered(&fleet, "cn-nowatch", 3).await;
    let (code, out, stderr) = canary(&format!("{name}-dlq"), &["--no-watch"]).await;
    assert_eq!(code, 0, "{out}\n{stderr}");
    assert_eq!(out["moved"], 2);
    assert!(out.get("canary").is_none(), "not watched: {out}");
    assert!(!stderr.contains("watching the canary"), "{stderr}");
    assert!(stderr.contains("not watched"), "{stderr}");
}

/// The attributes' MD5 the journal records is SQS's own `MD5OfMessageAttributes`: the
/// emulator's answer to a send with a string, a number and a binary attribute agrees.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_attributes_md5_is_the_one_sqs_computes() {
    use aws_sdk_sqs::primitives::Blob;
    use aws_sdk_sqs::types::MessageAttributeValue;
    use squall::domain::message::AttributeValue;
    let fleet = fleet().await;
    let (url, _) = support::create_queue(&fleet.sqs, &unique_name("cn-md5"), &[]).await;
    let attribute = |kind: &str, text: Option<&str>, binary: Option<Vec<u8>>| {
        MessageAttributeValue::builder()
            .data_type(kind)
            .set_string_value(text.map(str::to_string))
            .set_binary_value(binary.map(Blob::new))
            .build()
            .expect("attribute")
    };
    let sent = fleet
        .sqs
        .send_message()
        .queue_url(&url)
        .message_body("body")
        .message_attributes("kind", attribute("String", Some("retry"), None))
        .message_attributes("n", attribute("Number", Some("7"), None))
        .message_attributes(
            "blob",
            attribute("Binary", None, Some(vec![0, 1, 254, 255])),
        )
        .send()
        .await
        .expect("send");
    let ours = squall::domain::md5::message_attributes_md5(&std::collections::BTreeMap::from([
        ("kind".to_string(), AttributeValue::string("retry")),
        ("n".to_string(), AttributeValue::number("7")),
        (
            "blob".to_string(),
            AttributeValue::binary(vec![0, 1, 254, 255]),
        ),
    ]));
    assert_eq!(
        sent.md5_of_message_attributes.as_deref(),
        Some(ours.as_str())
    );
}
