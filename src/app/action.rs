//! Everything that can happen to the app.

use std::time::SystemTime;

use ratatui::crossterm::event::KeyEvent;

use super::effect::PeekRequest;
use super::jobs::{JobEnd, JobId, Progress};
use crate::aws::{ApiError, ConnectionInfo};
use crate::domain::message::ReceivedMessage;
use crate::domain::{EventSourceMapping, LambdaFunction, Queue, Subscription, Topic};
use crate::inventory::Source;
use crate::messages::PeekReport;

/// What a peek read, and how it ended (its job reports `JobEnded` right after).
#[derive(Debug, Clone, PartialEq)]
pub struct PeekResult {
    pub job: JobId,
    pub request: PeekRequest,
    /// In the order SQS handed them out.
    pub messages: Vec<ReceivedMessage>,
    pub report: PeekReport,
}

#[derive(Debug, Clone, PartialEq)]
pub enum Action {
    Key(KeyEvent),
    /// Periodic wake-up: advances the clock, the spinner and timed refreshes.
    Tick(SystemTime),
    /// The screen changed size: body rows and help rows that fit.
    Resize {
        table_rows: usize,
        help_rows: usize,
    },
    /// A batch of queues from queue load `generation`.
    QueuesLoaded {
        generation: u64,
        queues: Vec<Queue>,
    },
    QueueFailed {
        generation: u64,
        url: String,
        error: ApiError,
    },
    QueuesFinished {
        generation: u64,
        listed: usize,
        failed: usize,
    },
    TopicsLoaded {
        generation: u64,
        topics: Vec<Topic>,
    },
    SubscriptionsLoaded {
        generation: u64,
        subscriptions: Vec<Subscription>,
    },
    MappingsLoaded {
        generation: u64,
        mappings: Vec<EventSourceMapping>,
    },
    FunctionsLoaded {
        generation: u64,
        functions: Vec<LambdaFunction>,
    },
    /// A whole listing failed; what was loaded before stays.
    SourceFailed {
        source: Source,
        generation: u64,
        error: ApiError,
    },
    /// Fresh counts for the queues on screen.
    CountsRefreshed {
        generation: u64,
        queues: Vec<Queue>,
    },
    JobProgress {
        id: JobId,
        progress: Progress,
    },
    /// A peek read its sample: the message viewer opens on it.
    Peeked(Box<PeekResult>),
    /// A job's task ended (a panic arrives here as `JobEnd::Failed`).
    JobEnded {
        id: JobId,
        end: JobEnd,
    },
    /// `:profile` / `:region` connected; everything reloads.
    ContextSwitched {
        info: ConnectionInfo,
        read_only: bool,
    },
    /// The switch failed; squall stays where it was.
    ContextFailed {
        error: String,
    },
    /// A metrics call answered (or failed).
    MetricsFetched(Box<crate::metrics::FetchOutcome>),
    /// The alarms in ALARM, read by job `job`.
    AlarmsRead {
        job: JobId,
        alarms: Result<Vec<crate::domain::Alarm>, ApiError>,
    },
    /// The move tasks of some DLQs, read by job `job`.
    MoveTasksRead {
        job: JobId,
        answers: Vec<(
            String,
            Result<Vec<crate::domain::message::MoveTask>, ApiError>,
        )>,
    },
    /// The `:whoami` probe of job `job` answered.
    WhoamiRead {
        job: JobId,
        whoami: Box<crate::whoami::Whoami>,
    },
    /// A redrive plan job answered (the dialog waiting for `job` shows it).
    RedrivePlanned {
        job: JobId,
        result: Result<Box<crate::redrive::Plan>, String>,
    },
    /// A redrive job's progress, read from the engine at most a few times a second.
    RedriveProgress {
        id: JobId,
        snapshot: Box<super::redrive::RedriveSnapshot>,
    },
    /// A canary's watch, read a second at a time while it runs (after `RedriveFinished`).
    CanaryWatch {
        id: JobId,
        status: Box<crate::redrive::canary::WatchStatus>,
    },
    /// A canary's verdict, sent before the job's `JobEnded`.
    CanaryVerdict {
        id: JobId,
        verdict: Box<crate::redrive::canary::Verdict>,
    },
    /// An answer of a job of fleet context `context` (the runtime wraps them when more
    /// than one context is loaded): applied with that context active.
    InContext {
        context: usize,
        action: Box<Action>,
    },
    /// A redrive job's end, sent before its `JobEnded` (also when it was cancelled).
    RedriveFinished {
        id: JobId,
        result: Result<Box<crate::redrive::Summary>, String>,
    },
    /// A logs job's answer, for a logs view's feed or the board (generation: stale answers
    /// of a feed are dropped).
    LogsRead {
        job: JobId,
        to: super::logs::Destination,
        generation: u64,
        answer: Box<super::logs::LogsAnswer>,
    },
}
