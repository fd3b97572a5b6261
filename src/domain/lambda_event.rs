//! The bodies Lambda and SNS leave in Lambda-side dead-letter targets, and the event each
//! one stands for: the SNS event Lambda receives (rebuilt from an SNS envelope), and the
//! invocation record an on-failure destination gets (whose `requestPayload` is the event).
//! Pure functions over JSON text: the simulated world writes with them, and replay reads.

use serde_json::{Map, Value, json};

/// The event Lambda hands a function subscribed to a topic, built from the JSON envelope
/// SNS writes (what a `lambda` subscription's DLQ holds): `Records[0].Sns` carries the
/// envelope's fields, with `SigningCertUrl`/`UnsubscribeUrl` spelled as Lambda spells them,
/// `Subject` null when absent and `MessageAttributes` an object.
pub fn sns_event_from_envelope(envelope: &str, subscription_arn: &str) -> Result<String, String> {
    let parsed: Value =
        serde_json::from_str(envelope).map_err(|e| format!("not an SNS envelope: {e}"))?;
    let Value::Object(fields) = parsed else {
        return Err("not an SNS envelope: not a JSON object".to_string());
    };
    for required in ["Type", "MessageId", "TopicArn", "Message"] {
        if !fields.get(required).is_some_and(Value::is_string) {
            return Err(format!("not an SNS envelope: no string {required}"));
        }
    }
    let mut sns = Map::new();
    for (key, value) in fields {
        let key = match key.as_str() {
            "SigningCertURL" => "SigningCertUrl".to_string(),
            "UnsubscribeURL" => "UnsubscribeUrl".to_string(),
            _ => key,
        };
        sns.insert(key, value);
    }
    sns.entry("Subject").or_insert(Value::Null);
    sns.entry("MessageAttributes")
        .or_insert_with(|| Value::Object(Map::new()));
    let event = json!({
        "Records": [{
            "EventSource": "aws:sns",
            "EventVersion": "1.0",
            "EventSubscriptionArn": subscription_arn,
            "Sns": Value::Object(sns),
        }]
    });
    Ok(event.to_string())
}

/// Why an asynchronous invoke ended in the on-failure destination.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FailureCondition {
    RetriesExhausted,
    EventAgeExceeded,
}

impl FailureCondition {
    fn as_str(self) -> &'static str {
        match self {
            FailureCondition::RetriesExhausted => "RetriesExhausted",
            FailureCondition::EventAgeExceeded => "EventAgeExceeded",
        }
    }
}

/// One failed invoke, as the invocation record describes it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FailedInvoke<'a> {
    pub request_id: &'a str,
    pub function_arn: &'a str,
    pub timestamp: &'a str,
    pub condition: FailureCondition,
    pub approximate_invoke_count: u32,
    pub error_message: &'a str,
}

/// The invocation record Lambda sends to an on-failure destination: `requestPayload` is
/// the event (kept as JSON when it is JSON, else as a string), `responsePayload` the error.
pub fn invocation_record(event: &str, failed: &FailedInvoke) -> String {
    let payload =
        serde_json::from_str::<Value>(event).unwrap_or_else(|_| Value::String(event.to_string()));
    json!({
        "version": "1.0",
        "timestamp": failed.timestamp,
        "requestContext": {
            "requestId": failed.request_id,
            "functionArn": format!("{}:$LATEST", failed.function_arn),
            "condition": failed.condition.as_str(),
            "approximateInvokeCount": failed.approximate_invoke_count,
        },
        "requestPayload": payload,
        "responseContext": {
            "statusCode": 200,
            "executedVersion": "$LATEST",
            "functionError": "Unhandled",
        },
        "responsePayload": {
            "errorMessage": failed.error_message,
            "errorType": "Error",
        },
    })
    .to_string()
}

/// The original event of an invocation record (its `requestPayload`), as JSON text cut
/// from the record byte for byte (parsed and printed again, its keys would be reordered
/// and its large numbers rounded); a string payload is given back as the string Lambda
/// was invoked with.
pub fn request_payload(record: &str) -> Result<String, String> {
    let parsed: Value =
        serde_json::from_str(record).map_err(|e| format!("not an invocation record: {e}"))?;
    if parsed.get("requestContext").is_none() {
        return Err("not an invocation record: no requestContext".to_string());
    }
    match parsed.get("requestPayload") {
        Some(Value::String(text)) => Ok(text.clone()),
        Some(Value::Null) | None => {
            Err("the invocation record has no requestPayload (over 256 KB, Lambda drops it)".into())
        }
        Some(payload) => Ok(top_level_value(record, "requestPayload")
            .map_or_else(|| payload.to_string(), str::to_string)),
    }
}

/// The text of the value of `key` in the JSON object `json` (valid JSON, checked by the
/// caller), as it stands there; `None` when the key is not at the top level or is spelt
/// with escapes.
fn top_level_value<'a>(json: &'a str, key: &str) -> Option<&'a str> {
    let bytes = json.as_bytes();
    let mut at = skip_space(bytes, 0);
    (bytes.get(at) == Some(&b'{')).then_some(())?;
    at += 1;
    loop {
        at = skip_space(bytes, at);
        if bytes.get(at) != Some(&b'"') {
            return None;
        }
        let key_end = value_end(bytes, at)?;
        let name = &json[at + 1..key_end - 1];
        at = skip_space(bytes, key_end);
        (bytes.get(at) == Some(&b':')).then_some(())?;
        let start = skip_space(bytes, at + 1);
        let end = value_end(bytes, start)?;
        if name == key {
            return json.get(start..end);
        }
        at = skip_space(bytes, end);
        match bytes.get(at) {
            Some(b',') => at += 1,
            _ => return None,
        }
    }
}

fn skip_space(bytes: &[u8], mut at: usize) -> usize {
    while bytes.get(at).is_some_and(u8::is_ascii_whitespace) {
        at += 1;
    }
    at
}

/// Where the JSON value starting at `start` ends (one past its last byte).
fn value_end(bytes: &[u8], start: usize) -> Option<usize> {
    let mut depth = 0usize;
    let mut in_string = false;
    let mut escaped = false;
    let mut at = start;
    while let Some(&byte) = bytes.get(at) {
        at += 1;
        if in_string {
            match (escaped, byte) {
                (true, _) => escaped = false,
                (false, b'\\') => escaped = true,
                (false, b'"') => {
                    in_string = false;
                    if depth == 0 {
                        return Some(at);
                    }
                }
                _ => {}
            }
            continue;
        }
        match byte {
            b'"' => in_string = true,
            b'{' | b'[' => depth += 1,
            b'}' | b']' if depth == 0 => return Some(at - 1),
            b'}' | b']' => {
                depth -= 1;
                if depth == 0 {
                    return Some(at);
                }
            }
            b',' if depth == 0 => return Some(at - 1),
            byte if depth == 0 && byte.is_ascii_whitespace() => return Some(at - 1),
            _ => {}
        }
    }
    (depth == 0 && !in_string).then_some(at)
}

#[cfg(test)]
#[path = "lambda_event_tests.rs"]
mod tests;
