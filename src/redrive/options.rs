//! What a manual run is told (limit, rate, concurrency, visibility, filter, age bounds),
//! and the counts it keeps while it works.

use std::collections::BTreeMap;
use std::sync::Mutex;
use std::sync::atomic::{AtomicU64, Ordering};

use super::filter::Filter;
use crate::domain::message::ReceivedMessage;

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
    /// Rounds in a row in which every worker's receive came back empty before the DLQ's
    /// counts are asked whether it is done.
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
            // A long poll answers as soon as there is a message; its wait only matters at the
            // end, where a run lasts one of them after its last batch (redrive/idle.rs): the
            // shortest long poll SQS has. One round of them (every worker empty) and the
            // counts are the evidence that the DLQ is done.
            wait_s: 1,
            empty_polls: 1,
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

/// How many distinct reasons for keeping messages a run reports.
const KEPT_REASONS: usize = 5;

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
    /// Invoke route: kept in the DLQ after every invoke's answer was lost, so the function
    /// may have run them.
    pub possibly_invoked: AtomicU64,
    /// Why messages were kept in the DLQ (not moved), and how many for each reason.
    pub kept: Mutex<BTreeMap<String, u64>>,
}

impl Progress {
    pub fn add_moved(&self, n: u64) {
        self.moved.fetch_add(n, Ordering::Relaxed);
    }
    pub fn add_duplicates(&self, n: u64) {
        self.duplicates_suspected.fetch_add(n, Ordering::Relaxed);
    }
    /// One more message kept in the DLQ for `why`; only the first few reasons are kept
    /// apart, the rest are counted under one line.
    pub fn add_kept(&self, why: &str) {
        if let Ok(mut kept) = self.kept.lock() {
            let key = if kept.len() < KEPT_REASONS || kept.contains_key(why) {
                why.to_string()
            } else {
                "other reasons".to_string()
            };
            *kept.entry(key).or_default() += 1;
        }
    }
    pub fn kept(&self) -> BTreeMap<String, u64> {
        self.kept.lock().map(|k| k.clone()).unwrap_or_default()
    }
    pub fn add_possibly_invoked(&self, n: u64) {
        self.possibly_invoked.fetch_add(n, Ordering::Relaxed);
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
    /// Nothing more to receive, but FIFO groups stopped at a message that must stay: each
    /// group and how many matching messages were seen behind its stop.
    GroupsStopped(Vec<(String, u64)>),
    /// Receiving kept failing, or the journal could not be written.
    Failed(String),
}
