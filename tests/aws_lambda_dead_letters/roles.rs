//! The execution role of a function with an on-failure destination, read through IAM on
//! LocalStack and moto: a role whose inline policy only receives is named by doctor
//! (`lambda-role-cannot-write-target`), one whose attached managed policy sends is not, and
//! a role squall may not read is not judged. The IAM reads are counted by the proxy.

use super::put_invoke_config;
use crate::support::emulator::Emulator;
use crate::support::{
    FaultProxy, Faults, create_function_with_role, create_queue, run_squall_at, unique_name,
};

const TRUST: &str = r#"{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"Service":"lambda.amazonaws.com"},"Action":"sts:AssumeRole"}]}"#;

fn allow(action: &str, resource: &str) -> String {
    format!(
        r#"{{"Version":"2012-10-17","Statement":[{{"Effect":"Allow","Action":"{action}","Resource":"{resource}"}}]}}"#
    )
}

/// A role with `policy` inline, or attached as a managed policy of its own.
pub async fn role_with_policy(
    iam: &aws_sdk_iam::Client,
    name: &str,
    policy: &str,
    attached: bool,
) -> String {
    let role = iam
        .create_role()
        .role_name(name)
        .assume_role_policy_document(TRUST)
        .send()
        .await
        .unwrap_or_else(|e| panic!("CreateRole {name}: {e:?}"))
        .role
        .map(|r| r.arn)
        .expect("a role");
    if attached {
        let policy_arn = iam
            .create_policy()
            .policy_name(format!("{name}-policy"))
            .policy_document(policy)
            .send()
            .await
            .unwrap_or_else(|e| panic!("CreatePolicy {name}: {e:?}"))
            .policy
            .and_then(|p| p.arn)
            .expect("a policy ARN");
        iam.attach_role_policy()
            .role_name(name)
            .policy_arn(policy_arn)
            .send()
            .await
            .unwrap_or_else(|e| panic!("AttachRolePolicy {name}: {e:?}"));
    } else {
        iam.put_role_policy()
            .role_name(name)
            .policy_name("failures")
            .policy_document(policy)
            .send()
            .await
            .unwrap_or_else(|e| panic!("PutRolePolicy {name}: {e:?}"));
    }
    role
}

/// The rules doctor names on `arn`, through a proxy with `faults`, and the IAM actions seen.
async fn doctor_rules_on(
    port: u16,
    faults: Faults,
    arns: &[&str],
) -> (Vec<Vec<String>>, Vec<String>) {
    let proxy = FaultProxy::start(([127, 0, 0, 1], port).into(), faults).await;
    let (_, stdout, stderr) =
        run_squall_at(&proxy.endpoint(), &["--read-only", "doctor", "--json"]).await;
    let stats = proxy.shutdown().await;
    let findings: serde_json::Value =
        serde_json::from_str(&stdout).unwrap_or_else(|e| panic!("{e}: {stdout}\n{stderr}"));
    let on = |arn: &str| -> Vec<String> {
        findings
            .as_array()
            .into_iter()
            .flatten()
            .filter(|f| {
                f["resources"]
                    .as_array()
                    .is_some_and(|r| r.iter().any(|x| x == arn))
            })
            .map(|f| f["rule"].as_str().unwrap_or_default().to_string())
            .collect()
    };
    let iam: Vec<String> = stats
        .actions
        .keys()
        .filter(|a| a.starts_with("iam:"))
        .cloned()
        .collect();
    (arns.iter().map(|a| on(a)).collect(), iam)
}

pub async fn a_role_that_cannot_write_its_destination_is_found<S>(emulator: &Emulator<S>) {
    let config = emulator.sdk_config().await;
    let (sqs, lambda, iam) = (
        aws_sdk_sqs::Client::new(&config),
        aws_sdk_lambda::Client::new(&config),
        aws_sdk_iam::Client::new(&config),
    );
    let base = unique_name("rol");
    let name = |suffix: &str| format!("{base}-{suffix}");
    let (_, walled_target) = create_queue(&sqs, &name("walled-failures"), &[]).await;
    let (_, open_target) = create_queue(&sqs, &name("open-failures"), &[]).await;
    let receive_only = allow("sqs:ReceiveMessage", "*");
    let walled_role = role_with_policy(&iam, &name("walled-role"), &receive_only, false).await;
    let sends = allow("sqs:SendMessage", &format!("arn:aws:sqs:*:*:{base}-*"));
    let open_role = role_with_policy(&iam, &name("open-role"), &sends, true).await;
    let walled =
        create_function_with_role(&lambda, &name("walled"), &walled_role, 128, 3, None).await;
    let open = create_function_with_role(&lambda, &name("open"), &open_role, 128, 3, None).await;
    put_invoke_config(&lambda, &name("walled"), Some(&walled_target), 2, 3600).await;
    put_invoke_config(&lambda, &name("open"), Some(&open_target), 2, 3600).await;

    let (rules, iam_actions) =
        doctor_rules_on(emulator.port(), Faults::default(), &[&walled, &open]).await;
    assert_eq!(rules[0], ["lambda-role-cannot-write-target"], "{rules:?}");
    assert!(rules[1].is_empty(), "{rules:?}");
    for action in [
        "iam:GetPolicy",
        "iam:GetPolicyVersion",
        "iam:GetRolePolicy",
        "iam:ListAttachedRolePolicies",
        "iam:ListRolePolicies",
    ] {
        assert!(
            iam_actions.iter().any(|a| a == action),
            "{action}: {iam_actions:?}"
        );
    }

    // A role squall may not read is not judged: no finding rather than a guess.
    let refused = Faults {
        deny_actions: vec!["iam:ListRolePolicies".to_string()],
        ..Faults::default()
    };
    let (rules, _) = doctor_rules_on(emulator.port(), refused, &[&walled]).await;
    assert!(rules[0].is_empty(), "{rules:?}");
}
