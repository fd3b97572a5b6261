//! `squall logs` against an emulator (LocalStack, moto): functions cannot run there, so the
//! test creates the function and writes its log group itself (PutLogEvents), in Lambda's
//! Text format: two invocations that failed a message each (one as the Node.js runtime's
//! `Invoke Error` line), one that succeeded. Shared by tests/aws_logs.rs and
//! tests/moto_logs.rs. Facts pinned: LocalStack answers every event whatever the filter
//! pattern; moto matches terms but answers every event to `?` alternatives; the engine
//! checks what comes back, so `squall logs` prints the same on both.

pub mod follow;

use std::time::{SystemTime, UNIX_EPOCH};

use aws_sdk_cloudwatchlogs::types::InputLogEvent;
use serde_json::Value;
use squall::aws::logs::LogQuery;
use squall::logs::pattern;

use crate::support::emulator::Emulator;
use crate::support::{create_function_with_role, run_squall_status, sdk_backend, unique_name};

/// What the test wrote.
pub struct Seeded {
    pub function: String,
    pub log_group: String,
    pub failed_message: String,
    pub failed_request: String,
    pub start_ms: i64,
}

fn now_ms() -> i64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map(|d| d.as_millis() as i64)
        .unwrap_or(0)
}

fn request_id(n: u32) -> String {
    format!("{n:08x}-3b4d-4e5f-8a7b-1c2d3e4f5a6b")
}

/// The events of one invocation at `at`: START, INFO naming `message`, an error when
/// `error` is set, END, REPORT.
fn invocation(at: i64, request: &str, message: &str, error: Option<&str>) -> Vec<(i64, String)> {
    let time = "2026-12-05T06:00:00.000Z";
    let mut lines = vec![
        (at, format!("START RequestId: {request} Version: $LATEST")),
        (
            at + 1,
            format!("{time}\t{request}\tINFO\tprocessing record {message}"),
        ),
    ];
    if let Some(error) = error {
        lines.push((at + 2, format!("{time}\t{request}\tERROR\t{error}")));
    }
    lines.push((at + 3, format!("END RequestId: {request}")));
    lines.push((
        at + 4,
        format!("REPORT RequestId: {request}\tDuration: 3.00 ms"),
    ));
    lines
}

/// A function (created with `role`) and its log group with three invocations.
pub async fn seed<S>(emulator: &Emulator<S>, role: &str) -> Seeded {
    let function = unique_name("logs-fn");
    create_function_with_role(&emulator.lambda().await, &function, role, 128, 5, None).await;
    let log_group = format!("/aws/lambda/{function}");
    let logs = aws_sdk_cloudwatchlogs::Client::new(&emulator.sdk_config().await);
    logs.create_log_group()
        .log_group_name(&log_group)
        .send()
        .await
        .expect("CreateLogGroup");
    let stream = "2026/12/05/[$LATEST]0123456789abcdef";
    logs.create_log_stream()
        .log_group_name(&log_group)
        .log_stream_name(stream)
        .send()
        .await
        .expect("CreateLogStream");
    let start_ms = now_ms() - 120_000;
    let failed_message = unique_name("msg");
    let other_message = unique_name("msg");
    let type_error = "TypeError: Cannot read properties of undefined (reading 'carrier')\n    at dispatch (/var/task/dispatch.js:42:17)";
    let invoke_error = r#"Invoke Error 	{"errorType":"TypeError","errorMessage":"Cannot read properties of undefined (reading 'parcel')","stack":["TypeError: x"]}"#;
    let mut events = invocation(start_ms, &request_id(1), &failed_message, Some(type_error));
    events.extend(invocation(
        start_ms + 1_000,
        &request_id(2),
        &other_message,
        Some(invoke_error),
    ));
    events.extend(invocation(
        start_ms + 2_000,
        &request_id(3),
        &unique_name("ok"),
        None,
    ));
    let events: Vec<InputLogEvent> = events
        .into_iter()
        .map(|(at, message)| {
            InputLogEvent::builder()
                .timestamp(at)
                .message(message)
                .build()
                .expect("event")
        })
        .collect();
    logs.put_log_events()
        .log_group_name(&log_group)
        .log_stream_name(stream)
        .set_log_events(Some(events))
        .send()
        .await
        .expect("PutLogEvents");
    Seeded {
        function,
        log_group,
        failed_message,
        failed_request: request_id(1),
        start_ms,
    }
}

fn json_lines(stdout: &str) -> Vec<Value> {
    stdout
        .lines()
        .map(|l| serde_json::from_str(l).unwrap_or_else(|e| panic!("{e}: {l}")))
        .collect()
}

/// Every line of the function, parsed, through the CLI.
pub async fn lines_are_read_and_parsed<S>(emulator: &Emulator<S>, seeded: &Seeded) {
    let (code, stdout, stderr) = run_squall_status(
        emulator,
        &["logs", &seeded.function, "--since", "1h", "--json"],
    )
    .await;
    assert_eq!(code, 0, "{stderr}");
    let lines = json_lines(&stdout);
    assert_eq!(lines.len(), 14, "{stdout}");
    assert_eq!(lines[0]["kind"], "start");
    assert_eq!(lines[0]["log_group"], seeded.log_group.as_str());
    assert_eq!(lines[0]["request_id"], seeded.failed_request.as_str());
    assert_eq!(lines[2]["level"], "ERROR");
    assert_eq!(lines[2]["timestamp_ms"], seeded.start_ms + 2);
    assert!(stderr.contains("from 1 log group"), "{stderr}");
    let args = [
        "logs",
        &seeded.function,
        "--grep",
        "processing record",
        "--json",
    ];
    let (code, stdout, stderr) = run_squall_status(emulator, &args).await;
    assert_eq!(code, 0, "{stderr}");
    assert_eq!(
        json_lines(&stdout).len(),
        3,
        "the three INFO lines: {stdout}"
    );
}

/// `--message-id`: the invocation that names the message, START to REPORT, and no other.
pub async fn a_message_leads_to_its_invocation<S>(emulator: &Emulator<S>, seeded: &Seeded) {
    let args = [
        "logs",
        &seeded.function,
        "--message-id",
        &seeded.failed_message,
        "--json",
    ];
    let (code, stdout, stderr) = run_squall_status(emulator, &args).await;
    assert_eq!(code, 0, "{stderr}");
    let lines = json_lines(&stdout);
    assert_eq!(lines.len(), 5, "START, INFO, ERROR, END, REPORT: {stdout}");
    assert!(
        lines
            .iter()
            .all(|l| l["request_id"] == seeded.failed_request.as_str())
    );
    assert_eq!(lines[0]["kind"], "start");
    assert_eq!(lines[4]["kind"], "report");
    assert!(
        lines[2]["message"]
            .as_str()
            .is_some_and(|m| m.contains("at dispatch"))
    );
    assert!(stderr.contains("in 2 FilterLogEvents requests"), "{stderr}");
}

/// `--errors`: the two TypeErrors are one signature.
pub async fn errors_make_signatures<S>(emulator: &Emulator<S>, seeded: &Seeded) {
    let args = ["logs", &seeded.function, "--errors", "--json"];
    let (code, stdout, stderr) = run_squall_status(emulator, &args).await;
    assert_eq!(code, 0, "{stderr}");
    let signatures = json_lines(&stdout);
    assert_eq!(signatures.len(), 1, "{stdout}");
    assert_eq!(
        signatures[0]["signature"],
        "TypeError: Cannot read properties of undefined (reading '<*>')"
    );
    assert_eq!(signatures[0]["count"], 2);
}

/// How much of the filter pattern language an endpoint honours (each test binary names
/// its own emulator's).
#[allow(dead_code)]
pub enum PatternSupport {
    Ignored,
    TermsOnly,
}

/// The SDK adapter pages with the service's token, and a missing group is NotFound.
pub async fn pages_follow_the_token<S>(
    emulator: &Emulator<S>,
    seeded: &Seeded,
    support: PatternSupport,
) {
    let backend = sdk_backend(emulator).await;
    let mut query = LogQuery {
        log_group: seeded.log_group.clone(),
        start_ms: seeded.start_ms - 1,
        end_ms: seeded.start_ms + 10_000,
        limit: Some(5),
        ..LogQuery::default()
    };
    let mut seen = Vec::new();
    for _ in 0..10 {
        let page = backend.logs.filter_log_events(&query).await.expect("page");
        assert!(page.events.len() <= 5);
        seen.extend(page.events.into_iter().map(|e| e.message));
        match page.next_token {
            Some(token) => query.next_token = Some(token),
            None => break,
        }
    }
    assert_eq!(seen.len(), 14, "{seen:?}");
    let matching = LogQuery {
        filter_pattern: Some(
            pattern::any_of([seeded.failed_message.as_str(), "no-such-term"]).expect("pattern"),
        ),
        next_token: None,
        limit: None,
        ..query.clone()
    };
    let page = backend
        .logs
        .filter_log_events(&matching)
        .await
        .expect("filtered");
    let single = LogQuery {
        filter_pattern: Some(pattern::quoted(&seeded.failed_message).expect("term")),
        ..matching.clone()
    };
    let single = backend
        .logs
        .filter_log_events(&single)
        .await
        .expect("filtered");
    let plain = LogQuery {
        filter_pattern: Some("ERROR".into()),
        ..matching.clone()
    };
    let plain = backend
        .logs
        .filter_log_events(&plain)
        .await
        .expect("filtered");
    let counts = (page.events.len(), single.events.len(), plain.events.len());
    let expected = match support {
        // The engine checks what comes back: LocalStack answers every event.
        PatternSupport::Ignored => (14, 14, 14),
        // moto matches terms, but answers every event to `?` alternatives.
        PatternSupport::TermsOnly => (14, 1, 2),
    };
    assert_eq!(counts, expected, "(any of, one term, a bare word) events");
    let info = backend
        .logs
        .describe_log_group(&seeded.log_group)
        .await
        .expect("describe");
    assert_eq!(info.map(|i| i.name), Some(seeded.log_group.clone()));
    let missing = LogQuery {
        log_group: "/aws/lambda/never-logged".into(),
        ..query
    };
    let error = backend
        .logs
        .filter_log_events(&missing)
        .await
        .expect_err("no group");
    assert_eq!(error.kind, squall::aws::ErrorKind::NotFound, "{error}");
}
