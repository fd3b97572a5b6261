//! SNS publish on the world: a notification fans out to every confirmed subscription of
//! its topic, through the subscription's filter policy, as the raw message or as the JSON
//! envelope SNS writes. A delivery that fails (the queue is gone, SQS refuses the
//! message) goes to the subscription's own DLQ if it has one.

use super::clock::rfc3339_millis;
use std::collections::BTreeMap;

use super::consumer_logs::LoggedMessage;
use super::filter;
use super::json::ObjectWriter;
use super::rng::SplitMix64;
use super::spec::SubscriptionSpec;
use super::stored::Incoming;
use super::traffic::Draft;
use super::world::{World, aws_error, topic_arn};
use crate::aws::ApiError;
use crate::domain::message::{AttributeValue, OutgoingNotification};
use base64::Engine;
use base64::engine::general_purpose::STANDARD;

const DEDUP_WINDOW_MS: i64 = 5 * 60 * 1000;

/// A subscription's ARN in the simulated account ("PendingConfirmation" until confirmed).
pub(super) fn subscription_arn(region: &str, index: usize, sub: &SubscriptionSpec) -> String {
    if sub.pending {
        "PendingConfirmation".to_string()
    } else {
        format!("{}:{:08x}-sim", topic_arn(region, &sub.topic), index)
    }
}

/// One published notification, as the fan-out sees it.
struct Notification<'a> {
    topic_arn: &'a str,
    message_id: &'a str,
    sequence_number: Option<&'a str>,
    published: &'a OutgoingNotification,
    poison: bool,
}

/// A message attribute as the envelope carries it: `{"Type":"String","Value":"v"}`,
/// binary values in base64.
fn envelope_attribute(value: &AttributeValue) -> String {
    let text = match (&value.string_value, &value.binary_value) {
        (Some(text), _) => text.clone(),
        (None, Some(bytes)) => STANDARD.encode(bytes),
        (None, None) => String::new(),
    };
    ObjectWriter::compact()
        .string("Type", &value.data_type)
        .string("Value", &text)
        .finish()
}

/// What a subscription puts in the queue: the message itself with its attributes (raw),
/// or the envelope with none.
fn subscription_body(
    rng: &mut SplitMix64,
    index: usize,
    sub: &SubscriptionSpec,
    n: &Notification,
    at_ms: i64,
) -> (String, BTreeMap<String, AttributeValue>) {
    if sub.raw {
        (
            n.published.message.clone(),
            n.published.message_attributes.clone(),
        )
    } else {
        (envelope(rng, index, sub, n, at_ms), BTreeMap::new())
    }
}

/// What subscription `index` would have delivered for `draft`, published at `at_ms` (to
/// lay out a world's starting state: messages that arrived before it began).
pub(super) fn delivered_form(
    region: &str,
    rng: &mut SplitMix64,
    index: usize,
    sub: &SubscriptionSpec,
    draft: &Draft,
    at_ms: i64,
) -> (String, BTreeMap<String, AttributeValue>) {
    let fifo = sub.topic.ends_with(".fifo");
    let published = draft.notification(fifo);
    let message_id = rng.uuid();
    let topic_arn = topic_arn(region, &sub.topic);
    let sequence_number =
        fifo.then(|| format!("{}", 10u128.pow(19) + u128::from(rng.below(1 << 40))));
    let notification = Notification {
        topic_arn: &topic_arn,
        message_id: &message_id,
        sequence_number: sequence_number.as_deref(),
        published: &published,
        poison: draft.poison,
    };
    subscription_body(rng, index, sub, &notification, at_ms)
}

/// The JSON SNS delivers when raw message delivery is off, fields in SNS's order and
/// laid out as SNS lays them out.
fn envelope(
    rng: &mut SplitMix64,
    index: usize,
    sub: &SubscriptionSpec,
    n: &Notification,
    at_ms: i64,
) -> String {
    let mut signature = Vec::with_capacity(256);
    for _ in 0..32 {
        signature.extend_from_slice(&rng.next_u64().to_be_bytes());
    }
    // The region the topic is in, as its ARN names it.
    let region = n.topic_arn.split(':').nth(3).unwrap_or_default();
    let mut envelope = ObjectWriter::sns_style();
    envelope
        .plain("Type", "Notification")
        .plain("MessageId", n.message_id);
    if let Some(sequence) = n.sequence_number {
        envelope.plain("SequenceNumber", sequence);
    }
    envelope.plain("TopicArn", n.topic_arn);
    if let Some(subject) = &n.published.subject {
        envelope.string("Subject", subject);
    }
    envelope
        .string("Message", &n.published.message)
        .plain("Timestamp", &rfc3339_millis(at_ms))
        .plain("SignatureVersion", "1")
        .plain("Signature", &STANDARD.encode(signature))
        .plain(
            "SigningCertURL",
            &format!(
                "https://sns.{region}.amazonaws.com/SimpleNotificationService-0000000000000000000000.pem"
            ),
        )
        .plain(
            "UnsubscribeURL",
            &format!(
                "https://sns.{region}.amazonaws.com/?Action=Unsubscribe&SubscriptionArn={}",
                subscription_arn(region, index, sub)
            ),
        );
    let attributes = &n.published.message_attributes;
    if !attributes.is_empty() {
        let mut object = ObjectWriter::compact();
        for (name, value) in attributes {
            object.raw(name, &envelope_attribute(value));
        }
        envelope.raw("MessageAttributes", &object.finish());
    }
    envelope.finish()
}

fn invalid_parameter(message: &str) -> ApiError {
    aws_error("Publish", "InvalidParameter", 400, message)
}

impl World {
    /// `Publish`: returns the SNS message id.
    pub fn publish(
        &mut self,
        topic: usize,
        published: &OutgoingNotification,
        poison: bool,
    ) -> Result<String, ApiError> {
        if published.message.is_empty() {
            return Err(invalid_parameter("Invalid parameter: Empty message"));
        }
        let now = self.now_ms;
        let fifo = self.topics[topic].fifo;
        if fifo && published.group_id.is_none() {
            return Err(invalid_parameter(
                "Invalid parameter: The MessageGroupId parameter is required for FIFO topics",
            ));
        }
        if fifo && published.deduplication_id.is_none() {
            return Err(invalid_parameter(
                "Invalid parameter: The topic should either have ContentBasedDeduplication enabled or MessageDeduplicationId provided explicitly",
            ));
        }
        if !fifo && published.deduplication_id.is_some() {
            return Err(invalid_parameter(
                "Invalid parameter: MessageDeduplicationId is only valid for FIFO topics",
            ));
        }
        let message_id = self.rng.uuid();
        let mut sequence_number = None;
        if let Some(dedup_id) = published.deduplication_id.as_ref().filter(|_| fifo) {
            let sim_topic = &mut self.topics[topic];
            if let Some((until, first)) = sim_topic.dedup.get(dedup_id)
                && *until > now
            {
                return Ok(first.clone());
            }
            sim_topic.dedup.insert(
                dedup_id.clone(),
                (now + DEDUP_WINDOW_MS, message_id.clone()),
            );
            sim_topic.next_sequence += 1;
            sequence_number = Some(format!(
                "{}",
                10u128.pow(19) + u128::from(sim_topic.next_sequence)
            ));
        }
        self.topics[topic].metrics.counters.published += 1;
        let topic_name = self.topics[topic].name.clone();
        let topic_arn = self.topics[topic].arn.clone();
        let notification = Notification {
            topic_arn: &topic_arn,
            message_id: &message_id,
            sequence_number: sequence_number.as_deref(),
            published,
            poison,
        };
        for index in 0..self.subscriptions.len() {
            let sub = &self.subscriptions[index];
            if sub.topic == topic_name && !sub.pending {
                self.deliver(topic, index, &notification);
            }
        }
        Ok(message_id)
    }

    fn deliver(&mut self, topic: usize, index: usize, notification: &Notification) {
        let sub = self.subscriptions[index].clone();
        let published = notification.published;
        if let Some(policy) = &sub.filter_policy
            && !filter::passes(
                policy,
                sub.filter_on_body,
                &published.message_attributes,
                &published.message,
            )
        {
            self.topics[topic].metrics.counters.filtered_out += 1;
            return;
        }
        let delivered = match sub.protocol.as_str() {
            "sqs" => {
                let message = self.formatted(index, &sub, notification, self.now_ms);
                match self.queue_index(&sub.endpoint) {
                    Some(queue) => self
                        .send_one(queue, message.clone())
                        .map_err(|r| (message, r.code.to_string(), r.message)),
                    None => Err((
                        message,
                        "AWS.SimpleQueueService.NonExistentQueue".to_string(),
                        "The specified queue does not exist.".to_string(),
                    )),
                }
                .map(|_| ())
            }
            "lambda" => match self.function_index(&sub.endpoint) {
                Some(function) => {
                    let duration = self.rng.between(40, 180) as f64;
                    let failing = self.fails_async(function);
                    self.functions[function]
                        .metrics
                        .counters
                        .invoked(duration, failing);
                    let logged = [LoggedMessage {
                        message_id: notification.message_id,
                        failed: failing,
                    }];
                    self.log_invocation(function, duration, &logged);
                    if failing {
                        // Lambda accepted the event; it fails later, off SNS's books.
                        // The notification's id too: events published within one ms
                        // are distinct dead letters, with ids of their own.
                        let seed = self.now_ms as u64
                            ^ ((index as u64) << 48)
                            ^ id_seed(notification.message_id);
                        let mut rng = SplitMix64::new(seed);
                        let envelope = envelope(&mut rng, index, &sub, notification, self.now_ms);
                        let arn = subscription_arn(self.region(), index, &sub);
                        self.dead_letter_async(function, &arn, &envelope, rng.next_u64());
                    }
                    Ok(())
                }
                None => {
                    let message = self.formatted(index, &sub, notification, self.now_ms);
                    Err((
                        message,
                        "ResourceNotFoundException".to_string(),
                        "Function not found".to_string(),
                    ))
                }
            },
            // Email, HTTP(S), SMS: outside the simulated account; they accept everything.
            _ => Ok(()),
        };
        let counters = &mut self.topics[topic].metrics.counters;
        match delivered {
            Ok(()) => counters.delivered += 1,
            Err((message, code, text)) => {
                counters.failed += 1;
                self.redrive_to_subscription_dlq(topic, &sub, message, &code, &text);
            }
        }
    }

    /// What the subscription delivers: the message itself with its attributes (raw), or
    /// the envelope with none.
    fn formatted(
        &mut self,
        index: usize,
        sub: &SubscriptionSpec,
        n: &Notification,
        at_ms: i64,
    ) -> Incoming {
        let published = n.published;
        let (body, attributes) = subscription_body(&mut self.rng, index, sub, n, at_ms);
        let id = self.rng.uuid();
        let mut message = Incoming::new(id, body, at_ms);
        message.message_attributes = attributes;
        message.group_id = published.group_id.clone();
        message.dedup_id = published.deduplication_id.clone();
        message.poison = n.poison;
        message
    }

    /// A failed delivery into the subscription's DLQ: what the subscription would have
    /// delivered, with the `ErrorCode`, `ErrorMessage` and `RequestID` attributes SNS adds.
    fn redrive_to_subscription_dlq(
        &mut self,
        topic: usize,
        sub: &SubscriptionSpec,
        mut message: Incoming,
        code: &str,
        text: &str,
    ) {
        let Some(dlq_name) = &sub.dlq else {
            return;
        };
        let request_id = self.rng.uuid();
        let attributes = &mut message.message_attributes;
        attributes.insert("ErrorCode".into(), AttributeValue::string(code));
        attributes.insert("ErrorMessage".into(), AttributeValue::string(text));
        attributes.insert("RequestID".into(), AttributeValue::string(&request_id));
        let redriven = match self.queue_index(dlq_name) {
            Some(dlq) => self.send_one(dlq, message).is_ok(),
            None => false,
        };
        let counters = &mut self.topics[topic].metrics.counters;
        if redriven {
            counters.redriven_to_dlq += 1;
        } else {
            counters.failed_to_redrive_to_dlq += 1;
        }
    }
}

/// A seed drawn from a message id (FNV-1a).
fn id_seed(id: &str) -> u64 {
    id.bytes().fold(0xcbf2_9ce4_8422_2325, |hash, byte| {
        (hash ^ u64::from(byte)).wrapping_mul(0x0100_0000_01b3)
    })
}
