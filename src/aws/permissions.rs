//! The IAM permissions squall needs, as data. Each SDK implementation declares, next to its
//! calls, a `PERMISSIONS` list: for every AWS operation it calls, the IAM action that
//! authorises it, the capability it serves and how much it may change. Everything else is
//! derived from those lists: the IAM policies (`squall iam-policy`, `config/iam/*.json`),
//! the capability names `squall whoami` reports, and the hint an AccessDenied carries.

/// What a user can do with squall, as `whoami` reports it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, serde::Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Capability {
    Queues,
    Topics,
    LambdaConsumers,
    Metrics,
    Alarms,
    Logs,
    Peek,
    MoveTasks,
    Send,
    Delete,
    Purge,
    Publish,
}

impl Capability {
    pub const ALL: [Capability; 12] = [
        Capability::Queues,
        Capability::Topics,
        Capability::LambdaConsumers,
        Capability::Metrics,
        Capability::Alarms,
        Capability::Logs,
        Capability::Peek,
        Capability::MoveTasks,
        Capability::Send,
        Capability::Delete,
        Capability::Purge,
        Capability::Publish,
    ];

    /// What the capability is to a user: "Lambda consumers".
    pub fn label(self) -> &'static str {
        match self {
            Capability::Queues => "SQS queues",
            Capability::Topics => "SNS topics and subscriptions",
            Capability::LambdaConsumers => "Lambda consumers",
            Capability::Metrics => "CloudWatch metrics",
            Capability::Alarms => "CloudWatch alarms",
            Capability::Logs => "CloudWatch Logs",
            Capability::Peek => "peek and export (receive)",
            Capability::MoveTasks => "native redrive (move tasks)",
            Capability::Send => "send",
            Capability::Delete => "delete (manual redrive)",
            Capability::Purge => "purge",
            Capability::Publish => "publish",
        }
    }

    /// Every permission this capability needs.
    pub fn permissions(self) -> impl Iterator<Item = &'static Permission> {
        all().filter(move |p| p.capability == self)
    }
}

/// How much an action may change, which decides the policy it belongs to.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Access {
    /// Lists and describes: changes nothing.
    Read,
    /// Receive and change visibility, which peek and export need: no message is changed or
    /// deleted, but each receive counts toward `maxReceiveCount` and hides the message for
    /// the visibility timeout. In the read-only policy, in a statement of its own.
    Receive,
    /// Sends, publishes, deletes, purges, moves: only in the operator policy.
    Write,
}

/// One AWS operation squall calls and the IAM action that authorises it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Permission {
    /// The API operation, as `ApiError::operation` names it (`DeleteMessageBatch`).
    pub operation: &'static str,
    /// The IAM action (`sqs:DeleteMessage`: batch calls are authorised as single ones).
    pub action: &'static str,
    pub capability: Capability,
    pub access: Access,
    /// Whether IAM can limit the action to queue, topic or function ARNs; listings cannot
    /// (they have no resource before they run) and stay on `"*"` in a scoped policy.
    pub resource_level: bool,
}

impl Permission {
    /// A row of a `PERMISSIONS` list: operation, IAM action, capability, access, whether
    /// the action can be limited to resource ARNs.
    pub const fn new(
        operation: &'static str,
        action: &'static str,
        capability: Capability,
        access: Access,
        resource_level: bool,
    ) -> Permission {
        Permission {
            operation,
            action,
            capability,
            access,
            resource_level,
        }
    }
}

/// Every operation squall calls, from each SDK implementation's own list.
pub fn all() -> impl Iterator<Item = &'static Permission> {
    super::sqs::PERMISSIONS
        .iter()
        .chain(super::sqs_messages::PERMISSIONS)
        .chain(super::sns::PERMISSIONS)
        .chain(super::lambda::PERMISSIONS)
        .chain(super::cloudwatch::PERMISSIONS)
        .chain(super::alarms::PERMISSIONS)
        .chain(super::logs::PERMISSIONS)
        .chain(super::roles::PERMISSIONS)
}

/// The permission behind an API operation (`ApiError::operation`).
pub fn for_operation(operation: &str) -> Option<&'static Permission> {
    all().find(|p| p.operation == operation)
}

/// Whether the read-only policy allows `action` (receive and change visibility included).
pub fn read_only_allows(action: &str) -> bool {
    all().any(|p| p.action == action && p.access != Access::Write)
}

/// `sts:GetCallerIdentity` (whoami) needs no permission: AWS answers it for any valid
/// credentials, even under an explicit deny.
pub const CALLER_IDENTITY: &str = "sts:GetCallerIdentity";

/// What to tell the user about an access denied on `operation` (with the AWS error code):
/// the action it lacked and where the policy is.
pub fn access_denied_hint(operation: &str, code: Option<&str>) -> String {
    if code.is_some_and(|c| c.starts_with("KMS.")) {
        return "the queue's KMS key refused: receiving needs kms:Decrypt and sending \
                kms:GenerateDataKey on that key (its key policy or IAM)"
            .to_string();
    }
    match for_operation(operation) {
        Some(permission) => format!(
            "needs {}; see `squall iam-policy{}`",
            permission.action,
            if permission.access == Access::Write {
                " --operator"
            } else {
                ""
            }
        ),
        None => "see `squall iam-policy`".to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_operation_is_listed_once_with_a_service_prefixed_action() {
        let mut seen = std::collections::BTreeSet::new();
        for permission in all() {
            assert!(seen.insert(permission.operation), "{permission:?} twice");
            let (service, name) = permission.action.split_once(':').expect("service:Action");
            assert!(
                ["sqs", "sns", "lambda", "cloudwatch", "logs", "iam"].contains(&service),
                "{permission:?}"
            );
            assert!(
                !name.ends_with("Batch"),
                "IAM knows no batch action: {permission:?}"
            );
        }
    }

    #[test]
    fn every_capability_needs_something() {
        for capability in Capability::ALL {
            assert!(capability.permissions().next().is_some(), "{capability:?}");
        }
    }

    /// The calls each SDK file makes (`ApiError::from_sdk("X"` or its `OPERATION`) are in
    /// that file's list: a new call without its permission fails here, before the proxy
    /// test sees it.
    #[test]
    fn every_call_in_the_sdk_files_is_listed() {
        let files = [
            ("sqs.rs", include_str!("sqs.rs")),
            ("sqs_messages.rs", include_str!("sqs_messages.rs")),
            ("sns.rs", include_str!("sns.rs")),
            ("lambda.rs", include_str!("lambda.rs")),
            ("cloudwatch.rs", include_str!("cloudwatch.rs")),
            ("alarms.rs", include_str!("alarms.rs")),
            ("logs.rs", include_str!("logs.rs")),
            ("roles.rs", include_str!("roles.rs")),
        ];
        for (file, text) in files {
            for marker in ["from_sdk(\"", "OPERATION: &str = \""] {
                for piece in text.split(marker).skip(1) {
                    let operation = piece.split('"').next().unwrap_or_default();
                    assert!(
                        for_operation(operation).is_some(),
                        "{file} calls {operation}, which no PERMISSIONS list names"
                    );
                }
            }
        }
    }

    #[test]
    fn hints_name_the_action_and_the_policy() {
        assert_eq!(
            access_denied_hint("DeleteMessageBatch", Some("AccessDenied")),
            "needs sqs:DeleteMessage; see `squall iam-policy --operator`"
        );
        assert_eq!(
            access_denied_hint("ListFunctions", Some("AccessDeniedException")),
            "needs lambda:ListFunctions; see `squall iam-policy`"
        );
        assert!(
            access_denied_hint("ReceiveMessage", Some("KMS.AccessDeniedException"))
                .contains("kms:Decrypt")
        );
        assert_eq!(
            access_denied_hint("SomethingNew", None),
            "see `squall iam-policy`"
        );
    }

    #[test]
    fn read_only_allows_receive_but_not_writes() {
        assert!(read_only_allows("sqs:ReceiveMessage"));
        assert!(read_only_allows("sqs:ListQueues"));
        assert!(!read_only_allows("sqs:DeleteMessage"));
        assert!(!read_only_allows("sns:Publish"));
    }
}
