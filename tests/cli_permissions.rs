//! `squall iam-policy` and `squall whoami` as a user meets them, with no AWS settings at
//! all: the printed policies are the shipped files, patterns scope what IAM can scope, a
//! bad pattern is refused with exit 2; whoami over the demo fleet names every capability.

mod bare_squall;
use bare_squall::squall;

fn stdout_of(args: &[&str]) -> String {
    let home = tempfile::tempdir().expect("tempdir");
    let output = squall(&home).args(args).output().expect("squall runs");
    assert!(output.status.success(), "{args:?}: {output:?}");
    String::from_utf8(output.stdout).expect("UTF-8")
}

#[test]
fn iam_policy_prints_the_shipped_read_only_and_operator_policies_without_aws_settings() {
    let read_only = stdout_of(&["iam-policy"]);
    assert_eq!(
        read_only,
        std::fs::read_to_string("config/iam/read-only.json").expect("the shipped file")
    );
    let operator = stdout_of(&["iam-policy", "--operator"]);
    assert_eq!(
        operator,
        std::fs::read_to_string("config/iam/operator.json").expect("the shipped file")
    );
    assert!(!read_only.contains("sqs:DeleteMessage"));
    assert!(operator.contains("sqs:DeleteMessage"));
    assert!(read_only.contains("\"Version\": \"2012-10-17\""));
}

#[test]
fn resource_scoped_patterns_limit_their_own_service_and_leave_listings_on_star() {
    let sqs = "arn:aws:sqs:eu-west-1:123456789012:orders-*";
    let lambda = "arn:aws:lambda:eu-west-1:123456789012:function:orders-*";
    let text = stdout_of(&[
        "iam-policy",
        "--operator",
        "--resource-scoped",
        sqs,
        "--resource-scoped",
        lambda,
    ]);
    let policy: serde_json::Value = serde_json::from_str(&text).expect("JSON");
    let statement = |sid: &str| {
        policy["Statement"]
            .as_array()
            .expect("statements")
            .iter()
            .find(|s| s["Sid"] == sid)
            .unwrap_or_else(|| panic!("{sid} in {text}"))
            .clone()
    };
    assert_eq!(statement("SqsWrite")["Resource"], serde_json::json!([sqs]));
    assert_eq!(statement("SqsRead")["Resource"], serde_json::json!([sqs]));
    assert_eq!(
        statement("SqsReadAnyResource")["Action"],
        serde_json::json!(["sqs:ListQueues"])
    );
    assert_eq!(statement("SqsReadAnyResource")["Resource"], "*");
    // Lambda's two calls are listings: nothing to scope, so they stay on "*".
    assert_eq!(statement("LambdaReadAnyResource")["Resource"], "*");
    assert_eq!(statement("SnsWrite")["Resource"], "*");
}

#[test]
fn a_pattern_of_another_service_is_refused_with_exit_2() {
    let home = tempfile::tempdir().expect("tempdir");
    let output = squall(&home)
        .args(["iam-policy", "--resource-scoped", "arn:aws:s3:::my-bucket"])
        .output()
        .expect("squall runs");
    assert_eq!(output.status.code(), Some(2));
    assert!(output.stdout.is_empty());
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(stderr.contains("arn:aws:s3:::my-bucket"), "{stderr}");
    assert!(
        stderr.contains("SQS queue, SNS topic or Lambda function"),
        "{stderr}"
    );
}

#[test]
fn whoami_over_the_demo_names_the_caller_and_every_capability() {
    let text = stdout_of(&["--demo", "whoami"]);
    assert!(text.contains("Account   000000000000"), "{text}");
    assert!(text.contains("Lambda consumers: works"), "{text}");
    assert!(
        text.contains("peek and export (receive): not tried"),
        "{text}"
    );
    let json: serde_json::Value =
        serde_json::from_str(&stdout_of(&["--demo", "--read-only", "whoami", "--json"]))
            .expect("JSON");
    assert_eq!(json["region"], "us-east-1");
    assert_eq!(json["read_only"], true);
    let capabilities = json["capabilities"].as_array().expect("capabilities");
    assert_eq!(capabilities.len(), 12);
    let logs = capabilities
        .iter()
        .find(|c| c["capability"] == "logs")
        .expect("logs");
    assert_eq!(logs["status"], "works", "the demo's simulated log groups");
    let purge = capabilities
        .iter()
        .find(|c| c["capability"] == "purge")
        .expect("purge");
    assert_eq!(purge["status"], "not_tried");
    assert_eq!(purge["why"], "squall is read-only here");
}
