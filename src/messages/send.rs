//! Sending many messages: batches of at most 10 entries and at most the queue's size limit in
//! total, entries that failed for a reason not their own retried with backoff (a 200 can
//! carry failures), progress after every batch, cancellation between batches.

use std::time::Duration;

use tokio_util::sync::CancellationToken;

use super::outgoing::message_size;
use crate::aws::{ApiError, QueueWriter};
use crate::domain::message::{BatchOutcome, OutgoingMessage};

/// SendMessageBatch takes at most 10 entries.
pub const MAX_BATCH_ENTRIES: usize = 10;
/// Tries per entry that fails for a reason not the sender's (throttling, an internal error).
pub const ATTEMPTS: u32 = 4;
const FIRST_BACKOFF: Duration = Duration::from_millis(200);

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Sent {
    /// Position in the list given to `send_all`.
    pub index: usize,
    pub message_id: String,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NotSent {
    pub index: usize,
    pub code: String,
    pub message: String,
}

#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct SendProgress {
    pub sent: usize,
    pub failed: usize,
    pub total: usize,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum SendEnd {
    /// Every message was tried; `failed` lists the ones SQS refused.
    Done,
    Cancelled,
    /// A call failed as a whole (after the SDK's own retries); later messages were not tried.
    Failed(ApiError),
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SendReport {
    pub sent: Vec<Sent>,
    pub failed: Vec<NotSent>,
    /// Messages never tried (cancelled, or a call failed), by index.
    pub not_tried: Vec<usize>,
    pub end: SendEnd,
}

/// Splits messages into batches: at most 10 entries and at most `max_batch_bytes` in total (a
/// message larger than that goes alone, and SQS decides). Order is kept.
pub fn batches(messages: &[OutgoingMessage], max_batch_bytes: usize) -> Vec<Vec<usize>> {
    let mut batches: Vec<Vec<usize>> = Vec::new();
    let mut current: Vec<usize> = Vec::new();
    let mut bytes = 0;
    for (index, message) in messages.iter().enumerate() {
        let size = message_size(message);
        if !current.is_empty()
            && (current.len() == MAX_BATCH_ENTRIES || bytes + size > max_batch_bytes)
        {
            batches.push(std::mem::take(&mut current));
            bytes = 0;
        }
        current.push(index);
        bytes += size;
    }
    if !current.is_empty() {
        batches.push(current);
    }
    batches
}

/// Sends `messages` to `queue_url` in order. Entry ids are the messages' indexes (`m{i}`), so
/// the caller's own ids do not matter.
pub async fn send_all(
    writer: &dyn QueueWriter,
    queue_url: &str,
    messages: &[OutgoingMessage],
    max_batch_bytes: usize,
    cancel: &CancellationToken,
    on_progress: &mut (dyn FnMut(&SendProgress) + Send),
) -> SendReport {
    let mut report = SendReport {
        sent: Vec::new(),
        failed: Vec::new(),
        not_tried: Vec::new(),
        end: SendEnd::Done,
    };
    let mut progress = SendProgress {
        total: messages.len(),
        ..SendProgress::default()
    };
    let all = batches(messages, max_batch_bytes);
    for (number, batch) in all.iter().enumerate() {
        if cancel.is_cancelled() {
            report.end = SendEnd::Cancelled;
        }
        if report.end != SendEnd::Done {
            report.not_tried.extend(all[number..].iter().flatten());
            break;
        }
        let mut pending: Vec<usize> = batch.clone();
        for attempt in 1..=ATTEMPTS {
            let entries: Vec<OutgoingMessage> = pending
                .iter()
                .map(|&i| OutgoingMessage {
                    id: format!("m{i}"),
                    ..messages[i].clone()
                })
                .collect();
            let outcome = match writer.send_messages(queue_url, &entries).await {
                Ok(outcome) => outcome,
                Err(error) => {
                    report.not_tried.extend(&pending);
                    report.end = SendEnd::Failed(error);
                    break;
                }
            };
            let retry = record(outcome, attempt, &mut report);
            if retry.is_empty() {
                break;
            }
            tokio::time::sleep(FIRST_BACKOFF * 2u32.pow(attempt - 1)).await;
            pending = retry;
        }
        progress.sent = report.sent.len();
        progress.failed = report.failed.len();
        on_progress(&progress);
    }
    report.sent.sort_by_key(|s| s.index);
    report.failed.sort_by_key(|f| f.index);
    report.not_tried.sort_unstable();
    report
}

/// Records what a batch call sent and what it refused for good; returns the indexes worth
/// another attempt (SQS's own faults, before the last attempt).
fn record(outcome: BatchOutcome, attempt: u32, report: &mut SendReport) -> Vec<usize> {
    for success in outcome.successful {
        if let Some(index) = entry_index(&success.id) {
            report.sent.push(Sent {
                index,
                message_id: success.message_id.unwrap_or_default(),
            });
        }
    }
    let mut retry = Vec::new();
    for failure in outcome.failed {
        let Some(index) = entry_index(&failure.id) else {
            continue;
        };
        if failure.sender_fault || attempt == ATTEMPTS {
            report.failed.push(NotSent {
                index,
                code: failure.code,
                message: failure.message,
            });
        } else {
            retry.push(index);
        }
    }
    retry
}

fn entry_index(id: &str) -> Option<usize> {
    id.strip_prefix('m').and_then(|n| n.parse().ok())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::messages::fake_queue::{FakeQueue, URL, plain};

    fn messages(n: usize) -> Vec<OutgoingMessage> {
        (0..n).map(|i| plain(&format!("body-{i}"))).collect()
    }

    async fn send(queue: &FakeQueue, list: &[OutgoingMessage]) -> (SendReport, Vec<SendProgress>) {
        let mut seen = Vec::new();
        let report = send_all(
            queue,
            URL,
            list,
            1_048_576,
            &CancellationToken::new(),
            &mut |p| seen.push(*p),
        )
        .await;
        (report, seen)
    }

    #[test]
    fn batches_hold_at_most_ten_entries_and_the_size_limit() {
        let list = messages(23);
        let sizes: Vec<usize> = batches(&list, 1_048_576).iter().map(Vec::len).collect();
        assert_eq!(sizes, vec![10, 10, 3]);
        // "body-N" is 6 bytes: 20 bytes hold three of them.
        let small: Vec<Vec<usize>> = batches(&list[..5], 20);
        assert_eq!(small, vec![vec![0, 1, 2], vec![3, 4]]);
        let big = vec![plain(&"x".repeat(30)), plain("y")];
        assert_eq!(batches(&big, 20), vec![vec![0], vec![1]]);
    }

    #[tokio::test]
    async fn every_message_is_sent_once_in_order_with_progress() {
        let queue = FakeQueue::default();
        let list = messages(25);
        let (report, progress) = send(&queue, &list).await;
        assert_eq!(report.end, SendEnd::Done);
        assert_eq!(report.sent.len(), 25);
        assert!(report.failed.is_empty());
        let bodies: Vec<String> = queue
            .lock()
            .messages
            .iter()
            .map(|m| m.body.clone())
            .collect();
        let expected: Vec<String> = list.iter().map(|m| m.body.clone()).collect();
        assert_eq!(bodies, expected);
        let sent: Vec<usize> = progress.iter().map(|p| p.sent).collect();
        assert_eq!(sent, vec![10, 20, 25]);
    }

    #[tokio::test(start_paused = true)]
    async fn transient_entry_failures_are_retried_and_refusals_reported() {
        let queue = FakeQueue::default();
        {
            let mut state = queue.lock();
            state.flaky_sends.insert("body-3".to_string(), 2);
            state.flaky_sends.insert("body-4".to_string(), 10);
            state.refused_bodies.push("body-5".to_string());
        }
        let (report, _) = send(&queue, &messages(7)).await;
        let sent: Vec<usize> = report.sent.iter().map(|s| s.index).collect();
        assert_eq!(sent, vec![0, 1, 2, 3, 6]);
        let failed: Vec<(usize, &str)> = report
            .failed
            .iter()
            .map(|f| (f.index, f.code.as_str()))
            .collect();
        assert_eq!(
            failed,
            vec![(4, "InternalError"), (5, "InvalidMessageContents")]
        );
        assert_eq!(queue.lock().send_calls, ATTEMPTS as usize);
        // body-3 went out once, not three times.
        let copies = queue
            .lock()
            .messages
            .iter()
            .filter(|m| m.body == "body-3")
            .count();
        assert_eq!(copies, 1);
    }

    #[tokio::test]
    async fn cancelling_stops_between_batches_and_names_what_was_not_tried() {
        let queue = FakeQueue::default();
        let cancel = CancellationToken::new();
        let list = messages(25);
        let token = cancel.clone();
        let report = send_all(&queue, URL, &list, 1_048_576, &cancel, &mut |p| {
            if p.sent >= 10 {
                token.cancel();
            }
        })
        .await;
        assert_eq!(report.end, SendEnd::Cancelled);
        assert_eq!(report.sent.len(), 10);
        assert_eq!(report.not_tried, (10..25).collect::<Vec<_>>());
        assert_eq!(queue.lock().messages.len(), 10);
    }

    #[tokio::test]
    async fn a_failed_call_stops_the_send_and_names_what_was_not_tried() {
        let queue = FakeQueue::default();
        queue.lock().fail_send = Some(2);
        let (report, _) = send(&queue, &messages(25)).await;
        assert!(matches!(report.end, SendEnd::Failed(ref e) if e.operation == "SendMessageBatch"));
        assert_eq!(report.sent.len(), 10);
        assert_eq!(report.not_tried, (10..25).collect::<Vec<_>>());
    }
}
