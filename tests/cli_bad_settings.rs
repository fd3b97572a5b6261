//! Bad region and endpoint settings on the command line and in the environment: squall
//! refuses them in one plain line (exit 1, no panic, no backtrace), before any call and, for
//! the console, before it takes the terminal.

mod bare_squall;
use bare_squall::squall;

/// Runs squall with credentials and `args`, `env` on top; asserts it failed with exit code
/// 1 and a plain message (no panic, no backtrace), and returns stderr.
fn plain_failure(args: &[&str], env: &[(&str, &str)]) -> String {
    let home = tempfile::tempdir().expect("tempdir");
    let mut cmd = squall(&home);
    cmd.args(args)
        .env("AWS_ACCESS_KEY_ID", "x")
        .env("AWS_SECRET_ACCESS_KEY", "y")
        // A panic would print its backtrace: make sure the test would see one.
        .env("RUST_BACKTRACE", "1")
        .timeout(std::time::Duration::from_secs(60));
    for (name, value) in env {
        cmd.env(name, value);
    }
    let output = cmd.output().expect("run");
    let stderr = String::from_utf8_lossy(&output.stderr).into_owned();
    assert_eq!(output.status.code(), Some(1), "{args:?} {env:?}: {stderr}");
    for bad in ["panicked", "RUST_BACKTRACE", "backtrace", "stack backtrace"] {
        assert!(!stderr.contains(bad), "{args:?} {env:?}: {stderr}");
    }
    assert!(stderr.starts_with("squall: "), "{stderr}");
    stderr
}

/// The same, for an error that fits one line.
fn one_line_failure(args: &[&str], env: &[(&str, &str)]) -> String {
    let stderr = plain_failure(args, env);
    assert_eq!(stderr.trim_end().lines().count(), 1, "{stderr}");
    stderr
}

#[test]
fn bad_endpoint_urls_are_refused_in_one_line() {
    let ls = ["--region", "us-east-1", "ls", "queues"];
    let with = |flag: &[&'static str]| -> Vec<&str> { flag.iter().copied().chain(ls).collect() };
    for (args, env, expected) in [
        (
            with(&["--endpoint-url", ""]),
            vec![],
            "--endpoint-url \"\" is not a usable endpoint URL: it is empty",
        ),
        (
            with(&[]),
            vec![("AWS_ENDPOINT_URL", "")],
            "AWS_ENDPOINT_URL \"\" is not a usable endpoint URL: it is empty",
        ),
        (
            with(&[]),
            vec![("AWS_ENDPOINT_URL_SQS", "")],
            "AWS_ENDPOINT_URL_SQS \"\" is not a usable endpoint URL: it is empty",
        ),
        (
            with(&["--endpoint-url", "notaurl"]),
            vec![],
            "--endpoint-url \"notaurl\" is not a usable endpoint URL: not a URL",
        ),
        (
            with(&[]),
            vec![("AWS_ENDPOINT_URL", "notaurl")],
            "AWS_ENDPOINT_URL \"notaurl\" is not a usable endpoint URL: not a URL",
        ),
        (
            with(&["--endpoint-url", "ftp://127.0.0.1:4566"]),
            vec![],
            "unsupported scheme \"ftp\": only http and https",
        ),
        (
            with(&["--endpoint-url", "localhost:4566"]),
            vec![],
            "did you mean http://localhost:4566?",
        ),
        (
            with(&["--endpoint-url", "http://"]),
            vec![],
            "--endpoint-url \"http://\" is not a usable endpoint URL",
        ),
    ] {
        let stderr = one_line_failure(&args, &env);
        assert!(stderr.contains(expected), "{args:?} {env:?}: {stderr}");
    }
}

#[test]
fn an_empty_region_gives_the_no_region_screen() {
    let stderr = plain_failure(&["--region", "", "ls", "queues"], &[]);
    assert!(
        stderr.starts_with("squall: no AWS region is configured (--region is empty)."),
        "{stderr}"
    );
    assert!(stderr.contains("AWS_REGION=us-east-1"), "{stderr}");
    let stderr = plain_failure(&["ls", "queues"], &[("AWS_REGION", "")]);
    assert!(
        stderr.starts_with("squall: no AWS region is configured (AWS_REGION is empty)."),
        "{stderr}"
    );
}

#[test]
fn a_malformed_region_is_refused_in_one_line() {
    for (args, env, expected) in [
        (
            vec!["--region", "us east 1", "ls", "queues"],
            vec![],
            "--region \"us east 1\" is not an AWS region",
        ),
        (
            vec!["--region", "US-EAST-1", "ls", "queues"],
            vec![],
            "did you mean us-east-1?",
        ),
        (
            vec!["ls", "queues"],
            vec![("AWS_REGION", "eu_west_1")],
            "AWS_REGION \"eu_west_1\" is not an AWS region",
        ),
    ] {
        let stderr = one_line_failure(&args, &env);
        assert!(stderr.contains(expected), "{args:?} {env:?}: {stderr}");
    }
}

#[test]
fn the_console_checks_its_settings_before_touching_the_terminal() {
    // No subcommand: the TUI would start, but the check comes first.
    let stderr = one_line_failure(&["--region", "us-east-1", "--endpoint-url", ""], &[]);
    assert!(stderr.contains("it is empty"), "{stderr}");
    assert!(
        !stderr.contains('\x1b'),
        "no terminal escape codes: {stderr:?}"
    );
}
