//! One error type for every AWS call, classified so that callers can decide what to do:
//! retry later (throttled), say "unavailable" (an emulator that lacks the call), or show it.

use aws_sdk_sqs::error::ProvideErrorMetadata;
use aws_smithy_runtime_api::client::result::SdkError;
use aws_smithy_runtime_api::http::Response;

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ApiError {
    #[error("throttled by AWS: {0}")]
    Throttled(String),
    #[error("access denied: {0}")]
    AccessDenied(String),
    #[error("not found: {0}")]
    NotFound(String),
    /// The endpoint does not implement this call (moto, older LocalStack).
    #[error("unavailable on this endpoint: {0}")]
    Unavailable(String),
    #[error("cannot reach the endpoint: {0}")]
    Connection(String),
    #[error("{0}")]
    Other(String),
}

impl ApiError {
    /// Classifies an SDK error by its AWS error code and HTTP status.
    pub fn from_sdk<E>(operation: &str, err: SdkError<E, Response>) -> ApiError
    where
        E: ProvideErrorMetadata + std::error::Error + Send + Sync + 'static,
    {
        let status = err.raw_response().map(|r| r.status().as_u16());
        match &err {
            SdkError::DispatchFailure(failure) => {
                return ApiError::Connection(format!(
                    "{operation}: {}",
                    describe_dispatch(failure)
                ));
            }
            SdkError::TimeoutError(_) => {
                return ApiError::Connection(format!("{operation}: timed out"));
            }
            _ => {}
        }
        let code = err.code().unwrap_or_default().to_string();
        let message = err.message().unwrap_or_default().to_string();
        let text = match (code.is_empty(), message.is_empty()) {
            (false, false) => format!("{operation}: {code}: {message}"),
            (false, true) => format!("{operation}: {code}"),
            (true, false) => format!("{operation}: {message}"),
            (true, true) => match status {
                Some(s) => format!("{operation}: HTTP {s}"),
                None => format!("{operation}: {}", error_chain(&err)),
            },
        };
        classify(&code, status, text)
    }
}

fn classify(code: &str, status: Option<u16>, text: String) -> ApiError {
    let lower = code.to_ascii_lowercase();
    if lower.contains("throttl")
        || lower.contains("requestlimitexceeded")
        || lower == "toomanyrequestsexception"
    {
        return ApiError::Throttled(text);
    }
    if lower.contains("accessdenied")
        || lower.contains("unauthorized")
        || lower == "authorizationerror"
    {
        return ApiError::AccessDenied(text);
    }
    if lower.contains("nonexistent")
        || lower.contains("notfound")
        || lower.contains("doesnotexist")
        || lower == "resourcenotfoundexception"
    {
        return ApiError::NotFound(text);
    }
    if lower.contains("notimplemented")
        || lower == "invalidaction"
        || lower == "unknownoperationexception"
        || matches!(status, Some(404) | Some(501))
        || (code.is_empty() && status == Some(500))
    {
        return ApiError::Unavailable(text);
    }
    ApiError::Other(text)
}

fn describe_dispatch<E: std::fmt::Debug>(failure: &E) -> String {
    let text = format!("{failure:?}");
    if text.contains("Connection refused") || text.contains("ConnectionRefused") {
        "connection refused".to_string()
    } else if text.contains("dns error") || text.contains("failed to lookup") {
        "cannot resolve the endpoint's host name".to_string()
    } else {
        "connection failed".to_string()
    }
}

/// The error and its sources on one line, since SDK errors hide the cause in the chain.
fn error_chain(err: &dyn std::error::Error) -> String {
    let mut text = err.to_string();
    let mut source = err.source();
    while let Some(inner) = source {
        text.push_str(": ");
        text.push_str(&inner.to_string());
        source = inner.source();
    }
    text
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn classifies_codes_and_statuses() {
        assert!(matches!(
            classify("ThrottlingException", Some(400), "t".into()),
            ApiError::Throttled(_)
        ));
        assert!(matches!(
            classify("RequestThrottled", Some(403), "t".into()),
            ApiError::Throttled(_)
        ));
        assert!(matches!(
            classify("AccessDeniedException", Some(403), "t".into()),
            ApiError::AccessDenied(_)
        ));
        assert!(matches!(
            classify(
                "AWS.SimpleQueueService.NonExistentQueue",
                Some(400),
                "t".into()
            ),
            ApiError::NotFound(_)
        ));
        assert!(matches!(
            classify("", Some(404), "t".into()),
            ApiError::Unavailable(_)
        ));
        assert!(matches!(
            classify("", Some(500), "t".into()),
            ApiError::Unavailable(_)
        ));
        assert!(matches!(
            classify("InternalError", Some(500), "t".into()),
            ApiError::Other(_)
        ));
    }
}
