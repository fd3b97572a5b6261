//! SNS envelopes. Without raw message delivery, SNS wraps what was published in a JSON
//! envelope (`Type`, `MessageId`, `TopicArn`, `Subject`, `Message`, `Timestamp`,
//! `MessageAttributes`, signature fields). What people want to read is the inner `Message`,
//! with the envelope's fields beside it.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

/// A message attribute as SNS writes it into the envelope (`Binary` values are base64).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct EnvelopeAttribute {
    #[serde(rename = "Type")]
    pub data_type: String,
    #[serde(rename = "Value")]
    pub value: String,
}

/// A recognised envelope, unwrapped.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SnsEnvelope {
    /// The published message, exactly.
    pub message: String,
    pub message_id: String,
    pub topic_arn: String,
    pub subject: Option<String>,
    pub timestamp: Option<String>,
    /// FIFO topics number their messages.
    pub sequence_number: Option<String>,
    pub message_attributes: BTreeMap<String, EnvelopeAttribute>,
}

#[derive(Deserialize)]
#[serde(rename_all = "PascalCase")]
struct Wire {
    #[serde(rename = "Type")]
    kind: String,
    message_id: String,
    topic_arn: String,
    message: String,
    subject: Option<String>,
    timestamp: Option<String>,
    sequence_number: Option<String>,
    message_attributes: Option<BTreeMap<String, EnvelopeAttribute>>,
}

impl SnsEnvelope {
    /// The envelope in `body`, if `body` is one: a JSON object whose `Type` is
    /// `Notification` with a `MessageId`, a `TopicArn` and a string `Message`. Anything else
    /// (raw delivery, a body that merely looks alike) is `None`.
    pub fn unwrap(body: &str) -> Option<SnsEnvelope> {
        // Cheap checks first: most bodies are not envelopes, and some are 1 MiB.
        if !body.trim_start().starts_with('{') || !body.contains("\"TopicArn\"") {
            return None;
        }
        let wire: Wire = serde_json::from_str(body).ok()?;
        if wire.kind != "Notification" || !wire.topic_arn.starts_with("arn:") {
            return None;
        }
        Some(SnsEnvelope {
            message: wire.message,
            message_id: wire.message_id,
            topic_arn: wire.topic_arn,
            subject: wire.subject.filter(|s| !s.is_empty()),
            timestamp: wire.timestamp,
            sequence_number: wire.sequence_number,
            message_attributes: wire.message_attributes.unwrap_or_default(),
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// An envelope as SNS delivers it to SQS (from LocalStack, signature shortened).
    const ENVELOPE: &str = r#"{"Type": "Notification", "MessageId": "4c0a7f0e-1b6e-5b4a-9d1e-2a7f0e1b6e5b", "TopicArn": "arn:aws:sns:us-east-1:000000000000:orders", "Subject": "Order", "Message": "{\"event\":\"order_placed\",\"esc\":\"\u001b[2J\"}", "Timestamp": "2026-11-22T06:00:00.000Z", "SignatureVersion": "1", "Signature": "EXAMPLE", "SigningCertURL": "https://sns.us-east-1.amazonaws.com/cert.pem", "UnsubscribeURL": "https://sns.us-east-1.amazonaws.com/?Action=Unsubscribe", "MessageAttributes": {"type": {"Type": "String", "Value": "order_placed"}, "blob": {"Type": "Binary", "Value": "AAH/"}}}"#;

    #[test]
    fn an_envelope_is_unwrapped_to_its_exact_message() {
        let envelope = SnsEnvelope::unwrap(ENVELOPE).expect("an envelope");
        assert_eq!(
            envelope.message,
            "{\"event\":\"order_placed\",\"esc\":\"\u{1b}[2J\"}"
        );
        assert_eq!(
            envelope.topic_arn,
            "arn:aws:sns:us-east-1:000000000000:orders"
        );
        assert_eq!(envelope.message_id, "4c0a7f0e-1b6e-5b4a-9d1e-2a7f0e1b6e5b");
        assert_eq!(envelope.subject.as_deref(), Some("Order"));
        assert_eq!(
            envelope.timestamp.as_deref(),
            Some("2026-11-22T06:00:00.000Z")
        );
        assert_eq!(envelope.message_attributes["type"].value, "order_placed");
        assert_eq!(envelope.message_attributes["blob"].data_type, "Binary");
    }

    #[test]
    fn look_alikes_are_not_envelopes() {
        for body in [
            "",
            "plain text",
            r#"{"TopicArn":"arn:aws:sns:r:1:t"}"#,
            r#"{"Type":"SubscriptionConfirmation","MessageId":"m","TopicArn":"arn:aws:sns:r:1:t","Message":"x"}"#,
            r#"{"Type":"Notification","MessageId":"m","TopicArn":"arn:aws:sns:r:1:t","Message":{"nested":true}}"#,
            r#"{"Type":"Notification","MessageId":"m","TopicArn":"not-an-arn","Message":"x"}"#,
            r#"[{"Type":"Notification","TopicArn":"arn:aws:sns:r:1:t"}]"#,
        ] {
            assert_eq!(SnsEnvelope::unwrap(body), None, "{body}");
        }
    }

    #[test]
    fn a_minimal_envelope_without_subject_or_attributes() {
        let body = r#"{"Type":"Notification","MessageId":"m","TopicArn":"arn:aws:sns:r:1:t.fifo","Message":"hi","SequenceNumber":"10000000000000001000","Subject":""}"#;
        let envelope = SnsEnvelope::unwrap(body).expect("envelope");
        assert_eq!(envelope.message, "hi");
        assert_eq!(envelope.subject, None);
        assert_eq!(
            envelope.sequence_number.as_deref(),
            Some("10000000000000001000")
        );
        assert!(envelope.message_attributes.is_empty());
    }
}
