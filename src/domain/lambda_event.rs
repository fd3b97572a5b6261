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

/// The original event of an invocation record (its `requestPayload`), as JSON text; a
/// string payload is given back as the string Lambda was invoked with.
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
        Some(payload) => Ok(payload.to_string()),
    }
}

#[cfg(test)]
#[path = "lambda_event_tests.rs"]
mod tests;
