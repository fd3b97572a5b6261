//! The manual mover: long-poll receive from the DLQ with a visibility timeout that covers
//! send, delete and retries (extended while a batch is still worked), then per destination
//! send-then-delete (batch.rs). Several workers share the rate limit, the limit, the
//! journal and the counts. The end is decided by the DLQ's counts once every worker's
//! long poll came back empty (idle.rs), never by one empty receive.

use std::collections::{BTreeMap, BTreeSet};
use std::sync::Mutex;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::Duration;

use tokio::time::Instant;
use tokio_util::sync::CancellationToken;

use super::batch::{self, Item, backoff};
use super::budget::{Budget, Reservation};
use super::build::{batches, outgoing};
use super::idle::{Idle, Next};
use super::invoke;
use super::journal::{Entry, Journal, MessageState};
use super::leftovers::{drop_copies, leave_one, settle};
pub use super::options::{Counts, MoveEnd, MoveOptions, Progress};
use super::plan::{Destination, Route, Routes};
use super::rate::RateLimiter;
use super::shared::Shared;
use crate::aws::{FunctionInvoker, MessageReader, QueueDirectory, QueueWriter};
use crate::domain::md5::{md5_hex, message_attributes_md5};
use crate::domain::message::{ReceiveRequest, ReceivedMessage};
use crate::messages::held::Held;

/// The pause before polling again when the DLQ looks empty but is not done yet.
const NOT_DONE_PAUSE: Duration = Duration::from_millis(500);

/// Seconds beyond the hold and one poll that the end waits for messages hidden in flight.
const LOST_MARGIN_S: u64 = 10;

/// What the journals of the DLQ say before the run starts: every DLQ message any run
/// recorded, as far as it got.
pub type Memory = BTreeMap<String, MessageState>;

/// What the mover needs from AWS.
pub struct Capabilities<'a> {
    pub reader: &'a dyn MessageReader,
    pub writer: &'a dyn QueueWriter,
    pub directory: &'a dyn QueueDirectory,
    /// For the invoke route (a DLQ of asynchronous Lambda invokes).
    pub invoker: &'a dyn FunctionInvoker,
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
    memory: Memory,
    progress: &Progress,
    cancel: &CancellationToken,
) -> MoveEnd {
    let shared = Shared {
        reader: aws.reader,
        writer: aws.writer,
        invoker: aws.invoker,
        dlq_url: dlq_url.to_string(),
        progress,
        visibility_s: options.visibility_s,
        journal: Mutex::new(journal),
        fatal: Mutex::new(None),
        known: Mutex::new(memory),
        undeleted: Mutex::new(BTreeSet::new()),
        stopped_groups: Mutex::new(BTreeMap::new()),
        left: tokio::sync::Mutex::new(Held::default()),
        taken: Mutex::new(BTreeMap::new()),
        invoked_events: Mutex::default(),
    };
    let budget = Budget {
        left: options.limit.map(AtomicU64::new),
        outstanding: AtomicU64::new(0),
    };
    let rate = RateLimiter::new(options.rate);
    let concurrency = options.concurrency.max(1);
    let idle = Idle::new(concurrency, options.empty_polls);
    let last_received = Mutex::new(Instant::now());
    let stop = cancel.child_token();
    let workers = (0..concurrency).map(|_| {
        worker(
            &shared,
            aws.directory,
            routes,
            options,
            &budget,
            &rate,
            &idle,
            &last_received,
            &stop,
        )
    });
    let ends = futures::future::join_all(workers).await;
    shared.release_left().await;
    progress.add_sent_not_deleted(shared.undeleted_count() as u64);
    if let Some(failure) = shared.fatal() {
        return MoveEnd::Failed(failure);
    }
    if cancel.is_cancelled() {
        return MoveEnd::Cancelled;
    }
    ends.into_iter()
        .find(|e| matches!(e, MoveEnd::Failed(_)))
        .unwrap_or_else(|| {
            let stopped = shared.stopped_groups();
            if budget.exhausted() {
                MoveEnd::LimitReached
            } else if stopped.is_empty() {
                MoveEnd::Drained
            } else {
                MoveEnd::GroupsStopped(stopped)
            }
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
    idle: &Idle,
    last_received: &Mutex<Instant>,
    stop: &CancellationToken,
) -> MoveEnd {
    let mut errors = 0;
    loop {
        if stop.is_cancelled() {
            return MoveEnd::Cancelled;
        }
        if let Some(why) = shared.fatal() {
            stop.cancel();
            return MoveEnd::Failed(why);
        }
        shared.keep_left_hidden().await;
        let want = budget.reserve(10);
        if want == 0 {
            // Others may still give back what they reserved and did not get.
            if budget.settled() {
                stop.cancel();
                return MoveEnd::LimitReached;
            }
            // Nothing to receive for now: this worker counts as one that found nothing.
            if let Some(end) =
                wait_idle(shared, directory, options, idle, last_received, stop).await
            {
                return end;
            }
            continue;
        }
        let reservation = Reservation { budget, n: want };
        // The rate is taken before the receive, not before the send: a message received
        // and then kept waiting for the rate could outlive its visibility timeout, come
        // back to the DLQ and be moved twice.
        if !rate.acquire(want as usize, stop).await {
            budget.give_back(want);
            return MoveEnd::Cancelled;
        }
        let messages = match receive(shared, options, (budget, rate), want, &mut errors, stop).await
        {
            Received::Messages(messages) => messages,
            Received::Retry => continue,
            Received::End(end) => return end,
        };
        budget.give_back(want.saturating_sub(messages.len() as u64));
        rate.give_back((want as usize).saturating_sub(messages.len()))
            .await;
        let worked = if messages.is_empty() {
            false
        } else {
            // The others go back to receiving while this batch is worked.
            idle.found_work();
            shared
                .progress
                .received
                .fetch_add(messages.len() as u64, Ordering::Relaxed);
            handle(shared, routes, options, budget, rate, messages).await
        };
        drop(reservation);
        if worked {
            if let Ok(mut last) = last_received.lock() {
                *last = Instant::now();
            }
            continue;
        }
        if let Some(end) = wait_idle(shared, directory, options, idle, last_received, stop).await {
            return end;
        }
    }
}

/// A worker that found nothing waits for the others; the last of them to come back empty
/// checks whether the run has ended.
async fn wait_idle(
    shared: &Shared<'_>,
    directory: &dyn QueueDirectory,
    options: &MoveOptions,
    idle: &Idle,
    last_received: &Mutex<Instant>,
    stop: &CancellationToken,
) -> Option<MoveEnd> {
    match idle.wait(stop).await {
        Next::Check => check_end(shared, directory, options, idle, last_received, stop).await,
        Next::Receive | Next::Stopped => None,
    }
}

/// What one receive of a worker gave.
enum Received {
    Messages(Vec<ReceivedMessage>),
    /// A retryable error, backed off already; what was reserved is given back.
    Retry,
    End(MoveEnd),
}

/// One receive of up to `want` messages (reserved in `budget` and `rate`), with the
/// worker's count of consecutive errors.
async fn receive(
    shared: &Shared<'_>,
    options: &MoveOptions,
    (budget, rate): (&Budget, &RateLimiter),
    want: u64,
    errors: &mut u32,
    stop: &CancellationToken,
) -> Received {
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
            shared.release(messages).await;
        }
        return Received::End(MoveEnd::Cancelled);
    }
    match received {
        Ok(messages) => {
            *errors = 0;
            Received::Messages(messages)
        }
        Err(error) if error.retryable() && *errors < batch::MAX_ATTEMPTS => {
            budget.give_back(want);
            rate.give_back(want as usize).await;
            *errors += 1;
            tokio::time::sleep(backoff(*errors)).await;
            Received::Retry
        }
        Err(error) => {
            budget.give_back(want);
            stop.cancel();
            Received::End(MoveEnd::Failed(error.to_string()))
        }
    }
}

/// Every worker came back empty: drained when the counts agree; otherwise, after a pause,
/// every worker receives again.
async fn check_end(
    shared: &Shared<'_>,
    directory: &dyn QueueDirectory,
    options: &MoveOptions,
    idle: &Idle,
    last_received: &Mutex<Instant>,
    stop: &CancellationToken,
) -> Option<MoveEnd> {
    if is_done(shared, directory, options, last_received).await {
        stop.cancel();
        return Some(MoveEnd::Drained);
    }
    // Messages still in flight (ours, or an earlier run's) come back later; an endpoint
    // that answers an empty long poll at once must not be spun on.
    tokio::select! {
        () = stop.cancelled() => {}
        () = tokio::time::sleep(NOT_DONE_PAUSE) => {}
    }
    idle.resume();
    None
}

/// After repeated empty polls: done when the DLQ shows nothing visible and nothing in
/// flight but what this run holds on purpose. Anything else in flight may be this run's own
/// (a receive whose answer was lost hid its messages for `visibility_s`) or an earlier
/// run's: it is waited for until it has had time to come back (its hold and a poll since
/// the last message received); what is still hidden then is reported, not called drained.
async fn is_done(
    shared: &Shared<'_>,
    directory: &dyn QueueDirectory,
    options: &MoveOptions,
    last_received: &Mutex<Instant>,
) -> bool {
    let Ok(queue) = directory.describe_queue(&shared.dlq_url).await else {
        return false;
    };
    // Messages this run leaves in the DLQ are held invisible: anything visible is to do,
    // unless it is locked behind a FIFO group's stop (no receive can reach it).
    if queue.counts.visible > 0 {
        if shared.stopped_groups().is_empty() {
            // Visible now: a receive whose answer is lost may hide them again, so the wait
            // for hidden messages counts from here too.
            if let Ok(mut last) = last_received.lock() {
                *last = Instant::now();
            }
            return false;
        }
        return true;
    }
    if queue.counts.in_flight <= shared.hidden_by_us().await {
        return true;
    }
    let waited = last_received
        .lock()
        .map(|l| l.elapsed())
        .unwrap_or_default();
    let hold = options.visibility_s.max(options.earlier_hold_s);
    // A receive whose answer was lost may have started a little after the last message
    // arrived (another worker's, on a slow endpoint): a margin beyond one poll covers it.
    let grace = Duration::from_secs(u64::from(hold) + u64::from(options.wait_s) + LOST_MARGIN_S);
    waited > grace
}

/// A received batch, sorted: what goes where, and what stays.
#[derive(Default)]
struct Sorted {
    /// Sent by an earlier attempt (the journals say so): only deleted, and whether that
    /// delete was journaled already.
    already_sent: Vec<(ReceivedMessage, bool)>,
    /// Not matching: made visible again.
    release: Vec<ReceivedMessage>,
    by_destination: BTreeMap<String, (Destination, Vec<Item>)>,
    /// For the invoke route: each message with the event it is invoked with.
    invokes: Vec<(Item, String)>,
    /// The journal lines written before anything goes out.
    lines: Vec<Entry>,
    /// How many were newly left in the DLQ.
    new_left: usize,
}

/// One received batch: what the journal already knows is finished (deleted without a new
/// send), what does not match is released at once, the rest goes out per destination (or
/// to its function). Returns whether the batch held anything new (not only messages left
/// before).
async fn handle(
    shared: &Shared<'_>,
    routes: &Routes,
    options: &MoveOptions,
    budget: &Budget,
    rate: &RateLimiter,
    messages: Vec<ReceivedMessage>,
) -> bool {
    let received_at = Instant::now();
    let messages_received = messages.len();
    let (messages, copies) = shared.take(messages);
    let taken_now: Vec<String> = messages.iter().map(|m| m.message_id.clone()).collect();
    drop_copies(shared, budget, copies).await;
    let mut sorted = Sorted::default();
    for message in messages {
        sort_one(shared, routes, options, budget, message, &mut sorted).await;
    }
    let moving = sorted.already_sent.len() + sorted.lines.len();
    // The rate was taken for every message received; only those sent use it.
    let not_sent = messages_received.saturating_sub(sorted.lines.len());
    rate.give_back(not_sent).await;
    let new_left =
        sorted.new_left + settle(shared, budget, sorted.release, sorted.already_sent).await;
    let worked = new_left > 0 || moving > 0;
    if !shared.record(&sorted.lines) {
        shared.release_taken(&taken_now);
        return worked;
    }
    for (_, (destination, items)) in sorted.by_destination {
        send_to(shared, &destination, items, received_at).await;
    }
    if let Some(target) = &routes.invoke
        && !sorted.invokes.is_empty()
    {
        invoke::invoke_and_delete(shared, target, sorted.invokes, received_at).await;
    }
    shared.release_taken(&taken_now);
    worked
}

/// Where one message of a batch goes, or why it stays.
async fn sort_one(
    shared: &Shared<'_>,
    routes: &Routes,
    options: &MoveOptions,
    budget: &Budget,
    message: ReceivedMessage,
    sorted: &mut Sorted,
) {
    // A message the journals know by its id and body: sent once, it is only deleted.
    let known = shared
        .recall(&message.message_id)
        .filter(|k| k.same_body(&message.body));
    if let Some(known) = known.as_ref().filter(|k| k.destination_id.is_some()) {
        sorted.already_sent.push((message, known.deleted));
        return;
    }
    let group = message.group_id().map(str::to_string);
    let selected = options.selects(&message);
    // A FIFO group stops at its first message that must stay: what follows it stays
    // too, so that the group keeps its order.
    if group
        .as_deref()
        .is_some_and(|g| shared.behind_stop(g, selected))
    {
        sorted.new_left += leave_one(shared, budget, &message, None).await;
        return;
    }
    if !selected {
        if let Some(group) = &group {
            shared.stop_group(group);
        }
        sorted.release.push(message);
        return;
    }
    let possible = known
        .as_ref()
        .map_or_else(Vec::new, MessageState::copy_times);
    let stays = match routes.route(message.dead_letter_source_arn()) {
        None => routes.unrouted(message.dead_letter_source_arn()),
        Some(Route::Queue(destination)) => {
            sorted
                .lines
                .push(received_entry(&message, &destination.url));
            sorted
                .by_destination
                .entry(destination.url.clone())
                .or_insert_with(|| (destination.clone(), Vec::new()))
                .1
                .push(Item { message, possible });
            return;
        }
        Some(Route::Invoke(target)) => match target.event(&message.body) {
            Ok(event) if shared.invoked_before(&event) => format!(
                "this run invoked the same event already (a copy, or it came back: {} may \
                 still fail it); not invoked twice",
                target.function
            ),
            Ok(event) => {
                let destination = target.journal_destination();
                sorted.lines.push(received_entry(&message, &destination));
                sorted.invokes.push((Item { message, possible }, event));
                return;
            }
            Err(why) => format!("its event cannot be rebuilt: {why}"),
        },
    };
    if let Some(group) = &group {
        shared.stop_group(group);
    }
    sorted.new_left += leave_one(shared, budget, &message, Some(&stays)).await;
}

/// The journal line written before a message is sent.
fn received_entry(message: &ReceivedMessage, destination: &str) -> Entry {
    Entry::Received {
        dlq_id: message.message_id.clone(),
        body_md5: md5_hex(message.body.as_bytes()),
        receipt: message.receipt_handle.clone(),
        destination: destination.to_string(),
        attributes_md5: Some(message_attributes_md5(&message.message_attributes)),
    }
}

/// Sends `items` to `destination` in batches within its size limit, deleting each sent.
async fn send_to(
    shared: &Shared<'_>,
    destination: &Destination,
    items: Vec<Item>,
    received_at: Instant,
) {
    let fifo = destination.fifo;
    let chunks = batches(items, destination.max_bytes, |item| {
        outgoing(&item.message, "0", fifo).size()
    });
    for chunk in chunks {
        batch::send_and_delete(shared, destination, chunk, received_at).await;
    }
}
