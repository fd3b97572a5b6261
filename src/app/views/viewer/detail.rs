//! The detail pane of the message viewer, laid out once per selection (never per frame):
//! the receive count against `maxReceiveCount`, the body (pretty-printed JSON when it
//! parses), an SNS envelope unwrapped with its fields and attributes (or shown raw), and
//! the message and system attributes as tables.
//!
//! Everything a message carries is untrusted: it reaches a line only through
//! [`Segment::untrusted`], that is through [`shown`].

use base64::Engine;
use unicode_width::UnicodeWidthStr;

use super::detail_lines::DetailLines;
use crate::domain::message::{AttributeValue, ReceivedMessage};
use crate::messages::SnsEnvelope;
use crate::messages::record::rfc3339_ms;
use crate::messages::risk::at_receive_limit;

pub use crate::messages::styled::{DetailLine, Segment, Tone, shown};

/// What the pane needs to know besides the message.
#[derive(Debug, Clone, Copy)]
pub struct MessagePlace<'a> {
    /// 1-based.
    pub position: usize,
    pub total: usize,
    pub max_receive_count: Option<u32>,
    pub dlq_name: Option<&'a str>,
}

/// The pane's lines for `message` (a body's lines are indexed, built when drawn); `raw_envelope` shows an SNS envelope as it is.
pub fn layout(message: &ReceivedMessage, place: &MessagePlace, raw_envelope: bool) -> DetailLines {
    layout_with(message, place, raw_envelope, false)
}

/// [`layout`], with the body as a hex dump when `hex`.
pub fn layout_with(
    message: &ReceivedMessage,
    place: &MessagePlace,
    raw_envelope: bool,
    hex: bool,
) -> DetailLines {
    layout_folded(message, place, raw_envelope, hex, 0)
}

/// [`layout_with`], JSON spans opening at `fold_depth` or deeper folded (0: none).
pub fn layout_folded(
    message: &ReceivedMessage,
    place: &MessagePlace,
    raw_envelope: bool,
    hex: bool,
    fold_depth: usize,
) -> DetailLines {
    let mut lines = DetailLines::default();
    lines.push(vec![
        Segment::trusted(
            Tone::Heading,
            format!("message {} of {}", place.position, place.total),
        ),
        Segment::trusted(Tone::Dim, "  id "),
        Segment::untrusted(Tone::Plain, &message.message_id),
    ]);
    lines.push(receive_line(message, place));
    let mut facts = vec![Segment::trusted(
        Tone::Dim,
        format!("{} bytes", message.body.len()),
    )];
    if let Some(sent) = message.sent_timestamp_ms() {
        facts.push(Segment::trusted(
            Tone::Dim,
            format!("  sent {}", rfc3339_ms(sent)),
        ));
    }
    if let Some(group) = message.group_id() {
        facts.push(Segment::trusted(Tone::Dim, "  group "));
        facts.push(Segment::untrusted(Tone::Plain, group));
    }
    lines.push(facts);
    lines.push(Vec::new());

    match SnsEnvelope::unwrap(&message.body) {
        _ if hex => {
            lines.push(heading("Body, hex", "v shows it as text"));
            lines.push_hex(&message.body);
        }
        Some(envelope) if !raw_envelope => envelope_lines(&mut lines, &envelope, fold_depth),
        Some(_) => {
            lines.push(heading(
                "SNS envelope, raw",
                "v shows the message inside it",
            ));
            body_lines(&mut lines, &message.body, fold_depth);
        }
        None => {
            lines.push(vec![Segment::trusted(Tone::Heading, "Body")]);
            body_lines(&mut lines, &message.body, fold_depth);
        }
    }

    lines.push(Vec::new());
    lines.push(vec![Segment::trusted(Tone::Heading, "Message attributes")]);
    let attributes: Vec<(&str, Vec<Segment>)> = message
        .message_attributes
        .iter()
        .map(|(name, value)| (name.as_str(), attribute_value(value)))
        .collect();
    table(&mut lines, attributes);

    lines.push(Vec::new());
    lines.push(vec![Segment::trusted(Tone::Heading, "System attributes")]);
    let system: Vec<(&str, Vec<Segment>)> = message
        .attributes
        .iter()
        .map(|(name, value)| (name.as_str(), system_value(name, value)))
        .collect();
    table(&mut lines, system);
    lines
}

fn heading(title: &str, hint: &str) -> DetailLine {
    vec![
        Segment::trusted(Tone::Heading, title),
        Segment::trusted(Tone::Dim, format!("  ({hint})")),
    ]
}

fn receive_line(message: &ReceivedMessage, place: &MessagePlace) -> DetailLine {
    let count = message
        .receive_count()
        .map_or_else(|| "?".to_string(), |c| c.to_string());
    match place.max_receive_count {
        Some(max) if at_receive_limit(message, Some(max)) => vec![
            Segment::trusted(
                Tone::Warning,
                format!("received {count} of max {max}: at the limit"),
            ),
            Segment::trusted(
                Tone::Warning,
                format!(
                    ", its next receive moves it to {}",
                    place.dlq_name.unwrap_or("the dead-letter queue")
                ),
            ),
        ],
        Some(max) => vec![Segment::trusted(
            Tone::Plain,
            format!("received {count} of max {max} (this peek counted as one)"),
        )],
        None => vec![Segment::trusted(
            Tone::Plain,
            format!("received {count} times (no redrive policy: nothing moves it)"),
        )],
    }
}

fn envelope_lines(lines: &mut DetailLines, envelope: &SnsEnvelope, fold_depth: usize) {
    lines.push(heading("SNS envelope", "v shows it raw"));
    let mut fields = vec![
        ("TopicArn", envelope.topic_arn.as_str()),
        ("MessageId", envelope.message_id.as_str()),
    ];
    for (name, value) in [
        ("Subject", &envelope.subject),
        ("Timestamp", &envelope.timestamp),
        ("SequenceNumber", &envelope.sequence_number),
    ] {
        if let Some(value) = value {
            fields.push((name, value.as_str()));
        }
    }
    table(
        lines,
        fields
            .into_iter()
            .map(|(name, value)| (name, vec![Segment::untrusted(Tone::Plain, value)]))
            .collect(),
    );
    lines.push(Vec::new());
    lines.push(vec![Segment::trusted(Tone::Heading, "Message")]);
    body_lines(lines, &envelope.message, fold_depth);
    lines.push(Vec::new());
    lines.push(vec![Segment::trusted(
        Tone::Heading,
        "SNS message attributes",
    )]);
    table(
        lines,
        envelope
            .message_attributes
            .iter()
            .map(|(name, attribute)| {
                (
                    name.as_str(),
                    vec![
                        Segment::untrusted(Tone::Dim, &format!("{:<8}", attribute.data_type)),
                        Segment::untrusted(Tone::Plain, &attribute.value),
                    ],
                )
            })
            .collect(),
    );
}

/// A body: pretty JSON when it parses, else its lines as text.
fn body_lines(lines: &mut DetailLines, body: &str, fold_depth: usize) {
    if body.is_empty() {
        lines.push(vec![Segment::trusted(Tone::Dim, "(empty)")]);
        return;
    }
    lines.push_body_folded(body, fold_depth);
}

fn attribute_value(value: &AttributeValue) -> Vec<Segment> {
    let mut segments = vec![Segment::untrusted(
        Tone::Dim,
        &format!("{:<8}", value.data_type),
    )];
    match (&value.string_value, &value.binary_value) {
        (Some(text), _) => segments.push(Segment::untrusted(Tone::Plain, text)),
        (None, Some(bytes)) => {
            let encoded = base64::engine::general_purpose::STANDARD.encode(bytes);
            segments.push(Segment::trusted(Tone::Plain, encoded));
            segments.push(Segment::trusted(
                Tone::Dim,
                format!("  (base64, {} bytes)", bytes.len()),
            ));
        }
        (None, None) => segments.push(Segment::trusted(Tone::Dim, "(no value)")),
    }
    segments
}

/// A system attribute; timestamps also as dates.
fn system_value(name: &str, value: &str) -> Vec<Segment> {
    let mut segments = vec![Segment::untrusted(Tone::Plain, value)];
    if name.ends_with("Timestamp")
        && let Ok(ms) = value.parse::<u64>()
    {
        segments.push(Segment::trusted(Tone::Dim, format!("  {}", rfc3339_ms(ms))));
    }
    segments
}

/// `name  value` rows with the names padded to one width; "(none)" when there are none.
fn table(lines: &mut DetailLines, rows: Vec<(&str, Vec<Segment>)>) {
    if rows.is_empty() {
        lines.push(vec![Segment::trusted(Tone::Dim, "  (none)")]);
        return;
    }
    let names: Vec<Segment> = rows
        .iter()
        .map(|(name, _)| Segment::untrusted(Tone::Label, name))
        .collect();
    let width = names.iter().map(|n| n.text.width()).max().unwrap_or(0);
    for (mut name, (_, value)) in names.into_iter().zip(rows) {
        let pad = width - name.text.width();
        name.text = format!("  {}{}  ", name.text, " ".repeat(pad));
        let mut line = vec![name];
        line.extend(value);
        lines.push(line);
    }
}

#[cfg(test)]
pub(crate) mod tests;
