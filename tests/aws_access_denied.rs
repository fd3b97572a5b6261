//! The fault proxy's refusals (tests/support/fault_proxy.rs, `Faults::deny_actions`) read
//! as AWS's own: for every service squall speaks, the SDK surfaces the code AWS sends for
//! an IAM denial and squall classifies it as access denied; what was not refused goes
//! through, and every request's IAM action is recorded.

mod support;

use squall::aws::{ApiError, ErrorKind};
use support::*;

fn upstream() -> std::net::SocketAddr {
    ([127, 0, 0, 1], localstack().port()).into()
}

fn denied(error: ApiError, code: &str) {
    assert_eq!(error.kind, ErrorKind::AccessDenied, "{error}");
    assert_eq!(error.code.as_deref(), Some(code), "{error}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn each_service_answers_a_denied_action_with_its_own_access_denied() {
    let queue = unique_name("denied");
    let sqs = localstack().sqs().await;
    let (url, _arn) = create_queue(&sqs, &queue, &[]).await;
    let deny = [
        "sqs:ListQueues",
        "sqs:DeleteMessage",
        "sns:ListTopics",
        "lambda:ListFunctions",
        "cloudwatch:DescribeAlarms",
        "cloudwatch:GetMetricData",
    ];
    let proxy = FaultProxy::start(
        upstream(),
        Faults {
            deny_actions: deny.iter().map(|a| a.to_string()).collect(),
            ..Faults::default()
        },
    )
    .await;
    let config = support::emulator::emulator_sdk_config(proxy.endpoint()).await;
    let sqs = aws_sdk_sqs::Client::new(&config);
    let sns = aws_sdk_sns::Client::new(&config);
    let lambda = aws_sdk_lambda::Client::new(&config);
    let cloudwatch = aws_sdk_cloudwatch::Client::new(&config);

    let error = sqs.list_queues().send().await.expect_err("denied");
    denied(ApiError::from_sdk("ListQueues", error), "AccessDenied");
    let error = sqs
        .delete_message_batch()
        .queue_url(&url)
        .entries(
            aws_sdk_sqs::types::DeleteMessageBatchRequestEntry::builder()
                .id("0")
                .receipt_handle("handle")
                .build()
                .expect("an entry"),
        )
        .send()
        .await
        .expect_err("denied");
    denied(
        ApiError::from_sdk("DeleteMessageBatch", error),
        "AccessDenied",
    );
    let error = sns.list_topics().send().await.expect_err("denied");
    denied(
        ApiError::from_sdk("ListTopics", error),
        "AuthorizationError",
    );
    let error = lambda.list_functions().send().await.expect_err("denied");
    denied(
        ApiError::from_sdk("ListFunctions", error),
        "AccessDeniedException",
    );
    let error = cloudwatch
        .describe_alarms()
        .send()
        .await
        .expect_err("denied");
    denied(ApiError::from_sdk("DescribeAlarms", error), "AccessDenied");
    let now = aws_sdk_cloudwatch::primitives::DateTime::from_secs(1_700_000_000);
    let error = cloudwatch
        .get_metric_data()
        .start_time(now)
        .end_time(now)
        .send()
        .await
        .expect_err("denied");
    denied(ApiError::from_sdk("GetMetricData", error), "AccessDenied");

    // What is not refused goes through.
    sqs.get_queue_attributes()
        .queue_url(&url)
        .send()
        .await
        .expect("GetQueueAttributes is not refused");
    sns.list_subscriptions()
        .send()
        .await
        .expect("ListSubscriptions is not refused");
    lambda
        .list_event_source_mappings()
        .send()
        .await
        .expect("ListEventSourceMappings is not refused");

    let stats = proxy.shutdown().await;
    for action in deny {
        assert!(
            stats.denied.get(action).copied().unwrap_or(0) >= 1,
            "{action}: {stats:?}"
        );
    }
    for action in [
        "sqs:GetQueueAttributes",
        "sns:ListSubscriptions",
        "lambda:ListEventSourceMappings",
    ] {
        assert!(stats.actions.contains_key(action), "{action}: {stats:?}");
        assert!(!stats.denied.contains_key(action), "{action}: {stats:?}");
    }
    assert!(
        !stats.actions.keys().any(|a| a.starts_with("unknown:")),
        "every request placed: {stats:?}"
    );
}
