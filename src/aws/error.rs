//! One error type for every AWS call. It says which operation failed, the AWS error code
//! and HTTP status when there were any, what kind of failure it was, and whether trying
//! again may help, so that callers can decide: retry (throttled, 5xx, timeouts), say
//! "unavailable" (an endpoint that does not implement the call), or show it.

use aws_sdk_sqs::error::ProvideErrorMetadata;
use aws_smithy_runtime_api::client::result::SdkError;
use aws_smithy_runtime_api::http::Response;

/// What went wrong, in the terms a caller acts on. Serialized in snake_case
/// (`"throttled"`, `"access_denied"`) for the JSON the CLI prints about failures.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, serde::Serialize)]
#[serde(rename_all = "snake_case")]
pub enum ErrorKind {
    /// AWS asked us to slow down. Retryable.
    Throttled,
    AccessDenied,
    NotFound,
    /// The endpoint does not implement this operation (moto's move tasks, a protocol the
    /// endpoint does not speak). Not retryable: asking again gives the same answer.
    Unavailable,
    /// No answer: connection refused, DNS, TLS. Retryable.
    Connection,
    /// The call or one attempt timed out. Retryable.
    Timeout,
    /// The service failed (HTTP 5xx). Retryable.
    Server,
    /// A response came back but could not be parsed.
    Parse,
    /// The request was refused as invalid (HTTP 4xx that is none of the above).
    Client,
}

impl ErrorKind {
    fn describe(self) -> &'static str {
        match self {
            ErrorKind::Throttled => "throttled by AWS",
            ErrorKind::AccessDenied => "access denied",
            ErrorKind::NotFound => "not found",
            ErrorKind::Unavailable => "unavailable on this endpoint",
            ErrorKind::Connection => "cannot reach the endpoint",
            ErrorKind::Timeout => "timed out",
            ErrorKind::Server => "server error",
            ErrorKind::Parse => "unparseable response",
            ErrorKind::Client => "request refused",
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct ApiError {
    pub kind: ErrorKind,
    /// The AWS operation, e.g. `GetQueueAttributes`.
    pub operation: String,
    /// The AWS error code, e.g. `AWS.SimpleQueueService.NonExistentQueue`.
    pub code: Option<String>,
    pub status: Option<u16>,
    /// The service's message or what the client saw; may be empty.
    pub message: String,
}

impl std::fmt::Display for ApiError {
    /// `GetQueueAttributes: throttled by AWS (ThrottlingException, HTTP 400): Rate exceeded`
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}: {}", self.operation, self.kind.describe())?;
        // First, before the code and the service's message (long, cut off first): what
        // was lacking and where the policy is.
        if self.kind == ErrorKind::AccessDenied {
            write!(
                f,
                " ({})",
                super::permissions::access_denied_hint(&self.operation, self.code.as_deref())
            )?;
        }
        let detail: Vec<String> = self
            .code
            .iter()
            .cloned()
            .chain(self.status.map(|s| format!("HTTP {s}")))
            .collect();
        if !detail.is_empty() {
            write!(f, " ({})", detail.join(", "))?;
        }
        if !self.message.is_empty() {
            write!(f, ": {}", self.message)?;
        }
        Ok(())
    }
}

impl std::error::Error for ApiError {}

impl ApiError {
    pub fn new(kind: ErrorKind, operation: &str, message: impl Into<String>) -> ApiError {
        ApiError {
            kind,
            operation: operation.to_string(),
            code: None,
            status: None,
            message: message.into(),
        }
    }

    pub fn with_code(mut self, code: impl Into<String>) -> ApiError {
        self.code = Some(code.into());
        self
    }

    pub fn with_status(mut self, status: u16) -> ApiError {
        self.status = Some(status);
        self
    }

    pub fn not_found(operation: &str, message: impl Into<String>) -> ApiError {
        ApiError::new(ErrorKind::NotFound, operation, message)
    }

    pub fn access_denied(operation: &str, message: impl Into<String>) -> ApiError {
        ApiError::new(ErrorKind::AccessDenied, operation, message)
    }

    pub fn unavailable(operation: &str, message: impl Into<String>) -> ApiError {
        ApiError::new(ErrorKind::Unavailable, operation, message)
    }

    pub fn connection(operation: &str, message: impl Into<String>) -> ApiError {
        ApiError::new(ErrorKind::Connection, operation, message)
    }

    pub fn throttled(operation: &str, message: impl Into<String>) -> ApiError {
        ApiError::new(ErrorKind::Throttled, operation, message)
    }

    pub fn server(operation: &str, message: impl Into<String>) -> ApiError {
        ApiError::new(ErrorKind::Server, operation, message)
    }

    pub fn client(operation: &str, message: impl Into<String>) -> ApiError {
        ApiError::new(ErrorKind::Client, operation, message)
    }

    /// Whether asking again later may succeed.
    pub fn retryable(&self) -> bool {
        matches!(
            self.kind,
            ErrorKind::Throttled | ErrorKind::Connection | ErrorKind::Timeout | ErrorKind::Server
        )
    }

    /// Whether the error may have come after the service acted on the request (its answer
    /// was lost: a dropped connection, a timeout, a 5xx, an unreadable answer): a send that
    /// failed so may still have made a copy.
    pub fn answer_may_be_lost(&self) -> bool {
        matches!(
            self.kind,
            ErrorKind::Connection | ErrorKind::Timeout | ErrorKind::Server | ErrorKind::Parse
        )
    }

    pub fn is_unavailable(&self) -> bool {
        self.kind == ErrorKind::Unavailable
    }

    /// Classifies an SDK error by its AWS error code and HTTP status.
    pub fn from_sdk<E>(operation: &str, err: SdkError<E, Response>) -> ApiError
    where
        E: ProvideErrorMetadata + std::error::Error + Send + Sync + 'static,
    {
        let status = err.raw_response().map(|r| r.status().as_u16());
        let with_status = |error: ApiError| match status {
            Some(s) => error.with_status(s),
            None => error,
        };
        match &err {
            SdkError::DispatchFailure(failure) => {
                let kind = if failure.is_timeout() {
                    ErrorKind::Timeout
                } else {
                    ErrorKind::Connection
                };
                return ApiError::new(kind, operation, describe_dispatch(failure));
            }
            SdkError::TimeoutError(_) => {
                return ApiError::new(ErrorKind::Timeout, operation, "no answer in time");
            }
            SdkError::ResponseError(_) => {
                return with_status(ApiError::new(
                    ErrorKind::Parse,
                    operation,
                    error_chain(&err),
                ));
            }
            SdkError::ConstructionFailure(_) => {
                return ApiError::new(ErrorKind::Client, operation, error_chain(&err));
            }
            _ => {}
        }
        let code = err.code().filter(|c| !c.is_empty()).map(str::to_string);
        // AWS errors always carry a code. moto answers a call it does not implement with a
        // bare HTML 500 page (no code, no hint): the endpoint lacks the call.
        if code.is_none() && status == Some(500) && answered_html(&err) {
            return with_status(ApiError::unavailable(
                operation,
                "the endpoint answered with an HTML error page, not an AWS error",
            ));
        }
        // A success status with an error means the body could not be read (the SDK
        // reports a failed deserialization as an unhandled service error).
        if code.is_none() && status.is_some_and(|s| (200..300).contains(&s)) {
            return with_status(ApiError::new(
                ErrorKind::Parse,
                operation,
                error_chain(&err),
            ));
        }
        let message = err.message().unwrap_or_default().to_string();
        let kind = classify(code.as_deref(), status, &message);

        let mut error = with_status(ApiError::new(kind, operation, message));
        error.code = code;
        error
    }
}

/// The kind for a service error, by code first, then by status.
pub fn classify(code: Option<&str>, status: Option<u16>, message: &str) -> ErrorKind {
    let lower = code.unwrap_or_default().to_ascii_lowercase();
    if lower.contains("throttl")
        || lower.contains("requestlimitexceeded")
        || lower == "toomanyrequestsexception"
        || lower == "slowdown"
        || status == Some(429)
    {
        return ErrorKind::Throttled;
    }
    if lower.contains("accessdenied")
        || lower.contains("unauthorized")
        || lower == "authorizationerror"
    {
        return ErrorKind::AccessDenied;
    }
    if lower.contains("nonexistent")
        || lower.contains("notfound")
        || lower.contains("doesnotexist")
        || lower == "resourcenotfoundexception"
    {
        return ErrorKind::NotFound;
    }
    // "Not implemented" is said by the code (NotImplemented, InvalidAction), by HTTP 501,
    // by a 404 with no code (an endpoint that does not speak the whole protocol), or in
    // the text of a 500 (moto: "The StartMessageMoveTask action has not been implemented").
    let not_implemented_text = message
        .to_ascii_lowercase()
        .contains("not been implemented")
        || message.to_ascii_lowercase().contains("not implemented");
    if lower.contains("notimplemented")
        || lower == "invalidaction"
        || lower == "unknownoperationexception"
        || status == Some(501)
        || (lower.is_empty() && status == Some(404))
        || not_implemented_text
    {
        return ErrorKind::Unavailable;
    }
    if lower.contains("internalerror")
        || lower.contains("internalfailure")
        || lower.contains("serviceunavailable")
        || status.is_some_and(|s| s >= 500)
    {
        return ErrorKind::Server;
    }
    ErrorKind::Client
}

fn answered_html<E>(err: &SdkError<E, Response>) -> bool {
    err.raw_response()
        .and_then(|r| r.headers().get("content-type"))
        .is_some_and(|t| t.trim_start().starts_with("text/html"))
}

fn describe_dispatch(failure: &aws_smithy_runtime_api::client::result::DispatchFailure) -> String {
    let text = format!("{failure:?}");
    if text.contains("Connection refused") || text.contains("ConnectionRefused") {
        "connection refused".to_string()
    } else if text.contains("dns error") || text.contains("failed to lookup") {
        "cannot resolve the endpoint's host name".to_string()
    } else if failure.is_io() {
        "connection failed (I/O error)".to_string()
    } else {
        "connection failed".to_string()
    }
}

/// The error and its sources on one line, since SDK errors hide the cause in the chain.
fn error_chain(err: &dyn std::error::Error) -> String {
    chain_with(err, |text| text)
}

/// [`error_chain`] with each error's text passed through `tidy` first; a source whose text
/// is already in the line is left out.
pub(super) fn chain_with(err: &dyn std::error::Error, tidy: impl Fn(String) -> String) -> String {
    let mut text = tidy(err.to_string());
    let mut source = err.source();
    while let Some(inner) = source {
        let next = tidy(inner.to_string());
        if !text.contains(&next) {
            text.push_str(": ");
            text.push_str(&next);
        }
        source = inner.source();
    }
    text
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn classifies_codes_and_statuses() {
        let kind = |code: &str, status: u16| {
            classify((!code.is_empty()).then_some(code), Some(status), "")
        };
        assert_eq!(kind("ThrottlingException", 400), ErrorKind::Throttled);
        assert_eq!(kind("RequestThrottled", 403), ErrorKind::Throttled);
        assert_eq!(kind("", 429), ErrorKind::Throttled);
        assert_eq!(kind("AccessDeniedException", 403), ErrorKind::AccessDenied);
        assert_eq!(
            kind("AWS.SimpleQueueService.NonExistentQueue", 400),
            ErrorKind::NotFound
        );
        assert_eq!(kind("", 404), ErrorKind::Unavailable);
        assert_eq!(kind("", 501), ErrorKind::Unavailable);
        assert_eq!(kind("InvalidAction", 400), ErrorKind::Unavailable);
        assert_eq!(kind("InvalidParameterValue", 400), ErrorKind::Client);
    }

    #[test]
    fn a_transient_500_is_a_server_error_not_unavailable() {
        assert_eq!(classify(None, Some(500), ""), ErrorKind::Server);
        assert_eq!(
            classify(Some("InternalError"), Some(500), ""),
            ErrorKind::Server
        );
        assert_eq!(classify(None, Some(503), "Slow down"), ErrorKind::Server);
        let error = ApiError::server("ListQueues", "").with_status(500);
        assert!(error.retryable());
        assert_eq!(error.to_string(), "ListQueues: server error (HTTP 500)");
    }

    #[test]
    fn moto_saying_not_implemented_in_a_500_is_unavailable() {
        assert_eq!(
            classify(
                None,
                Some(500),
                "The StartMessageMoveTask action has not been implemented"
            ),
            ErrorKind::Unavailable
        );
        assert!(!ApiError::unavailable("ListMetrics", "").retryable());
    }

    /// A codeless 500 answer with the given content type, as the SDK hands it over.
    fn codeless_500(content_type: &str) -> ApiError {
        use aws_sdk_sqs::operation::start_message_move_task::StartMessageMoveTaskError;
        use aws_smithy_types::body::SdkBody;
        use aws_smithy_types::error::ErrorMetadata;
        let status = aws_smithy_runtime_api::http::StatusCode::try_from(500u16).expect("500");
        let mut response =
            Response::new(status, SdkBody::from("<!doctype html><title>500</title>"));
        response
            .headers_mut()
            .insert("content-type", content_type.to_string());
        let error = StartMessageMoveTaskError::generic(ErrorMetadata::builder().build());
        ApiError::from_sdk(
            "StartMessageMoveTask",
            SdkError::service_error(error, response),
        )
    }

    #[test]
    fn a_codeless_html_500_is_a_call_the_endpoint_lacks() {
        let error = codeless_500("text/html; charset=utf-8");
        assert_eq!(error.kind, ErrorKind::Unavailable, "{error}");
        assert_eq!(error.status, Some(500));
        assert!(!error.retryable());
        // The same status from the service's own protocol stays a server error.
        let error = codeless_500("application/x-amz-json-1.0");
        assert_eq!(error.kind, ErrorKind::Server, "{error}");
    }

    #[test]
    fn every_access_denied_names_the_action_it_lacked_and_the_policy() {
        for (operation, code, action) in [
            ("DeleteMessageBatch", "AccessDenied", "sqs:DeleteMessage"),
            ("SendMessageBatch", "AccessDenied", "sqs:SendMessage"),
            ("ListTopics", "AuthorizationError", "sns:ListTopics"),
            (
                "ListFunctions",
                "AccessDeniedException",
                "lambda:ListFunctions",
            ),
            ("GetMetricData", "AccessDenied", "cloudwatch:GetMetricData"),
        ] {
            let kind = classify(Some(code), Some(403), "not authorized");
            assert_eq!(kind, ErrorKind::AccessDenied, "{code}");
            let error = ApiError::new(kind, operation, "not authorized").with_code(code);
            let text = error.to_string();
            assert!(text.contains(&format!("needs {action}")), "{text}");
            assert!(text.contains("squall iam-policy"), "{text}");
        }
        let kms =
            ApiError::access_denied("ReceiveMessage", "").with_code("KMS.AccessDeniedException");
        assert_eq!(
            classify(Some("KMS.AccessDeniedException"), Some(400), ""),
            ErrorKind::AccessDenied
        );
        assert!(kms.to_string().contains("kms:Decrypt"), "{kms}");
        // Other kinds say nothing of permissions.
        assert!(
            !ApiError::throttled("ListQueues", "")
                .to_string()
                .contains("iam-policy")
        );
    }

    #[test]
    fn display_names_operation_kind_code_status_and_message() {
        let error = ApiError::throttled("GetQueueAttributes", "Rate exceeded")
            .with_code("ThrottlingException")
            .with_status(400);
        assert_eq!(
            error.to_string(),
            "GetQueueAttributes: throttled by AWS (ThrottlingException, HTTP 400): Rate exceeded"
        );
        assert!(error.retryable());
        assert!(!ApiError::not_found("GetQueueAttributes", "").retryable());
    }
}
