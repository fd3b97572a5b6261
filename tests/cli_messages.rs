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

/// "Export the DLQ, fix the bug, send them back": a queue exported and replayed into an empty
/// queue holds the same bodies and attributes.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn export_then_send_from_round_trips() {
    let ls = localstack();
    let sqs = ls.sqs().await;
    let name = unique_name("rt");
    let (source_url, _) = create_queue(&sqs, &name, &[("MaximumMessageSize", "1048576")]).await;
    let (target_url, _) = create_queue(&sqs, &format!("{name}-back"), &[]).await;
    let big = format!("{{\"pad\":\"{}\"}}", "é".repeat(100_000));
    let bodies = [
        "{\"a\":[1,2,{\"b\":null}]}".to_string(),
        "ünïcödé ✓ 中文 \u{9b} \u{202e}x\u{202c}".to_string(),
        "tabs\tand\nnewlines\r\n".to_string(),
        big,
    ];
    let dir = tempfile::tempdir().expect("tempdir");
    for (i, body) in bodies.iter().enumerate() {
        // A file: a 200 KB argument is more than one argument may hold.
        let body_file = dir.path().join(format!("body-{i}"));
        std::fs::write(&body_file, body).expect("body file");
        let body_path = body_file.display().to_string();
        let attr = format!("i:Number={i}");
        let args = [
            "send",
            name.as_str(),
            "--body-file",
            body_path.as_str(),
            "--attr",
            attr.as_str(),
            "--attr",
            "bin:Binary=AP8B",
            "--attr",
            "tag:String.custom=ok",
        ];
        ok(&args, &squall(ls, &args).await);
    }
    let exported = dir.path().join("export.ndjson");
    let out = exported.display().to_string();
    let args = ["export", name.as_str(), "--out", out.as_str()];
    let run = squall(ls, &args).await;
    ok(&args, &run);
    assert!(run.stderr.contains("exported 4 messages"), "{}", run.stderr);
    let source = lines_of(&exported);
    assert_eq!(source.len(), 4);
    assert_eq!(visible_and_in_flight(&sqs, &source_url).await, (4, 0));

    let target = format!("{name}-back");
    let args = ["send", target.as_str(), "--from", out.as_str()];
    let run = squall(ls, &args).await;
    ok(&args, &run);
    assert!(
        run.stdout.contains("sent 4 of 4 messages"),
        "{}",
        run.stdout
    );
    assert_eq!(visible_and_in_flight(&sqs, &target_url).await, (4, 0));

    let back = dir.path().join("back.ndjson");
    let back_out = back.display().to_string();
    let args = ["export", target.as_str(), "--out", back_out.as_str()];
    ok(&args, &squall(ls, &args).await);
    let replayed = lines_of(&back);
    assert_eq!(
        contents(&replayed),
        contents(&source),
        "bodies and attributes equal"
    );
    let sizes: BTreeSet<usize> = replayed
        .iter()
        .map(|r| r["body"].as_str().map_or(0, str::len))
        .collect();
    assert!(
        sizes.contains(&(bodies[3].len())),
        "the 200 KB body came back whole"
    );

    // The export never overwrites.
    let run = squall(ls, &["export", name.as_str(), "--out", out.as_str()]).await;
    assert_eq!(run.code, 1);
    assert!(run.stderr.contains("exists"), "{}", run.stderr);
}

/// A FIFO export replays with its groups; replaying the same file again within the dedup
/// window sends nothing twice.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_fifo_replay_keeps_groups_and_sends_each_line_once() {
    let ls = localstack();
    let sqs = ls.sqs().await;
    let name = unique_name("fr");
    let source = format!("{name}.fifo");
    let target = format!("{name}-back.fifo");
    let (source_url, _) = create_queue(&sqs, &source, &[]).await;
    let (target_url, _) = create_queue(&sqs, &target, &[]).await;
    for (i, group) in ["a", "b", "a"].iter().enumerate() {
        let dedup = format!("d{i}");
        let body = format!("m{i}");
        let args = [
            "send",
            &source,
            "--body",
            &body,
            "--group-id",
            group,
            "--dedup-id",
            &dedup,
        ];
        ok(&args, &squall(ls, &args).await);
    }
    let dir = tempfile::tempdir().expect("tempdir");
    let file = dir.path().join("fifo.ndjson");
    let out = file.display().to_string();
    let args = ["export", source.as_str(), "--out", out.as_str()];
    ok(&args, &squall(ls, &args).await);
    assert_eq!(visible_and_in_flight(&sqs, &source_url).await, (3, 0));
    let exported = lines_of(&file);
    assert_eq!(exported.len(), 3, "both groups exported");

    for _ in 0..2 {
        let args = ["send", target.as_str(), "--from", out.as_str()];
        ok(&args, &squall(ls, &args).await);
    }
    assert_eq!(
        visible_and_in_flight(&sqs, &target_url).await,
        (3, 0),
        "no duplicates"
    );
    let back = dir.path().join("back.ndjson");
    let back_out = back.display().to_string();
    let args = ["export", target.as_str(), "--out", back_out.as_str()];
    ok(&args, &squall(ls, &args).await);
    let groups: BTreeSet<(String, String)> = lines_of(&back)
        .iter()
        .map(|r| (r["body"].to_string(), r["group_id"].to_string()))
        .collect();
    let expected: BTreeSet<(String, String)> = exported
        .iter()
        .map(|r| (r["body"].to_string(), r["group_id"].to_string()))
        .collect();
    assert_eq!(groups, expected);
}

/// A file with bad lines sends nothing and names every bad line; a body from stdin works.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn send_checks_everything_before_sending() {
    let ls = localstack();
    let sqs = ls.sqs().await;
    let name = unique_name("chk");
    let (url, _) = create_queue(&sqs, &name, &[]).await;
    let dir = tempfile::tempdir().expect("tempdir");
    let file = dir.path().join("bad.ndjson");
    std::fs::write(
        &file,
        "{\"body\":\"good\"}\nnot json\n{\"body\":\"\"}\n{\"body\":\"esc \\u001b\"}\n",
    )
    .expect("write");
    let path = file.display().to_string();
    let run = squall(ls, &["send", &name, "--from", &path]).await;
    assert_eq!(run.code, 1, "{}", run.stderr);
    for needle in [
        "line 2:",
        "line 3:",
        "line 4:",
        "U+001B",
        "nothing was sent",
    ] {
        assert!(run.stderr.contains(needle), "{needle}: {}", run.stderr);
    }
    assert!(!run.stderr.contains("line 1:"), "{}", run.stderr);
    assert_eq!(visible_and_in_flight(&sqs, &url).await, (0, 0));

    let run = squall(ls, &["send", &name, "--body", "x", "--dedup-id", "d"]).await;
    assert_eq!(run.code, 1);
    assert!(run.stderr.contains("only FIFO"), "{}", run.stderr);

    let body = "from stdin\nwith two lines";
    let args = ["send", name.as_str(), "--body-file", "-", "--delay", "0"];
    let run = squall_with(Some(&ls.endpoint()), &args, Some(body.as_bytes())).await;
    ok(&args, &run);
    let args = ["peek", name.as_str(), "--json"];
    let run = squall(ls, &args).await;
    ok(&args, &run);
    assert_eq!(json(&run.stdout)[0]["body"], body);
}

/// Purge without --yes says what would be lost and deletes nothing (exit 5); with --yes the
/// queue is emptied.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn purge_needs_yes() {
    let ls = localstack();
    let sqs = ls.sqs().await;
    let name = unique_name("pg");
    let (url, _) = create_queue(&sqs, &name, &[]).await;
    send_messages(&sqs, &url, 7).await;
    let run = squall(ls, &["purge", &name]).await;
    assert_eq!(run.code, 5, "{}", run.stderr);
    assert!(run.stderr.contains("about 7 now"), "{}", run.stderr);
    assert!(run.stderr.contains("--yes"), "{}", run.stderr);
    assert_eq!(visible_and_in_flight(&sqs, &url).await, (7, 0));

    let args = ["purge", name.as_str(), "--yes"];
    let run = squall(ls, &args).await;
    ok(&args, &run);
    assert!(run.stdout.contains("purged"), "{}", run.stdout);
    let emptied = wait_until(Duration::from_secs(10), || async {
        visible_and_in_flight(&sqs, &url).await == (0, 0)
    })
    .await;
    assert!(emptied);
}

/// Ctrl-C during a sweep: squall stops between receives, makes every message it read visible
/// again, prints what it read, and exits 130.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn ctrl_c_during_a_sweep_releases_everything() {
    let ls = localstack();
    let sqs = ls.sqs().await;
    let name = unique_name("cc");
    let (url, _) = create_queue(&sqs, &name, &[("VisibilityTimeout", "600")]).await;
    send_messages(&sqs, &url, 600).await;
    let home = tempfile::tempdir().expect("tempdir");
    let child = tokio::process::Command::new(env!("CARGO_BIN_EXE_squall"))
        .args([
            "--endpoint-url",
            &ls.endpoint(),
            "--region",
            support::REGION,
        ])
        .args(["peek", &name, "-n", "600", "--json"])
        .env("HOME", home.path())
        .env("AWS_ACCESS_KEY_ID", "test")
        .env("AWS_SECRET_ACCESS_KEY", "test")
        .env("AWS_EC2_METADATA_DISABLED", "true")
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .kill_on_drop(true)
        .spawn()
        .expect("spawn");
    let pid = i32::try_from(child.id().expect("pid")).expect("pid fits");
    // Wait until the sweep holds some messages, then interrupt it.
    let holding = wait_until(Duration::from_secs(20), || async {
        visible_and_in_flight(&sqs, &url).await.1 >= 50
    })
    .await;
    assert!(holding, "the sweep did not start");
    // SAFETY: sends SIGINT to our own child process.
    assert_eq!(unsafe { libc::kill(pid, libc::SIGINT) }, 0);
    let output = child.wait_with_output().await.expect("output");
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert_eq!(output.status.code(), Some(130), "{stderr}");
    assert!(stderr.contains("cancelled after"), "{stderr}");
    let read = json(&String::from_utf8_lossy(&output.stdout))
        .as_array()
        .map(Vec::len)
        .unwrap_or(0);
    assert!((50..600).contains(&read), "{read} messages printed");
    assert_eq!(
        visible_and_in_flight(&sqs, &url).await,
        (600, 0),
        "every message read is visible again at once, not after the 30 s hold"
    );
}
