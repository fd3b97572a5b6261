//! The app's side of the metrics engine: on each tick the view on top says which
//! resources it charts, the engine decides what is due (at most once per period), and
//! each call runs as a supervised job whose answer comes back as `MetricsFetched`. Live
//! counts from the counts refresh extend the depth series between CloudWatch points.

use std::collections::BTreeSet;
use std::time::{SystemTime, UNIX_EPOCH};

use super::effect::{Effect, Work};
use super::jobs::JobId;
use super::state::{App, Level};
use super::views::charts::ChartsView;
use crate::domain::Queue;
use crate::metrics::{FetchOutcome, MetricsEngine, Resource, Window};

/// The narrowest table (inside its borders) that gets the depth sparkline column.
pub const SPARKLINE_MIN_TABLE_WIDTH: u16 = 150;

#[derive(Debug, Default)]
pub struct MetricsState {
    pub engine: MetricsEngine,
    /// Metric refreshes running (their end is not a "done" message nor a reload).
    jobs: BTreeSet<JobId>,
    /// The terminal's width (set by the runtime): depths for the sparkline column are
    /// asked only when the column is drawn, never paid for off screen.
    pub screen_width: u16,
}

impl MetricsState {
    pub fn new(window: Window) -> MetricsState {
        MetricsState {
            engine: MetricsEngine::new(window),
            ..MetricsState::default()
        }
    }

    pub fn owns_job(&self, id: JobId) -> bool {
        self.jobs.contains(&id)
    }

    pub fn job_ended(&mut self, id: JobId) {
        self.jobs.remove(&id);
    }
}

pub fn epoch_ms(time: SystemTime) -> i64 {
    time.duration_since(UNIX_EPOCH)
        .map(|d| d.as_millis() as i64)
        .unwrap_or(0)
}

/// The calls due now for what the top view charts, each started as a job.
pub fn due(app: &mut App) -> Vec<Effect> {
    let mut wanted = app.view().metric_resources(&app.ctx());
    let column_drawn = app.metrics.screen_width.saturating_sub(2) >= SPARKLINE_MIN_TABLE_WIDTH;
    wanted.retain(|r| column_drawn || !matches!(r, Resource::Depth(_)));
    if wanted.is_empty() {
        return Vec::new();
    }
    let now = epoch_ms(app.now);
    let batches = app.metrics.engine.plan(&wanted, now);
    let mut effects = Vec::new();
    for batch in batches {
        let label = format!("metrics: {} resources", batch.resources.len());
        let id = app.jobs.start(label, app.now);
        app.metrics.jobs.insert(id);
        effects.push(Effect::Start {
            id,
            work: Work::Metrics(batch),
        });
    }
    effects
}

pub fn fetched(app: &mut App, outcome: FetchOutcome) {
    let now = epoch_ms(app.now);
    app.metrics.engine.apply(outcome, now);
}

/// Fresh counts of queues on screen become live points.
pub fn record_counts(app: &mut App, queues: &[Queue]) {
    let now = epoch_ms(app.now);
    for queue in queues {
        app.metrics.engine.record_counts(
            &queue.name,
            queue.counts.visible,
            queue.counts.in_flight,
            now,
        );
    }
}

/// `:window 3h`.
pub fn window_command(app: &mut App, text: &str) -> Vec<Effect> {
    match Window::parse(text) {
        Ok(window) => {
            app.set_message(Level::Info, format!("charts: window {window}"));
            set_window(app, window)
        }
        Err(error) => {
            app.set_message(Level::Error, error);
            Vec::new()
        }
    }
}

/// `:cost`: what the charts asked CloudWatch for in the last hour (every context's, in a
/// fleet).
pub fn cost_command(app: &mut App) {
    let now = epoch_ms(app.now);
    let engines: Vec<&MetricsEngine> = std::iter::once(&app.metrics.engine)
        .chain(app.fleet.parked.iter().map(|c| &c.metrics))
        .collect();
    let calls: u64 = engines
        .iter()
        .map(|e| e.cost().calls_last_hour(now) as u64)
        .sum();
    let metrics: u64 = engines
        .iter()
        .map(|e| e.cost().metrics_last_hour(now))
        .sum();
    let usd: f64 = engines.iter().map(|e| e.cost().usd_last_hour(now)).sum();
    let text = format!(
        "CloudWatch: {calls} GetMetricData calls, {metrics} metrics requested in the last hour ≈ ${usd:.4} (≈ $0.01 per 1,000 metrics)"
    );
    let text = format!("{text}; {}", super::logs::cost_text(&app.logs));
    app.set_message(Level::Info, text);
}

/// `:charts`: the selected row's charts.
pub fn charts_command(app: &mut App) {
    let view = app
        .view()
        .selected_target()
        .and_then(|target| ChartsView::for_target(&target));
    match view {
        Some(view) => app.push(Box::new(view)),
        None => app.set_message(
            Level::Error,
            "charts: select a queue, topic or function first".to_string(),
        ),
    }
}

/// `[` / `]` / `:window`: a new window, asked at once.
pub fn set_window(app: &mut App, window: Window) -> Vec<Effect> {
    app.metrics.engine.set_window(window);
    for context in &mut app.fleet.parked {
        context.metrics.set_window(window);
    }
    due(app)
}

#[cfg(test)]
mod tests;
