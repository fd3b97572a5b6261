//! Sending many messages: batches of at most 10 entries and at most the queue's size limit in
//! total, entries that failed for a reason not their own retried with backoff (a 200 can
//! carry failures), progress after every batch, cancellation between batches.
//!
//! Each batch goes out once per attempt (`send_messages_once`: the SDK does not resend it on
//! its own). An attempt whose answer was lost after SQS may have acted is tried again and
//! counted: each such attempt may have left a copy, reported as a suspected duplicate once
//! the message is sent (a FIFO queue drops a resend with the same deduplication id within
//! five minutes, so there none is). A message no attempt of which got an answer is
//! reported possibly sent.

use std::collections::BTreeMap;
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
    /// Messages whose sends all went without an answer (SQS may have acted): each may be
    /// in the queue, or not. By index.
    pub possibly_sent: Vec<usize>,
    /// Copies beyond one that sends whose answer was lost may have made.
    pub duplicates_suspected: u64,
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
        possibly_sent: Vec::new(),
        duplicates_suspected: 0,
        end: SendEnd::Done,
    };
    // A FIFO queue (its name ends in .fifo) drops the retries, seconds apart, as duplicates.
    let fifo = queue_url.ends_with(".fifo");
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
        send_batch(writer, queue_url, messages, batch, fifo, &mut report).await;
        progress.sent = report.sent.len();
        progress.failed = report.failed.len();
        on_progress(&progress);
    }
    report.sent.sort_by_key(|s| s.index);
    report.failed.sort_by_key(|f| f.index);
    report.not_tried.sort_unstable();
    report.possibly_sent.sort_unstable();
    report
}

/// One batch, attempt after attempt: what SQS answered for each entry goes to `report`; an
/// attempt whose answer was lost is tried again and counted; a call refused as a whole ends
/// the send (`report.end`).
async fn send_batch(
    writer: &dyn QueueWriter,
    queue_url: &str,
    messages: &[OutgoingMessage],
    batch: &[usize],
    fifo: bool,
    report: &mut SendReport,
) {
    let mut pending: Vec<usize> = batch.to_vec();
    // Attempts of each message whose answer was lost: each may have made a copy.
    let mut lost: BTreeMap<usize, u64> = BTreeMap::new();
    for attempt in 1..=ATTEMPTS {
        if attempt > 1 {
            tokio::time::sleep(FIRST_BACKOFF * 2u32.pow(attempt - 2)).await;
        }
        let entries: Vec<OutgoingMessage> = pending
            .iter()
            .map(|&i| OutgoingMessage {
                id: format!("m{i}"),
                ..messages[i].clone()
            })
            .collect();
        let outcome = match writer.send_messages_once(queue_url, &entries).await {
            Ok(outcome) => outcome,
            Err(error) if error.answer_may_be_lost() && attempt < ATTEMPTS => {
                tracing::warn!(%error, attempt, "SendMessageBatch answer lost; sending again");
                for &index in &pending {
                    *lost.entry(index).or_default() += 1;
                }
                continue;
            }
            Err(error) => {
                let this_one_lost = error.answer_may_be_lost();
                for index in std::mem::take(&mut pending) {
                    if this_one_lost {
                        *lost.entry(index).or_default() += 1;
                    }
                    if lost.contains_key(&index) {
                        report.duplicates_suspected += copies_beyond(&lost, index, false, fifo);
                        report.possibly_sent.push(index);
                    } else {
                        report.not_tried.push(index);
                    }
                }
                report.end = SendEnd::Failed(error);
                return;
            }
        };
        let retry = take_answers(outcome, &lost, fifo, attempt, report);
        if retry.is_empty() {
            return;
        }
        pending = retry;
    }
}

/// Copies beyond one that a message may have made, given its attempts whose answer was
/// lost and whether it was sent in the end. A FIFO queue drops the resends (the same
/// deduplication id), so there none are counted.
fn copies_beyond(lost: &BTreeMap<usize, u64>, index: usize, sent: bool, fifo: bool) -> u64 {
    let lost = if fifo {
        0
    } else {
        lost.get(&index).copied().unwrap_or(0)
    };
    if sent { lost } else { lost.saturating_sub(1) }
}

/// What SQS answered for each entry of one attempt goes to `report`; returns the entries
/// to try again (failed through no fault of the sender, attempts left).
fn take_answers(
    outcome: BatchOutcome,
    lost: &BTreeMap<usize, u64>,
    fifo: bool,
    attempt: u32,
    report: &mut SendReport,
) -> Vec<usize> {
    for success in outcome.successful {
        if let Some(index) = entry_index(&success.id) {
            report.duplicates_suspected += copies_beyond(lost, index, true, fifo);
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
        if !failure.sender_fault && attempt < ATTEMPTS {
            retry.push(index);
        } else if lost.contains_key(&index) && !failure.sender_fault {
            // Refused now, but an earlier attempt may have got through.
            report.duplicates_suspected += copies_beyond(lost, index, false, fifo);
            report.possibly_sent.push(index);
        } else {
            report.failed.push(NotSent {
                index,
                code: failure.code,
                message: failure.message,
            });
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

    fn copies(queue: &FakeQueue) -> usize {
        queue.lock().messages.len()
    }

    #[tokio::test(start_paused = true)]
    async fn a_lost_answer_is_sent_again_once_and_every_copy_counted() {
        let queue = FakeQueue::default();
        queue.lock().lost_send_answers = 2;
        let (report, _) = send(&queue, &messages(15)).await;
        assert_eq!(report.end, SendEnd::Done);
        assert_eq!(report.sent.len(), 15);
        // The first batch's answer was lost twice: it is in the queue three times.
        assert_eq!(copies(&queue), 35);
        assert_eq!(report.duplicates_suspected, 20);
        assert!(report.possibly_sent.is_empty());
    }

    #[tokio::test(start_paused = true)]
    async fn a_batch_whose_answers_are_all_lost_is_named_possibly_sent() {
        let queue = FakeQueue::default();
        queue.lock().lost_send_answers = ATTEMPTS as usize;
        let (report, _) = send(&queue, &messages(15)).await;
        assert!(matches!(report.end, SendEnd::Failed(_)));
        assert!(report.sent.is_empty());
        assert_eq!(report.possibly_sent, (0..10).collect::<Vec<_>>());
        assert_eq!(report.not_tried, (10..15).collect::<Vec<_>>());
        // Each of the ten may be there ATTEMPTS times: all but one copy each are suspected.
        assert_eq!(copies(&queue), 10 * ATTEMPTS as usize);
        assert_eq!(report.duplicates_suspected, 10 * u64::from(ATTEMPTS - 1));
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
