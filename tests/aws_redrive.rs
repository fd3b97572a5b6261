//! Redrive against LocalStack: the manual mover (standard with attributes, FIFO groups,
//! shared DLQ, custom destination, filter and limit), native move tasks end to end and
//! cancelled, an SNS subscription's DLQ back to its queue, and `squall redrive` refusing or
//! only planning (dry-run, no --yes, read-only) without changing anything.

mod redrive_suite;
mod support;

use std::time::Duration;

use redrive_suite::{Fleet, counts, pair, send_bodies, take_all, visible};
use squall::redrive::{Mode, ModeChoice, MoveOptions, PlanRequest, RunOptions, RunProgress};
use support::{
    create_queue, create_topic, localstack, run_squall, run_squall_status, sdk_backend,
    subscribe_queue, unique_name, wait_until,
};
use tokio_util::sync::CancellationToken;

async fn fleet() -> Fleet {
    let ls = localstack();
    Fleet {
        sqs: ls.sqs().await,
        sns: ls.sns().await,
        backend: sdk_backend(ls).await,
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

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn shared_dlq_manual_routes_by_source() {
    redrive_suite::shared_dlq_routes_by_source(
        &fleet().await,
        &unique_name("rd-shm"),
        ModeChoice::Manual,
    )
    .await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn shared_dlq_native_routes_by_source() {
    redrive_suite::shared_dlq_routes_by_source(
        &fleet().await,
        &unique_name("rd-shn"),
        ModeChoice::Native,
    )
    .await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn custom_destination() {
    redrive_suite::custom_destination(&fleet().await, &unique_name("rd-to")).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn filter_and_limit_leave_the_rest() {
    redrive_suite::filter_and_limit_leave_the_rest(&fleet().await, &unique_name("rd-flt")).await;
}

/// `squall redrive --yes --json` in auto mode: a move task, watched to COMPLETED.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn native_end_to_end_through_the_cli() {
    let fleet = fleet().await;
    let name = unique_name("rd-nat");
    let pair = pair(&fleet, &name).await;
    send_bodies(&fleet, &pair.source_url, &redrive_suite::bodies("n", 15)).await;
    redrive_suite::dead_letter(&fleet, &pair, 15).await;
    let data = tempfile::tempdir().expect("tempdir");
    let (stdout, _) = run_squall(
        localstack(),
        &[
            "redrive",
            &format!("{name}-dlq"),
            "--yes",
            "--json",
            // Where a journal would go; a native run writes none.
            "--visibility-timeout",
            "30",
        ],
    )
    .await;
    let summary: serde_json::Value = serde_json::from_str(&stdout).expect("json");
    assert_eq!(summary["mode"], "native", "{summary}");
    assert_eq!(summary["end"], "completed", "{summary}");
    assert_eq!(summary["moved"], 15, "{summary}");
    assert_eq!(summary["left_in_dlq"], 0, "{summary}");
    assert!(summary["journal"].is_null());
    assert_eq!(take_all(&fleet, &pair.source_url).await.len(), 15);
    drop(data);
}

/// A move task at 1 message a second, cancelled after a few: it stops, what it moved stays
/// moved, the rest is still in the DLQ, nothing is lost.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn native_cancel_stops_the_task() {
    let fleet = fleet().await;
    let pair = pair(&fleet, &unique_name("rd-cnl")).await;
    send_bodies(&fleet, &pair.source_url, &redrive_suite::bodies("c", 40)).await;
    redrive_suite::dead_letter(&fleet, &pair, 40).await;
    let request = PlanRequest {
        rate: Some(1),
        ..PlanRequest::default()
    };
    let plan = redrive_suite::plan(&fleet, &pair.dlq_url, request).await;
    assert_eq!(plan.mode, Mode::Native);
    let cancel = CancellationToken::new();
    let stopper = cancel.clone();
    tokio::spawn(async move {
        tokio::time::sleep(Duration::from_secs(4)).await;
        stopper.cancel();
    });
    let dir = tempfile::tempdir().expect("tempdir");
    let options = RunOptions {
        moves: MoveOptions {
            rate: Some(1),
            ..redrive_suite::quick_moves()
        },
        journal_dir: dir.path().to_path_buf(),
        resume: None,
    };
    let summary = squall::redrive::execute(
        &fleet.backend,
        &plan,
        &options,
        &RunProgress::default(),
        &cancel,
    )
    .await
    .expect("run");
    assert_eq!(summary.end, "cancelled", "{summary:?}");
    assert!(summary.moved < 40, "{summary:?}");
    let settled = wait_until(Duration::from_secs(10), || async {
        visible(&fleet, &pair.source_url).await + visible(&fleet, &pair.dlq_url).await == 40
    })
    .await;
    assert!(
        settled,
        "source {:?} + DLQ {:?} should hold all 40",
        counts(&fleet, &pair.source_url).await,
        counts(&fleet, &pair.dlq_url).await
    );
    let moved = visible(&fleet, &pair.source_url).await;
    assert!(moved < 40, "the task stopped early: {moved} moved");
}

/// A subscription's own DLQ: SNS could not deliver to the subscribed queue (it did not
/// exist yet), so the notifications went to the subscription's DLQ. Redriven, each goes to
/// the subscribed queue exactly as the subscription would have delivered it.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn subscription_dlq_goes_back_to_its_queue() {
    let fleet = fleet().await;
    let name = unique_name("rd-sub");
    let (sub_dlq_url, sub_dlq_arn) =
        create_queue(&fleet.sqs, &format!("{name}-sub-dlq"), &[]).await;
    let topic = create_topic(&fleet.sns, &name, &[]).await;
    let queue_name = format!("{name}-q");
    let queue_arn = format!("arn:aws:sqs:us-east-1:000000000000:{queue_name}");
    let redrive = serde_json::json!({ "deadLetterTargetArn": sub_dlq_arn }).to_string();
    subscribe_queue(
        &fleet.sns,
        &topic,
        &queue_arn,
        &[("RedrivePolicy", &redrive)],
    )
    .await;
    for i in 0..4 {
        fleet
            .sns
            .publish()
            .topic_arn(&topic)
            .message(format!("order {i} paid"))
            .send()
            .await
            .expect("publish");
    }
    let dead = wait_until(Duration::from_secs(20), || async {
        visible(&fleet, &sub_dlq_url).await == 4
    })
    .await;
    assert!(
        dead,
        "the subscription DLQ holds {:?}",
        counts(&fleet, &sub_dlq_url).await
    );
    let in_dlq = {
        // What SNS put there: read without taking (visibility 0).
        let out = fleet
            .sqs
            .receive_message()
            .queue_url(&sub_dlq_url)
            .max_number_of_messages(10)
            .visibility_timeout(0)
            .send()
            .await
            .expect("receive");
        out.messages.unwrap_or_default()
    };
    let (queue_url, _) = create_queue(&fleet.sqs, &queue_name, &[]).await;

    let plan = redrive_suite::plan(&fleet, &sub_dlq_url, PlanRequest::default()).await;
    assert_eq!(plan.subscriptions.len(), 1, "{plan:?}");
    assert_eq!(
        plan.mode,
        Mode::Manual,
        "no move task serves a subscription DLQ"
    );
    assert!(plan.native_unavailable.is_some());
    let dir = tempfile::tempdir().expect("tempdir");
    let summary = redrive_suite::run(&fleet, &plan, redrive_suite::quick_moves(), dir.path()).await;
    assert_eq!(summary.moved, 4, "{summary:?}");
    let delivered = take_all(&fleet, &queue_url).await;
    let mut got: Vec<String> = delivered.iter().map(|m| m.body.clone()).collect();
    got.sort();
    let mut want: Vec<String> = in_dlq
        .iter()
        .map(|m| m.body().unwrap_or_default().to_string())
        .collect();
    want.sort();
    assert_eq!(got.len(), 4);
    assert_eq!(got, want, "exactly what SNS had put in the DLQ");
    let envelope: serde_json::Value = serde_json::from_str(&got[0]).expect("an SNS envelope");
    assert_eq!(envelope["Type"], "Notification");
    assert!(
        envelope["Message"]
            .as_str()
            .is_some_and(|m| m.ends_with(" paid"))
    );
}

/// `--dry-run` prints the plan; without `--yes` the plan goes to stderr and squall exits
/// 5; `--read-only` exits 3. None of them moves a message.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn dry_run_no_yes_and_read_only_change_nothing() {
    let fleet = fleet().await;
    let name = unique_name("rd-dry");
    let pair = pair(&fleet, &name).await;
    send_bodies(&fleet, &pair.source_url, &redrive_suite::bodies("d", 5)).await;
    redrive_suite::dead_letter(&fleet, &pair, 5).await;
    let dlq = format!("{name}-dlq");
    let (stdout, _) = run_squall(localstack(), &["redrive", &dlq, "--dry-run", "--json"]).await;
    let plan: serde_json::Value = serde_json::from_str(&stdout).expect("json");
    assert_eq!(plan["mode"], "native");
    assert_eq!(plan["visible"], 5);
    assert_eq!(plan["sources"][0], name.as_str());
    let (code, _, stderr) = run_squall_status(localstack(), &["redrive", &dlq]).await;
    assert_eq!(code, 5, "{stderr}");
    assert!(stderr.contains("without --yes"), "{stderr}");
    let (code, _, stderr) =
        run_squall_status(localstack(), &["--read-only", "redrive", &dlq, "--yes"]).await;
    assert_eq!(code, 3, "{stderr}");
    assert!(stderr.contains("read-only"), "{stderr}");
    assert_eq!(counts(&fleet, &pair.dlq_url).await, (5, 0));
    assert_eq!(counts(&fleet, &pair.source_url).await, (0, 0));
}

/// A FIFO DLQ whose messages were dead-lettered a moment ago: a move task keeps each
/// message's deduplication id, and LocalStack's FIFO source then drops them as duplicates
/// (the task says moved, nothing arrives). `auto` picks the manual mover for a FIFO DLQ and
/// says why; every message arrives. `--mode native` still runs a move task, warned, and the
/// summary sets the destination's depth change beside the task's count.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_fifo_dlq_goes_manual_in_auto_mode_and_a_native_run_shows_what_arrived() {
    let fleet = fleet().await;
    let name = format!("{}.fifo", unique_name("rd-ffa"));
    let pair = pair(&fleet, &name).await;
    let dlq = format!("{}-dlq.fifo", name.trim_end_matches(".fifo"));
    send_bodies(&fleet, &pair.source_url, &redrive_suite::bodies("f", 12)).await;
    redrive_suite::dead_letter(&fleet, &pair, 12).await;

    let (plan, _) = run_squall(localstack(), &["redrive", &dlq, "--dry-run"]).await;
    assert!(plan.contains("mode       manual"), "{plan}");
    assert!(plan.contains("deduplication id"), "{plan}");
    let (code, stdout, stderr) =
        run_squall_status(localstack(), &["redrive", &dlq, "--yes", "--json"]).await;
    assert_eq!(code, 0, "{stdout}\n{stderr}");
    let summary: serde_json::Value = serde_json::from_str(&stdout).expect("json");
    assert_eq!(summary["mode"], "manual", "{summary}");
    assert_eq!(summary["moved"], 12, "{summary}");
    assert_eq!(take_all(&fleet, &pair.source_url).await.len(), 12);

    // Native on request (another pair: the source dropped the same deduplication ids within
    // 5 minutes): compare what the task says with what the destination gained.
    let name = format!("{}.fifo", unique_name("rd-ffn"));
    let pair = redrive_suite::pair(&fleet, &name).await;
    let dlq = format!("{}-dlq.fifo", name.trim_end_matches(".fifo"));
    send_bodies(&fleet, &pair.source_url, &redrive_suite::bodies("g", 12)).await;
    redrive_suite::dead_letter(&fleet, &pair, 12).await;
    let (code, stdout, stderr) = run_squall_status(
        localstack(),
        &["redrive", &dlq, "--yes", "--json", "--mode", "native"],
    )
    .await;
    let summary: serde_json::Value = serde_json::from_str(&stdout).expect("json");
    assert_eq!(summary["mode"], "native", "{summary}\n{stderr}");
    let arrived = take_all(&fleet, &pair.source_url).await.len() as i64;
    assert_eq!(
        summary["destination_change"].as_i64(),
        Some(arrived),
        "{summary}\n{stderr}"
    );
    assert!(stderr.contains("deduplication id"), "warned: {stderr}");
    let _ = code;
}

/// `--dry-run --filter` receives a sample: on a DLQ with a redrive policy of its own (each
/// receive counts toward it) it asks for `--yes` first, exit 5, like peek; with `--yes` it
/// samples and says the receive counts rose.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_filtered_dry_run_asks_before_sampling_a_dlq_with_a_redrive_policy() {
    let fleet = fleet().await;
    let name = unique_name("rd-dry");
    let pair = pair(&fleet, &name).await;
    let (_, last_arn) = create_queue(&fleet.sqs, &format!("{name}-last"), &[]).await;
    support::set_redrive(&fleet.sqs, &pair.dlq_url, &last_arn, 5).await;
    send_bodies(&fleet, &pair.source_url, &redrive_suite::bodies("d", 4)).await;
    redrive_suite::dead_letter(&fleet, &pair, 4).await;
    let dlq = format!("{name}-dlq");
    let args = ["redrive", &dlq, "--dry-run", "--filter", "d"];
    let (code, _, stderr) = run_squall_status(localstack(), &args).await;
    assert_eq!(code, 5, "{stderr}");
    assert!(stderr.contains("maxReceiveCount"), "{stderr}");
    assert_eq!(counts(&fleet, &pair.dlq_url).await, (4, 0), "nothing read");
    let (code, stdout, stderr) =
        run_squall_status(localstack(), &[&args[..], &["--yes"]].concat()).await;
    assert_eq!(code, 0, "{stdout}\n{stderr}");
    assert!(stdout.contains("receive count rose by one"), "{stdout}");
}
