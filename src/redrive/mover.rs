//! The manual mover: long-poll receive from the DLQ with a visibility timeout that covers
//! send, delete and retries (extended while a batch is still worked), then per destination
//! send-then-delete (batch.rs). Several workers share the rate limit, the limit, the
//! journal and the counts. The end is decided by the DLQ's counts after repeated empty
//! long polls, never by one empty receive.

use std::collections::BTreeMap;
use std::sync::Mutex;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::Duration;

use tokio::time::Instant;
use tokio_util::sync::CancellationToken;

use super::batch::{self, Item, backoff};
use super::build::{batches, outgoing, size_of};
use super::filter::Filter;
use super::journal::{Entry, Journal, MessageState};
use super::plan::Routes;
use super::rate::RateLimiter;
use crate::aws::{MessageReader, QueueDirectory, QueueWriter};
use crate::domain::md5::md5_hex;
use crate::domain::message::{HandleEntry, ReceiveRequest, ReceivedMessage};
use crate::messages::held::Held;

/// The pause before polling again when the DLQ looks empty but is not done yet.
const NOT_DONE_PAUSE: Duration = Duration::from_millis(500);

/// How a run moves.
#[derive(Debug, Clone)]
pub struct MoveOptions {
    pub limit: Option<u64>,
    pub rate: Option<u32>,
    pub concurrency: usize,
    /// How long received messages stay hidden: long enough for send, delete and retries.
    pub visibility_s: u32,
    /// Long-poll wait of each receive.
    pub wait_s: u8,
    /// Empty long polls in a row before the DLQ's counts are asked whether it is done.
    pub empty_polls: u32,
    pub filter: Option<Filter>,
    /// `--older-than`: only messages first sent before this (ms since the epoch).
    pub sent_before_ms: Option<u64>,
    /// `--newer-than`: only messages first sent after this.
    pub sent_after_ms: Option<u64>,
    /// How long an earlier, unfinished run of the same DLQ hid what it received (0: none):
    /// the end is not declared before that has had time to come back.
    pub earlier_hold_s: u32,
}

impl Default for MoveOptions {
    fn default() -> MoveOptions {
        MoveOptions {
            limit: None,
            rate: None,
            // Each worker waits for its receive, send and delete in turn: at 20 ms from AWS,
            // 16 of them move about 12 times what one sequential loop does (benches/redrive).
            concurrency: 16,
            visibility_s: 120,
            wait_s: 5,
            empty_polls: 3,
            filter: None,
            sent_before_ms: None,
            sent_after_ms: None,
            earlier_hold_s: 0,
        }
    }
}

impl MoveOptions {
    /// Whether `message` is one this run moves: it matches the filter and the age bounds
    /// (a message without a sent time matches no bound).
    pub fn selects(&self, message: &ReceivedMessage) -> bool {
        let sent = message.sent_timestamp_ms();
        self.filter.as_ref().is_none_or(|f| f.matches(message))
            && self
                .sent_before_ms
                .is_none_or(|before| sent.is_some_and(|s| s < before))
            && self
                .sent_after_ms
                .is_none_or(|after| sent.is_some_and(|s| s > after))
    }

    /// Whether the run chooses messages (and so needs the manual mover).
    pub fn is_selective(&self) -> bool {
        self.filter.is_some()
            || self.limit.is_some()
            || self.sent_before_ms.is_some()
            || self.sent_after_ms.is_some()
    }
}

/// Counts of a run so far, readable while it works (the progress view polls them).
#[derive(Debug, Default)]
pub struct Progress {
    pub moved: AtomicU64,
    pub failed: AtomicU64,
    pub duplicates_suspected: AtomicU64,
    /// Sent, but the DLQ copy could not be deleted yet (it comes back and is deleted then).
    pub sent_not_deleted: AtomicU64,
    /// Did not match the filter: made visible again at once.
    pub released: AtomicU64,
    pub received: AtomicU64,
}

impl Progress {
    pub fn add_moved(&self, n: u64) {
        self.moved.fetch_add(n, Ordering::Relaxed);
    }
    pub fn add_duplicates(&self, n: u64) {
        self.duplicates_suspected.fetch_add(n, Ordering::Relaxed);
    }
    pub fn add_sent_not_deleted(&self, n: u64) {
        self.sent_not_deleted.fetch_add(n, Ordering::Relaxed);
    }
    pub fn snapshot(&self) -> Counts {
        Counts {
            moved: self.moved.load(Ordering::Relaxed),
            failed: self.failed.load(Ordering::Relaxed),
            duplicates_suspected: self.duplicates_suspected.load(Ordering::Relaxed),
            released: self.released.load(Ordering::Relaxed),
            received: self.received.load(Ordering::Relaxed),
        }
    }
}

#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, serde::Serialize)]
pub struct Counts {
    pub moved: u64,
    pub failed: u64,
    pub duplicates_suspected: u64,
    pub released: u64,
    pub received: u64,
}

/// Why a run stopped.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum MoveEnd {
    /// The DLQ held nothing more to move (or nothing matching).
    Drained,
    /// `--limit` (or the canary) reached.
    LimitReached,
    Cancelled,
    /// Receiving kept failing, or the journal could not be written.
    Failed(String),
}

/// What the mover needs from AWS.
pub struct Capabilities<'a> {
    pub reader: &'a dyn MessageReader,
    pub writer: &'a dyn QueueWriter,
    pub directory: &'a dyn QueueDirectory,
}

/// State every worker of one run shares.
pub(super) struct Shared<'a> {
    pub reader: &'a dyn MessageReader,
    pub writer: &'a dyn QueueWriter,
    pub dlq_url: String,
    pub progress: &'a Progress,
    visibility_s: u32,
    journal: Mutex<&'a mut Journal>,
    journal_failed: Mutex<Option<String>>,
    /// What earlier runs (the journal resumed) know about DLQ messages.
    known: Mutex<BTreeMap<String, MessageState>>,
    /// Messages left in the DLQ (not matching, no destination), held invisible while the
    /// run goes on, so that receives reach the others, and all made visible again when it
    /// ends (a killed run's come back by themselves after `visibility_s`).
    left: tokio::sync::Mutex<Held>,
    /// This run's messages as far as it got with them: being sent or deleted by a worker
    /// now, or deleted. A message handed out again (SQS is at-least-once; an emulator may
    /// hand one message to two concurrent receives) is then not sent a second time.
    taken: Mutex<BTreeMap<String, Taken>>,
}

/// How far this run got with a message.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Taken {
    /// A worker is sending or deleting it now.
    Working,
    /// Sent and deleted.
    Deleted,
}

impl Shared<'_> {
    fn taken(&self, id: &str) -> Option<Taken> {
        self.taken.lock().ok().and_then(|t| t.get(id).copied())
    }

    /// Marks messages taken by a worker; returns those no other worker has (the rest are
    /// copies handed out again: another worker is on them, or they were moved already).
    fn take(&self, messages: Vec<ReceivedMessage>) -> (Vec<ReceivedMessage>, Vec<ReceivedMessage>) {
        let Ok(mut taken) = self.taken.lock() else {
            return (messages, Vec::new());
        };
        messages
            .into_iter()
            .partition(|m| match taken.get(&m.message_id) {
                Some(_) => false,
                None => {
                    taken.insert(m.message_id.clone(), Taken::Working);
                    true
                }
            })
    }

    /// A worker is done with these: the deleted stay known as such, the rest are free again
    /// (a message whose send failed may be tried again when it comes back).
    fn release_taken(&self, ids: &[String]) {
        if let Ok(mut taken) = self.taken.lock() {
            for id in ids {
                if taken.get(id) == Some(&Taken::Working) {
                    taken.remove(id);
                }
            }
        }
    }

    /// Appends to the journal; false (and the run stops) when it cannot be written.
    pub fn record(&self, entries: &[Entry]) -> bool {
        if entries.is_empty() {
            return true;
        }
        if let Ok(mut taken) = self.taken.lock() {
            for entry in entries {
                if let Entry::Deleted { dlq_id } = entry {
                    taken.insert(dlq_id.clone(), Taken::Deleted);
                }
            }
        }
        let result = match self.journal.lock() {
            Ok(mut journal) => journal.record(entries).map_err(|e| e.to_string()),
            Err(_) => Err("journal lock poisoned".to_string()),
        };
        match result {
            Ok(()) => true,
            Err(e) => {
                if let Ok(mut failed) = self.journal_failed.lock() {
                    failed.get_or_insert(e);
                }
                false
            }
        }
    }

    fn journal_failure(&self) -> Option<String> {
        self.journal_failed.lock().ok().and_then(|f| f.clone())
    }

    /// A message that will not be moved in this run: it stays hidden until its visibility
    /// ends, then it is back in the DLQ.
    pub fn fail(&self, message: &ReceivedMessage, why: &str) {
        tracing::warn!(id = %message.message_id, why, "not moved; stays in the DLQ");
        self.progress.failed.fetch_add(1, Ordering::Relaxed);
    }

    /// Extends the visibility of messages still being worked once half of it is gone.
    pub async fn keep_hidden(&self, handles: &[HandleEntry], received_at: Instant) {
        let half = Duration::from_secs(u64::from(self.visibility_s) / 2);
        if handles.is_empty() || received_at.elapsed() < half {
            return;
        }
        for chunk in handles.chunks(10) {
            if let Err(error) = self
                .reader
                .change_visibility(&self.dlq_url, chunk, self.visibility_s)
                .await
            {
                tracing::warn!(%error, "could not extend the visibility of a batch");
            }
        }
    }

    fn take_known(&self, id: &str) -> Option<MessageState> {
        self.known.lock().ok().and_then(|mut k| k.remove(id))
    }

    /// Holds messages left in the DLQ; returns how many of them were new.
    async fn leave(&self, messages: &[ReceivedMessage]) -> usize {
        let mut left = self.left.lock().await;
        let now = Instant::now();
        let hold = Duration::from_secs(u64::from(self.visibility_s));
        messages
            .iter()
            .filter(|m| left.insert(&m.message_id, &m.receipt_handle, now, hold))
            .count()
    }

    /// Extends the hold on the messages left once half of it is gone.
    async fn keep_left_hidden(&self) {
        let mut left = self.left.lock().await;
        let hold = Duration::from_secs(u64::from(self.visibility_s));
        let now = Instant::now();
        if left.expires_within(now, hold / 2)
            && let Err(error) = left.extend(self.reader, &self.dlq_url, hold, now).await
        {
            tracing::warn!(%error, "could not extend the hold on messages left in the DLQ");
        }
    }

    /// Makes the messages left visible again (the run is over).
    async fn release_left(&self) {
        let release = self
            .left
            .lock()
            .await
            .release(self.reader, &self.dlq_url)
            .await;
        if !release.complete() {
            tracing::warn!(
                not_released = release.not_released + release.failed.len(),
                "some messages left in the DLQ come back only when their hold runs out"
            );
        }
    }

    fn known_pending(&self) -> usize {
        self.known
            .lock()
            .map(|k| k.values().filter(|m| !m.deleted).count())
            .unwrap_or(0)
    }
}

/// The limit shared by workers: each reserves what it asks for before receiving and gives
/// back what it did not use. The limit is reached only when nothing is left and no worker
/// holds a reservation (one that may still be given back).
struct Budget {
    left: Option<AtomicU64>,
    /// Reservations taken and not yet settled.
    outstanding: AtomicU64,
}

/// A worker's reservation for one receive; settled when the receive's batch is done.
struct Reservation<'a> {
    budget: &'a Budget,
    n: u64,
}

impl Drop for Reservation<'_> {
    fn drop(&mut self) {
        self.budget.outstanding.fetch_sub(self.n, Ordering::Relaxed);
    }
}

impl Budget {
    fn reserve(&self, want: u64) -> u64 {
        let take = self.take(want);
        self.outstanding.fetch_add(take, Ordering::Relaxed);
        take
    }

    /// Whether nothing is reserved by any worker.
    fn settled(&self) -> bool {
        self.outstanding.load(Ordering::Relaxed) == 0
    }

    fn take(&self, want: u64) -> u64 {
        let Some(left) = &self.left else {
            return want;
        };
        let mut current = left.load(Ordering::Relaxed);
        loop {
            let take = current.min(want);
            match left.compare_exchange(
                current,
                current - take,
                Ordering::Relaxed,
                Ordering::Relaxed,
            ) {
                Ok(_) => return take,
                Err(now) => current = now,
            }
        }
    }

    fn give_back(&self, n: u64) {
        if let Some(left) = &self.left {
            left.fetch_add(n, Ordering::Relaxed);
        }
    }

    fn exhausted(&self) -> bool {
        self.left
            .as_ref()
            .is_some_and(|l| l.load(Ordering::Relaxed) == 0)
    }
}

/// Moves messages from `dlq_url` along `routes` until the DLQ is drained, the limit is
/// reached, or `cancel` fires (in-flight batches finish their send-then-delete first).
#[allow(clippy::too_many_arguments)]
pub async fn run(
    aws: Capabilities<'_>,
    dlq_url: &str,
    routes: &Routes,
    options: &MoveOptions,
    journal: &mut Journal,
    known: BTreeMap<String, MessageState>,
    progress: &Progress,
    cancel: &CancellationToken,
) -> MoveEnd {
    let shared = Shared {
        reader: aws.reader,
        writer: aws.writer,
        dlq_url: dlq_url.to_string(),
        progress,
        visibility_s: options.visibility_s,
        journal: Mutex::new(journal),
        journal_failed: Mutex::new(None),
        known: Mutex::new(known),
        left: tokio::sync::Mutex::new(Held::default()),
        taken: Mutex::new(BTreeMap::new()),
    };
    let budget = Budget {
        left: options.limit.map(AtomicU64::new),
        outstanding: AtomicU64::new(0),
    };
    let rate = RateLimiter::new(options.rate);
    let empty = AtomicU64::new(0);
    let last_received = Mutex::new(Instant::now());
    let stop = cancel.child_token();
    let workers = (0..options.concurrency.max(1)).map(|_| {
        worker(
            &shared,
            aws.directory,
            routes,
            options,
            &budget,
            &rate,
            &empty,
            &last_received,
            &stop,
        )
    });
    let ends = futures::future::join_all(workers).await;
    shared.release_left().await;
    if let Some(failure) = shared.journal_failure() {
        return MoveEnd::Failed(failure);
    }
    if cancel.is_cancelled() {
        return MoveEnd::Cancelled;
    }
    ends.into_iter()
        .find(|e| matches!(e, MoveEnd::Failed(_)))
        .unwrap_or(if budget.exhausted() {
            MoveEnd::LimitReached
        } else {
            MoveEnd::Drained
        })
}

#[allow(clippy::too_many_arguments)]
async fn worker(
    shared: &Shared<'_>,
    directory: &dyn QueueDirectory,
    routes: &Routes,
    options: &MoveOptions,
    budget: &Budget,
    rate: &RateLimiter,
    empty: &AtomicU64,
    last_received: &Mutex<Instant>,
    stop: &CancellationToken,
) -> MoveEnd {
    let mut errors = 0;
    loop {
        if stop.is_cancelled() {
            return MoveEnd::Cancelled;
        }
        if shared.journal_failure().is_some() {
            stop.cancel();
            return MoveEnd::Failed("journal".into());
        }
        shared.keep_left_hidden().await;
        let want = budget.reserve(10);
        if want == 0 {
            // Others may still give back what they reserved and did not get.
            if budget.settled() {
                stop.cancel();
                return MoveEnd::LimitReached;
            }
            tokio::time::sleep(Duration::from_millis(50)).await;
            continue;
        }
        let _reservation = Reservation { budget, n: want };
        // The rate is taken before the receive, not before the send: a message received
        // and then kept waiting for the rate could outlive its visibility timeout, come
        // back to the DLQ and be moved twice.
        rate.acquire(want as usize).await;
        if stop.is_cancelled() {
            budget.give_back(want);
            return MoveEnd::Cancelled;
        }
        let request = ReceiveRequest {
            max_messages: u8::try_from(want).unwrap_or(10),
            wait_seconds: options.wait_s,
            visibility_timeout_seconds: Some(options.visibility_s),
        };
        // A receive already sent is let finish (a short long poll): dropping it could strand
        // what it handed out, hidden for the whole visibility timeout.
        let received = shared
            .reader
            .receive_messages(&shared.dlq_url, request)
            .await;
        if stop.is_cancelled() {
            budget.give_back(want);
            if let Ok(messages) = &received {
                release_now(shared, messages).await;
            }
            return MoveEnd::Cancelled;
        }
        let messages = match received {
            Ok(messages) => {
                errors = 0;
                messages
            }
            Err(error) if error.retryable() && errors < batch::MAX_ATTEMPTS => {
                budget.give_back(want);
                rate.give_back(want as usize).await;
                errors += 1;
                tokio::time::sleep(backoff(errors)).await;
                continue;
            }
            Err(error) => {
                budget.give_back(want);
                stop.cancel();
                return MoveEnd::Failed(error.to_string());
            }
        };
        budget.give_back(want.saturating_sub(messages.len() as u64));
        rate.give_back((want as usize).saturating_sub(messages.len()))
            .await;
        let worked = if messages.is_empty() {
            false
        } else {
            shared
                .progress
                .received
                .fetch_add(messages.len() as u64, Ordering::Relaxed);
            handle(shared, routes, options, budget, rate, messages).await
        };
        if !worked {
            let polls = empty.fetch_add(1, Ordering::Relaxed) + 1;
            if polls >= u64::from(options.empty_polls) {
                if is_done(shared, directory, options, last_received).await {
                    stop.cancel();
                    return MoveEnd::Drained;
                }
                // Messages still in flight (ours, or an earlier run's) come back later; an
                // endpoint that answers an empty long poll at once must not be spun on.
                tokio::time::sleep(NOT_DONE_PAUSE).await;
            }
            continue;
        }
        empty.store(0, Ordering::Relaxed);
        if let Ok(mut last) = last_received.lock() {
            *last = Instant::now();
        }
    }
}

/// After repeated empty polls: done when the DLQ shows nothing visible, and nothing in
/// flight that an earlier run left sent-but-not-deleted (unless that has had time to come
/// back: a visibility timeout and a poll since the last message).
async fn is_done(
    shared: &Shared<'_>,
    directory: &dyn QueueDirectory,
    options: &MoveOptions,
    last_received: &Mutex<Instant>,
) -> bool {
    let Ok(queue) = directory.describe_queue(&shared.dlq_url).await else {
        return false;
    };
    // Messages this run leaves in the DLQ are held invisible: anything visible is to do.
    if queue.counts.visible > 0 {
        return false;
    }
    let waited = last_received
        .lock()
        .map(|l| l.elapsed())
        .unwrap_or_default();
    let hold = options.visibility_s.max(options.earlier_hold_s);
    let grace = Duration::from_secs(u64::from(hold) + u64::from(options.wait_s) + 1);
    queue.counts.in_flight == 0 || shared.known_pending() == 0 || waited > grace
}

/// One received batch: what the journal already knows is finished (deleted without a new
/// send), what does not match is released at once, the rest goes out per destination.
/// Returns whether the batch held anything new (not only messages left before).
async fn handle(
    shared: &Shared<'_>,
    routes: &Routes,
    options: &MoveOptions,
    budget: &Budget,
    rate: &RateLimiter,
    messages: Vec<ReceivedMessage>,
) -> bool {
    let mut new_left = 0;
    let received_at = Instant::now();
    let mut already_sent = Vec::new();
    let mut release = Vec::new();
    let mut by_destination: BTreeMap<String, (super::plan::Destination, Vec<Item>)> =
        BTreeMap::new();
    let mut lines = Vec::new();
    let messages_received = messages.len();
    let (messages, copies) = shared.take(messages);
    let taken_now: Vec<String> = messages.iter().map(|m| m.message_id.clone()).collect();
    if !copies.is_empty() {
        budget.give_back(copies.len() as u64);
        drop_copies(shared, copies).await;
    }
    for message in messages {
        let known = shared.take_known(&message.message_id);
        if known.as_ref().is_some_and(MessageState::sent_not_deleted) {
            already_sent.push(message);
            continue;
        }
        if !options.selects(&message) {
            release.push(message);
            continue;
        }
        let Some(destination) = routes.route(message.dead_letter_source_arn()) else {
            budget.give_back(1);
            if shared.leave(std::slice::from_ref(&message)).await == 1 {
                new_left += 1;
                shared.fail(&message, "no destination for its DeadLetterQueueSourceArn");
            }
            continue;
        };
        lines.push(Entry::Received {
            dlq_id: message.message_id.clone(),
            body_md5: md5_hex(message.body.as_bytes()),
            receipt: message.receipt_handle.clone(),
            destination: destination.url.clone(),
        });
        let possibly_sent = known.as_ref().is_some_and(MessageState::possibly_sent);
        by_destination
            .entry(destination.url.clone())
            .or_insert_with(|| (destination.clone(), Vec::new()))
            .1
            .push(Item {
                message,
                possibly_sent,
            });
    }
    let moving = already_sent.len() + lines.len();
    // The rate was taken for every message received; only those sent use it.
    let not_sent = messages_received.saturating_sub(lines.len());
    rate.give_back(not_sent).await;
    if !release.is_empty() {
        budget.give_back(release.len() as u64);
        let new = shared.leave(&release).await;
        new_left += new;
        shared
            .progress
            .released
            .fetch_add(new as u64, Ordering::Relaxed);
    }
    if !already_sent.is_empty() {
        batch::delete_sent(shared, already_sent).await;
    }
    let worked = new_left > 0 || moving > 0;
    if !shared.record(&lines) {
        shared.release_taken(&taken_now);
        return worked;
    }
    for (_, (destination, items)) in by_destination {
        let fifo = destination.fifo;
        let chunks = batches(items, destination.max_bytes, |item| {
            size_of(&outgoing(&item.message, "0", fifo))
        });
        for chunk in chunks {
            batch::send_and_delete(shared, &destination, chunk, received_at).await;
        }
    }
    shared.release_taken(&taken_now);
    worked
}

/// Copies of messages this run has already taken, handed out again. One whose other copy
/// was moved and deleted is a second delivery (SQS is at-least-once): it is deleted, not
/// sent again. One another worker is on now is left alone: that worker finishes it, and
/// this copy's receipt is not needed.
async fn drop_copies(shared: &Shared<'_>, copies: Vec<ReceivedMessage>) {
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

/// Makes messages visible again at once: those that do not match the filter (they stay in
/// the DLQ; their receive count rose by one), and those received as a cancel came.
async fn release_now(shared: &Shared<'_>, messages: &[ReceivedMessage]) {
    let entries: Vec<HandleEntry> = messages
        .iter()
        .enumerate()
        .map(|(i, m)| HandleEntry {
            id: i.to_string(),
            receipt_handle: m.receipt_handle.clone(),
        })
        .collect();
    for chunk in entries.chunks(10) {
        if let Err(error) = shared
            .reader
            .change_visibility(&shared.dlq_url, chunk, 0)
            .await
        {
            tracing::warn!(%error, "could not release non-matching messages; they come back by themselves");
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_limit_is_reached_only_when_no_reservation_is_outstanding() {
        let budget = Budget {
            left: Some(AtomicU64::new(6)),
            outstanding: AtomicU64::new(0),
        };
        let first = budget.reserve(10);
        assert_eq!(first, 6);
        let held = Reservation {
            budget: &budget,
            n: first,
        };
        assert_eq!(budget.reserve(10), 0, "nothing left for a second worker");
        assert!(!budget.settled(), "but the first may give some back");
        budget.give_back(4);
        drop(held);
        assert!(budget.settled());
        assert_eq!(budget.reserve(10), 4, "what was given back is there again");
    }
}
