//! One redrive from its plan to its summary, the same for `squall redrive` and the TUI:
//! native (a move task) where the plan chose it, falling back to the manual mover where the
//! endpoint refuses move tasks; the manual mover with its journal, which also finishes what
//! an earlier run of the same DLQ left half done (sent but not deleted).

use std::path::{Path, PathBuf};
use std::sync::Mutex;
use std::time::SystemTime;

use serde::Serialize;
use tokio_util::sync::CancellationToken;

use super::ends::{groups_stopped, in_both_queues, still_hidden};
use super::journal::{self, Entry, Journal, JournalError, JournalState};
use super::mover::{self, Capabilities, Memory, MoveEnd, MoveOptions, Progress};
use super::native::NativeProgress;
use super::plan::{Mode, Plan};
use super::run_native::{Native, native_first};
use crate::aws::{ApiError, Backend, ReadOnlyError};
use crate::domain::QueueCounts;
use crate::domain::message::HandleEntry;

/// What a run is told besides its plan.
#[derive(Debug, Clone)]
pub struct RunOptions {
    pub moves: MoveOptions,
    /// Where new journals go (`<dir>/redrive/…`); earlier unfinished ones are looked for there.
    pub journal_dir: PathBuf,
    /// `--resume JOURNAL`: append to it and finish what it records.
    pub resume: Option<PathBuf>,
}

/// A run's progress, readable while it works.
#[derive(Debug, Default)]
pub struct RunProgress {
    pub manual: Progress,
    pub native: NativeProgress,
    mode: Mutex<Option<Mode>>,
    journal: Mutex<Option<PathBuf>>,
}

impl RunProgress {
    /// The mode running now (a native run that fell back reports manual).
    pub fn mode(&self) -> Option<Mode> {
        self.mode.lock().ok().and_then(|m| *m)
    }

    pub fn journal(&self) -> Option<PathBuf> {
        self.journal.lock().ok().and_then(|j| j.clone())
    }

    pub(super) fn set_mode(&self, mode: Mode) {
        if let Ok(mut m) = self.mode.lock() {
            *m = Some(mode);
        }
    }

    fn set_journal(&self, path: &Path) {
        if let Ok(mut j) = self.journal.lock() {
            *j = Some(path.to_path_buf());
        }
    }
}

/// How a run ended, for the CLI's JSON and the TUI's summary.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Summary {
    pub mode: Mode,
    /// drained, hidden (nothing more to receive, but messages still hidden in the DLQ),
    /// limit_reached, cancelled, failed; for native: completed, cancelled, failed.
    pub end: String,
    pub moved: u64,
    pub failed: u64,
    pub duplicates_suspected: u64,
    /// Did not match the filter: left in the DLQ (hidden while the run went on, then made
    /// visible again).
    pub released: u64,
    /// Sent, but their DLQ copy could not be deleted yet: a re-run deletes them.
    pub sent_not_deleted: u64,
    /// The DLQ's approximate count after the run (visible, in flight and delayed).
    pub left_in_dlq: Option<u64>,
    /// Of those, in flight (hidden) at the end: a manual run waits for what it may have
    /// hidden itself; what is still hidden then ends it `hidden`, not `drained`.
    pub hidden_in_dlq: Option<u64>,
    /// Native runs: how much the destinations' depth changed from the task's start to its
    /// end, beside the task's own count (a consumer may have taken some meanwhile; a FIFO
    /// destination may have dropped some as duplicates).
    pub destination_change: Option<i64>,
    pub journal: Option<PathBuf>,
    /// Why native mode was not used after all.
    pub fell_back: Option<String>,
    /// Why the run failed, when it did.
    pub error: Option<String>,
    /// An earlier run's messages this run finished (sent before, deleted now).
    pub finished_from_earlier: u64,
    /// Invoke route: messages kept in the DLQ whose every invoke lost its answer, so the
    /// function may have run them.
    pub possibly_invoked: u64,
    /// Why messages were kept in the DLQ (counted in `failed`), and how many each.
    pub kept: std::collections::BTreeMap<String, u64>,
}

#[derive(Debug, thiserror::Error)]
pub enum RunError {
    #[error(transparent)]
    ReadOnly(#[from] ReadOnlyError),
    #[error(transparent)]
    Journal(#[from] JournalError),
    #[error(
        "a move task is already running on {dlq} (moved {moved} so far): wait for it or cancel \
         it first (squall redrive {dlq} --cancel)"
    )]
    TaskRunning { dlq: String, moved: u64 },
    #[error(
        "the move task could not be started: {0}; nothing was moved (--mode manual or auto \
         moves them with the manual mover)"
    )]
    NativeRefused(ApiError),
    #[error("the journal {path} is of {journal_dlq}, not of {dlq}")]
    OtherDlq {
        path: PathBuf,
        journal_dlq: String,
        dlq: String,
    },
}

/// Runs `plan` to its end (or `cancel`).
pub async fn execute(
    backend: &Backend,
    plan: &Plan,
    options: &RunOptions,
    progress: &RunProgress,
    cancel: &CancellationToken,
) -> Result<Summary, RunError> {
    let writers = backend.writers(&format!("redrive {}", plan.dlq))?;
    let fell_back = match native_first(
        backend,
        writers.moves.as_ref(),
        plan,
        options,
        progress,
        cancel,
    )
    .await?
    {
        Native::Done(summary) => return Ok(*summary),
        Native::Manual { fell_back } => fell_back,
    };
    progress.set_mode(Mode::Manual);
    let (mut journal, mut memory, earlier_hold_s) = open_journal(plan, options)?;
    let moves = MoveOptions {
        earlier_hold_s,
        // One worker for a FIFO DLQ: a group's messages then go out strictly in the order
        // received, whether or not the endpoint locks a group while it is in flight.
        concurrency: if plan.dlq_fifo {
            1
        } else {
            options.moves.concurrency
        },
        ..options.moves.clone()
    };
    progress.set_journal(journal.path());
    let aws = Capabilities {
        reader: backend.messages.as_ref(),
        writer: writers.queues.as_ref(),
        directory: backend.queues.as_ref(),
        invoker: writers.functions.as_ref(),
    };
    let (finished_from_earlier, refused) =
        delete_sent_before(aws.writer, plan, &mut journal, &mut memory, progress).await?;
    let end = match refused {
        // Nothing is sent while the DLQ refuses deletes: it would stay in both queues.
        Some(why) => MoveEnd::Failed(why),
        None => {
            mover::run(
                aws,
                &plan.dlq_url,
                &plan.routes,
                &moves,
                &mut journal,
                memory,
                &progress.manual,
                cancel,
            )
            .await
        }
    };
    let ran = Ran {
        end,
        moves,
        fell_back,
        finished_from_earlier,
    };
    summarize(backend, plan, progress, &mut journal, ran).await
}

/// What the manual mover's run ended with, for its summary.
struct Ran {
    end: MoveEnd,
    moves: MoveOptions,
    fell_back: Option<String>,
    finished_from_earlier: u64,
}

/// Closes the journal with the run's counts and reads the DLQ once more for the summary.
async fn summarize(
    backend: &Backend,
    plan: &Plan,
    progress: &RunProgress,
    journal: &mut Journal,
    ran: Ran,
) -> Result<Summary, RunError> {
    let counts = progress.manual.snapshot();
    journal.record(&[Entry::End {
        moved: counts.moved,
        failed: counts.failed,
        duplicates_suspected: counts.duplicates_suspected,
    }])?;
    let sent_not_deleted = progress
        .manual
        .sent_not_deleted
        .load(std::sync::atomic::Ordering::Relaxed);
    let dlq = dlq_counts(backend, &plan.dlq_url).await;
    let hidden = dlq.map_or(0, |c| c.in_flight);
    let (end, error) = match ran.end {
        MoveEnd::Drained if hidden > 0 => ("hidden", Some(still_hidden(hidden, &ran.moves))),
        MoveEnd::Drained => ("drained", None),
        MoveEnd::LimitReached => ("limit_reached", None),
        MoveEnd::GroupsStopped(groups) => ("groups_stopped", Some(groups_stopped(&groups))),
        MoveEnd::Cancelled => ("cancelled", None),
        MoveEnd::Failed(why) => ("failed", Some(in_both_queues(why, sent_not_deleted))),
    };
    Ok(Summary {
        mode: Mode::Manual,
        end: end.to_string(),
        moved: counts.moved,
        failed: counts.failed,
        duplicates_suspected: counts.duplicates_suspected,
        released: counts.released,
        sent_not_deleted,
        left_in_dlq: dlq.map(|c| c.visible + c.in_flight + c.delayed),
        hidden_in_dlq: dlq.map(|c| c.in_flight),
        destination_change: None,
        journal: Some(journal.path().to_path_buf()),
        fell_back: ran.fell_back,
        error,
        finished_from_earlier: ran.finished_from_earlier,
        possibly_invoked: progress
            .manual
            .possibly_invoked
            .load(std::sync::atomic::Ordering::Relaxed),
        kept: progress.manual.kept(),
    })
}

/// Opens the journal (the one resumed, or a new one) and gathers what the journals of this
/// DLQ say: every message any run sent or tried to send (never sent twice; lost answers
/// counted), and what earlier runs left unfinished (sent but not deleted, possibly held).
fn open_journal(plan: &Plan, options: &RunOptions) -> Result<(Journal, Memory, u32), RunError> {
    let mut memory = Memory::new();
    let path = match &options.resume {
        Some(path) => {
            let state = JournalState::read(path)?;
            if state.dlq_url != plan.dlq_url {
                return Err(RunError::OtherDlq {
                    path: path.clone(),
                    journal_dlq: state.dlq_url,
                    dlq: plan.dlq_url.clone(),
                });
            }
            path.clone()
        }
        None => journal::new_journal_path(&options.journal_dir, &plan.dlq, now_ms()),
    };
    let mut earlier_hold_s = 0;
    let mut earlier = earlier_journals(&options.journal_dir, &plan.dlq_url, &path);
    if options.resume.is_some() {
        earlier.push(JournalState::read(&path)?);
    }
    for state in earlier {
        if state.torn > 0 {
            tracing::warn!(
                torn = state.torn,
                dlq = %state.dlq_url,
                "a journal of this DLQ has lines cut short by a kill mid-write; they are skipped"
            );
        }
        if !state.finished {
            // A run that did not end may still hold what it received; assume the default
            // hold for journals that do not say.
            earlier_hold_s = earlier_hold_s.max(
                state
                    .visibility_s
                    .unwrap_or(MoveOptions::default().visibility_s),
            );
        }
        for (id, message) in state.messages {
            match memory.get_mut(&id) {
                Some(known) => known.merge(&message),
                None => {
                    memory.insert(id, message);
                }
            }
        }
    }
    let mut journal = Journal::append_to(&path)?;
    journal.record(&[Entry::Plan {
        dlq_url: plan.dlq_url.clone(),
        dlq_arn: plan.dlq_arn.clone(),
        to_url: plan.routes.to.as_ref().map(|d| d.url.clone()),
        started_ms: now_ms(),
        visibility_s: Some(options.moves.visibility_s),
    }])?;
    Ok((journal, memory, earlier_hold_s))
}

/// The journals in `dir` of runs on `dlq_url` (not `except`), oldest first; unreadable
/// files are skipped (they are someone else's, or not journals).
fn earlier_journals(dir: &Path, dlq_url: &str, except: &Path) -> Vec<JournalState> {
    let mut paths: Vec<PathBuf> = super::journal_files::journal_paths(dir)
        .into_iter()
        .filter(|p| p != except)
        .collect();
    paths.sort_by_key(|p| std::fs::metadata(p).and_then(|m| m.modified()).ok());
    paths
        .iter()
        .filter_map(|p| match JournalState::read(p) {
            Ok(state) => Some(state),
            Err(error) => {
                tracing::warn!(%error, "a journal that cannot be read is not taken into account");
                None
            }
        })
        .filter(|s| s.dlq_url == dlq_url)
        .collect()
}

/// Deletes, with the receipt handle the journal recorded, the messages an earlier run sent
/// but did not delete: while that receipt is still valid (the earlier run's visibility
/// timeout has not run out) the DLQ copy goes without a second send. Those that fail stay
/// known and are deleted when they come back. Returns how many were deleted, and why the
/// run must stop when the DLQ refused a delete outright.
async fn delete_sent_before(
    writer: &dyn crate::aws::QueueWriter,
    plan: &Plan,
    journal: &mut Journal,
    memory: &mut Memory,
    progress: &RunProgress,
) -> Result<(u64, Option<String>), RunError> {
    let sent: Vec<(String, String)> = memory
        .iter()
        .filter(|(_, m)| m.sent_not_deleted() && !m.receipt.is_empty())
        .map(|(id, m)| (id.clone(), m.receipt.clone()))
        .collect();
    let mut deleted = 0;
    for chunk in sent.chunks(10) {
        let entries: Vec<HandleEntry> = chunk
            .iter()
            .enumerate()
            .map(|(i, (_, receipt))| HandleEntry {
                id: i.to_string(),
                receipt_handle: receipt.clone(),
            })
            .collect();
        let outcome = match writer.delete_messages(&plan.dlq_url, &entries).await {
            Ok(outcome) => outcome,
            Err(error) if error.retryable() => continue,
            Err(error) => {
                let left = sent.len() as u64 - deleted;
                progress.manual.add_sent_not_deleted(left);
                progress.manual.add_moved(deleted);
                return Ok((
                    deleted,
                    Some(super::batch::delete_refused(&error, &plan.dlq_url)),
                ));
            }
        };
        let lines: Vec<Entry> = outcome
            .successful
            .iter()
            .filter_map(|s| s.id.parse::<usize>().ok())
            .filter_map(|i| chunk.get(i))
            .map(|(id, _)| Entry::Deleted { dlq_id: id.clone() })
            .collect();
        for line in &lines {
            if let Entry::Deleted { dlq_id } = line
                && let Some(known) = memory.get_mut(dlq_id)
            {
                known.deleted = true;
            }
        }
        deleted += lines.len() as u64;
        journal.record(&lines)?;
    }
    progress.manual.add_moved(deleted);
    Ok((deleted, None))
}

pub(super) async fn dlq_counts(backend: &Backend, dlq_url: &str) -> Option<QueueCounts> {
    let queue = backend.queues.describe_queue(dlq_url).await.ok()?;
    Some(queue.counts)
}

fn now_ms() -> u64 {
    SystemTime::now()
        .duration_since(SystemTime::UNIX_EPOCH)
        .map(|d| u64::try_from(d.as_millis()).unwrap_or(u64::MAX))
        .unwrap_or(0)
}
