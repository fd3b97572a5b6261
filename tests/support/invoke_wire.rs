//! A Lambda `Invoke` request as the loopback proxy reads it off the wire: the function in
//! its path, its `X-Amz-Invocation-Type` header and its body (the event), kept so that a
//! test can check what squall asked Lambda to run.

use super::http_message::Message;

/// One Lambda `Invoke` request as the proxy read it.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct InvokeRequest {
    /// The function name (or ARN) in the path.
    pub function: String,
    /// `X-Amz-Invocation-Type` (`Event` for an asynchronous invoke; none means
    /// `RequestResponse`).
    pub invocation_type: Option<String>,
    pub body: String,
}

/// What the proxy keeps of an `Invoke` request (`POST /2015-03-31/functions/NAME/invocations`).
pub fn invoke_request(request: &Message) -> InvokeRequest {
    let path = request.path.split('?').next().unwrap_or_default();
    let function = path
        .trim_end_matches('/')
        .rsplit('/')
        .nth(1)
        .unwrap_or_default()
        .to_string();
    InvokeRequest {
        function,
        invocation_type: request.header("x-amz-invocation-type").map(str::to_string),
        body: String::from_utf8_lossy(request.body().unwrap_or_default()).into_owned(),
    }
}
