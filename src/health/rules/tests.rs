//! Each rule: a problem when burning, none when healthy.

use super::super::problem::{Affected, Kind, Severity, worst_first};
use super::super::rules::{self, Clock};
use super::super::thresholds::Thresholds;
use crate::metrics::{Resource, Series};

const MINUTE: i64 = 60_000;
const NOW: i64 = 100 * MINUTE;
const CLOCK: Clock = Clock {
    period_ms: MINUTE,
    now_ms: NOW,
};

fn series(points: &[(i64, f64)]) -> Series {
    let mut s = Series::default();
    let pts: Vec<(i64, f64)> = points.iter().map(|(m, v)| (m * MINUTE, *v)).collect();
    s.replace(i64::MIN, i64::MAX, &pts);
    s
}

fn affected(kind: Kind, name: &str) -> Affected {
    Affected {
        kind,
        name: name.into(),
        address: format!("arn:aws:x:{name}"),
    }
}

#[test]
fn a_dlq_holding_messages_is_critical_and_says_whether_it_still_fills() {
    let dlq = affected(Kind::Dlq, "orders-dlq");
    let depth = series(&[(95, 0.0), (97, 3.0), (98, 5.0), (99, 7.0)]);
    let arrivals = series(&[(98, 2.0), (99, 4.0)]);
    let p =
        rules::dlq_holding(&dlq, 7, Some(&depth), Some(&arrivals), None, CLOCK).expect("problem");
    assert_eq!(p.severity, Severity::Critical);
    assert!(p.what.contains("holds 7"), "{}", p.what);
    assert!(p.what.contains("still filling (4.0/min)"), "{}", p.what);
    assert_eq!(p.since_ms, Some(97 * MINUTE));
    let quiet = series(&[(99, 0.0)]);
    let p = rules::dlq_holding(&dlq, 7, None, Some(&quiet), None, CLOCK).expect("problem");
    assert!(p.what.contains("not filling"), "{}", p.what);
    // Dead-lettered by a redrive policy: not in NumberOfMessagesSent, but the depth rises.
    let p = rules::dlq_holding(&dlq, 7, Some(&depth), Some(&quiet), None, CLOCK).expect("problem");
    assert!(p.what.contains("still filling (2.0/min)"), "{}", p.what);
    let flat = series(&[(97, 7.0), (98, 7.0), (99, 7.0)]);
    let p = rules::dlq_holding(&dlq, 7, Some(&flat), Some(&quiet), None, CLOCK).expect("problem");
    assert!(p.what.contains("not filling"), "{}", p.what);
    assert_eq!(
        rules::dlq_holding(&dlq, 0, Some(&depth), Some(&arrivals), None, CLOCK),
        None
    );
}

#[test]
fn a_dlqs_since_comes_from_its_oldest_message_or_is_marked_a_lower_bound() {
    let dlq = affected(Kind::Dlq, "orders-dlq");
    let since = |depth: &Series, oldest: Option<&Series>| {
        let p = rules::dlq_holding(&dlq, 7, Some(depth), None, oldest, CLOCK).expect("problem");
        (p.since_ms, p.since_lower_bound)
    };
    // CloudWatch has only the live point: without the age, "since" is now, at least.
    let live_only = series(&[(100, 7.0)]);
    assert_eq!(since(&live_only, None), (Some(100 * MINUTE), true));
    // The oldest message is three hours old: the DLQ has held messages since then.
    let three_hours = series(&[(99, 3.0 * 3600.0)]);
    assert_eq!(
        since(&live_only, Some(&three_hours)),
        (Some(99 * MINUTE - 3 * 60 * MINUTE), false)
    );
    // Above zero for the whole window: a lower bound, unless the age says more.
    let whole_window = series(&[(40, 2.0), (70, 5.0), (99, 7.0)]);
    assert_eq!(since(&whole_window, None), (Some(40 * MINUTE), true));
    let ten_minutes = series(&[(99, 600.0)]);
    // Held since minute 40 at least, though the oldest message now came at minute 89.
    assert_eq!(
        since(&whole_window, Some(&ten_minutes)),
        (Some(40 * MINUTE), true)
    );
    // Risen from zero inside the window: the depth knows the start.
    let risen = series(&[(95, 0.0), (97, 3.0), (99, 7.0)]);
    assert_eq!(since(&risen, None), (Some(97 * MINUTE), false));
    // A stale age (older than two periods) or an empty DLQ's zero age says nothing.
    let stale = series(&[(50, 600.0)]);
    assert_eq!(since(&risen, Some(&stale)), (Some(97 * MINUTE), false));
    let zero = series(&[(99, 0.0)]);
    assert_eq!(since(&live_only, Some(&zero)), (Some(100 * MINUTE), true));
}

#[test]
fn an_old_oldest_message_warns_then_is_critical_with_a_time_to_empty() {
    let queue = affected(Kind::Queue, "orders");
    let resource = Resource::Queue("orders".into());
    let t = Thresholds::default();
    let oldest = series(&[(97, 100.0), (98, 400.0), (99, 600.0)]);
    let draining = series(&[(97, 30.0), (98, 20.0), (99, 10.0)]);
    let p = rules::oldest_too_old(&queue, &resource, Some(&oldest), Some(&draining), &t, CLOCK)
        .expect("problem");
    assert_eq!(p.severity, Severity::Warning);
    assert!(p.what.contains("10m old"), "{}", p.what);
    assert!(p.what.contains("empties in ~1m"), "{}", p.what);
    // 600 s old at minute 99: over the 300 s threshold since minute 94.
    assert_eq!(p.since_ms, Some(94 * MINUTE));
    let ancient = series(&[(99, 7200.0)]);
    let growing = series(&[(97, 10.0), (99, 30.0)]);
    let p = rules::oldest_too_old(&queue, &resource, Some(&ancient), Some(&growing), &t, CLOCK)
        .expect("problem");
    assert_eq!(p.severity, Severity::Critical);
    assert!(p.what.contains("not draining"), "{}", p.what);
    // One point is enough: two hours old, over the threshold for 1 h 55 min.
    assert_eq!(
        (p.since_ms, p.since_lower_bound),
        (Some(99 * MINUTE - 115 * MINUTE), false)
    );
    let young = series(&[(99, 20.0)]);
    assert_eq!(
        rules::oldest_too_old(&queue, &resource, Some(&young), None, &t, CLOCK),
        None
    );
    // A point from long ago says nothing about now.
    let stale = series(&[(10, 7200.0)]);
    assert_eq!(
        rules::oldest_too_old(&queue, &resource, Some(&stale), None, &t, CLOCK),
        None
    );
}

#[test]
fn depth_growing_faster_than_it_drains_is_a_warning_and_draining_is_not() {
    let queue = affected(Kind::Queue, "orders");
    let resource = Resource::Queue("orders".into());
    let t = Thresholds::default();
    let growing = series(&[(90, 0.0), (95, 50.0), (99, 90.0)]);
    let p = rules::not_draining(&queue, &resource, 90, Some(&growing), &t).expect("problem");
    assert_eq!(p.severity, Severity::Warning);
    assert!(p.what.contains("+10/min"), "{}", p.what);
    let draining = series(&[(90, 90.0), (99, 0.0)]);
    assert_eq!(
        rules::not_draining(&queue, &resource, 5, Some(&draining), &t),
        None
    );
    let slow = series(&[(90, 10.0), (99, 12.0)]);
    assert_eq!(
        rules::not_draining(&queue, &resource, 12, Some(&slow), &t),
        None
    );
}

#[test]
fn a_failing_or_throttled_consumer_is_a_problem_and_a_healthy_one_is_not() {
    let function = affected(Kind::Function, "orders-worker");
    let t = Thresholds::default();
    let rate = series(&[(98, 2.0), (99, 60.0)]);
    let throttles = series(&[(99, 3.0)]);
    let problems = rules::consumer_failing(&function, Some(&rate), Some(&throttles), &t, CLOCK);
    assert_eq!(problems.len(), 2);
    assert_eq!(problems[0].severity, Severity::Critical);
    assert!(problems[0].what.contains("60.0%"), "{}", problems[0].what);
    assert_eq!(problems[0].since_ms, Some(99 * MINUTE));
    assert!(
        problems[1].what.contains("throttled 3"),
        "{}",
        problems[1].what
    );
    let healthy = series(&[(99, 1.0)]);
    let none = series(&[(99, 0.0)]);
    assert!(rules::consumer_failing(&function, Some(&healthy), Some(&none), &t, CLOCK).is_empty());
}

#[test]
fn a_disabled_mapping_matters_only_while_its_queue_holds_messages() {
    let mapping = affected(Kind::EventSourceMapping, "orders-worker ← orders");
    let p = rules::mapping_disabled(&mapping, "Disabled", "orders", 12).expect("problem");
    assert_eq!(p.severity, Severity::Critical);
    assert!(
        p.what.contains("Disabled while orders holds 12"),
        "{}",
        p.what
    );
    assert_eq!(
        rules::mapping_disabled(&mapping, "Disabled", "orders", 0),
        None
    );
    assert_eq!(
        rules::mapping_disabled(&mapping, "Enabled", "orders", 12),
        None
    );
}

#[test]
fn sns_failures_redrives_and_lost_redrives_are_reported_lost_first() {
    let topic = affected(Kind::Topic, "orders-events");
    let t = Thresholds::default();
    let failed = series(&[(99, 4.0)]);
    let redriven = series(&[(99, 4.0)]);
    let lost = series(&[(99, 1.0)]);
    let problems = rules::sns_failures(
        &topic,
        Some(&failed),
        Some(&redriven),
        Some(&lost),
        &t,
        CLOCK,
    );
    assert_eq!(problems.len(), 3);
    assert_eq!(problems[0].severity, Severity::Critical);
    assert!(problems[0].what.contains("lost"), "{}", problems[0].what);
    let zero = series(&[(99, 0.0)]);
    assert!(
        rules::sns_failures(&topic, Some(&zero), Some(&zero), Some(&zero), &t, CLOCK).is_empty()
    );
}

#[test]
fn worst_first_puts_critical_dlqs_before_warnings() {
    let t = Thresholds::default();
    let resource = Resource::Queue("orders".into());
    let oldest = series(&[(99, 400.0)]);
    let mut problems = vec![
        rules::oldest_too_old(
            &affected(Kind::Queue, "orders"),
            &resource,
            Some(&oldest),
            None,
            &t,
            CLOCK,
        )
        .expect("warning"),
        rules::mapping_disabled(&affected(Kind::EventSourceMapping, "m"), "Disabled", "q", 1)
            .expect("mapping"),
        rules::dlq_holding(
            &affected(Kind::Dlq, "orders-dlq"),
            3,
            None,
            None,
            None,
            CLOCK,
        )
        .expect("dlq"),
    ];
    worst_first(&mut problems);
    let kinds: Vec<Kind> = problems.iter().map(|p| p.resource.kind).collect();
    assert_eq!(
        kinds,
        vec![Kind::Dlq, Kind::EventSourceMapping, Kind::Queue]
    );
}

#[test]
fn thresholds_from_config_replace_defaults_and_refuse_negatives() {
    let mut t = Thresholds::default();
    let section: super::super::thresholds::HealthSection =
        toml::from_str("oldest_age_warning_seconds = 60").expect("parse");
    t.apply(section).expect("apply");
    assert_eq!(t.oldest_age_warning_s, 60.0);
    assert_eq!(t.error_rate_percent, 5.0);
    let section: super::super::thresholds::HealthSection =
        toml::from_str("throttles = -1").expect("parse");
    assert!(t.apply(section).is_err());
}

#[test]
fn the_health_section_of_the_config_files_sets_the_thresholds() {
    let defaults = crate::config::Config::defaults().expect("defaults");
    assert_eq!(defaults.health, Thresholds::default());
    let path = std::path::Path::new("user.toml");
    let user = crate::config::Config::from_user_text(path, "[health]\nerror_rate_percent = 20\n")
        .expect("user file");
    assert_eq!(user.health.error_rate_percent, 20.0);
    assert_eq!(user.health.oldest_age_warning_s, 300.0);
    let error = crate::config::Config::from_user_text(path, "[health]\nsns_failures = -2\n")
        .expect_err("negative");
    assert!(error.to_string().contains("health.sns_failures"), "{error}");
    assert_eq!(defaults.health.alarm_severity, Severity::Critical);
    let user =
        crate::config::Config::from_user_text(path, "[health]\nalarm_severity = \"warning\"\n")
            .expect("user file");
    assert_eq!(user.health.alarm_severity, Severity::Warning);
    let error =
        crate::config::Config::from_user_text(path, "[health]\nalarm_severity = \"page\"\n")
            .expect_err("not a severity");
    assert!(
        error.to_string().contains("health.alarm_severity"),
        "{error}"
    );
}

#[test]
fn the_start_view_is_the_board_unless_the_config_says_queues() {
    let path = std::path::Path::new("user.toml");
    assert!(
        crate::config::Config::defaults()
            .expect("defaults")
            .start_on_health
    );
    let queues =
        crate::config::Config::from_user_text(path, "[general]\nstart_view = \"queues\"\n")
            .expect("queues");
    assert!(!queues.start_on_health);
    let error = crate::config::Config::from_user_text(path, "[general]\nstart_view = \"x\"\n")
        .expect_err("unknown view");
    assert!(error.to_string().contains("general.start_view"), "{error}");
}

#[test]
fn alarms_and_running_redrives_join_the_board_and_alarmed_resources_are_fetched() {
    use super::super::assess::{Facts, QueueFacts, assess, wanted};
    use crate::domain::message::MoveTask;
    use crate::domain::{Alarm, AlarmMetric};
    let queue = |name: &str, visible: u64, is_dlq: bool| QueueFacts {
        name: name.into(),
        address: format!("arn:aws:sqs:us-east-1:1:{name}"),
        fifo: false,
        visible,
        is_dlq,
        consumers: Vec::new(),
        native_redrive: is_dlq,
        running_move_task: None,
    };
    let mut dlq = queue("orders-dlq", 5, true);
    dlq.running_move_task = Some(MoveTask {
        task_handle: Some("h".into()),
        source_arn: dlq.address.clone(),
        destination_arn: None,
        status: "RUNNING".into(),
        max_messages_per_second: Some(1),
        moved: 2,
        to_move: Some(7),
        failure_reason: None,
        started_ms: Some(NOW - MINUTE),
    });
    let facts = Facts {
        // An idle queue: no rule reads its series, unless an alarm is on it.
        queues: vec![queue("idle", 0, false), dlq],
        topics: Vec::new(),
        functions: Vec::new(),
        async_functions: Vec::new(),
        alarms: vec![Alarm {
            name: "idle-sent".into(),
            arn: String::new(),
            metrics: vec![AlarmMetric {
                namespace: "AWS/SQS".into(),
                name: "NumberOfMessagesSent".into(),
                dimensions: [("QueueName".to_string(), "idle".to_string())].into(),
            }],
            reason: "Threshold Crossed".into(),
            state_updated_ms: Some(NOW - 3 * MINUTE),
            threshold: Some(1.0),
        }],
    };
    assert!(wanted(&facts).contains(&Resource::Queue("idle".into())));
    assert_eq!(
        facts.move_task_sources(),
        ["arn:aws:sqs:us-east-1:1:orders-dlq"]
    );
    let engine = crate::metrics::MetricsEngine::default();
    let problems = assess(&facts, &engine, &Thresholds::default(), NOW);
    let rows: Vec<(Severity, &str)> = problems
        .iter()
        .map(|p| (p.severity, p.what.as_str()))
        .collect();
    assert_eq!(
        rows,
        [
            (Severity::Critical, "DLQ holds 5 messages, not filling"),
            (
                Severity::Critical,
                "alarm idle-sent in ALARM on NumberOfMessagesSent: Threshold Crossed"
            ),
            (
                Severity::Info,
                "redrive running: moved 2 of 7 back to their sources at 1/s"
            ),
        ]
    );
}
