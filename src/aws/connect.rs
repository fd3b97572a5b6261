//! Turning the global flags into an SDK configuration, with errors a person can act on.
//! Credentials and region come from aws-config's default chain (env, profiles, SSO, web
//! identity, ECS/EC2 roles); squall never loads credentials itself.

use std::time::Duration;

use aws_config::retry::RetryConfig;
use aws_config::timeout::TimeoutConfig;
use aws_config::{BehaviorVersion, Region, SdkConfig};
use aws_credential_types::provider::ProvideCredentials;

use super::ConnectionInfo;
use aws_runtime::env_config::file::EnvConfigFiles;
use aws_types::os_shim_internal::{Env, Fs};
use aws_types::service_config::ServiceConfigKey;

use super::settings_check::{
    ENDPOINT_VARIABLES, endpoint_problem, profile_problem, region_problem,
};
use crate::domain::redact::{self, url_credentials};

/// First backoff of the standard retry mode; later ones double (100, 200, 400, 800 ms for
/// five attempts), each drawn at random below that bound (full jitter), per call.
///
/// Standard, not adaptive: adaptive's client-side rate limiter slows every call of the
/// client while any is throttled (689 s instead of 16 s for 1,000 queues with 30% of
/// responses throttled). A call waiting out its backoff keeps its place in the bounded
/// describe pool, so the request rate drops while AWS throttles and recovers as soon as it
/// stops; the SDK's retry quota stops retrying when most calls fail. The SDK's default base
/// is 1 s, which with 16 describes in flight made a 1,000-queue listing 5x slower at 30%
/// throttled (benches/inventory.rs: 26.7 s vs 5.2 s); at 100 ms it is about 1x (6.8 s vs
/// 7.2 s), and whatever still fails is described once more at the end of the load.
const RETRY_BASE: Duration = Duration::from_millis(100);

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
    /// No region anywhere, or an empty one (`--region ''`, `AWS_REGION=`): the cause, if known.
    #[error("{}", no_region_text(.0.as_deref()))]
    NoRegion(Option<String>),
    /// `origin` names where the value came from: `--region`, `AWS_REGION`, ...
    #[error("squall: {origin} {value:?} is not an AWS region: {problem}")]
    BadRegion {
        origin: String,
        value: String,
        problem: String,
    },
    #[error("squall: {origin} {value:?} is not a usable endpoint URL: {problem}")]
    BadEndpoint {
        origin: String,
        value: String,
        problem: String,
    },
    #[error("squall: {origin} {value:?} is not a usable profile: {problem}")]
    BadProfile {
        origin: String,
        value: String,
        problem: String,
    },
    #[error("squall: the AWS config files are unusable: {0}")]
    BadConfigFile(String),
    #[error("{}", no_credentials_text(.0))]
    NoCredentials(String),
}

/// Checks the region and endpoint settings (flags and the environment variables the SDK
/// reads) before the SDK sees them: all of them, not only the first one found (a valid
/// region says nothing about the endpoint). `env` looks a variable up (set but empty is
/// `Some("")`).
pub fn check_settings(
    options: &ConnectOptions,
    env: impl Fn(&str) -> Option<String>,
) -> Result<(), ConnectError> {
    check_region_settings(options, &env)?;
    check_endpoint_settings(options, &env)
}

/// The profile in use must be in the config files (`known`): the flag, which clap fills
/// from `AWS_PROFILE` too, or `AWS_PROFILE` itself (the SDK reads it as well).
pub fn check_profile(
    options: &ConnectOptions,
    env: impl Fn(&str) -> Option<String>,
    known: &[String],
) -> Result<(), ConnectError> {
    let from_env = env("AWS_PROFILE");
    let (origin, value) = match &options.profile {
        Some(profile) if from_env.as_ref() == Some(profile) => ("AWS_PROFILE", profile.clone()),
        Some(profile) => ("--profile", profile.clone()),
        None => match from_env {
            Some(empty) if empty.is_empty() => ("AWS_PROFILE", empty),
            _ => return Ok(()),
        },
    };
    match profile_problem(&value, known) {
        None => Ok(()),
        Some(problem) => Err(ConnectError::BadProfile {
            origin: origin.to_string(),
            value,
            problem,
        }),
    }
}

/// The region flag wins over the environment, as in the SDK, so only the one in use is
/// checked: `AWS_REGION`, then `AWS_DEFAULT_REGION`.
fn check_region_settings(
    options: &ConnectOptions,
    env: &impl Fn(&str) -> Option<String>,
) -> Result<(), ConnectError> {
    let (origin, region) = match &options.region {
        Some(region) => ("--region".to_string(), region.clone()),
        None => match ["AWS_REGION", "AWS_DEFAULT_REGION"]
            .into_iter()
            .find_map(|variable| env(variable).map(|value| (variable.to_string(), value)))
        {
            Some(found) => found,
            None => return Ok(()),
        },
    };
    if region.is_empty() {
        return Err(ConnectError::NoRegion(Some(format!("{origin} is empty"))));
    }
    check_region(&origin, &region)
}

/// The flag and every endpoint variable: the SDK reads each of them, the flag or not.
fn check_endpoint_settings(
    options: &ConnectOptions,
    env: &impl Fn(&str) -> Option<String>,
) -> Result<(), ConnectError> {
    // clap fills `endpoint_url` from AWS_ENDPOINT_URL too: name the one the value came from.
    if let Some(endpoint) = &options.endpoint_url {
        let origin = if env("AWS_ENDPOINT_URL").as_ref() == Some(endpoint) {
            "AWS_ENDPOINT_URL"
        } else {
            "--endpoint-url"
        };
        check_endpoint(origin, endpoint)?;
    }
    for variable in ENDPOINT_VARIABLES {
        if let Some(endpoint) = env(variable) {
            check_endpoint(variable, &endpoint)?;
        }
    }
    Ok(())
}

fn check_region(origin: &str, value: &str) -> Result<(), ConnectError> {
    match region_problem(value) {
        None => Ok(()),
        Some(problem) => Err(ConnectError::BadRegion {
            origin: origin.to_string(),
            value: value.to_string(),
            problem,
        }),
    }
}

fn check_endpoint(origin: &str, value: &str) -> Result<(), ConnectError> {
    match endpoint_problem(value) {
        None => Ok(()),
        Some(problem) => Err(ConnectError::BadEndpoint {
            origin: origin.to_string(),
            value: redact::endpoint(value).into_owned(),
            problem: url_credentials(&problem).into_owned(),
        }),
    }
}

/// Loads the SDK configuration and checks, before any view opens, that a region is set and
/// that credentials resolve, so the user sees one clear error instead of a wall of failures.
pub async fn connect(
    options: &ConnectOptions,
) -> Result<(SdkConfig, ConnectionInfo), ConnectError> {
    let env = |name: &str| std::env::var_os(name).map(|v| v.to_string_lossy().into_owned());
    check_settings(options, env)?;
    // The SDK would skip a file it cannot parse and then blame the region or credentials.
    let profiles =
        aws_config::profile::load(&Fs::real(), &Env::real(), &EnvConfigFiles::default(), None)
            .await
            .map_err(|err| ConnectError::BadConfigFile(one_line(&err)))?;
    let mut known: Vec<String> = profiles.profiles().map(str::to_string).collect();
    known.sort();
    check_profile(options, env, &known)?;
    let mut loader = aws_config::defaults(BehaviorVersion::latest())
        .retry_config(retry_config(options.max_attempts))
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
    // The region and endpoint may also come from the profile.
    let region = config
        .region()
        .map(ToString::to_string)
        .filter(|r| !r.is_empty())
        .ok_or(ConnectError::NoRegion(None))?;
    check_region("the configured region", &region)?;
    check_service_endpoints(&config)?;
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
    Ok((config, connection_info(options, region)))
}

/// What the status bar shows of a connection: never the credentials a URL can carry.
fn connection_info(options: &ConnectOptions, region: String) -> ConnectionInfo {
    ConnectionInfo {
        profile: options.profile.clone(),
        region,
        endpoint: options
            .endpoint_url
            .as_deref()
            .map(|url| redact::endpoint(url).into_owned()),
        demo: false,
    }
}

/// The endpoint each service client will read from the profile (`endpoint_url`, or a
/// `[services]` section) or the environment: the SDK panics on an empty one.
fn check_service_endpoints(config: &SdkConfig) -> Result<(), ConnectError> {
    if let Some(endpoint) = config.endpoint_url() {
        check_endpoint("the profile's endpoint_url", endpoint)?;
    }
    let Some(service_config) = config.service_config() else {
        return Ok(());
    };
    for service in ["SQS", "SNS", "Lambda", "CloudWatch"] {
        let Ok(key) = ServiceConfigKey::builder()
            .service_id(service)
            .env("AWS_ENDPOINT_URL")
            .profile("endpoint_url")
            .build()
        else {
            continue;
        };
        if let Some(endpoint) = service_config.load_config(key) {
            check_endpoint(
                &format!("the profile's endpoint_url for {service}"),
                &endpoint,
            )?;
        }
    }
    Ok(())
}

/// Per-call backoff with jitter (see `RETRY_BASE`); at least one attempt.
fn retry_config(max_attempts: u32) -> RetryConfig {
    RetryConfig::standard()
        .with_max_attempts(max_attempts.max(1))
        .with_initial_backoff(RETRY_BASE)
}

/// The error chain on one line, white space folded.
fn one_line(err: &dyn std::error::Error) -> String {
    super::error::chain_with(err, |text| {
        text.split_whitespace().collect::<Vec<_>>().join(" ")
    })
}

fn no_region_text(cause: Option<&str>) -> String {
    let cause = cause.map(|c| format!(" ({c})")).unwrap_or_default();
    format!(
        "\
squall: no AWS region is configured{cause}.

Fix it with one of:
  --region us-east-1       choose the region on the command line
  AWS_REGION=us-east-1     or set it in the environment
  --profile NAME           use a profile whose config sets `region`
  --demo                   try squall on a simulated fleet, no AWS account needed"
    )
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

#[cfg(test)]
mod tests;
