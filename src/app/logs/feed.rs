//! One feed of a logs view: what it searches (a target's groups over a window, or one
//! message's join), the lines it has so far (merged as the follow polls bring more, each
//! line once, the oldest dropped past a bound), and what its searches read and cost.

use std::collections::HashSet;
use std::time::SystemTime;

use crate::app::jobs::JobId;
use crate::logs::search::SearchOutcome;
use crate::logs::{GroupTarget, Invocation, LogLine, MessageRef};

/// Lines a feed keeps at most: a long tail drops its oldest.
pub const MAX_FEED_LINES: usize = 5_000;

/// What a feed searches.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum FeedKind {
    /// Every line of the groups from `start_ms` on (and what polls bring after).
    Lines { start_ms: i64 },
    /// The lines naming one message, and the invocations they belong to.
    Message(MessageRef),
}

/// Where a feed stands.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum FeedState {
    Searching,
    Ready,
    /// The search may scan more than `logs.max_scan_mb`: nothing was read; Enter asks.
    TooLarge {
        estimate_bytes: u64,
    },
    /// The endpoint has no CloudWatch Logs (the rest of squall keeps working).
    Unavailable(String),
    Failed(String),
    /// The target leads to no Lambda consumer.
    NoConsumers,
}

/// What the searches of a feed read, added up, like `:cost` for metrics.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Scanned {
    pub bytes: u64,
    pub requests: u64,
    /// Lines the searches brought back (before the feed dropped duplicates).
    pub events: u64,
    /// Why the last search stopped before the end of its window.
    pub stopped_early: Option<String>,
    /// Groups that do not exist (the function never logged, or logs elsewhere).
    pub missing: Vec<String>,
    /// Groups that could not be read, with why.
    pub failures: Vec<String>,
    /// Set when no group could be read because the endpoint lacks CloudWatch Logs.
    pub unavailable: Option<String>,
}

impl Scanned {
    /// What `outcomes` read together.
    pub fn of(outcomes: &[&SearchOutcome]) -> Scanned {
        let mut scanned = Scanned::default();
        for outcome in outcomes {
            scanned.bytes += outcome.bytes_read;
            scanned.requests += outcome.requests;
            scanned.events += outcome.lines.len() as u64;
            if outcome.stopped_early.is_some() {
                scanned.stopped_early = outcome.stopped_early.clone();
            }
            for group in &outcome.missing_groups {
                if !scanned.missing.contains(group) {
                    scanned.missing.push(group.clone());
                }
            }
            scanned.failures.extend(
                outcome
                    .failures
                    .iter()
                    .map(|(group, error)| format!("{group}: {error}")),
            );
        }
        scanned.unavailable = outcomes
            .first()
            .and_then(|o| o.unavailable())
            .map(|e| e.to_string());
        scanned
    }

    /// Another search of the same feed: its costs add up, its findings replace.
    fn add(&mut self, later: Scanned) {
        self.bytes += later.bytes;
        self.requests += later.requests;
        self.events += later.events;
        self.stopped_early = later.stopped_early.or(self.stopped_early.take());
        self.missing = later.missing;
        self.failures = later.failures;
        self.unavailable = later.unavailable;
    }
}

#[derive(Debug, Clone, PartialEq)]
pub struct Feed {
    /// What the view's title names (escaped when drawn).
    pub title: String,
    pub groups: Vec<GroupTarget>,
    pub kind: FeedKind,
    pub state: FeedState,
    /// Oldest first, each line once.
    pub lines: Vec<LogLine>,
    /// A message feed's invocations (their lines are not in `lines`).
    pub invocations: Vec<Invocation>,
    /// A message feed's lines naming the message.
    pub naming: Vec<LogLine>,
    pub scanned: Scanned,
    /// The job searching now.
    pub job: Option<JobId>,
    /// The last job started: its end comes after its answer, and ends quietly.
    pub last_job: Option<JobId>,
    /// Answers of older generations are stale.
    pub generation: u64,
    /// When the last search ended (the next poll waits two seconds from there).
    pub ended: Option<SystemTime>,
    /// The newest line's time: a poll asks from a little before it.
    pub newest_ms: Option<i64>,
    /// When the last search or poll asked up to (a poll with no line yet starts there).
    pub searched_to_ms: i64,
    /// The job holding the feed's Live Tail session (billed per minute while it runs).
    pub tail: Option<JobId>,
    /// How the feed is followed, once known (the view's title says it).
    pub mode: Option<crate::logs::live::FollowMode>,
    seen: HashSet<(String, String, i64, String)>,
}

impl Feed {
    pub fn new(title: String, groups: Vec<GroupTarget>, kind: FeedKind) -> Feed {
        Feed {
            title,
            groups,
            kind,
            state: FeedState::Searching,
            lines: Vec::new(),
            invocations: Vec::new(),
            naming: Vec::new(),
            scanned: Scanned::default(),
            job: None,
            last_job: None,
            generation: 0,
            ended: None,
            newest_ms: None,
            searched_to_ms: 0,
            tail: None,
            mode: None,
            seen: HashSet::new(),
        }
    }

    pub fn in_flight(&self) -> bool {
        self.job.is_some()
    }

    /// Lines of a search or a poll: those not held yet join, in time order; past
    /// [`MAX_FEED_LINES`] the oldest go. Returns how many joined.
    pub fn merge(&mut self, lines: Vec<LogLine>) -> usize {
        let mut joined = 0;
        for line in lines {
            let key = (
                line.log_group.clone(),
                line.stream.clone(),
                line.timestamp_ms,
                line.message.clone(),
            );
            if !self.seen.insert(key) {
                continue;
            }
            self.newest_ms = self.newest_ms.max(Some(line.timestamp_ms));
            // Polls bring newer lines: they go at the end, the rare late one in its place.
            let at = self
                .lines
                .partition_point(|l| l.timestamp_ms <= line.timestamp_ms);
            self.lines.insert(at, line);
            joined += 1;
        }
        if self.lines.len() > MAX_FEED_LINES {
            let dropped: Vec<LogLine> = self
                .lines
                .drain(..self.lines.len() - MAX_FEED_LINES)
                .collect();
            for line in dropped {
                self.seen
                    .remove(&(line.log_group, line.stream, line.timestamp_ms, line.message));
            }
        }
        joined
    }

    /// A search's cost joins the feed's.
    pub fn scanned(&mut self, scanned: Scanned) {
        self.state = match &scanned.unavailable {
            Some(error) => FeedState::Unavailable(error.clone()),
            None => FeedState::Ready,
        };
        self.scanned.add(scanned);
    }

    /// Whether the feed shows lines (not a message's invocations): those are followed.
    pub fn follows(&self) -> bool {
        matches!(self.kind, FeedKind::Lines { .. })
    }
}
