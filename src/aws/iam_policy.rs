//! The IAM policy documents derived from the permission lists (src/aws/permissions.rs):
//! read-only (listings, describes, metrics, alarms, move-task listing, and receive/change
//! visibility for peek and export, in a statement of their own) and operator (read-only
//! plus every call that changes something), optionally scoped to queue, topic and function
//! ARN patterns. `config/iam/*.json` are these documents, checked by a test.

use super::permissions::{Access, Permission, all};

/// Which policy.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PolicyKind {
    ReadOnly,
    Operator,
}

/// A pattern that cannot scope anything.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error(
    "--resource-scoped {0:?}: expected an SQS queue, SNS topic or Lambda function ARN pattern, \
     e.g. arn:aws:sqs:us-east-1:123456789012:orders-*"
)]
pub struct PatternError(pub String);

#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct PolicyDocument {
    pub version: String,
    pub statement: Vec<Statement>,
}

#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct Statement {
    pub sid: String,
    pub effect: String,
    pub action: Vec<String>,
    /// `"*"` or a list of ARN patterns.
    pub resource: serde_json::Value,
}

/// The services in policy order, with the IAM prefix, the ARN service and the Sid stem.
const SERVICES: [(&str, &str); 6] = [
    ("sqs", "Sqs"),
    ("sns", "Sns"),
    ("lambda", "Lambda"),
    ("cloudwatch", "CloudWatch"),
    ("logs", "Logs"),
    ("iam", "Iam"),
];

/// The policy of `kind`; `patterns` (ARN patterns of queues, topics, functions) limit the
/// actions that take a resource, service by service. A service no pattern names keeps
/// `"*"`; actions without resource-level permissions (listings, metrics, alarms) keep
/// `"*"` whatever the patterns, since IAM refuses them any other resource.
pub fn policy(kind: PolicyKind, patterns: &[String]) -> Result<PolicyDocument, PatternError> {
    for pattern in patterns {
        pattern_service(pattern).ok_or_else(|| PatternError(pattern.clone()))?;
    }
    let groups: &[Access] = match kind {
        PolicyKind::ReadOnly => &[Access::Read, Access::Receive],
        PolicyKind::Operator => &[Access::Read, Access::Receive, Access::Write],
    };
    let mut statement = Vec::new();
    for (service, stem) in SERVICES {
        let scoped: Vec<String> = patterns
            .iter()
            .filter(|p| pattern_service(p) == Some(service))
            .cloned()
            .collect();
        for &access in groups {
            let permissions: Vec<&Permission> = all()
                .filter(|p| p.access == access && p.action.split(':').next() == Some(service))
                .collect();
            let sid = format!("{stem}{}", group_name(access));
            if scoped.is_empty() {
                push(&mut statement, sid, &permissions, serde_json::json!("*"));
                continue;
            }
            let (by_resource, anywhere): (Vec<&Permission>, Vec<&Permission>) =
                permissions.iter().partition(|p| p.resource_level);
            push(
                &mut statement,
                sid.clone(),
                &by_resource,
                serde_json::json!(scoped),
            );
            push(
                &mut statement,
                format!("{sid}AnyResource"),
                &anywhere,
                serde_json::json!("*"),
            );
        }
    }
    Ok(PolicyDocument {
        version: "2012-10-17".to_string(),
        statement,
    })
}

/// The Sid suffix; `PeekReceive` marks the calls that receive messages (read-only, but they
/// count toward maxReceiveCount and hide messages for a while).
fn group_name(access: Access) -> &'static str {
    match access {
        Access::Read => "Read",
        Access::Receive => "PeekReceive",
        Access::Write => "Write",
    }
}

/// Adds a statement for the distinct actions of `permissions`, if any.
fn push(
    statements: &mut Vec<Statement>,
    sid: String,
    permissions: &[&Permission],
    resource: serde_json::Value,
) {
    let mut action: Vec<String> = permissions.iter().map(|p| p.action.to_string()).collect();
    action.sort();
    action.dedup();
    if action.is_empty() {
        return;
    }
    statements.push(Statement {
        sid,
        effect: "Allow".to_string(),
        action,
        resource,
    });
}

/// `sqs`, `sns` or `lambda` for an ARN pattern of that service.
fn pattern_service(pattern: &str) -> Option<&'static str> {
    let mut parts = pattern.split(':');
    if parts.next() != Some("arn") {
        return None;
    }
    let _partition = parts.next()?;
    let service = parts.next()?;
    // arn:PARTITION:SERVICE:REGION:ACCOUNT:RESOURCE (Lambda's resource has more colons).
    if parts.count() < 3 {
        return None;
    }
    ["sqs", "sns", "lambda"].into_iter().find(|s| *s == service)
}

/// The document as `squall iam-policy` prints it and config/iam holds it.
pub fn to_json(document: &PolicyDocument) -> String {
    let mut text = serde_json::to_string_pretty(document).unwrap_or_default();
    text.push('\n');
    text
}

#[cfg(test)]
mod tests {
    use super::*;

    fn actions(document: &PolicyDocument) -> Vec<String> {
        let mut actions: Vec<String> = document
            .statement
            .iter()
            .flat_map(|s| s.action.clone())
            .collect();
        actions.sort();
        actions.dedup();
        actions
    }

    /// The shipped files are what the lists give; after changing a list, regenerate them
    /// with `squall iam-policy > config/iam/read-only.json` and
    /// `squall iam-policy --operator > config/iam/operator.json`.
    #[test]
    fn the_shipped_policies_match_the_lists() {
        for (kind, text, file) in [
            (
                PolicyKind::ReadOnly,
                include_str!("../../config/iam/read-only.json"),
                "config/iam/read-only.json",
            ),
            (
                PolicyKind::Operator,
                include_str!("../../config/iam/operator.json"),
                "config/iam/operator.json",
            ),
        ] {
            let derived = policy(kind, &[]).expect("a policy");
            let shipped: PolicyDocument = serde_json::from_str(text).expect("a policy file");
            assert_eq!(
                shipped, derived,
                "{file} differs from the permission lists: regenerate it with `squall iam-policy`"
            );
        }
    }

    #[test]
    fn read_only_has_no_write_and_marks_receive() {
        let document = policy(PolicyKind::ReadOnly, &[]).expect("a policy");
        let actions = actions(&document);
        for write in all().filter(|p| p.access == Access::Write) {
            assert!(!actions.contains(&write.action.to_string()), "{write:?}");
        }
        let receive = document
            .statement
            .iter()
            .find(|s| s.sid == "SqsPeekReceive")
            .expect("a statement of its own for receiving");
        assert_eq!(
            receive.action,
            ["sqs:ChangeMessageVisibility", "sqs:ReceiveMessage"]
        );
    }

    #[test]
    fn operator_is_read_only_plus_every_write() {
        let read = actions(&policy(PolicyKind::ReadOnly, &[]).expect("a policy"));
        let operator = actions(&policy(PolicyKind::Operator, &[]).expect("a policy"));
        let every: Vec<String> = all().map(|p| p.action.to_string()).collect();
        for action in &every {
            assert!(operator.contains(action), "{action}");
        }
        assert!(read.iter().all(|a| operator.contains(a)));
        assert!(operator.contains(&"sqs:PurgeQueue".to_string()));
        assert!(operator.contains(&"sns:Publish".to_string()));
    }

    #[test]
    fn patterns_scope_resource_actions_per_service_and_leave_listings_on_star() {
        let patterns = vec![
            "arn:aws:sqs:us-east-1:123456789012:orders-*".to_string(),
            "arn:aws:sns:us-east-1:123456789012:orders".to_string(),
        ];
        let document = policy(PolicyKind::Operator, &patterns).expect("a policy");
        let find = |sid: &str| {
            document
                .statement
                .iter()
                .find(|s| s.sid == sid)
                .unwrap_or_else(|| panic!("{sid} in {document:?}"))
        };
        let sqs = find("SqsRead");
        assert_eq!(sqs.resource, serde_json::json!([patterns[0]]));
        assert!(sqs.action.contains(&"sqs:GetQueueAttributes".to_string()));
        let listing = find("SqsReadAnyResource");
        assert_eq!(listing.action, ["sqs:ListQueues"]);
        assert_eq!(listing.resource, serde_json::json!("*"));
        assert_eq!(find("SnsWrite").resource, serde_json::json!([patterns[1]]));
        // No Lambda pattern: Lambda stays as it was; metrics are never scoped.
        assert_eq!(find("LambdaRead").resource, serde_json::json!("*"));
        assert_eq!(find("CloudWatchRead").resource, serde_json::json!("*"));
    }

    #[test]
    fn a_pattern_that_is_not_a_queue_topic_or_function_arn_is_refused() {
        for bad in ["orders-*", "arn:aws:s3:::bucket", "arn:aws:sqs"] {
            let error = policy(PolicyKind::ReadOnly, &[bad.to_string()]).expect_err(bad);
            assert!(error.to_string().contains(bad), "{error}");
        }
        let lambda = "arn:aws:lambda:us-east-1:123456789012:function:orders-*".to_string();
        assert!(policy(PolicyKind::ReadOnly, &[lambda]).is_ok());
    }
}
