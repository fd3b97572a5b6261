//! Every message call path of squall's SDK capabilities against LocalStack: receive with all
//! attributes, exact bodies up to 1 MiB, message attributes (binary too), change visibility,
//! send and delete batches (partial failures inside a 200), purge, SNS publish (envelope and
//! raw delivery), dead-lettering after `maxReceiveCount`, and native message move tasks.
//!
//! LocalStack facts these tests pin (2026.3.0): see the comments at each test.

mod message_suite;
mod support;

use std::collections::BTreeMap;
use std::time::Duration;

use message_suite::{Fleet, counts, create_queue, receive_distinct, sdk_send_bodies};
use squall::domain::message::{OutgoingMessage, ReceiveRequest};
use support::{localstack, sdk_backend, send_messages, set_redrive, unique_name, wait_until};

async fn fleet() -> Fleet {
    let ls = localstack();
    Fleet {
        sqs: ls.sqs().await,
        sns: ls.sns().await,
        backend: sdk_backend(ls).await,
        keeps_batch_trace_header: true,
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn bodies_are_byte_exact() {
    message_suite::bodies_are_byte_exact(&fleet().await, &unique_name("bodies")).await;
}

/// A raw ESC (or any C0 control but tab, LF, CR) is outside the characters SQS accepts: the
/// send is refused with a clear client error and nothing is enqueued. (moto 5.2.5 accepts it.)
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn raw_control_characters_are_refused() {
    let fleet = fleet().await;
    let (url, _) = create_queue(&fleet, &unique_name("esc"), &[]).await;
    let writers = fleet.backend.writers("test").expect("writers");
    let message = OutgoingMessage {
        id: "esc".to_string(),
        body: "\u{1b}]52;c;ZXZpbA==\u{7}".to_string(),
        message_attributes: BTreeMap::new(),
        delay_seconds: None,
        group_id: None,
        deduplication_id: None,
        trace_header: None,
    };
    let result = writers.queues.send_messages(&url, &[message]).await;
    // LocalStack fails the entry inside a 200; AWS may refuse the whole call.
    match result {
        Ok(outcome) => {
            assert!(outcome.successful.is_empty(), "{outcome:?}");
            assert_eq!(outcome.failed.len(), 1, "{outcome:?}");
            assert_eq!(outcome.failed[0].code, "InvalidMessageContents");
        }
        Err(error) => {
            assert_eq!(error.kind, squall::aws::ErrorKind::Client, "{error}");
            assert_eq!(error.code.as_deref(), Some("InvalidMessageContents"));
        }
    }
    assert_eq!(counts(&fleet, &url).await, (0, 0));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn message_attributes_round_trip() {
    message_suite::message_attributes_round_trip(&fleet().await, &unique_name("attrs")).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn receive_reports_system_attributes() {
    message_suite::receive_reports_system_attributes(&fleet().await, &unique_name("sys")).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn change_visibility_releases_and_reports_bad_handles() {
    message_suite::change_visibility_releases_and_reports_bad_handles(
        &fleet().await,
        &unique_name("vis"),
    )
    .await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn send_batch_keeps_fifo_ids_and_trace_header() {
    message_suite::send_batch_keeps_fifo_ids_and_trace_header(&fleet().await, &unique_name("fifo"))
        .await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn send_batch_honours_delay() {
    message_suite::send_batch_honours_delay(&fleet().await, &unique_name("delay")).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn delete_batch_reports_partial_failure() {
    message_suite::delete_batch_reports_partial_failure(&fleet().await, &unique_name("del")).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn purge_empties_the_queue() {
    message_suite::purge_empties_the_queue(&fleet().await, &unique_name("purge")).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn publish_reaches_queues_as_envelope_and_raw() {
    message_suite::publish_reaches_queues_as_envelope_and_raw(&fleet().await, &unique_name("pub"))
        .await;
}

/// After `maxReceiveCount` receives the next receive moves the message to the DLQ, where it
/// carries `DeadLetterQueueSourceArn` naming the queue it came from.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn dead_lettered_messages_name_their_source() {
    let fleet = fleet().await;
    let base = unique_name("dlsrc");
    let (dlq_url, dlq_arn) = create_queue(&fleet, &format!("{base}-dlq"), &[]).await;
    let (url, arn) = create_queue(&fleet, &base, &[]).await;
    set_redrive(&fleet.sqs, &url, &dlq_arn, 2).await;
    sdk_send_bodies(&fleet, &url, &["poison".to_string()]).await;
    for expected in 1..=2 {
        let got = receive_distinct(&fleet, &url, 1, 0).await;
        assert_eq!(
            got.values().next().and_then(|m| m.receive_count()),
            Some(expected)
        );
    }
    // The third receive finds nothing: the message went to the DLQ.
    let third = fleet
        .backend
        .messages
        .receive_messages(
            &url,
            ReceiveRequest {
                max_messages: 10,
                wait_seconds: 1,
                visibility_timeout_seconds: Some(0),
            },
        )
        .await
        .expect("receive");
    assert!(third.is_empty(), "{third:?}");
    let dead = receive_distinct(&fleet, &dlq_url, 1, 0).await;
    let dead = dead.values().next().expect("dead-lettered");
    assert_eq!(dead.body, "poison");
    assert_eq!(dead.dead_letter_source_arn(), Some(arn.as_str()));
}

/// StartMessageMoveTask returns a DLQ's messages to their source; ListMessageMoveTasks shows
/// the task; CancelMessageMoveTask stops a running one.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn move_tasks_start_list_and_cancel() {
    let fleet = fleet().await;
    let base = unique_name("move");
    let (dlq_url, dlq_arn) = create_queue(&fleet, &format!("{base}-dlq"), &[]).await;
    let (url, _) = create_queue(&fleet, &base, &[]).await;
    set_redrive(&fleet.sqs, &url, &dlq_arn, 1).await;
    let writers = fleet.backend.writers("test").expect("writers");
    let reader = &fleet.backend.messages;

    // Dead-letter three messages the way SQS does: receive past maxReceiveCount.
    send_messages(&fleet.sqs, &url, 3).await;
    receive_distinct(&fleet, &url, 3, 0).await;
    let moved_to_dlq = wait_until(Duration::from_secs(15), || async {
        let _ = reader
            .receive_messages(
                &url,
                ReceiveRequest {
                    max_messages: 10,
                    wait_seconds: 0,
                    visibility_timeout_seconds: Some(0),
                },
            )
            .await;
        counts(&fleet, &dlq_url).await.0 == 3
    })
    .await;
    assert!(moved_to_dlq, "messages did not reach the DLQ");

    let handle = writers
        .moves
        .start_move_task(&dlq_arn, None, None)
        .await
        .expect("StartMessageMoveTask");
    assert!(!handle.is_empty());
    let completed = wait_until(Duration::from_secs(20), || async {
        let tasks = reader.list_move_tasks(&dlq_arn).await.expect("list");
        tasks.first().is_some_and(|t| t.status == "COMPLETED")
    })
    .await;
    assert!(completed, "move task did not complete");
    let tasks = reader.list_move_tasks(&dlq_arn).await.expect("list");
    let task = &tasks[0];
    assert_eq!(task.source_arn, dlq_arn);
    assert_eq!(task.moved, 3, "{task:?}");
    assert!(task.started_ms.is_some(), "{task:?}");
    assert_eq!(counts(&fleet, &url).await.0, 3, "back in the source");

    // A slow task over many messages is still running when cancelled.
    send_messages(&fleet.sqs, &dlq_url, 40).await;
    let handle = writers
        .moves
        .start_move_task(&dlq_arn, Some(&url_arn(&fleet, &url).await), Some(1))
        .await
        .expect("StartMessageMoveTask at 1 message/s");
    let running = reader.list_move_tasks(&dlq_arn).await.expect("list");
    assert_eq!(running[0].status, "RUNNING", "{running:?}");
    assert_eq!(running[0].task_handle.as_deref(), Some(handle.as_str()));
    assert_eq!(running[0].max_messages_per_second, Some(1));
    writers
        .moves
        .cancel_move_task(&handle)
        .await
        .expect("CancelMessageMoveTask");
    let cancelled = wait_until(Duration::from_secs(20), || async {
        let tasks = reader.list_move_tasks(&dlq_arn).await.expect("list");
        tasks.first().is_some_and(|t| t.status == "CANCELLED")
    })
    .await;
    assert!(cancelled, "{:?}", reader.list_move_tasks(&dlq_arn).await);
    let tasks = reader.list_move_tasks(&dlq_arn).await.expect("list");
    assert!(tasks.len() >= 2, "both tasks listed: {tasks:?}");
    assert!(tasks[0].moved < 40, "cancelled before the end: {tasks:?}");
}

async fn url_arn(fleet: &Fleet, url: &str) -> String {
    support::queue_attribute(
        &fleet.sqs,
        url,
        aws_sdk_sqs::types::QueueAttributeName::QueueArn,
    )
    .await
    .expect("QueueArn")
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn peek_leaves_messages_visible_and_counts_one_receive() {
    message_suite::peek_leaves_messages_visible_and_counts_one_receive(
        &fleet().await,
        &unique_name("peek"),
    )
    .await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn peek_unwraps_sns_envelopes() {
    message_suite::peek_unwraps_sns_envelopes(&fleet().await, &unique_name("penv")).await;
}

/// On a FIFO queue a sweep holds a message group while it reads: SQS hands out no further
/// message of a group with messages in flight, so a one-group sweep sees what the first
/// receive returned, and every message is visible again afterwards (the group unblocked).
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_fifo_sweep_blocks_its_groups_and_unblocks_them() {
    let fleet = fleet().await;
    let (url, _) = create_queue(&fleet, &format!("{}.fifo", unique_name("pfifo")), &[]).await;
    send_messages(&fleet.sqs, &url, 15).await;
    let (report, seen) = message_suite::run_peek(&fleet, &url, 15).await;
    assert_eq!(report.end, squall::messages::PeekEnd::Drained);
    assert_eq!(seen.len(), 10, "one receive's worth of the one group");
    let bodies: Vec<&str> = seen.iter().map(|m| m.body.as_str()).collect();
    let expected: Vec<String> = (0..10).map(|i| format!("message-{i}")).collect();
    assert_eq!(bodies, expected, "in group order");
    assert_eq!(
        counts(&fleet, &url).await,
        (15, 0),
        "the group is unblocked"
    );
}
