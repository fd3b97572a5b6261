//! Who the credentials are: STS `GetCallerIdentity`, which needs no IAM permission (AWS
//! answers it for any valid credentials, even under an explicit deny), so it is the one call
//! that tells "wrong credentials" from "missing permissions".

use async_trait::async_trait;

use super::ApiError;

const OPERATION: &str = "GetCallerIdentity";

/// The caller as STS names it.
#[derive(Debug, Clone, Default, PartialEq, Eq, serde::Serialize)]
pub struct CallerIdentity {
    pub account: String,
    /// `arn:aws:sts::123456789012:assumed-role/oncall/alice`
    pub arn: String,
    pub user_id: String,
}

#[async_trait]
pub trait IdentitySource: Send + Sync {
    async fn caller_identity(&self) -> Result<CallerIdentity, ApiError>;
}

/// The default of a `Backend` given none (the simulated fleet has its own).
pub struct NoIdentity;

#[async_trait]
impl IdentitySource for NoIdentity {
    async fn caller_identity(&self) -> Result<CallerIdentity, ApiError> {
        Err(ApiError::unavailable(
            OPERATION,
            "no identity source on this connection",
        ))
    }
}

/// A fixed identity (the demo fleet's).
pub struct FixedIdentity(pub CallerIdentity);

#[async_trait]
impl IdentitySource for FixedIdentity {
    async fn caller_identity(&self) -> Result<CallerIdentity, ApiError> {
        Ok(self.0.clone())
    }
}

pub struct SdkIdentity {
    client: aws_sdk_sts::Client,
}

impl SdkIdentity {
    pub fn new(client: aws_sdk_sts::Client) -> SdkIdentity {
        SdkIdentity { client }
    }
}

#[async_trait]
impl IdentitySource for SdkIdentity {
    async fn caller_identity(&self) -> Result<CallerIdentity, ApiError> {
        let output = self
            .client
            .get_caller_identity()
            .send()
            .await
            .map_err(|e| ApiError::from_sdk(OPERATION, e))?;
        Ok(CallerIdentity {
            account: output.account().unwrap_or_default().to_string(),
            arn: output.arn().unwrap_or_default().to_string(),
            user_id: output.user_id().unwrap_or_default().to_string(),
        })
    }
}
