//! From a message stored in a Lambda-side dead-letter target, the event to invoke the
//! function with again: the body of a function DLQ (Lambda put the event there as it was),
//! the `requestPayload` of an on-failure destination's invocation record, and, for an SNS
//! `lambda` subscription's DLQ, the SNS event Lambda would have received, rebuilt from the
//! stored SNS message. Pure: the invoke route of the mover calls it per message, and a
//! message it refuses stays where it is, with the reason.

use crate::domain::LambdaDeadLetter;
use crate::domain::LambdaDeadLetterKind;
use crate::domain::lambda_event::{request_payload, sns_event_from_envelope};

/// Why a stored message cannot be replayed as an invoke; the message stays in its DLQ.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum PayloadError {
    #[error("{0}")]
    Unreadable(String),
    #[error("the payload is not JSON, which Invoke refuses: {0}")]
    NotJson(String),
    #[error("the DLQ of an SNS lambda subscription whose subscription ARN is unknown")]
    NoSubscription,
}

/// The event to re-invoke `target.function` with, from `body` as stored in `target`.
pub fn event_to_reinvoke(target: &LambdaDeadLetter, body: &str) -> Result<String, PayloadError> {
    let event = match target.kind {
        LambdaDeadLetterKind::FunctionDlq => body.to_string(),
        LambdaDeadLetterKind::OnFailureDestination => {
            request_payload(body).map_err(PayloadError::Unreadable)?
        }
        LambdaDeadLetterKind::SubscriptionDlq => {
            let subscription = target
                .subscription_arn
                .as_deref()
                .ok_or(PayloadError::NoSubscription)?;
            sns_event_from_envelope(body, subscription).map_err(PayloadError::Unreadable)?
        }
    };
    // Invoke takes JSON only; a string payload of a record is sent as the JSON string.
    if serde_json::from_str::<serde_json::Value>(&event).is_ok() {
        return Ok(event);
    }
    match target.kind {
        LambdaDeadLetterKind::OnFailureDestination => {
            Ok(serde_json::Value::String(event).to_string())
        }
        _ => Err(PayloadError::NotJson(event.chars().take(40).collect())),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::lambda_event::{FailedInvoke, FailureCondition, invocation_record};
    use serde_json::Value;

    const SUB: &str = "arn:aws:sns:us-east-1:1:shipments:abc";
    const ENVELOPE: &str = r#"{"Type":"Notification","MessageId":"m-1","TopicArn":"arn:aws:sns:us-east-1:1:shipments","Message":"hello","Timestamp":"2026-11-01T09:30:00.000Z","SignatureVersion":"1","Signature":"c2ln","SigningCertURL":"https://c","UnsubscribeURL":"https://u"}"#;

    fn target(kind: LambdaDeadLetterKind, subscription: Option<&str>) -> LambdaDeadLetter {
        LambdaDeadLetter {
            kind,
            target_arn: "arn:aws:sqs:us-east-1:1:notify-dlq".into(),
            function: "notify".into(),
            subscription_arn: subscription.map(str::to_string),
        }
    }

    #[test]
    fn a_function_dlq_gives_its_body_byte_for_byte() {
        let body = r#"{"Records":[{"Sns":{"Message":"é \u0085"}}]}"#;
        let event = event_to_reinvoke(&target(LambdaDeadLetterKind::FunctionDlq, None), body);
        assert_eq!(event.as_deref(), Ok(body));
        let refused = event_to_reinvoke(&target(LambdaDeadLetterKind::FunctionDlq, None), "oops");
        assert!(
            matches!(refused, Err(PayloadError::NotJson(_))),
            "{refused:?}"
        );
    }

    #[test]
    fn an_on_failure_record_gives_its_request_payload() {
        let failed = FailedInvoke {
            request_id: "r",
            function_arn: "arn:aws:lambda:us-east-1:1:function:notify",
            timestamp: "t",
            condition: FailureCondition::EventAgeExceeded,
            approximate_invoke_count: 1,
            error_message: "e",
        };
        let on_failure = target(LambdaDeadLetterKind::OnFailureDestination, None);
        let record = invocation_record(r#"{"orderId":"o-1"}"#, &failed);
        assert_eq!(
            event_to_reinvoke(&on_failure, &record).as_deref(),
            Ok(r#"{"orderId":"o-1"}"#)
        );
        let text = invocation_record("plain", &failed);
        assert_eq!(
            event_to_reinvoke(&on_failure, &text).as_deref(),
            Ok(r#""plain""#)
        );
        let not_a_record = event_to_reinvoke(&on_failure, r#"{"orderId":"o-1"}"#);
        assert!(matches!(not_a_record, Err(PayloadError::Unreadable(_))));
    }

    #[test]
    fn a_subscription_dlq_gives_the_sns_event_lambda_would_have_received() {
        let sub_dlq = target(LambdaDeadLetterKind::SubscriptionDlq, Some(SUB));
        let event: Value =
            serde_json::from_str(&event_to_reinvoke(&sub_dlq, ENVELOPE).expect("event"))
                .expect("json");
        assert_eq!(event["Records"][0]["EventSubscriptionArn"], SUB);
        assert_eq!(event["Records"][0]["Sns"]["Message"], "hello");
        assert_eq!(event["Records"][0]["Sns"]["UnsubscribeUrl"], "https://u");
        let unknown = target(LambdaDeadLetterKind::SubscriptionDlq, None);
        assert_eq!(
            event_to_reinvoke(&unknown, ENVELOPE),
            Err(PayloadError::NoSubscription)
        );
        assert!(matches!(
            event_to_reinvoke(&sub_dlq, "raw text"),
            Err(PayloadError::Unreadable(_))
        ));
    }
}
