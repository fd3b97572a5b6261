//! Messages to send and notifications to publish, built from CLI arguments or from an NDJSON
//! export, and checked against the queue's rules before anything is sent, so that bad input
//! is a clear error naming the argument or line, and nothing goes out half-way.

use std::collections::BTreeMap;

use base64::Engine;

use super::record::{MessageRecord, RecordError};
use crate::domain::message::{AttributeValue, OutgoingMessage, OutgoingNotification};
use crate::domain::{Queue, Topic};

/// SQS takes at most 10 message attributes per message.
pub const MAX_ATTRIBUTES: usize = 10;
/// The largest message when the queue does not say (the SQS maximum since 2025).
pub const DEFAULT_MAX_MESSAGE_BYTES: usize = 1_048_576;
/// SQS delays a message by at most 15 minutes.
pub const MAX_DELAY_SECONDS: u32 = 900;

/// What a queue accepts.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct QueueRules {
    pub fifo: bool,
    pub content_based_deduplication: bool,
    /// `MaximumMessageSize`: one message, and one batch in total.
    pub max_message_bytes: usize,
}

impl QueueRules {
    pub fn of(queue: &Queue) -> QueueRules {
        let attribute = |name: &str| queue.attributes.get(name).map(String::as_str);
        QueueRules {
            fifo: queue.fifo,
            content_based_deduplication: attribute("ContentBasedDeduplication")
                .is_some_and(|v| v.eq_ignore_ascii_case("true")),
            max_message_bytes: attribute("MaximumMessageSize")
                .and_then(|v| v.parse().ok())
                .unwrap_or(DEFAULT_MAX_MESSAGE_BYTES),
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum DraftError {
    #[error("--attr {0:?}: expected NAME=VALUE or NAME:TYPE=VALUE (TYPE String, Number or Binary)")]
    AttributeSyntax(String),
    #[error("attribute name {0:?}: {1}")]
    AttributeName(String, &'static str),
    #[error("attribute {0}: type {1:?} is not String, Number or Binary (optionally with .label)")]
    AttributeType(String, String),
    #[error("attribute {0}: {1:?} is not a number")]
    AttributeNumber(String, String),
    #[error("attribute {0}: the binary value is not base64 ({1})")]
    AttributeBase64(String, String),
    #[error("{count} message attributes; SQS takes at most {MAX_ATTRIBUTES}")]
    TooManyAttributes { count: usize },
    #[error("the body is empty; SQS needs at least one character")]
    EmptyBody,
    #[error(
        "{what} holds U+{code:04X} at character {position}, which SQS refuses (it takes tab, \
         line feed, carriage return and U+0020 upwards)"
    )]
    Character {
        what: String,
        code: u32,
        position: usize,
    },
    #[error("the message is {size} bytes with its attributes; the queue takes at most {max}")]
    TooLarge { size: usize, max: usize },
    #[error("the queue is FIFO: a message group id is needed (--group-id)")]
    MissingGroup,
    #[error(
        "the queue is FIFO without content-based deduplication: a deduplication id is needed \
         (--dedup-id)"
    )]
    MissingDeduplication,
    #[error("only FIFO queues and topics take a deduplication id")]
    DeduplicationOnStandard,
    #[error("FIFO queues take no per-message delay (set the queue's DelaySeconds instead)")]
    DelayOnFifo,
    #[error("the delay is {0} s; SQS delays a message by at most {MAX_DELAY_SECONDS} s")]
    DelayTooLong(u32),
    #[error("{0}")]
    Record(#[from] RecordError),
}

/// `NAME=VALUE` (a String) or `NAME:TYPE=VALUE`; a Binary value is given as base64.
pub fn parse_attribute(spec: &str) -> Result<(String, AttributeValue), DraftError> {
    let (key, value) = spec
        .split_once('=')
        .ok_or_else(|| DraftError::AttributeSyntax(spec.to_string()))?;
    let (name, data_type) = match key.split_once(':') {
        Some((name, data_type)) => (name, data_type),
        None => (key, "String"),
    };
    check_attribute_name(name)?;
    let base = data_type.split('.').next().unwrap_or_default();
    let attribute = match base {
        "String" => AttributeValue {
            data_type: data_type.to_string(),
            string_value: Some(value.to_string()),
            binary_value: None,
        },
        "Number" => {
            if value.trim().parse::<f64>().is_err() {
                return Err(DraftError::AttributeNumber(
                    name.to_string(),
                    value.to_string(),
                ));
            }
            AttributeValue {
                data_type: data_type.to_string(),
                string_value: Some(value.to_string()),
                binary_value: None,
            }
        }
        "Binary" => AttributeValue {
            data_type: data_type.to_string(),
            string_value: None,
            binary_value: Some(
                base64::engine::general_purpose::STANDARD
                    .decode(value)
                    .map_err(|e| DraftError::AttributeBase64(name.to_string(), e.to_string()))?,
            ),
        },
        _ => {
            return Err(DraftError::AttributeType(
                name.to_string(),
                data_type.to_string(),
            ));
        }
    };
    Ok((name.to_string(), attribute))
}

/// SQS's rules for attribute names.
fn check_attribute_name(name: &str) -> Result<(), DraftError> {
    let refuse = |why| Err(DraftError::AttributeName(name.to_string(), why));
    if name.is_empty() || name.len() > 256 {
        return refuse("must be 1 to 256 characters");
    }
    if !name
        .chars()
        .all(|c| c.is_ascii_alphanumeric() || matches!(c, '-' | '_' | '.'))
    {
        return refuse("may hold only letters, digits, '-', '_' and '.'");
    }
    if name.starts_with('.') || name.ends_with('.') || name.contains("..") {
        return refuse("may not start or end with '.' or hold '..'");
    }
    let lower = name.to_ascii_lowercase();
    if lower.starts_with("aws.") || lower.starts_with("amazon.") {
        return refuse("the AWS. and Amazon. prefixes are reserved");
    }
    Ok(())
}

/// SQS accepts tab, LF, CR, and U+0020 upwards except the non-characters U+FFFE and U+FFFF
/// (Rust strings hold no surrogates).
fn check_characters(what: &str, text: &str) -> Result<(), DraftError> {
    let bad = text.chars().enumerate().find(|(_, c)| {
        !(matches!(c, '\t' | '\n' | '\r') || (*c >= ' ' && !matches!(c, '\u{fffe}' | '\u{ffff}')))
    });
    match bad {
        Some((position, c)) => Err(DraftError::Character {
            what: what.to_string(),
            code: u32::from(c),
            position: position + 1,
        }),
        None => Ok(()),
    }
}

/// What SQS counts toward the size limit (the one formula, `OutgoingMessage::size`).
pub fn message_size(message: &OutgoingMessage) -> usize {
    message.size()
}

/// One message from command-line arguments.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Draft {
    pub body: String,
    pub attributes: BTreeMap<String, AttributeValue>,
    pub group_id: Option<String>,
    pub deduplication_id: Option<String>,
    pub delay_seconds: Option<u32>,
}

/// Checks what every message needs, whatever it came from.
fn check_common(message: &OutgoingMessage, rules: &QueueRules) -> Result<(), DraftError> {
    if message.body.is_empty() {
        return Err(DraftError::EmptyBody);
    }
    check_characters("the body", &message.body)?;
    if message.message_attributes.len() > MAX_ATTRIBUTES {
        return Err(DraftError::TooManyAttributes {
            count: message.message_attributes.len(),
        });
    }
    for (name, value) in &message.message_attributes {
        check_attribute_name(name)?;
        if let Some(text) = &value.string_value {
            check_characters(&format!("attribute {name}"), text)?;
        }
    }
    let size = message_size(message);
    if size > rules.max_message_bytes {
        return Err(DraftError::TooLarge {
            size,
            max: rules.max_message_bytes,
        });
    }
    match message.delay_seconds {
        Some(_) if rules.fifo => return Err(DraftError::DelayOnFifo),
        Some(delay) if delay > MAX_DELAY_SECONDS => return Err(DraftError::DelayTooLong(delay)),
        _ => {}
    }
    if rules.fifo && message.group_id.is_none() {
        return Err(DraftError::MissingGroup);
    }
    Ok(())
}

/// The message `squall send --body ...` sends.
pub fn message_from_draft(draft: Draft, rules: &QueueRules) -> Result<OutgoingMessage, DraftError> {
    if draft.deduplication_id.is_some() && !rules.fifo {
        return Err(DraftError::DeduplicationOnStandard);
    }
    if rules.fifo && draft.deduplication_id.is_none() && !rules.content_based_deduplication {
        return Err(DraftError::MissingDeduplication);
    }
    let message = OutgoingMessage {
        id: "m0".to_string(),
        body: draft.body,
        message_attributes: draft.attributes,
        delay_seconds: draft.delay_seconds,
        group_id: draft.group_id,
        deduplication_id: draft.deduplication_id,
        trace_header: None,
    };
    check_common(&message, rules)?;
    Ok(message)
}

/// What `--attr`, `--group-id` and `--delay` add to every line of an NDJSON replay.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ReplayOverrides {
    /// Laid over each line's attributes.
    pub attributes: BTreeMap<String, AttributeValue>,
    /// The group of FIFO lines that carry none.
    pub group_id: Option<String>,
    pub delay_seconds: Option<u32>,
}

/// A line of the file that cannot be sent, 1-based.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LineError {
    pub line: usize,
    pub error: DraftError,
}

/// The messages an NDJSON export replays into a queue: each line's body exactly, its message
/// attributes and trace header; for a FIFO queue its group (or the override's) and a
/// deduplication id that is stable per line, so that sending the same file twice within
/// SQS's five-minute window sends each message once. Blank lines are skipped. Every bad line
/// is reported; nothing is returned unless all lines are good. Each message comes with its
/// 1-based line number.
pub fn messages_from_ndjson(
    text: &str,
    rules: &QueueRules,
    overrides: &ReplayOverrides,
) -> Result<Vec<(usize, OutgoingMessage)>, Vec<LineError>> {
    let mut messages = Vec::new();
    let mut errors = Vec::new();
    for (index, line) in text.lines().enumerate() {
        if line.trim().is_empty() {
            continue;
        }
        match message_from_line(line, index + 1, rules, overrides) {
            Ok(mut message) => {
                message.id = format!("m{}", messages.len());
                messages.push((index + 1, message));
            }
            Err(error) => errors.push(LineError {
                line: index + 1,
                error,
            }),
        }
    }
    if errors.is_empty() {
        Ok(messages)
    } else {
        Err(errors)
    }
}

fn message_from_line(
    line: &str,
    number: usize,
    rules: &QueueRules,
    overrides: &ReplayOverrides,
) -> Result<OutgoingMessage, DraftError> {
    let record = MessageRecord::parse(line)?;
    let mut attributes = record.decoded_attributes()?;
    attributes.extend(overrides.attributes.clone());
    let (group_id, deduplication_id) = if rules.fifo {
        let group = record
            .group_id
            .clone()
            .or_else(|| record.attributes.get("MessageGroupId").cloned())
            .or_else(|| overrides.group_id.clone());
        (group, Some(stable_deduplication_id(&record, number, line)))
    } else {
        (overrides.group_id.clone(), None)
    };
    let message = OutgoingMessage {
        id: String::new(),
        trace_header: record.attributes.get("AWSTraceHeader").cloned(),
        body: record.body,
        message_attributes: attributes,
        delay_seconds: overrides.delay_seconds,
        group_id,
        deduplication_id,
    };
    check_common(&message, rules)?;
    Ok(message)
}

/// `squall-` and 32 hex digits: from the original message id when the line has one (stable
/// however the file is reordered), else from the line's number and text.
pub fn stable_deduplication_id(record: &MessageRecord, line_number: usize, line: &str) -> String {
    let seed = if record.message_id.is_empty() {
        format!("line {line_number}: {line}")
    } else {
        format!("message {}", record.message_id)
    };
    // Two FNV-1a hashes with different offsets: 128 bits, so distinct lines do not collide.
    let fnv = |offset: u64| {
        seed.bytes().fold(offset, |hash, byte| {
            (hash ^ u64::from(byte)).wrapping_mul(0x0000_0100_0000_01b3)
        })
    };
    format!(
        "squall-{:016x}{:016x}",
        fnv(0xcbf2_9ce4_8422_2325),
        fnv(0x6c62_272e_07bb_0142)
    )
}

/// The notification `squall publish` sends.
pub fn notification(
    topic: &Topic,
    message: String,
    subject: Option<String>,
    attributes: BTreeMap<String, AttributeValue>,
    group_id: Option<String>,
    deduplication_id: Option<String>,
) -> Result<OutgoingNotification, DraftError> {
    if message.is_empty() {
        return Err(DraftError::EmptyBody);
    }
    if attributes.len() > MAX_ATTRIBUTES {
        return Err(DraftError::TooManyAttributes {
            count: attributes.len(),
        });
    }
    if topic.fifo {
        if group_id.is_none() {
            return Err(DraftError::MissingGroup);
        }
        let content_based = topic
            .attributes
            .get("ContentBasedDeduplication")
            .is_some_and(|v| v.eq_ignore_ascii_case("true"));
        if deduplication_id.is_none() && !content_based {
            return Err(DraftError::MissingDeduplication);
        }
    } else if deduplication_id.is_some() {
        return Err(DraftError::DeduplicationOnStandard);
    }
    Ok(OutgoingNotification {
        message,
        subject,
        message_attributes: attributes,
        group_id,
        deduplication_id,
    })
}

#[cfg(test)]
mod tests;
