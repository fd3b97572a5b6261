//! A redrive's progress, then its summary: the latest run on one DLQ (or one run, opened
//! from `:jobs`). Leaving it (Esc) leaves the job running; `R` on the DLQ or Enter in
//! `:jobs` comes back. Its lines are laid out when the run's state changes, not per frame.

use std::any::Any;

use crate::app::effect::Effect;
use crate::app::jobs::{JobId, JobState};
use crate::app::keymap::KeyAction;
use crate::app::redrive::{RedriveRun, RedriveSnapshot};
use crate::app::state::Level;
use crate::app::target::Target;
use crate::app::views::{Ctx, Outcome, View};
use crate::domain::untrusted::escape_owned;
use crate::redrive::{Mode, Summary};
use crate::resource_rows::group_thousands;

/// How a line reads.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Tone {
    Plain,
    Good,
    Warning,
    Error,
    Dim,
}

/// What the view draws, laid out at sync.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct ProgressLayout {
    pub title: String,
    /// "running", "cancelling", "done", ...
    pub state: String,
    /// 0.0..=1.0, `None` when the total is unknown.
    pub ratio: Option<f64>,
    pub gauge_label: String,
    pub lines: Vec<(Tone, String)>,
    pub hint: String,
    pub running: bool,
    /// A canary's rest waits for `c`.
    pub can_continue: bool,
    /// A canary's watch, then its verdict.
    pub canary: Vec<(Tone, String)>,
    /// The live charts, on one time axis.
    pub charts: Vec<super::live::ChartRow>,
}

#[derive(Debug, Clone, PartialEq)]
pub struct RedriveView {
    pub dlq_url: String,
    /// One run (from `:jobs`); `None` follows the newest run on the DLQ.
    pub pinned: Option<JobId>,
    pub layout: ProgressLayout,
    destinations: Vec<String>,
    /// What the metrics engine is asked for while the view shows.
    charted: Vec<crate::metrics::Resource>,
}

impl RedriveView {
    pub fn new(dlq_url: String) -> RedriveView {
        RedriveView {
            dlq_url,
            pinned: None,
            layout: ProgressLayout::default(),
            destinations: Vec::new(),
            charted: Vec::new(),
        }
    }

    pub fn pinned(dlq_url: String, job: JobId) -> RedriveView {
        RedriveView {
            pinned: Some(job),
            ..RedriveView::new(dlq_url)
        }
    }

    fn run<'a>(&self, ctx: &Ctx<'a>) -> Option<&'a RedriveRun> {
        match self.pinned {
            Some(job) => ctx.redrives.get(job),
            None => ctx.redrives.latest_for(&self.dlq_url),
        }
    }
}

impl View for RedriveView {
    fn crumb(&self) -> String {
        format!(
            "redrive {}",
            escape_owned(crate::domain::arn::queue_name_from_url(&self.dlq_url).to_string())
        )
    }

    fn handle(&mut self, key: KeyAction, ctx: &Ctx) -> Outcome {
        let Some(run) = self.run(ctx) else {
            return Outcome::Ignored;
        };
        let job = ctx.jobs.get(run.job);
        match key {
            KeyAction::CancelJob => match job.map(|j| &j.state) {
                Some(JobState::Running) => Outcome::Effects(vec![Effect::Cancel(run.job)]),
                Some(JobState::Cancelling) => Outcome::Message(
                    Level::Info,
                    "stopping: the batches in flight finish their send and delete first".into(),
                ),
                _ => Outcome::Message(Level::Info, "this redrive has already ended".into()),
            },
            KeyAction::ContinueRedrive => match super::live::continue_rest(run) {
                Some(outcome) => {
                    self.pinned = None;
                    outcome
                }
                None => Outcome::Message(
                    Level::Info,
                    "c continues after a canary; there is no canary waiting here".into(),
                ),
            },
            _ => Outcome::Ignored,
        }
    }

    fn revision(&self, ctx: &Ctx) -> u64 {
        ctx.redrives
            .revision
            .wrapping_add(ctx.jobs.revision)
            .wrapping_add(ctx.inventory.revision)
            .wrapping_add(ctx.metrics.revision())
    }

    fn sync(&mut self, ctx: &Ctx) {
        let Some(run) = self.run(ctx) else {
            self.layout = ProgressLayout {
                title: self.crumb(),
                state: "gone".into(),
                lines: vec![(Tone::Dim, "this redrive is no longer listed".into())],
                hint: "Esc back".into(),
                ..ProgressLayout::default()
            };
            return;
        };
        self.destinations = run
            .redrive()
            .and_then(|r| r.plan.as_ref())
            .map(|p| p.destinations.iter().map(|d| d.url.clone()).collect())
            .unwrap_or_default();
        let charted = super::live::Charted::of(run, ctx);
        self.charted = charted.resources();
        self.layout = layout(run, ctx);
        let now_ms = crate::app::metric_refresh::epoch_ms(ctx.now);
        self.layout.charts = charted.rows(run, ctx, now_ms);
        self.layout.canary = super::live::canary_lines(run);
    }

    fn metric_resources(&self, _ctx: &Ctx) -> Vec<crate::metrics::Resource> {
        self.charted.clone()
    }

    fn selected_target(&self) -> Option<Target> {
        Some(Target::Queue(self.dlq_url.clone()))
    }

    /// The DLQ and its destinations: their counts refresh while the progress shows.
    fn on_screen_queues(&self, _rows: usize) -> Vec<String> {
        let mut urls = vec![self.dlq_url.clone()];
        urls.extend(self.destinations.iter().cloned());
        urls
    }

    fn hints(&self) -> Vec<(KeyAction, &'static str)> {
        let mut hints = Vec::new();
        if self.layout.running {
            hints.push((KeyAction::CancelJob, "cancel"));
        }
        if self.layout.can_continue {
            hints.push((KeyAction::ContinueRedrive, "continue"));
        }
        hints
    }

    fn as_any(&self) -> &dyn Any {
        self
    }
}

/// The lines of one run: live counts while it runs, the summary once it ended.
fn layout(run: &RedriveRun, ctx: &Ctx) -> ProgressLayout {
    let e = |s: &str| escape_owned(s.to_string());
    let op = run.redrive();
    let dlq_name = op.map_or(String::new(), |o| e(&o.dlq_name));
    let state = match ctx.jobs.get(run.job).map(|j| &j.state) {
        Some(JobState::Running) if run.summary.is_some() => "watching".to_string(),
        Some(JobState::Running) => "running".to_string(),
        Some(JobState::Cancelling) => "cancelling".to_string(),
        Some(JobState::Ended(_)) | None => match &run.summary {
            Some(Ok(summary)) => summary.end.replace('_', " "),
            Some(Err(_)) => "failed".to_string(),
            None => "ended".to_string(),
        },
    };
    let snapshot = run.latest.clone().unwrap_or_default();
    let moved = run
        .summary
        .as_ref()
        .and_then(|s| s.as_ref().ok())
        .map_or(snapshot.moved, |s| s.moved);
    let expected = snapshot.expected;
    let ratio = expected.map(|total| {
        if total == 0 {
            1.0
        } else {
            (moved as f64 / total as f64).clamp(0.0, 1.0)
        }
    });
    let gauge_label = match expected {
        Some(total) => format!(
            "{} / {} ({:.0}%)",
            group_thousands(moved),
            group_thousands(total),
            ratio.unwrap_or(0.0) * 100.0
        ),
        None => format!("{} moved", group_thousands(moved)),
    };
    let can_continue = run.rest().is_some();
    let watching = run.watch.is_some() && run.verdict.is_none();
    let safe = run
        .verdict
        .as_ref()
        .is_some_and(|v| v.verdict == crate::redrive::canary::Outcome::Safe && !v.cancelled);
    let hint = match &run.summary {
        None => "x cancel (batches in flight finish first)   Esc back: the job goes on (:jobs)",
        Some(_) if watching => "x stop the watch   c continue anyway (asks)   Esc back",
        Some(_) if can_continue && safe => "c continue with the rest   Esc back",
        Some(_) if can_continue => "c continue anyway (asks)   Esc back",
        Some(_) => "Esc back",
    };
    let lines = match &run.summary {
        None => live_lines(run, &snapshot, ctx),
        Some(summary) => summary_lines(run, summary),
    };
    ProgressLayout {
        title: format!("Redrive {dlq_name}"),
        running: run.summary.is_none() && ctx.jobs.get(run.job).is_some_and(|j| j.is_running()),
        state,
        ratio,
        gauge_label,
        lines,
        hint: hint.to_string(),
        can_continue,
        canary: Vec::new(),
        charts: Vec::new(),
    }
}

fn live_lines(run: &RedriveRun, s: &RedriveSnapshot, ctx: &Ctx) -> Vec<(Tone, String)> {
    let e = |s: &str| escape_owned(s.to_string());
    let op = run.redrive();
    let rate = run
        .rate()
        .map_or("-".to_string(), |r| format!("{r:.1} msgs/s"));
    let eta = match (&run.summary, run.eta_seconds()) {
        (Some(_), _) => "-".to_string(),
        (None, Some(s)) => eta_text(s),
        (None, None) => "-".to_string(),
    };
    let left = op
        .and_then(|o| ctx.inventory.queue_by_url(&o.dlq_url))
        .map(|q| q.counts.visible + q.counts.in_flight + q.counts.delayed);
    let mut lines = vec![
        (Tone::Plain, format!("rate {rate}   ETA {eta}")),
        (
            if s.failed > 0 {
                Tone::Error
            } else {
                Tone::Plain
            },
            format!(
                "failed {}   duplicates suspected {}   left as not matching {}",
                group_thousands(s.failed),
                group_thousands(s.duplicates_suspected),
                group_thousands(s.released)
            ),
        ),
        (
            Tone::Plain,
            format!(
                "left in DLQ {}",
                left.map_or("?".to_string(), |n| format!(
                    "~{} (last count)",
                    group_thousands(n)
                ))
            ),
        ),
        mode_line(run, s.mode),
    ];
    lines.extend(journal_lines(s.journal.as_deref()));
    if let Some(note) = &s.note {
        lines.push((Tone::Warning, e(note)));
    }
    lines
}

fn summary_lines(run: &RedriveRun, summary: &Result<Summary, String>) -> Vec<(Tone, String)> {
    let e = |s: &str| escape_owned(s.to_string());
    let summary = match summary {
        Ok(summary) => summary,
        Err(error) => {
            return vec![(
                Tone::Error,
                format!("The redrive did not run: {}", e(error)),
            )];
        }
    };
    let tone = match summary.end.as_str() {
        "failed" => Tone::Error,
        "cancelled" | "hidden" | "groups_stopped" => Tone::Warning,
        _ => Tone::Good,
    };
    let mut lines = vec![
        mode_line(run, Some(summary.mode)),
        (
            tone,
            format!(
                "Ended {}: moved {}, failed {}, duplicates suspected {}, left in DLQ {}",
                summary.end.replace('_', " "),
                group_thousands(summary.moved),
                group_thousands(summary.failed),
                group_thousands(summary.duplicates_suspected),
                summary.left_in_dlq.map_or("?".to_string(), group_thousands)
            ),
        ),
    ];
    if summary.released > 0 || summary.sent_not_deleted > 0 {
        lines.push((
            Tone::Plain,
            format!(
                "not matching (left in the DLQ) {}   sent but not yet deleted {} (a re-run deletes them)",
                group_thousands(summary.released),
                group_thousands(summary.sent_not_deleted)
            ),
        ));
    }
    lines.extend(kept_lines(summary));
    if summary.finished_from_earlier > 0 {
        lines.push((
            Tone::Plain,
            format!(
                "finished from an earlier run: {}",
                group_thousands(summary.finished_from_earlier)
            ),
        ));
    }
    if let Some(why) = &summary.fell_back {
        lines.push((Tone::Warning, e(why)));
    }
    if let Some(error) = &summary.error {
        lines.push((Tone::Error, e(error)));
    }
    lines.extend(journal_lines(summary.journal.as_deref()));
    if run.rest().is_some() && run.watch.is_none() && run.verdict.is_none() {
        lines.push((
            Tone::Warning,
            format!(
                "Canary moved {}; watch the consumer, then press c to continue with the rest.",
                group_thousands(summary.moved)
            ),
        ));
    }
    lines
}

/// What stayed in the DLQ and why (those messages are counted in `failed`), and the
/// invokes whose answer was lost: the function may have run those already.
fn kept_lines(summary: &Summary) -> Vec<(Tone, String)> {
    let mut lines = Vec::new();
    if summary.possibly_invoked > 0 {
        lines.push((
            Tone::Warning,
            format!(
                "possibly invoked {} (kept in the DLQ: every invoke's answer was lost, the \
                 function may have run them)",
                group_thousands(summary.possibly_invoked)
            ),
        ));
    }
    for (why, n) in &summary.kept {
        lines.push((
            Tone::Warning,
            format!(
                "kept in the DLQ {}: {}",
                group_thousands(*n),
                escape_owned(why.clone())
            ),
        ));
    }
    lines
}

/// "mode manual (...)   to X".
fn mode_line(run: &RedriveRun, mode: Option<Mode>) -> (Tone, String) {
    let op = run.redrive();
    let plan = op.and_then(|o| o.plan.as_ref());
    // The invoke route: no queue named, and the plan hands each event to its function (the
    // confirmed plan's, or for a canary's rest, which plans again, its run's).
    let invoke = plan
        .and_then(|p| p.invoke.as_ref())
        .map(|t| t.function.clone())
        .or_else(|| run.latest.as_ref().and_then(|s| s.invoked.clone()))
        .filter(|_| op.is_some_and(|o| o.settings.to.is_none()));
    let mode = mode.or_else(|| plan.map(|p| p.mode));
    let how = match (mode, &invoke) {
        (Some(Mode::Native), _) => "native (SQS move task)",
        (Some(Mode::Manual), Some(_)) => "manual (receive, invoke asynchronously, delete)",
        (Some(Mode::Manual), None) => "manual (receive, send, delete)",
        (None, _) => "planning",
    };
    let to = match (op.and_then(|o| o.settings.to.as_ref()), invoke) {
        (Some(to), _) => escape_owned(to.name.clone()),
        (None, Some(function)) => format!("{} (invoked)", escape_owned(function)),
        // Planning again (a canary's rest): where its messages go is not known yet.
        (None, None) if mode.is_none() => return (Tone::Plain, "mode planning".to_string()),
        (None, None) => "each message's own source".to_string(),
    };
    (Tone::Plain, format!("mode {how}   to {to}"))
}

/// The journal's folder and file on lines of their own: a path is one long word, which
/// would wrap anywhere.
fn journal_lines(journal: Option<&std::path::Path>) -> Vec<(Tone, String)> {
    let Some(journal) = journal else {
        return Vec::new();
    };
    let dir = journal
        .parent()
        .map(|d| d.display().to_string())
        .unwrap_or_default();
    let file = journal
        .file_name()
        .map(|f| f.to_string_lossy().into_owned())
        .unwrap_or_default();
    vec![
        (Tone::Dim, format!("journal {}/", escape_owned(dir))),
        (Tone::Dim, format!("        {}", escape_owned(file))),
    ]
}

/// "45s", "3m 20s", "2h 5m".
pub fn eta_text(seconds: u64) -> String {
    match seconds {
        s if s < 60 => format!("{s}s"),
        s if s < 3600 => format!("{}m {}s", s / 60, s % 60),
        s => format!("{}h {}m", s / 3600, (s % 3600) / 60),
    }
}
