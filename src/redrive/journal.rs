//! The journal of a manual redrive: JSON lines, appended and flushed one by one, so that a
//! run killed at any point leaves a record of what it had done. The plan first, then per
//! DLQ message: received (body hash, receipt handle, destination), sending (an attempt is
//! about to go out), sent (the new message id), deleted. Reading it back tells a resumed
//! run which messages were sent but not deleted (delete, do not send again) and which were
//! possibly sent (an attempt without an answer: a duplicate is possible).

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
        })
    }

    pub fn path(&self) -> &Path {
        &self.path
    }

    /// Writes the lines and flushes them to the OS before returning: a send starts only
    /// after its "sending" line is out of the process.
    pub fn record(&mut self, entries: &[Entry]) -> Result<(), JournalError> {
        let mut text = String::new();
        for entry in entries {
            // Serializing these plain structs cannot fail.
            text.push_str(&serde_json::to_string(entry).unwrap_or_default());
            text.push('\n');
        }
        // Before a batch goes out its "sending" lines reach the disk, not only the OS: a
        // machine that goes down then still leaves the record that a copy may exist.
        let sending = entries.iter().any(|e| matches!(e, Entry::Sending { .. }));
        self.file
            .write_all(text.as_bytes())
            .and_then(|()| self.file.flush())
            .and_then(|()| {
                if sending {
                    self.file.sync_data()
                } else {
                    Ok(())
                }
            })
            .map_err(|source| JournalError::Write {
                path: self.path.clone(),
                source,
            })
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

/// A line read back: the entry, whether a torn line had to be skipped for it (a kill
/// mid-write; before appends started on a new line, the next line was glued to it).
fn parse_line(line: &str) -> (Option<Entry>, bool) {
    if let Ok(entry) = serde_json::from_str(line) {
        return (Some(entry), false);
    }
    let glued = line
        .rfind("{\"event\"")
        .filter(|&at| at > 0)
        .and_then(|at| serde_json::from_str(&line[at..]).ok());
    (glued, true)
}

/// What the journal says about one DLQ message.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct MessageState {
    pub body_md5: String,
    pub receipt: String,
    pub destination: String,
    /// The last attempt went out and no answer is recorded (the run was killed meanwhile).
    pub sending: bool,
    /// Attempts whose answer was lost: each may have made a copy.
    pub unanswered: u32,
    pub destination_id: Option<String>,
    pub deleted: bool,
}

impl MessageState {
    /// Sent for sure and not yet deleted from the DLQ: delete, never send again.
    pub fn sent_not_deleted(&self) -> bool {
        self.destination_id.is_some() && !self.deleted
    }

    /// An attempt without a known answer: sending again may make a duplicate.
    pub fn possibly_sent(&self) -> bool {
        self.possible_copies() > 0 && self.destination_id.is_none() && !self.deleted
    }

    /// Copies that attempts without an answer may have made.
    pub fn possible_copies(&self) -> u32 {
        self.unanswered + u32::from(self.sending)
    }

    /// Whether `body` is the body this state was recorded for (or none was recorded).
    pub fn same_body(&self, body: &str) -> bool {
        self.body_md5.is_empty() || self.body_md5 == crate::domain::md5::md5_hex(body.as_bytes())
    }

    /// This state followed by `later` (a later journal of the same DLQ): a message sent by
    /// either was sent; every lost answer counts; a message received again after it was
    /// deleted was not deleted after all.
    pub fn merge(&mut self, later: &MessageState) {
        let received_again = !later.body_md5.is_empty();
        if received_again {
            self.body_md5.clone_from(&later.body_md5);
            self.receipt.clone_from(&later.receipt);
            self.destination.clone_from(&later.destination);
        }
        if later.destination_id.is_some() {
            self.destination_id.clone_from(&later.destination_id);
        }
        self.unanswered += later.unanswered;
        self.sending |= later.sending;
        self.deleted = later.deleted || (self.deleted && !received_again);
    }

    /// Applies one journal line about this message.
    pub fn apply(&mut self, entry: &Entry) {
        match entry {
            Entry::Received {
                body_md5,
                receipt,
                destination,
                ..
            } => {
                self.body_md5.clone_from(body_md5);
                self.receipt.clone_from(receipt);
                self.destination.clone_from(destination);
            }
            Entry::Sending { .. } => self.sending = true,
            Entry::Unanswered { .. } => {
                self.sending = false;
                self.unanswered += 1;
            }
            Entry::Sent { destination_id, .. } => {
                self.sending = false;
                self.destination_id = Some(destination_id.clone());
            }
            Entry::Deleted { .. } => self.deleted = true,
            Entry::Plan { .. } | Entry::End { .. } => {}
        }
    }
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
            if line.trim().is_empty() {
                continue;
            }
            let entry = match parse_line(&line) {
                (Some(entry), was_torn) => {
                    torn += usize::from(was_torn);
                    entry
                }
                // A kill can cut a line short: everything else still counts.
                (None, _) if !line.ends_with('}') => {
                    torn += 1;
                    continue;
                }
                (None, _) => {
                    let reason = serde_json::from_str::<Entry>(&line)
                        .err()
                        .map(|e| e.to_string())
                        .unwrap_or_default();
                    return Err(JournalError::Bad {
                        path: path.to_path_buf(),
                        line: i + 1,
                        reason,
                    });
                }
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
                        messages.entry(id.to_string()).or_default().apply(&entry);
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

/// Where journals go: `$SQUALL_DATA_DIR`, else the platform's data dir for squall.
pub fn data_dir() -> Option<PathBuf> {
    if let Some(dir) = std::env::var_os("SQUALL_DATA_DIR").filter(|d| !d.is_empty()) {
        return Some(PathBuf::from(dir));
    }
    directories::ProjectDirs::from("", "", "squall").map(|d| d.data_dir().to_path_buf())
}

/// A new journal's path for a run on `dlq_name` started at `now_ms`.
pub fn new_journal_path(dir: &Path, dlq_name: &str, now_ms: u64) -> PathBuf {
    let safe: String = dlq_name
        .chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() || c == '-' || c == '_' || c == '.' {
                c
            } else {
                '_'
            }
        })
        .collect();
    dir.join("redrive")
        .join(format!("{safe}-{now_ms}-{}.jsonl", std::process::id()))
}

#[cfg(test)]
mod tests;
