//! Turning the global flags into an SDK configuration, with errors a person can act on.
//! Credentials and region come from aws-config's default chain (env, profiles, SSO, web
//! identity, ECS/EC2 roles); squall never loads credentials itself.

use std::time::Duration;

use aws_config::retry::RetryConfig;
use aws_config::timeout::TimeoutConfig;
use aws_config::{BehaviorVersion, Region, SdkConfig};
use aws_credential_types::provider::ProvideCredentials;

use super::ConnectionInfo;

/// What the user asked for on the command line (or in the environment).
#[derive(Debug, Clone, Default)]
pub struct ConnectOptions {
    pub profile: Option<String>,
    pub region: Option<String>,
    pub endpoint_url: Option<String>,
    pub max_attempts: u32,
}

#[derive(Debug, thiserror::Error)]
pub enum ConnectError {
    #[error("{}", no_region_text())]
    NoRegion,
    #[error("{}", no_credentials_text(.0))]
    NoCredentials(String),
}

/// Loads the SDK configuration and checks, before any view opens, that a region is set and
/// that credentials resolve, so the user sees one clear error instead of a wall of failures.
pub async fn connect(
    options: &ConnectOptions,
) -> Result<(SdkConfig, ConnectionInfo), ConnectError> {
    let mut loader = aws_config::defaults(BehaviorVersion::latest())
        // Adaptive: retries throttled calls with backoff and slows the client down while
        // AWS is throttling, which matters when describing thousands of queues.
        .retry_config(RetryConfig::adaptive().with_max_attempts(options.max_attempts.max(1)))
        .timeout_config(
            TimeoutConfig::builder()
                .connect_timeout(Duration::from_secs(5))
                .operation_attempt_timeout(Duration::from_secs(30))
                .build(),
        );
    if let Some(profile) = &options.profile {
        loader = loader.profile_name(profile);
    }
    if let Some(region) = &options.region {
        loader = loader.region(Region::new(region.clone()));
    }
    if let Some(endpoint) = &options.endpoint_url {
        loader = loader.endpoint_url(endpoint);
    }
    let config = loader.load().await;
    let region = config.region().ok_or(ConnectError::NoRegion)?.to_string();
    let provider = config
        .credentials_provider()
        .ok_or_else(|| ConnectError::NoCredentials("no credentials provider".to_string()))?;
    match tokio::time::timeout(Duration::from_secs(20), provider.provide_credentials()).await {
        Ok(Ok(_)) => {}
        Ok(Err(err)) => return Err(ConnectError::NoCredentials(one_line(&err))),
        Err(_) => {
            return Err(ConnectError::NoCredentials(
                "timed out while resolving credentials".to_string(),
            ));
        }
    }
    let info = ConnectionInfo {
        profile: options.profile.clone(),
        region,
        endpoint: options.endpoint_url.clone(),
        demo: false,
    };
    Ok((config, info))
}

fn one_line(err: &dyn std::error::Error) -> String {
    let mut text = err.to_string();
    let mut source = err.source();
    while let Some(inner) = source {
        let next = inner.to_string();
        if !text.contains(&next) {
            text.push_str(": ");
            text.push_str(&next);
        }
        source = inner.source();
    }
    text
}

fn no_region_text() -> String {
    "\
squall: no AWS region is configured.

Fix it with one of:
  --region us-east-1       choose the region on the command line
  AWS_REGION=us-east-1     or set it in the environment
  --profile NAME           use a profile whose config sets `region`
  --demo                   try squall on a simulated fleet, no AWS account needed"
        .to_string()
}

fn no_credentials_text(detail: &str) -> String {
    format!(
        "\
squall: no AWS credentials were found ({detail}).

Fix it with one of:
  --profile NAME           use a profile from ~/.aws/config or ~/.aws/credentials
  aws sso login --profile NAME
                           refresh an SSO session, then run squall again
  AWS_ACCESS_KEY_ID / AWS_SECRET_ACCESS_KEY
                           set keys in the environment (any value works for an emulator)
  --demo                   try squall on a simulated fleet, no AWS account needed"
    )
}
