//! The messages a peek holds invisible: their latest receipt handles, when the hold runs out,
//! and the calls that extend or end it (ChangeMessageVisibilityBatch, 10 entries at a time).

use std::collections::HashMap;
use std::time::Duration;

use tokio::time::Instant;

use crate::aws::{ApiError, MessageReader};
use crate::domain::message::{BatchOutcome, EntryFailure, HandleEntry};

const BATCH: usize = 10;
/// Visibility calls in flight at once when extending or releasing many messages: the sooner
/// they are all visible again, the shorter consumers wait.
const CONCURRENT_CALLS: usize = 8;

/// What releasing the held messages did. A message that could not be released becomes
/// visible again by itself when its hold runs out.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Release {
    pub released: usize,
    /// Entries SQS refused (a message deleted meanwhile, a stale receipt handle).
    pub failed: Vec<EntryFailure>,
    /// A call that failed as a whole; the messages it carried were not released.
    pub error: Option<ApiError>,
    /// How many messages the failed call carried.
    pub not_released: usize,
}

impl Release {
    /// Every held message is visible again.
    pub fn complete(&self) -> bool {
        self.failed.is_empty() && self.error.is_none()
    }
}

#[derive(Debug, Default)]
pub(crate) struct Held {
    /// Receipt handles by message id, in the order first read.
    handles: Vec<(String, String)>,
    index: HashMap<String, usize>,
    /// When the earliest hold runs out.
    expires_at: Option<Instant>,
}

impl Held {
    /// Records a receive. Returns false when the message was already held (received twice:
    /// SQS is at-least-once); its receipt handle is replaced by the latest one.
    pub(crate) fn insert(
        &mut self,
        message_id: &str,
        receipt_handle: &str,
        now: Instant,
        hold: Duration,
    ) -> bool {
        let expiry = now + hold;
        self.expires_at = Some(self.expires_at.map_or(expiry, |e| e.min(expiry)));
        match self.index.get(message_id) {
            Some(&i) => {
                self.handles[i].1 = receipt_handle.to_string();
                false
            }
            None => {
                self.index
                    .insert(message_id.to_string(), self.handles.len());
                self.handles
                    .push((message_id.to_string(), receipt_handle.to_string()));
                true
            }
        }
    }

    /// How many messages are held.
    pub(crate) fn len(&self) -> usize {
        self.handles.len()
    }

    /// Whether the earliest hold runs out within `margin`.
    pub(crate) fn expires_within(&self, now: Instant, margin: Duration) -> bool {
        self.expires_at
            .is_some_and(|at| at.saturating_duration_since(now) <= margin)
    }

    fn entries(&self) -> Vec<HandleEntry> {
        self.handles
            .iter()
            .enumerate()
            .map(|(i, (_, handle))| HandleEntry {
                id: format!("h{i}"),
                receipt_handle: handle.clone(),
            })
            .collect()
    }

    /// Holds every message for `hold` more. Messages SQS refuses to extend are no longer
    /// held (deleted by a consumer meanwhile): they are dropped and returned.
    pub(crate) async fn extend(
        &mut self,
        reader: &dyn MessageReader,
        queue_url: &str,
        hold: Duration,
        now: Instant,
    ) -> Result<Vec<EntryFailure>, ApiError> {
        let seconds = u32::try_from(hold.as_secs()).unwrap_or(u32::MAX);
        let mut failed = Vec::new();
        for result in change_all(reader, queue_url, &self.entries(), seconds).await {
            failed.extend(result.map_err(|(_, error)| error)?.1.failed);
        }
        if !failed.is_empty() {
            let lost: std::collections::HashSet<usize> = failed
                .iter()
                .filter_map(|f| f.id.strip_prefix('h').and_then(|n| n.parse().ok()))
                .collect();
            let kept: Vec<(String, String)> = std::mem::take(&mut self.handles)
                .into_iter()
                .enumerate()
                .filter(|(i, _)| !lost.contains(i))
                .map(|(_, entry)| entry)
                .collect();
            self.index = kept
                .iter()
                .enumerate()
                .map(|(i, (id, _))| (id.clone(), i))
                .collect();
            self.handles = kept;
        }
        self.expires_at = (!self.handles.is_empty()).then_some(now + hold);
        Ok(failed)
    }

    /// Makes every held message visible again (visibility 0). Keeps going after a failed
    /// call, so one error releases as much as it can.
    pub(crate) async fn release(&mut self, reader: &dyn MessageReader, queue_url: &str) -> Release {
        let mut release = Release::default();
        for result in change_all(reader, queue_url, &self.entries(), 0).await {
            match result {
                Ok((_, outcome)) => {
                    release.released += outcome.successful.len();
                    release.failed.extend(outcome.failed);
                }
                Err((entries, error)) => {
                    release.not_released += entries;
                    release.error.get_or_insert(error);
                }
            }
        }
        self.handles.clear();
        self.index.clear();
        self.expires_at = None;
        release
    }
}

/// ChangeMessageVisibilityBatch over every entry, 10 per call, a few calls at once. Each
/// result carries how many entries its call held.
// Waves of `join_all` rather than a buffered stream of async closures: that keeps the
// future `Send`, so a peek can run as a spawned job.
async fn change_all(
    reader: &dyn MessageReader,
    queue_url: &str,
    entries: &[HandleEntry],
    seconds: u32,
) -> Vec<Result<(usize, BatchOutcome), (usize, ApiError)>> {
    let calls: Vec<&[HandleEntry]> = entries.chunks(BATCH).collect();
    let mut results = Vec::with_capacity(calls.len());
    for wave in calls.chunks(CONCURRENT_CALLS) {
        let outcomes = futures::future::join_all(
            wave.iter()
                .map(|chunk| reader.change_visibility(queue_url, chunk, seconds)),
        )
        .await;
        for (chunk, outcome) in wave.iter().zip(outcomes) {
            results.push(
                outcome
                    .map(|o| (chunk.len(), o))
                    .map_err(|e| (chunk.len(), e)),
            );
        }
    }
    results
}
