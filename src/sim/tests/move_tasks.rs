//! Native redrive: move tasks with progress, cancel, and AWS's refusals.

use super::*;
use crate::aws::{ErrorKind, MoveTaskRunner};
use crate::domain::message::MoveTask;
use crate::sim::spec::QueueSpec;

fn shared_dlq() -> FleetSpec {
    FleetSpec {
        queues: vec![
            QueueSpec::new("a").with_dlq("shared-dlq", 1),
            QueueSpec::new("b").with_dlq("shared-dlq", 1),
            QueueSpec::new("shared-dlq"),
            QueueSpec::new("elsewhere"),
        ],
        ..FleetSpec::default()
    }
}

/// Puts `n` messages from `queue` into its DLQ the way SQS does: receive past the count.
async fn dead_letter(fleet: &SimFleet, queue: &str, n: usize) {
    for chunk in 0..n.div_ceil(10) {
        let entries: Vec<_> = (0..10.min(n - chunk * 10))
            .map(|i| message(&format!("m{i}"), &format!("{queue}-{chunk}-{i}")))
            .collect();
        send(fleet, queue, &entries).await;
    }
    while !receive(fleet, queue, 10, Some(0)).await.is_empty() {}
    assert_eq!(counts(fleet, queue).await, visible(0));
}

async fn tasks(fleet: &SimFleet) -> Vec<MoveTask> {
    fleet
        .list_move_tasks(&arn("shared-dlq"))
        .await
        .expect("list")
}

#[tokio::test]
async fn a_move_task_returns_each_message_to_its_source_at_its_rate() {
    let (fleet, clock) = world(shared_dlq());
    dead_letter(&fleet, "a", 60).await;
    dead_letter(&fleet, "b", 40).await;
    assert_eq!(counts(&fleet, "shared-dlq").await, visible(100));
    let handle = fleet
        .start_move_task(&arn("shared-dlq"), None, Some(10))
        .await
        .expect("start");
    let started = &tasks(&fleet).await[0];
    assert_eq!(started.status, "RUNNING");
    assert_eq!((started.moved, started.to_move), (0, Some(100)));
    assert_eq!(started.task_handle.as_deref(), Some(handle.as_str()));
    assert_eq!(started.max_messages_per_second, Some(10));

    seconds(&clock, 5);
    assert_eq!(tasks(&fleet).await[0].moved, 50);
    seconds(&clock, 5);
    let done = &tasks(&fleet).await[0];
    assert_eq!((done.status.as_str(), done.moved), ("COMPLETED", 100));
    assert_eq!(done.task_handle, None, "only a running task has a handle");
    assert_eq!(counts(&fleet, "a").await, visible(60));
    assert_eq!(counts(&fleet, "b").await, visible(40));
    assert_eq!(counts(&fleet, "shared-dlq").await, visible(0));
    let back = receive(&fleet, "a", 10, None).await;
    assert!(
        back.iter().all(|m| m.body.starts_with("a-")),
        "each to its own source"
    );
    assert!(back.iter().all(|m| m.dead_letter_source_arn().is_none()));
    assert!(
        back.iter().all(|m| m.receive_count() == Some(1)),
        "a new message"
    );
}

#[tokio::test]
async fn a_cancelled_task_stops_and_keeps_what_it_moved() {
    let (fleet, clock) = world(shared_dlq());
    dead_letter(&fleet, "a", 100).await;
    let handle = fleet
        .start_move_task(&arn("shared-dlq"), Some(&arn("elsewhere")), Some(10))
        .await
        .expect("start");
    seconds(&clock, 3);
    assert_eq!(fleet.cancel_move_task(&handle).await.expect("cancel"), 30);
    seconds(&clock, 10);
    let cancelled = &tasks(&fleet).await[0];
    assert_eq!(
        (cancelled.status.as_str(), cancelled.moved),
        ("CANCELLED", 30)
    );
    assert_eq!(
        cancelled.destination_arn.as_deref(),
        Some(arn("elsewhere").as_str())
    );
    assert_eq!(counts(&fleet, "elsewhere").await, visible(30));
    assert_eq!(counts(&fleet, "shared-dlq").await, visible(70));
    let again = fleet
        .cancel_move_task(&handle)
        .await
        .expect_err("not running");
    assert_eq!(again.kind, ErrorKind::NotFound);
}

#[tokio::test]
async fn aws_refusals_for_move_tasks() {
    let (fleet, _clock) = world(shared_dlq());
    dead_letter(&fleet, "a", 5).await;
    let not_a_dlq = fleet.start_move_task(&arn("elsewhere"), None, None).await;
    assert_eq!(
        not_a_dlq.expect_err("not a DLQ").code.as_deref(),
        Some("InvalidParameterValue")
    );
    let missing = fleet.start_move_task(&arn("nope"), None, None).await;
    assert_eq!(missing.expect_err("missing").kind, ErrorKind::NotFound);
    let too_fast = fleet
        .start_move_task(&arn("shared-dlq"), None, Some(501))
        .await;
    assert!(too_fast.is_err());
    fleet
        .start_move_task(&arn("shared-dlq"), None, None)
        .await
        .expect("start");
    let second = fleet.start_move_task(&arn("shared-dlq"), None, None).await;
    assert_eq!(
        second.expect_err("one at a time").code.as_deref(),
        Some("UnsupportedOperation")
    );
    let listed = tasks(&fleet).await;
    assert_eq!(listed.len(), 1);
    assert_eq!(
        listed[0].max_messages_per_second, None,
        "no rate was asked for"
    );
}
