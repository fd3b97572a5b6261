//! The redrive engine end to end on the simulated world: plan, native and manual runs,
//! routing, FIFO order, filters and limits, resume after a killed run. Tokio's clock is
//! paused and the world's clock follows it (a ticker task), so visibility timeouts and
//! move-task rates pass in virtual time.

mod cancel;
mod dedup_window;
mod fifo_stops;
mod invoke;
mod manual;
mod native;
mod resend;
mod resume;
mod shared_dlq;

use std::collections::BTreeMap;
use std::path::PathBuf;
use std::time::Duration;

use tokio_util::sync::CancellationToken;

use super::journal::JournalState;
use super::plan::{ModeChoice, Plan, PlanRequest, plan};
use super::run::{RunOptions, RunProgress, Summary, execute};
use super::{Filter, MoveOptions};
use crate::aws::Backend;
use crate::domain::Queue;
use crate::domain::message::{AttributeValue, OutgoingMessage, ReceiveRequest, ReceivedMessage};
use crate::sim::{FleetSpec, ManualClock, QueueSpec, SimFleet, WorldSettings};

/// A world from `spec` whose clock follows tokio's (paused) clock.
fn world(spec: FleetSpec) -> Backend {
    let clock = ManualClock::following_tokio(ManualClock::DEFAULT_START_MS);
    let settings = WorldSettings {
        max_catch_up_ms: 24 * 3600 * 1000,
        ..WorldSettings::default()
    };
    crate::sim::backend(SimFleet::with_settings(spec, 1, clock, settings))
}

async fn queue(backend: &Backend, name: &str) -> Queue {
    crate::aws::resolve::queue(backend, name)
        .await
        .expect("queue")
}

fn message(i: usize, body: &str) -> OutgoingMessage {
    let mut message_attributes = BTreeMap::new();
    message_attributes.insert("n".to_string(), AttributeValue::number(&i.to_string()));
    message_attributes.insert(
        "kind".to_string(),
        AttributeValue::string(if i.is_multiple_of(2) { "retry" } else { "skip" }),
    );
    message_attributes.insert("blob".to_string(), AttributeValue::binary(vec![0, 1, 255]));
    OutgoingMessage {
        id: i.to_string(),
        body: body.to_string(),
        message_attributes,
        delay_seconds: None,
        group_id: None,
        deduplication_id: None,
        trace_header: Some(format!("Root=1-trace-{i}")),
    }
}

async fn send(backend: &Backend, name: &str, entries: Vec<OutgoingMessage>) {
    let url = queue(backend, name).await.url;
    let writers = backend.writers("test").expect("writers");
    for chunk in entries.chunks(10) {
        let outcome = writers
            .queues
            .send_messages(&url, chunk)
            .await
            .expect("send");
        assert!(outcome.failed.is_empty(), "{:?}", outcome.failed);
    }
}

async fn receive(backend: &Backend, url: &str, visibility: u32) -> Vec<ReceivedMessage> {
    let request = ReceiveRequest {
        max_messages: 10,
        wait_seconds: 0,
        visibility_timeout_seconds: Some(visibility),
    };
    backend
        .messages
        .receive_messages(url, request)
        .await
        .expect("receive")
}

/// Puts what `name` holds into its DLQ the way SQS does (maxReceiveCount 1): receive it
/// once, then once more.
async fn dead_letter_all(backend: &Backend, name: &str) {
    let url = queue(backend, name).await.url;
    while !receive(backend, &url, 0).await.is_empty() {}
    assert_eq!(queue(backend, name).await.counts.visible, 0);
}

/// Everything a queue holds, read and deleted batch by batch (so FIFO groups unblock), in
/// the order received.
async fn take_all(backend: &Backend, name: &str) -> Vec<ReceivedMessage> {
    let url = queue(backend, name).await.url;
    let writers = backend.writers("test").expect("writers");
    let mut all = Vec::new();
    loop {
        let batch = receive(backend, &url, 300).await;
        if batch.is_empty() {
            return all;
        }
        let entries: Vec<_> = batch
            .iter()
            .enumerate()
            .map(|(i, m)| crate::domain::message::HandleEntry {
                id: i.to_string(),
                receipt_handle: m.receipt_handle.clone(),
            })
            .collect();
        writers
            .queues
            .delete_messages(&url, &entries)
            .await
            .expect("delete");
        all.extend(batch);
    }
}

/// What arrived in queue `name` (taken away): how many messages, and how many distinct
/// bodies among them (fewer means a copy arrived).
async fn copies_and_distinct(backend: &Backend, name: &str) -> (usize, usize) {
    let mut bodies: Vec<String> = take_all(backend, name)
        .await
        .into_iter()
        .map(|m| m.body)
        .collect();
    let copies = bodies.len();
    bodies.sort();
    bodies.dedup();
    (copies, bodies.len())
}

fn moves() -> MoveOptions {
    MoveOptions {
        wait_s: 0,
        empty_polls: 2,
        visibility_s: 60,
        ..MoveOptions::default()
    }
}

fn journal_dir(name: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!(
        "squall-redrive-{}-{name}-{}",
        std::process::id(),
        rand_suffix()
    ));
    let _ = std::fs::remove_dir_all(&dir);
    dir
}

fn rand_suffix() -> u128 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| d.as_nanos())
        .unwrap_or(0)
}

async fn plan_for(backend: &Backend, dlq: &str, request: PlanRequest<'_>) -> Plan {
    let dlq = queue(backend, dlq).await;
    plan(backend, &dlq, request).await.expect("plan")
}

async fn run(backend: &Backend, plan: &Plan, options: RunOptions) -> Summary {
    let progress = RunProgress::default();
    execute(
        backend,
        plan,
        &options,
        &progress,
        &CancellationToken::new(),
    )
    .await
    .expect("run")
}

fn options(dir: PathBuf, moves: MoveOptions) -> RunOptions {
    RunOptions {
        moves,
        journal_dir: dir,
        resume: None,
    }
}

fn manual() -> PlanRequest<'static> {
    PlanRequest {
        mode: ModeChoice::Manual,
        ..PlanRequest::default()
    }
}

fn journal_of(summary: &Summary) -> JournalState {
    JournalState::read(summary.journal.as_deref().expect("a journal")).expect("read")
}

fn one_source(name: &str, dlq: &str) -> FleetSpec {
    FleetSpec {
        queues: vec![QueueSpec::new(name).with_dlq(dlq, 1), QueueSpec::new(dlq)],
        ..FleetSpec::default()
    }
}

fn parse_filter(expr: &str) -> Filter {
    Filter::parse(expr).expect("filter")
}
