//! Every command family's output, built on a simulated world whose names and alarm texts carry
//! C1 controls, DEL and bidi overrides, through the exact function the command prints with:
//! nothing a terminal could obey comes out raw, and JSON still reads back the exact text.
//! (Before the output gate, `health`, `metrics` and `redrive --json` wrote C1, DEL and bidi
//! controls raw: serde escapes only C0.)

use std::sync::Arc;

use serde_json::Value;

use crate::aws::Backend;
use crate::config::Config;
use crate::domain::untrusted::is_unsafe;
use crate::gate::Shown;
use crate::sim::{AlarmSpec, FleetSpec, QueueSpec, SimFleet, SystemClock};

/// A queue name as an attacker would write it: DEL, a C1 CSI, NEL, a right-to-left override.
const HOSTILE: &str = "orders\u{7f}\u{9b}2J\u{85}\u{202e}gpj.exe";
/// An alarm reason with an OSC 52 clipboard write, C1 and an isolate.
const REASON: &str = "Threshold crossed \u{9d}52;c;eA==\u{9c} \u{2066}x\u{2069}\u{7f}";

fn dlq() -> String {
    format!("{HOSTILE}-dlq")
}

fn hostile_world() -> Backend {
    let spec = FleetSpec {
        queues: vec![
            QueueSpec::new(HOSTILE).with_dlq(&dlq(), 3),
            QueueSpec::new(&dlq()),
        ],
        alarms: vec![AlarmSpec {
            name: format!("{HOSTILE}-alarm"),
            namespace: "AWS/SQS".to_string(),
            metric: "ApproximateNumberOfMessagesVisible".to_string(),
            dimension: ("QueueName".to_string(), HOSTILE.to_string()),
            threshold: 1.0,
            reason: REASON.to_string(),
            since_minutes: 5,
        }],
        ..FleetSpec::default()
    };
    crate::sim::backend(SimFleet::from_spec(spec, 1, Arc::new(SystemClock)).frozen())
}

/// No raw control or bidi character outside the line breaks.
fn assert_safe(shown: &Shown) {
    let raw: Vec<char> = shown
        .as_str()
        .chars()
        .filter(|&c| c != '\n' && is_unsafe(c))
        .collect();
    assert!(raw.is_empty(), "raw {raw:?} in:\n{}", shown.as_str());
}

/// Every string in `value`.
fn strings(value: &Value, out: &mut Vec<String>) {
    match value {
        Value::String(s) => out.push(s.clone()),
        Value::Array(items) => items.iter().for_each(|v| strings(v, out)),
        Value::Object(map) => map.values().for_each(|v| strings(v, out)),
        _ => {}
    }
}

/// The JSON parses, and some string in it holds `text` exactly as AWS gave it.
fn assert_json_carries(shown: &Shown, text: &str) {
    assert_safe(shown);
    let value: Value = serde_json::from_str(shown.as_str()).expect("valid JSON");
    let mut found = Vec::new();
    strings(&value, &mut found);
    assert!(
        found.iter().any(|s| s.contains(text)),
        "{text:?} not carried exactly in:\n{}",
        shown.as_str()
    );
}

#[tokio::test]
async fn health_json_and_text_carry_alarm_names_and_reasons_safely() {
    let backend = hostile_world();
    let config = Config::defaults().expect("defaults");
    let (problems, _) = super::health::live_problems(&backend, &config).await;
    assert!(
        problems.iter().any(|p| p.what.contains(REASON)),
        "the alarm's reason is a problem: {problems:?}"
    );
    assert_json_carries(
        &super::health::render(&problems, true, true).expect("json"),
        REASON,
    );
    let text = super::health::render(&problems, true, false).expect("text");
    assert_safe(&text);
    assert!(text.as_str().contains("<U+202E>"), "{}", text.as_str());
}

#[tokio::test]
async fn metrics_json_and_table_carry_queue_names_safely() {
    let backend = hostile_world();
    let args = crate::cli::MetricsArgs {
        name: HOSTILE.to_string(),
        since: "1h".to_string(),
        period: None,
        json: true,
    };
    let (report, _) = super::metrics::report(&backend, &args)
        .await
        .expect("report");
    let json = super::metrics::render(&report, true, false).expect("json");
    assert_json_carries(&json, HOSTILE);
    assert_safe(&super::metrics::render(&report, false, false).expect("table"));
}

#[tokio::test]
async fn redrive_plan_json_and_text_carry_queue_names_safely() {
    let backend = hostile_world();
    let dlq = crate::aws::resolve::queue(&backend, &dlq())
        .await
        .expect("the DLQ");
    let request = crate::redrive::PlanRequest {
        to: None,
        mode: crate::redrive::ModeChoice::Manual,
        selective: false,
        filtered: false,
        rate: None,
        subscriptions: None,
    };
    let plan = crate::redrive::plan(&backend, &dlq, request)
        .await
        .expect("a plan");
    let moves = crate::redrive::MoveOptions::default();
    let json =
        super::redrive_output::plan_text(&backend.info, &plan, &moves, None, true).expect("json");
    assert_json_carries(&json, HOSTILE);
    assert_safe(
        &super::redrive_output::plan_text(&backend.info, &plan, &moves, None, false).expect("text"),
    );
}

#[tokio::test]
async fn doctor_json_and_text_carry_queue_names_safely() {
    let backend = hostile_world();
    let collected =
        crate::inventory::collect_inventory(&backend, 4, &[crate::inventory::Source::Queues]).await;
    // A queue with no consumer and a DLQ nobody watches: findings that name it.
    let findings = crate::doctor::diagnose(&collected.inventory);
    let json = super::doctor::render(&findings, true).expect("json");
    assert_safe(&json);
    assert_safe(&super::doctor::render(&findings, false).expect("text"));
}

#[test]
fn ls_listings_and_incomplete_lines_pass_the_gate() {
    let error = crate::aws::ApiError::server("ListQueues", HOSTILE);
    let missing = crate::incomplete::Missing::Queue {
        url: format!("https://sqs/{HOSTILE}"),
        error,
    };
    let json = Shown::json_text(missing.json_line().expect("json"));
    assert_json_carries(&json, HOSTILE);
    assert_safe(&Shown::text(&missing.text_line()));
}
