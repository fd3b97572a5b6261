//! One message as a JSON object: the elements of `squall peek --json` and the lines of an
//! NDJSON export, and what `squall send --from` reads back. The body is kept exactly, message
//! attributes with binary values as base64, system attributes as SQS gives them, and the SNS
//! envelope's fields when the body is one.
//!
//! JSON written here escapes, besides what JSON requires, DEL, C1 controls, bidi controls and
//! the Unicode line separators as `\uXXXX`, so that `cat export.ndjson` cannot drive the
//! terminal either; decoding gives back the exact text.

use std::collections::BTreeMap;

use base64::Engine;
use serde::{Deserialize, Serialize};

use super::envelope::SnsEnvelope;
use super::risk::at_receive_limit;
use crate::domain::message::{AttributeValue, ReceivedMessage};

const BASE64: base64::engine::GeneralPurpose = base64::engine::general_purpose::STANDARD;

/// A message attribute; `binary_value` is base64.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct AttributeRecord {
    pub data_type: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub string_value: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub binary_value: Option<String>,
}

/// An attribute in an SNS envelope (`Binary` values are base64, as SNS writes them).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SnsAttributeRecord {
    pub data_type: String,
    pub value: String,
}

/// The fields of an SNS envelope, with the inner message exactly.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SnsRecord {
    pub message: String,
    pub topic_arn: String,
    pub message_id: String,
    pub timestamp: Option<String>,
    pub subject: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub sequence_number: Option<String>,
    #[serde(default)]
    pub message_attributes: BTreeMap<String, SnsAttributeRecord>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct MessageRecord {
    #[serde(default)]
    pub message_id: String,
    /// Exactly as SQS holds it.
    pub body: String,
    #[serde(default)]
    pub md5_of_body: Option<String>,
    #[serde(default)]
    pub message_attributes: BTreeMap<String, AttributeRecord>,
    /// System attributes (`ApproximateReceiveCount`, `SentTimestamp`, `MessageGroupId`, ...).
    #[serde(default)]
    pub attributes: BTreeMap<String, String>,
    #[serde(default)]
    pub receive_count: Option<u64>,
    #[serde(default)]
    pub max_receive_count: Option<u32>,
    /// The receive count reached `maxReceiveCount`: the next receive moves it to the DLQ.
    #[serde(default)]
    pub at_receive_limit: bool,
    /// `SentTimestamp` as RFC 3339 (UTC, milliseconds).
    #[serde(default)]
    pub sent_at: Option<String>,
    #[serde(default)]
    pub group_id: Option<String>,
    #[serde(default)]
    pub sns: Option<SnsRecord>,
}

/// A line of an NDJSON file that is not a message record.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum RecordError {
    #[error("not a message record: {0}")]
    Json(String),
    #[error("attribute {name}: binary_value is not base64 ({reason})")]
    Base64 { name: String, reason: String },
    #[error("attribute {0}: needs a string_value or a binary_value")]
    EmptyAttribute(String),
}

/// Milliseconds since the epoch as RFC 3339 UTC.
pub fn rfc3339_ms(ms: u64) -> String {
    let time = std::time::UNIX_EPOCH + std::time::Duration::from_millis(ms);
    humantime::format_rfc3339_millis(time).to_string()
}

impl MessageRecord {
    /// The record of a received message; `max_receive_count` is its queue's, if any.
    pub fn from_received(
        message: &ReceivedMessage,
        max_receive_count: Option<u32>,
    ) -> MessageRecord {
        MessageRecord {
            message_id: message.message_id.clone(),
            body: message.body.clone(),
            md5_of_body: message.md5_of_body.clone(),
            message_attributes: message
                .message_attributes
                .iter()
                .map(|(name, value)| (name.clone(), attribute_record(value)))
                .collect(),
            attributes: message.attributes.clone(),
            receive_count: message.receive_count(),
            max_receive_count,
            at_receive_limit: at_receive_limit(message, max_receive_count),
            sent_at: message.sent_timestamp_ms().map(rfc3339_ms),
            group_id: message.group_id().map(str::to_string),
            sns: SnsEnvelope::unwrap(&message.body).map(sns_record),
        }
    }

    /// Reads one NDJSON line (only `body` is required).
    pub fn parse(line: &str) -> Result<MessageRecord, RecordError> {
        serde_json::from_str(line).map_err(|e| RecordError::Json(e.to_string()))
    }

    /// The message attributes as SQS takes them, binary values decoded.
    pub fn decoded_attributes(&self) -> Result<BTreeMap<String, AttributeValue>, RecordError> {
        self.message_attributes
            .iter()
            .map(|(name, record)| {
                let binary_value = match &record.binary_value {
                    Some(text) => Some(BASE64.decode(text).map_err(|e| RecordError::Base64 {
                        name: name.clone(),
                        reason: e.to_string(),
                    })?),
                    None => None,
                };
                if record.string_value.is_none() && binary_value.is_none() {
                    return Err(RecordError::EmptyAttribute(name.clone()));
                }
                Ok((
                    name.clone(),
                    AttributeValue {
                        data_type: record.data_type.clone(),
                        string_value: record.string_value.clone(),
                        binary_value,
                    },
                ))
            })
            .collect()
    }
}

fn attribute_record(value: &AttributeValue) -> AttributeRecord {
    AttributeRecord {
        data_type: value.data_type.clone(),
        string_value: value.string_value.clone(),
        binary_value: value.binary_value.as_ref().map(|b| BASE64.encode(b)),
    }
}

fn sns_record(envelope: SnsEnvelope) -> SnsRecord {
    SnsRecord {
        message: envelope.message,
        topic_arn: envelope.topic_arn,
        message_id: envelope.message_id,
        timestamp: envelope.timestamp,
        subject: envelope.subject,
        sequence_number: envelope.sequence_number,
        message_attributes: envelope
            .message_attributes
            .into_iter()
            .map(|(name, a)| {
                (
                    name,
                    SnsAttributeRecord {
                        data_type: a.data_type,
                        value: a.value,
                    },
                )
            })
            .collect(),
    }
}

/// Compact JSON on one line (NDJSON, without its newline), safe for a terminal: the output
/// gate's JSON rule.
pub fn to_json_line<T: Serialize>(value: &T) -> Result<String, serde_json::Error> {
    let line = crate::gate::Shown::json_line(value)?.into_string();
    Ok(line.trim_end_matches('\n').to_string())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn received(body: &str) -> ReceivedMessage {
        let mut attributes = BTreeMap::new();
        attributes.insert("ApproximateReceiveCount".to_string(), "3".to_string());
        attributes.insert("SentTimestamp".to_string(), "1767225600123".to_string());
        attributes.insert("MessageGroupId".to_string(), "g1".to_string());
        let mut message_attributes = BTreeMap::new();
        message_attributes.insert("text".to_string(), AttributeValue::string("v"));
        message_attributes.insert("blob".to_string(), AttributeValue::binary(vec![0, 1, 255]));
        ReceivedMessage {
            message_id: "m-1".to_string(),
            receipt_handle: "rh".to_string(),
            body: body.to_string(),
            md5_of_body: Some("0123456789abcdef0123456789abcdef".to_string()),
            attributes,
            message_attributes,
        }
    }

    #[test]
    fn a_record_carries_everything_and_reads_back_equal() {
        let body = "{\"a\":1}\n\u{9b}31m \u{202e}x \u{1b}[2J ✓";
        let record = MessageRecord::from_received(&received(body), Some(3));
        assert_eq!(record.receive_count, Some(3));
        assert!(record.at_receive_limit);
        assert_eq!(record.sent_at.as_deref(), Some("2026-01-01T00:00:00.123Z"));
        assert_eq!(record.group_id.as_deref(), Some("g1"));
        assert_eq!(
            record.message_attributes["blob"].binary_value.as_deref(),
            Some("AAH/")
        );
        let line = to_json_line(&record).expect("json");
        assert!(!line.contains('\n'));
        let back = MessageRecord::parse(&line).expect("parse");
        assert_eq!(back, record);
        assert_eq!(back.body, body, "the body is exact");
        assert_eq!(
            back.decoded_attributes().expect("decode"),
            received(body).message_attributes
        );
    }

    #[test]
    fn json_output_holds_no_raw_control_bidi_or_c1_character() {
        let body =
            "\u{1b}]52;c;ZXZpbA==\u{7}\u{7f}\u{85}\u{9b}\u{9d}\u{202e}\u{2066}\u{200f}\u{2028}";
        let record = MessageRecord::from_received(&received(body), None);
        for text in [
            to_json_line(&record).expect("line"),
            crate::gate::Shown::json(&vec![record.clone()])
                .expect("pretty")
                .into_string(),
        ] {
            let bad: Vec<char> = text
                .chars()
                .filter(|&c| c != '\n' && crate::domain::untrusted::is_unsafe(c))
                .collect();
            assert!(bad.is_empty(), "raw characters {bad:?} in {text}");
            let value: serde_json::Value = serde_json::from_str(&text).expect("valid JSON");
            let decoded_body = value
                .get("body")
                .or_else(|| value.get(0).and_then(|v| v.get("body")))
                .and_then(|b| b.as_str())
                .expect("body");
            assert_eq!(decoded_body, body);
        }
    }

    #[test]
    fn an_envelope_body_gets_its_sns_fields() {
        let body = r#"{"Type":"Notification","MessageId":"sns-1","TopicArn":"arn:aws:sns:us-east-1:1:orders","Message":"inner","Timestamp":"2026-11-22T06:00:00.000Z","MessageAttributes":{"k":{"Type":"String","Value":"v"}}}"#;
        let record = MessageRecord::from_received(&received(body), None);
        let sns = record.sns.expect("sns");
        assert_eq!(sns.message, "inner");
        assert_eq!(sns.topic_arn, "arn:aws:sns:us-east-1:1:orders");
        assert_eq!(sns.message_id, "sns-1");
        assert_eq!(sns.message_attributes["k"].value, "v");
        assert!(!record.at_receive_limit, "no maxReceiveCount, no limit");
    }

    #[test]
    fn a_hand_written_line_needs_only_a_body_and_bad_attributes_are_named() {
        let record = MessageRecord::parse(r#"{"body":"hi"}"#).expect("minimal");
        assert_eq!(record.body, "hi");
        assert!(record.decoded_attributes().expect("none").is_empty());
        assert!(matches!(
            MessageRecord::parse(r#"{"message_id":"x"}"#),
            Err(RecordError::Json(_))
        ));
        let bad = MessageRecord::parse(
            r#"{"body":"x","message_attributes":{"b":{"data_type":"Binary","binary_value":"%%%"}}}"#,
        )
        .expect("parses");
        assert!(matches!(
            bad.decoded_attributes(),
            Err(RecordError::Base64 { ref name, .. }) if name == "b"
        ));
        let empty = MessageRecord::parse(
            r#"{"body":"x","message_attributes":{"e":{"data_type":"String"}}}"#,
        )
        .expect("parses");
        assert_eq!(
            empty.decoded_attributes(),
            Err(RecordError::EmptyAttribute("e".to_string()))
        );
    }
}
