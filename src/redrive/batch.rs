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
    /// Copies that sends of it without an answer may have made (an earlier run, a
    /// dropped connection): each is a suspected duplicate once it is sent now.
    pub possible: u32,
}

/// The pause before attempt `attempt` (1-based): 100 ms doubling, at most 3.2 s.
pub fn backoff(attempt: u32) -> Duration {
    Duration::from_millis(100u64 << attempt.saturating_sub(1).min(5))
}

/// Whether an error may have come after SQS acted on the request (its answer was lost).
fn ambiguous(error: &ApiError) -> bool {
    matches!(
        error.kind,
        ErrorKind::Connection | ErrorKind::Timeout | ErrorKind::Server | ErrorKind::Parse
    )
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
    let mut sent: Vec<(String, Item)> = Vec::new();
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
            let unsent: Vec<ReceivedMessage> = std::mem::take(&mut pending)
                .into_values()
                .map(|i| i.message)
                .collect();
            shared.release(&unsent).await;
            break;
        }
        let entries: Vec<_> = pending
            .iter()
            .map(|(id, item)| outgoing(&item.message, id, destination.fifo))
            .collect();
        let sending: Vec<Entry> = pending
            .values()
            .map(|item| Entry::Sending {
                dlq_id: item.message.message_id.clone(),
            })
            .collect();
        if !shared.record_durably(&sending).await {
            // Without a journal line, no send: the messages stay in the DLQ.
            return;
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
                        sent.push((success.id, item));
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
            Err(error) if error.retryable() => {
                if ambiguous(&error) {
                    let mut lines = Vec::new();
                    for item in pending.values_mut() {
                        item.possible += 1;
                        lines.push(Entry::Unanswered {
                            dlq_id: item.message.message_id.clone(),
                        });
                    }
                    shared.record(&lines);
                }
                tracing::warn!(%error, attempt, "SendMessageBatch failed; retrying");
            }
            Err(error) => {
                for (_, item) in std::mem::take(&mut pending) {
                    shared.fail(&item.message, &error.to_string());
                }
            }
        }
    }
    for (_, item) in pending {
        shared.fail(&item.message, "send still failing after retries");
    }
    if sent.is_empty() {
        return;
    }
    // A FIFO destination drops a resent message with the same deduplication id (within five
    // minutes), so only standard destinations can get a duplicate.
    let duplicates: u64 = if destination.fifo {
        0
    } else {
        sent.iter().map(|(_, item)| u64::from(item.possible)).sum()
    };
    shared.progress.add_duplicates(duplicates);
    delete_sent(
        shared,
        sent.into_iter().map(|(_, item)| item.message).collect(),
        false,
    )
    .await;
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

    #[test]
    fn backoff_doubles_and_is_capped() {
        assert_eq!(backoff(1), Duration::from_millis(100));
        assert_eq!(backoff(2), Duration::from_millis(200));
        assert_eq!(backoff(6), Duration::from_millis(3_200));
        assert_eq!(backoff(30), Duration::from_millis(3_200));
    }
}
