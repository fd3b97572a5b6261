//! The settings checks: each input alone, then every combination of flag and environment.

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
    assert!(matches!(&error, ConnectError::NoRegion(Some(cause)) if cause == "--region is empty"));
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

/// One input's state in the combinations: not given, given empty, usable, or malformed.
#[derive(Clone, Copy, Debug, PartialEq)]
enum Given {
    Absent,
    Empty,
    Good,
    Bad,
}

const STATES: [Given; 4] = [Given::Absent, Given::Empty, Given::Good, Given::Bad];

impl Given {
    /// The value a user would type; each input has its own bad value so an error's
    /// value shows which input it came from.
    fn value(self, good: &str, bad: &str) -> Option<String> {
        match self {
            Given::Absent => None,
            Given::Empty => Some(String::new()),
            Given::Good => Some(good.to_string()),
            Given::Bad => Some(bad.to_string()),
        }
    }
}

/// The inputs that choose a region, an endpoint and a profile, each in one state.
#[derive(Debug)]
struct Inputs {
    region_flag: Given,
    aws_region: Given,
    aws_default_region: Given,
    endpoint_flag: Given,
    aws_endpoint_url: Given,
    aws_endpoint_url_sqs: Given,
    profile_flag: Given,
    aws_profile: Given,
}

impl Inputs {
    fn env(&self) -> Vec<(&'static str, String)> {
        [
            ("AWS_REGION", self.aws_region.value("us-east-1", "us east")),
            (
                "AWS_DEFAULT_REGION",
                self.aws_default_region.value("eu-west-2", "EU-WEST-2"),
            ),
            (
                "AWS_ENDPOINT_URL",
                self.aws_endpoint_url
                    .value("http://127.0.0.1:4566", "ftp://x"),
            ),
            (
                "AWS_ENDPOINT_URL_SQS",
                self.aws_endpoint_url_sqs
                    .value("http://[::1]:4566", "localhost:1"),
            ),
            ("AWS_PROFILE", self.aws_profile.value("default", "gone")),
        ]
        .into_iter()
        .filter_map(|(name, value)| value.map(|value| (name, value)))
        .collect()
    }

    /// What clap hands over: a flag, or the variable it reads when the flag is absent
    /// (`--endpoint-url` and `--profile` read theirs, even when empty).
    fn options(&self, env: &[(&str, String)]) -> ConnectOptions {
        let from_env = |name: &str| {
            env.iter()
                .find(|(key, _)| *key == name)
                .map(|(_, value)| value.clone())
        };
        ConnectOptions {
            region: self.region_flag.value("eu-west-1", "eu_west_1"),
            endpoint_url: self
                .endpoint_flag
                .value("http://localhost:4566", "notaurl")
                .or_else(|| from_env("AWS_ENDPOINT_URL")),
            profile: self
                .profile_flag
                .value("prod-ops", "prod")
                .or_else(|| from_env("AWS_PROFILE")),
            max_attempts: 3,
        }
    }

    /// The first input in use that is wrong, in the order squall checks them (region,
    /// endpoints, profile), as (origin, empty?); `None` when all is well.
    fn expected_problem(&self) -> Option<(&'static str, bool)> {
        let region = [
            ("--region", self.region_flag),
            ("AWS_REGION", self.aws_region),
            ("AWS_DEFAULT_REGION", self.aws_default_region),
        ]
        .into_iter()
        .find(|(_, given)| *given != Given::Absent);
        // Both empty: the same value, and squall names the variable.
        let endpoint_origin = match (self.endpoint_flag, self.aws_endpoint_url) {
            (Given::Absent, _) | (Given::Empty, Given::Empty) => "AWS_ENDPOINT_URL",
            _ => "--endpoint-url",
        };
        let profile_origin = match (self.profile_flag, self.aws_profile) {
            (Given::Absent, _) | (Given::Empty, Given::Empty) => "AWS_PROFILE",
            _ => "--profile",
        };
        let profile_in_use = match self.profile_flag {
            Given::Absent => self.aws_profile,
            given => given,
        };
        let in_use = region.into_iter().chain([
            (endpoint_origin, self.endpoint_flag),
            ("AWS_ENDPOINT_URL", self.aws_endpoint_url),
            ("AWS_ENDPOINT_URL_SQS", self.aws_endpoint_url_sqs),
            (profile_origin, profile_in_use),
        ]);
        in_use
            .filter(|(_, given)| matches!(given, Given::Empty | Given::Bad))
            .map(|(origin, given)| (origin, given == Given::Empty))
            .next()
    }
}

#[test]
fn every_combination_of_flags_and_environment_is_checked() {
    let known = ["default".to_string(), "prod-ops".to_string()];
    let mut checked = 0;
    for region_flag in STATES {
        for aws_region in STATES {
            for aws_default_region in STATES {
                for endpoint_flag in STATES {
                    for aws_endpoint_url in STATES {
                        for aws_endpoint_url_sqs in STATES {
                            for profile_flag in STATES {
                                for aws_profile in STATES {
                                    let inputs = Inputs {
                                        region_flag,
                                        aws_region,
                                        aws_default_region,
                                        endpoint_flag,
                                        aws_endpoint_url,
                                        aws_endpoint_url_sqs,
                                        profile_flag,
                                        aws_profile,
                                    };
                                    check_combination(&inputs, &known);
                                    checked += 1;
                                }
                            }
                        }
                    }
                }
            }
        }
    }
    assert_eq!(checked, 4usize.pow(8));
}

fn check_combination(inputs: &Inputs, known: &[String]) {
    let env = inputs.env();
    let options = inputs.options(&env);
    let lookup = |name: &str| {
        env.iter()
            .find(|(key, _)| *key == name)
            .map(|(_, value)| value.clone())
    };
    let result =
        check_settings(&options, lookup).and_then(|()| check_profile(&options, lookup, known));
    match (inputs.expected_problem(), result) {
        (None, Ok(())) => {}
        (Some((origin, empty)), Err(error)) => {
            let text = error.to_string();
            let first_line = text.lines().next().unwrap_or_default();
            assert!(first_line.starts_with("squall: "), "{inputs:?}: {text}");
            assert!(
                first_line.contains(origin),
                "{inputs:?}: wanted {origin}: {text}"
            );
            let region_empty = matches!(error, ConnectError::NoRegion(_));
            if region_empty {
                assert!(empty, "{inputs:?}: {text}");
            } else {
                // Every other problem is one line; an empty value says it is empty.
                assert!(!text.contains('\n'), "{inputs:?}: {text}");
                assert_eq!(text.contains("empty"), empty, "{inputs:?}: {text}");
            }
        }
        (expected, result) => panic!("{inputs:?}: expected {expected:?}, got {result:?}"),
    }
}
