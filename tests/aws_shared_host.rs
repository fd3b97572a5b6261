//! squall on a shared bastion, where the umask is 022 and other engineers can read what is
//! left readable: the built binary, run under `umask 022` (the umask is process-wide, so each
//! run is a child shell's), creates its export, its journals (and their folders) and its
//! log owner-only; tightens a data dir left open, once and aloud; lists and prunes journals;
//! keeps bodies, attribute values and receipt handles out of the log (against LocalStack,
//! so the real SDK logs), and an endpoint's credentials out of everything it prints.

#![cfg(unix)]

mod support;

use std::os::unix::fs::PermissionsExt;
use std::path::{Path, PathBuf};
use std::process::Output;

use support::{create_queue, localstack, set_redrive, unique_name};

/// `squall ARGS…` under `umask 022`, with a home and a data dir of its own under `home`
/// and test credentials; `endpoint` points it at an emulator.
fn squall(home: &Path, endpoint: Option<&str>, args: &[&str]) -> Output {
    let mut command = std::process::Command::new("sh");
    command
        .args(["-c", "umask 022; exec \"$0\" \"$@\""])
        .arg(env!("CARGO_BIN_EXE_squall"));
    if let Some(endpoint) = endpoint {
        command.args(["--endpoint-url", endpoint, "--region", support::REGION]);
    }
    command
        .args(args)
        .env_clear()
        .env("PATH", std::env::var_os("PATH").unwrap_or_default())
        .env("HOME", home)
        .env("XDG_CONFIG_HOME", home.join(".config"))
        .env("SQUALL_DATA_DIR", home.join("data"))
        .env("AWS_ACCESS_KEY_ID", "test")
        .env("AWS_SECRET_ACCESS_KEY", "test")
        .env("AWS_EC2_METADATA_DISABLED", "true")
        .stdin(std::process::Stdio::null())
        .output()
        .expect("running squall")
}

fn text(bytes: &[u8]) -> String {
    String::from_utf8_lossy(bytes).into_owned()
}

/// The run's output, after checking it exited with `code`.
fn expect(code: i32, args: &[&str], output: Output) -> (String, String) {
    let (stdout, stderr) = (text(&output.stdout), text(&output.stderr));
    assert_eq!(
        output.status.code(),
        Some(code),
        "squall {args:?}\nstdout:\n{stdout}\nstderr:\n{stderr}"
    );
    (stdout, stderr)
}

fn mode(path: &Path) -> u32 {
    std::fs::metadata(path)
        .unwrap_or_else(|e| panic!("{}: {e}", path.display()))
        .permissions()
        .mode()
        & 0o777
}

fn set_mode(path: &Path, mode: u32) {
    std::fs::set_permissions(path, std::fs::Permissions::from_mode(mode)).expect("chmod");
}

/// A canary redrive on the demo world: a manual run that ends, with its journal's path.
fn demo_canary(home: &Path, log: &Path) -> PathBuf {
    let args = [
        "--demo",
        "--log-file",
        log.to_str().expect("utf-8"),
        "redrive",
        "payments-dlq.fifo",
        "--canary",
        "2",
        // The run's files are the point here, not the canary's verdict.
        "--no-watch",
        "--yes",
        "--json",
    ];
    let (stdout, _) = expect(0, &args, squall(home, None, &args));
    let summary: serde_json::Value = serde_json::from_str(&stdout).expect("json");
    PathBuf::from(summary["journal"].as_str().expect("a journal"))
}

/// A finished journal in the shared data dir, as a real run leaves it: the demo's canary
/// journal (a demo keeps its journals in a folder of its own) moved there.
fn shared_journal(home: &Path, log: &Path) -> PathBuf {
    let journal = demo_canary(home, log);
    let shared = home.join("data/redrive");
    std::fs::create_dir_all(&shared).expect("mkdir");
    let moved = shared.join(journal.file_name().expect("a file name"));
    std::fs::rename(&journal, &moved).expect("move");
    moved
}

#[test]
fn every_file_and_folder_squall_writes_is_owner_only_under_umask_022() {
    let home = tempfile::tempdir().expect("tempdir");
    let home = home.path();
    let log = home.join("squall.log");
    let export = home.join("orders.ndjson");
    let args = [
        "--demo",
        "--log-file",
        log.to_str().expect("utf-8"),
        "export",
        "orders",
        "--out",
        export.to_str().expect("utf-8"),
        "-n",
        "5",
        "--yes",
    ];
    expect(0, &args, squall(home, None, &args));
    assert_eq!(mode(&export), 0o600, "the export");
    assert_eq!(mode(&log), 0o600, "the log");

    let journal = demo_canary(home, &log);
    assert!(
        journal.starts_with(home.join("data")),
        "{}",
        journal.display()
    );
    assert!(
        journal.starts_with(home.join("data/demo")),
        "a demo's journals are its own: {}",
        journal.display()
    );
    assert_eq!(mode(&home.join("data")), 0o700, "the data dir");
    assert_eq!(mode(&home.join("data/demo")), 0o700, "the demos' folder");
    let folder = journal.parent().expect("its folder");
    assert_eq!(mode(folder), 0o700, "the journal folder");
    assert_eq!(mode(&journal), 0o600, "the journal");

    // Under the same umask, a plain file is readable by all: the test can tell.
    let args = ["-c", "umask 022; touch \"$0\""];
    let plain = home.join("plain");
    std::process::Command::new("sh")
        .args(args)
        .arg(&plain)
        .status()
        .expect("touch");
    assert_eq!(mode(&plain), 0o644);
}

#[test]
fn an_open_data_dir_and_log_are_tightened_once_and_said_so() {
    let home = tempfile::tempdir().expect("tempdir");
    let home = home.path();
    let log = home.join("squall.log");
    let journal = shared_journal(home, &log);
    let data = home.join("data");
    for (path, open) in [(&data, 0o755), (&data.join("redrive"), 0o755)] {
        set_mode(path, open);
    }
    set_mode(&journal, 0o644);
    set_mode(&log, 0o640);

    let args = [
        "--log-file",
        log.to_str().expect("utf-8"),
        "redrive",
        "--journal",
    ];
    let (stdout, stderr) = expect(0, &args, squall(home, None, &args));
    assert!(
        stdout.contains(journal.to_str().expect("utf-8")),
        "{stdout}"
    );
    let warnings: Vec<&str> = stderr
        .lines()
        .filter(|l| l.contains("other users"))
        .collect();
    assert_eq!(warnings.len(), 1, "one line for the data dir:\n{stderr}");
    assert!(warnings[0].contains("and 2 more"), "{stderr}");
    assert_eq!(mode(&data), 0o700);
    assert_eq!(mode(&data.join("redrive")), 0o700);
    assert_eq!(mode(&journal), 0o600);
    // The log is opened only by verbs that log; the next one tightens it.
    let args = [
        "--demo",
        "--log-file",
        log.to_str().expect("utf-8"),
        "ls",
        "dlq",
    ];
    let (_, stderr) = expect(0, &args, squall(home, None, &args));
    assert!(stderr.contains("squall.log could be read"), "{stderr}");
    assert_eq!(mode(&log), 0o600);

    // A stricter mode is never widened, and all tight means nothing to say.
    set_mode(&journal, 0o400);
    let args = ["redrive", "--journal"];
    let (_, stderr) = expect(0, &args, squall(home, None, &args));
    assert!(!stderr.contains("other users"), "{stderr}");
    assert_eq!(mode(&journal), 0o400);
}

#[test]
fn prune_journals_removes_finished_runs_only_and_only_with_yes() {
    let home = tempfile::tempdir().expect("tempdir");
    let home = home.path();
    let finished = shared_journal(home, &home.join("squall.log"));
    // A run killed after it received a message: a re-run resumes from it.
    let unfinished = home.join("data/redrive/payments-dlq.fifo-1-1.jsonl");
    std::fs::write(
        &unfinished,
        "{\"event\":\"plan\",\"dlq_url\":\"u\",\"dlq_arn\":\"a\",\"to_url\":null,\"started_ms\":1}\n\
         {\"event\":\"received\",\"dlq_id\":\"m\",\"body_md5\":\"h\",\"receipt\":\"r\",\"destination\":\"d\"}\n",
    )
    .expect("write");

    let args = ["redrive", "--prune-journals"];
    let (stdout, stderr) = expect(5, &args, squall(home, None, &args));
    assert!(
        stdout.contains(finished.to_str().expect("utf-8")),
        "{stdout}"
    );
    assert!(!stdout.contains("fifo-1-1"), "{stdout}");
    assert!(stderr.contains("without --yes"), "{stderr}");
    assert!(finished.exists() && unfinished.exists(), "nothing removed");

    let args = ["redrive", "--prune-journals", "--yes"];
    let (_, stderr) = expect(0, &args, squall(home, None, &args));
    assert!(
        stderr.contains("removed 1 finished journals (1 kept)"),
        "{stderr}"
    );
    assert!(!finished.exists());
    assert!(unfinished.exists(), "an unfinished journal stays");

    let args = ["redrive", "--journal", "--json"];
    let (stdout, _) = expect(0, &args, squall(home, None, &args));
    let listed: serde_json::Value = serde_json::from_str(&stdout).expect("json");
    assert_eq!(listed.as_array().map(Vec::len), Some(1), "{listed}");
    assert_eq!(listed[0]["finished"], false);
    assert!(listed[0]["keep_because"].is_string(), "{listed}");
}

/// What a log must never hold, looked for in `log` (which must hold the lines of the calls
/// that carried them, or the test could not fail).
fn assert_log_holds_none(log: &str, secrets: &[String]) {
    // The calls that carry bodies and receipt handles are logged (as counts).
    for line in [
        "squall starting",
        "ReceiveMessage",
        "SendMessageBatch",
        "DeleteMessageBatch",
    ] {
        assert!(log.contains(line), "no {line:?} in the log:\n{log}");
    }
    for secret in secrets {
        assert!(!secret.is_empty());
        assert!(
            !log.contains(secret.as_str()),
            "the log holds {secret:?}:\n{log}"
        );
    }
}

/// A peek, an export, a send (replaying the export into the DLQ) and a manual redrive back,
/// all logged, against LocalStack through an endpoint URL that carries credentials: the log
/// holds no body, attribute value, receipt handle or the endpoint's password, and nothing
/// squall prints shows the password either.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_log_holds_no_body_attribute_receipt_or_endpoint_password() {
    let ls = localstack();
    let sqs = ls.sqs().await;
    let name = unique_name("shlog");
    let (url, _) = create_queue(&sqs, &name, &[]).await;
    let (_, dlq_arn) = create_queue(&sqs, &format!("{name}-dlq"), &[]).await;
    set_redrive(&sqs, &url, &dlq_arn, 5).await;
    let endpoint = ls.endpoint().replacen("://", "://ops:hunter2-pw@", 1);
    let home = tempfile::tempdir().expect("tempdir");
    let home = home.path();
    let log = home.join("squall.log");
    let export = home.join("export.ndjson");
    let (log_arg, export_arg) = (
        log.to_str().expect("utf-8"),
        export.to_str().expect("utf-8"),
    );
    let dlq = format!("{name}-dlq");
    let body = "order 7731 card 4111-1111-1111-1111 ship to alice@example.org";
    let attribute = "attr-value zq81x";
    let runs: [Vec<&str>; 5] = [
        vec![
            "send",
            &name,
            "--body",
            body,
            "--attr",
            "note=attr-value zq81x",
        ],
        vec!["peek", &name, "--yes", "--json"],
        vec!["export", &name, "--out", export_arg, "--yes"],
        vec!["send", &dlq, "--from", export_arg],
        vec![
            "redrive", &dlq, "--to", &name, "--mode", "manual", "--yes", "--json",
        ],
    ];
    let mut printed = String::new();
    let mut summary = serde_json::Value::Null;
    for run in &runs {
        let args: Vec<&str> = ["--log-file", log_arg].iter().chain(run).copied().collect();
        let (stdout, stderr) = expect(0, &args, squall(home, Some(&endpoint), &args));
        if run[0] == "redrive" {
            summary = serde_json::from_str(&stdout).expect("json");
        }
        printed.push_str(&stdout);
        printed.push_str(&stderr);
    }
    assert_eq!(summary["moved"], 1, "{summary}");
    assert!(!printed.contains("hunter2"), "{printed}");

    let journal = summary["journal"].as_str().expect("a manual run's journal");
    let journal = std::fs::read_to_string(journal).expect("journal");
    let receipts: Vec<String> = journal
        .lines()
        .filter_map(|l| serde_json::from_str::<serde_json::Value>(l).ok())
        .filter_map(|e| e["receipt"].as_str().map(str::to_string))
        .collect();
    assert!(!receipts.is_empty(), "{journal}");
    let mut secrets = vec![
        body.to_string(),
        "4111-1111".to_string(),
        attribute.to_string(),
        "hunter2".to_string(),
    ];
    secrets.extend(receipts);
    let log = std::fs::read_to_string(&log).expect("log");
    assert_log_holds_none(&log, &secrets);
}

/// An endpoint given with a password: `--help` (which shows environment values), a refused
/// endpoint and an unreachable one print it as `***@`, never the password.
#[test]
fn an_endpoint_password_is_never_printed() {
    let home = tempfile::tempdir().expect("tempdir");
    let run = |endpoint: &str, args: &[&str]| {
        let output = std::process::Command::new(env!("CARGO_BIN_EXE_squall"))
            .args(args)
            .env_clear()
            .env("HOME", home.path())
            .env("AWS_ENDPOINT_URL", endpoint)
            .env("AWS_REGION", "us-east-1")
            .env("AWS_ACCESS_KEY_ID", "test")
            .env("AWS_SECRET_ACCESS_KEY", "test")
            .env("AWS_EC2_METADATA_DISABLED", "true")
            .env("AWS_MAX_ATTEMPTS", "1")
            .output()
            .expect("running squall");
        format!("{}{}", text(&output.stdout), text(&output.stderr))
    };
    let help = run("http://ops:hunter2@127.0.0.1:1", &["--help"]);
    assert!(help.contains("--endpoint-url"), "{help}");
    let refused = run("ops:hunter2@127.0.0.1:1", &["ls", "queues"]);
    assert!(refused.contains("***@127.0.0.1:1"), "{refused}");
    let unreachable = run("http://ops:hunter2@127.0.0.1:1", &["ls", "queues"]);
    assert!(unreachable.contains("cannot reach"), "{unreachable}");
    for printed in [help, refused, unreachable] {
        assert!(!printed.contains("hunter2"), "{printed}");
    }
}
