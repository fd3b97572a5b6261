//! The invoke route on the simulated world: the demo's shipping-notifier DLQ filled by its
//! failing carrier API, planned, canaried and replayed until empty; each kind of
//! Lambda-side DLQ handing the function its original event; and what a refused, lost or
//! unbuildable invoke leaves (kept, counted, reported; never called moved).

use std::sync::Arc;

use serde_json::Value;

use super::*;
use crate::aws::fake::{Answer, Call, FakeBackend};
use crate::aws::{ApiError, ErrorKind};
use crate::domain::LambdaDeadLetterKind;
use crate::domain::message::OutgoingNotification;
use crate::sim::{FunctionSpec, SubscriptionSpec};

const FAILS_FOR_MS: i64 = 5 * 60 * 1000;

/// `notify`, subscribed to `shipments` (its subscription has a DLQ), with a DLQ and an
/// on-failure destination; it fails its asynchronous invokes for its first five minutes.
fn notify_world() -> (Arc<SimFleet>, Backend) {
    let spec = FleetSpec {
        queues: vec![
            QueueSpec::new("notify-dlq"),
            QueueSpec::new("notify-failures"),
            QueueSpec::new("notify-sub-dlq"),
        ],
        topics: vec!["shipments".to_string()],
        subscriptions: vec![
            SubscriptionSpec::new("shipments", "lambda", "notify").with_dlq("notify-sub-dlq"),
        ],
        functions: vec![
            FunctionSpec::new("notify", "nodejs22.x")
                .with_dlq("notify-dlq")
                .on_failure_to("notify-failures")
                .failing_async_until(ManualClock::DEFAULT_START_MS + FAILS_FOR_MS),
        ],
        ..FleetSpec::default()
    };
    let clock = ManualClock::following_tokio(ManualClock::DEFAULT_START_MS);
    let settings = WorldSettings {
        max_catch_up_ms: 24 * 3600 * 1000,
        ..WorldSettings::default()
    };
    let fleet = Arc::new(SimFleet::with_settings(spec, 1, clock, settings));
    (fleet.clone(), crate::sim::shared_backend(fleet))
}

/// Publishes `n` shipments while `notify` fails: each lands in its DLQ and destination.
async fn fail_shipments(backend: &Backend, n: usize) {
    let topic = backend
        .topics
        .list_topics(None)
        .await
        .expect("topics")
        .items[0]
        .clone();
    let publisher = &backend.writers("test").expect("writers").topics;
    for i in 0..n {
        let notification = OutgoingNotification {
            message: format!(r#"{{"shipmentId":"s-{i}"}}"#),
            subject: None,
            message_attributes: Default::default(),
            group_id: None,
            deduplication_id: None,
        };
        publisher
            .publish(&topic, &notification)
            .await
            .expect("publish");
    }
}

async fn depth(backend: &Backend, name: &str) -> u64 {
    let counts = queue(backend, name).await.counts;
    counts.visible + counts.in_flight + counts.delayed
}

/// The bodies a queue holds now, left in place (visible again at once).
async fn bodies(backend: &Backend, name: &str) -> Vec<String> {
    let url = queue(backend, name).await.url;
    receive(backend, &url, 0)
        .await
        .into_iter()
        .map(|m| m.body)
        .collect()
}

fn recovered() -> Duration {
    Duration::from_millis(u64::try_from(FAILS_FOR_MS).unwrap_or(0) + 60_000)
}

#[tokio::test(start_paused = true)]
async fn the_demo_notifier_dlq_fills_then_a_canary_and_a_replay_empty_it() {
    let clock = ManualClock::following_tokio(ManualClock::DEFAULT_START_MS);
    let fleet = Arc::new(SimFleet::demo_with(crate::sim::DEFAULT_SEED, clock));
    let backend = crate::sim::shared_backend(fleet.clone());
    // Fill: the carrier API times out for the demo's first ten minutes.
    for _ in 0..11 {
        tokio::time::sleep(Duration::from_secs(60)).await;
        depth(&backend, "shipping-notifier-dlq").await;
    }
    let filled = depth(&backend, "shipping-notifier-dlq").await;
    assert!(filled > 1, "the DLQ filled: {filled}");

    let plan = plan_for(&backend, "shipping-notifier-dlq", manual()).await;
    let target = plan.invoke.as_ref().expect("the invoke route");
    assert_eq!(target.function, "shipping-notifier");
    assert_eq!(target.dead_letter.kind, LambdaDeadLetterKind::FunctionDlq);
    assert!(plan.destinations.is_empty(), "{:?}", plan.destinations);
    assert!(
        plan.warnings.iter().any(|w| w.contains("concurrency")),
        "{:?}",
        plan.warnings
    );

    let canary = MoveOptions {
        limit: Some(1),
        ..moves()
    };
    let summary = run(
        &backend,
        &plan,
        options(journal_dir("notify-canary"), canary),
    )
    .await;
    assert_eq!((summary.end.as_str(), summary.moved), ("limit_reached", 1));
    assert_eq!(fleet.invoked("shipping-notifier").count, 1);
    assert_eq!(depth(&backend, "shipping-notifier-dlq").await, filled - 1);

    let summary = run(
        &backend,
        &plan,
        options(journal_dir("notify-replay"), moves()),
    )
    .await;
    assert_eq!(summary.end, "drained", "{summary:?}");
    assert_eq!((summary.moved, summary.failed), (filled - 1, 0));
    assert_eq!(summary.duplicates_suspected, 0);
    assert_eq!(depth(&backend, "shipping-notifier-dlq").await, 0);
    assert_eq!(fleet.invoked("shipping-notifier").count, filled);
    let event: Value = serde_json::from_str(
        &fleet
            .invoked("shipping-notifier")
            .last_event
            .expect("an event"),
    )
    .expect("JSON");
    assert_eq!(event["Records"][0]["EventSource"], "aws:sns");
}

#[tokio::test(start_paused = true)]
async fn each_kind_of_lambda_dlq_hands_the_function_its_original_event() {
    let (fleet, backend) = notify_world();
    fail_shipments(&backend, 3).await;
    let events = bodies(&backend, "notify-dlq").await;
    assert_eq!(events.len(), 3);
    tokio::time::sleep(recovered()).await;

    // The function's DLQ: the body is the event.
    let plan = plan_for(&backend, "notify-dlq", manual()).await;
    let summary = run(&backend, &plan, options(journal_dir("fn-dlq"), moves())).await;
    assert_eq!((summary.moved, summary.failed), (3, 0), "{summary:?}");
    let last = fleet.invoked("notify").last_event.expect("invoked");
    assert!(events.contains(&last), "{last} is one of the stored events");

    // The on-failure destination: the record's requestPayload is the event.
    let plan = plan_for(&backend, "notify-failures", manual()).await;
    let target = plan.invoke.as_ref().expect("invoke route");
    assert_eq!(
        target.dead_letter.kind,
        LambdaDeadLetterKind::OnFailureDestination
    );
    let summary = run(&backend, &plan, options(journal_dir("on-failure"), moves())).await;
    assert_eq!((summary.moved, summary.failed), (3, 0), "{summary:?}");
    let last: Value =
        serde_json::from_str(&fleet.invoked("notify").last_event.expect("invoked")).expect("json");
    let stored: Vec<Value> = events
        .iter()
        .map(|e| serde_json::from_str(e).expect("json"))
        .collect();
    assert!(stored.contains(&last), "the requestPayload, not the record");
    assert_eq!(fleet.invoked("notify").count, 6);

    // The SNS subscription's DLQ: the SNS event rebuilt from the stored envelope.
    let envelope = r#"{"Type":"Notification","MessageId":"m-1","TopicArn":"arn:aws:sns:us-east-1:123456789012:shipments","Message":"{\"shipmentId\":\"s-9\"}","Timestamp":"2027-01-15T08:00:00.000Z","SignatureVersion":"1","Signature":"c2ln","SigningCertURL":"https://c","UnsubscribeURL":"https://u"}"#;
    send(&backend, "notify-sub-dlq", vec![message(0, envelope)]).await;
    let plan = plan_for(&backend, "notify-sub-dlq", manual()).await;
    let target = plan.invoke.clone().expect("invoke route");
    assert_eq!(
        target.dead_letter.kind,
        LambdaDeadLetterKind::SubscriptionDlq
    );
    let summary = run(&backend, &plan, options(journal_dir("sub-dlq"), moves())).await;
    assert_eq!((summary.moved, summary.failed), (1, 0), "{summary:?}");
    let last: Value =
        serde_json::from_str(&fleet.invoked("notify").last_event.expect("invoked")).expect("json");
    assert_eq!(
        last["Records"][0]["EventSubscriptionArn"].as_str(),
        target.subscription_arn.as_deref()
    );
    assert_eq!(
        last["Records"][0]["Sns"]["Message"],
        r#"{"shipmentId":"s-9"}"#
    );
    assert_eq!(last["Records"][0]["Sns"]["UnsubscribeUrl"], "https://u");
}

#[tokio::test(start_paused = true)]
async fn an_event_invoked_while_the_function_still_fails_comes_back_and_is_not_lost() {
    let (fleet, backend) = notify_world();
    fail_shipments(&backend, 2).await;
    let plan = plan_for(&backend, "notify-dlq", manual()).await;
    let limited = MoveOptions {
        limit: Some(2),
        ..moves()
    };
    let summary = run(
        &backend,
        &plan,
        options(journal_dir("still-failing"), limited),
    )
    .await;
    // Accepted (202) and deleted; Lambda failed them again into the same DLQ.
    assert_eq!(summary.moved, 2, "{summary:?}");
    assert_eq!(fleet.invoked("notify").count, 2);
    assert_eq!(depth(&backend, "notify-dlq").await, 2);
}

#[tokio::test(start_paused = true)]
async fn a_refused_invoke_keeps_the_message_and_stops_the_run_naming_the_permission() {
    let (fleet, world) = notify_world();
    fail_shipments(&world, 3).await;
    tokio::time::sleep(recovered()).await;
    let backend = FakeBackend::over(&world)
        .on(Call::Invoke, |_| {
            Answer::Fail(ApiError::access_denied("Invoke", "not authorized"))
        })
        .build();
    let plan = plan_for(&backend, "notify-dlq", manual()).await;
    let summary = run(&backend, &plan, options(journal_dir("denied"), moves())).await;
    assert_eq!(summary.end, "failed");
    assert_eq!(summary.moved, 0);
    assert!(summary.failed >= 1, "{summary:?}");
    let error = summary.error.expect("why");
    assert!(error.contains("lambda:InvokeFunction on notify"), "{error}");
    assert_eq!(fleet.invoked("notify").count, 0);
    assert_eq!(depth(&world, "notify-dlq").await, 3, "every message kept");
}

#[tokio::test(start_paused = true)]
async fn one_refused_invoke_is_kept_and_counted_while_the_rest_go() {
    let (fleet, world) = notify_world();
    fail_shipments(&world, 3).await;
    tokio::time::sleep(recovered()).await;
    let backend = FakeBackend::over(&world)
        .on(Call::Invoke, |n| match n {
            0 => Answer::Fail(
                ApiError::client(
                    "Invoke",
                    "The function is currently in the following state: Failed",
                )
                .with_code("ResourceConflictException")
                .with_status(409),
            ),
            _ => Answer::Forward,
        })
        .build();
    let plan = plan_for(&backend, "notify-dlq", manual()).await;
    let summary = run(&backend, &plan, options(journal_dir("conflict"), moves())).await;
    assert_eq!(summary.end, "drained", "{summary:?}");
    assert_eq!((summary.moved, summary.failed), (2, 1));
    assert_eq!(fleet.invoked("notify").count, 2);
    assert_eq!(
        depth(&world, "notify-dlq").await,
        1,
        "the refused one stays"
    );
}

#[tokio::test(start_paused = true)]
async fn a_lost_invoke_answer_is_tried_again_and_counted_never_hidden() {
    let (fleet, world) = notify_world();
    fail_shipments(&world, 2).await;
    tokio::time::sleep(recovered()).await;
    let lost = || ApiError::new(ErrorKind::Connection, "Invoke", "connection closed");
    let backend = FakeBackend::over(&world)
        .on(Call::Invoke, move |n| match n {
            0 => Answer::ActThenFail(lost()),
            _ => Answer::Forward,
        })
        .build();
    let plan = plan_for(&backend, "notify-dlq", manual()).await;
    let summary = run(&backend, &plan, options(journal_dir("lost"), moves())).await;
    assert_eq!((summary.moved, summary.failed), (2, 0), "{summary:?}");
    assert_eq!(
        summary.duplicates_suspected, 1,
        "the lost one may have run twice"
    );
    assert_eq!(fleet.invoked("notify").count, 3, "Lambda did take it twice");
    assert_eq!(depth(&world, "notify-dlq").await, 0);

    // Every answer lost: kept, and said to be possibly invoked.
    send(&world, "notify-dlq", vec![message(0, r#"{"again":true}"#)]).await;
    let backend = FakeBackend::over(&world)
        .on(Call::Invoke, move |_| Answer::ActThenFail(lost()))
        .build();
    let summary = run(&backend, &plan, options(journal_dir("all-lost"), moves())).await;
    assert_eq!((summary.moved, summary.failed), (0, 1), "{summary:?}");
    assert_eq!(summary.possibly_invoked, 1);
    assert_eq!(depth(&world, "notify-dlq").await, 1);
}

#[tokio::test(start_paused = true)]
async fn a_message_whose_event_cannot_be_rebuilt_stays_with_the_reason() {
    let (fleet, backend) = notify_world();
    fail_shipments(&backend, 1).await;
    tokio::time::sleep(recovered()).await;
    send(
        &backend,
        "notify-failures",
        vec![message(0, "not an invocation record")],
    )
    .await;
    let plan = plan_for(&backend, "notify-failures", manual()).await;
    let summary = run(
        &backend,
        &plan,
        options(journal_dir("unbuildable"), moves()),
    )
    .await;
    assert_eq!((summary.moved, summary.failed), (1, 1), "{summary:?}");
    assert_eq!(fleet.invoked("notify").count, 1);
    assert_eq!(
        bodies(&backend, "notify-failures").await,
        ["not an invocation record"]
    );
}

#[tokio::test(start_paused = true)]
async fn to_a_queue_copies_the_bodies_instead_of_invoking() {
    let (_fleet, backend) = notify_world();
    let parking = queue(&backend, "notify-sub-dlq").await;
    let request = PlanRequest {
        to: Some(&parking),
        ..manual()
    };
    let plan = plan_for(&backend, "notify-dlq", request).await;
    assert_eq!(plan.invoke, None);
    assert_eq!(plan.destinations[0].name, "notify-sub-dlq");
}

/// The journal works for the invoke route as for the queue route: events accepted whose
/// delete was refused are not invoked again by the next run, only deleted.
#[tokio::test(start_paused = true)]
async fn a_rerun_deletes_what_was_invoked_without_invoking_it_again() {
    let (fleet, world) = notify_world();
    fail_shipments(&world, 3).await;
    tokio::time::sleep(recovered()).await;
    let backend = FakeBackend::over(&world)
        .on(Call::DeleteMessageBatch, |_| {
            Answer::Fail(ApiError::access_denied("DeleteMessageBatch", "no delete"))
        })
        .build();
    let plan = plan_for(&backend, "notify-dlq", manual()).await;
    let dir = journal_dir("invoke-rerun");
    let one_worker = MoveOptions {
        concurrency: 1,
        ..moves()
    };
    let summary = run(&backend, &plan, options(dir.clone(), one_worker.clone())).await;
    assert_eq!(summary.end, "failed", "{summary:?}");
    let invoked = fleet.invoked("notify").count;
    assert_eq!(summary.sent_not_deleted, invoked, "{summary:?}");
    assert!(invoked >= 1);

    tokio::time::sleep(Duration::from_secs(120)).await;
    let summary = run(&world, &plan, options(dir, one_worker)).await;
    assert_eq!(summary.end, "drained", "{summary:?}");
    assert_eq!(summary.moved, 3, "{summary:?}");
    assert_eq!(summary.duplicates_suspected, 0);
    assert_eq!(fleet.invoked("notify").count, 3, "none invoked twice");
    assert_eq!(depth(&world, "notify-dlq").await, 0);
}

#[tokio::test(start_paused = true)]
async fn a_filter_chooses_which_events_are_invoked_again() {
    let (fleet, backend) = notify_world();
    fail_shipments(&backend, 3).await;
    tokio::time::sleep(recovered()).await;
    let plan = plan_for(&backend, "notify-dlq", manual()).await;
    let filtered = MoveOptions {
        filter: Some(parse_filter("/s-1/")),
        rate: Some(2),
        ..moves()
    };
    let summary = run(
        &backend,
        &plan,
        options(journal_dir("invoke-filter"), filtered),
    )
    .await;
    assert_eq!((summary.moved, summary.released), (1, 2), "{summary:?}");
    let last = fleet.invoked("notify").last_event.expect("invoked");
    assert!(last.contains(r#"\"shipmentId\":\"s-1\""#), "{last}");
    assert_eq!(depth(&backend, "notify-dlq").await, 2);
}

#[tokio::test(start_paused = true)]
async fn a_dlq_fed_two_ways_cannot_be_told_apart_and_asks_for_to() {
    let spec = FleetSpec {
        queues: vec![QueueSpec::new("both")],
        functions: vec![
            FunctionSpec::new("notify", "nodejs22.x")
                .with_dlq("both")
                .on_failure_to("both"),
        ],
        ..FleetSpec::default()
    };
    let backend = world(spec);
    let dlq = queue(&backend, "both").await;
    let error = plan(&backend, &dlq, manual()).await.expect_err("refused");
    let text = error.to_string();
    assert!(
        text.contains("notify (function DLQ), notify (on-failure destination)"),
        "{text}"
    );
    assert!(text.contains("--to QUEUE"), "{text}");
}

#[tokio::test(start_paused = true)]
async fn an_event_that_comes_back_during_the_run_is_kept_not_invoked_again_and_again() {
    let (fleet, backend) = notify_world();
    fail_shipments(&backend, 2).await;
    let plan = plan_for(&backend, "notify-dlq", manual()).await;
    let summary = run(&backend, &plan, options(journal_dir("loop"), moves())).await;
    // Each event invoked once; Lambda failed it back into the DLQ, where it stays.
    assert_eq!(fleet.invoked("notify").count, 2, "{summary:?}");
    assert_eq!((summary.moved, summary.failed), (2, 2), "{summary:?}");
    let (why, n) = summary.kept.iter().next().expect("a reason");
    assert!(why.contains("invoked the same event already"), "{why}");
    assert_eq!(*n, 2);
    assert_eq!(depth(&backend, "notify-dlq").await, 2);
}
