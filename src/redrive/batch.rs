//! One batch of DLQ messages bound for one destination: send (retrying failed entries and
//! throttling/5xx with backoff, journaling each attempt before it goes out), then delete
//! from the DLQ exactly the entries that came back `Successful`, with the latest receipt
//! handle. A message whose send never succeeded is not deleted: it stays in the DLQ.

use std::collections::BTreeMap;
use std::time::Duration;

use tokio::time::Instant;

use super::build::outgoing;
use super::journal::Entry;
use super::plan::Destination;
use super::shared::Shared;
use crate::aws::{ApiError, ErrorKind};
use crate::domain::message::{HandleEntry, ReceivedMessage};

/// How many times one batch call is tried before its entries are given up on (they stay
/// in the DLQ).
pub const MAX_ATTEMPTS: u32 = 8;

/// One message of a batch and what happened to it.
pub(super) struct Item {
    pub message: ReceivedMessage,
    /// When each send of it without an answer started (an earlier run, a dropped
    /// connection; `None`: not known): each may have made a copy.
    pub possible: Vec<Option<u64>>,
}

/// How long a FIFO queue drops a message whose deduplication id it has seen.
pub const DEDUP_WINDOW_MS: u64 = 5 * 60 * 1000;

/// How much sooner than the window's end a resend is already counted: the times are
/// squall's, taken before each send went out, and SQS's clock is not squall's.
const DEDUP_MARGIN_MS: u64 = 10_000;

/// The copies, beyond one, that a message sent at `sent_ms` may now have in a destination,
/// given when its earlier sends without an answer started. On a standard queue each of them
/// may have made one. A FIFO queue drops a send within five minutes of the copy it accepted
/// (the deduplication id is the DLQ message's own), so only sends that far apart can each
/// have made a copy: the most such sends, the one now included, less one. A send whose time
/// is not known (an older journal) is counted.
pub fn suspected_copies(possible: &[Option<u64>], sent_ms: u64, fifo: bool) -> u64 {
    if !fifo {
        return possible.len() as u64;
    }
    let untimed = possible.iter().filter(|t| t.is_none()).count() as u64;
    let mut times: Vec<u64> = possible.iter().flatten().copied().collect();
    times.push(sent_ms);
    times.sort_unstable();
    let window = DEDUP_WINDOW_MS - DEDUP_MARGIN_MS;
    let mut accepted = 0u64;
    let mut open_until: Option<u64> = None;
    for at in times {
        if open_until.is_none_or(|until| at >= until) {
            accepted += 1;
            open_until = Some(at.saturating_add(window));
        }
    }
    untimed + accepted.saturating_sub(1)
}

/// The pause before attempt `attempt` (1-based): 100 ms doubling, at most 3.2 s.
pub fn backoff(attempt: u32) -> Duration {
    Duration::from_millis(100u64 << attempt.saturating_sub(1).min(5))
}

/// Sends `items` to `destination` and deletes what was sent from the DLQ. Counts go to
/// `shared.progress`.
pub(super) async fn send_and_delete(
    shared: &Shared<'_>,
    destination: &Destination,
    items: Vec<Item>,
    received_at: Instant,
) {
    let mut pending: BTreeMap<String, Item> = items
        .into_iter()
        .enumerate()
        .map(|(i, item)| (i.to_string(), item))
        .collect();
    // Each message sent, with when its successful attempt started.
    let mut sent: Vec<(u64, Item)> = Vec::new();
    let mut attempt = 0;
    while !pending.is_empty() {
        attempt += 1;
        if attempt > MAX_ATTEMPTS {
            break;
        }
        if attempt > 1 {
            tokio::time::sleep(backoff(attempt - 1)).await;
            shared
                .keep_hidden(&pending_handles(&pending), received_at)
                .await;
        }
        if shared.fatal().is_some() {
            // The run stopped (a refused delete, the journal): what is not sent yet is not
            // sent now, and goes back to the DLQ's visible messages at once.
            release_pending(shared, &mut pending).await;
            break;
        }
        if !send_attempt(shared, destination, &mut pending, &mut sent, attempt).await {
            // Without a journal line, no send: the messages stay in the DLQ.
            return;
        }
    }
    for (_, item) in pending {
        shared.fail(&item.message, "send still failing after retries");
    }
    if sent.is_empty() {
        return;
    }
    let duplicates: u64 = sent
        .iter()
        .map(|(at, item)| suspected_copies(&item.possible, *at, destination.fifo))
        .sum();
    shared.progress.add_duplicates(duplicates);
    delete_sent(
        shared,
        sent.into_iter().map(|(_, item)| item.message).collect(),
        false,
    )
    .await;
}

/// Hands every message still pending back to the DLQ's visible messages at once.
async fn release_pending(shared: &Shared<'_>, pending: &mut BTreeMap<String, Item>) {
    let unsent: Vec<ReceivedMessage> = std::mem::take(pending)
        .into_values()
        .map(|i| i.message)
        .collect();
    shared.release(&unsent).await;
}

/// One batch call for what is still `pending`, journaled before it goes out: what succeeded
/// moves to `sent`, what SQS blames on the sender is failed, the rest stays pending for the
/// next attempt. False when the journal could not take the attempt (nothing was sent).
async fn send_attempt(
    shared: &Shared<'_>,
    destination: &Destination,
    pending: &mut BTreeMap<String, Item>,
    sent: &mut Vec<(u64, Item)>,
    attempt: u32,
) -> bool {
    let entries: Vec<_> = pending
        .iter()
        .map(|(id, item)| outgoing(&item.message, id, destination.fifo))
        .collect();
    let attempt_ms = shared.now_ms();
    let sending: Vec<Entry> = pending
        .values()
        .map(|item| Entry::Sending {
            dlq_id: item.message.message_id.clone(),
        })
        .collect();
    if !shared.record_durably(&sending).await {
        return false;
    }
    match shared
        .writer
        .send_messages_once(&destination.url, &entries)
        .await
    {
        Ok(outcome) => {
            let mut lines = Vec::new();
            for success in outcome.successful {
                if let Some(item) = pending.remove(&success.id) {
                    lines.push(Entry::Sent {
                        dlq_id: item.message.message_id.clone(),
                        destination_id: success.message_id.unwrap_or_default(),
                    });
                    sent.push((attempt_ms, item));
                }
            }
            shared.record(&lines);
            for failure in outcome.failed {
                if failure.sender_fault
                    && let Some(item) = pending.remove(&failure.id)
                {
                    shared.fail(
                        &item.message,
                        &format!("{}: {}", failure.code, failure.message),
                    );
                }
            }
        }
        // An unreadable answer came after SQS may have acted: tried again and counted,
        // like a lost one.
        Err(error) if error.retryable() || error.answer_may_be_lost() => {
            if error.answer_may_be_lost() {
                let mut lines = Vec::new();
                for item in pending.values_mut() {
                    item.possible.push(Some(attempt_ms));
                    lines.push(Entry::Unanswered {
                        dlq_id: item.message.message_id.clone(),
                    });
                }
                shared.record(&lines);
            }
            tracing::warn!(%error, attempt, "SendMessageBatch failed; retrying");
        }
        Err(error) => {
            // Refused as a whole (no permission, no such queue): every later batch gets
            // the same answer, so the run stops here, and what this batch holds goes
            // back to the DLQ's visible messages at once.
            shared.stop_run(send_refused(&error, &destination.url));
            release_pending(shared, pending).await;
        }
    }
    true
}

fn pending_handles(pending: &BTreeMap<String, Item>) -> Vec<HandleEntry> {
    pending
        .iter()
        .map(|(id, item)| HandleEntry {
            id: id.clone(),
            receipt_handle: item.message.receipt_handle.clone(),
        })
        .collect()
}

/// Deletes sent messages from the DLQ (at most 10 a call), retrying what failed. A message
/// that cannot be deleted comes back to the DLQ later; the journal says it was sent, so it
/// is then deleted without being sent again.
///
/// `counted`: the message was already counted moved (a delete that answered success with
/// a stale receipt handle, and did nothing): deleting it now does not count it again.
pub(super) async fn delete_sent(
    shared: &Shared<'_>,
    messages: Vec<ReceivedMessage>,
    counted: bool,
) {
    for chunk in super::build::batches(messages, usize::MAX, |_| 0) {
        if shared.fatal().is_some() {
            // A delete was refused: these stay in both queues; a re-run deletes them.
            shared.mark_undeleted(chunk.into_iter().map(|m| m.message_id), false);
            continue;
        }
        let mut pending: BTreeMap<String, ReceivedMessage> = chunk
            .into_iter()
            .enumerate()
            .map(|(i, m)| (i.to_string(), m))
            .collect();
        let mut attempt = 0;
        while !pending.is_empty() && attempt < MAX_ATTEMPTS {
            attempt += 1;
            if attempt > 1 {
                tokio::time::sleep(backoff(attempt - 1)).await;
            }
            let entries: Vec<HandleEntry> = pending
                .iter()
                .map(|(id, m)| HandleEntry {
                    id: id.clone(),
                    receipt_handle: m.receipt_handle.clone(),
                })
                .collect();
            match shared
                .writer
                .delete_messages(&shared.dlq_url, &entries)
                .await
            {
                Ok(outcome) => {
                    let mut lines = Vec::new();
                    for success in outcome.successful {
                        if let Some(message) = pending.remove(&success.id) {
                            lines.push(Entry::Deleted {
                                dlq_id: message.message_id,
                            });
                        }
                    }
                    if !counted {
                        shared.progress.add_moved(lines.len() as u64);
                    }
                    shared.mark_undeleted(
                        lines.iter().filter_map(|l| l.dlq_id()).map(str::to_string),
                        true,
                    );
                    shared.record(&lines);
                    for failure in outcome.failed {
                        if failure.sender_fault
                            && let Some(message) = pending.remove(&failure.id)
                        {
                            // A stale handle: the message comes back and is recognised.
                            shared.mark_undeleted([message.message_id], false);
                        }
                    }
                }
                Err(error) if error.retryable() => {
                    tracing::warn!(%error, attempt, "DeleteMessageBatch failed; retrying");
                }
                Err(error) => {
                    // Asking again gets the same answer, and every message sent meanwhile
                    // would stay in both queues: the run stops here.
                    shared.stop_run(delete_refused(&error, &shared.dlq_url));
                    break;
                }
            }
        }
        // Sent, still in the DLQ: when it comes back, the journal has it deleted, not sent.
        shared.mark_undeleted(pending.into_values().map(|m| m.message_id), false);
    }
}

/// Why a run stops at a refused send, naming the permission when it is one.
pub(super) fn send_refused(error: &ApiError, destination_url: &str) -> String {
    let queue = destination_url
        .rsplit('/')
        .next()
        .unwrap_or(destination_url);
    if error.kind == ErrorKind::AccessDenied {
        format!(
            "the destination refused the send ({error}): squall needs sqs:SendMessage on \
             {queue}; the run stopped at the first refused send, and the messages it held \
             are back in the DLQ"
        )
    } else {
        format!(
            "the destination {queue} refused the send ({error}); the run stopped at the first \
             refused send, and the messages it held are back in the DLQ"
        )
    }
}

/// Why a run stops at a refused delete, naming the permission when it is one.
pub(super) fn delete_refused(error: &ApiError, dlq_url: &str) -> String {
    let dlq = dlq_url.rsplit('/').next().unwrap_or(dlq_url);
    if error.kind == ErrorKind::AccessDenied {
        format!(
            "the DLQ refused the delete ({error}): squall needs sqs:DeleteMessage on {dlq}; \
             the run stopped at the first refused delete so that no message is sent twice"
        )
    } else {
        format!(
            "the DLQ refused the delete ({error}); the run stopped at the first refused delete \
             so that no message is sent twice"
        )
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const MINUTE: u64 = 60_000;

    #[test]
    fn a_resend_counts_every_lost_answer_on_a_standard_queue() {
        let possible = [Some(0), Some(100), None];
        assert_eq!(suspected_copies(&possible, 200, false), 3);
        assert_eq!(suspected_copies(&[], 200, false), 0);
    }

    #[test]
    fn a_fifo_resend_counts_only_sends_a_deduplication_window_apart() {
        // Retries seconds apart: SQS kept one copy, the rest were dropped.
        let retries: Vec<Option<u64>> = (0..8).map(|i| Some(i * 1_000)).collect();
        assert_eq!(suspected_copies(&retries, 20_000, true), 0);
        // Sent again six minutes later: the window had closed, a second copy is possible.
        assert_eq!(suspected_copies(&retries, 6 * MINUTE, true), 1);
        // Four minutes later: still inside the window.
        assert_eq!(suspected_copies(&retries, 4 * MINUTE, true), 0);
        // Lost answers at 0, 3 and 6 minutes, sent at 9: the 3-minute one fell in the
        // first's window, the 6-minute one opened a second, 9 minutes is inside that one.
        let spread = [Some(0), Some(3 * MINUTE), Some(6 * MINUTE)];
        assert_eq!(suspected_copies(&spread, 9 * MINUTE, true), 1);
        assert_eq!(suspected_copies(&spread, 12 * MINUTE, true), 2);
        // A send whose time is not known (an older journal) is counted.
        assert_eq!(suspected_copies(&[None], MINUTE, true), 1);
    }

    #[test]
    fn backoff_doubles_and_is_capped() {
        assert_eq!(backoff(1), Duration::from_millis(100));
        assert_eq!(backoff(2), Duration::from_millis(200));
        assert_eq!(backoff(6), Duration::from_millis(3_200));
        assert_eq!(backoff(30), Duration::from_millis(3_200));
    }
}
