//! The live half of the redrive progress view: "is the fix holding?" answered where the
//! engineer already is. Small charts on one time axis (the last 15 minutes in 10 s steps) of
//! the DLQ draining, the destinations' depth, the consumers' errors, and messages coming back
//! to the DLQ during a canary's watch; then the watch itself (countdown, what it checks) and
//! the verdict. Everything here is laid out at sync, from state the view already refreshes
//! (queue counts, the metrics engine's series, the watch's reports).

use crate::app::modals::confirm::{DangerousOp, PendingOp};
use crate::app::redrive::RedriveRun;
use crate::app::redrive::view::Tone;
use crate::app::views::{Ctx, Outcome};
use crate::domain::untrusted::escape_owned;
use crate::metrics::{Resource, Series};
use crate::redrive::canary::{Outcome as Verdict, duration_text};
use crate::redrive::plan::Destination;

/// Chart points: 90 steps of 10 s, the last 15 minutes.
pub const BUCKETS: usize = 90;
const BUCKET_MS: i64 = 10_000;
/// CloudWatch's Lambda points are a minute each: 6 steps.
const PER_MINUTE: usize = 6;
/// Destinations and consumers charted at most (a DLQ fed by many sources).
const MOST: usize = 2;

/// One chart row: what it shows, its points (oldest first), and its value now.
#[derive(Debug, Clone, PartialEq)]
pub struct ChartRow {
    pub label: String,
    pub values: Vec<Option<f64>>,
    pub now: String,
    pub tone: Tone,
}

/// What the view charts: the DLQ, its destinations, their consumers.
pub struct Charted {
    pub dlq_name: String,
    pub destinations: Vec<Destination>,
    pub consumers: Vec<String>,
}

impl Charted {
    pub fn of(run: &RedriveRun, ctx: &Ctx) -> Charted {
        let op = run.redrive();
        let destinations: Vec<Destination> = op
            .and_then(|o| o.plan.as_ref())
            .map(|p| p.destinations.iter().take(MOST).cloned().collect())
            .unwrap_or_default();
        let mut consumers: Vec<String> = destinations
            .iter()
            .flat_map(|d| ctx.inventory.consumers_of(&d.arn))
            .map(|m| crate::domain::arn::resource_name(&m.function_arn).to_string())
            .collect();
        // On the invoke route the function invoked is the consumer to watch.
        consumers.extend(
            op.and_then(|o| o.plan.as_ref())
                .and_then(|p| p.invoke.as_ref())
                .map(|t| t.function.clone())
                .or_else(|| run.latest.as_ref().and_then(|s| s.invoked.clone())),
        );
        consumers.sort();
        consumers.dedup();
        consumers.truncate(MOST);
        Charted {
            dlq_name: op.map(|o| o.dlq_name.clone()).unwrap_or_default(),
            destinations,
            consumers,
        }
    }

    /// The resources the metrics engine is asked for while the view shows.
    pub fn resources(&self) -> Vec<Resource> {
        let mut wanted = vec![Resource::Dlq(self.dlq_name.clone())];
        wanted.extend(self.destinations.iter().map(destination_resource));
        wanted.extend(self.consumers.iter().cloned().map(Resource::Function));
        wanted
    }

    /// The chart rows, ending at `now_ms`.
    pub fn rows(&self, run: &RedriveRun, ctx: &Ctx, now_ms: i64) -> Vec<ChartRow> {
        // The last step ends now: a count read this instant is its newest point.
        let start = now_ms - BUCKET_MS * (BUCKETS as i64 - 1);
        let series = |resource: &Resource, key: &str| ctx.metrics.series(resource, key);
        let depth = |resource: Resource, label: String, url: &str| {
            let count = ctx
                .inventory
                .queue_by_url(url)
                .map(|q| q.counts.visible + q.counts.in_flight);
            ChartRow {
                label,
                values: carried(points(series(&resource, "visible"), start, 1)),
                now: count.map_or("-".into(), crate::resource_rows::group_thousands),
                tone: Tone::Plain,
            }
        };
        let op = run.redrive();
        let dlq_url = op.map(|o| o.dlq_url.as_str()).unwrap_or_default();
        let mut rows = vec![depth(
            Resource::Dlq(self.dlq_name.clone()),
            format!("DLQ {}", escape_owned(self.dlq_name.clone())),
            dlq_url,
        )];
        for d in &self.destinations {
            let label = format!("→ {}", escape_owned(d.name.clone()));
            rows.push(depth(destination_resource(d), label, &d.url));
        }
        for function in &self.consumers {
            let errors = series(&Resource::Function(function.clone()), "errors");
            let latest = errors.and_then(Series::latest).map(|(_, v)| v);
            rows.push(ChartRow {
                label: format!("{} err/min", escape_owned(function.clone())),
                values: points(errors, start, PER_MINUTE),
                now: latest.map_or("-".into(), |v| format!("{v:.0}")),
                tone: if latest.is_some_and(|v| v > 0.0) {
                    Tone::Error
                } else {
                    Tone::Plain
                },
            });
        }
        if let Some(back) = came_back(run, start) {
            rows.push(back);
        }
        rows
    }
}

fn destination_resource(d: &Destination) -> Resource {
    if d.fifo {
        Resource::FifoQueue(d.name.clone())
    } else {
        Resource::Queue(d.name.clone())
    }
}

/// A series in 10 s steps from `start`; a point `stretch` steps wide fills them all.
fn points(series: Option<&Series>, start: i64, stretch: usize) -> Vec<Option<f64>> {
    let Some(series) = series else {
        return vec![None; BUCKETS];
    };
    let wide = BUCKET_MS * stretch as i64;
    let mut values = series.bucketed(start, wide, BUCKETS.div_ceil(stretch));
    if stretch > 1 {
        values = values
            .into_iter()
            .flat_map(|v| std::iter::repeat_n(v, stretch))
            .take(BUCKETS)
            .collect();
    }
    values
}

/// A depth is a level: it stays where it was until the next count says otherwise, up to
/// now (one minute of CloudWatch, then live counts every few seconds).
fn carried(mut values: Vec<Option<f64>>) -> Vec<Option<f64>> {
    let mut last = None;
    for value in &mut values {
        match value {
            Some(v) => last = Some(*v),
            None => *value = last,
        }
    }
    values
}

/// During and after a canary's watch: how far the DLQ rose above its count when the watch
/// began (anything dead-lettered since), and how many of the moved messages were found
/// back among it.
fn came_back(run: &RedriveRun, start: i64) -> Option<ChartRow> {
    let watch = run.watch.as_ref()?;
    let base = watch.dlq_count_at_start?;
    let mut values = vec![None; BUCKETS];
    for &(at, count) in &run.watch_counts {
        if at < start {
            continue;
        }
        let i = ((at - start) / BUCKET_MS) as usize;
        if let Some(slot) = values.get_mut(i) {
            *slot = Some(count.saturating_sub(base) as f64);
        }
    }
    let moved = run.verdict.as_ref().map_or(0, |v| v.moved);
    let back = run
        .verdict
        .as_ref()
        .and_then(|v| v.back_in_dlq)
        .or(watch.back);
    Some(ChartRow {
        label: "new in the DLQ".into(),
        values,
        now: match back {
            Some(b) if moved > 0 => format!("{b} of {moved} canary"),
            Some(b) => format!("{b} canary"),
            None => "not read".into(),
        },
        tone: if back.is_some_and(|b| b > 0) {
            Tone::Error
        } else {
            Tone::Plain
        },
    })
}

/// The canary's watch while it runs, then its verdict and what it rests on.
pub fn canary_lines(run: &RedriveRun) -> Vec<(Tone, String)> {
    let e = |s: &str| escape_owned(s.to_string());
    if let Some(verdict) = &run.verdict {
        let tone = match verdict.verdict {
            Verdict::Safe => Tone::Good,
            Verdict::NotSafe => Tone::Error,
            Verdict::Unknown => Tone::Warning,
        };
        let tail = match verdict.verdict {
            Verdict::Safe if run.rest().is_some() => " (c)",
            _ => "",
        };
        let mut lines = vec![(tone, format!("{}{tail}", e(&verdict.line)))];
        lines.push((Tone::Dim, format!("  DLQ: {}", e(&verdict.dlq_check))));
        for note in [&verdict.metrics_note, &verdict.logs_note]
            .into_iter()
            .flatten()
        {
            lines.push((Tone::Dim, format!("  {}", e(note))));
        }
        for s in verdict.signatures.iter().take(2) {
            lines.push((Tone::Error, format!("  {} ×{}", e(&s.signature), s.count)));
        }
        return lines;
    }
    let Some(watch) = &run.watch else {
        return Vec::new();
    };
    let left = watch.length_s.saturating_sub(watch.elapsed_s);
    let consumers = if watch.consumers.is_empty() {
        "no consumer found".to_string()
    } else {
        e(&watch.consumers.join(", "))
    };
    vec![
        (
            Tone::Warning,
            format!(
                "Watching the canary: {} left of {} · {}",
                duration_text(left),
                duration_text(watch.length_s),
                e(&watch.doing)
            ),
        ),
        (
            Tone::Dim,
            format!("  checks: moved messages back in the DLQ · {consumers}: errors, logs"),
        ),
    ]
}

/// `c` after a canary: the rest at once when the verdict is safe; otherwise the confirm
/// dialog says why not (the name typed when the canary was not safe).
pub fn continue_rest(run: &RedriveRun) -> Option<Outcome> {
    let confirmed = run.rest()?;
    if run
        .verdict
        .as_ref()
        .is_some_and(|v| v.verdict == Verdict::Safe && !v.cancelled)
    {
        return Some(Outcome::Start(confirmed));
    }
    let DangerousOp::Redrive(rest) = confirmed.op().clone() else {
        return None;
    };
    let why = match (&run.verdict, &run.watch) {
        (Some(v), _) => escape_owned(v.line.clone()),
        (None, Some(_)) => "the canary's watch has not ended: nothing is known yet".to_string(),
        (None, None) => "the canary was not watched: nothing says the fix holds".to_string(),
    };
    let not_safe = run
        .verdict
        .as_ref()
        .is_some_and(|v| v.verdict == Verdict::NotSafe);
    let name = escape_owned(rest.dlq_name.clone());
    let invoked = run
        .redrive()
        .and_then(|o| o.plan.as_ref())
        .and_then(|p| p.invoke.as_ref())
        .filter(|_| rest.settings.to.is_none());
    let effect = match invoked {
        Some(target) => format!(
            "Invokes {} asynchronously with the rest of {name}, with the canary's settings.",
            escape_owned(target.function.clone())
        ),
        None => format!("Moves the rest of {name} with the canary's settings."),
    };
    Some(Outcome::Confirm(PendingOp {
        title: format!("Move the rest of {name} anyway?"),
        effects: vec![effect],
        risks: vec![
            why,
            "Messages may fail again and come back to the DLQ.".to_string(),
        ],
        typed: not_safe.then(|| rest.dlq_name.clone()),
        op: DangerousOp::Redrive(rest),
    }))
}
