//! Human output of the message verbs. Everything a message carries (body, attributes, ids,
//! the SNS envelope's fields) is untrusted: it reaches the terminal only through [`shown`],
//! so no control character, escape sequence or bidi override is written raw.

use std::borrow::Cow;
use std::fmt::Write as _;
use std::time::{Duration, SystemTime};

use base64::Engine;

use crate::domain::message::{AttributeValue, ReceivedMessage};
use crate::messages::SnsEnvelope;
use crate::messages::record::rfc3339_ms;
use crate::messages::risk::at_receive_limit;

/// Bodies longer than this are cut in human output (`--json` and export carry them whole).
const BODY_PREVIEW_CHARS: usize = 4_000;
/// Binary attribute bytes shown as hex.
const HEX_PREVIEW_BYTES: usize = 32;

/// Untrusted text made safe for a terminal: C0 controls, DEL, C1 controls and bidi controls
/// are written as visible escapes (`\x1b`, `\u{202e}`), so the text is shown, never obeyed.
/// Untrusted text as it may be printed: the project's one escaping rule.
fn shown(text: &str) -> Cow<'_, str> {
    crate::domain::untrusted::escape(text)
}

/// A multi-line body: each line escaped on its own, indented.
fn body_lines(out: &mut String, body: &str, indent: &str) {
    let (preview, cut) = match body.char_indices().nth(BODY_PREVIEW_CHARS) {
        Some((at, _)) => (&body[..at], body.len() - at),
        None => (body, 0),
    };
    for line in preview.split('\n') {
        let _ = writeln!(out, "{indent}{}", shown(line));
    }
    if cut > 0 {
        let _ = writeln!(
            out,
            "{indent}… {cut} more bytes (--json or `squall export` give the whole body)"
        );
    }
}

fn size(bytes: usize) -> String {
    if bytes < 1024 {
        format!("{bytes} B")
    } else {
        format!("{:.1} KiB", bytes as f64 / 1024.0)
    }
}

fn age(sent_ms: u64, now: SystemTime) -> String {
    let sent = SystemTime::UNIX_EPOCH + Duration::from_millis(sent_ms);
    match now.duration_since(sent) {
        Ok(age) => format!(
            "{} ago",
            humantime::format_duration(Duration::from_secs(age.as_secs()))
        ),
        Err(_) => "in the future".to_string(),
    }
}

fn attribute_line(out: &mut String, indent: &str, name: &str, value: &AttributeValue) {
    let shown_value = match (&value.string_value, &value.binary_value) {
        (Some(text), _) => shown(text).into_owned(),
        (None, Some(bytes)) => {
            let hex: Vec<String> = bytes
                .iter()
                .take(HEX_PREVIEW_BYTES)
                .map(|b| format!("{b:02x}"))
                .collect();
            let more = if bytes.len() > HEX_PREVIEW_BYTES {
                " …"
            } else {
                ""
            };
            format!(
                "{} bytes  base64 {}  hex {}{more}",
                bytes.len(),
                base64::engine::general_purpose::STANDARD.encode(bytes),
                hex.join(" ")
            )
        }
        (None, None) => String::new(),
    };
    let _ = writeln!(
        out,
        "{indent}{}  {}  {shown_value}",
        shown(name),
        shown(&value.data_type)
    );
}

/// What the reader needs to know about a queue to read its messages.
pub struct QueueContext<'a> {
    pub max_receive_count: Option<u32>,
    pub dlq_name: Option<&'a str>,
}

/// One message as a readable block.
pub fn message_block(
    out: &mut String,
    number: usize,
    total: usize,
    message: &ReceivedMessage,
    queue: &QueueContext<'_>,
    now: SystemTime,
) {
    let _ = writeln!(out, "── {number} of {total} ──");
    let _ = writeln!(out, "id        {}", shown(&message.message_id));
    if let Some(sent) = message.sent_timestamp_ms() {
        let _ = writeln!(out, "sent      {} ({})", rfc3339_ms(sent), age(sent, now));
    }
    let count = message
        .receive_count()
        .map_or("?".to_string(), |c| c.to_string());
    match queue.max_receive_count {
        Some(max) => {
            let _ = writeln!(out, "receives  {count} of maxReceiveCount {max}");
        }
        None => {
            let _ = writeln!(out, "receives  {count} (no redrive policy)");
        }
    }
    if at_receive_limit(message, queue.max_receive_count) {
        let _ = writeln!(
            out,
            "          AT THE LIMIT: its next receive moves it to {}",
            queue.dlq_name.unwrap_or("the dead-letter queue")
        );
    }
    if let Some(group) = message.group_id() {
        let _ = writeln!(out, "group     {}", shown(group));
    }
    if let Some(source) = message.dead_letter_source_arn() {
        let _ = writeln!(out, "from      {} (dead-lettered)", shown(source));
    }
    let _ = writeln!(out, "size      {}", size(message.body.len()));
    if !message.message_attributes.is_empty() {
        let _ = writeln!(out, "attributes");
        for (name, value) in &message.message_attributes {
            attribute_line(out, "  ", name, value);
        }
    }
    match SnsEnvelope::unwrap(&message.body) {
        Some(envelope) => {
            let _ = writeln!(out, "SNS envelope (raw delivery off)");
            let _ = writeln!(out, "  topic     {}", shown(&envelope.topic_arn));
            let _ = writeln!(out, "  id        {}", shown(&envelope.message_id));
            if let Some(at) = &envelope.timestamp {
                let _ = writeln!(out, "  published {}", shown(at));
            }
            if let Some(subject) = &envelope.subject {
                let _ = writeln!(out, "  subject   {}", shown(subject));
            }
            for (name, attribute) in &envelope.message_attributes {
                let _ = writeln!(
                    out,
                    "  attribute {}  {}  {}",
                    shown(name),
                    shown(&attribute.data_type),
                    shown(&attribute.value)
                );
            }
            let _ = writeln!(out, "body (the envelope's Message)");
            body_lines(out, &envelope.message, "  ");
        }
        None => {
            let _ = writeln!(out, "body");
            body_lines(out, &message.body, "  ");
        }
    }
}

/// Untrusted text for a one-line message on stderr (queue names, AWS messages).
pub fn one_line(text: &str) -> String {
    shown(text).into_owned()
}

#[cfg(test)]
mod tests {
    use std::collections::BTreeMap;

    use super::*;

    /// Every character a terminal may act on: C0, DEL, C1, bidi controls, line separators.
    fn dangerous(c: char) -> bool {
        c.is_control()
            || matches!(
                c,
                '\u{061c}' | '\u{200e}' | '\u{200f}' | '\u{2028}' | '\u{2029}'
            )
            || ('\u{202a}'..='\u{202e}').contains(&c)
            || ('\u{2066}'..='\u{2069}').contains(&c)
    }

    #[test]
    fn no_dangerous_character_gets_through_and_others_are_kept() {
        // Every scalar value through the one function: dangerous ones become printable ASCII
        // escapes, every other character is kept as it is.
        for c in (0..=0x10ffffu32).filter_map(char::from_u32) {
            let text = c.to_string();
            let out = shown(&text);
            if dangerous(c) {
                assert!(
                    out != text && out.chars().all(|o| o.is_ascii_graphic()),
                    "U+{:04X} became {out:?}",
                    u32::from(c)
                );
            } else {
                assert_eq!(out, text, "U+{:04X} changed", u32::from(c));
            }
        }
        let mixed: String = (0..0x3000u32).filter_map(char::from_u32).collect();
        assert!(!shown(&mixed).chars().any(dangerous));
        assert_eq!(shown("\u{1b}]52;c;eA==\u{7}"), "\\x1b]52;c;eA==\\x07");
        assert_eq!(shown("a\u{202e}b\u{9b}c"), "a<U+202E>b<U+009B>c");
        assert_eq!(shown("plain ✓ 中文"), "plain ✓ 中文");
    }

    fn message(body: &str) -> ReceivedMessage {
        let mut attributes = BTreeMap::new();
        attributes.insert("ApproximateReceiveCount".to_string(), "5".to_string());
        attributes.insert("SentTimestamp".to_string(), "1767225600000".to_string());
        let mut message_attributes = BTreeMap::new();
        message_attributes.insert(
            "evil\u{1b}[31m".to_string(),
            AttributeValue::string("\u{1b}]8;;http://x\u{1b}\\link"),
        );
        message_attributes.insert("blob".to_string(), AttributeValue::binary(vec![0, 1, 255]));
        ReceivedMessage {
            message_id: "m-1".to_string(),
            receipt_handle: "r".to_string(),
            body: body.to_string(),
            md5_of_body: None,
            attributes,
            message_attributes,
        }
    }

    fn block(body: &str) -> String {
        let mut out = String::new();
        let queue = QueueContext {
            max_receive_count: Some(5),
            dlq_name: Some("orders-dlq"),
        };
        let now = SystemTime::UNIX_EPOCH + Duration::from_millis(1_767_225_660_000);
        message_block(&mut out, 1, 1, &message(body), &queue, now);
        out
    }

    #[test]
    fn a_message_block_reads_well_and_writes_nothing_raw() {
        let out = block("{\"a\":1}\nline two \u{1b}[2J\ttab\r");
        assert!(
            !out.chars().any(|c| dangerous(c) && c != '\n'),
            "raw control in:\n{out}"
        );
        assert!(
            out.contains("sent      2026-01-01T00:00:00.000Z (1m ago)"),
            "{out}"
        );
        assert!(out.contains("receives  5 of maxReceiveCount 5"), "{out}");
        assert!(
            out.contains("AT THE LIMIT: its next receive moves it to orders-dlq"),
            "{out}"
        );
        assert!(
            out.contains("blob  Binary  3 bytes  base64 AAH/  hex 00 01 ff"),
            "{out}"
        );
        assert!(
            out.contains("evil\\x1b[31m  String  \\x1b]8;;http://x\\x1b\\link"),
            "{out}"
        );
        assert!(
            out.contains("  {\"a\":1}\n  line two \\x1b[2J\\ttab\\r\n"),
            "{out}"
        );
    }

    #[test]
    fn an_envelope_shows_its_inner_message_and_fields() {
        let body = r#"{"Type":"Notification","MessageId":"sns-1","TopicArn":"arn:aws:sns:us-east-1:1:orders","Subject":"Hi\u001b[2J","Message":"inner \u001b]52;c;eA==\u0007","Timestamp":"2026-11-22T06:00:00.000Z","MessageAttributes":{"k":{"Type":"String","Value":"v"}}}"#;
        let out = block(body);
        assert!(!out.chars().any(|c| dangerous(c) && c != '\n'), "{out}");
        assert!(out.contains("SNS envelope"), "{out}");
        assert!(
            out.contains("topic     arn:aws:sns:us-east-1:1:orders"),
            "{out}"
        );
        assert!(out.contains("subject   Hi\\x1b[2J"), "{out}");
        assert!(out.contains("attribute k  String  v"), "{out}");
        assert!(out.contains("  inner \\x1b]52;c;eA==\\x07\n"), "{out}");
    }

    #[test]
    fn a_huge_body_is_cut_with_a_pointer_to_the_whole() {
        let body = "x".repeat(1_048_576);
        let out = block(&body);
        assert!(out.len() < 10_000, "{} bytes", out.len());
        assert!(out.contains(&format!("… {} more bytes", 1_048_576 - BODY_PREVIEW_CHARS)));
        assert!(out.contains("size      1024.0 KiB"));
    }
}
