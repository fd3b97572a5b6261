//! The calls moto lacks (classified unavailable) and the shared message suite run against moto:
//! part of `moto_compat`, in a file of its own to keep each under 500 lines.

use super::*;

/// Calls moto does not implement are classified as `Unavailable`, which the views show as
/// "unavailable" instead of an error.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn calls_moto_lacks_are_classified_unavailable() {
    let moto = moto();
    let config = moto.sdk_config().await;
    let sqs = aws_sdk_sqs::Client::from_conf(
        aws_sdk_sqs::config::Builder::from(&config)
            .retry_config(RetryConfig::disabled())
            .build(),
    );
    let cloudwatch = aws_sdk_cloudwatch::Client::from_conf(
        aws_sdk_cloudwatch::config::Builder::from(&config)
            .retry_config(RetryConfig::disabled())
            .build(),
    );
    let (dlq_url, dlq_arn) = create_queue(&sqs, &unique_name("mmove-dlq"), &[]).await;

    // SQS message move tasks: HTTP 500 with an HTML body, no error code.
    let err = sqs
        .start_message_move_task()
        .source_arn(&dlq_arn)
        .send()
        .await
        .expect_err("moto has no StartMessageMoveTask");
    let classified = ApiError::from_sdk("StartMessageMoveTask", err);
    assert!(
        classified.kind == ErrorKind::Unavailable,
        "StartMessageMoveTask: {classified:?}"
    );
    eprintln!("moto: {classified}");
    assert!(
        classified.to_string().contains("unavailable"),
        "{classified}"
    );
    let err = sqs
        .list_message_move_tasks()
        .source_arn(&dlq_arn)
        .send()
        .await
        .expect_err("moto has no ListMessageMoveTasks");
    let classified = ApiError::from_sdk("ListMessageMoveTasks", err);
    assert!(
        classified.kind == ErrorKind::Unavailable,
        "ListMessageMoveTasks: {classified:?}"
    );
    eprintln!("moto: {classified}");

    // CloudWatch over the current SDK protocol: HTTP 404.
    let err = cloudwatch
        .list_metrics()
        .namespace("AWS/SQS")
        .send()
        .await
        .expect_err("moto does not speak the current CloudWatch protocol");
    let classified = ApiError::from_sdk("ListMetrics", err);
    assert!(
        classified.kind == ErrorKind::Unavailable,
        "ListMetrics: {classified:?}"
    );
    eprintln!("moto: {classified}");

    // moto sets no DeadLetterQueueSourceArn on a DLQ, but ListDeadLetterSourceQueues and the
    // RedrivePolicy (what squall links DLQs by) are there.
    let (source_url, _) = create_queue(&sqs, &unique_name("mmove-src"), &[]).await;
    set_redrive(&sqs, &source_url, &dlq_arn, 2).await;
    let directory = SdkQueues::new(sqs.clone(), REGION.to_string());
    let dlq = directory
        .describe_queue(&dlq_url)
        .await
        .expect("describe DLQ");
    assert_eq!(dlq.arn, dlq_arn);
    assert!(
        !dlq.attributes.contains_key("DeadLetterQueueSourceArn"),
        "{:?}",
        dlq.attributes
    );
    let source = directory
        .describe_queue(&source_url)
        .await
        .expect("describe source");
    assert_eq!(source.dlq_arn(), Some(dlq_arn.as_str()));
    let sources = directory
        .list_dead_letter_source_queues(&dlq_url, None)
        .await
        .expect("ListDeadLetterSourceQueues");
    assert_eq!(sources.items, vec![source_url]);
}

/// squall's message capabilities over moto, built the way `squall --endpoint-url` builds them.
async fn message_fleet() -> message_suite::Fleet {
    let moto = moto();
    let config = moto.sdk_config().await;
    message_suite::Fleet {
        sqs: moto.sqs().await,
        sns: moto.sns().await,
        backend: squall::aws::sdk_backend(
            &config,
            squall::aws::ConnectionInfo {
                profile: None,
                region: REGION.to_string(),
                endpoint: Some(moto.endpoint()),
                demo: false,
            },
        ),
        keeps_batch_trace_header: false,
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn moto_bodies_are_byte_exact() {
    message_suite::bodies_are_byte_exact(&message_fleet().await, &unique_name("mbodies")).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn moto_message_attributes_round_trip() {
    message_suite::message_attributes_round_trip(&message_fleet().await, &unique_name("mattrs"))
        .await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn moto_receive_reports_system_attributes() {
    message_suite::receive_reports_system_attributes(&message_fleet().await, &unique_name("msys"))
        .await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn moto_change_visibility_releases_and_reports_bad_handles() {
    message_suite::change_visibility_releases_and_reports_bad_handles(
        &message_fleet().await,
        &unique_name("mvis"),
    )
    .await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn moto_send_batch_keeps_fifo_ids_and_trace_header() {
    message_suite::send_batch_keeps_fifo_ids_and_trace_header(
        &message_fleet().await,
        &unique_name("mfifo"),
    )
    .await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn moto_send_batch_honours_delay() {
    message_suite::send_batch_honours_delay(&message_fleet().await, &unique_name("mdelay")).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn moto_delete_batch_reports_partial_failure() {
    message_suite::delete_batch_reports_partial_failure(
        &message_fleet().await,
        &unique_name("mdel"),
    )
    .await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn moto_purge_empties_the_queue() {
    message_suite::purge_empties_the_queue(&message_fleet().await, &unique_name("mpurge")).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn moto_publish_reaches_queues_as_envelope_and_raw() {
    message_suite::publish_reaches_queues_as_envelope_and_raw(
        &message_fleet().await,
        &unique_name("mpub"),
    )
    .await;
}

/// moto has no message move tasks: squall's capabilities say `Unavailable` for each of them
/// (what the redrive view shows as "unavailable"), never a server error.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn moto_move_tasks_are_unavailable() {
    let fleet = message_fleet().await;
    let (_, dlq_arn) = message_suite::create_queue(&fleet, &unique_name("mmt-dlq"), &[]).await;
    let writers = fleet.backend.writers("test").expect("writers");
    let started = writers
        .moves
        .start_move_task(&dlq_arn, None, None)
        .await
        .expect_err("moto has no StartMessageMoveTask");
    assert_eq!(started.kind, ErrorKind::Unavailable, "{started}");
    assert_eq!(started.operation, "StartMessageMoveTask");
    let listed = fleet
        .backend
        .messages
        .list_move_tasks(&dlq_arn)
        .await
        .expect_err("moto has no ListMessageMoveTasks");
    assert_eq!(listed.kind, ErrorKind::Unavailable, "{listed}");
    let cancelled = writers
        .moves
        .cancel_move_task("no-such-task")
        .await
        .expect_err("moto has no CancelMessageMoveTask");
    assert_eq!(cancelled.kind, ErrorKind::Unavailable, "{cancelled}");
    assert_eq!(cancelled.operation, "CancelMessageMoveTask");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn moto_peek_leaves_messages_visible_and_counts_one_receive() {
    message_suite::peek_leaves_messages_visible_and_counts_one_receive(
        &message_fleet().await,
        &unique_name("mpeek"),
    )
    .await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn moto_peek_unwraps_sns_envelopes() {
    message_suite::peek_unwraps_sns_envelopes(&message_fleet().await, &unique_name("mpenv")).await;
}
