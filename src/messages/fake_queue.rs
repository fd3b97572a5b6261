//! A small in-memory SQS queue for the engine's unit tests: visibility timeouts on tokio's
//! clock (so tests can pause time), receive counts, a fresh receipt handle per receive,
//! dead-lettering past `maxReceiveCount`, and injectable failures.

use std::collections::BTreeMap;
use std::sync::Mutex;
use std::time::Duration;

use async_trait::async_trait;
use tokio::time::Instant;

use crate::aws::{ApiError, MessageReader, QueueWriter};
use crate::domain::message::{
    BatchOutcome, BatchSuccess, EntryFailure, HandleEntry, MoveTask, OutgoingMessage,
    ReceiveRequest, ReceivedMessage,
};

#[derive(Debug, Clone)]
pub(crate) struct FakeMessage {
    pub id: String,
    pub body: String,
    pub receive_count: u64,
    pub invisible_until: Option<Instant>,
    pub handle: Option<String>,
    pub sent: OutgoingMessage,
}

#[derive(Debug, Default)]
pub(crate) struct State {
    pub messages: Vec<FakeMessage>,
    pub dead_lettered: Vec<FakeMessage>,
    pub max_receive_count: Option<u64>,
    pub receive_calls: usize,
    /// (entries, timeout) of every ChangeMessageVisibilityBatch call.
    pub visibility_calls: Vec<(usize, u32)>,
    pub send_calls: usize,
    next_handle: u64,
    /// The receive with this number (1-based) fails.
    pub fail_receive: Option<usize>,
    /// Every ChangeMessageVisibilityBatch to 0 fails as a whole.
    pub fail_release: bool,
    /// The next receive also hands out one message already held (at-least-once delivery).
    pub redeliver_held: bool,
    /// Bodies whose send fails this many more times (not the sender's fault).
    pub flaky_sends: BTreeMap<String, usize>,
    /// The send call with this number (1-based) fails as a whole.
    pub fail_send: Option<usize>,
    /// Bodies SQS refuses (the sender's fault).
    pub refused_bodies: Vec<String>,
    /// The next this many send calls act, then lose their answer (a dropped connection).
    pub lost_send_answers: usize,
}

#[derive(Debug, Default)]
pub(crate) struct FakeQueue {
    pub state: Mutex<State>,
}

pub(crate) const URL: &str = "https://sqs.us-east-1.amazonaws.com/123456789012/fake";

impl FakeQueue {
    pub(crate) fn with_bodies(bodies: &[&str]) -> FakeQueue {
        let queue = FakeQueue::default();
        {
            let mut state = queue.lock();
            for (i, body) in bodies.iter().enumerate() {
                state.messages.push(FakeMessage {
                    id: format!("id-{i}"),
                    body: (*body).to_string(),
                    receive_count: 0,
                    invisible_until: None,
                    handle: None,
                    sent: plain(body),
                });
            }
        }
        queue
    }

    pub(crate) fn lock(&self) -> std::sync::MutexGuard<'_, State> {
        self.state.lock().expect("fake queue lock")
    }

    pub(crate) fn visible(&self) -> usize {
        let now = Instant::now();
        self.lock()
            .messages
            .iter()
            .filter(|m| m.invisible_until.is_none_or(|t| t <= now))
            .count()
    }

    pub(crate) fn receive_counts(&self) -> Vec<u64> {
        self.lock()
            .messages
            .iter()
            .map(|m| m.receive_count)
            .collect()
    }
}

pub(crate) fn plain(body: &str) -> OutgoingMessage {
    OutgoingMessage {
        id: String::new(),
        body: body.to_string(),
        message_attributes: BTreeMap::new(),
        delay_seconds: None,
        group_id: None,
        deduplication_id: None,
        trace_header: None,
    }
}

fn received(message: &FakeMessage) -> ReceivedMessage {
    let mut attributes = BTreeMap::new();
    attributes.insert(
        "ApproximateReceiveCount".to_string(),
        message.receive_count.to_string(),
    );
    ReceivedMessage {
        message_id: message.id.clone(),
        receipt_handle: message.handle.clone().unwrap_or_default(),
        body: message.body.clone(),
        md5_of_body: None,
        attributes,
        message_attributes: message.sent.message_attributes.clone(),
    }
}

#[async_trait]
impl MessageReader for FakeQueue {
    async fn receive_messages(
        &self,
        _queue_url: &str,
        request: ReceiveRequest,
    ) -> Result<Vec<ReceivedMessage>, ApiError> {
        let now = Instant::now();
        let mut state = self.lock();
        state.receive_calls += 1;
        if state.fail_receive == Some(state.receive_calls) {
            return Err(ApiError::server("ReceiveMessage", "injected").with_status(500));
        }
        let hold = Duration::from_secs(u64::from(request.visibility_timeout_seconds.unwrap_or(30)));
        let mut out = Vec::new();
        if std::mem::take(&mut state.redeliver_held) {
            let held = state
                .messages
                .iter()
                .position(|m| m.invisible_until.is_some_and(|t| t > now));
            if let Some(i) = held {
                state.next_handle += 1;
                let handle = format!("rh-{}", state.next_handle);
                let message = &mut state.messages[i];
                message.receive_count += 1;
                message.handle = Some(handle);
                message.invisible_until = Some(now + hold);
                out.push(received(message));
            }
        }
        let mut i = 0;
        while i < state.messages.len() && out.len() < usize::from(request.max_messages) {
            let visible = state.messages[i].invisible_until.is_none_or(|t| t <= now);
            if !visible {
                i += 1;
                continue;
            }
            if state
                .max_receive_count
                .is_some_and(|max| state.messages[i].receive_count >= max)
            {
                let message = state.messages.remove(i);
                state.dead_lettered.push(message);
                continue;
            }
            state.next_handle += 1;
            let handle = format!("rh-{}", state.next_handle);
            let message = &mut state.messages[i];
            message.receive_count += 1;
            message.handle = Some(handle);
            message.invisible_until = Some(now + hold);
            out.push(received(message));
            i += 1;
        }
        Ok(out)
    }

    async fn change_visibility(
        &self,
        _queue_url: &str,
        entries: &[HandleEntry],
        timeout_seconds: u32,
    ) -> Result<BatchOutcome, ApiError> {
        let now = Instant::now();
        let mut state = self.lock();
        state
            .visibility_calls
            .push((entries.len(), timeout_seconds));
        if timeout_seconds == 0 && state.fail_release {
            return Err(ApiError::server("ChangeMessageVisibilityBatch", "injected"));
        }
        let mut outcome = BatchOutcome::default();
        for entry in entries {
            let found = state
                .messages
                .iter_mut()
                .find(|m| m.handle.as_deref() == Some(entry.receipt_handle.as_str()));
            match found {
                Some(message) => {
                    message.invisible_until =
                        Some(now + Duration::from_secs(u64::from(timeout_seconds)));
                    outcome.successful.push(BatchSuccess {
                        id: entry.id.clone(),
                        message_id: None,
                    });
                }
                None => outcome.failed.push(EntryFailure {
                    id: entry.id.clone(),
                    code: "ReceiptHandleIsInvalid".to_string(),
                    message: "stale".to_string(),
                    sender_fault: true,
                }),
            }
        }
        Ok(outcome)
    }

    async fn list_move_tasks(&self, _source_arn: &str) -> Result<Vec<MoveTask>, ApiError> {
        Ok(Vec::new())
    }
}

#[async_trait]
impl QueueWriter for FakeQueue {
    async fn send_messages(
        &self,
        _queue_url: &str,
        entries: &[OutgoingMessage],
    ) -> Result<BatchOutcome, ApiError> {
        let mut state = self.lock();
        state.send_calls += 1;
        if state.fail_send == Some(state.send_calls) {
            return Err(ApiError::throttled("SendMessageBatch", "injected"));
        }
        let mut outcome = BatchOutcome::default();
        for entry in entries {
            if state.refused_bodies.contains(&entry.body) {
                outcome.failed.push(EntryFailure {
                    id: entry.id.clone(),
                    code: "InvalidMessageContents".to_string(),
                    message: "refused".to_string(),
                    sender_fault: true,
                });
                continue;
            }
            if let Some(left) = state.flaky_sends.get_mut(&entry.body)
                && *left > 0
            {
                *left -= 1;
                outcome.failed.push(EntryFailure {
                    id: entry.id.clone(),
                    code: "InternalError".to_string(),
                    message: "try again".to_string(),
                    sender_fault: false,
                });
                continue;
            }
            let id = format!("id-{}", state.messages.len() + state.dead_lettered.len());
            state.messages.push(FakeMessage {
                id: id.clone(),
                body: entry.body.clone(),
                receive_count: 0,
                invisible_until: None,
                handle: None,
                sent: entry.clone(),
            });
            outcome.successful.push(BatchSuccess {
                id: entry.id.clone(),
                message_id: Some(id),
            });
        }
        if state.lost_send_answers > 0 {
            state.lost_send_answers -= 1;
            return Err(ApiError::connection(
                "SendMessageBatch",
                "connection closed before the answer",
            ));
        }
        Ok(outcome)
    }

    async fn delete_messages(
        &self,
        _queue_url: &str,
        entries: &[HandleEntry],
    ) -> Result<BatchOutcome, ApiError> {
        let mut state = self.lock();
        let mut outcome = BatchOutcome::default();
        for entry in entries {
            let before = state.messages.len();
            state
                .messages
                .retain(|m| m.handle.as_deref() != Some(entry.receipt_handle.as_str()));
            if state.messages.len() < before {
                outcome.successful.push(BatchSuccess {
                    id: entry.id.clone(),
                    message_id: None,
                });
            }
        }
        Ok(outcome)
    }

    async fn purge_queue(&self, _queue_url: &str) -> Result<(), ApiError> {
        self.lock().messages.clear();
        Ok(())
    }
}
