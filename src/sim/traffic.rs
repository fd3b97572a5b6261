//! Producers: what publishes and sends in the simulated world, at the rates the traffic
//! data says. A message is drawn from its producer's template: a JSON body naming the
//! entity, the drawn attributes (also in the body, so body filters work), FIFO group and
//! deduplication ids.

use std::collections::BTreeMap;

use super::clock::rfc3339_millis;
use super::json::ObjectWriter;
use super::rng::SplitMix64;
use super::spec::{AttributeDraw, MessageTemplate, Target};
use super::stored::Incoming;
use super::world::World;
use crate::domain::message::{AttributeValue, OutgoingNotification};

/// One drawn message, before it is published or sent.
#[derive(Debug, Clone, PartialEq)]
pub(super) struct Draft {
    pub event_id: String,
    pub body: String,
    pub attributes: BTreeMap<String, AttributeValue>,
    pub subject: Option<String>,
    pub group_id: Option<String>,
    pub poison: bool,
    pub trace_header: Option<String>,
    pub delay_s: u32,
}

impl Draft {
    /// As an SNS publish (FIFO topics take a group and a deduplication id).
    pub fn notification(&self, fifo: bool) -> OutgoingNotification {
        OutgoingNotification {
            message: self.body.clone(),
            subject: self.subject.clone(),
            message_attributes: self.attributes.clone(),
            group_id: self.group_id.clone().filter(|_| fifo),
            deduplication_id: fifo.then(|| self.event_id.clone()),
        }
    }

    /// As an SQS send.
    pub fn incoming(&self, id: String, now_ms: i64, fifo: bool) -> Incoming {
        Incoming {
            message_attributes: self.attributes.clone(),
            group_id: self.group_id.clone().filter(|_| fifo),
            dedup_id: fifo.then(|| self.event_id.clone()),
            trace_header: self.trace_header.clone(),
            delay_s: (self.delay_s > 0 && !fifo).then_some(self.delay_s),
            poison: self.poison,
            ..Incoming::new(id, self.body.clone(), now_ms)
        }
    }
}

/// Draws one message from a template.
pub(super) fn draw(template: &MessageTemplate, rng: &mut SplitMix64, now_ms: i64) -> Draft {
    let event_id = rng.uuid();
    let mut attributes = BTreeMap::new();
    let mut body = ObjectWriter::compact();
    body.plain("eventId", &event_id);
    let entity_number = rng.between(10_000, 99_999);
    body.plain(
        &format!("{}Id", template.entity),
        &format!("{}-{entity_number}", template.entity),
    );
    for (name, how) in &template.attributes {
        let value = match how {
            AttributeDraw::OneOf(values) if values.is_empty() => continue,
            AttributeDraw::OneOf(values) => {
                let pick = &values[rng.below(values.len() as u64) as usize];
                body.string(name, pick);
                AttributeValue::string(pick)
            }
            AttributeDraw::Number { min, max } => {
                let n = rng.between(*min, *max).to_string();
                body.raw(name, &n);
                AttributeValue::number(&n)
            }
            AttributeDraw::Fixed(value) => value.clone(),
        };
        attributes.insert(name.clone(), value);
    }
    body.plain("occurredAt", &rfc3339_millis(now_ms));
    let group = rng.below(u64::from(template.groups.max(1)));
    let poison = rng.chance(template.poison_fraction);
    let traced = rng.chance(template.traced_fraction);
    let trace_header = traced.then(|| {
        format!(
            "Root=1-{:08x}-{:024x};Parent={:016x};Sampled=1",
            now_ms / 1000,
            u128::from(rng.next_u64()) << 32 | u128::from(rng.next_u64() >> 32),
            rng.next_u64()
        )
    });
    Draft {
        event_id,
        body: body.finish(),
        attributes,
        subject: template.subject.clone(),
        group_id: Some(format!("{}-{group}", template.entity)),
        poison,
        trace_header,
        delay_s: template.delay_s,
    }
}

impl World {
    /// Each producer publishes or sends its share of messages for this step.
    pub(super) fn run_producers(&mut self, seconds: f64) {
        let producers = std::mem::take(&mut self.traffic.producers);
        for producer in &producers {
            let per_minute = producer.per_minute_at(self.now_ms - self.start_ms);
            let count = self.rng.count(per_minute / 60.0 * seconds);
            for _ in 0..count {
                let draft = draw(&producer.template, &mut self.rng, self.now_ms);
                self.produce(&producer.target, &draft);
            }
        }
        self.traffic.producers = producers;
    }

    /// One drawn message to its target; a target that does not exist swallows it.
    pub(super) fn produce(&mut self, target: &Target, draft: &Draft) {
        match target {
            Target::Topic(name) => {
                let Some(topic) = self.topics.iter().position(|t| &t.name == name) else {
                    return;
                };
                let fifo = self.topics[topic].fifo;
                // A refused publish is the producer's problem, not the world's.
                let _ = self.publish(topic, &draft.notification(fifo), draft.poison);
            }
            Target::Queue(name) => {
                let Some(queue) = self.queue_index(name) else {
                    return;
                };
                let id = self.rng.uuid();
                let fifo = self.queues[queue].spec.fifo;
                let _ = self.send_one(queue, draft.incoming(id, self.now_ms, fifo));
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::Value;

    #[test]
    fn drafts_carry_their_attributes_in_the_body_too() {
        let template = MessageTemplate::new("order")
            .one_of("type", &["order_placed"])
            .number("amount", 5, 5);
        let draft = draw(&template, &mut SplitMix64::new(1), 0);
        let body: Value = serde_json::from_str(&draft.body).expect("json");
        assert_eq!(body["type"], "order_placed");
        assert_eq!(body["amount"], 5);
        assert!(
            body["orderId"]
                .as_str()
                .is_some_and(|id| id.starts_with("order-"))
        );
        assert_eq!(draft.attributes["amount"], AttributeValue::number("5"));
        assert_eq!(body["eventId"], draft.event_id.as_str());
        let fifo = draft.notification(true);
        assert_eq!(
            fifo.deduplication_id.as_deref(),
            Some(draft.event_id.as_str())
        );
        assert!(draft.notification(false).group_id.is_none());
    }
}
