//! `squall redrive` as a user meets it on the simulated world (`--demo`): the plan first,
//! nothing without `--yes`, read-only refusing, a canary that prints how to go on (and one
//! watched for its verdict), a
//! journal read back, and bad input refused before anything is asked.

use assert_cmd::Command;
use predicates::prelude::*;

/// squall with no AWS settings, a home and a data dir of its own.
fn squall(home: &tempfile::TempDir) -> Command {
    let mut cmd = Command::cargo_bin("squall").expect("binary");
    cmd.env_clear()
        .env("HOME", home.path())
        .env("XDG_CONFIG_HOME", home.path().join(".config"))
        .env("SQUALL_DATA_DIR", home.path().join("data"))
        .env("AWS_EC2_METADATA_DISABLED", "true");
    cmd
}

#[test]
fn dry_run_prints_the_plan_and_changes_nothing() {
    let home = tempfile::tempdir().expect("tempdir");
    let out = squall(&home)
        .args([
            "--demo",
            "redrive",
            "webhooks-outbound-dlq",
            "--dry-run",
            "--json",
        ])
        .assert()
        .success()
        .get_output()
        .stdout
        .clone();
    let plan: serde_json::Value = serde_json::from_slice(&out).expect("json");
    assert_eq!(plan["mode"], "native");
    assert_eq!(plan["sources"][0], "webhooks-outbound");
    assert_eq!(plan["visible"], 1289);
    // The plan names the one context it runs in.
    assert_eq!(plan["context"]["region"], "us-east-1", "{plan}");
    assert!(plan["context"]["account"].is_string(), "{plan}");
    assert!(
        plan["warnings"]
            .as_array()
            .expect("warnings")
            .iter()
            .any(|w| w.as_str().is_some_and(|w| w.contains("Disabled"))),
        "the disabled consumer is a warning: {plan}"
    );
    assert!(
        !home.path().join("data").exists(),
        "no journal for a dry run"
    );
}

#[test]
fn without_yes_the_plan_goes_to_stderr_and_nothing_moves() {
    let home = tempfile::tempdir().expect("tempdir");
    squall(&home)
        .args(["--demo", "redrive", "webhooks-outbound-dlq"])
        .assert()
        .code(5)
        .stdout("")
        .stderr(
            predicate::str::contains("redrive plan for webhooks-outbound-dlq")
                .and(predicate::str::contains(
                    "\n  context    default/us-east-1 (account ",
                ))
                .and(predicate::str::contains("without --yes")),
        );
}

#[test]
fn read_only_refuses_with_exit_3() {
    let home = tempfile::tempdir().expect("tempdir");
    squall(&home)
        .args([
            "--demo",
            "--read-only",
            "redrive",
            "webhooks-outbound-dlq",
            "--yes",
        ])
        .assert()
        .code(3)
        .stderr(predicate::str::contains("read-only"));
}

#[test]
fn a_canary_moves_n_then_prints_the_command_for_the_rest() {
    let home = tempfile::tempdir().expect("tempdir");
    let assert = squall(&home)
        .args([
            "--demo",
            "redrive",
            "payments-dlq.fifo",
            "--canary",
            "5",
            "--no-watch",
            "--yes",
            "--json",
        ])
        .assert()
        .success()
        .stderr(
            predicate::str::contains("canary of 5 moved").and(predicate::str::contains(
                "squall redrive payments-dlq.fifo --yes",
            )),
        );
    let summary: serde_json::Value =
        serde_json::from_slice(&assert.get_output().stdout).expect("json");
    assert_eq!(summary["mode"], "manual", "a canary needs the manual mover");
    assert_eq!(summary["end"], "limit_reached");
    assert_eq!(summary["moved"], 5);
    assert_eq!(summary["left_in_dlq"], 12);
    let journal = summary["journal"]
        .as_str()
        .expect("journal path")
        .to_string();

    let shown = squall(&home)
        .args(["redrive", "--journal", &journal, "--json"])
        .assert()
        .success()
        .get_output()
        .stdout
        .clone();
    let report: serde_json::Value = serde_json::from_slice(&shown).expect("json");
    assert_eq!(report["moved"], 5);
    assert_eq!(report["runs_ended"], 1);
    assert_eq!(report["finished"], true);
    assert_eq!(report["sent_not_deleted"], 0);
}

/// A canary of an SNS subscription's DLQ back to its queue, whose consumer is healthy,
/// watched for three seconds: shorter than one CloudWatch period, so nothing seen is not yet
/// safe: unknown, exit 7; the JSON carries the verdict beside the summary, stderr the watch
/// and no command for the rest. (Safe after a full watch: `redrive::canary::tests`.)
#[test]
fn a_canary_watched_shorter_than_one_metric_period_is_unknown_exit_7() {
    let home = tempfile::tempdir().expect("tempdir");
    let assert = squall(&home)
        .args([
            "--demo",
            "redrive",
            "order-events-email-sub-dlq",
            "--canary",
            "2",
            "--watch",
            "3s",
            "--yes",
            "--json",
        ])
        .assert()
        .code(7)
        .stderr(predicate::str::contains("watching the canary").and(
            predicate::str::contains("squall redrive order-events-email-sub-dlq --yes").not(),
        ));
    let out: serde_json::Value = serde_json::from_slice(&assert.get_output().stdout).expect("json");
    assert_eq!(out["moved"], 2, "the summary is there: {out}");
    let canary = &out["canary"];
    assert_eq!(canary["verdict"], "unknown", "{canary}");
    assert_eq!(canary["moved"], 2);
    assert_eq!(canary["back_in_dlq"], 0);
    assert_eq!(canary["errors"], 0);
    assert_eq!(canary["watch_length_s"], 3);
    assert_eq!(canary["consumers"][0], "email-sender");
    assert_eq!(
        canary["line"],
        "canary: 2 moved, 0 back in the DLQ, consumer errors 0 in 3s → unknown: a 3s watch is \
         shorter than one CloudWatch period (1m), its errors are not in yet"
    );
}

#[test]
fn bad_input_is_refused_before_anything_is_asked() {
    let home = tempfile::tempdir().expect("tempdir");
    squall(&home)
        .args([
            "--demo",
            "redrive",
            "webhooks-outbound-dlq",
            "--filter",
            "/[/",
            "--yes",
        ])
        .assert()
        .code(1)
        .stderr(predicate::str::contains("--filter /[/"));
    squall(&home)
        .args([
            "--demo",
            "redrive",
            "webhooks-outbound-dlq",
            "--older-than",
            "soon",
        ])
        .assert()
        .code(1)
        .stderr(predicate::str::contains("--older-than soon"));
    squall(&home)
        .args(["--demo", "redrive", "no-such-queue", "--dry-run"])
        .assert()
        .code(1)
        .stderr(predicate::str::contains("no-such-queue"));
    squall(&home)
        .args([
            "--demo",
            "redrive",
            "webhooks-outbound-dlq",
            "--mode",
            "native",
            "--limit",
            "3",
            "--dry-run",
        ])
        .assert()
        .code(1)
        .stderr(predicate::str::contains("--mode native cannot"));
    squall(&home)
        .args([
            "--demo",
            "redrive",
            "webhooks-outbound-dlq",
            "--canary",
            "3",
            "--watch",
            "soon",
            "--yes",
        ])
        .assert()
        .code(2)
        .stderr(predicate::str::contains("--watch soon"));
    // Zero is refused the same way: a usage error, exit 2, as the README's table says.
    squall(&home)
        .args([
            "--demo",
            "redrive",
            "webhooks-outbound-dlq",
            "--canary",
            "3",
            "--watch",
            "0s",
            "--yes",
        ])
        .assert()
        .code(2)
        .stderr(predicate::str::contains("between 1s and 1h"));
    squall(&home)
        .args([
            "--demo",
            "redrive",
            "webhooks-outbound-dlq",
            "--watch",
            "5s",
        ])
        .assert()
        .code(2)
        .stderr(predicate::str::contains("--canary"));
    squall(&home)
        .args(["redrive", "--journal", "/nonexistent/journal.jsonl"])
        .assert()
        .code(1)
        .stderr(predicate::str::contains("cannot read the journal"));
}

/// The demo's shipping-notifier fails its asynchronous invokes for its first minutes: five
/// minutes in, its DLQ holds their events, and the plan goes back to the function.
#[test]
fn a_function_dlq_plans_the_invoke_route_and_warns_of_concurrency() {
    let home = tempfile::tempdir().expect("tempdir");
    let text = squall(&home)
        .args([
            "--demo",
            "--demo-skip-s",
            "300",
            "redrive",
            "shipping-notifier-dlq",
            "--dry-run",
        ])
        .assert()
        .success()
        .get_output()
        .stdout
        .clone();
    let text = String::from_utf8(text).expect("utf-8");
    assert!(
        text.contains("mode       manual (receive, invoke asynchronously, delete)"),
        "{text}"
    );
    assert!(
        text.contains(
            "to         invoke shipping-notifier asynchronously (InvocationType=Event) with \
             each message's original event; this DLQ is its function DLQ"
        ),
        "{text}"
    );
    assert!(text.contains("add to the function's concurrency"), "{text}");
    let json = squall(&home)
        .args([
            "--demo",
            "--demo-skip-s",
            "300",
            "redrive",
            "shipping-notifier-failures",
            "--dry-run",
            "--json",
        ])
        .assert()
        .success()
        .get_output()
        .stdout
        .clone();
    let plan: serde_json::Value = serde_json::from_slice(&json).expect("json");
    assert_eq!(plan["invoke"]["function"], "shipping-notifier");
    assert_eq!(plan["invoke"]["kind"], "on-failure destination");
    assert!(plan["visible"].as_u64().is_some_and(|n| n > 0), "{plan}");
    assert!(
        !home.path().join("data").exists(),
        "no journal for a dry run"
    );
}

/// Read-only holds no invoker: the invoke route is refused like any other redrive.
#[test]
fn read_only_refuses_the_invoke_route_too() {
    let home = tempfile::tempdir().expect("tempdir");
    squall(&home)
        .args([
            "--demo",
            "--demo-skip-s",
            "300",
            "--read-only",
            "redrive",
            "shipping-notifier-dlq",
            "--yes",
        ])
        .assert()
        .code(3)
        .stderr(predicate::str::contains("read-only"));
}

/// A demo's journals are its own: in a folder of its own under the data dir, listed
/// neither by a real run nor by the next demo process (the demo's message ids repeat, so
/// another run must never resume from them).
#[test]
fn a_demo_keeps_its_journals_out_of_real_runs_and_other_demos() {
    let home = tempfile::tempdir().expect("tempdir");
    let assert = squall(&home)
        .args(["--demo", "redrive", "payments-dlq.fifo", "--canary", "2"])
        .args(["--no-watch", "--yes", "--json"])
        .assert()
        .success();
    let summary: serde_json::Value =
        serde_json::from_slice(&assert.get_output().stdout).expect("json");
    let journal = summary["journal"].as_str().expect("journal path");
    assert!(
        std::path::Path::new(journal).starts_with(home.path().join("data/demo")),
        "{journal}"
    );
    for args in [
        &["redrive", "--journal", "--json"][..],
        &["--demo", "redrive", "--journal", "--json"],
    ] {
        let listed = squall(&home).args(args).assert().success();
        let listed: serde_json::Value =
            serde_json::from_slice(&listed.get_output().stdout).expect("json");
        assert_eq!(listed, serde_json::json!([]), "{args:?}");
    }
}
