//! The canary's watch on the demo's shipping incident, in the simulated world whose clock
//! follows tokio's paused one (so minutes of watching pass in virtual time): a canary into
//! the consumer while it still fails is not safe, with its messages back in the DLQ and the
//! TypeError named; after the rollback the same canary is safe.

use std::time::Duration;

use tokio_util::sync::CancellationToken;

use super::*;
use crate::aws::Backend;
use crate::redrive::plan::{ModeChoice, PlanRequest};
use crate::redrive::{MoveOptions, RunOptions, RunProgress, execute, plan};
use crate::sim::{DemoOptions, ManualClock, SHIPPING_DLQ, SimFleet};

fn wall_ms() -> i64 {
    WatchClock::start().now_ms()
}

/// The demo world `skip_s` into its story, on a clock that follows tokio's from now.
fn demo(options: DemoOptions) -> Backend {
    let clock = ManualClock::following_tokio(wall_ms());
    crate::sim::backend(SimFleet::demo_with_options(7, clock, options))
}

fn journal_dir(name: &str) -> std::path::PathBuf {
    let dir = std::env::temp_dir().join(format!(
        "squall-canary-{}-{name}-{}",
        std::process::id(),
        wall_ms()
    ));
    let _ = std::fs::remove_dir_all(&dir);
    dir
}

/// Moves `n` messages from the shipping DLQ back to its queue, as `--canary n` does.
async fn canary(backend: &Backend, n: u64, clock: &WatchClock, name: &str) -> CanaryRun {
    canary_of(backend, SHIPPING_DLQ, n, clock, name).await
}

/// Moves `n` messages from the DLQ `dlq_name` by its planned route, as `--canary n` does.
async fn canary_of(
    backend: &Backend,
    dlq_name: &str,
    n: u64,
    clock: &WatchClock,
    name: &str,
) -> CanaryRun {
    let dlq = crate::aws::resolve::queue(backend, dlq_name)
        .await
        .expect("dlq");
    assert!(dlq.counts.visible >= n, "the DLQ holds {:?}", dlq.counts);
    let request = PlanRequest {
        mode: ModeChoice::Auto,
        selective: true,
        ..PlanRequest::default()
    };
    let plan = plan(backend, &dlq, request).await.expect("plan");
    let options = RunOptions {
        moves: MoveOptions {
            limit: Some(n),
            wait_s: 0,
            ..MoveOptions::default()
        },
        journal_dir: journal_dir(name),
        resume: None,
    };
    let started_ms = clock.now_ms();
    let summary = execute(
        backend,
        &plan,
        &options,
        &RunProgress::default(),
        &CancellationToken::new(),
    )
    .await
    .expect("run");
    assert_eq!((summary.end.as_str(), summary.moved), ("limit_reached", n));
    let journal = summary.journal.expect("journal");
    CanaryRun::from_journal(&plan, &journal, started_ms).expect("canary")
}

async fn watched(
    backend: &Backend,
    run: &CanaryRun,
    clock: &WatchClock,
    length: Option<u64>,
) -> Verdict {
    let options = WatchOptions {
        length: length.map(Duration::from_secs),
        ..WatchOptions::default()
    };
    watch(
        backend,
        run,
        &options,
        clock,
        &WatchProgress::default(),
        &CancellationToken::new(),
    )
    .await
}

#[tokio::test(start_paused = true)]
async fn a_canary_into_the_failing_consumer_comes_back_and_is_not_safe() {
    let backend = demo(DemoOptions {
        incident_after_s: 0,
        incident_lasts_s: 3600,
        skip_s: 600,
    });
    let clock = WatchClock::start();
    let run = canary(&backend, 10, &clock, "failing").await;
    assert_eq!(run.moved.len(), 10);
    assert!(run.moved.iter().all(|m| m.attributes_md5.is_some()));
    let verdict = watched(&backend, &run, &clock, Some(15 * 60)).await;
    assert_eq!(verdict.verdict, Outcome::NotSafe, "{verdict:#?}");
    let back = verdict.back_in_dlq.expect("the DLQ was read");
    assert!(back > 0, "{verdict:#?}");
    assert!(verdict.ended_early, "a message back ends the watch");
    assert!(verdict.errors.is_some_and(|e| e > 0), "{verdict:#?}");
    let top = verdict.signatures.first().expect("a signature");
    assert!(
        top.signature
            .starts_with("TypeError: Cannot read properties of undefined"),
        "{top:?}"
    );
    assert!(
        verdict
            .line
            .contains(&format!("{back} of 10 back in the DLQ"))
            && verdict.line.contains("TypeError")
            && verdict.line.ends_with("→ do not continue"),
        "{}",
        verdict.line
    );
}

#[tokio::test(start_paused = true)]
async fn after_the_rollback_the_same_canary_is_safe() {
    let backend = demo(DemoOptions {
        incident_after_s: 0,
        incident_lasts_s: 5 * 60,
        skip_s: 8 * 60,
    });
    let clock = WatchClock::start();
    let run = canary(&backend, 10, &clock, "fixed").await;
    let verdict = watched(&backend, &run, &clock, None).await;
    assert_eq!(verdict.verdict, Outcome::Safe, "{verdict:#?}");
    assert_eq!(verdict.back_in_dlq, Some(0));
    assert_eq!(verdict.errors, Some(0));
    assert!(verdict.signatures.is_empty(), "{:?}", verdict.signatures);
    // shipping-dispatch: maxReceiveCount 5 at a visibility of 30 s.
    assert_eq!(verdict.watch_length_s, 150);
    assert!(verdict.watched_s >= 150, "{verdict:#?}");
    assert_eq!(verdict.consumers, vec![crate::sim::SHIPPING_FUNCTION]);
    assert_eq!(
        verdict.line,
        "canary: 10 moved, 0 back in the DLQ, consumer errors 0 in 2m 30s → safe to continue"
    );
}

#[test]
fn the_default_watch_covers_max_receive_count_visibility_timeouts_within_2_to_15_minutes() {
    let queue = |receives: Option<u32>, visibility: &str| Queue {
        name: "q".into(),
        url: "u".into(),
        arn: "a".into(),
        fifo: false,
        counts: Default::default(),
        redrive: receives.map(|max_receive_count| crate::domain::RedrivePolicy {
            dead_letter_target_arn: "d".into(),
            max_receive_count,
        }),
        attributes: [("VisibilityTimeout".to_string(), visibility.to_string())].into(),
    };
    let secs = |queues: &[Queue]| default_watch_length(queues).as_secs();
    assert_eq!(secs(&[queue(Some(5), "60")]), 300);
    assert_eq!(secs(&[queue(Some(3), "10")]), 120, "at least 2 minutes");
    assert_eq!(secs(&[queue(Some(10), "300")]), 900, "at most 15");
    assert_eq!(
        secs(&[queue(Some(5), "30"), queue(Some(4), "60")]),
        240,
        "the longest destination"
    );
    assert_eq!(secs(&[]), 120);
}

/// A DLQ with a redrive policy of its own is never read (every receive would count toward
/// it): only its count is watched. With no consumer to ask either, nothing could be
/// checked: unknown, and the verdict says why.
#[tokio::test(start_paused = true)]
async fn a_dlq_with_its_own_redrive_policy_is_only_counted_and_the_verdict_is_unknown() {
    use crate::domain::message::{OutgoingMessage, ReceiveRequest};
    use crate::sim::{FleetSpec, QueueSpec, WorldSettings};
    let clock = ManualClock::following_tokio(wall_ms());
    let spec = FleetSpec {
        queues: vec![
            QueueSpec::new("a").with_dlq("a-dlq", 1),
            QueueSpec::new("a-dlq").with_dlq("a-dlq-dlq", 3),
            QueueSpec::new("a-dlq-dlq"),
        ],
        ..FleetSpec::default()
    };
    let settings = WorldSettings {
        max_catch_up_ms: 24 * 3600 * 1000,
        ..WorldSettings::default()
    };
    let backend = crate::sim::backend(SimFleet::with_settings(spec, 1, clock, settings));
    let a = crate::aws::resolve::queue(&backend, "a").await.expect("a");
    let messages: Vec<OutgoingMessage> = (0..4)
        .map(|i| OutgoingMessage {
            id: i.to_string(),
            body: format!("m{i}"),
            message_attributes: Default::default(),
            delay_seconds: None,
            group_id: None,
            deduplication_id: None,
            trace_header: None,
        })
        .collect();
    let writers = backend.writers("test").expect("writers");
    writers
        .queues
        .send_messages(&a.url, &messages)
        .await
        .expect("send");
    let fail_all = ReceiveRequest {
        max_messages: 10,
        wait_seconds: 0,
        visibility_timeout_seconds: Some(0),
    };
    while !backend
        .messages
        .receive_messages(&a.url, fail_all)
        .await
        .expect("receive")
        .is_empty()
    {}
    let dlq = crate::aws::resolve::queue(&backend, "a-dlq")
        .await
        .expect("dlq");
    let plan = plan(
        &backend,
        &dlq,
        PlanRequest {
            mode: ModeChoice::Manual,
            selective: true,
            ..PlanRequest::default()
        },
    )
    .await
    .expect("plan");
    let watch_clock = WatchClock::start();
    let options = RunOptions {
        moves: MoveOptions {
            limit: Some(2),
            wait_s: 0,
            ..MoveOptions::default()
        },
        journal_dir: journal_dir("own-policy"),
        resume: None,
    };
    let started_ms = watch_clock.now_ms();
    let summary = execute(
        &backend,
        &plan,
        &options,
        &RunProgress::default(),
        &CancellationToken::new(),
    )
    .await
    .expect("run");
    let run = CanaryRun::from_journal(&plan, &summary.journal.expect("journal"), started_ms)
        .expect("canary");
    // During the watch the moved messages fail again: back in a-dlq, where it may not look.
    let failing = backend.clone();
    tokio::spawn(async move {
        tokio::time::sleep(Duration::from_secs(5)).await;
        let receive = || failing.messages.receive_messages(&a.url, fail_all);
        while !receive().await.expect("receive").is_empty() {}
    });
    let verdict = watched(&backend, &run, &watch_clock, Some(30)).await;
    assert_eq!(verdict.verdict, Outcome::Unknown, "{verdict:#?}");
    assert_eq!(verdict.back_in_dlq, None);
    assert!(
        verdict.dlq_check.contains("redrive policy of its own") && verdict.dlq_check.contains("+2"),
        "{}",
        verdict.dlq_check
    );
    assert!(verdict.consumers.is_empty());
    assert!(
        verdict
            .line
            .ends_with("unknown: no Lambda consumer of the destinations, judge by hand"),
        "{}",
        verdict.line
    );
    let hidden = crate::aws::resolve::queue(&backend, "a-dlq")
        .await
        .expect("dlq");
    assert_eq!(
        (hidden.counts.visible, hidden.counts.in_flight),
        (4, 0),
        "every message of a-dlq still there, none received by the watch"
    );
}

#[tokio::test(start_paused = true)]
async fn a_canary_invoked_into_the_still_failing_notifier_comes_back_and_is_not_safe() {
    let backend = demo(DemoOptions {
        skip_s: 300,
        ..DemoOptions::default()
    });
    let clock = WatchClock::start();
    let dlq = crate::aws::resolve::queue(&backend, "shipping-notifier-dlq")
        .await
        .expect("dlq");
    assert!(dlq.counts.visible >= 1, "the DLQ holds {:?}", dlq.counts);
    let request = PlanRequest {
        selective: true,
        ..PlanRequest::default()
    };
    let plan = plan(&backend, &dlq, request).await.expect("plan");
    let options = RunOptions {
        moves: MoveOptions {
            limit: Some(1),
            wait_s: 0,
            ..MoveOptions::default()
        },
        journal_dir: journal_dir("notifier"),
        resume: None,
    };
    let started_ms = clock.now_ms();
    let progress = RunProgress::default();
    let summary = execute(
        &backend,
        &plan,
        &options,
        &progress,
        &CancellationToken::new(),
    )
    .await
    .expect("run");
    assert_eq!(summary.moved, 1, "{summary:?}");
    let journal = summary.journal.expect("journal");
    let run = CanaryRun::from_journal(&plan, &journal, started_ms).expect("canary");
    assert_eq!(run.invoked.as_deref(), Some("shipping-notifier"));
    let watched_functions: Vec<String> = super::checks::consumers(&backend, &run)
        .await
        .expect("consumers")
        .targets
        .into_iter()
        .map(|t| t.function)
        .collect();
    assert_eq!(
        watched_functions,
        ["shipping-notifier"],
        "the function invoked"
    );
    let verdict = watched(&backend, &run, &clock, Some(120)).await;
    // Back with Lambda's new RequestID and error attributes: the body recognises it.
    assert_eq!(verdict.back_in_dlq, Some(1), "{verdict:#?}");
    assert_eq!(verdict.verdict, Outcome::NotSafe, "{verdict:#?}");
}

#[test]
fn the_configured_watch_takes_the_config_and_caps_the_log_read() {
    let small = WatchOptions::configured(Some(Duration::from_secs(300)), 5000, 7);
    assert_eq!(small.length, Some(Duration::from_secs(300)));
    assert_eq!(small.sweep_cap, 5000, "messages.sweep_cap");
    assert_eq!(small.max_log_bytes, 7_000_000, "logs.max_scan_mb");
    let large = WatchOptions::configured(None, 1000, 500);
    assert_eq!(large.length, None, "the computed default");
    assert_eq!(
        large.max_log_bytes, MAX_LOG_BYTES,
        "never past the watch's own cap"
    );
}

/// The sweep and the log read stop at what the options say (the config's values).
#[tokio::test(start_paused = true)]
async fn the_watch_reads_the_dlq_and_the_logs_within_its_options() {
    let backend = demo(DemoOptions {
        incident_after_s: 0,
        incident_lasts_s: 3600,
        skip_s: 600,
    });
    let clock = WatchClock::start();
    let run = canary(&backend, 10, &clock, "limits").await;
    let options = WatchOptions {
        sweep_cap: 20,
        max_log_bytes: 100,
        ..WatchOptions::configured(Some(Duration::from_secs(15 * 60)), 20, 0)
    };
    let verdict = watch(
        &backend,
        &run,
        &options,
        &clock,
        &WatchProgress::default(),
        &CancellationToken::new(),
    )
    .await;
    let note = verdict.logs_note.clone().unwrap_or_default();
    assert!(note.contains("stopped after"), "{verdict:#?}");
    let read: u64 = verdict
        .dlq_check
        .split_whitespace()
        .nth(1)
        .and_then(|n| n.parse().ok())
        .expect("read N messages");
    assert!(read <= 20, "{}", verdict.dlq_check);
}

/// The demo's shipping-notifier-dlq goes back by invoking the function: the function is the
/// consumer the watch checks (it still fails: not safe), never "no consumer → safe".
#[tokio::test(start_paused = true)]
async fn on_the_invoke_route_the_invoked_function_is_the_consumer() {
    let backend = demo(DemoOptions {
        skip_s: 420,
        ..DemoOptions::default()
    });
    let clock = WatchClock::start();
    let run = canary_of(&backend, "shipping-notifier-dlq", 3, &clock, "invoke").await;
    assert_eq!(run.invoked.as_deref(), Some("shipping-notifier"));
    let verdict = watched(&backend, &run, &clock, Some(120)).await;
    assert_eq!(verdict.consumers, vec!["shipping-notifier".to_string()]);
    assert!(verdict.errors.is_some(), "{verdict:#?}");
    assert_ne!(verdict.verdict, Outcome::Safe, "{verdict:#?}");
    assert!(!verdict.line.contains("none found"), "{}", verdict.line);
}

/// webhooks-sender's event source mapping is Disabled: whatever the canary moved was never
/// consumed, so a quiet watch proves nothing.
#[tokio::test(start_paused = true)]
async fn a_consumer_whose_mapping_is_disabled_makes_the_canary_unknown() {
    let backend = demo(DemoOptions {
        skip_s: 420,
        ..DemoOptions::default()
    });
    let clock = WatchClock::start();
    let run = canary_of(&backend, "webhooks-outbound-dlq", 3, &clock, "disabled").await;
    let verdict = watched(&backend, &run, &clock, Some(120)).await;
    assert_eq!(verdict.verdict, Outcome::Unknown, "{verdict:#?}");
    assert_eq!(
        verdict.not_polling,
        vec!["webhooks-sender is Disabled".to_string()]
    );
    assert!(
        verdict.line.contains("webhooks-sender is Disabled"),
        "{}",
        verdict.line
    );
}
