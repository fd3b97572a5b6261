//! The binary as a user meets it: flags, errors, and the non-interactive subcommands.

use predicates::prelude::*;

mod bare_squall;
use bare_squall::squall;

#[test]
fn help_lists_the_global_flags() {
    let home = tempfile::tempdir().expect("tempdir");
    squall(&home).arg("--help").assert().success().stdout(
        predicate::str::contains("--profile")
            .and(predicate::str::contains("--region"))
            .and(predicate::str::contains("--endpoint-url"))
            .and(predicate::str::contains("--read-only"))
            .and(predicate::str::contains("--demo"))
            .and(predicate::str::contains("--config"))
            .and(predicate::str::contains("--log-file")),
    );
}

#[test]
fn short_version_prints_the_crate_version() {
    let home = tempfile::tempdir().expect("tempdir");
    squall(&home)
        .arg("-V")
        .assert()
        .success()
        .stdout(format!("squall {}\n", env!("CARGO_PKG_VERSION")));
}

/// `--version` without any AWS settings: the version, the commit, the target, and the glibc
/// this very binary needs (what decides whether it starts on a bastion).
#[test]
fn version_names_commit_target_and_glibc_floor() {
    let home = tempfile::tempdir().expect("tempdir");
    let output = squall(&home).arg("--version").assert().success();
    let text = String::from_utf8_lossy(&output.get_output().stdout).into_owned();
    let lines: Vec<&str> = text.lines().collect();
    assert_eq!(lines.len(), 4, "{text}");
    assert_eq!(lines[0], format!("squall {}", env!("CARGO_PKG_VERSION")));
    let commit = lines[1].strip_prefix("commit: ").expect("a commit line");
    assert!(
        commit == "unknown"
            || (commit.len() == 12 && commit.chars().all(|c| c.is_ascii_hexdigit())),
        "{text}"
    );
    let target = lines[2].strip_prefix("target: ").expect("a target line");
    assert!(target.starts_with(std::env::consts::ARCH), "{text}");
    let floor = lines[3].strip_prefix("glibc:  ").expect("a glibc line");
    if cfg!(target_env = "gnu") {
        let version = floor.strip_suffix(" or newer").expect("a glibc version");
        let parts: Vec<u32> = version
            .split('.')
            .map(|p| p.parse().expect("number"))
            .collect();
        assert!(parts.len() >= 2 && parts[0] == 2, "{text}");
    } else {
        assert!(
            floor.starts_with("static") || floor.starts_with("none"),
            "{text}"
        );
    }
}

#[test]
fn missing_region_names_the_fixes() {
    let home = tempfile::tempdir().expect("tempdir");
    squall(&home)
        .args(["ls", "queues"])
        .env("AWS_ACCESS_KEY_ID", "x")
        .env("AWS_SECRET_ACCESS_KEY", "y")
        .assert()
        .failure()
        .stderr(
            predicate::str::contains("no AWS region")
                .and(predicate::str::contains("--region"))
                .and(predicate::str::contains("--demo"))
                .and(predicate::str::contains("panicked").not())
                .and(predicate::str::contains("backtrace").not()),
        );
}

#[test]
fn missing_credentials_name_the_fixes() {
    let home = tempfile::tempdir().expect("tempdir");
    squall(&home)
        .args(["--region", "us-east-1", "ls", "queues"])
        .timeout(std::time::Duration::from_secs(60))
        .assert()
        .failure()
        .stderr(
            predicate::str::contains("no AWS credentials")
                .and(predicate::str::contains("--profile"))
                .and(predicate::str::contains("aws sso login"))
                .and(predicate::str::contains("--demo"))
                .and(predicate::str::contains("panicked").not()),
        );
}

#[test]
fn broken_config_names_the_file_and_line() {
    let home = tempfile::tempdir().expect("tempdir");
    let path = home.path().join("squall.toml");
    std::fs::write(&path, "[refresh]\nqueues_seconds = 10\n[keys\n").expect("write");
    squall(&home)
        .args(["--demo", "--config"])
        .arg(&path)
        .args(["ls", "queues"])
        .assert()
        .failure()
        .stderr(
            predicate::str::contains(path.display().to_string())
                .and(predicate::str::contains("line 3")),
        );
}

#[test]
fn user_config_in_the_default_location_is_read() {
    let home = tempfile::tempdir().expect("tempdir");
    let dir = home.path().join(".config/squall");
    std::fs::create_dir_all(&dir).expect("mkdir");
    std::fs::write(dir.join("config.toml"), "[aws]\nconcurrency = 0\n").expect("write");
    squall(&home)
        .args(["--demo", "ls", "queues"])
        .assert()
        .failure()
        .stderr(
            predicate::str::contains("config.toml, line 2")
                .and(predicate::str::contains("concurrency")),
        );
}

#[test]
fn missing_explicit_config_is_an_error() {
    let home = tempfile::tempdir().expect("tempdir");
    squall(&home)
        .args([
            "--demo",
            "--config",
            "/nonexistent/squall.toml",
            "ls",
            "queues",
        ])
        .assert()
        .failure()
        .stderr(predicate::str::contains("/nonexistent/squall.toml"));
}

#[test]
fn demo_ls_queues_json_is_an_array_of_queues() {
    let home = tempfile::tempdir().expect("tempdir");
    let output = squall(&home)
        .args(["--demo", "ls", "queues", "--json"])
        .output()
        .expect("run");
    assert!(
        output.status.success(),
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );
    let queues: serde_json::Value = serde_json::from_slice(&output.stdout).expect("json");
    let queues = queues.as_array().expect("array");
    assert_eq!(
        queues.len(),
        33,
        "31 and shipping-notifier's DLQ and destination"
    );
    let orders = queues
        .iter()
        .find(|q| q["name"] == "orders")
        .expect("orders");
    for field in [
        "name",
        "arn",
        "url",
        "fifo",
        "visible",
        "in_flight",
        "delayed",
        "dlq_arn",
        "max_receive_count",
    ] {
        assert!(orders.get(field).is_some(), "missing {field}");
    }
    assert_eq!(
        orders["dlq_arn"],
        "arn:aws:sqs:us-east-1:123456789012:orders-dlq"
    );
}

#[test]
fn demo_ls_queues_prints_a_table() {
    let home = tempfile::tempdir().expect("tempdir");
    squall(&home)
        .args(["--demo", "ls", "queues"])
        .assert()
        .success()
        .stdout(
            predicate::str::starts_with("NAME").and(predicate::str::contains("payments-dlq.fifo")),
        );
}

#[test]
fn unknown_subcommand_argument_is_rejected() {
    let home = tempfile::tempdir().expect("tempdir");
    squall(&home)
        .args(["ls", "buckets"])
        .assert()
        .failure()
        .stderr(predicate::str::contains("invalid value"));
}

#[test]
fn a_closed_pipe_ends_quietly() {
    let home = tempfile::tempdir().expect("tempdir");
    let mut child = std::process::Command::new(env!("CARGO_BIN_EXE_squall"))
        .args(["--demo", "ls", "topology", "--json"])
        .env("HOME", home.path())
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .expect("spawn");
    // Close the read end at once, as `| head -0` would.
    drop(child.stdout.take());
    let output = child.wait_with_output().expect("wait");
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(!stderr.contains("panicked"), "{stderr}");
    assert!(output.status.success());
}

#[test]
fn demo_ls_topology_json_is_an_array_of_topics_with_queues() {
    let home = tempfile::tempdir().expect("tempdir");
    let output = squall(&home)
        .args(["--demo", "ls", "topology", "--json"])
        .output()
        .expect("run");
    assert!(
        output.status.success(),
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );
    let topics: serde_json::Value = serde_json::from_slice(&output.stdout).expect("json");
    let orders_events = topics
        .as_array()
        .expect("array")
        .iter()
        .find(|t| t["name"] == "order-events")
        .expect("order-events");
    assert_eq!(orders_events["fifo"], false);
    let orders = orders_events["subscriptions"]
        .as_array()
        .expect("subscriptions")
        .iter()
        .find(|s| s["queue"]["name"] == "orders")
        .expect("orders subscription");
    assert_eq!(orders["protocol"], "sqs");
    assert_eq!(orders["raw_message_delivery"], true);
    assert_eq!(orders["filter_policy"]["type"][0], "order_placed");
    assert_eq!(orders["queue"]["dlq"]["name"], "orders-dlq");
    assert_eq!(
        orders["queue"]["consumers"][0]["function_name"],
        "orders-worker"
    );
    assert_eq!(orders["queue"]["consumers"][0]["batch_size"], 10);
}

#[test]
fn demo_ls_every_kind_prints_a_table() {
    let home = tempfile::tempdir().expect("tempdir");
    for (kind, expected) in [
        ("dlq", "webhooks-outbound-dlq"),
        ("topics", "payment-events.fifo"),
        ("subs", "legacy-reindex (missing)"),
        ("lambdas", "payments-processor"),
        ("topology", "MISSING"),
    ] {
        squall(&home)
            .args(["--demo", "ls", kind])
            .assert()
            .success()
            .stdout(predicate::str::contains(expected));
    }
}

/// `ls dlq` loads the functions: the demo's shipping-notifier DLQ and on-failure
/// destination are DLQs, and both outputs say the function feeds them.
#[test]
fn demo_ls_dlq_names_the_function_feeding_each_lambda_side_dlq() {
    let home = tempfile::tempdir().expect("tempdir");
    let output = squall(&home)
        .args(["--demo", "ls", "dlq"])
        .output()
        .expect("run");
    assert!(output.status.success(), "{output:?}");
    let text = String::from_utf8_lossy(&output.stdout);
    let row = |name: &str| {
        text.lines()
            .find(|l| l.starts_with(&format!("{name} ")))
            .unwrap_or_else(|| panic!("{name} listed:\n{text}"))
            .to_string()
    };
    assert!(row("shipping-notifier-dlq").ends_with("λ shipping-notifier (async DLQ)"));
    assert!(row("shipping-notifier-failures").ends_with("λ shipping-notifier (on failure)"));
    let output = squall(&home)
        .args(["--demo", "ls", "dlq", "--json"])
        .output()
        .expect("run");
    assert!(output.status.success(), "{output:?}");
    let dlqs: serde_json::Value = serde_json::from_slice(&output.stdout).expect("json");
    let sources = |name: &str| {
        dlqs.as_array()
            .and_then(|a| a.iter().find(|q| q["name"] == name))
            .map(|q| q["sources"].clone())
            .unwrap_or_else(|| panic!("{name} in ls dlq --json"))
    };
    let function = "arn:aws:lambda:us-east-1:123456789012:function:shipping-notifier";
    assert_eq!(
        sources("shipping-notifier-failures"),
        serde_json::json!([{"kind": "on_failure_destination", "arn": function, "function": "shipping-notifier"}])
    );
    assert_eq!(sources("shipping-notifier-dlq")[0]["kind"], "function_dlq");
    assert_eq!(sources("orders-dlq")[0]["kind"], "queue");
}

#[test]
fn log_file_is_written_only_when_asked() {
    let home = tempfile::tempdir().expect("tempdir");
    let log = home.path().join("squall.log");
    squall(&home)
        .args(["--demo", "--log-file"])
        .arg(&log)
        .args(["ls", "queues"])
        .assert()
        .success()
        .stderr("");
    let text = std::fs::read_to_string(&log).expect("log written");
    assert!(text.contains("squall starting"), "{text}");
    // Without the flag nothing is written anywhere in the home directory.
    let quiet = tempfile::tempdir().expect("tempdir");
    squall(&quiet)
        .args(["--demo", "ls", "queues"])
        .assert()
        .success()
        .stderr("");
    assert_eq!(std::fs::read_dir(quiet.path()).expect("dir").count(), 0);
}

#[test]
fn help_lists_the_exit_codes() {
    let home = tempfile::tempdir().expect("tempdir");
    for flag in ["-h", "--help"] {
        squall(&home).arg(flag).assert().success().stdout(
            predicate::str::contains("Exit codes:")
                .and(predicate::str::contains("0  ok"))
                .and(predicate::str::contains("1  failed"))
                .and(predicate::str::contains("3  refused"))
                .and(predicate::str::contains("4  incomplete")),
        );
    }
}

#[test]
fn completions_need_no_aws_settings_and_no_config() {
    let home = tempfile::tempdir().expect("tempdir");
    // A broken config file must not stop completions: they are installed before anything else.
    std::fs::create_dir_all(home.path().join(".config/squall")).expect("config dir");
    std::fs::write(home.path().join(".config/squall/config.toml"), "not toml [").expect("write");
    squall(&home)
        .args(["completions", "zsh"])
        .assert()
        .success()
        .stdout(predicate::str::contains("#compdef squall"));
}

#[test]
fn completions_reject_an_unknown_shell() {
    let home = tempfile::tempdir().expect("tempdir");
    squall(&home)
        .args(["completions", "tcsh"])
        .assert()
        .code(2)
        .stderr(predicate::str::contains("possible values"));
}

#[test]
fn every_subcommand_lists_the_global_options_under_their_own_heading() {
    use clap::CommandFactory;
    let home = tempfile::tempdir().expect("tempdir");
    let names: Vec<String> = squall::cli::Cli::command()
        .get_subcommands()
        .map(|sub| sub.get_name().to_string())
        .filter(|name| name != "help")
        .collect();
    assert!(names.contains(&"redrive".to_string()), "{names:?}");
    for name in names {
        let output = squall(&home).args([&name, "--help"]).output().expect("run");
        let help = String::from_utf8_lossy(&output.stdout);
        let own = help.find("\nOptions:\n").expect("own options");
        let global = help.find("\nGlobal options:\n").expect("global heading");
        assert!(own < global, "{name}: {help}");
        let (own, global) = (&help[own..global], &help[global..]);
        for flag in [
            "--profile",
            "--region",
            "--profiles",
            "--regions",
            "--endpoint-url",
            "--read-only",
            "--demo",
        ] {
            assert!(
                !own.contains(flag),
                "{name}: {flag} among the command's own: {help}"
            );
            assert!(global.contains(flag), "{name}: {flag} missing: {help}");
        }
    }
}

/// `--demo` checks the fleet flags as a real run does: a bad list is an error, an acting
/// verb refuses more than one context as a fleet refuses it, and the reading verbs say the
/// demo's command line serves one context instead of ignoring the flags.
#[test]
fn demo_checks_and_refuses_the_fleet_flags() {
    let home = tempfile::tempdir().expect("tempdir");
    squall(&home)
        .args(["--demo", "--regions", "us-east-1,us-east-1", "ls", "queues"])
        .assert()
        .code(1)
        .stderr(predicate::str::contains(
            "--regions names \"us-east-1\" twice",
        ));
    squall(&home)
        .args(["--demo", "--regions", "us-east-1,eu-west-1"])
        .args(["redrive", "checkout-dlq"])
        .assert()
        .code(1)
        .stderr(
            predicate::str::contains("redrive works in one context")
                .and(predicate::str::contains("no queue").not()),
        );
    for verb in ["health", "doctor"] {
        squall(&home)
            .args(["--demo", "--profiles", "a,b", verb])
            .assert()
            .code(1)
            .stdout(predicate::str::is_empty())
            .stderr(predicate::str::contains("--demo serves one context"));
    }
    squall(&home)
        .args(["--demo", "--regions", "us-east-1", "ls", "queues"])
        .assert()
        .success();
}
