//! Reading a Lambda execution role's identity policies (IAM), for one doctor rule: may the
//! role write to the function's DLQ or on-failure destination? Inline policies
//! (`ListRolePolicies`, `GetRolePolicy`) and attached managed ones (`ListAttachedRolePolicies`,
//! `GetPolicy` for the default version, `GetPolicyVersion`). IAM returns documents
//! URL-encoded; they come back here decoded. Any call refused or failing makes the whole
//! reading fail: a rule must never judge half a role.

use async_trait::async_trait;
use aws_sdk_iam::Client;

use super::ApiError;
use super::permissions::{Access, Capability, Permission};

/// The IAM reads, one role at a time; roles are not in the resource patterns squall scopes
/// its policies to, so they stay on `"*"`.
pub const PERMISSIONS: &[Permission] = &[
    Permission::new(
        "ListRolePolicies",
        "iam:ListRolePolicies",
        Capability::LambdaConsumers,
        Access::Read,
        false,
    ),
    Permission::new(
        "GetRolePolicy",
        "iam:GetRolePolicy",
        Capability::LambdaConsumers,
        Access::Read,
        false,
    ),
    Permission::new(
        "ListAttachedRolePolicies",
        "iam:ListAttachedRolePolicies",
        Capability::LambdaConsumers,
        Access::Read,
        false,
    ),
    Permission::new(
        "GetPolicy",
        "iam:GetPolicy",
        Capability::LambdaConsumers,
        Access::Read,
        false,
    ),
    Permission::new(
        "GetPolicyVersion",
        "iam:GetPolicyVersion",
        Capability::LambdaConsumers,
        Access::Read,
        false,
    ),
];

/// The capability: every identity policy document of a role.
#[async_trait]
pub trait RolePolicies: Send + Sync {
    /// The JSON documents of the role's inline and attached managed policies (`role_arn`
    /// may carry a path: the name is its last segment).
    async fn role_policy_documents(&self, role_arn: &str) -> Result<Vec<String>, ApiError>;
}

/// A backend that cannot read IAM: every role is unreadable, so no rule judges one.
pub struct NoRolePolicies;

#[async_trait]
impl RolePolicies for NoRolePolicies {
    async fn role_policy_documents(&self, role_arn: &str) -> Result<Vec<String>, ApiError> {
        Err(ApiError::unavailable(
            "ListRolePolicies",
            format!("this backend cannot read the policies of {role_arn}"),
        ))
    }
}

/// The role's name: the last segment of `arn:aws:iam::ACCOUNT:role/PATH/NAME`.
pub fn role_name(role_arn: &str) -> &str {
    role_arn.rsplit('/').next().unwrap_or(role_arn)
}

/// IAM's policy documents are URL-encoded (RFC 3986); an unencoded one passes unchanged.
pub fn decode_document(text: &str) -> String {
    percent_encoding::percent_decode_str(text)
        .decode_utf8_lossy()
        .into_owned()
}

pub struct SdkRoles {
    client: Client,
}

impl SdkRoles {
    pub fn new(client: Client) -> SdkRoles {
        SdkRoles { client }
    }

    async fn inline_documents(&self, role: &str) -> Result<Vec<String>, ApiError> {
        let mut names = Vec::new();
        let mut marker = None;
        loop {
            let page = self
                .client
                .list_role_policies()
                .role_name(role)
                .set_marker(marker)
                .send()
                .await
                .map_err(|e| ApiError::from_sdk("ListRolePolicies", e))?;
            names.extend(page.policy_names);
            match page.marker.filter(|_| page.is_truncated) {
                Some(next) => marker = Some(next),
                None => break,
            }
        }
        let mut documents = Vec::new();
        for name in names {
            let policy = self
                .client
                .get_role_policy()
                .role_name(role)
                .policy_name(&name)
                .send()
                .await
                .map_err(|e| ApiError::from_sdk("GetRolePolicy", e))?;
            documents.push(decode_document(&policy.policy_document));
        }
        Ok(documents)
    }

    async fn attached_documents(&self, role: &str) -> Result<Vec<String>, ApiError> {
        let mut arns = Vec::new();
        let mut marker = None;
        loop {
            let page = self
                .client
                .list_attached_role_policies()
                .role_name(role)
                .set_marker(marker)
                .send()
                .await
                .map_err(|e| ApiError::from_sdk("ListAttachedRolePolicies", e))?;
            arns.extend(
                page.attached_policies
                    .unwrap_or_default()
                    .into_iter()
                    .filter_map(|p| p.policy_arn),
            );
            match page.marker.filter(|_| page.is_truncated) {
                Some(next) => marker = Some(next),
                None => break,
            }
        }
        let mut documents = Vec::new();
        for arn in arns {
            documents.push(self.managed_document(&arn).await?);
        }
        Ok(documents)
    }

    /// The default version's document of a managed policy.
    async fn managed_document(&self, policy_arn: &str) -> Result<String, ApiError> {
        let policy = self
            .client
            .get_policy()
            .policy_arn(policy_arn)
            .send()
            .await
            .map_err(|e| ApiError::from_sdk("GetPolicy", e))?;
        let version = policy
            .policy
            .and_then(|p| p.default_version_id)
            .ok_or_else(|| {
                ApiError::unavailable("GetPolicy", format!("{policy_arn} has no default version"))
            })?;
        let answer = self
            .client
            .get_policy_version()
            .policy_arn(policy_arn)
            .version_id(version)
            .send()
            .await
            .map_err(|e| ApiError::from_sdk("GetPolicyVersion", e))?;
        answer
            .policy_version
            .and_then(|v| v.document)
            .map(|d| decode_document(&d))
            .ok_or_else(|| {
                ApiError::unavailable("GetPolicyVersion", format!("{policy_arn}: no document"))
            })
    }
}

#[async_trait]
impl RolePolicies for SdkRoles {
    async fn role_policy_documents(&self, role_arn: &str) -> Result<Vec<String>, ApiError> {
        let role = role_name(role_arn);
        let mut documents = self.inline_documents(role).await?;
        documents.extend(self.attached_documents(role).await?);
        Ok(documents)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn role_names_drop_the_path_and_documents_are_decoded() {
        assert_eq!(
            role_name("arn:aws:iam::1:role/service/notify-role"),
            "notify-role"
        );
        assert_eq!(role_name("arn:aws:iam::1:role/notify-role"), "notify-role");
        assert_eq!(
            decode_document("%7B%22Version%22%3A%222012-10-17%22%7D"),
            r#"{"Version":"2012-10-17"}"#
        );
        assert_eq!(decode_document(r#"{"a":"b c"}"#), r#"{"a":"b c"}"#);
    }
}
