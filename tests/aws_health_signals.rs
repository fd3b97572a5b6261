//! `squall health --json` against LocalStack, for what AWS states outright: an alarm put on
//! a queue's metric and set to ALARM (`PutMetricAlarm`, `SetAlarmState`) is a row on that
//! queue, and a native move task running on a DLQ (`StartMessageMoveTask` at one message a
//! second) is an info row while it runs. A LocalStack of their own: their DLQs and alarms
//! would change the order tests/aws_health.rs checks.

mod support;

use aws_sdk_cloudwatch::types::{ComparisonOperator, Dimension, StateValue, Statistic};
use serde_json::Value;
use support::*;

/// The problems `squall health --json` lists, after checking it exits 1 (something burns).
async fn health_problems() -> (Vec<Value>, String) {
    let (code, stdout, stderr) = run_squall_status(localstack(), &["health", "--json"]).await;
    assert_eq!(code, 1, "stdout:\n{stdout}\nstderr:\n{stderr}");
    (serde_json::from_str(&stdout).expect("a JSON array"), stdout)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_alarm_set_to_alarm_on_a_queue_metric_is_a_problem_on_that_queue() {
    let ls = localstack();
    let (sqs, cloudwatch) = (ls.sqs().await, ls.cloudwatch().await);
    let queue = unique_name("alarmed");
    let (_, queue_arn) = create_queue(&sqs, &queue, &[]).await;
    let alarm = format!("{queue}-backlog");
    // An hour's period: LocalStack evaluates an alarm once per period, so it cannot turn
    // the state set below back to OK while the test runs. It also evaluates it once at
    // creation, on a thread of its own, which may come after SetAlarmState: with no data
    // and missing data ignored, that evaluation keeps the state it finds.
    cloudwatch
        .put_metric_alarm()
        .alarm_name(&alarm)
        .namespace("AWS/SQS")
        .metric_name("ApproximateNumberOfMessagesVisible")
        .dimensions(Dimension::builder().name("QueueName").value(&queue).build())
        .statistic(Statistic::Maximum)
        .period(3600)
        .evaluation_periods(1)
        .threshold(100.0)
        .comparison_operator(ComparisonOperator::GreaterThanThreshold)
        .treat_missing_data("ignore")
        .send()
        .await
        .unwrap_or_else(|e| panic!("PutMetricAlarm {alarm}: {e:?}"));
    cloudwatch
        .set_alarm_state()
        .alarm_name(&alarm)
        .state_value(StateValue::Alarm)
        .state_reason("test: 250 visible was greater than the threshold (100.0)")
        .send()
        .await
        .unwrap_or_else(|e| panic!("SetAlarmState {alarm}: {e:?}"));

    let (problems, stdout) = health_problems().await;
    let row = problems
        .iter()
        .find(|p| p["resource"] == queue.as_str())
        .unwrap_or_else(|| panic!("a row on {queue}: {stdout}"));
    assert_eq!(row["kind"], "queue", "{stdout}");
    assert_eq!(row["arn"], queue_arn.as_str(), "{stdout}");
    assert_eq!(row["severity"], "critical", "{stdout}");
    assert_eq!(
        row["problem"],
        format!(
            "alarm {alarm} in ALARM on ApproximateNumberOfMessagesVisible: \
             test: 250 visible was greater than the threshold (100.0)"
        )
        .as_str(),
        "{stdout}"
    );
    assert_eq!(row["value"], 100.0, "{stdout}");
    assert!(
        row["since"].is_string(),
        "since = StateUpdatedTimestamp: {stdout}"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_running_move_task_on_a_dlq_is_an_info_row_while_it_runs() {
    let sqs = localstack().sqs().await;
    let queue = unique_name("redriven");
    let dlq = format!("{queue}-dlq");
    let (dlq_url, dlq_arn) = create_queue(&sqs, &dlq, &[]).await;
    let (queue_url, queue_arn) = create_queue(&sqs, &queue, &[]).await;
    set_redrive(&sqs, &queue_url, &dlq_arn, 3).await;
    send_messages(&sqs, &dlq_url, 40).await;
    // One message a second: the task runs for 40 s, longer than squall needs to look.
    // Messages sent straight to a DLQ carry no DeadLetterQueueSourceArn, so the
    // destination is named (LocalStack fails the task otherwise).
    let handle = sqs
        .start_message_move_task()
        .source_arn(&dlq_arn)
        .destination_arn(&queue_arn)
        .max_number_of_messages_per_second(1)
        .send()
        .await
        .unwrap_or_else(|e| panic!("StartMessageMoveTask {dlq}: {e:?}"))
        .task_handle
        .expect("a task handle");

    let (problems, stdout) = health_problems().await;
    let _ = sqs
        .cancel_message_move_task()
        .task_handle(&handle)
        .send()
        .await;
    let row = problems
        .iter()
        .find(|p| p["resource"] == dlq.as_str() && p["severity"] == "info")
        .unwrap_or_else(|| panic!("an info row on {dlq}: {stdout}"));
    assert_eq!(row["kind"], "dlq", "{stdout}");
    assert_eq!(row["arn"], dlq_arn.as_str(), "{stdout}");
    let text = row["problem"].as_str().expect("problem");
    assert!(text.starts_with("redrive running: moved "), "{text}");
    assert!(
        text.ends_with(&format!(" of 40 to {queue} at 1/s")),
        "{text}"
    );
    assert!(row["since"].is_string(), "{stdout}");
    // The DLQ's own row is still there, and comes first: critical before info.
    let positions: Vec<usize> = problems
        .iter()
        .enumerate()
        .filter(|(_, p)| p["resource"] == dlq.as_str())
        .map(|(i, _)| i)
        .collect();
    assert_eq!(positions.len(), 2, "{stdout}");
    assert_eq!(problems[positions[0]]["severity"], "critical", "{stdout}");
}
