//! `squall health` against moto, whose server lacks `ListMessageMoveTasks` and does not
//! speak the CloudWatch protocol the SDK uses (so `DescribeAlarms` fails like
//! `GetMetricData`): the board's other problems still come, and an account where nothing
//! burns exits 4 (incomplete) and names what could not be read.

mod support;

use serde_json::Value;
use squall::aws::ErrorKind;
use support::*;

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn missing_alarm_and_move_task_calls_leave_the_rest_of_the_board_working() {
    let backend = sdk_backend(moto()).await;
    let alarms = backend.alarms.alarms_in_alarm().await;
    let error = alarms.expect_err("moto's server does not answer DescribeAlarms");
    assert_eq!(error.operation, "DescribeAlarms");
    assert_eq!(error.kind, ErrorKind::Unavailable, "{error}");

    let sqs = moto().sqs().await;
    let queue = unique_name("mhealth");
    let dlq = format!("{queue}-dlq");
    let (dlq_url, dlq_arn) = create_queue(&sqs, &dlq, &[]).await;
    let (queue_url, _) = create_queue(&sqs, &queue, &[]).await;
    set_redrive(&sqs, &queue_url, &dlq_arn, 3).await;
    let tasks = backend.messages.list_move_tasks(&dlq_arn).await;
    let error = tasks.expect_err("moto has no ListMessageMoveTasks");
    assert_eq!(error.kind, ErrorKind::Unavailable, "{error}");

    // Nothing burns yet (this binary's moto holds only these two empty queues): exit 4,
    // and stderr says the alarms could not be read.
    let (code, stdout, stderr) = run_squall_status(moto(), &["health", "--json"]).await;
    assert_eq!(code, 4, "stdout:\n{stdout}\nstderr:\n{stderr}");
    assert_eq!(stdout.trim(), "[]", "{stdout}");
    assert!(
        stderr.contains("alarms: DescribeAlarms: unavailable"),
        "{stderr}"
    );

    send_messages(&sqs, &dlq_url, 2).await;

    let (code, stdout, stderr) = run_squall_status(moto(), &["health", "--json"]).await;
    assert_eq!(
        code, 1,
        "the DLQ burns\nstdout:\n{stdout}\nstderr:\n{stderr}"
    );
    let problems: Vec<Value> = serde_json::from_str(&stdout).expect("a JSON array");
    let row = problems
        .iter()
        .find(|p| p["resource"] == dlq.as_str())
        .unwrap_or_else(|| panic!("the DLQ's row: {stdout}"));
    assert_eq!(
        row["problem"], "DLQ holds 2 messages, not filling",
        "{stdout}"
    );
    assert!(
        problems.iter().all(|p| p["severity"] != "info"),
        "no redrive row without ListMessageMoveTasks: {stdout}"
    );
}
