//! SQS's JSON protocol as the fault proxy reads and rewrites it: the operation, queue and
//! batch of a request, a `SendMessageBatch` with some entries taken out and answered
//! `Failed`, and the throttling, unavailable, server-error and garbage answers it makes.

use super::http_message::{Message, json_response, response};

/// The SQS operation (`SendMessageBatch`) of a JSON-protocol request.
pub fn sqs_operation(request: &Message) -> Option<&str> {
    request.header("x-amz-target")?.strip_prefix("AmazonSQS.")
}

/// The last path segment of the JSON body's `QueueUrl`.
pub fn queue_name(request: &Message) -> Option<String> {
    let body = request.json_body()?;
    let url = body.get("QueueUrl")?.as_str()?;
    url.rsplit('/').next().map(str::to_string)
}

/// How many entries a batch request holds.
pub fn batch_len(request: &Message) -> Option<usize> {
    Some(request.json_body()?.get("Entries")?.as_array()?.len())
}

/// Takes the entries at `positions` out of a `SendMessageBatch` request: the request to
/// forward with the rest (`None` when nothing is left), and the ids taken out.
pub fn split_batch(request: Message, positions: &[usize]) -> (Option<Message>, Vec<String>) {
    let Some(mut body) = request.json_body() else {
        return (Some(request), Vec::new());
    };
    let Some(entries) = body.get_mut("Entries").and_then(|e| e.as_array_mut()) else {
        return (Some(request), Vec::new());
    };
    let mut failed = Vec::new();
    let mut kept = Vec::new();
    for (i, entry) in std::mem::take(entries).into_iter().enumerate() {
        if positions.contains(&i) {
            failed.push(entry["Id"].as_str().unwrap_or_default().to_string());
        } else {
            kept.push(entry);
        }
    }
    if kept.is_empty() {
        return (None, failed);
    }
    *entries = kept;
    let bytes = serde_json::to_vec(&body).expect("a JSON body");
    (Some(request.with_body(&bytes)), failed)
}

/// The emulator's `SendMessageBatch` answer with `failed` added to its `Failed` list (as it
/// is when that answer is not JSON: the client sees what the emulator said).
pub fn with_failures(response: &Message, failed: &[String]) -> Vec<u8> {
    let Some(mut body) = response.json_body() else {
        return response.raw.clone();
    };
    let Some(object) = body.as_object_mut() else {
        return response.raw.clone();
    };
    let list = object
        .entry("Failed")
        .or_insert_with(|| serde_json::Value::Array(Vec::new()));
    if let Some(list) = list.as_array_mut() {
        list.extend(failed.iter().map(|id| failed_entry(id)));
    }
    let bytes = serde_json::to_vec(&body).expect("a JSON body");
    response.with_body(&bytes).raw
}

pub fn failed_entry(id: &str) -> serde_json::Value {
    serde_json::json!({
        "Id": id,
        "SenderFault": false,
        "Code": "InternalError",
        "Message": "fault proxy: this entry failed (not sent)",
    })
}

/// A `SendMessageBatch` answer made here.
pub fn batch_response(successful: &[serde_json::Value], failed: &[String]) -> Vec<u8> {
    let body = serde_json::json!({
        "Successful": successful,
        "Failed": failed.iter().map(|id| failed_entry(id)).collect::<Vec<_>>(),
    });
    json_response("200 OK", &[], &body.to_string())
}

/// SQS's throttling error in the JSON protocol (awsQueryCompatible): the code travels in
/// `x-amzn-query-error`, and `__type` names the same shape.
pub fn throttle_response() -> Vec<u8> {
    json_response(
        "400 Bad Request",
        &[("x-amzn-query-error", "RequestThrottled;Sender")],
        r#"{"__type":"com.amazonaws.sqs#RequestThrottled","message":"Request is throttled."}"#,
    )
}

pub fn unavailable_response() -> Vec<u8> {
    response(
        "503 Service Unavailable",
        "text/plain",
        &[],
        b"Service Unavailable",
    )
}

pub fn server_error_response() -> Vec<u8> {
    json_response(
        "500 Internal Server Error",
        &[("x-amzn-query-error", "InternalError;Receiver")],
        r#"{"__type":"com.amazonaws.sqs#InternalError","message":"We encountered an internal error. Please try again."}"#,
    )
}

pub fn garbage_response() -> Vec<u8> {
    json_response("200 OK", &[], "<html>this is not JSON")
}
