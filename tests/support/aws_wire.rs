//! What a request squall sends asks of AWS, read off the wire independently of squall's own
//! list (so that the list can be checked against it): the service (from the SigV4
//! credential scope) and the IAM action (`sqs:DeleteMessage`, `lambda:ListFunctions`); and
//! the AccessDenied the loopback proxy answers for a refused action, in each service's own
//! wire format.
//!
//! How each service names the operation: SQS (JSON protocol) in `X-Amz-Target:
//! AmazonSQS.X`; SNS and STS (query protocol) in the form body's `Action=X`; CloudWatch
//! (RPC v2 CBOR) in the path `/service/GraniteServiceVersion20100801/operation/X` (or
//! `Action=X` from an older, query-protocol client); Lambda (REST-JSON) in method and path;
//! CloudWatch Logs (JSON) in `X-Amz-Target: Logs_20140328.X`.

use super::http_message::{Message, json_response, response};

/// The IAM action a request needs, e.g. `sqs:SendMessage` for `SendMessageBatch` (batch
/// calls are authorised as their single-entry action). A request the proxy cannot place
/// comes back as `unknown:…` with what it saw, so that a check against a list fails on it.
pub fn iam_action(request: &Message) -> String {
    let service = signing_service(request).unwrap_or_default();
    let operation = match service.as_str() {
        "sqs" => request
            .header("x-amz-target")
            .and_then(|t| t.strip_prefix("AmazonSQS."))
            .map(|op| op.strip_suffix("Batch").unwrap_or(op).to_string()),
        "sns" | "sts" | "iam" => form_action(request),
        "monitoring" => cbor_operation(request).or_else(|| form_action(request)),
        "lambda" => lambda_action(&request.method, &request.path),
        "logs" => request
            .header("x-amz-target")
            .and_then(|t| t.strip_prefix("Logs_20140328."))
            .map(str::to_string),
        _ => None,
    };
    let prefix = if service == "monitoring" {
        "cloudwatch"
    } else {
        service.as_str()
    };
    match operation {
        Some(operation) => format!("{prefix}:{operation}"),
        None => format!("unknown:{service} {} {}", request.method, request.path),
    }
}

/// The service name in the SigV4 credential scope (`Credential=AKID/DATE/REGION/SERVICE/…`).
fn signing_service(request: &Message) -> Option<String> {
    let authorization = request.header("authorization")?;
    let scope = authorization.split("Credential=").nth(1)?;
    let scope = scope.split([',', ' ']).next()?;
    scope.split('/').nth(3).map(str::to_string)
}

/// `Action=X` of a form-encoded (query protocol) body.
fn form_action(request: &Message) -> Option<String> {
    let body = String::from_utf8_lossy(request.body()?).into_owned();
    body.split('&')
        .find_map(|pair| pair.strip_prefix("Action="))
        .map(str::to_string)
}

fn cbor_operation(request: &Message) -> Option<String> {
    let path = request.path.split('?').next()?;
    let (_, operation) = path.split_once("/operation/")?;
    Some(operation.to_string())
}

/// Lambda's REST routes: the ones squall may call (anything else comes back `None`).
fn lambda_action(method: &str, path: &str) -> Option<String> {
    let path = path.split('?').next()?.trim_end_matches('/');
    // Asynchronous-invoke settings live under a later API version.
    if let Some(rest) = path.strip_prefix("/2019-09-25/") {
        let segments: Vec<&str> = rest.split('/').collect();
        return match (method, segments.as_slice()) {
            ("GET", ["functions", _, "event-invoke-config"]) => {
                Some("GetFunctionEventInvokeConfig".to_string())
            }
            ("PUT", ["functions", _, "event-invoke-config"]) => {
                Some("PutFunctionEventInvokeConfig".to_string())
            }
            _ => None,
        };
    }
    let rest = path.strip_prefix("/2015-03-31/")?;
    let segments: Vec<&str> = rest.split('/').collect();
    let action = match (method, segments.as_slice()) {
        ("GET", ["functions"]) => "ListFunctions",
        ("GET", ["functions", _]) => "GetFunction",
        ("GET", ["functions", _, "configuration"]) => "GetFunctionConfiguration",
        ("POST", ["functions", _, "invocations"]) => "InvokeFunction",
        ("GET", ["event-source-mappings"]) => "ListEventSourceMappings",
        ("GET", ["event-source-mappings", _]) => "GetEventSourceMapping",
        _ => return None,
    };
    Some(action.to_string())
}

/// AccessDenied for `action`, in the wire format of the service `request` went to, as AWS
/// answers when no policy allows it. The SDKs surface the codes `AccessDenied` (SQS, STS,
/// CloudWatch), `AuthorizationError` (SNS) and `AccessDeniedException` (Lambda).
pub fn access_denied(request: &Message, action: &str) -> Vec<u8> {
    let message = format!(
        "User: arn:aws:iam::000000000000:user/fault-proxy is not authorized to perform: \
         {action} because no identity-based policy allows the {action} action"
    );
    match signing_service(request).as_deref() {
        Some("sqs") => json_response(
            "400 Bad Request",
            &[("x-amzn-query-error", "AccessDenied;Sender")],
            &serde_json::json!({
                "__type": "com.amazon.coral.service#AccessDeniedException",
                "message": message,
            })
            .to_string(),
        ),
        Some("lambda") => response(
            "403 Forbidden",
            "application/json",
            &[("x-amzn-ErrorType", "AccessDeniedException")],
            serde_json::json!({"Type": "User", "Message": message})
                .to_string()
                .as_bytes(),
        ),
        Some("monitoring") if cbor_operation(request).is_some() => response(
            "400 Bad Request",
            "application/cbor",
            &[
                ("smithy-protocol", "rpc-v2-cbor"),
                ("x-amzn-query-error", "AccessDenied;Sender"),
            ],
            &cbor_error("AccessDenied", &message),
        ),
        Some("logs") => response(
            "400 Bad Request",
            "application/x-amz-json-1.1",
            &[],
            serde_json::json!({"__type": "AccessDeniedException", "message": message})
                .to_string()
                .as_bytes(),
        ),
        Some("sns") => query_error("AuthorizationError", &message),
        _ => query_error("AccessDenied", &message),
    }
}

/// An error in the query protocol (SNS, STS, CloudWatch's older clients).
fn query_error(code: &str, message: &str) -> Vec<u8> {
    let body = format!(
        "<ErrorResponse><Error><Type>Sender</Type><Code>{code}</Code>\
         <Message>{message}</Message></Error><RequestId>fault-proxy</RequestId></ErrorResponse>"
    );
    response("403 Forbidden", "text/xml", &[], body.as_bytes())
}

/// `{"__type": code, "message": message}` in CBOR (a map of two text pairs).
fn cbor_error(code: &str, message: &str) -> Vec<u8> {
    let mut body = vec![0xa2];
    for text in ["__type", code, "message", message] {
        cbor_text(&mut body, text);
    }
    body
}

fn cbor_text(out: &mut Vec<u8>, text: &str) {
    let len = text.len();
    // Major type 3 (text string): the length inline below 24, else in 1, 2 or 4 bytes.
    if len < 24 {
        out.push(0x60 | len as u8);
    } else if len < 0x100 {
        out.extend_from_slice(&[0x78, len as u8]);
    } else if len < 0x1_0000 {
        out.push(0x79);
        out.extend_from_slice(&(len as u16).to_be_bytes());
    } else {
        out.push(0x7a);
        out.extend_from_slice(&(len as u32).to_be_bytes());
    }
    out.extend_from_slice(text.as_bytes());
}
