//! The manual mover against moto (5.2.5): the same suite as LocalStack's, and `auto` falling
//! back to the manual mover because moto has no message move tasks (and saying so).

mod redrive_suite;
mod support;

use redrive_suite::{Fleet, pair, send_bodies, take_all};
use squall::redrive::{Mode, ModeChoice, PlanRequest};
use support::{moto, sdk_backend, unique_name};

async fn fleet() -> Fleet {
    let moto = moto();
    Fleet {
        sqs: moto.sqs().await,
        sns: moto.sns().await,
        backend: sdk_backend(moto).await,
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn manual_standard_with_attributes() {
    redrive_suite::manual_standard_with_attributes(&fleet().await, &unique_name("rd-std")).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn manual_fifo_keeps_group_order() {
    let name = format!("{}.fifo", unique_name("rd-fifo"));
    redrive_suite::manual_fifo_keeps_group_order(&fleet().await, &name).await;
}

/// moto 5.2.5 sets no `DeadLetterQueueSourceArn` when it dead-letters a message. With two
/// source queues the mover cannot tell where such a message came from: it guesses nothing,
/// every message stays in the DLQ and is counted as failed.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn shared_dlq_without_source_arns_moves_nothing_it_would_have_to_guess() {
    let fleet = fleet().await;
    let name = unique_name("rd-shm");
    let (dlq_url, dlq_arn) = support::create_queue(&fleet.sqs, &format!("{name}-dlq"), &[]).await;
    for side in ["a", "b"] {
        let (url, arn) = support::create_queue(&fleet.sqs, &format!("{name}-{side}"), &[]).await;
        support::set_redrive(&fleet.sqs, &url, &dlq_arn, 1).await;
        let source = redrive_suite::Pair {
            source_url: url.clone(),
            source_arn: arn,
            dlq_url: dlq_url.clone(),
            dlq_arn: dlq_arn.clone(),
        };
        send_bodies(&fleet, &url, &redrive_suite::bodies(side, 4)).await;
        let expected = if side == "a" { 4 } else { 8 };
        redrive_suite::dead_letter(&fleet, &source, expected).await;
    }
    let request = PlanRequest {
        mode: ModeChoice::Manual,
        ..PlanRequest::default()
    };
    let plan = redrive_suite::plan(&fleet, &dlq_url, request).await;
    assert!(
        plan.warnings.iter().any(|w| w.contains("stays in the DLQ")),
        "{plan:?}"
    );
    let dir = tempfile::tempdir().expect("tempdir");
    let summary = redrive_suite::run(&fleet, &plan, redrive_suite::quick_moves(), dir.path()).await;
    assert_eq!((summary.moved, summary.failed), (0, 8), "{summary:?}");
    let left = support::wait_until(std::time::Duration::from_secs(10), || async {
        redrive_suite::counts(&fleet, &dlq_url).await == (8, 0)
    })
    .await;
    assert!(left, "{:?}", redrive_suite::counts(&fleet, &dlq_url).await);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn custom_destination() {
    redrive_suite::custom_destination(&fleet().await, &unique_name("rd-to")).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn filter_and_limit_leave_the_rest() {
    redrive_suite::filter_and_limit_leave_the_rest(&fleet().await, &unique_name("rd-flt")).await;
}

/// moto answers ListMessageMoveTasks with an HTML 500 ("not implemented"): `auto` plans a
/// move task, finds none can run, and the manual mover does the work, saying why.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn auto_falls_back_to_the_manual_mover_and_says_so() {
    let fleet = fleet().await;
    let pair = pair(&fleet, &unique_name("rd-auto")).await;
    send_bodies(&fleet, &pair.source_url, &redrive_suite::bodies("m", 7)).await;
    redrive_suite::dead_letter(&fleet, &pair, 7).await;
    let plan = redrive_suite::plan(&fleet, &pair.dlq_url, PlanRequest::default()).await;
    assert_eq!(
        plan.mode,
        Mode::Native,
        "the plan cannot know the endpoint lacks it"
    );
    let dir = tempfile::tempdir().expect("tempdir");
    let summary = redrive_suite::run(&fleet, &plan, redrive_suite::quick_moves(), dir.path()).await;
    assert_eq!(summary.mode, Mode::Manual, "{summary:?}");
    assert!(
        summary
            .fell_back
            .as_deref()
            .is_some_and(|why| why.contains("refused a move task")),
        "{summary:?}"
    );
    assert_eq!(summary.moved, 7);
    assert_eq!(take_all(&fleet, &pair.source_url).await.len(), 7);
}

/// `--mode native` asked for where the endpoint has no move tasks: the run fails and says
/// why (exit 1); it never falls back to the manual mover, and nothing moves.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn native_asked_for_fails_instead_of_falling_back() {
    let fleet = fleet().await;
    let name = unique_name("rd-nat");
    let pair = pair(&fleet, &name).await;
    send_bodies(&fleet, &pair.source_url, &redrive_suite::bodies("n", 5)).await;
    redrive_suite::dead_letter(&fleet, &pair, 5).await;
    let (code, stdout, stderr) = support::run_squall_status(
        moto(),
        &[
            "redrive",
            &format!("{name}-dlq"),
            "--yes",
            "--json",
            "--mode",
            "native",
        ],
    )
    .await;
    assert_eq!(code, 1, "{stdout}\n{stderr}");
    assert!(stderr.contains("nothing was moved"), "{stderr}");
    assert_eq!(redrive_suite::visible(&fleet, &pair.dlq_url).await, 5);
    assert!(take_all(&fleet, &pair.source_url).await.is_empty());
}
