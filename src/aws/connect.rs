//! Turning the global flags into an SDK configuration, with errors a person can act on.
//! Credentials and region come from aws-config's default chain (env, profiles, SSO, web
//! identity, ECS/EC2 roles); squall never loads credentials itself.

use std::time::Duration;

use aws_config::retry::RetryConfig;
use aws_config::timeout::TimeoutConfig;
use aws_config::{BehaviorVersion, Region, SdkConfig};
use aws_credential_types::provider::ProvideCredentials;

use super::ConnectionInfo;
use super::settings_check::{ENDPOINT_VARIABLES, endpoint_problem, region_problem};
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
    #[error("{}", no_credentials_text(.0))]
    NoCredentials(String),
}

/// Checks the flags and the environment variables the SDK would read, before it reads them.
/// `env` looks a variable up (set but empty is `Some("")`).
pub fn check_settings(
    options: &ConnectOptions,
    env: impl Fn(&str) -> Option<String>,
) -> Result<(), ConnectError> {
    match &options.region {
        Some(region) if region.is_empty() => {
            return Err(ConnectError::NoRegion(Some("--region is empty".into())));
        }
        Some(region) => check_region("--region", region)?,
        None => {
            for variable in ["AWS_REGION", "AWS_DEFAULT_REGION"] {
                match env(variable) {
                    Some(region) if region.is_empty() => {
                        return Err(ConnectError::NoRegion(Some(format!("{variable} is empty"))));
                    }
                    // The first one set is the SDK's; the endpoints are checked after it.
                    Some(region) => {
                        check_region(variable, &region)?;
                        break;
                    }
                    None => {}
                }
            }
        }
    }
    // clap fills `endpoint_url` from AWS_ENDPOINT_URL too (unless it is empty): name the one
    // the value came from.
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
    check_settings(options, |name| {
        std::env::var_os(name).map(|v| v.to_string_lossy().into_owned())
    })?;
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
    if options.endpoint_url.is_none()
        && let Some(endpoint) = config.endpoint_url()
    {
        check_endpoint("the profile's endpoint_url", endpoint)?;
    }
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

/// Per-call backoff with jitter (see `RETRY_BASE`); at least one attempt.
fn retry_config(max_attempts: u32) -> RetryConfig {
    RetryConfig::standard()
        .with_max_attempts(max_attempts.max(1))
        .with_initial_backoff(RETRY_BASE)
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
mod tests {
    use super::*;

    fn options(region: Option<&str>, endpoint: Option<&str>) -> ConnectOptions {
        ConnectOptions {
            region: region.map(str::to_string),
            endpoint_url: endpoint.map(str::to_string),
            ..ConnectOptions::default()
        }
    }

    fn check(options: &ConnectOptions, env: &[(&str, &str)]) -> Result<(), ConnectError> {
        check_settings(options, |name| {
            env.iter()
                .find(|(key, _)| *key == name)
                .map(|(_, value)| value.to_string())
        })
    }

    #[test]
    fn calls_back_off_on_their_own_not_the_whole_client() {
        let retry = retry_config(5);
        assert_eq!(retry.mode(), aws_config::retry::RetryMode::Standard);
        assert_eq!(retry.max_attempts(), 5);
        assert_eq!(retry.initial_backoff(), Duration::from_millis(100));
        assert_eq!(retry_config(0).max_attempts(), 1);
    }

    #[test]
    fn good_flags_and_environment_pass() {
        let good = options(Some("eu-west-1"), Some("http://127.0.0.1:4566"));
        assert!(check(&good, &[("AWS_REGION", "us-east-1")]).is_ok());
        assert!(check(&options(None, None), &[]).is_ok());
    }

    #[test]
    fn an_empty_region_is_no_region_and_says_where() {
        let error = check(&options(Some(""), None), &[]).expect_err("empty --region");
        assert!(
            matches!(&error, ConnectError::NoRegion(Some(cause)) if cause == "--region is empty")
        );
        assert!(
            error
                .to_string()
                .starts_with("squall: no AWS region is configured (--region is empty).")
        );
        let error = check(&options(None, None), &[("AWS_REGION", "")]).expect_err("AWS_REGION=");
        assert!(
            error.to_string().contains("(AWS_REGION is empty)"),
            "{error}"
        );
    }

    #[test]
    fn a_malformed_region_names_its_origin_on_one_line() {
        let error = check(&options(Some("US-EAST-1"), None), &[]).expect_err("upper case");
        assert_eq!(
            error.to_string(),
            "squall: --region \"US-EAST-1\" is not an AWS region: region names are lower case \
             (did you mean us-east-1?)"
        );
        let error =
            check(&options(None, None), &[("AWS_DEFAULT_REGION", "eu west")]).expect_err("space");
        assert!(
            error
                .to_string()
                .starts_with("squall: AWS_DEFAULT_REGION \"eu west\"")
        );
        // The flag wins over the environment, as in the SDK.
        assert!(
            check(
                &options(Some("eu-west-1"), None),
                &[("AWS_REGION", "bad region")]
            )
            .is_ok()
        );
    }

    #[test]
    fn the_endpoint_shown_has_no_credentials() {
        let options = options(None, Some("http://ops:hunter2@127.0.0.1:4566"));
        let info = connection_info(&options, "us-east-1".into());
        assert_eq!(info.endpoint.as_deref(), Some("http://***@127.0.0.1:4566"));
    }

    #[test]
    fn a_bad_endpoint_is_shown_without_its_credentials() {
        for value in ["ftp://ops:hunter2@proxy", "ops:hunter2@localhost:4566"] {
            let error = check(&options(None, Some(value)), &[]).expect_err(value);
            assert!(!error.to_string().contains("hunter2"), "{error}");
            // A region from the environment does not skip the endpoint's check.
            let env = [("AWS_REGION", "us-east-1"), ("AWS_ENDPOINT_URL", value)];
            let error = check(&options(None, None), &env).expect_err(value);
            assert!(!error.to_string().contains("hunter2"), "{error}");
        }
    }

    #[test]
    fn a_bad_endpoint_names_its_origin_on_one_line() {
        let error = check(&options(None, Some("notaurl")), &[]).expect_err("not a URL");
        assert!(
            error.to_string().starts_with(
                "squall: --endpoint-url \"notaurl\" is not a usable endpoint URL: not a URL"
            ),
            "{error}"
        );
        let env = [("AWS_ENDPOINT_URL", "ftp://x")];
        let error = check(&options(None, Some("ftp://x")), &env).expect_err("scheme");
        assert!(
            error
                .to_string()
                .starts_with("squall: AWS_ENDPOINT_URL \"ftp://x\""),
            "{error}"
        );
        // Empty variables never reach clap, but the SDK reads them (and panicked on them).
        for variable in ENDPOINT_VARIABLES {
            let error = check(&options(None, None), &[(variable, "")]).expect_err(variable);
            assert!(
                error.to_string().contains(&format!("{variable} \"\"")),
                "{error}"
            );
            assert!(!error.to_string().contains('\n'), "{error}");
        }
    }
}
