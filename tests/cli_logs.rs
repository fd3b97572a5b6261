//! `squall logs` on the demo, past the shipping incident: the DLQ leads to the shipping
//! consumer's log group, `--errors` names the bad deploy's TypeError, `--message-id` finds
//! the invocations that failed a dead-lettered message, and a search larger than
//! `logs.max_scan_mb` is refused without --yes.

use assert_cmd::Command;
use serde_json::Value;

fn squall(home: &tempfile::TempDir) -> Command {
    let mut cmd = Command::cargo_bin("squall").expect("binary");
    cmd.env_clear()
        .env("HOME", home.path())
        .env("XDG_CONFIG_HOME", home.path().join(".config"))
        .env("AWS_EC2_METADATA_DISABLED", "true")
        .env("SQUALL_DEMO_INCIDENT_AFTER_S", "0")
        .env("SQUALL_DEMO_SKIP_S", "420");
    cmd
}

fn run(args: &[&str]) -> (i32, String, String) {
    let home = tempfile::tempdir().expect("tempdir");
    let output = squall(&home).args(args).output().expect("run");
    (
        output.status.code().unwrap_or(-1),
        String::from_utf8_lossy(&output.stdout).into_owned(),
        String::from_utf8_lossy(&output.stderr).into_owned(),
    )
}

fn json_lines(stdout: &str) -> Vec<Value> {
    stdout
        .lines()
        .map(|l| serde_json::from_str(l).unwrap_or_else(|e| panic!("{e}: {l}")))
        .collect()
}

#[test]
fn errors_of_the_shipping_dlq_name_the_bad_deploys_type_error() {
    let (code, stdout, stderr) = run(&["--demo", "logs", "shipping-dispatch-dlq", "--errors"]);
    assert_eq!(code, 0, "{stderr}");
    let first = stdout.lines().next().unwrap_or_default();
    assert!(
        first.contains("TypeError: Cannot read properties of undefined (reading '<*>')"),
        "{stdout}"
    );
    assert!(stdout.contains("in shipping-dispatcher"), "{stdout}");
    assert!(
        stderr.contains("FilterLogEvents requests from 1 log group"),
        "{stderr}"
    );

    let (code, stdout, _) = run(&[
        "--demo",
        "logs",
        "shipping-dispatch-dlq",
        "--errors",
        "--json",
    ]);
    assert_eq!(code, 0);
    let signatures = json_lines(&stdout);
    assert!(signatures[0]["count"].as_u64() > Some(10), "{stdout}");
    let example = &signatures[0]["examples"][0];
    assert_eq!(example["function"], "shipping-dispatcher");
    assert_eq!(example["log_group"], "/aws/lambda/shipping-dispatcher");
    assert_eq!(example["level"], "ERROR");
}

#[test]
fn a_dead_lettered_message_leads_to_the_invocations_that_failed_it() {
    let (code, stdout, stderr) = run(&[
        "--demo",
        "peek",
        "shipping-dispatch-dlq",
        "-n",
        "1",
        "--json",
        "--yes",
    ]);
    assert_eq!(code, 0, "{stderr}");
    let peeked: Value = serde_json::from_str(&stdout).expect("peek JSON");
    let id = peeked[0]["message_id"]
        .as_str()
        .expect("message id")
        .to_string();

    let (code, stdout, stderr) = run(&[
        "--demo",
        "logs",
        "shipping-dispatch-dlq",
        "--message-id",
        &id,
    ]);
    assert_eq!(code, 0, "{stderr}");
    assert!(stdout.contains("── invocation"), "{stdout}");
    assert!(
        stdout.contains("of shipping-dispatcher, failed"),
        "{stdout}"
    );
    assert!(stdout.contains("START RequestId:"), "{stdout}");
    assert!(stdout.contains("REPORT RequestId:"), "{stdout}");
    assert!(
        stdout.contains("at dispatch (/var/task/dispatch.js"),
        "the stack: {stdout}"
    );
    assert!(stdout.contains(&format!("messageId={id}")), "{stdout}");

    let (code, stdout, _) = run(&[
        "--demo",
        "logs",
        "shipping-dispatch-dlq",
        "--message-id",
        &id,
        "--json",
    ]);
    assert_eq!(code, 0);
    let lines = json_lines(&stdout);
    assert!(lines.iter().any(|l| l["kind"] == "start"));
    assert!(lines.iter().any(|l| l["message_ids"][0] == id.as_str()));
    for line in &lines {
        for field in [
            "function",
            "log_group",
            "stream",
            "timestamp",
            "request_id",
            "message",
        ] {
            assert!(!line[field].is_null(), "{field} in {line}");
        }
    }

    let (code, stdout, stderr) = run(&[
        "--demo",
        "logs",
        "shipping-dispatch-dlq",
        "--message-id",
        "no-such-id",
    ]);
    assert_eq!(code, 0, "{stderr}");
    assert!(stdout.is_empty(), "{stdout}");
    assert!(stderr.contains("names no-such-id"), "{stderr}");
}

#[test]
fn a_function_topic_and_queue_are_targets_and_grep_narrows() {
    let (code, stdout, stderr) = run(&[
        "--demo",
        "logs",
        "shipping-dispatcher",
        "--since",
        "2m",
        "--grep",
        "TypeError",
        "--json",
    ]);
    assert_eq!(code, 0, "{stderr}");
    let lines = json_lines(&stdout);
    assert!(!lines.is_empty());
    assert!(lines.iter().all(|l| {
        l["message"]
            .as_str()
            .is_some_and(|m| m.contains("TypeError"))
    }));

    let (code, _, stderr) = run(&["--demo", "logs", "payment-complete", "--since", "1m"]);
    assert_eq!(code, 0, "{stderr}");
    assert!(
        stderr.contains("from 3 log groups"),
        "the topic's three consumers: {stderr}"
    );

    let (code, stdout, stderr) = run(&["--demo", "logs", "customer-notify", "--since", "5m"]);
    assert_eq!(code, 0, "{stderr}");
    assert!(
        stdout.contains("customer-notifier"),
        "its custom log group: {stdout}"
    );

    let (code, _, stderr) = run(&["--demo", "logs", "nothing-here"]);
    assert_eq!(code, 1);
    assert!(
        stderr.contains("no function, queue or topic named nothing-here"),
        "{stderr}"
    );

    let (code, _, stderr) = run(&[
        "--demo",
        "logs",
        "shipping-dispatcher",
        "--grep",
        "say \"hi\"",
    ]);
    assert_eq!(code, 1);
    assert!(stderr.contains("double quote"), "{stderr}");
}

#[test]
fn a_search_larger_than_max_scan_mb_needs_yes() {
    let home = tempfile::tempdir().expect("tempdir");
    let config = home.path().join("squall.toml");
    std::fs::write(&config, "[logs]\nmax_scan_mb = 0\n").expect("config");
    let config = config.to_string_lossy().to_string();
    let args = ["--demo", "--config", &config, "logs", "shipping-dispatcher"];
    let output = squall(&home).args(args).output().expect("run");
    assert_eq!(output.status.code(), Some(5));
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(stderr.contains("logs.max_scan_mb is 0 MB"), "{stderr}");
    assert!(stderr.contains("nothing was searched"), "{stderr}");
    assert!(output.stdout.is_empty());
    let output = squall(&home).args(args).arg("--yes").output().expect("run");
    assert_eq!(output.status.code(), Some(0));
    assert!(!output.stdout.is_empty());
}
