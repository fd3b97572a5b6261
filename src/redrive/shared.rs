//! The state every worker of one manual run shares: the capabilities, the journal, what
//! earlier runs left (`known`), the messages left in the DLQ (held), and how far this run
//! got with each message it took.

use std::collections::{BTreeMap, BTreeSet};
use std::sync::Mutex;
use std::sync::atomic::Ordering;
use std::time::Duration;

use tokio::time::Instant;

use super::journal::{Entry, Journal, MessageState};
use super::options::Progress;
use crate::aws::{FunctionInvoker, MessageReader, QueueWriter};
use crate::domain::message::{HandleEntry, ReceivedMessage};
use crate::messages::held::Held;

/// State every worker of one run shares.
pub(super) struct Shared<'a> {
    pub reader: &'a dyn MessageReader,
    pub writer: &'a dyn QueueWriter,
    pub invoker: &'a dyn FunctionInvoker,
    pub dlq_url: String,
    pub progress: &'a Progress,
    pub(super) visibility_s: u32,
    pub(super) journal: Mutex<&'a mut Journal>,
    /// Why the run must stop now (the journal cannot be written, the DLQ refuses deletes):
    /// workers send nothing more once it is set.
    pub(super) fatal: Mutex<Option<String>>,
    /// Everything the journals of this DLQ (earlier runs' and this run's, as it writes it)
    /// say about each DLQ message: a message sent once is never sent again, and every
    /// attempt whose answer was lost is counted when the message is sent again.
    pub(super) known: Mutex<BTreeMap<String, MessageState>>,
    /// FIFO groups stopped at a message that must stay (it locks the group): how many
    /// matching messages of each were seen behind it (left, in order).
    pub(super) stopped_groups: Mutex<BTreeMap<String, u64>>,
    /// Messages sent whose DLQ copy could not be deleted yet (they are in both queues).
    pub(super) undeleted: Mutex<BTreeSet<String>>,
    /// Messages left in the DLQ (not matching, no destination), held invisible while the
    /// run goes on, so that receives reach the others, and all made visible again when it
    /// ends (a killed run's come back by themselves after `visibility_s`).
    pub(super) left: tokio::sync::Mutex<Held>,
    /// This run's messages as far as it got with them: being sent or deleted by a worker
    /// now, or deleted. A message handed out again (SQS is at-least-once; an emulator may
    /// hand one message to two concurrent receives) is then not sent a second time.
    pub(super) taken: Mutex<BTreeMap<String, Taken>>,
    /// The MD5 of each event this run handed to a function: an event seen again has come
    /// back (the function still fails it) and is not invoked again and again.
    pub(super) invoked_events: Mutex<BTreeSet<String>>,
}

/// How far this run got with a message.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Taken {
    /// A worker is sending or deleting it now.
    Working,
    /// Sent and deleted.
    Deleted,
}

impl Shared<'_> {
    /// Messages this run has hidden in the DLQ on purpose right now: left there (held) or
    /// being sent and deleted by a worker.
    pub(super) async fn hidden_by_us(&self) -> u64 {
        let working = self
            .taken
            .lock()
            .map(|t| t.values().filter(|&&t| t == Taken::Working).count())
            .unwrap_or(0);
        (self.left.lock().await.len() + working) as u64
    }

    /// True when this run handed `event` to a function already; notes it otherwise.
    pub(super) fn invoked_before(&self, event: &str) -> bool {
        let md5 = crate::domain::md5::md5_hex(event.as_bytes());
        self.invoked_events
            .lock()
            .is_ok_and(|mut seen| !seen.insert(md5))
    }

    pub(super) fn taken(&self, id: &str) -> Option<Taken> {
        self.taken.lock().ok().and_then(|t| t.get(id).copied())
    }

    /// Marks messages taken by a worker; returns those no other worker has (the rest are
    /// copies handed out again: another worker is on them, or they were moved already).
    pub(super) fn take(
        &self,
        messages: Vec<ReceivedMessage>,
    ) -> (Vec<ReceivedMessage>, Vec<ReceivedMessage>) {
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
    pub(super) fn release_taken(&self, ids: &[String]) {
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
        let at_ms = self.remember(entries);
        let result = match self.journal.lock() {
            Ok(mut journal) => journal.record_at(entries, at_ms).map_err(|e| e.to_string()),
            Err(_) => Err("journal lock poisoned".to_string()),
        };
        self.journaled(result)
    }

    /// Appends lines that must reach the disk before the caller goes on (a batch's
    /// "sending" lines, before its send). The sync waits on a blocking thread, not under
    /// the journal's lock: the other workers write their lines and make their calls
    /// meanwhile (a sync held under the lock stopped every worker for its duration, a few
    /// ms each batch on a busy disk).
    pub async fn record_durably(&self, entries: &[Entry]) -> bool {
        if entries.is_empty() {
            return true;
        }
        let at_ms = self.remember(entries);
        let written = match self.journal.lock() {
            Ok(mut journal) => journal
                .record_then_sync(entries, at_ms)
                .map(|file| (file, journal.path().to_path_buf()))
                .map_err(|e| e.to_string()),
            Err(_) => Err("journal lock poisoned".to_string()),
        };
        let result = match written {
            Ok((file, path)) => tokio::task::spawn_blocking(move || file.sync_data())
                .await
                .map_err(|e| e.to_string())
                .and_then(|synced| {
                    synced.map_err(|e| format!("cannot sync the journal {}: {e}", path.display()))
                }),
            Err(e) => Err(e),
        };
        self.journaled(result)
    }

    /// What the lines say about each message, kept for the rest of the run; returns the
    /// time they are stamped with.
    fn remember(&self, entries: &[Entry]) -> u64 {
        if let Ok(mut taken) = self.taken.lock() {
            for entry in entries {
                if let Entry::Deleted { dlq_id } = entry {
                    taken.insert(dlq_id.clone(), Taken::Deleted);
                }
            }
        }
        let at_ms = self.now_ms();
        if let Ok(mut known) = self.known.lock() {
            for entry in entries {
                if let Some(id) = entry.dlq_id() {
                    known
                        .entry(id.to_string())
                        .or_default()
                        .apply_at(entry, Some(at_ms));
                }
            }
        }
        at_ms
    }

    /// True when the journal took the lines; otherwise the run stops.
    fn journaled(&self, result: Result<(), String>) -> bool {
        match result {
            Ok(()) => true,
            Err(e) => {
                self.stop_run(e);
                false
            }
        }
    }

    /// The journal's time (ms since the Unix epoch): what its lines are stamped with.
    pub(super) fn now_ms(&self) -> u64 {
        self.journal.lock().map(|j| j.now_ms()).unwrap_or(0)
    }

    /// Stops the run for `why` (the first reason given is kept).
    pub(super) fn stop_run(&self, why: String) {
        if let Ok(mut fatal) = self.fatal.lock() {
            fatal.get_or_insert(why);
        }
    }

    /// Why the run stopped, once something stopped it.
    pub(super) fn fatal(&self) -> Option<String> {
        self.fatal.lock().ok().and_then(|f| f.clone())
    }

    /// A message that will not be moved in this run: it stays hidden until its visibility
    /// ends, then it is back in the DLQ.
    pub fn fail(&self, message: &ReceivedMessage, why: &str) {
        tracing::warn!(id = %message.message_id, why, "not moved; stays in the DLQ");
        self.progress.failed.fetch_add(1, Ordering::Relaxed);
        self.progress.add_kept(why);
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

    /// Makes messages visible in the DLQ again at once (the run will not move them).
    pub(super) async fn release(&self, messages: &[ReceivedMessage]) {
        let entries: Vec<HandleEntry> = messages
            .iter()
            .enumerate()
            .map(|(i, m)| HandleEntry {
                id: i.to_string(),
                receipt_handle: m.receipt_handle.clone(),
            })
            .collect();
        for chunk in entries.chunks(10) {
            if let Err(error) = self.reader.change_visibility(&self.dlq_url, chunk, 0).await {
                tracing::warn!(%error, "could not make messages visible again; they come back by themselves");
            }
        }
    }

    /// Stops `group` (a message of it must stay in the DLQ).
    pub(super) fn stop_group(&self, group: &str) {
        if let Ok(mut stopped) = self.stopped_groups.lock() {
            stopped.entry(group.to_string()).or_insert(0);
        }
    }

    /// Whether `group` is stopped; counts a matching message seen behind its stop.
    pub(super) fn behind_stop(&self, group: &str, matching: bool) -> bool {
        let Ok(mut stopped) = self.stopped_groups.lock() else {
            return false;
        };
        match stopped.get_mut(group) {
            Some(behind) => {
                *behind += u64::from(matching);
                true
            }
            None => false,
        }
    }

    pub(super) fn stopped_groups(&self) -> Vec<(String, u64)> {
        self.stopped_groups
            .lock()
            .map(|s| s.iter().map(|(g, n)| (g.clone(), *n)).collect())
            .unwrap_or_default()
    }

    /// What the journals say about a message just received.
    pub(super) fn recall(&self, id: &str) -> Option<MessageState> {
        self.known.lock().ok().and_then(|k| k.get(id).cloned())
    }

    /// Messages sent whose DLQ copy is still there (`deleted`: it is gone now).
    pub(super) fn mark_undeleted(&self, ids: impl IntoIterator<Item = String>, deleted: bool) {
        if let Ok(mut undeleted) = self.undeleted.lock() {
            for id in ids {
                if deleted {
                    undeleted.remove(&id);
                } else {
                    undeleted.insert(id);
                }
            }
        }
    }

    pub(super) fn undeleted_count(&self) -> usize {
        self.undeleted.lock().map(|u| u.len()).unwrap_or(0)
    }

    /// Holds messages left in the DLQ; returns how many of them were new.
    pub(super) async fn leave(&self, messages: &[ReceivedMessage]) -> usize {
        let mut left = self.left.lock().await;
        let now = Instant::now();
        let hold = Duration::from_secs(u64::from(self.visibility_s));
        messages
            .iter()
            .filter(|m| left.insert(&m.message_id, &m.receipt_handle, now, hold))
            .count()
    }

    /// Extends the hold on the messages left once half of it is gone.
    pub(super) async fn keep_left_hidden(&self) {
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
    pub(super) async fn release_left(&self) {
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
}
