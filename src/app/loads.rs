//! Discovery as jobs: starting loads, taking their results into the inventory, and the
//! refresh timing. The full listing runs rarely (it costs one call per queue); the counts
//! of the queues on screen refresh often (a few calls). Each next refresh is timed from
//! the end of the previous one, so a slow listing is never followed at once by another.

use std::collections::HashMap;
use std::time::{Duration, SystemTime};

use super::effect::{Effect, Work};
use super::jobs::{JobEnd, JobId};
use super::state::{App, Level};
use crate::aws::ApiError;
use crate::domain::Queue;
use crate::inventory::Source;

/// A slow listing pushes the next one back: at least this many times its duration.
const LISTING_INTERVAL_PER_DURATION: u32 = 10;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct RefreshSettings {
    /// Counts of the queues on screen; `None`: only on `r`.
    pub counts: Option<Duration>,
    /// The whole listing; `None`: only on `r`.
    pub listing: Option<Duration>,
}

/// One source's loader: which load is current and whether it is running.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct SourceLoad {
    pub generation: u64,
    pub in_flight: bool,
    pub job: Option<JobId>,
    /// Rows received by the load in flight (queues stream in).
    pub received: usize,
    pub started: Option<SystemTime>,
    /// When the last load of this source ended, and whether it failed.
    pub ended: Option<SystemTime>,
    pub failed: bool,
    pub last_duration: Option<Duration>,
}

impl SourceLoad {
    /// A new load, run by job `id`: a new generation, so older results are stale.
    fn begin(&mut self, id: JobId, now: SystemTime) {
        self.generation += 1;
        self.in_flight = true;
        self.received = 0;
        self.job = Some(id);
        self.started = Some(now);
    }
}

#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Loads {
    sources: HashMap<Source, SourceLoad>,
    /// The on-screen counts refresh, which is a load of its own.
    pub counts: SourceLoad,
}

impl Loads {
    pub fn get(&self, source: Source) -> SourceLoad {
        self.sources.get(&source).cloned().unwrap_or_default()
    }

    pub fn any_in_flight(&self) -> bool {
        self.sources.values().any(|l| l.in_flight)
    }

    /// The current load of `source` if `generation` is the current one (stale results
    /// are dropped).
    fn current(&mut self, source: Source, generation: u64) -> Option<&mut SourceLoad> {
        self.sources
            .get_mut(&source)
            .filter(|l| l.generation == generation && l.in_flight)
    }

    /// Whether job `id` is (or was) one of the current loads or the counts refresh.
    pub fn owns_job(&self, id: JobId) -> bool {
        self.counts.job == Some(id) || self.sources.values().any(|l| l.job == Some(id))
    }

    /// The jobs of the loads running now.
    pub fn running_jobs(&self) -> Vec<JobId> {
        self.sources
            .values()
            .chain(std::iter::once(&self.counts))
            .filter(|l| l.in_flight)
            .filter_map(|l| l.job)
            .collect()
    }

    /// After a context switch: nothing is running or loaded any more. Generations keep
    /// counting, so late results of the old loads are dropped as stale.
    pub fn forget_running(&mut self) {
        for load in self
            .sources
            .values_mut()
            .chain(std::iter::once(&mut self.counts))
        {
            *load = SourceLoad {
                generation: load.generation,
                ..SourceLoad::default()
            };
        }
    }

    /// Which source job `id` loads, if it is a current load.
    fn source_of_job(&self, id: JobId) -> Option<Source> {
        self.sources
            .iter()
            .find(|(_, l)| l.in_flight && l.job == Some(id))
            .map(|(&s, _)| s)
    }
}

/// Starts every listing that is not already running.
pub fn start_all(app: &mut App) -> Vec<Effect> {
    Source::ALL
        .iter()
        .flat_map(|&source| start_load(app, source))
        .collect()
}

/// Starts a load of `source` unless one is already running (duplicate work collapses).
pub fn start_load(app: &mut App, source: Source) -> Vec<Effect> {
    if app.loads.get(source).in_flight {
        return Vec::new();
    }
    let id = app.jobs.start(format!("load {}", source.label()), app.now);
    let load = app.loads.sources.entry(source).or_default();
    load.begin(id, app.now);
    vec![Effect::Start {
        id,
        work: Work::Load {
            source,
            generation: load.generation,
        },
    }]
}

/// Marks the current load of `source` ended; false for a stale generation.
/// The load's job ends with it, so `:jobs` is right even before the task reports back.
fn finish(app: &mut App, source: Source, generation: u64, failure: Option<String>) -> bool {
    let now = app.now;
    let Some(load) = app.loads.current(source, generation) else {
        return false;
    };
    load.in_flight = false;
    load.ended = Some(now);
    load.failed = failure.is_some();
    load.last_duration = load.started.and_then(|s| now.duration_since(s).ok());
    if let Some(job) = load.job {
        let end = match failure {
            Some(reason) => JobEnd::Failed(reason),
            None => JobEnd::Done(None),
        };
        app.jobs.end(job, end, now);
    }
    true
}

pub fn queues_batch(app: &mut App, generation: u64, queues: Vec<Queue>) {
    if let Some(load) = app.loads.current(Source::Queues, generation) {
        load.received += queues.len();
        app.inventory.upsert_queues(queues, generation);
    }
}

pub fn queue_failed(app: &mut App, generation: u64, url: &str, error: &ApiError) {
    if app.loads.current(Source::Queues, generation).is_some() {
        let name = crate::domain::arn::queue_name_from_url(url).to_string();
        app.set_message(Level::Warning, format!("{name}: {error}"));
    }
}

pub fn queues_finished(app: &mut App, generation: u64, listed: usize, failed: usize) {
    if !finish(app, Source::Queues, generation, None) {
        return;
    }
    app.inventory.finish_queues(generation);
    if failed > 0 {
        app.set_message(
            Level::Warning,
            format!("{failed} of {listed} queues could not be described; the rest are shown"),
        );
    } else if app
        .message
        .as_ref()
        .is_some_and(|m| m.level == Level::Error)
    {
        // The queues loaded again: an earlier error (an unreachable endpoint) no longer holds.
        app.message = None;
    }
}

/// A whole listing arrived: `apply` puts it into the inventory if it is current.
pub fn listing_loaded(
    app: &mut App,
    source: Source,
    generation: u64,
    apply: impl FnOnce(&mut crate::inventory::Inventory),
) {
    if finish(app, source, generation, None) {
        apply(&mut app.inventory);
    }
}

pub fn source_failed(app: &mut App, source: Source, generation: u64, error: ApiError) {
    if !finish(app, source, generation, Some(error.to_string())) {
        return;
    }
    let level = if source == Source::Queues {
        Level::Error
    } else {
        Level::Warning
    };
    app.set_message(level, format!("loading {} failed: {error}", source.label()));
    app.inventory.set_error(source, error);
}

/// Fresh counts for some queues arrived.
pub fn counts_refreshed(app: &mut App, generation: u64, queues: Vec<Queue>) {
    let counts = &mut app.loads.counts;
    if counts.generation != generation || !counts.in_flight {
        return;
    }
    counts.in_flight = false;
    counts.ended = Some(app.now);
    if let Some(job) = counts.job {
        app.jobs.end(job, JobEnd::Done(None), app.now);
    }
    app.inventory.update_queues(queues);
}

/// A job ended. Loads normally report their results first; a load whose job ended
/// without them (it panicked, or was cancelled) must not stay "in flight" for good.
pub fn job_ended(app: &mut App, id: JobId, failure: Option<&str>) {
    if let Some(source) = app.loads.source_of_job(id) {
        let generation = app.loads.get(source).generation;
        let text = failure.unwrap_or("stopped before it finished");
        source_failed(
            app,
            source,
            generation,
            ApiError::client(&format!("load {}", source.label()), text),
        );
    }
    if app.loads.counts.job == Some(id) && app.loads.counts.in_flight {
        app.loads.counts.in_flight = false;
        app.loads.counts.ended = Some(app.now);
    }
}

/// On a tick: starts the refreshes that are due.
pub fn due_refreshes(app: &mut App, visible_queue_urls: Vec<String>) -> Vec<Effect> {
    if listing_due(app) {
        return start_all(app);
    }
    if counts_due(app) && !visible_queue_urls.is_empty() {
        return start_counts(app, visible_queue_urls);
    }
    Vec::new()
}

pub fn start_counts(app: &mut App, urls: Vec<String>) -> Vec<Effect> {
    if app.loads.counts.in_flight || app.loads.get(Source::Queues).in_flight {
        return Vec::new();
    }
    let id = app.jobs.start("refresh counts on screen", app.now);
    let counts = &mut app.loads.counts;
    counts.begin(id, app.now);
    vec![Effect::Start {
        id,
        work: Work::RefreshCounts {
            urls,
            generation: counts.generation,
        },
    }]
}

fn elapsed_since(app: &App, at: Option<SystemTime>) -> Option<Duration> {
    at.and_then(|t| app.now.duration_since(t).ok())
}

fn listing_due(app: &App) -> bool {
    let Some(interval) = app.refresh.listing else {
        return false;
    };
    let queues = app.loads.get(Source::Queues);
    if app.loads.any_in_flight() || app.loads.counts.in_flight {
        return false;
    }
    // A listing that took 40 s is not repeated every minute.
    let scaled = queues
        .last_duration
        .map(|d| d * LISTING_INTERVAL_PER_DURATION)
        .unwrap_or_default()
        .max(interval);
    elapsed_since(app, queues.ended).is_some_and(|e| e >= scaled)
}

fn counts_due(app: &App) -> bool {
    let Some(interval) = app.refresh.counts else {
        return false;
    };
    let queues = app.loads.get(Source::Queues);
    if queues.in_flight || queues.ended.is_none() || app.loads.counts.in_flight {
        return false;
    }
    let last = app.loads.counts.ended.max(queues.ended);
    elapsed_since(app, last).is_some_and(|e| e >= interval)
}
