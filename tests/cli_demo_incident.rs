//! The incident `squall --demo` tells, seen from the command line: calm at start, the
//! shipping DLQ burning once the story has run past the incident (skipped into with the
//! hidden demo knobs), and the story's miswired subscription DLQ in `doctor`.

use assert_cmd::Command;
use serde_json::Value;

fn squall(home: &tempfile::TempDir) -> Command {
    let mut cmd = Command::cargo_bin("squall").expect("binary");
    cmd.env_clear()
        .env("HOME", home.path())
        .env("XDG_CONFIG_HOME", home.path().join(".config"))
        .env("AWS_EC2_METADATA_DISABLED", "true");
    cmd
}

/// `args` run on the demo, its JSON output (whatever the exit code says about findings).
fn json(cmd: &mut Command, args: &[&str]) -> Vec<Value> {
    let output = cmd.args(args).output().expect("run");
    let parsed: Value = serde_json::from_slice(&output.stdout).unwrap_or_else(|e| {
        panic!("{e}: {}", String::from_utf8_lossy(&output.stderr));
    });
    parsed.as_array().expect("array").clone()
}

fn about<'a>(problems: &'a [Value], resource: &str) -> Vec<&'a Value> {
    problems
        .iter()
        .filter(|p| p["resource"] == resource)
        .collect()
}

#[test]
fn the_demo_opens_calm_on_the_shipping_fan_out() {
    let home = tempfile::tempdir().expect("tempdir");
    let problems = json(&mut squall(&home), &["--demo", "health", "--json"]);
    assert!(about(&problems, "shipping-dispatch-dlq").is_empty());
    assert!(about(&problems, "shipping-dispatcher").is_empty());
}

#[test]
fn past_the_incident_the_board_shows_the_shipping_dlq_and_its_failing_consumer() {
    let home = tempfile::tempdir().expect("tempdir");
    let problems = json(
        squall(&home)
            .env("SQUALL_DEMO_INCIDENT_AFTER_S", "0")
            .env("SQUALL_DEMO_SKIP_S", "420"),
        &["--demo", "health", "--json"],
    );
    let dlq = about(&problems, "shipping-dispatch-dlq");
    assert!(
        dlq.iter()
            .any(|p| p["severity"] == "critical" && p["value"].as_f64() > Some(0.0)),
        "{dlq:?}"
    );
    let consumer = about(&problems, "shipping-dispatcher");
    assert!(
        consumer.iter().any(|p| p["problem"]
            .as_str()
            .is_some_and(|t| t.contains("error rate"))),
        "{consumer:?}"
    );
}

#[test]
fn doctor_names_the_subscription_dlq_sns_cannot_send_to() {
    let home = tempfile::tempdir().expect("tempdir");
    let findings = json(&mut squall(&home), &["--demo", "doctor", "--json"]);
    let policy: Vec<&Value> = findings
        .iter()
        .filter(|f| f["rule"] == "sns-dlq-policy")
        .collect();
    assert_eq!(policy.len(), 1, "{policy:?}");
    assert_eq!(policy[0]["severity"], "error");
    assert_eq!(
        policy[0]["resources"][0],
        "arn:aws:sqs:us-east-1:123456789012:customer-notify-sub-dlq"
    );
}
