//! The metrics engine: which resources need CloudWatch points now, asking for them in as
//! few calls as possible, at most once per period and only for the newest points, and
//! keeping the answers as windowed series. Plain Rust over the `MetricSource` trait: the
//! CLI, the views (through a job) and the health board use the same engine.
//!
//! A refresh is three steps so that the asking can run as a job away from the state:
//! `plan` (decides and marks what is asked), `fetch` (the calls), `apply` (the answers).

use std::collections::BTreeMap;

use crate::aws::cloudwatch::{MetricSeries, MetricSource};
use crate::aws::{ApiError, ErrorKind};

use super::batch::{FetchBatch, Need, pack};
use super::catalog::{IN_FLIGHT, Resource, Source, VISIBLE};
use super::cost::CostMeter;
use super::series::Series;
use super::window::Window;

/// The newest periods are asked again on every refresh: CloudWatch publishes a minute a
/// few minutes late, and the newest point of a period still running is partial.
const REASK_MS: i64 = 5 * 60 * 1000;

/// A resource nobody asked for in this long is forgotten (it scrolled off screen, its
/// view was closed): memory follows what is on screen, not uptime.
const FORGET_AFTER_MS: i64 = 10 * 60 * 1000;

/// Where a resource's CloudWatch series stand.
#[derive(Debug, Clone, PartialEq)]
pub enum Availability {
    /// Not answered yet.
    Waiting,
    Ready,
    /// The last call failed; the series keep what they had.
    Failed(ApiError),
}

impl Availability {
    /// Why a chart has no CloudWatch line, in the words a chart shows.
    pub fn reason(&self) -> Option<String> {
        match self {
            Availability::Failed(error) => Some(unavailable_reason(error)),
            _ => None,
        }
    }
}

/// "metrics unavailable: …" for a failed GetMetricData.
pub fn unavailable_reason(error: &ApiError) -> String {
    use crate::aws::ErrorKind;
    match error.kind {
        ErrorKind::Unavailable => {
            "metrics unavailable: GetMetricData not implemented by this endpoint".to_string()
        }
        ErrorKind::AccessDenied => format!(
            "metrics unavailable: access denied ({})",
            crate::aws::permissions::access_denied_hint(&error.operation, error.code.as_deref())
        ),
        _ => format!("metrics unavailable: {error}"),
    }
}

#[derive(Debug, Clone, Default)]
struct Tracked {
    series: BTreeMap<&'static str, Series>,
    asked_at_ms: Option<i64>,
    fetched_through_ms: Option<i64>,
    wanted_at_ms: i64,
    answered: bool,
    error: Option<ApiError>,
}

/// The answer to one planned call.
#[derive(Debug, Clone, PartialEq)]
pub struct FetchOutcome {
    pub batch: FetchBatch,
    pub result: Result<Vec<MetricSeries>, ApiError>,
    /// The endpoint refused metric math (emulators do: LocalStack answers 500, moto only
    /// knows bare ids) and the call was made again without it.
    pub math_refused: Option<ApiError>,
    /// Calls made (2 when math was refused).
    pub calls: usize,
}

/// What one `refresh` did.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct RefreshReport {
    pub calls: usize,
    pub metrics_requested: u64,
    pub errors: Vec<ApiError>,
}

#[derive(Debug, Clone, Default)]
pub struct MetricsEngine {
    window: Window,
    /// A period asked for explicitly (`--period`) instead of the window's.
    period_override: Option<u32>,
    /// Set when the endpoint refused metric math: ratios are computed here from then on.
    math_refused: Option<ApiError>,
    tracked: BTreeMap<Resource, Tracked>,
    cost: CostMeter,
    /// Changes whenever a series may have changed (for views that redraw on change).
    revision: u64,
}

/// Whether a failed call with metric math may have failed for the math: the endpoint
/// answered, but with a server error or a refusal that is about the request.
fn may_be_the_math(error: &ApiError) -> bool {
    matches!(
        error.kind,
        ErrorKind::Server | ErrorKind::Client | ErrorKind::Parse
    )
}

/// Makes one planned call. Metric math is offered while the endpoint is not known to
/// refuse it: the first call with math asks once (no retries, one call at a time per
/// endpoint); refused, it is made again without, the endpoint remembers, and later calls
/// (of any engine on it) go without at once. The engine then computes the ratios itself.
pub async fn fetch(source: &dyn MetricSource, batch: FetchBatch) -> FetchOutcome {
    if !batch.has_expressions() {
        return call(source, batch).await;
    }
    let Some(support) = source.math_support() else {
        return ask_with_math(source, batch, false).await;
    };
    if support.known().is_none() {
        let _probing = support.probe().await;
        // Another call may have found out while this one waited.
        if support.known().is_none() {
            let outcome = ask_with_math(source, batch, true).await;
            match &outcome.math_refused {
                Some(error) => support.note_refused(error.clone()),
                None if outcome.result.is_ok() => support.note_taken(),
                None => {}
            }
            return outcome;
        }
    }
    match support.refusal() {
        Some(error) => {
            let mut outcome = call(source, batch.without_expressions()).await;
            outcome.math_refused = Some(error.clone());
            outcome
        }
        None => call(source, batch).await,
    }
}

/// The call as planned, with the client's retries.
async fn call(source: &dyn MetricSource, batch: FetchBatch) -> FetchOutcome {
    let result = source
        .get_metric_data(&batch.queries, batch.start_ms, batch.end_ms)
        .await;
    FetchOutcome {
        batch,
        result,
        math_refused: None,
        calls: 1,
    }
}

/// Asks with math (`once`: a single attempt); when that fails in a way the math may
/// explain, asks again without, and only a success without shows the math was the cause.
/// A first attempt failing otherwise (throttled, unreachable) is retried as usual.
async fn ask_with_math(source: &dyn MetricSource, batch: FetchBatch, once: bool) -> FetchOutcome {
    let (queries, start, end) = (&batch.queries, batch.start_ms, batch.end_ms);
    let result = if once {
        source.get_metric_data_once(queries, start, end).await
    } else {
        source.get_metric_data(queries, start, end).await
    };
    match result {
        Err(error) if may_be_the_math(&error) => {
            let mut outcome = call(source, batch.without_expressions()).await;
            outcome.math_refused = outcome.result.is_ok().then_some(error);
            outcome.calls = 2;
            outcome
        }
        Err(_) if once => {
            let mut outcome = call(source, batch).await;
            outcome.calls = 2;
            outcome
        }
        result => FetchOutcome {
            batch,
            result,
            math_refused: None,
            calls: 1,
        },
    }
}

impl MetricsEngine {
    pub fn new(window: Window) -> MetricsEngine {
        MetricsEngine {
            window,
            ..MetricsEngine::default()
        }
    }

    pub fn window(&self) -> Window {
        self.window
    }

    /// The same engine asking at `period_s` (a multiple of 60) whatever the window.
    pub fn with_period(mut self, period_s: u32) -> MetricsEngine {
        self.period_override = Some(period_s);
        self
    }

    pub fn period_s(&self) -> u32 {
        self.period_override.unwrap_or(self.window.period_s())
    }

    pub fn period_ms(&self) -> i64 {
        i64::from(self.period_s()) * 1000
    }

    /// Changes the window. Every resource is asked again in full at the new period; live
    /// points stay.
    pub fn set_window(&mut self, window: Window) {
        if window == self.window {
            return;
        }
        self.window = window;
        self.revision += 1;
        for tracked in self.tracked.values_mut() {
            tracked.asked_at_ms = None;
            tracked.fetched_through_ms = None;
            tracked.answered = false;
            for series in tracked.series.values_mut() {
                series.clear_points();
            }
        }
    }

    /// Decides which of `wanted` are due (never asked, or asked a period ago or more) and
    /// packs them into calls, marking them asked. Resources not wanted for a while are
    /// forgotten.
    pub fn plan(&mut self, wanted: &[Resource], now_ms: i64) -> Vec<FetchBatch> {
        let span = self.window.span_ms();
        let period_ms = self.period_ms();
        for resource in wanted {
            self.tracked
                .entry(resource.clone())
                .or_default()
                .wanted_at_ms = now_ms;
        }
        self.tracked
            .retain(|_, t| now_ms - t.wanted_at_ms < FORGET_AFTER_MS);
        let mut needs = Vec::new();
        for resource in wanted {
            let Some(tracked) = self.tracked.get_mut(resource) else {
                continue;
            };
            let due = tracked
                .asked_at_ms
                .is_none_or(|asked| now_ms - asked >= period_ms);
            if !due || needs.iter().any(|n: &Need| &n.resource == resource) {
                continue;
            }
            let from = match tracked.fetched_through_ms {
                None => now_ms - span,
                Some(through) => (through - REASK_MS).max(now_ms - span),
            };
            tracked.asked_at_ms = Some(now_ms);
            needs.push(Need {
                resource: resource.clone(),
                start_ms: from - from.rem_euclid(period_ms),
            });
        }
        pack(&needs, self.period_s(), now_ms, self.math_refused.is_none())
    }

    /// Takes in one call's answer.
    pub fn apply(&mut self, outcome: FetchOutcome, now_ms: i64) {
        self.revision += 1;
        let FetchOutcome {
            batch,
            result,
            math_refused,
            ..
        } = outcome;
        if math_refused.is_some() {
            self.math_refused = math_refused;
        }
        if batch.period_s != self.period_s() {
            // Asked before the window changed: the points are at the wrong period.
            return;
        }
        let oldest = now_ms - self.window.span_ms();
        match result {
            Ok(answers) => {
                self.cost.record(now_ms, batch.metrics_requested());
                let by_id: BTreeMap<&str, &MetricSeries> =
                    answers.iter().map(|s| (s.id.as_str(), s)).collect();
                for (id, resource, key) in &batch.targets {
                    let Some(tracked) = self.tracked.get_mut(resource) else {
                        continue;
                    };
                    let points = by_id.get(id.as_str()).map(|s| s.points.as_slice());
                    let series = tracked.series.entry(key).or_default();
                    series.replace(batch.start_ms, batch.end_ms, points.unwrap_or_default());
                    series.prune(oldest);
                }
                for resource in &batch.resources {
                    if let Some(tracked) = self.tracked.get_mut(resource) {
                        Self::local_ratios(resource, tracked, &batch, oldest);
                        tracked.fetched_through_ms = Some(batch.end_ms);
                        tracked.answered = true;
                        tracked.error = None;
                    }
                }
            }
            Err(error) => {
                for resource in &batch.resources {
                    if let Some(tracked) = self.tracked.get_mut(resource) {
                        tracked.error = Some(error.clone());
                    }
                }
            }
        }
    }

    /// Ratios the call did not compute (metric math refused): from their inputs, point by
    /// point, over the call's range; a zero denominator gives no point, as in CloudWatch.
    fn local_ratios(resource: &Resource, tracked: &mut Tracked, batch: &FetchBatch, oldest: i64) {
        for def in resource.series() {
            let Source::Ratio {
                numerator,
                denominator,
            } = def.source
            else {
                continue;
            };
            if batch
                .targets
                .iter()
                .any(|(_, r, key)| r == resource && *key == def.key)
            {
                continue;
            }
            let (Some(top), Some(bottom)) = (
                tracked.series.get(numerator),
                tracked.series.get(denominator),
            ) else {
                continue;
            };
            let bottom: BTreeMap<i64, f64> = bottom.points().collect();
            let ratio: Vec<(i64, f64)> = top
                .points()
                .filter(|(t, _)| *t >= batch.start_ms && *t < batch.end_ms)
                .filter_map(|(t, v)| {
                    let d = bottom.get(&t).copied().filter(|d| *d != 0.0)?;
                    Some((t, 100.0 * v / d))
                })
                .collect();
            let series = tracked.series.entry(def.key).or_default();
            series.replace(batch.start_ms, batch.end_ms, &ratio);
            series.prune(oldest);
        }
    }

    /// Plans, fetches (calls side by side) and applies, for the CLI and the health board.
    pub async fn refresh(
        &mut self,
        source: &dyn MetricSource,
        wanted: &[Resource],
        now_ms: i64,
    ) -> RefreshReport {
        let batches = self.plan(wanted, now_ms);
        let mut report = RefreshReport {
            calls: 0,
            metrics_requested: batches.iter().map(FetchBatch::metrics_requested).sum(),
            errors: Vec::new(),
        };
        let outcomes =
            futures::future::join_all(batches.into_iter().map(|b| fetch(source, b))).await;
        for outcome in outcomes {
            report.calls += outcome.calls;
            if let Err(error) = &outcome.result {
                report.errors.push(error.clone());
            }
            self.apply(outcome, now_ms);
        }
        report
    }

    /// Live counts of a queue from `GetQueueAttributes`: they extend its depth and
    /// in-flight series (and its depth as a DLQ) between CloudWatch points. Only for
    /// resources the engine tracks (the ones on screen).
    pub fn record_counts(&mut self, queue_name: &str, visible: u64, in_flight: u64, now_ms: i64) {
        self.revision += 1;
        let oldest = now_ms - self.window.span_ms();
        for (resource, tracked) in self.tracked.iter_mut() {
            let values: &[(&'static str, u64)] = match resource {
                Resource::Queue(n) | Resource::FifoQueue(n) if n == queue_name => {
                    &[(VISIBLE, visible), (IN_FLIGHT, in_flight)]
                }
                Resource::Dlq(n) | Resource::Depth(n) if n == queue_name => &[(VISIBLE, visible)],
                _ => continue,
            };
            for (key, value) in values {
                let series = tracked.series.entry(key).or_default();
                series.push_live(now_ms, *value as f64);
                series.prune(oldest);
            }
        }
    }

    pub fn series(&self, resource: &Resource, key: &str) -> Option<&Series> {
        self.tracked.get(resource)?.series.get(key)
    }

    pub fn availability(&self, resource: &Resource) -> Availability {
        match self.tracked.get(resource) {
            Some(Tracked { error: Some(e), .. }) => Availability::Failed(e.clone()),
            Some(t) if t.answered => Availability::Ready,
            _ => Availability::Waiting,
        }
    }

    /// The moment a resource's series speak for: the end of its last answered call, or
    /// `now_ms` when it has none. Between two refreshes (one a period, or the first after a
    /// view hid it) the series hold what was true then; read against the clock, their newest
    /// point would age past "recent" while its refresh is due or running, and the board
    /// would drop and re-add rows every minute.
    pub fn as_of(&self, resource: &Resource, now_ms: i64) -> i64 {
        self.tracked
            .get(resource)
            .filter(|t| t.answered)
            .and_then(|t| t.fetched_through_ms)
            .map_or(now_ms, |through| through.min(now_ms))
    }

    /// Why ratios are computed here rather than by CloudWatch metric math, if they are.
    pub fn math_refused(&self) -> Option<&ApiError> {
        self.math_refused.as_ref()
    }

    pub fn revision(&self) -> u64 {
        self.revision
    }

    pub fn cost(&self) -> &CostMeter {
        &self.cost
    }

    /// Resources tracked and points held, to show memory stays flat.
    pub fn footprint(&self) -> (usize, usize) {
        let points = self
            .tracked
            .values()
            .flat_map(|t| t.series.values())
            .map(Series::len)
            .sum();
        (self.tracked.len(), points)
    }
}

#[cfg(test)]
mod tests;
