//! The logs engine: why a message failed, from its consumers' CloudWatch Logs. Which log
//! groups a function, queue, DLQ or topic leads to (`targets`), bounded searches over them
//! with one shared request budget (`budget`, `search`), the join of a message to the
//! invocations that handled it (`join`), and error signatures (`signatures`). Plain Rust over
//! `Backend::logs`: the CLI's `squall logs` and the TUI's logs view are views on top.

pub mod budget;
pub mod follow;
pub mod join;
pub mod live;
pub mod parse;
pub mod pattern;
pub mod search;
pub mod signatures;
pub mod targets;

pub use budget::RequestBudget;
pub use join::{Invocation, JoinOutcome, MessageRef, find_message};
pub use search::{GroupTarget, SearchOutcome, SearchRequest, estimate_scan, search};
pub use signatures::{Signature, error_signatures_of, signatures};

/// What a line is in the life of an invocation.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize)]
#[serde(rename_all = "snake_case")]
pub enum LineKind {
    Start,
    End,
    Report,
    /// "Task timed out after N seconds" (or a `platform.report` with status timeout).
    Timeout,
    /// Anything the function itself wrote.
    App,
}

/// One log event of a consumer, read.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LogLine {
    pub function: String,
    pub log_group: String,
    pub stream: String,
    pub timestamp_ms: i64,
    pub request_id: Option<String>,
    /// Upper case: `INFO`, `ERROR`, `WARN`, …; `None` for platform and plain lines.
    pub level: Option<String>,
    pub kind: LineKind,
    /// The text (a JSON line's `message`, with its error's stack when it has one). From
    /// AWS and from user input: only the one escaping rule may print it.
    pub message: String,
    /// Values of fields named like a message id (JSON lines).
    pub message_ids: Vec<String>,
    /// A JSON line's `error`: `TypeError: Cannot read …`.
    pub error: Option<String>,
}

impl LogLine {
    /// Whether the line reports a failure: level ERROR, FATAL or CRITICAL, or a timeout.
    pub fn is_error(&self) -> bool {
        self.kind == LineKind::Timeout
            || self
                .level
                .as_deref()
                .is_some_and(|l| matches!(l, "ERROR" | "FATAL" | "CRITICAL"))
    }
}

#[cfg(test)]
mod tests;
