//! Whatever the region, endpoint and profile settings (flags, environment variables, AWS
//! config files), squall ends with one clear line and exit 1 or 2, never a panic: for the
//! listing commands and for the console, which checks before it takes the terminal.

use std::process::Output;

use assert_cmd::Command;
use clap::Parser;
use proptest::prelude::*;
use squall::aws::connect::{ConnectOptions, check_profile, check_settings};
use squall::cli::Cli;

/// The AWS config file every run sees: a default profile, one with a region, and two with
/// empty endpoints (the SDK panics on those when it builds a request).
const AWS_CONFIG: &str = "\
[default]
region = us-east-1

[profile prod-ops]
region = eu-west-1

[profile empty-endpoint]
region = us-east-1
endpoint_url =

[profile empty-service-endpoint]
region = us-east-1
services = local

[services local]
sqs =
  endpoint_url =
";

/// squall with credentials, the config above, no other AWS settings, one attempt per call
/// (a setting that passes meets a closed port), and whatever `env` adds.
fn run(args: &[&str], env: &[(&str, &str)]) -> Output {
    let home = tempfile::tempdir().expect("tempdir");
    std::fs::write(home.path().join("aws-config"), AWS_CONFIG).expect("write");
    let squall_config = home.path().join(".config/squall");
    std::fs::create_dir_all(&squall_config).expect("mkdir");
    std::fs::write(
        squall_config.join("config.toml"),
        "[aws]\nmax_attempts = 1\n",
    )
    .expect("write");
    let mut cmd = Command::cargo_bin("squall").expect("binary");
    cmd.env_clear()
        .env("HOME", home.path())
        .env("XDG_CONFIG_HOME", home.path().join(".config"))
        .env("AWS_CONFIG_FILE", home.path().join("aws-config"))
        .env("AWS_SHARED_CREDENTIALS_FILE", home.path().join("creds"))
        .env("AWS_EC2_METADATA_DISABLED", "true")
        .env("AWS_ACCESS_KEY_ID", "x")
        .env("AWS_SECRET_ACCESS_KEY", "y")
        // A panic would print its backtrace: make sure the test would see one.
        .env("RUST_BACKTRACE", "1")
        .timeout(std::time::Duration::from_secs(60))
        .args(args);
    for (name, value) in env {
        cmd.env(name, value);
    }
    cmd.output().expect("run")
}

/// Asserts a clear failure (exit 1, or 2 for clap's usage errors): no panic, stderr opens
/// with one line that says what is wrong. Returns that line.
fn clear_failure(args: &[&str], env: &[(&str, &str)]) -> String {
    let output = run(args, env);
    let stderr = String::from_utf8_lossy(&output.stderr).into_owned();
    let code = output.status.code();
    assert!(
        matches!(code, Some(1 | 2)),
        "{args:?} {env:?}: exit {code:?}: {stderr}"
    );
    for bad in ["panicked", "backtrace", "\u{1b}"] {
        assert!(!stderr.contains(bad), "{args:?} {env:?}: {stderr}");
    }
    let first = stderr.lines().next().unwrap_or_default().to_string();
    let opening = if code == Some(2) {
        "error: "
    } else {
        "squall: "
    };
    assert!(first.starts_with(opening), "{args:?} {env:?}: {stderr}");
    first
}

/// Arguments and environment variables that set one thing.
type Setting = (
    &'static [&'static str],
    &'static [(&'static str, &'static str)],
);

/// The same, with the text the error must hold.
type Case = (
    &'static [&'static str],
    &'static [(&'static str, &'static str)],
    &'static str,
);

/// The ways a region can be chosen: flag, either variable, or the profile's `region`.
const REGION_SOURCES: [Setting; 4] = [
    (&["--region", "us-east-1"], &[]),
    (&[], &[("AWS_REGION", "us-east-1")]),
    (&[], &[("AWS_DEFAULT_REGION", "us-east-1")]),
    (&["--profile", "prod-ops"], &[]),
];

/// The listing and the console (no subcommand) meet the same check.
const ENTRY_POINTS: [&[&str]; 3] = [&["ls", "queues"], &["health"], &[]];

#[test]
fn a_bad_endpoint_is_refused_whichever_way_the_region_came() {
    let bad_endpoints: [Case; 7] = [
        (&["--endpoint-url", ""], &[], "--endpoint-url \"\""),
        (
            &["--endpoint-url", "notaurl"],
            &[],
            "--endpoint-url \"notaurl\"",
        ),
        (&[], &[("AWS_ENDPOINT_URL", "")], "AWS_ENDPOINT_URL \"\""),
        (
            &[],
            &[("AWS_ENDPOINT_URL", "ftp://x")],
            "AWS_ENDPOINT_URL \"ftp://x\"",
        ),
        (
            &[],
            &[("AWS_ENDPOINT_URL_SQS", "")],
            "AWS_ENDPOINT_URL_SQS \"\"",
        ),
        (
            &[],
            &[("AWS_ENDPOINT_URL_LAMBDA", "x")],
            "AWS_ENDPOINT_URL_LAMBDA \"x\"",
        ),
        (
            &[],
            &[("AWS_ENDPOINT_URL_CLOUDWATCH", " ")],
            "AWS_ENDPOINT_URL_CLOUDWATCH \" \"",
        ),
    ];
    for (region_args, region_env) in REGION_SOURCES {
        for (endpoint_args, endpoint_env, named) in bad_endpoints {
            for entry in ENTRY_POINTS {
                let args: Vec<&str> = [region_args, endpoint_args, entry]
                    .into_iter()
                    .flatten()
                    .copied()
                    .collect();
                let env: Vec<_> = region_env.iter().chain(endpoint_env).copied().collect();
                let line = clear_failure(&args, &env);
                assert!(line.contains(named), "{args:?} {env:?}: {line}");
                assert!(line.contains("is not a usable endpoint URL"), "{line}");
            }
        }
    }
}

#[test]
fn an_empty_endpoint_in_a_profile_is_refused_not_a_panic() {
    for profile in ["empty-endpoint", "empty-service-endpoint"] {
        for entry in ENTRY_POINTS {
            let args: Vec<&str> = ["--profile", profile]
                .iter()
                .chain(entry)
                .copied()
                .collect();
            let line = clear_failure(&args, &[]);
            assert!(
                line.contains("the profile's endpoint_url for SQS \"\""),
                "{line}"
            );
            // And through AWS_PROFILE.
            let line = clear_failure(entry, &[("AWS_PROFILE", profile)]);
            assert!(line.contains("endpoint_url for SQS \"\""), "{line}");
        }
    }
}

#[test]
fn a_missing_or_empty_profile_is_named_not_blamed_on_the_region() {
    let cases: [Case; 4] = [
        (
            &["--profile", "prod"],
            &[],
            "--profile \"prod\" is not a usable profile: no such profile in the AWS config files (known: default, empty-endpoint, empty-service-endpoint, prod-ops)",
        ),
        (
            &["--profile", ""],
            &[],
            "--profile \"\" is not a usable profile: it is empty",
        ),
        (
            &[],
            &[("AWS_PROFILE", "prod")],
            "AWS_PROFILE \"prod\" is not a usable profile",
        ),
        (
            &[],
            &[("AWS_PROFILE", "")],
            "AWS_PROFILE \"\" is not a usable profile: it is empty",
        ),
    ];
    for (profile_args, profile_env, expected) in cases {
        for entry in ENTRY_POINTS {
            let args: Vec<&str> = profile_args.iter().chain(entry).copied().collect();
            let line = clear_failure(&args, profile_env);
            let expected = format!("squall: {expected}");
            assert!(
                line.starts_with(&expected),
                "{args:?} {profile_env:?}: {line}"
            );
        }
    }
}

#[test]
fn an_unparsable_aws_config_file_is_named() {
    let dir = tempfile::tempdir().expect("tempdir");
    let garbage = dir.path().join("garbage");
    std::fs::write(&garbage, "garbage\n[[[\n").expect("write");
    let garbage = garbage.to_string_lossy().into_owned();
    for variable in ["AWS_CONFIG_FILE", "AWS_SHARED_CREDENTIALS_FILE"] {
        for entry in ENTRY_POINTS {
            let line = clear_failure(entry, &[(variable, &garbage), ("AWS_REGION", "us-east-1")]);
            assert!(
                line.starts_with("squall: the AWS config files are unusable"),
                "{line}"
            );
            assert!(line.contains(&garbage), "{line}");
        }
    }
}

#[test]
fn the_console_without_a_terminal_says_so() {
    // Good settings: the console gets as far as the terminal, and there is none here.
    let line = clear_failure(
        &["--endpoint-url", "http://127.0.0.1:1"],
        &[("AWS_REGION", "us-east-1")],
    );
    assert!(line.contains("the console needs a terminal"), "{line}");
    let line = clear_failure(&["--demo"], &[]);
    assert!(line.contains("the console needs a terminal"), "{line}");
}

/// Values a person might type or paste: empty, spaces, upper case, URLs with and without
/// a scheme, control characters, arbitrary text.
fn typed_value() -> impl Strategy<Value = String> {
    let piece = prop_oneof![
        3 => "[a-z0-9-]{1,8}",
        2 => prop::sample::select(vec![
            "http://", "https://", "ftp://", "HTTP://", "127.0.0.1", "[::1]", "localhost",
            ":1", ":99999", "/", " ", "US-EAST-1", "us-east-1", "default", "prod-ops", "\t",
            "\n", "\u{1b}[2J", "\u{202e}", "é", "-",
        ])
        .prop_map(String::from),
        1 => any::<char>().prop_filter("no NUL in a command line", |c| *c != '\0').prop_map(String::from),
    ];
    prop::collection::vec(piece, 0..5).prop_map(|pieces| pieces.concat())
}

/// A flag or variable given with a typed value, or left out.
fn maybe() -> impl Strategy<Value = Option<String>> {
    prop::option::weighted(0.6, typed_value())
}

#[derive(Debug, Clone)]
struct Settings {
    region: Option<String>,
    endpoint: Option<String>,
    profile: Option<String>,
    env: Vec<(&'static str, String)>,
}

fn settings() -> impl Strategy<Value = Settings> {
    let variables = [
        "AWS_REGION",
        "AWS_DEFAULT_REGION",
        "AWS_ENDPOINT_URL",
        "AWS_ENDPOINT_URL_SQS",
        "AWS_PROFILE",
    ];
    (maybe(), maybe(), maybe(), prop::collection::vec(maybe(), 5)).prop_map(
        move |(region, endpoint, profile, values)| Settings {
            region,
            endpoint,
            profile,
            env: variables
                .into_iter()
                .zip(values)
                .filter_map(|(name, value)| value.map(|value| (name, value)))
                .collect(),
        },
    )
}

impl Settings {
    fn args(&self, entry: &[&str]) -> Vec<String> {
        let flag =
            |name: &str, value: &Option<String>| value.as_ref().map(|v| format!("--{name}={v}"));
        [
            flag("region", &self.region),
            flag("endpoint-url", &self.endpoint),
            flag("profile", &self.profile),
        ]
        .into_iter()
        .flatten()
        .chain(entry.iter().map(|s| s.to_string()))
        .collect()
    }

    fn env(&self) -> Vec<(&str, &str)> {
        self.env
            .iter()
            .map(|(name, value)| (*name, value.as_str()))
            .collect()
    }
}

proptest! {
    // The real parser and the real checks, in process: many cases, quickly.
    #![proptest_config(ProptestConfig::with_cases(512))]

    #[test]
    fn parsing_and_checking_any_settings_ends_in_one_clear_line(settings in settings()) {
        let args = std::iter::once("squall".to_string()).chain(settings.args(&["ls", "queues"]));
        let cli = match Cli::try_parse_from(args) {
            Ok(cli) => cli,
            Err(err) => {
                prop_assert_eq!(err.exit_code(), 2);
                return Ok(());
            }
        };
        // clap reads its variables from the process environment, which is not ours to set
        // here: apply them as clap would (a flag wins over its variable).
        let from_env = |name: &str| settings.env.iter().find(|(n, _)| *n == name).map(|(_, v)| v.clone());
        let options = ConnectOptions {
            profile: cli.profile.or_else(|| from_env("AWS_PROFILE")),
            region: cli.region,
            endpoint_url: cli.endpoint_url.or_else(|| from_env("AWS_ENDPOINT_URL")),
            max_attempts: 1,
        };
        let env = |name: &str| settings.env.iter().find(|(n, _)| *n == name).map(|(_, v)| v.clone());
        let known = ["default".to_string(), "prod-ops".to_string()];
        if let Err(error) = check_settings(&options, env).and_then(|()| check_profile(&options, env, &known)) {
            let text = error.to_string();
            let first = text.lines().next().unwrap_or_default();
            prop_assert!(first.starts_with("squall: "), "{}", text);
            prop_assert!(!first.chars().any(char::is_control), "{:?}", first);
        }
    }
}

proptest! {
    // The binary itself: each case is a process or two, so fewer cases.
    #![proptest_config(ProptestConfig::with_cases(24))]

    #[test]
    fn the_binary_never_panics_on_any_settings(settings in settings()) {
        // Settings that pass meet a closed port, never the network (unless a typed
        // endpoint names a host).
        let closed = "http://127.0.0.1:1";
        let mut env = vec![("AWS_ENDPOINT_URL_SQS", closed), ("AWS_ENDPOINT_URL_SNS", closed)];
        env.extend(settings.env());
        for entry in [&["ls", "queues"][..], &[]] {
            let args = settings.args(entry);
            let args: Vec<&str> = args.iter().map(String::as_str).collect();
            let line = clear_failure(&args, &env);
            prop_assert!(!line.chars().any(char::is_control), "{:?}", line);
        }
    }
}
