//! `squall redrive` as a user meets it on the simulated world (`--demo`): the plan first,
//! nothing without `--yes`, read-only refusing, a canary that prints how to go on, a
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
        .args(["redrive", "--journal", "/nonexistent/journal.jsonl"])
        .assert()
        .code(1)
        .stderr(predicate::str::contains("cannot read the journal"));
}
