//! One simulated SQS queue: its messages in arrival order, visibility, delay, retention,
//! FIFO groups and deduplication, and the receive that dead-letters a message once it has
//! been received `maxReceiveCount` times — what SQS does, in memory.

use std::collections::{BTreeMap, BTreeSet};

use super::metrics::{QueueGauges, QueueMetrics};
use super::rng::SplitMix64;
use super::spec::QueueSpec;
use super::stored::{Incoming, StoredMessage, valid_body_text};
use crate::domain::md5::md5_hex;
use crate::domain::message::ReceivedMessage;

/// FIFO queues drop a message whose deduplication id was seen in the last five minutes.
const DEDUP_WINDOW_MS: i64 = 5 * 60 * 1000;
/// The longest visibility timeout and delay SQS accepts.
pub(super) const MAX_VISIBILITY_S: u32 = 12 * 3600;
pub(super) const MAX_DELAY_S: u32 = 900;
/// A purge takes up to a minute; another one inside it is refused.
const PURGE_INTERVAL_MS: i64 = 60_000;
const HANDLE_PREFIX: &str = "AQEBsim";

/// Why SQS refused one message or one handle: an AWS error code and its message.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(super) struct Refusal {
    pub code: &'static str,
    pub message: String,
}

impl Refusal {
    pub fn new(code: &'static str, message: impl Into<String>) -> Refusal {
        Refusal {
            code,
            message: message.into(),
        }
    }
}

/// What became of a message handed to `enqueue`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(super) enum Enqueued {
    Added(String),
    /// A FIFO duplicate inside the deduplication window: SQS answers with the first
    /// message's id and keeps one copy.
    Duplicate(String),
}

impl Enqueued {
    pub fn message_id(&self) -> &str {
        match self {
            Enqueued::Added(id) | Enqueued::Duplicate(id) => id,
        }
    }
}

/// What a receive handed out, and what it moved out for the DLQ instead.
#[derive(Debug, Default)]
pub(super) struct Received {
    /// What `ReceiveMessage` returns (left empty for a consumer's receive: see `Taken`).
    pub messages: Vec<ReceivedMessage>,
    /// Every message handed out: its new receipt handle, and whether it is poison (only
    /// the simulated consumers look).
    pub taken: Vec<Taken>,
    pub dead_letters: Vec<Incoming>,
}

#[derive(Debug, Clone)]
pub(super) struct Taken {
    pub receipt_handle: String,
    pub message_id: String,
    pub poison: bool,
}

/// Who receives: an API caller gets whole messages; a simulated consumer needs only the
/// handles, and copying bodies it never reads would be most of the world's work.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Receiver {
    Api,
    Consumer,
}

#[derive(Debug, Clone)]
pub(super) struct SimQueue {
    pub spec: QueueSpec,
    pub arn: String,
    /// By arrival order; the key is also in every receipt handle.
    messages: BTreeMap<u64, StoredMessage>,
    next_key: u64,
    /// FIFO: deduplication id → (window end, message id).
    dedup: BTreeMap<String, (i64, String)>,
    last_purge_ms: Option<i64>,
    pub metrics: QueueMetrics,
}

impl SimQueue {
    pub fn new(spec: QueueSpec, arn: String, metric_capacity: usize) -> SimQueue {
        SimQueue {
            spec,
            arn,
            messages: BTreeMap::new(),
            next_key: 0,
            dedup: BTreeMap::new(),
            last_purge_ms: None,
            metrics: QueueMetrics::new(metric_capacity),
        }
    }

    pub fn is_empty(&self) -> bool {
        self.messages.is_empty()
    }

    /// Checks a message the way `SendMessage` does, without adding it.
    pub fn validate(&self, incoming: &Incoming) -> Result<(), Refusal> {
        if incoming.body.is_empty() {
            return Err(Refusal::new(
                "MissingParameter",
                "The request must contain the parameter MessageBody.",
            ));
        }
        if !valid_body_text(&incoming.body) {
            return Err(Refusal::new(
                "InvalidMessageContents",
                "Invalid characters found. Valid unicode characters are #x9 | #xA | #xD | #x20 to #xD7FF | #xE000 to #xFFFD | #x10000 to #x10FFFF",
            ));
        }
        if incoming.size() > self.spec.max_message_size {
            return Err(Refusal::new(
                "InvalidParameterValue",
                format!(
                    "One or more parameters are invalid. Reason: Message must be shorter than {} bytes.",
                    self.spec.max_message_size
                ),
            ));
        }
        if incoming.message_attributes.len() > 10 {
            return Err(Refusal::new(
                "InvalidParameterValue",
                "Number of message attributes [11] exceeds the allowed maximum [10].",
            ));
        }
        if let Some((name, _)) = incoming
            .message_attributes
            .iter()
            .find(|(_, v)| v.string_value.is_none() && v.binary_value.is_none())
        {
            return Err(Refusal::new(
                "InvalidParameterValue",
                format!("Message attribute '{name}' must contain a non-empty value."),
            ));
        }
        if incoming.delay_s.is_some_and(|d| d > MAX_DELAY_S) {
            return Err(Refusal::new(
                "InvalidParameterValue",
                "Value for parameter DelaySeconds is invalid. Reason: must be between 0 and 900.",
            ));
        }
        if self.spec.fifo {
            if incoming.group_id.is_none() {
                return Err(Refusal::new(
                    "MissingParameter",
                    "The request must contain the parameter MessageGroupId.",
                ));
            }
            if incoming.dedup_id.is_none() && !self.spec.content_based_deduplication {
                return Err(Refusal::new(
                    "InvalidParameterValue",
                    "The queue should either have ContentBasedDeduplication enabled or MessageDeduplicationId provided explicitly",
                ));
            }
            if incoming.delay_s.is_some_and(|d| d > 0) {
                return Err(Refusal::new(
                    "InvalidParameterValue",
                    "Value for parameter DelaySeconds is invalid. Reason: The request include parameter that is not valid for this queue type.",
                ));
            }
        } else if incoming.dedup_id.is_some() {
            return Err(Refusal::new(
                "InvalidParameterValue",
                "The request include parameter MessageDeduplicationId that is not valid for this queue type",
            ));
        }
        Ok(())
    }

    /// Adds a message that passed `validate`, or recognises a FIFO duplicate. A message
    /// SQS moves itself (a dead letter) skips deduplication.
    pub fn enqueue(&mut self, mut incoming: Incoming, now_ms: i64, deduplicate: bool) -> Enqueued {
        if self.spec.fifo && deduplicate {
            let dedup_id = incoming
                .dedup_id
                .get_or_insert_with(|| md5_hex(incoming.body.as_bytes()))
                .clone();
            if let Some((until, first_id)) = self.dedup.get(&dedup_id)
                && *until > now_ms
            {
                return Enqueued::Duplicate(first_id.clone());
            }
            self.dedup
                .insert(dedup_id, (now_ms + DEDUP_WINDOW_MS, incoming.id.clone()));
        }
        let delay_s = incoming.delay_s.unwrap_or(self.spec.delay_s);
        let key = self.next_key;
        self.next_key += 1;
        // Standard queues keep a dead letter's original enqueue time (its retention runs
        // on); FIFO queues restart it (SQS developer guide, dead-letter queue retention).
        let retention_start = if self.spec.fifo || incoming.dlq_source_arn.is_none() {
            now_ms
        } else {
            incoming.sent_ms
        };
        let id = incoming.id.clone();
        let stored = StoredMessage {
            md5_of_body: None,
            enqueued_ms: now_ms,
            expires_ms: retention_start + i64::from(self.spec.retention_s) * 1000,
            visible_at_ms: now_ms + i64::from(delay_s) * 1000,
            receipt: None,
            sequence_number: self
                .spec
                .fifo
                .then(|| format!("{}", 10u128.pow(19) + u128::from(key))),
            message: incoming,
        };
        self.messages.insert(key, stored);
        Enqueued::Added(id)
    }

    /// Marks a stored message as received once already, hidden until `visible_at_ms`
    /// (used to lay out a world's starting state: messages a consumer is working on).
    pub fn hold_last(&mut self, visible_at_ms: i64, receive_ms: i64, rng: &mut SplitMix64) {
        if let Some((&key, stored)) = self.messages.iter_mut().next_back() {
            stored.message.receive_count += 1;
            stored.message.first_receive_ms.get_or_insert(receive_ms);
            stored.visible_at_ms = visible_at_ms;
            stored.receipt = Some(new_handle(key, stored.message.receive_count, rng));
        }
    }

    /// `ReceiveMessage`: up to `max` visible messages, hidden for `visibility_s`. A message
    /// already received `max_receive_count` times goes to the DLQ instead (the caller puts
    /// it there). FIFO: a group with a message in flight yields nothing until it is back.
    pub fn receive(
        &mut self,
        now_ms: i64,
        max: usize,
        visibility_s: u32,
        max_receive_count: Option<u32>,
        rng: &mut SplitMix64,
        receiver: Receiver,
    ) -> Received {
        let blocked: BTreeSet<String> = if self.spec.fifo {
            self.messages
                .values()
                .filter(|m| !m.is_visible(now_ms))
                .filter_map(|m| m.message.group_id.clone())
                .collect()
        } else {
            BTreeSet::new()
        };
        let mut received = Received::default();
        let mut dead_keys = Vec::new();
        for (&key, stored) in self.messages.iter_mut() {
            if received.taken.len() >= max {
                break;
            }
            if !stored.is_visible(now_ms)
                || stored
                    .message
                    .group_id
                    .as_ref()
                    .is_some_and(|g| blocked.contains(g))
            {
                continue;
            }
            if max_receive_count.is_some_and(|limit| stored.message.receive_count >= limit) {
                dead_keys.push(key);
                continue;
            }
            let message = &mut stored.message;
            message.receive_count += 1;
            message.first_receive_ms.get_or_insert(now_ms);
            stored.receipt = Some(new_handle(key, message.receive_count, rng));
            stored.visible_at_ms = now_ms + i64::from(visibility_s) * 1000;
            stored.message.materialize();
            if receiver == Receiver::Api {
                if stored.md5_of_body.is_none() {
                    stored.md5_of_body = Some(md5_hex(stored.message.body.as_bytes()));
                }
                received.messages.push(stored.to_received());
            }
            received.taken.push(Taken {
                receipt_handle: stored.receipt.clone().unwrap_or_default(),
                message_id: stored.message.id.clone(),
                poison: stored.message.poison,
            });
        }
        for key in dead_keys {
            if let Some(stored) = self.messages.remove(&key) {
                received.dead_letters.push(stored.message);
            }
        }
        let counters = &mut self.metrics.counters;
        if received.taken.is_empty() {
            counters.empty_receives += 1;
        }
        counters.received += received.taken.len() as u64;
        self.metrics.touched(now_ms);
        received
    }

    /// `DeleteMessage`: the latest handle deletes; an older one "succeeds" and does
    /// nothing, as SQS documents; a handle SQS never issued is refused.
    pub fn delete(&mut self, handle: &str, now_ms: i64) -> Result<bool, Refusal> {
        let key = handle_key(handle)?;
        self.metrics.touched(now_ms);
        let current = self
            .messages
            .get(&key)
            .is_some_and(|m| m.receipt.as_deref() == Some(handle));
        if current {
            self.messages.remove(&key);
            self.metrics.counters.deleted += 1;
        }
        Ok(current)
    }

    /// `ChangeMessageVisibility`: only the latest handle of a message in flight counts;
    /// an older handle "succeeds" and does nothing.
    pub fn change_visibility(
        &mut self,
        handle: &str,
        timeout_s: u32,
        now_ms: i64,
    ) -> Result<(), Refusal> {
        let key = handle_key(handle)?;
        if timeout_s > MAX_VISIBILITY_S {
            return Err(Refusal::new(
                "InvalidParameterValue",
                "Value for parameter VisibilityTimeout is invalid. Reason: Must be between 0 and 43200.",
            ));
        }
        self.metrics.touched(now_ms);
        let Some(stored) = self
            .messages
            .get_mut(&key)
            .filter(|m| m.receipt.as_deref() == Some(handle))
        else {
            return Ok(());
        };
        if !stored.is_in_flight(now_ms) {
            return Err(Refusal::new(
                "MessageNotInflight",
                "The message referred to isn't in flight.",
            ));
        }
        stored.visible_at_ms = now_ms + i64::from(timeout_s) * 1000;
        Ok(())
    }

    /// `PurgeQueue`: every message, gone; a second purge within a minute is refused.
    pub fn purge(&mut self, now_ms: i64) -> Result<usize, Refusal> {
        if self
            .last_purge_ms
            .is_some_and(|t| now_ms - t < PURGE_INTERVAL_MS)
        {
            return Err(Refusal::new(
                "AWS.SimpleQueueService.PurgeQueueInProgress",
                format!(
                    "Only one PurgeQueue operation on {} is allowed every 60 seconds.",
                    self.spec.name
                ),
            ));
        }
        self.last_purge_ms = Some(now_ms);
        self.metrics.touched(now_ms);
        let purged = self.messages.len();
        self.messages.clear();
        Ok(purged)
    }

    /// The keys of up to `max` visible messages, oldest first (what a move task reads).
    pub fn visible_keys(&self, now_ms: i64, max: usize) -> Vec<u64> {
        self.messages
            .iter()
            .filter(|(_, m)| m.is_visible(now_ms))
            .take(max)
            .map(|(&k, _)| k)
            .collect()
    }

    pub fn get(&self, key: u64) -> Option<&StoredMessage> {
        self.messages.get(&key)
    }

    /// Takes a message out, its text made if it was deferred.
    pub fn remove(&mut self, key: u64) -> Option<StoredMessage> {
        let mut stored = self.messages.remove(&key)?;
        stored.message.materialize();
        Some(stored)
    }

    pub fn visible_count(&self, now_ms: i64) -> u64 {
        self.messages
            .values()
            .filter(|m| m.is_visible(now_ms))
            .count() as u64
    }

    /// The live counts and the age of the oldest message.
    pub fn gauges(&self, now_ms: i64) -> QueueGauges {
        let mut gauges = QueueGauges::default();
        let mut groups = BTreeSet::new();
        let mut oldest = now_ms;
        for m in self.messages.values() {
            if m.is_visible(now_ms) {
                gauges.visible += 1;
            } else if m.is_in_flight(now_ms) {
                gauges.in_flight += 1;
                if let Some(group) = &m.message.group_id {
                    groups.insert(group.as_str());
                }
            } else {
                gauges.delayed += 1;
            }
            oldest = oldest.min(m.enqueued_ms);
        }
        gauges.groups_in_flight = groups.len() as u64;
        gauges.age_of_oldest_s = u64::try_from((now_ms - oldest) / 1000).unwrap_or(0);
        gauges
    }

    /// Drops messages past retention and deduplication ids past their window.
    pub fn expire(&mut self, now_ms: i64) {
        self.messages.retain(|_, m| m.expires_ms > now_ms);
        self.dedup.retain(|_, (until, _)| *until > now_ms);
    }
}

fn new_handle(key: u64, receive_count: u32, rng: &mut SplitMix64) -> String {
    format!(
        "{HANDLE_PREFIX}{key:x}-{receive_count}-{:016x}",
        rng.next_u64()
    )
}

/// The message key in a receipt handle this world issued.
fn handle_key(handle: &str) -> Result<u64, Refusal> {
    handle
        .strip_prefix(HANDLE_PREFIX)
        .and_then(|rest| rest.split('-').next())
        .and_then(|key| u64::from_str_radix(key, 16).ok())
        .ok_or_else(|| {
            Refusal::new(
                "ReceiptHandleIsInvalid",
                format!("The input receipt handle \"{handle}\" is not a valid receipt handle."),
            )
        })
}
