//! `squall health --json` against LocalStack: a DLQ holding messages (with arrivals put as
//! CloudWatch points in the past, as tests/aws_metrics.rs does) is the first problem, a
//! queue whose oldest message is too old follows it, the exit code is 1, and a healthy
//! queue says nothing. (Alarms and move tasks: tests/aws_health_signals.rs, on a LocalStack
//! of their own, since their DLQs would outrank this test's.)

mod support;

use std::time::{SystemTime, UNIX_EPOCH};

use aws_sdk_cloudwatch::types::{Dimension, MetricDatum};
use aws_smithy_types::DateTime;
use serde_json::Value;
use support::*;

fn now_ms() -> i64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .expect("clock")
        .as_millis() as i64
}

/// The start of the minute `minutes_ago` minutes before `now`.
fn minute(now: i64, minutes_ago: i64) -> i64 {
    now - now.rem_euclid(60_000) - minutes_ago * 60_000
}

async fn put(
    cloudwatch: &aws_sdk_cloudwatch::Client,
    queue: &str,
    metric: &str,
    points: &[(i64, f64)],
) {
    let data: Vec<MetricDatum> = points
        .iter()
        .map(|(t, v)| {
            MetricDatum::builder()
                .metric_name(metric)
                .dimensions(Dimension::builder().name("QueueName").value(queue).build())
                .timestamp(DateTime::from_millis(*t))
                .value(*v)
                .build()
        })
        .collect();
    cloudwatch
        .put_metric_data()
        .namespace("AWS/SQS")
        .set_metric_data(Some(data))
        .send()
        .await
        .unwrap_or_else(|e| panic!("PutMetricData {queue} {metric}: {e:?}"));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_dlq_holding_messages_is_the_first_problem_and_a_healthy_queue_is_not_one() {
    let ls = localstack();
    let (sqs, cloudwatch) = (ls.sqs().await, ls.cloudwatch().await);
    let now = now_ms();
    let queue = unique_name("health-q");
    let dlq = format!("{queue}-dlq");
    let healthy = unique_name("health-ok");
    let (dlq_url, dlq_arn) = create_queue(&sqs, &dlq, &[]).await;
    let (queue_url, _) = create_queue(&sqs, &queue, &[]).await;
    set_redrive(&sqs, &queue_url, &dlq_arn, 3).await;
    create_queue(&sqs, &healthy, &[]).await;
    send_messages(&sqs, &dlq_url, 6).await;
    send_messages(&sqs, &queue_url, 2).await;
    put(
        &cloudwatch,
        &dlq,
        "NumberOfMessagesSent",
        &[(minute(now, 2), 2.0), (minute(now, 1), 4.0)],
    )
    .await;
    // LocalStack puts its own (young) age for the current minute: points up to the next
    // minute make ours the Maximum whichever minute squall reads last.
    let ages: Vec<(i64, f64)> = (-1..=2).map(|ago| (minute(now, ago), 4100.0)).collect();
    put(&cloudwatch, &queue, "ApproximateAgeOfOldestMessage", &ages).await;

    let (code, stdout, stderr) = run_squall_status(localstack(), &["health", "--json"]).await;
    assert_eq!(code, 1, "stdout:\n{stdout}\nstderr:\n{stderr}");
    let problems: Vec<Value> = serde_json::from_str(&stdout).expect("a JSON array");
    let first = &problems[0];
    assert_eq!(first["kind"], "dlq", "{stdout}");
    assert_eq!(first["resource"], dlq.as_str(), "{stdout}");
    assert_eq!(first["arn"], dlq_arn.as_str(), "{stdout}");
    assert_eq!(first["severity"], "critical", "{stdout}");
    assert_eq!(first["value"], 6.0, "{stdout}");
    let text = first["problem"].as_str().expect("problem");
    // LocalStack adds its own NumberOfMessagesSent for the six sent just now, so the
    // newest minute may be ours (4) or its own (6): either way the DLQ is still filling.
    assert!(
        text.contains("DLQ holds 6 messages, still filling ("),
        "{text}"
    );
    let old = problems
        .iter()
        .find(|p| p["resource"] == queue.as_str())
        .unwrap_or_else(|| panic!("the queue's old message: {stdout}"));
    assert_eq!(old["severity"], "critical", "{stdout}");
    assert!(
        old["problem"]
            .as_str()
            .is_some_and(|t| t.contains("1h old")),
        "{stdout}"
    );
    assert!(
        problems.iter().all(|p| p["resource"] != healthy.as_str()),
        "{stdout}"
    );
}
