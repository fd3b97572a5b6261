//! Work `update` asks for; the runtime runs it and reports back with Actions.

use super::jobs::JobId;
use super::modals::confirm::ConfirmedOp;
use crate::inventory::Source;

/// What a job does. Work that changes state exists only as a `ConfirmedOp`, which only
/// the confirm dialog can make.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Work {
    /// (Re)load one source; results come back tagged with `generation`.
    Load {
        source: Source,
        generation: u64,
    },
    /// Fresh counts for these queues (the rows on screen), between full listings.
    RefreshCounts {
        urls: Vec<String>,
        generation: u64,
    },
    /// A peek that needs no confirmation (the queue has no redrive policy). A peek that
    /// does comes as `Dangerous` with `DangerousOp::Peek`.
    Peek(PeekRequest),
    Dangerous(ConfirmedOp),
    /// One GetMetricData call planned by the metrics engine.
    Metrics(crate::metrics::batch::FetchBatch),
    /// A redrive's plan, computed without changing anything (the dialog shows it).
    RedrivePlan(Box<super::redrive::PlanJob>),
    /// `DescribeAlarms` (state ALARM), every page.
    Alarms,
    /// `ListMessageMoveTasks` for these DLQ ARNs (bounded concurrency).
    MoveTasks(Vec<String>),
    /// `e` in the viewer: write the messages it shows to a new NDJSON file.
    Export(ExportRequest),
    /// `:whoami`: the caller and a harmless probe of each capability.
    Whoami,
    /// A search of consumer log groups (a logs view, its follow poll, a message's join, a
    /// board signature).
    Logs(super::logs::LogsJob),
}

/// Messages already read, to write as `squall export` does (one JSON line each). Writing
/// a local file changes nothing in AWS, so read-only mode keeps it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ExportRequest {
    pub path: std::path::PathBuf,
    pub queue_name: String,
    pub max_receive_count: Option<u32>,
    pub messages: Vec<crate::domain::message::ReceivedMessage>,
}

/// A peek at one queue: a sample of `count` (at most 10) messages, read and made visible
/// again at once. The queue's redrive settings come along to flag messages at the limit.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PeekRequest {
    pub queue_url: String,
    pub queue_name: String,
    pub count: usize,
    pub max_receive_count: Option<u32>,
    /// Where the queue's redrive policy sends messages.
    pub dlq_name: Option<String>,
}

impl PeekRequest {
    /// The job's label.
    pub fn label(&self) -> String {
        format!("peek {}", self.queue_name)
    }
}

/// Where `:profile` / `:region` ask to go; `None` keeps the current one.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ContextRequest {
    pub profile: Option<String>,
    pub region: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Effect {
    /// Run `work` as job `id` (already registered in `App::jobs`).
    Start { id: JobId, work: Work },
    /// Ask job `id` to stop; it reports `JobEnded` when it has.
    Cancel(JobId),
    /// Put text on the user's clipboard (OSC 52, which works over SSH).
    Copy(String),
    /// Connect elsewhere; the result comes back as `ContextSwitched` or `ContextFailed`.
    SwitchContext(ContextRequest),
    /// Stop the event loop and restore the terminal.
    Quit,
}
