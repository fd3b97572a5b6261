//! A message as a simulated queue holds it, and as a receive hands it out: body byte for
//! byte, message attributes, and every system attribute SQS sets.

use std::collections::BTreeMap;
use std::sync::Arc;

use super::rng::SplitMix64;
use crate::domain::message::{AttributeValue, ReceivedMessage};

/// The account id SQS names as the sender of every simulated message.
const SENDER_ID: &str = "AIDASIMULATEDSENDER01";

/// The text of a message and what goes with it, made by a `Recipe`.
#[derive(Debug, Clone, Default)]
pub(super) struct Rendered {
    pub body: String,
    pub message_attributes: BTreeMap<String, AttributeValue>,
    pub poison: bool,
}

/// Makes a message's text from a random number generator and the time it was sent.
pub(super) type Recipe = Arc<dyn Fn(&mut SplitMix64, i64) -> Rendered + Send + Sync>;

/// A body not written yet. Laying out a world's starting state makes thousands of
/// messages most of which nobody reads for minutes, so their text is made on first read,
/// from a recipe and a seed drawn in order: the same text as if it had been made at once.
#[derive(Clone)]
pub(super) struct Deferred {
    pub recipe: Recipe,
    pub seed: u64,
    pub sent_ms: i64,
}

impl std::fmt::Debug for Deferred {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "Deferred(seed {})", self.seed)
    }
}

/// A message on its way into a queue (a send, an SNS delivery, a dead-letter move, a
/// move task), before the queue gives it a place.
#[derive(Debug, Clone)]
pub(super) struct Incoming {
    pub id: String,
    pub body: String,
    pub message_attributes: BTreeMap<String, AttributeValue>,
    /// `SentTimestamp`: now for a send; the original one for a standard queue's dead letter.
    pub sent_ms: i64,
    /// Per-message delay; `None` takes the queue's.
    pub delay_s: Option<u32>,
    pub group_id: Option<String>,
    pub dedup_id: Option<String>,
    pub trace_header: Option<String>,
    pub dlq_source_arn: Option<String>,
    /// Carried over by a dead-letter move; 0 for a new message.
    pub receive_count: u32,
    pub first_receive_ms: Option<i64>,
    /// Simulation only, never shown: a buggy consumer fails this message.
    pub poison: bool,
    /// Set while `body`, `message_attributes` and `poison` are still to be made.
    pub deferred: Option<Deferred>,
}

impl Incoming {
    pub fn new(id: String, body: String, sent_ms: i64) -> Incoming {
        Incoming {
            id,
            body,
            message_attributes: BTreeMap::new(),
            sent_ms,
            delay_s: None,
            group_id: None,
            dedup_id: None,
            trace_header: None,
            dlq_source_arn: None,
            receive_count: 0,
            first_receive_ms: None,
            poison: false,
            deferred: None,
        }
    }

    /// Makes a deferred body now (anything that reads the text calls this first).
    pub fn materialize(&mut self) {
        if let Some(deferred) = self.deferred.take() {
            let mut rng = SplitMix64::new(deferred.seed);
            let rendered = (deferred.recipe)(&mut rng, deferred.sent_ms);
            self.body = rendered.body;
            self.message_attributes.extend(rendered.message_attributes);
            self.poison = rendered.poison;
        }
    }

    /// Bytes SQS counts toward the size limit.
    pub fn size(&self) -> usize {
        crate::domain::message::sqs_size(&self.body, &self.message_attributes)
    }
}

#[derive(Debug, Clone)]
pub(super) struct StoredMessage {
    pub message: Incoming,
    /// Computed on first receive: most messages of a big backlog are never read.
    pub md5_of_body: Option<String>,
    /// When it entered this queue: the age of oldest message counts from here.
    pub enqueued_ms: i64,
    /// When retention deletes it.
    pub expires_ms: i64,
    /// Hidden (delayed or in flight) until then.
    pub visible_at_ms: i64,
    /// The latest receipt handle; `None` until first received in this queue.
    pub receipt: Option<String>,
    /// FIFO only.
    pub sequence_number: Option<String>,
}

impl StoredMessage {
    pub fn is_visible(&self, now_ms: i64) -> bool {
        self.visible_at_ms <= now_ms
    }

    pub fn is_in_flight(&self, now_ms: i64) -> bool {
        self.receipt.is_some() && !self.is_visible(now_ms)
    }

    /// What `ReceiveMessage` with every attribute returns.
    pub fn to_received(&self) -> ReceivedMessage {
        let m = &self.message;
        let mut attributes = BTreeMap::new();
        let mut put = |name: &str, value: String| {
            attributes.insert(name.to_string(), value);
        };
        put("SenderId", SENDER_ID.to_string());
        put("SentTimestamp", m.sent_ms.to_string());
        put("ApproximateReceiveCount", m.receive_count.to_string());
        if let Some(first) = m.first_receive_ms {
            put("ApproximateFirstReceiveTimestamp", first.to_string());
        }
        if let Some(group) = &m.group_id {
            put("MessageGroupId", group.clone());
        }
        if let Some(dedup) = &m.dedup_id {
            put("MessageDeduplicationId", dedup.clone());
        }
        if let Some(sequence) = &self.sequence_number {
            put("SequenceNumber", sequence.clone());
        }
        if let Some(source) = &m.dlq_source_arn {
            put("DeadLetterQueueSourceArn", source.clone());
        }
        if let Some(trace) = &m.trace_header {
            put("AWSTraceHeader", trace.clone());
        }
        ReceivedMessage {
            message_id: m.id.clone(),
            receipt_handle: self.receipt.clone().unwrap_or_default(),
            body: m.body.clone(),
            md5_of_body: self.md5_of_body.clone(),
            attributes,
            message_attributes: m.message_attributes.clone(),
        }
    }
}

/// Whether SQS accepts this text as a body: XML 1.0 characters only (`#x9 #xA #xD`,
/// `#x20-#xD7FF`, `#xE000-#xFFFD`, `#x10000-#x10FFFF`). An ESC byte, for one, is refused.
/// A Rust string holds no surrogates, so what is left to refuse is a control byte other
/// than tab, LF and CR, and U+FFFE / U+FFFF (UTF-8 `EF BF BE` / `EF BF BF`); scanning the
/// bytes keeps this cheap on every send.
pub(super) fn valid_body_text(body: &str) -> bool {
    let bytes = body.as_bytes();
    for (i, &byte) in bytes.iter().enumerate() {
        let refused = match byte {
            b'\t' | b'\n' | b'\r' => false,
            0..=0x1f => true,
            0xef => {
                bytes.get(i + 1) == Some(&0xbf) && matches!(bytes.get(i + 2), Some(0xbe | 0xbf))
            }
            _ => false,
        };
        if refused {
            return false;
        }
    }
    true
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sqs_refuses_control_characters_other_than_tab_and_newlines() {
        assert!(valid_body_text("{\"a\": \"b\"}\n\tok\r"));
        assert!(valid_body_text("unicode ✓ 🚀"));
        assert!(!valid_body_text("\u{1b}]52;c;aGk=\u{7}"));
        assert!(!valid_body_text("nul \u{0}"));
        assert!(!valid_body_text("\u{FFFE}"));
        assert!(!valid_body_text("a\u{FFFF}"));
        assert!(valid_body_text("\u{FFFD} \u{EFFF} \u{F000}"));
    }
}
