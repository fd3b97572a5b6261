//! Checks the region and endpoint URL a user gave before the SDK sees them. Left to the
//! SDK, an empty endpoint URL panics, "notaurl" reads as a connection failure, and a
//! malformed region comes back as a paragraph about host labels on the first call.

/// Environment variables that point one of squall's services at another endpoint. The SDK
/// reads them itself, so they are checked like the flag; the credential services (STS for
/// assumed roles, SSO) too, since resolving credentials builds their clients.
pub const ENDPOINT_VARIABLES: [&str; 8] = [
    "AWS_ENDPOINT_URL",
    "AWS_ENDPOINT_URL_SQS",
    "AWS_ENDPOINT_URL_SNS",
    "AWS_ENDPOINT_URL_LAMBDA",
    "AWS_ENDPOINT_URL_CLOUDWATCH",
    "AWS_ENDPOINT_URL_STS",
    "AWS_ENDPOINT_URL_SSO",
    "AWS_ENDPOINT_URL_SSO_OIDC",
];

/// What is wrong with an endpoint URL, or `None` when it is usable: http or https, a host,
/// a valid port.
pub fn endpoint_problem(value: &str) -> Option<String> {
    const EXAMPLE: &str = "e.g. http://127.0.0.1:4566";
    if value.trim().is_empty() {
        return Some(format!(
            "it is empty; give a URL ({EXAMPLE}) or leave it out"
        ));
    }
    if value.trim() != value {
        return Some("it has spaces around it".to_string());
    }
    // The URL parser percent-encodes a control character in a path and accepts the rest,
    // but no usable endpoint has one (and the suggestion below would repeat it).
    if value.chars().any(char::is_control) {
        return Some(format!("it has a control character in it ({EXAMPLE})"));
    }
    // The suggestion repeats the value: only when it would be a usable URL (so never with
    // a control character in it).
    let missing_scheme = || {
        let suggestion = format!("http://{value}");
        Some(if endpoint_problem(&suggestion).is_none() {
            format!("not a URL: it needs http:// or https:// in front (did you mean {suggestion}?)")
        } else {
            "not a URL: it needs http:// or https:// in front".to_string()
        })
    };
    let url = match url::Url::parse(value) {
        Ok(url) => url,
        Err(url::ParseError::RelativeUrlWithoutBase) if !value.contains("://") => {
            return if value.contains(['.', ':']) || value == "localhost" {
                missing_scheme()
            } else {
                Some(format!("not a URL ({EXAMPLE})"))
            };
        }
        Err(err) => return Some(format!("not a URL: {err}")),
    };
    match url.scheme() {
        "http" | "https" => {}
        // `localhost:4566` parses as scheme "localhost".
        _ if !value.contains("://") => return missing_scheme(),
        other => {
            return Some(format!(
                "unsupported scheme {other:?}: only http and https ({EXAMPLE})"
            ));
        }
    }
    if url.host_str().is_none_or(str::is_empty) {
        return Some(format!("it has no host ({EXAMPLE})"));
    }
    None
}

/// What is wrong with a region name, or `None` when it has the shape of one: lower-case
/// letters, digits and hyphens, like `us-east-1` (what the SDK accepts in a host name).
pub fn region_problem(value: &str) -> Option<String> {
    const EXAMPLE: &str = "e.g. us-east-1 or eu-west-1";
    if value.is_empty() {
        return Some("it is empty".to_string());
    }
    if value.len() > 63 {
        return Some("it is too long for a region name".to_string());
    }
    if value.chars().any(|c| c.is_ascii_uppercase())
        && region_problem(&value.to_ascii_lowercase()).is_none()
    {
        return Some(format!(
            "region names are lower case (did you mean {}?)",
            value.to_ascii_lowercase()
        ));
    }
    let allowed = |c: char| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-';
    if !value.chars().all(allowed) || value.starts_with('-') || value.ends_with('-') {
        return Some(format!(
            "a region name has only lower-case letters, digits and hyphens ({EXAMPLE})"
        ));
    }
    None
}

/// What is wrong with a profile name, or `None` when the AWS config files hold it. The SDK
/// would quietly fall back to other sources and blame the region or the credentials.
pub fn profile_problem(value: &str, known: &[String]) -> Option<String> {
    if value.is_empty() {
        return Some("it is empty; name a profile or leave it out".to_string());
    }
    if known.iter().any(|name| name == value) {
        return None;
    }
    if known.is_empty() {
        return Some(
            "the AWS config files (~/.aws/config, ~/.aws/credentials) hold no profiles".to_string(),
        );
    }
    const SHOWN: usize = 8;
    let mut list = known
        .iter()
        .take(SHOWN)
        .cloned()
        .collect::<Vec<_>>()
        .join(", ");
    if known.len() > SHOWN {
        list.push_str(&format!(" and {} more", known.len() - SHOWN));
    }
    Some(format!(
        "no such profile in the AWS config files (known: {list})"
    ))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn usable_endpoints_pass() {
        for value in [
            "http://127.0.0.1:4566",
            "https://sqs.eu-west-1.amazonaws.com",
            "http://localhost:5000/",
            "HTTP://LOCALHOST:4566",
            "https://vpce-1a2b.sqs.us-east-1.vpce.amazonaws.com",
        ] {
            assert_eq!(endpoint_problem(value), None, "{value}");
        }
    }

    #[test]
    fn unusable_endpoints_say_why() {
        let problem = |value: &str| endpoint_problem(value).unwrap_or_default();
        assert!(problem("").contains("empty"));
        assert!(problem("   ").contains("empty"));
        assert!(problem("notaurl").starts_with("not a URL"));
        assert!(problem("ftp://example.com").contains("unsupported scheme \"ftp\""));
        assert!(problem("localhost:4566").contains("did you mean http://localhost:4566?"));
        assert!(problem("127.0.0.1:4566").contains("did you mean http://127.0.0.1:4566?"));
        // Found by the settings proptest: the parser accepted it once a scheme was added.
        let control = problem("-/\u{1}127.0.0.1");
        assert!(control.contains("control character"), "{control}");
        assert!(!control.chars().any(char::is_control), "{control:?}");
        assert!(problem("http://").contains("not a URL"));
        assert!(problem("http://host:99999").contains("not a URL"));
        assert!(problem(" http://localhost:4566").contains("spaces"));
        assert_eq!(
            problem("127.0.0.1\u{1b}[2J"),
            "it has a control character in it (e.g. http://127.0.0.1:4566)"
        );
    }

    #[test]
    fn profiles_must_exist_in_the_config_files() {
        let known = ["default".to_string(), "prod-ops".to_string()];
        assert_eq!(profile_problem("prod-ops", &known), None);
        let problem =
            |value: &str, known: &[String]| profile_problem(value, known).unwrap_or_default();
        assert!(problem("", &known).contains("empty"));
        assert_eq!(
            problem("prod", &known),
            "no such profile in the AWS config files (known: default, prod-ops)"
        );
        assert!(problem("prod", &[]).contains("hold no profiles"));
        let many: Vec<String> = (0..10).map(|i| format!("p{i}")).collect();
        assert!(problem("x", &many).ends_with("p7 and 2 more)"));
    }

    #[test]
    fn region_shaped_names_pass() {
        for value in [
            "us-east-1",
            "eu-west-2",
            "us-gov-west-1",
            "cn-north-1",
            "local",
        ] {
            assert_eq!(region_problem(value), None, "{value}");
        }
    }

    #[test]
    fn malformed_regions_say_why() {
        let problem = |value: &str| region_problem(value).unwrap_or_default();
        assert!(problem("").contains("empty"));
        assert!(problem("US-EAST-1").contains("did you mean us-east-1?"));
        assert!(problem("us east 1").contains("only lower-case letters"));
        assert!(problem("us-east-1 ").contains("only lower-case letters"));
        assert!(problem("-us").contains("only lower-case letters"));
        assert!(problem(&"a".repeat(64)).contains("too long"));
    }
}
