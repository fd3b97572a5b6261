//! The health board's top error signature per consumer-error row ("TypeError: cannot read
//! 'carrier' of undefined ×412 in 15m"): read only for the rows that need it, one search at
//! a time within the shared budget, each function again at most every few minutes. An
//! endpoint without CloudWatch Logs gives no signature, never an error row.

use std::collections::HashMap;
use std::time::{Duration, SystemTime};

use super::{Destination, LogsAnswer, LogsJob, LogsQuery};
use crate::app::effect::{Effect, Work};
use crate::app::jobs::JobId;
use crate::app::metric_refresh::epoch_ms;
use crate::app::state::App;
use crate::app::views::health::HealthView;
use crate::health::Kind;
use crate::logs::SearchRequest;
use crate::logs::targets::Consumers;

/// The window a board signature counts over.
pub const SIGNATURE_WINDOW_MS: i64 = 15 * 60_000;
/// A function's signature is read again after this long (a calm rate: it costs requests).
pub const SIGNATURE_EVERY: Duration = Duration::from_secs(300);
/// Bytes one board search reads at most (error lines only: small).
const MAX_BOARD_BYTES: u64 = 20_000_000;

/// The top signature of one function, as the board shows it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TopSignature {
    pub signature: String,
    pub count: u64,
}

#[derive(Debug, Clone, Default, PartialEq)]
struct Entry {
    top: Option<TopSignature>,
    read_at: Option<SystemTime>,
    job: Option<JobId>,
    /// The last job started: its end comes after its answer, and ends quietly.
    last_job: Option<JobId>,
}

#[derive(Debug, Clone, Default, PartialEq)]
pub struct BoardSignatures {
    by_function: HashMap<String, Entry>,
}

impl BoardSignatures {
    /// What the board shows beside `function`'s error row.
    pub fn top(&self, function: &str) -> Option<&TopSignature> {
        self.by_function.get(function)?.top.as_ref()
    }

    fn in_flight(&self) -> bool {
        self.by_function.values().any(|e| e.job.is_some())
    }

    pub(super) fn read(&mut self, function: &str, job: JobId, answer: LogsAnswer, now: SystemTime) {
        let Some(entry) = self
            .by_function
            .get_mut(function)
            .filter(|e| e.job == Some(job))
        else {
            return;
        };
        entry.job = None;
        entry.read_at = Some(now);
        // Unavailable, failed or nothing found: no signature (the row stays as it was).
        entry.top = match answer {
            LogsAnswer::Signatures { top, .. } => top.map(|s| TopSignature {
                signature: s.signature,
                count: s.count,
            }),
            _ => None,
        };
    }

    /// A job ended; one that ended without an answer waits the full interval too.
    pub(super) fn job_ended(&mut self, id: JobId, now: SystemTime) -> bool {
        match self
            .by_function
            .values_mut()
            .find(|e| e.last_job == Some(id))
        {
            Some(entry) => {
                if entry.job == Some(id) {
                    entry.job = None;
                    entry.read_at = Some(now);
                }
                true
            }
            None => false,
        }
    }
}

/// The functions with a consumer-error row on the board on top, if it is.
fn erring_functions(app: &App) -> Vec<String> {
    let Some(board) = app.view_as::<HealthView>() else {
        return Vec::new();
    };
    let mut functions: Vec<String> = board
        .problems
        .iter()
        .filter(|p| p.resource.kind == Kind::Function)
        .filter(|p| matches!(&p.sparkline, Some((_, "error_rate"))))
        .map(|p| p.resource.name.clone())
        .collect();
    functions.dedup();
    functions
}

/// On a tick: one signature search, for the first erring function not read lately.
pub fn due(app: &mut App) -> Vec<Effect> {
    if app.logs.board.in_flight() {
        return Vec::new();
    }
    let now = app.now;
    let stale = |entry: Option<&Entry>| {
        entry
            .and_then(|e| e.read_at)
            .and_then(|at| now.duration_since(at).ok())
            .is_none_or(|age| age >= SIGNATURE_EVERY)
    };
    let Some(function) = erring_functions(app)
        .into_iter()
        .find(|f| stale(app.logs.board.by_function.get(f)))
    else {
        return Vec::new();
    };
    let consumers = Consumers::new(
        app.inventory.functions().to_vec(),
        app.inventory.mappings().to_vec(),
    );
    let Some(group) = consumers.function(&function) else {
        return Vec::new();
    };
    let now_ms = epoch_ms(now);
    let label = format!("error signatures of {function}");
    let job = app.jobs.start(label.clone(), now);
    let entry = app
        .logs
        .board
        .by_function
        .entry(function.clone())
        .or_default();
    entry.job = Some(job);
    entry.last_job = Some(job);
    let work = Work::Logs(LogsJob {
        to: Destination::Board(function),
        generation: 0,
        query: LogsQuery::Signatures {
            request: SearchRequest {
                groups: vec![group],
                start_ms: now_ms - SIGNATURE_WINDOW_MS,
                end_ms: now_ms,
                pattern: None,
                max_bytes: MAX_BOARD_BYTES,
                max_lines: 100_000,
            },
        },
        budget: app.logs.budget.clone(),
        now_ms,
        label,
    });
    vec![Effect::Start { id: job, work }]
}
