//! Where a function's failed asynchronous events go (Lambda developer guide, "Asynchronous
//! invocation": the execution role needs `sqs:SendMessage` or `sns:Publish` on the DLQ or
//! on-failure destination). A target that does not exist, or one the role may not write to,
//! loses every event Lambda gives up on; Lambda only counts them (`DeadLetterErrors`,
//! `DestinationDeliveryFailures`). The role is judged only when its policies were read,
//! and only when they certainly refuse (see `role_policy`).

use super::role_policy::{Policies, Verdict, verdict};
use super::{Finding, Severity, docs};
use crate::domain::lambda_dead_letter::arn_service;
use crate::domain::{LambdaDeadLetterKind, LambdaFunction, RolePoliciesReading, arn};
use crate::inventory::{Inventory, Source};

pub fn check(inventory: &Inventory) -> Vec<Finding> {
    let mut findings = Vec::new();
    for dead_letter in inventory.lambda_dead_letters() {
        if dead_letter.kind == LambdaDeadLetterKind::SubscriptionDlq {
            continue;
        }
        let Some(function) = inventory.function_by_arn(&dead_letter.function) else {
            continue;
        };
        let target = dead_letter.target_arn.as_str();
        let (action, listing) = match arn_service(target) {
            Some("sqs") => ("sqs:SendMessage", Source::Queues),
            Some("sns") => ("sns:Publish", Source::Topics),
            _ => continue,
        };
        let resource_policy = match arn_service(target) {
            Some("sqs") => inventory.queue_by_arn(target).map(|q| q.policy()),
            _ => inventory
                .topic_by_arn(target)
                .map(|t| t.attributes.get("Policy").map(String::as_str)),
        };
        let role_of = dead_letter.describe();
        match resource_policy {
            None => {
                let status = inventory.status(listing);
                if status.loaded && status.error.is_none() {
                    findings.push(missing(function, target, &role_of));
                }
            }
            Some(policy) => {
                findings.extend(role_refused(function, target, &role_of, action, policy))
            }
        }
    }
    findings
}

fn missing(function: &LambdaFunction, target: &str, role_of: &str) -> Finding {
    Finding {
        rule: "lambda-failure-target-missing",
        severity: Severity::Error,
        resources: vec![function.arn.clone(), target.to_string()],
        message: format!(
            "{} ({role_of}) does not exist: every event the function gives up on is lost, counted only by DeadLetterErrors or DestinationDeliveryFailures",
            arn::resource_name(target)
        ),
        fix: "create it, or point the function's DeadLetterConfig or on-failure destination at one that exists".to_string(),
        docs: docs::LAMBDA_ASYNC,
    }
}

/// The role's policies certainly refuse `action` on the target.
fn role_refused(
    function: &LambdaFunction,
    target: &str,
    role_of: &str,
    action: &str,
    resource_policy: Option<&str>,
) -> Option<Finding> {
    let RolePoliciesReading::Read(documents) = &function.role_policies else {
        return None;
    };
    let role = function.role.as_deref()?;
    let policies = Policies {
        identity: documents,
        resource: resource_policy,
        role_arn: role,
    };
    let why = match verdict(&policies, action, target) {
        Verdict::MayWrite => return None,
        Verdict::Denied(place) => format!("an explicit Deny in {place} refuses {action}"),
        Verdict::NotAllowed => format!(
            "none of its {} policies (nor the target's access policy) allows {action}",
            documents.len()
        ),
    };
    Some(Finding {
        rule: "lambda-role-cannot-write-target",
        severity: Severity::Error,
        resources: vec![function.arn.clone(), target.to_string()],
        message: format!(
            "function {}'s execution role {} cannot write to {} ({role_of}): {why}; every event the function gives up on is lost",
            function.name,
            crate::aws::roles::role_name(role),
            arn::resource_name(target)
        ),
        fix: format!("allow {action} on {target} in the role's policy (and remove any Deny on it)"),
        docs: docs::LAMBDA_ASYNC,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::inventory::model::tests::{async_function, queue};

    const ROLE: &str = "arn:aws:iam::1:role/notify-role";

    fn inventory(policies: RolePoliciesReading) -> Inventory {
        let mut inventory = Inventory::default();
        inventory.upsert_queues(vec![queue("notify-dlq", 0, None)], 1);
        inventory.finish_queues(1);
        let mut notify = async_function("notify", Some("notify-dlq"), Some("notify-gone"));
        notify.role = Some(ROLE.to_string());
        notify.role_policies = policies;
        inventory.set_functions(vec![notify]);
        inventory
    }

    fn rules(inventory: &Inventory) -> Vec<(&'static str, String)> {
        check(inventory)
            .into_iter()
            .map(|f| (f.rule, f.resources[1].clone()))
            .collect()
    }

    #[test]
    fn a_role_that_cannot_write_and_a_target_that_is_gone_are_errors() {
        let receive_only =
            r#"{"Statement":[{"Effect":"Allow","Action":"sqs:ReceiveMessage","Resource":"*"}]}"#;
        let found = rules(&inventory(RolePoliciesReading::Read(vec![
            receive_only.into(),
        ])));
        assert_eq!(
            found,
            [
                (
                    "lambda-role-cannot-write-target",
                    "arn:aws:sqs:us-east-1:1:notify-dlq".to_string()
                ),
                (
                    "lambda-failure-target-missing",
                    "arn:aws:sqs:us-east-1:1:notify-gone".to_string()
                ),
            ]
        );
        let message = &check(&inventory(RolePoliciesReading::Read(vec![
            receive_only.into(),
        ])))[0]
            .message;
        assert!(
            message.contains(
                "execution role notify-role cannot write to notify-dlq (function DLQ of notify)"
            ),
            "{message}"
        );
    }

    #[test]
    fn a_role_that_may_write_or_could_not_be_read_is_not_judged() {
        let send = r#"{"Statement":{"Effect":"Allow","Action":"sqs:SendMessage","Resource":"arn:aws:sqs:*:1:notify-*"}}"#;
        for reading in [
            RolePoliciesReading::Read(vec![send.into()]),
            RolePoliciesReading::NotRead,
            RolePoliciesReading::Failed("AccessDenied".into()),
        ] {
            let found = rules(&inventory(reading.clone()));
            assert!(
                found
                    .iter()
                    .all(|(rule, _)| *rule != "lambda-role-cannot-write-target"),
                "{reading:?}: {found:?}"
            );
        }
    }
}
