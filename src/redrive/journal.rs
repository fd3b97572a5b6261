//! The journal of a manual redrive: JSON lines, appended and flushed one by one, so that a
//! run killed at any point leaves a record of what it had done. The plan first, then per
//! DLQ message: received (body hash, receipt handle, destination), sending (an attempt is
//! about to go out), sent (the new message id), deleted. Reading it back tells a resumed
//! run which messages were sent but not deleted (delete, do not send again) and which were
//! possibly sent (an attempt without an answer: a duplicate is possible).
//!
//! Every line carries `at_ms`, when it was written (wall time at the journal's opening plus
//! the monotonic time since): a FIFO destination drops a resend within five minutes of the
//! first copy, and only the times tell whether a resend was inside that window. Lines of
//! older journals have no time; they are read as "time unknown".

use std::collections::BTreeMap;
use std::fs::File;
use std::io::{BufRead, BufReader, Write};
use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};

/// One line of the journal.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "event", rename_all = "snake_case")]
pub enum Entry {
    Plan {
        dlq_url: String,
        dlq_arn: String,
        /// `--to`, when every message goes to one queue.
        to_url: Option<String>,
        started_ms: u64,
        /// How long this run hides what it receives: a resumed run waits that long for
        /// them to come back.
        #[serde(default)]
        visibility_s: Option<u32>,
    },
    Received {
        dlq_id: String,
        body_md5: String,
        receipt: String,
        destination: String,
        /// SQS's MD5OfMessageAttributes of the message: with the body's MD5 it lets a
        /// canary's watch recognise a moved message that came back to the DLQ under a new
        /// id. Journals of older runs have none.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        attributes_md5: Option<String>,
    },
    Sending {
        dlq_id: String,
    },
    /// An attempt's answer was lost (a dropped connection, a timeout, a 5xx): SQS may have
    /// acted on it, so it may have made a copy.
    Unanswered {
        dlq_id: String,
    },
    Sent {
        dlq_id: String,
        destination_id: String,
    },
    Deleted {
        dlq_id: String,
    },
    End {
        moved: u64,
        failed: u64,
        duplicates_suspected: u64,
    },
}

#[derive(Debug, thiserror::Error)]
pub enum JournalError {
    #[error("cannot write the journal {path}: {source}")]
    Write {
        path: PathBuf,
        source: std::io::Error,
    },
    #[error("cannot read the journal {path}: {source}")]
    Read {
        path: PathBuf,
        source: std::io::Error,
    },
    #[error("{path} line {line} is not a redrive journal line: {reason}")]
    Bad {
        path: PathBuf,
        line: usize,
        reason: String,
    },
    #[error("{path} holds no plan line: not a redrive journal")]
    NoPlan { path: PathBuf },
}

/// An open journal, appended to line by line.
#[derive(Debug)]
pub struct Journal {
    path: PathBuf,
    file: File,
    clock: Stamps,
}

/// The time lines are stamped with: the wall clock when the journal was opened, moved on by
/// tokio's monotonic clock (a paused clock in tests moves it too; a wall clock set back
/// mid-run does not).
#[derive(Debug, Clone, Copy)]
struct Stamps {
    wall_ms: u64,
    opened: tokio::time::Instant,
}

impl Stamps {
    fn now() -> Stamps {
        let wall_ms = std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map(|d| u64::try_from(d.as_millis()).unwrap_or(u64::MAX))
            .unwrap_or(0);
        Stamps {
            wall_ms,
            opened: tokio::time::Instant::now(),
        }
    }

    fn now_ms(&self) -> u64 {
        let since = u64::try_from(self.opened.elapsed().as_millis()).unwrap_or(u64::MAX);
        self.wall_ms.saturating_add(since)
    }
}

/// The time a line was written, read apart from the line's event.
#[derive(Deserialize)]
struct LineTime {
    #[serde(default)]
    at_ms: Option<u64>,
}

impl Journal {
    /// Opens `path` for appending (created owner-only if missing, with its folders: it holds
    /// receipt handles, which let a reader delete the messages while they are valid).
    pub fn append_to(path: &Path) -> Result<Journal, JournalError> {
        if let Some(parent) = path.parent().filter(|p| !p.as_os_str().is_empty()) {
            crate::private_files::create_dir_all(parent).map_err(|source| JournalError::Write {
                path: path.to_path_buf(),
                source,
            })?;
        }
        let mut file =
            crate::private_files::open_append(path).map_err(|source| JournalError::Write {
                path: path.to_path_buf(),
                source,
            })?;
        // A run killed mid-write left a torn last line: what is appended starts on a line
        // of its own, so that the torn one stays alone (and is skipped when read).
        if ends_torn(&mut file).map_err(|source| JournalError::Write {
            path: path.to_path_buf(),
            source,
        })? {
            file.write_all(b"\n")
                .map_err(|source| JournalError::Write {
                    path: path.to_path_buf(),
                    source,
                })?;
        }
        Ok(Journal {
            path: path.to_path_buf(),
            file,
            clock: Stamps::now(),
        })
    }

    pub fn path(&self) -> &Path {
        &self.path
    }

    /// The time the next lines are stamped with (ms since the Unix epoch).
    pub fn now_ms(&self) -> u64 {
        self.clock.now_ms()
    }

    /// Writes the lines, stamped now, and flushes them to the OS before returning: a send
    /// starts only after its "sending" line is out of the process.
    pub fn record(&mut self, entries: &[Entry]) -> Result<(), JournalError> {
        self.record_at(entries, self.now_ms())
    }

    /// [`Journal::record`] with the lines stamped `at_ms`.
    pub fn record_at(&mut self, entries: &[Entry], at_ms: u64) -> Result<(), JournalError> {
        self.write_lines(entries, at_ms)?;
        // Before a batch goes out its "sending" lines reach the disk, not only the OS: a
        // machine that goes down then still leaves the record that a copy may exist.
        if entries.iter().any(|e| matches!(e, Entry::Sending { .. })) {
            self.file
                .sync_data()
                .map_err(|source| self.write_error(source))?;
        }
        Ok(())
    }

    /// Writes the lines (stamped `at_ms`) and flushes them to the OS like
    /// [`Journal::record`], but leaves the sync to disk to the caller: it gets a handle on
    /// the file to sync with, so that the sync can wait on another thread, without holding
    /// the journal.
    pub fn record_then_sync(
        &mut self,
        entries: &[Entry],
        at_ms: u64,
    ) -> Result<File, JournalError> {
        self.write_lines(entries, at_ms)?;
        self.file
            .try_clone()
            .map_err(|source| self.write_error(source))
    }

    fn write_lines(&mut self, entries: &[Entry], at_ms: u64) -> Result<(), JournalError> {
        let mut text = String::new();
        for entry in entries {
            // Serializing these plain structs cannot fail, and gives an object.
            let line = serde_json::to_string(entry).unwrap_or_default();
            match line.strip_suffix('}') {
                Some(open) => text.push_str(&format!("{open},\"at_ms\":{at_ms}}}")),
                None => text.push_str(&line),
            }
            text.push('\n');
        }
        self.file
            .write_all(text.as_bytes())
            .and_then(|()| self.file.flush())
            .map_err(|source| self.write_error(source))
    }

    fn write_error(&self, source: std::io::Error) -> JournalError {
        JournalError::Write {
            path: self.path.clone(),
            source,
        }
    }
}

/// Whether a non-empty file does not end with a newline.
fn ends_torn(file: &mut File) -> std::io::Result<bool> {
    use std::io::{Read, Seek, SeekFrom};
    if file.metadata()?.len() == 0 {
        return Ok(false);
    }
    file.seek(SeekFrom::End(-1))?;
    let mut last = [0u8; 1];
    file.read_exact(&mut last)?;
    Ok(last[0] != b'\n')
}

/// A line read back: the entry and when it was written (if the line says), whether a torn
/// line had to be skipped for it (a kill mid-write; before appends started on a new line,
/// the next line was glued to it).
fn parse_line(line: &str) -> (Option<(Entry, Option<u64>)>, bool) {
    let stamped = |text: &str| {
        let entry: Entry = serde_json::from_str(text).ok()?;
        let at = serde_json::from_str::<LineTime>(text)
            .ok()
            .and_then(|t| t.at_ms);
        Some((entry, at))
    };
    if let Some(read) = stamped(line) {
        return (Some(read), false);
    }
    let glued = line
        .rfind("{\"event\"")
        .filter(|&at| at > 0)
        .and_then(|at| stamped(&line[at..]));
    (glued, true)
}

impl Entry {
    /// The DLQ message a line is about, when it is about one.
    pub fn dlq_id(&self) -> Option<&str> {
        match self {
            Entry::Received { dlq_id, .. }
            | Entry::Sending { dlq_id }
            | Entry::Unanswered { dlq_id }
            | Entry::Sent { dlq_id, .. }
            | Entry::Deleted { dlq_id } => Some(dlq_id),
            Entry::Plan { .. } | Entry::End { .. } => None,
        }
    }
}

/// A journal read back: its plan and each message's state.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct JournalState {
    pub dlq_url: String,
    pub dlq_arn: String,
    pub to_url: Option<String>,
    pub messages: BTreeMap<String, MessageState>,
    /// The totals of each finished run in the file.
    pub ends: Vec<(u64, u64, u64)>,
    /// The last run in the file ended (an end line is last): it holds nothing hidden.
    pub finished: bool,
    /// The longest visibility timeout a run in the file used.
    pub visibility_s: Option<u32>,
    /// Lines cut short by a kill mid-write, skipped.
    pub torn: usize,
}

impl JournalState {
    pub fn read(path: &Path) -> Result<JournalState, JournalError> {
        let file = File::open(path).map_err(|source| JournalError::Read {
            path: path.to_path_buf(),
            source,
        })?;
        let mut plan = None;
        let mut messages: BTreeMap<String, MessageState> = BTreeMap::new();
        let mut ends = Vec::new();
        let mut finished = false;
        let mut visibility_s: Option<u32> = None;
        let mut torn = 0;
        for (i, line) in BufReader::new(file).lines().enumerate() {
            let line = line.map_err(|source| JournalError::Read {
                path: path.to_path_buf(),
                source,
            })?;
            let Some((entry, at_ms)) = entry_of(path, i + 1, &line, &mut torn)? else {
                continue;
            };
            finished = matches!(entry, Entry::End { .. });
            match entry {
                Entry::Plan {
                    dlq_url,
                    dlq_arn,
                    to_url,
                    visibility_s: hidden,
                    ..
                } => {
                    visibility_s = visibility_s.max(hidden);
                    if plan.is_none() {
                        plan = Some((dlq_url, dlq_arn, to_url));
                    }
                }
                Entry::Received { .. }
                | Entry::Sending { .. }
                | Entry::Unanswered { .. }
                | Entry::Sent { .. }
                | Entry::Deleted { .. } => {
                    if let Some(id) = entry.dlq_id() {
                        messages
                            .entry(id.to_string())
                            .or_default()
                            .apply_at(&entry, at_ms);
                    }
                }
                Entry::End {
                    moved,
                    failed,
                    duplicates_suspected,
                } => ends.push((moved, failed, duplicates_suspected)),
            }
        }
        let (dlq_url, dlq_arn, to_url) = plan.ok_or_else(|| JournalError::NoPlan {
            path: path.to_path_buf(),
        })?;
        Ok(JournalState {
            dlq_url,
            dlq_arn,
            to_url,
            messages,
            ends,
            finished,
            visibility_s,
            torn,
        })
    }

    pub fn moved(&self) -> usize {
        self.messages.values().filter(|m| m.deleted).count()
    }
}

/// Line `number` of the journal at `path` as an entry and when it was written (if it says): `None` for a blank line or one a kill
/// cut short (counted in `torn`: everything else still counts), an error for any other line
/// that does not parse.
fn entry_of(
    path: &Path,
    number: usize,
    line: &str,
    torn: &mut usize,
) -> Result<Option<(Entry, Option<u64>)>, JournalError> {
    if line.trim().is_empty() {
        return Ok(None);
    }
    match parse_line(line) {
        (Some(entry), was_torn) => {
            *torn += usize::from(was_torn);
            Ok(Some(entry))
        }
        (None, _) if !line.ends_with('}') => {
            *torn += 1;
            Ok(None)
        }
        (None, _) => {
            let reason = serde_json::from_str::<Entry>(line)
                .err()
                .map(|e| e.to_string())
                .unwrap_or_default();
            Err(JournalError::Bad {
                path: path.to_path_buf(),
                line: number,
                reason,
            })
        }
    }
}

pub use super::journal_files::{data_dir, new_journal_path};
pub use super::journal_message::MessageState;

#[cfg(test)]
mod tests;
