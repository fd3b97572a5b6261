//! The consumers' logs in the TUI: the one request budget every logs job shares (the
//! account's FilterLogEvents limit is shared too), the feeds the logs views show (a
//! target's lines, or one message's invocations), the follow polls every two seconds while
//! a logs view is on top, and the health board's top error signatures (`board`). Searches
//! run as jobs (`runtime/logs.rs`); their answers come back here by feed and generation.

pub mod board;
pub mod feed;
pub mod open;
pub mod tail;

use std::collections::BTreeMap;
use std::sync::Arc;

pub use feed::{Feed, FeedKind, FeedState, Scanned};

use super::effect::{Effect, Work};
use super::jobs::{JobEnd, JobId};
use super::metric_refresh::epoch_ms;
use super::state::App;
use super::views::logs::LogsView;
use crate::logs::follow::FOLLOW_EVERY;
use crate::logs::{GroupTarget, Invocation, LogLine, MessageRef, RequestBudget, SearchRequest};

/// A poll asks again this far back: events can arrive after their timestamp.
const POLL_OVERLAP_MS: i64 = 10_000;
/// Lines one search of a view brings at most.
pub const MAX_SEARCH_LINES: usize = 5_000;

/// The shared budget, in a form a `Work` can carry (two are equal when they are the same).
#[derive(Clone, Default)]
pub struct LogsBudget(pub Arc<RequestBudget>);

impl std::fmt::Debug for LogsBudget {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "LogsBudget({} requests)", self.0.requests())
    }
}

impl PartialEq for LogsBudget {
    fn eq(&self, other: &Self) -> bool {
        Arc::ptr_eq(&self.0, &other.0)
    }
}

impl Eq for LogsBudget {}

/// Whose answer a logs job brings.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Destination {
    /// A logs view's feed.
    Feed(u64),
    /// The health board's signature of this function.
    Board(String),
}

/// What a logs job asks.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum LogsQuery {
    /// The lines of a window; with `estimate_first`, DescribeLogGroups first, and nothing
    /// read when the search may scan more than `request.max_bytes`.
    Lines {
        request: SearchRequest,
        estimate_first: bool,
    },
    /// The join: the lines naming a message, then their whole invocations.
    Message {
        groups: Vec<GroupTarget>,
        message: MessageRef,
        max_bytes: u64,
    },
    /// The error signatures of a window (the board).
    Signatures { request: SearchRequest },
    /// A follow by Live Tail from the end of `request`'s window, until cancelled or the
    /// endpoint turns out to have none (`tail`).
    Tail { request: SearchRequest },
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LogsJob {
    pub to: Destination,
    pub generation: u64,
    pub query: LogsQuery,
    pub budget: LogsBudget,
    pub now_ms: i64,
    pub label: String,
}

/// What a logs job found.
#[derive(Debug, Clone, PartialEq)]
pub enum LogsAnswer {
    /// Nothing searched: it may scan about this much, over `logs.max_scan_mb`.
    TooLarge {
        estimate_bytes: u64,
    },
    Lines {
        lines: Vec<LogLine>,
        scanned: Scanned,
    },
    Invocations {
        naming: Vec<LogLine>,
        invocations: Vec<Invocation>,
        scanned: Scanned,
    },
    Signatures {
        top: Option<crate::logs::Signature>,
        scanned: Scanned,
    },
    Failed(String),
    /// New lines of a Live Tail session; `mode` polling: the session is over, poll.
    Tailed {
        lines: Vec<LogLine>,
        bytes: u64,
        mode: crate::logs::live::FollowMode,
    },
}

#[derive(Debug)]
pub struct LogsState {
    pub budget: LogsBudget,
    /// `logs.max_scan_mb` in bytes: a larger search is asked about first.
    pub max_scan_bytes: u64,
    pub feeds: BTreeMap<u64, Feed>,
    next_feed: u64,
    pub board: board::BoardSignatures,
    /// Changes with every answer and start, for the views' sync.
    pub revision: u64,
}

impl Default for LogsState {
    fn default() -> LogsState {
        LogsState {
            budget: LogsBudget::default(),
            max_scan_bytes: crate::config::DEFAULT_LOGS_MAX_SCAN_MB * 1_000_000,
            feeds: BTreeMap::new(),
            next_feed: 0,
            board: board::BoardSignatures::default(),
            revision: 0,
        }
    }
}

impl LogsState {
    pub fn feed(&self, id: u64) -> Option<&Feed> {
        self.feeds.get(&id)
    }

    /// A new feed; its id.
    pub fn add(&mut self, feed: Feed) -> u64 {
        self.next_feed += 1;
        self.feeds.insert(self.next_feed, feed);
        self.revision += 1;
        self.next_feed
    }
}

/// What `:cost` says of the logs: the calls and bytes of this session's searches.
pub fn cost_text(logs: &LogsState) -> String {
    let budget = &logs.budget.0;
    let tailed = budget.live_tail_time().as_secs();
    format!(
        "CloudWatch Logs: {} calls, {} read this session (not billed per call; throttled {} times); Live Tail {}m {}s of session (billed per minute)",
        budget.requests(),
        crate::logs::search::human_bytes(budget.bytes()),
        budget.throttled(),
        tailed / 60,
        tailed % 60
    )
}

/// Another profile or region: another account's budget, and nothing read here holds.
pub fn forget(app: &mut App) {
    app.logs = LogsState {
        max_scan_bytes: app.logs.max_scan_bytes,
        revision: app.logs.revision + 1,
        ..LogsState::default()
    };
}

/// Starts a search of feed `id` (a new generation: older answers are dropped).
pub fn start(app: &mut App, id: u64, query: LogsQuery) -> Vec<Effect> {
    let now_ms = epoch_ms(app.now);
    let Some(feed) = app.logs.feeds.get_mut(&id) else {
        return Vec::new();
    };
    let label = format!("logs {}", feed.title);
    let job = app.jobs.start(label.clone(), app.now);
    feed.generation += 1;
    feed.job = Some(job);
    feed.last_job = Some(job);
    app.logs.revision += 1;
    vec![Effect::Start {
        id: job,
        work: Work::Logs(LogsJob {
            to: Destination::Feed(id),
            generation: feed.generation,
            query,
            budget: app.logs.budget.clone(),
            now_ms,
            label,
        }),
    }]
}

/// A confirmed search (one larger than `logs.max_scan_mb`) started as job `job`.
pub fn confirmed(app: &mut App, job: JobId, logs: &LogsJob) {
    if let Destination::Feed(id) = &logs.to
        && let Some(feed) = app.logs.feeds.get_mut(id)
    {
        feed.generation = logs.generation;
        feed.job = Some(job);
        feed.last_job = Some(job);
        feed.state = FeedState::Searching;
        app.logs.revision += 1;
    }
}

/// A logs job answered.
pub fn read(app: &mut App, job: JobId, to: Destination, generation: u64, answer: LogsAnswer) {
    app.logs.revision += 1;
    let id = match to {
        Destination::Board(function) => {
            app.logs.board.read(&function, job, answer, app.now);
            return;
        }
        Destination::Feed(id) => id,
    };
    let now_ms = epoch_ms(app.now);
    if matches!(answer, LogsAnswer::Tailed { .. }) {
        tail::read(app, job, id, answer);
        return;
    }
    let Some(feed) = app.logs.feeds.get_mut(&id) else {
        return;
    };
    if generation < feed.generation {
        return;
    }
    feed.generation = generation;
    feed.job = None;
    feed.ended = Some(app.now);
    feed.searched_to_ms = now_ms;
    match answer {
        LogsAnswer::TooLarge { estimate_bytes } => {
            feed.state = FeedState::TooLarge { estimate_bytes };
        }
        LogsAnswer::Lines { lines, scanned } => {
            feed.merge(lines);
            feed.scanned(scanned);
        }
        LogsAnswer::Invocations {
            naming,
            invocations,
            scanned,
        } => {
            feed.naming = naming;
            feed.invocations = invocations;
            feed.scanned(scanned);
        }
        LogsAnswer::Signatures { .. } | LogsAnswer::Tailed { .. } => feed.state = FeedState::Ready,
        LogsAnswer::Failed(error) => feed.state = FeedState::Failed(error),
    }
}

/// A logs job ended: quietly (the view shows what it read); one that ended without an
/// answer (cancelled, panicked) stops saying "searching". False for other jobs.
pub fn job_ended(app: &mut App, id: JobId, end: &JobEnd) -> bool {
    if app.logs.board.job_ended(id, app.now) {
        app.logs.revision += 1;
        return true;
    }
    if tail::ended(app, id) {
        return true;
    }
    let Some(feed) = app.logs.feeds.values_mut().find(|f| f.last_job == Some(id)) else {
        return false;
    };
    if feed.job != Some(id) {
        // It answered already.
        return true;
    }
    feed.job = None;
    feed.ended = Some(app.now);
    if feed.state == FeedState::Searching {
        feed.state = match end {
            JobEnd::Failed(error) => FeedState::Failed(error.clone()),
            _ => FeedState::Failed("stopped before it answered".to_string()),
        };
    }
    app.logs.revision += 1;
    true
}

/// On a tick: the follow of the logs view on top (a Live Tail session where the endpoint
/// has one, else a poll every two seconds, one at a time),
/// the board's signatures when the board is on top; feeds no view shows are forgotten.
pub fn due(app: &mut App) -> Vec<Effect> {
    let mut effects = tail::stop_unwatched(app);
    forget_unshown(app);
    effects.extend(board::due(app));
    let Some(view) = app.view_as::<LogsView>() else {
        return effects;
    };
    let (id, following) = (view.feed, view.following);
    let Some(feed) = app.logs.feeds.get(&id) else {
        return effects;
    };
    let rested = feed
        .ended
        .and_then(|e| app.now.duration_since(e).ok())
        .is_some_and(|d| d >= FOLLOW_EVERY);
    if !following || !feed.follows() || feed.in_flight() || !rested {
        return effects;
    }
    if !matches!(feed.state, FeedState::Ready) {
        return effects;
    }
    if let Some(opened) = tail::open(app, id) {
        effects.extend(opened);
        return effects;
    }
    let Some(feed) = app.logs.feeds.get(&id) else {
        return effects;
    };
    let start_ms = feed
        .newest_ms
        .map_or(feed.searched_to_ms, |n| n - POLL_OVERLAP_MS);
    let request = SearchRequest {
        groups: feed.groups.clone(),
        start_ms,
        end_ms: epoch_ms(app.now),
        pattern: None,
        max_bytes: app.logs.max_scan_bytes,
        max_lines: MAX_SEARCH_LINES,
    };
    effects.extend(start(
        app,
        id,
        LogsQuery::Lines {
            request,
            estimate_first: false,
        },
    ));
    effects
}

/// Feeds whose view left the stack (once their search answered).
fn forget_unshown(app: &mut App) {
    let shown: Vec<u64> = app
        .stack
        .iter()
        .filter_map(|e| e.view.as_any().downcast_ref::<LogsView>())
        .map(|v| v.feed)
        .collect();
    app.logs
        .feeds
        .retain(|id, feed| shown.contains(id) || feed.in_flight());
}

#[cfg(test)]
mod tail_tests;
#[cfg(test)]
mod tests;
