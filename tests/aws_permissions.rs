//! Permissions against LocalStack: every call squall's verbs make is in its permission
//! lists (tests/permission_suite), and `squall whoami` and the AccessDenied messages name
//! what a proxy that refuses chosen actions (tests/support/fault_proxy.rs) took away.

mod permission_suite;
mod support;

use support::*;

fn upstream() -> std::net::SocketAddr {
    ([127, 0, 0, 1], localstack().port()).into()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn every_call_of_every_verb_is_in_the_permission_lists() {
    let world = permission_suite::seed(localstack(), "drift").await;
    let world = permission_suite::with_function(localstack(), world, LAMBDA_ROLE).await;
    permission_suite::every_call_is_in_the_list(localstack(), &world, true).await;
}

async fn denying(actions: &[&str]) -> FaultProxy {
    FaultProxy::start(
        upstream(),
        Faults {
            deny_actions: actions.iter().map(|a| a.to_string()).collect(),
            ..Faults::default()
        },
    )
    .await
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn whoami_names_each_capability_the_credentials_lack() {
    let world = permission_suite::seed(localstack(), "whoami").await;
    let proxy = denying(&[
        "lambda:ListFunctions",
        "cloudwatch:DescribeAlarms",
        "logs:DescribeLogGroups",
    ])
    .await;
    let (code, stdout, stderr) = run_squall_at(&proxy.endpoint(), &["whoami"]).await;
    assert_eq!(
        code, 6,
        "exit 6: a permission is missing\n{stdout}\n{stderr}"
    );
    assert!(
        stdout.contains("Lambda consumers: no permission (lambda:ListFunctions)"),
        "{stdout}"
    );
    assert!(
        stdout.contains("CloudWatch alarms: no permission (cloudwatch:DescribeAlarms)"),
        "{stdout}"
    );
    assert!(
        stdout.contains("CloudWatch Logs: no permission (logs:DescribeLogGroups)"),
        "{stdout}"
    );
    assert!(stdout.contains("SQS queues: works"), "{stdout}");
    assert!(stdout.contains("squall iam-policy"), "{stdout}");

    let (code, stdout, _) = run_squall_at(&proxy.endpoint(), &["whoami", "--json"]).await;
    assert_eq!(code, 6);
    let json: serde_json::Value = serde_json::from_str(&stdout).expect("JSON");
    assert_eq!(json["identity"]["account"], "000000000000", "{json}");
    let status = |name: &str| {
        json["capabilities"]
            .as_array()
            .expect("capabilities")
            .iter()
            .find(|c| c["capability"] == name)
            .unwrap_or_else(|| panic!("{name} in {json}"))
            .clone()
    };
    assert_eq!(status("lambda_consumers")["status"], "no_permission");
    assert_eq!(status("lambda_consumers")["action"], "lambda:ListFunctions");
    assert_eq!(status("topics")["status"], "works");
    // LocalStack lists move tasks of the queue whoami found.
    assert_eq!(status("move_tasks")["status"], "works", "{json}");
    assert_eq!(status("peek")["status"], "not_tried");
    let stats = proxy.shutdown().await;
    for harmful in ["sqs:ReceiveMessage", "sqs:SendMessage", "sqs:DeleteMessage"] {
        assert!(
            !stats.actions.contains_key(harmful),
            "whoami called {harmful}"
        );
    }
    drop(world);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_access_denied_names_the_action_and_points_to_iam_policy() {
    let world = permission_suite::seed(localstack(), "denied").await;
    let proxy = denying(&["sqs:PurgeQueue", "lambda:ListFunctions"]).await;
    let (code, _, stderr) =
        run_squall_at(&proxy.endpoint(), &["purge", &world.queue, "--yes"]).await;
    assert_ne!(code, 0);
    assert!(
        stderr.contains("needs sqs:PurgeQueue; see `squall iam-policy --operator`"),
        "{stderr}"
    );
    let (code, _, stderr) = run_squall_at(&proxy.endpoint(), &["ls", "lambdas"]).await;
    assert_ne!(code, 0);
    assert!(
        stderr.contains("needs lambda:ListFunctions; see `squall iam-policy`"),
        "{stderr}"
    );
    proxy.shutdown().await;
}
