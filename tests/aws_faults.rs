//! squall through a loopback fault proxy (tests/support/fault_proxy.rs) between it and
//! LocalStack: throttling, 503s and slow responses still give every queue; describes that
//! fail for good give exit code 4 and name what is missing; a response that is not JSON
//! reads as a parse failure.

mod support;

use std::process::Output;
use std::time::Duration;

use squall::aws::ErrorKind;
use support::*;

/// Runs the built binary with `--endpoint-url endpoint` and the emulator credentials.
async fn squall_via(endpoint: &str, args: &[&str]) -> Output {
    squall_with_settings(endpoint, args, "").await
}

/// The same, with `settings` as the user's config.toml.
async fn squall_with_settings(endpoint: &str, args: &[&str], settings: &str) -> Output {
    let home = tempfile::tempdir().expect("tempdir");
    let config_dir = home.path().join(".config/squall");
    std::fs::create_dir_all(&config_dir).expect("mkdir");
    std::fs::write(config_dir.join("config.toml"), settings).expect("write settings");
    tokio::process::Command::new(env!("CARGO_BIN_EXE_squall"))
        .args(["--endpoint-url", endpoint, "--region", REGION])
        .args(args)
        .env("HOME", home.path())
        .env("XDG_CONFIG_HOME", home.path().join(".config"))
        .env("AWS_CONFIG_FILE", home.path().join("aws-config"))
        .env(
            "AWS_SHARED_CREDENTIALS_FILE",
            home.path().join("aws-credentials"),
        )
        .env("AWS_ACCESS_KEY_ID", "test")
        .env("AWS_SECRET_ACCESS_KEY", "test")
        .env("AWS_EC2_METADATA_DISABLED", "true")
        .env_remove("AWS_PROFILE")
        .env_remove("AWS_SESSION_TOKEN")
        .env_remove("AWS_ENDPOINT_URL")
        .env_remove("AWS_ENDPOINT_URL_SQS")
        .kill_on_drop(true)
        .output()
        .await
        .expect("running squall")
}

/// Names of the queues in `ls queues --json` output that start with `prefix`.
fn listed_names(stdout: &[u8], prefix: &str) -> Vec<String> {
    let queues: serde_json::Value = serde_json::from_slice(stdout).expect("stdout is JSON");
    let mut names: Vec<String> = queues
        .as_array()
        .expect("a JSON array")
        .iter()
        .filter_map(|q| q["name"].as_str())
        .filter(|name| name.starts_with(prefix))
        .map(str::to_string)
        .collect();
    names.sort();
    names
}

async fn create_queues(names: &[String]) {
    let sqs = localstack().sqs().await;
    for name in names {
        create_queue(&sqs, name, &[]).await;
    }
}

fn upstream() -> std::net::SocketAddr {
    ([127, 0, 0, 1], localstack().port()).into()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn every_queue_comes_back_through_throttling_503s_and_slow_responses() {
    let base = unique_name("faulty");
    let names: Vec<String> = (0..40).map(|i| format!("{base}-{i:02}")).collect();
    create_queues(&names).await;
    let proxy = FaultProxy::start(
        upstream(),
        Faults {
            seed: 7,
            throttle: 0.3,
            unavailable: 0.1,
            slow: 0.1,
            slow_by: Duration::from_millis(300),
            ..Faults::default()
        },
    )
    .await;

    let output = squall_via(&proxy.endpoint(), &["ls", "queues", "--json"]).await;
    let stats = proxy.shutdown().await;
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(output.status.success(), "{}: {stderr}", output.status);
    assert_eq!(stderr, "", "nothing missing, nothing to say");
    assert_eq!(listed_names(&output.stdout, &base), names);
    // The faults did happen, and were retried.
    assert!(
        stats.throttled > 0 && stats.unavailable > 0 && stats.slowed > 0,
        "{stats:?}"
    );
    assert!(stats.requests > stats.forwarded, "{stats:?}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn describes_that_fail_for_good_exit_incomplete_and_name_each_queue() {
    let base = unique_name("doomed");
    let kept: Vec<String> = (0..6).map(|i| format!("{base}-ok{i}")).collect();
    let doomed: Vec<String> = (0..2).map(|i| format!("{base}-gone{i}")).collect();
    create_queues(&kept).await;
    create_queues(&doomed).await;
    let proxy = FaultProxy::start(
        upstream(),
        Faults {
            doomed_queues: doomed.clone(),
            ..Faults::default()
        },
    )
    .await;

    // Two attempts per call instead of five, to keep the test short.
    let settings = "[aws]\nmax_attempts = 2\n";
    let output =
        squall_with_settings(&proxy.endpoint(), &["ls", "queues", "--json"], settings).await;
    let stderr = String::from_utf8_lossy(&output.stderr).into_owned();
    assert_eq!(output.status.code(), Some(4), "{stderr}");
    // stdout stays a valid JSON array, with everything that could be read.
    assert_eq!(listed_names(&output.stdout, &base), kept);
    // stderr: one JSON object per missing queue.
    let lines: Vec<serde_json::Value> = stderr
        .lines()
        .map(|line| serde_json::from_str(line).unwrap_or_else(|e| panic!("{line:?}: {e}")))
        .collect();
    let mut named: Vec<String> = lines
        .iter()
        .map(|line| {
            assert_eq!(line["incomplete"], "queue", "{line}");
            assert_eq!(line["error"]["operation"], "GetQueueAttributes", "{line}");
            assert_eq!(line["error"]["kind"], "server", "{line}");
            assert_eq!(line["error"]["status"], 503, "{line}");
            let url = line["url"].as_str().expect("url");
            url.rsplit('/').next().expect("name").to_string()
        })
        .collect();
    named.sort();
    assert_eq!(named, doomed);
    // Each doomed describe was tried again at the end of the load: two rounds of the SDK's
    // two attempts.
    for name in &doomed {
        assert_eq!(proxy.stats().doomed.get(name), Some(&4), "{name}");
    }

    // Without --json: a line per queue and a summary.
    let output = squall_with_settings(&proxy.endpoint(), &["ls", "queues"], settings).await;
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert_eq!(output.status.code(), Some(4), "{stderr}");
    for name in &doomed {
        let line = stderr
            .lines()
            .find(|line| line.contains(name.as_str()))
            .unwrap_or_else(|| panic!("{name} not named: {stderr}"));
        assert!(
            line.starts_with("squall: incomplete: queue ") && line.contains("not described"),
            "{line}"
        );
    }
    assert!(stderr.contains("2 queues not described"), "{stderr}");
    let stdout = String::from_utf8_lossy(&output.stdout);
    assert!(
        stdout.contains(&kept[0]) && !stdout.contains(&doomed[0]),
        "{stdout}"
    );
    proxy.shutdown().await;
}

/// The fault proxy with nothing behind it, answering every SQS call itself.
async fn canned_server(faults: Faults) -> FaultProxy {
    let nowhere = ([127, 0, 0, 1], support::process::free_port()).into();
    FaultProxy::start(nowhere, faults).await
}

/// squall's SDK backend talking to `server` (the SDK's default retries: 3 attempts).
async fn backend_for(server: &FaultProxy) -> squall::aws::Backend {
    let config = support::emulator::emulator_sdk_config(server.endpoint()).await;
    squall::aws::sdk_backend(
        &config,
        squall::aws::ConnectionInfo {
            region: REGION.to_string(),
            endpoint: Some(server.endpoint()),
            ..Default::default()
        },
    )
}

#[tokio::test]
async fn the_proxy_throttles_in_the_wire_format_the_sdk_retries_as_throttling() {
    let server = canned_server(Faults {
        throttle: 1.0,
        ..Faults::default()
    })
    .await;
    let backend = backend_for(&server).await;
    let url = format!("{}/000000000000/q", server.endpoint());
    let error = backend
        .queues
        .describe_queue(&url)
        .await
        .expect_err("throttled");
    assert_eq!(error.kind, ErrorKind::Throttled, "{error:?}");
    assert_eq!(error.code.as_deref(), Some("RequestThrottled"));
    assert_eq!(error.status, Some(400));
    // Retried by the SDK: every attempt of the call was throttled.
    assert_eq!(server.shutdown().await.throttled, 3);
}

#[tokio::test]
async fn an_unparseable_response_is_a_parse_failure() {
    let server = canned_server(Faults {
        garbage: 1.0,
        ..Faults::default()
    })
    .await;
    let backend = backend_for(&server).await;
    let url = format!("{}/000000000000/q", server.endpoint());
    let error = backend
        .queues
        .describe_queue(&url)
        .await
        .expect_err("garbage");
    assert_eq!(error.kind, ErrorKind::Parse, "{error:?}");
    assert_eq!(error.status, Some(200));
    assert!(!error.retryable());
    let error = backend
        .queues
        .list_queue_urls(None, None)
        .await
        .expect_err("garbage");
    assert_eq!(error.kind, ErrorKind::Parse, "{error:?}");
    assert!(
        error
            .to_string()
            .starts_with("ListQueues: unparseable response (HTTP 200)"),
        "{error}"
    );

    let output = squall_via(&server.endpoint(), &["ls", "queues"]).await;
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert_eq!(output.status.code(), Some(1), "{stderr}");
    assert!(
        stderr.contains("listing queues failed: ListQueues: unparseable response (HTTP 200)"),
        "{stderr}"
    );
    assert!(!stderr.contains("panicked"), "{stderr}");
    server.shutdown().await;
}
