//! Native mode: a move task, watched to its end, cancelled on request.

use super::*;
use crate::redrive::Mode;

fn shared() -> FleetSpec {
    FleetSpec {
        queues: vec![
            QueueSpec::new("a").with_dlq("shared-dlq", 1),
            QueueSpec::new("b").with_dlq("shared-dlq", 1),
            QueueSpec::new("shared-dlq"),
        ],
        ..FleetSpec::default()
    }
}

#[tokio::test(start_paused = true)]
async fn auto_chooses_a_move_task_and_it_returns_each_message_to_its_source() {
    let backend = world(shared());
    send(&backend, "a", (0..30).map(|i| message(i, "a")).collect()).await;
    send(&backend, "b", (0..20).map(|i| message(i, "b")).collect()).await;
    dead_letter_all(&backend, "a").await;
    dead_letter_all(&backend, "b").await;

    let plan = plan_for(&backend, "shared-dlq", PlanRequest::default()).await;
    assert_eq!(plan.mode, Mode::Native);
    assert_eq!(plan.native_unavailable, None);
    let summary = run(&backend, &plan, options(journal_dir("native"), moves())).await;
    assert_eq!(
        (summary.mode, summary.end.as_str()),
        (Mode::Native, "completed")
    );
    assert_eq!(summary.moved, 50);
    assert_eq!(summary.journal, None, "the work ran inside AWS");
    assert_eq!(summary.left_in_dlq, Some(0));
    assert!(take_all(&backend, "a").await.iter().all(|m| m.body == "a"));
    assert_eq!(queue(&backend, "b").await.counts.visible, 20);
}

#[tokio::test(start_paused = true)]
async fn a_cancelled_move_task_stops_and_leaves_the_rest_in_the_dlq() {
    let backend = world(shared());
    send(&backend, "a", (0..40).map(|i| message(i, "a")).collect()).await;
    dead_letter_all(&backend, "a").await;
    let request = PlanRequest {
        rate: Some(2),
        ..PlanRequest::default()
    };
    let plan = plan_for(&backend, "shared-dlq", request).await;
    assert_eq!(plan.mode, Mode::Native);
    let progress = RunProgress::default();
    let cancel = CancellationToken::new();
    let stopper = cancel.clone();
    tokio::spawn(async move {
        tokio::time::sleep(Duration::from_secs(5)).await;
        stopper.cancel();
    });
    let opts = options(
        journal_dir("cancel"),
        MoveOptions {
            rate: Some(2),
            ..moves()
        },
    );
    let summary = execute(&backend, &plan, &opts, &progress, &cancel)
        .await
        .expect("run");
    assert_eq!(summary.end, "cancelled");
    assert!((6..=14).contains(&summary.moved), "moved {}", summary.moved);
    let dlq = queue(&backend, "shared-dlq").await.counts.visible;
    assert_eq!(dlq + summary.moved, 40, "nothing lost");
    assert_eq!(queue(&backend, "a").await.counts.visible, summary.moved);
}

#[tokio::test(start_paused = true)]
async fn native_is_refused_where_a_move_task_cannot_serve() {
    let backend = world(FleetSpec {
        queues: vec![QueueSpec::new("q"), QueueSpec::new("loose-dlq")],
        ..FleetSpec::default()
    });
    let dlq = queue(&backend, "loose-dlq").await;
    let to = queue(&backend, "q").await;
    let request = PlanRequest {
        to: Some(&to),
        mode: ModeChoice::Native,
        ..PlanRequest::default()
    };
    let error = plan(&backend, &dlq, request).await.expect_err("native");
    assert!(
        error.to_string().contains("--mode native cannot"),
        "{error}"
    );
}

#[tokio::test(start_paused = true)]
async fn a_fifo_dlq_goes_manual_in_auto_mode_and_native_on_request_is_warned() {
    let backend = world(one_source("pay.fifo", "pay-dlq.fifo"));
    let auto = plan_for(&backend, "pay-dlq.fifo", PlanRequest::default()).await;
    assert_eq!(auto.mode, Mode::Manual);
    assert!(
        auto.native_unavailable
            .as_deref()
            .is_some_and(|why| why.contains("deduplication id")),
        "{auto:?}"
    );
    let request = PlanRequest {
        mode: ModeChoice::Native,
        ..PlanRequest::default()
    };
    let native = plan_for(&backend, "pay-dlq.fifo", request).await;
    assert_eq!(native.mode, Mode::Native);
    assert!(
        native
            .warnings
            .iter()
            .any(|w| w.contains("deduplication id")),
        "{:?}",
        native.warnings
    );
}

#[tokio::test(start_paused = true)]
async fn a_redrive_to_the_dlq_itself_is_refused() {
    let backend = world(one_source("orders", "orders-dlq"));
    let dlq = queue(&backend, "orders-dlq").await;
    for mode in [ModeChoice::Auto, ModeChoice::Manual] {
        let request = PlanRequest {
            to: Some(&dlq),
            mode,
            ..PlanRequest::default()
        };
        let error = plan(&backend, &dlq, request).await.expect_err("refused");
        assert!(error.to_string().contains("the DLQ itself"), "{error}");
    }
}
