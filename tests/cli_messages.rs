//! The message verbs as a user meets them: `squall peek`, `export`, `send`, `publish` and
//! `purge` against LocalStack (and `--demo` where no emulator is needed): exit codes,
//! confirmation, read-only refusals that change nothing, JSON fields, escaped human output,
//! and an export → `send --from` round trip.

mod support;

use std::collections::BTreeSet;
use std::time::Duration;

use aws_sdk_sqs::types::{MessageSystemAttributeName, QueueAttributeName};
use serde_json::Value;
use support::{
    LocalStack, create_queue, create_topic, localstack, send_messages, set_redrive,
    subscribe_queue, unique_name, wait_until,
};

struct Run {
    code: i32,
    stdout: String,
    stderr: String,
}

/// Runs the built binary with an environment of its own (no user config, test credentials).
async fn squall_with(endpoint: Option<&str>, args: &[&str], stdin: Option<&[u8]>) -> Run {
    let home = tempfile::tempdir().expect("tempdir");
    let mut command = tokio::process::Command::new(env!("CARGO_BIN_EXE_squall"));
    if let Some(endpoint) = endpoint {
        command.args(["--endpoint-url", endpoint, "--region", support::REGION]);
    }
    command
        .args(args)
        .env("HOME", home.path())
        .env("XDG_CONFIG_HOME", home.path().join(".config"))
        .env("AWS_ACCESS_KEY_ID", "test")
        .env("AWS_SECRET_ACCESS_KEY", "test")
        .env("AWS_EC2_METADATA_DISABLED", "true")
        .env_remove("AWS_PROFILE")
        .env_remove("AWS_SESSION_TOKEN")
        .env_remove("AWS_ENDPOINT_URL")
        .stdin(if stdin.is_some() {
            std::process::Stdio::piped()
        } else {
            std::process::Stdio::null()
        })
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .kill_on_drop(true);
    let mut child = command.spawn().expect("spawn squall");
    if let Some(bytes) = stdin {
        use tokio::io::AsyncWriteExt;
        let mut pipe = child.stdin.take().expect("stdin");
        pipe.write_all(bytes).await.expect("write stdin");
        drop(pipe);
    }
    let output = child.wait_with_output().await.expect("squall output");
    Run {
        code: output.status.code().unwrap_or(-1),
        stdout: String::from_utf8_lossy(&output.stdout).into_owned(),
        stderr: String::from_utf8_lossy(&output.stderr).into_owned(),
    }
}

async fn squall(ls: &LocalStack, args: &[&str]) -> Run {
    squall_with(Some(&ls.endpoint()), args, None).await
}

fn ok(args: &[&str], run: &Run) {
    assert_eq!(
        run.code, 0,
        "squall {args:?}\nstdout:\n{}\nstderr:\n{}",
        run.stdout, run.stderr
    );
}

async fn visible_and_in_flight(sqs: &aws_sdk_sqs::Client, url: &str) -> (u64, u64) {
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
    let read = |name| {
        attributes
            .get(&name)
            .and_then(|v| v.parse().ok())
            .unwrap_or(0)
    };
    (
        read(QueueAttributeName::ApproximateNumberOfMessages),
        read(QueueAttributeName::ApproximateNumberOfMessagesNotVisible),
    )
}

/// The receive counts SQS reports now (one plain receive, released at once).
async fn receive_counts(sqs: &aws_sdk_sqs::Client, url: &str) -> Vec<u64> {
    let messages = sqs
        .receive_message()
        .queue_url(url)
        .max_number_of_messages(10)
        .visibility_timeout(0)
        .wait_time_seconds(1)
        .message_system_attribute_names(MessageSystemAttributeName::ApproximateReceiveCount)
        .send()
        .await
        .expect("ReceiveMessage")
        .messages
        .unwrap_or_default();
    let mut counts: Vec<u64> = messages
        .iter()
        .filter_map(|m| {
            m.attributes()
                .and_then(|a| a.get(&MessageSystemAttributeName::ApproximateReceiveCount))
                .and_then(|v| v.parse().ok())
        })
        .collect();
    counts.sort_unstable();
    counts
}

fn json(text: &str) -> Value {
    serde_json::from_str(text).unwrap_or_else(|e| panic!("not JSON ({e}): {text}"))
}

#[test]
fn each_verb_documents_its_exit_codes() {
    for (verb, codes) in [
        ("peek", &["4 ", "5 ", "130"][..]),
        ("export", &["4 ", "5 ", "130"][..]),
        ("send", &["3 ", "130"][..]),
        ("publish", &["3 "][..]),
        ("purge", &["3 ", "5 "][..]),
    ] {
        let output = std::process::Command::new(env!("CARGO_BIN_EXE_squall"))
            .args([verb, "--help"])
            .output()
            .expect("help");
        let help = String::from_utf8_lossy(&output.stdout);
        assert!(output.status.success(), "{verb} --help");
        assert!(help.contains("Exit codes:"), "{verb}: {help}");
        for code in codes {
            assert!(
                help.lines().any(|l| l.trim_start().starts_with(code)),
                "{verb} --help lacks exit code {code}: {help}"
            );
        }
    }
}

/// In read-only mode (flag or config) the writing verbs stop before any call, with exit 3:
/// here against the demo fleet, which needs no network.
#[tokio::test]
async fn read_only_refuses_writing_verbs_with_exit_3() {
    let config_dir = tempfile::tempdir().expect("tempdir");
    let config = config_dir.path().join("squall.toml");
    std::fs::write(&config, "[general]\nread_only = true\n").expect("config");
    let config = config.display().to_string();
    for read_only in [vec!["--read-only"], vec!["--config", config.as_str()]] {
        for verb in [
            vec!["send", "orders", "--body", "x"],
            vec!["publish", "order-events", "--message", "x"],
            vec!["purge", "orders", "--yes"],
        ] {
            let args: Vec<&str> = ["--demo"]
                .into_iter()
                .chain(read_only.iter().copied())
                .chain(verb.iter().copied())
                .collect();
            let run = squall_with(None, &args, None).await;
            assert_eq!(run.code, 3, "{args:?}: {}", run.stderr);
            assert!(run.stderr.contains("read-only"), "{args:?}: {}", run.stderr);
            assert!(run.stdout.is_empty(), "{args:?}: {}", run.stdout);
        }
    }
}

/// Read-only against a real endpoint: send, publish and purge are refused and the queue
/// holds what it held; the same publish without --read-only arrives, so the check can fail.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn read_only_changes_nothing() {
    let ls = localstack();
    let (sqs, sns) = (ls.sqs().await, ls.sns().await);
    let name = unique_name("ro");
    let (url, arn) = create_queue(&sqs, &name, &[]).await;
    let topic_arn = create_topic(&sns, &name, &[]).await;
    subscribe_queue(&sns, &topic_arn, &arn, &[("RawMessageDelivery", "true")]).await;
    send_messages(&sqs, &url, 3).await;

    for args in [
        vec!["--read-only", "send", name.as_str(), "--body", "new"],
        vec!["--read-only", "purge", name.as_str(), "--yes"],
        vec![
            "--read-only",
            "publish",
            topic_arn.as_str(),
            "--message",
            "m",
        ],
    ] {
        let run = squall(ls, &args).await;
        assert_eq!(run.code, 3, "{args:?}: {}", run.stderr);
        assert!(run.stderr.contains("refusing to"), "{}", run.stderr);
    }
    tokio::time::sleep(Duration::from_secs(1)).await;
    assert_eq!(visible_and_in_flight(&sqs, &url).await, (3, 0));

    let args = ["publish", name.as_str(), "--message", "m"];
    let run = squall(ls, &args).await;
    ok(&args, &run);
    assert!(
        run.stdout
            .starts_with(&format!("published to {name}: message id "))
    );
    let arrived = wait_until(Duration::from_secs(10), || async {
        visible_and_in_flight(&sqs, &url).await.0 == 4
    })
    .await;
    assert!(arrived, "the publish reached the queue");
}

/// A queue with a redrive policy is not peeked without --yes (exit 5, the risk explained,
/// nothing received); with --yes the counts show against maxReceiveCount, and messages at
/// the limit are flagged.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn peek_of_a_redrive_queue_needs_yes_and_flags_the_limit() {
    let ls = localstack();
    let sqs = ls.sqs().await;
    let name = unique_name("pk");
    let (_, dlq_arn) = create_queue(&sqs, &format!("{name}-dlq"), &[]).await;
    let (url, _) = create_queue(&sqs, &name, &[]).await;
    set_redrive(&sqs, &url, &dlq_arn, 2).await;
    send_messages(&sqs, &url, 2).await;

    let run = squall(ls, &["peek", &name]).await;
    assert_eq!(run.code, 5, "{}", run.stderr);
    for needle in [
        "redrive policy",
        "maxReceiveCount 2",
        &format!("{name}-dlq"),
        "--yes",
    ] {
        assert!(run.stderr.contains(needle), "{needle}: {}", run.stderr);
    }
    assert!(run.stdout.is_empty());
    assert_eq!(
        receive_counts(&sqs, &url).await,
        vec![1, 1],
        "nothing was received"
    );

    let args = ["peek", name.as_str(), "--yes", "--json"];
    let run = squall(ls, &args).await;
    ok(&args, &run);
    let records = json(&run.stdout);
    let records = records.as_array().expect("array");
    assert_eq!(records.len(), 2);
    for record in records {
        assert_eq!(record["receive_count"], 2);
        assert_eq!(record["max_receive_count"], 2);
        assert_eq!(record["at_receive_limit"], true);
    }
    assert_eq!(
        visible_and_in_flight(&sqs, &url).await,
        (2, 0),
        "visible again"
    );

    // The human list says so too; the next receive (this peek's) dead-letters them.
    let dlq_url = url.replace(&name, &format!("{name}-dlq"));
    let args = ["peek", dlq_url.as_str(), "-n", "5"];
    let run = squall(ls, &args).await;
    ok(&args, &run);
    assert!(
        run.stdout.contains("no message came back"),
        "{}",
        run.stdout
    );
    let args = ["peek", name.as_str(), "--yes"];
    let run = squall(ls, &args).await;
    ok(&args, &run);
    assert!(
        run.stdout.contains("no message came back"),
        "{}",
        run.stdout
    );
    let args = ["peek", dlq_url.as_str(), "-n", "5"];
    let run = squall(ls, &args).await;
    ok(&args, &run);
    assert!(
        run.stdout.contains("a sample of 2 messages, not a listing"),
        "{}",
        run.stdout
    );
    assert!(run.stdout.contains("(dead-lettered)"), "{}", run.stdout);
}

/// `peek --json` carries the exact body, every attribute (binary as base64), the system
/// attributes, and for an SNS envelope its fields; the human list escapes what a terminal
/// would obey.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn peek_json_and_human_output() {
    let ls = localstack();
    let (sqs, sns) = (ls.sqs().await, ls.sns().await);
    let name = unique_name("pj");
    let (url, arn) = create_queue(&sqs, &name, &[]).await;
    let topic_arn = create_topic(&sns, &name, &[]).await;
    subscribe_queue(&sns, &topic_arn, &arn, &[]).await;

    let body = "{\"order\":7,\"note\":\"ünï \\\"q\\\" \u{9b}31m \u{202e}gnp.exe\"}";
    let args = [
        "send",
        name.as_str(),
        "--body",
        body,
        "--attr",
        "blob:Binary=AAH/",
        "--attr",
        "n:Number=12",
    ];
    let run = squall(ls, &args).await;
    ok(&args, &run);
    let inner = "alert \u{1b}]52;c;ZXZpbA==\u{7} then \u{1b}[2J";
    let args = [
        "publish",
        topic_arn.as_str(),
        "--message",
        inner,
        "--subject",
        "Sub",
        "--attr",
        "kind=alert",
    ];
    let run = squall(ls, &args).await;
    ok(&args, &run);
    let sns_id = run
        .stdout
        .trim()
        .rsplit(' ')
        .next()
        .expect("message id")
        .to_string();
    assert!(
        wait_until(Duration::from_secs(10), || async {
            visible_and_in_flight(&sqs, &url).await.0 == 2
        })
        .await
    );

    let args = ["peek", name.as_str(), "--json"];
    let run = squall(ls, &args).await;
    ok(&args, &run);
    assert!(!run.stdout.contains('\u{1b}') && !run.stdout.contains('\u{9b}'));
    let records = json(&run.stdout);
    let records = records.as_array().expect("array");
    assert_eq!(records.len(), 2, "{records:#?}");
    let plain = records.iter().find(|r| r["sns"].is_null()).expect("plain");
    assert_eq!(plain["body"], body);
    assert_eq!(plain["md5_of_body"].as_str().map(str::len), Some(32));
    assert_eq!(plain["message_attributes"]["blob"]["data_type"], "Binary");
    assert_eq!(plain["message_attributes"]["blob"]["binary_value"], "AAH/");
    assert_eq!(plain["message_attributes"]["n"]["string_value"], "12");
    assert_eq!(plain["attributes"]["ApproximateReceiveCount"], "1");
    assert_eq!(plain["receive_count"], 1);
    assert!(plain["max_receive_count"].is_null());
    assert!(plain["message_id"].is_string());
    let wrapped = records
        .iter()
        .find(|r| !r["sns"].is_null())
        .expect("envelope");
    assert_eq!(wrapped["sns"]["message"], inner);
    assert_eq!(wrapped["sns"]["topic_arn"], topic_arn.as_str());
    assert_eq!(wrapped["sns"]["message_id"], sns_id.as_str());
    assert_eq!(wrapped["sns"]["subject"], "Sub");
    assert!(wrapped["sns"]["timestamp"].is_string());
    assert_eq!(
        wrapped["sns"]["message_attributes"]["kind"]["value"],
        "alert"
    );

    let args = ["peek", name.as_str()];
    let run = squall(ls, &args).await;
    ok(&args, &run);
    let raw: Vec<char> = run
        .stdout
        .chars()
        .filter(|&c| (c.is_control() && c != '\n') || ('\u{202a}'..='\u{202e}').contains(&c))
        .collect();
    assert!(raw.is_empty(), "raw {raw:?} in:\n{}", run.stdout);
    for needle in [
        "a sample of 2 messages, not a listing",
        "SNS envelope",
        "alert \\x1b]52;c;ZXZpbA==\\x07 then \\x1b[2J",
        "<U+009B>31m <U+202E>gnp.exe",
        "blob  Binary  3 bytes  base64 AAH/  hex 00 01 ff",
        "receives  2 (no redrive policy)",
    ] {
        assert!(
            run.stdout.contains(needle),
            "{needle:?} not in:\n{}",
            run.stdout
        );
    }
}

fn lines_of(path: &std::path::Path) -> Vec<Value> {
    std::fs::read_to_string(path)
        .expect("export file")
        .lines()
        .map(json)
        .collect()
}

/// Body and attributes of each exported message, for comparing queues.
fn contents(records: &[Value]) -> BTreeSet<String> {
    records
        .iter()
        .map(|r| format!("{}|{}", r["body"], r["message_attributes"]))
        .collect()
}

mod cli_messages_export;
