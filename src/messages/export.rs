//! Writing messages as NDJSON, one record a line: what `squall export` and `e` in the
//! viewer both write, into a file that did not exist (an export is never overwritten) and
//! that only its owner can read (it holds message bodies).

use std::fs::File;
use std::io::Write;
use std::path::Path;

use super::record::MessageRecord;
use crate::domain::message::ReceivedMessage;
use crate::gate::Shown;

/// A new owner-only file at `path`; an existing one is refused with a message saying so.
pub fn create_new(path: &Path) -> Result<File, String> {
    crate::private_files::create_new(path).map_err(|e| {
        if e.kind() == std::io::ErrorKind::AlreadyExists {
            format!(
                "{} exists; squall never overwrites a file: choose another name",
                path.display()
            )
        } else {
            format!("cannot create {}: {e}", path.display())
        }
    })
}

/// `message` as one NDJSON line (newline included); `max_receive_count` is its queue's.
pub fn line(message: &ReceivedMessage, max_receive_count: Option<u32>) -> Result<Shown, String> {
    let record = MessageRecord::from_received(message, max_receive_count);
    Shown::json_line(&record).map_err(|e| e.to_string())
}

/// Writes `message` as one NDJSON line into a file.
pub fn write_line(
    out: &mut impl Write,
    message: &ReceivedMessage,
    max_receive_count: Option<u32>,
) -> Result<(), String> {
    let line = line(message, max_receive_count)?;
    out.write_all(line.as_str().as_bytes())
        .map_err(|e| format!("cannot write the export: {e}"))
}
