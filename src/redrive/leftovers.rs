//! The messages of a received batch that the mover does not send: one left in the DLQ
//! (held there, given back to the budget), those the filter released, those the journals
//! say were sent already (only deleted), and copies handed out again while this run had
//! them.

use std::sync::atomic::Ordering;

use super::batch;
use super::budget::Budget;
use super::shared::{Shared, Taken};
use crate::domain::message::{HandleEntry, ReceivedMessage};

/// Leaves one message in the DLQ (given back to the budget); 1 when it was not left before.
/// With `why`, it also counts as failed.
pub(super) async fn leave_one(
    shared: &Shared<'_>,
    budget: &Budget,
    message: &ReceivedMessage,
    why: Option<&str>,
) -> usize {
    budget.give_back(1);
    if shared.leave(std::slice::from_ref(message)).await != 1 {
        return 0;
    }
    if let Some(why) = why {
        shared.fail(message, why);
    }
    1
}

/// Makes visible again what the filter left (counted released), and deletes what the
/// journals say was sent already; returns how many were newly left in the DLQ.
pub(super) async fn settle(
    shared: &Shared<'_>,
    budget: &Budget,
    release: Vec<ReceivedMessage>,
    already_sent: Vec<(ReceivedMessage, bool)>,
) -> usize {
    let mut new_left = 0;
    if !release.is_empty() {
        budget.give_back(release.len() as u64);
        new_left = shared.leave(&release).await;
        shared
            .progress
            .released
            .fetch_add(new_left as u64, Ordering::Relaxed);
    }
    if !already_sent.is_empty() {
        // Journaled deleted, yet here: a delete with a stale receipt answered success and
        // did nothing. It was counted moved then; it is deleted now, not counted again.
        let (stale, sent): (Vec<_>, Vec<_>) = already_sent.into_iter().partition(|(_, d)| *d);
        batch::delete_sent(shared, sent.into_iter().map(|(m, _)| m).collect(), false).await;
        batch::delete_sent(shared, stale.into_iter().map(|(m, _)| m).collect(), true).await;
    }
    new_left
}

/// Copies of messages this run has already taken, handed out again. One whose other copy
/// was moved and deleted is a second delivery (SQS is at-least-once): it is deleted, not
/// sent again. One another worker is on now is left alone: that worker finishes it, and
/// this copy's receipt is not needed.
pub(super) async fn drop_copies(
    shared: &Shared<'_>,
    budget: &Budget,
    copies: Vec<ReceivedMessage>,
) {
    if copies.is_empty() {
        return;
    }
    budget.give_back(copies.len() as u64);
    let moved: Vec<HandleEntry> = copies
        .iter()
        .filter(|m| shared.taken(&m.message_id) == Some(Taken::Deleted))
        .enumerate()
        .map(|(i, m)| HandleEntry {
            id: i.to_string(),
            receipt_handle: m.receipt_handle.clone(),
        })
        .collect();
    tracing::info!(
        copies = copies.len(),
        already_moved = moved.len(),
        "messages handed out again while this run had them"
    );
    for chunk in moved.chunks(10) {
        if let Err(error) = shared.writer.delete_messages(&shared.dlq_url, chunk).await {
            tracing::warn!(%error, "could not delete a second copy; it comes back and is deleted then");
        }
    }
}
