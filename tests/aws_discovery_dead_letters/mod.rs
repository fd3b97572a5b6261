//! Dead-letter source queues (`ListDeadLetterSourceQueues`) and an unreachable endpoint, against
//! LocalStack: part of `aws_discovery`, in a file of its own to keep each under 500 lines.

use super::*;

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn dead_letter_source_queues_are_exactly_the_redriving_queues() {
    let sqs = localstack().sqs().await;
    let base = unique_name("dlqsrc");
    let (dlq_url, dlq_arn) = create_queue(&sqs, &format!("{base}-dlq"), &[]).await;
    let (source_a, _) = create_queue(&sqs, &format!("{base}-a"), &[]).await;
    let (source_b, _) = create_queue(&sqs, &format!("{base}-b"), &[]).await;
    set_redrive(&sqs, &source_a, &dlq_arn, 3).await;
    set_redrive(&sqs, &source_b, &dlq_arn, 5).await;
    // Unrelated: no redrive policy, and one redriving to another DLQ.
    create_queue(&sqs, &format!("{base}-plain"), &[]).await;
    let (_, other_dlq_arn) = create_queue(&sqs, &format!("{base}-other-dlq"), &[]).await;
    let (elsewhere, _) = create_queue(&sqs, &format!("{base}-elsewhere"), &[]).await;
    set_redrive(&sqs, &elsewhere, &other_dlq_arn, 2).await;

    let directory = queues().await;
    let (mut urls, pages) = walk("ListDeadLetterSourceQueues", |t| {
        directory.list_dead_letter_source_queues(&dlq_url, t)
    })
    .await;
    assert_eq!(pages.len(), 1, "LocalStack answers in one page");
    urls.sort();
    let mut expected = vec![source_a, source_b];
    expected.sort();
    assert_eq!(urls, expected);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn dead_letter_sources_of_a_missing_queue_are_not_found() {
    let ls = localstack();
    let sqs = ls.sqs().await;
    let (url, _) = create_queue(&sqs, &unique_name("dlqgone"), &[]).await;
    sqs.delete_queue()
        .queue_url(&url)
        .send()
        .await
        .expect("DeleteQueue");
    let never = format!(
        "{}/queue/{REGION}/{ACCOUNT_ID}/{}",
        ls.endpoint(),
        unique_name("dlqnever")
    );

    let directory = queues().await;
    for missing in [&url, &never] {
        let error = directory
            .list_dead_letter_source_queues(missing, None)
            .await
            .expect_err("no such queue");
        assert!(error.kind == ErrorKind::NotFound, "{missing}: {error:?}");
    }
}

// ---------------------------------------------------------------------------------------------
// Unreachable endpoint

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_unreachable_endpoint_is_a_connection_error_for_topics_and_lambdas() {
    let config = unreachable_sdk_config().await;
    let topics = SdkTopics::new(aws_sdk_sns::Client::new(&config));
    let lambdas = SdkLambdas::new(aws_sdk_lambda::Client::new(&config));
    let queues = SdkQueues::new(aws_sdk_sqs::Client::new(&config), REGION.to_string());
    let errors = [
        topics.list_topics(None).await.expect_err("ListTopics"),
        topics
            .describe_topic("arn:aws:sns:us-east-1:1:t")
            .await
            .map(|_| ())
            .expect_err("GetTopicAttributes"),
        topics
            .list_subscriptions(None)
            .await
            .map(|_| ())
            .expect_err("ListSubscriptions"),
        topics
            .subscription_attributes("arn:aws:sns:us-east-1:1:t:x")
            .await
            .map(|_| ())
            .expect_err("GetSubscriptionAttributes"),
        lambdas
            .list_functions(None)
            .await
            .map(|_| ())
            .expect_err("ListFunctions"),
        lambdas
            .list_event_source_mappings(None)
            .await
            .map(|_| ())
            .expect_err("ListEventSourceMappings"),
        queues
            .list_dead_letter_source_queues("http://127.0.0.1:1/queue/x", None)
            .await
            .map(|_| ())
            .expect_err("ListDeadLetterSourceQueues"),
    ];
    for error in errors {
        assert!(error.kind == ErrorKind::Connection, "{error:?}");
    }
}
