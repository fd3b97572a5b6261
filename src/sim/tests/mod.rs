//! Behaviour of the simulated world through the same traits the engines use, on a manual
//! clock: SQS semantics, SNS fan-out, consumers, move tasks, determinism, scale.

mod async_invoke;
mod consumers;
mod listing;
mod move_tasks;
mod sns;
mod sqs;
mod story;
mod world;

use std::collections::BTreeMap;
use std::sync::Arc;
use std::time::Duration;

use super::clock::ManualClock;
use super::fleet::SimFleet;
use super::spec::FleetSpec;
use super::world::{WorldSettings, queue_arn, queue_url};
use crate::aws::{MessageReader, QueueDirectory, QueueWriter};
use crate::domain::QueueCounts;
use crate::domain::message::{
    AttributeValue, BatchOutcome, HandleEntry, OutgoingMessage, ReceiveRequest, ReceivedMessage,
};

/// A world from `spec` on a manual clock that tests move by hand; catch-up is not capped
/// within a day, so a test can jump ahead and have every step simulated.
pub(super) fn world(spec: FleetSpec) -> (SimFleet, Arc<ManualClock>) {
    let clock = Arc::new(ManualClock::default());
    let settings = WorldSettings {
        max_catch_up_ms: 24 * 3600 * 1000,
        ..WorldSettings::default()
    };
    let fleet = SimFleet::with_settings(spec, 1, clock.clone(), settings);
    (fleet, clock)
}

pub(super) fn seconds(clock: &ManualClock, s: u64) {
    clock.advance(Duration::from_secs(s));
}

pub(super) fn url(name: &str) -> String {
    queue_url(super::world::REGION, name)
}

pub(super) fn arn(name: &str) -> String {
    queue_arn(super::world::REGION, name)
}

pub(super) fn message(id: &str, body: &str) -> OutgoingMessage {
    OutgoingMessage {
        id: id.to_string(),
        body: body.to_string(),
        message_attributes: BTreeMap::new(),
        delay_seconds: None,
        group_id: None,
        deduplication_id: None,
        trace_header: None,
    }
}

pub(super) fn fifo_message(id: &str, body: &str, group: &str) -> OutgoingMessage {
    OutgoingMessage {
        group_id: Some(group.to_string()),
        deduplication_id: Some(format!("dedup-{id}")),
        ..message(id, body)
    }
}

pub(super) async fn send(
    fleet: &SimFleet,
    queue: &str,
    entries: &[OutgoingMessage],
) -> BatchOutcome {
    fleet
        .send_messages(&url(queue), entries)
        .await
        .expect("send")
}

pub(super) async fn receive(
    fleet: &SimFleet,
    queue: &str,
    max: u8,
    visibility: Option<u32>,
) -> Vec<ReceivedMessage> {
    let request = ReceiveRequest {
        max_messages: max,
        wait_seconds: 0,
        visibility_timeout_seconds: visibility,
    };
    fleet
        .receive_messages(&url(queue), request)
        .await
        .expect("receive")
}

pub(super) async fn counts(fleet: &SimFleet, queue: &str) -> QueueCounts {
    fleet
        .describe_queue(&url(queue))
        .await
        .expect("describe")
        .counts
}

pub(super) fn entry(handle: &str) -> HandleEntry {
    HandleEntry {
        id: "e1".to_string(),
        receipt_handle: handle.to_string(),
    }
}

pub(super) fn visible(n: u64) -> QueueCounts {
    QueueCounts {
        visible: n,
        in_flight: 0,
        delayed: 0,
    }
}

pub(super) fn string_attribute(value: &str) -> AttributeValue {
    AttributeValue::string(value)
}
