//! Redrive in the TUI: `R` on a DLQ opens the dialog (`dialog.rs`), which plans as a
//! read-only job and, confirmed through the one confirm path, becomes a redrive job. Each
//! job's progress and summary live here (`Redrives`, beside the jobs), so the progress view
//! (`view.rs`) can be left and found again while the job goes on.

pub mod dialog;
pub mod live;
mod plan_text;
mod registry;
pub mod view;

use std::path::PathBuf;

pub use dialog::{Field, PlanState, RedriveDialog};
pub use registry::{RedriveRun, Redrives};

use super::effect::{Effect, Work};
use super::jobs::JobId;
use super::modals::Modal;
use super::modals::confirm::{ConfirmedOp, DangerousOp};
use super::redrive::view::RedriveView;
use super::state::{App, Level};
use super::target::Target;
use crate::redrive::{Mode, ModeChoice, Plan, Summary};

/// A queue named in the settings (a chosen destination).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct QueueRef {
    pub url: String,
    pub name: String,
}

/// What the dialog asks of a redrive, beside its DLQ.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct RedriveSettings {
    pub mode: ModeChoice,
    /// `None`: each message back to its own source.
    pub to: Option<QueueRef>,
    pub rate: Option<u32>,
    pub limit: Option<u64>,
    /// A `Filter` expression, checked by the dialog (the job parses it again).
    pub filter: Option<String>,
    /// Move this many first, then wait for `c`.
    pub canary: Option<u64>,
    /// How a canary is watched (`redrive.canary_watch`, `messages.sweep_cap`,
    /// `logs.max_scan_mb`).
    pub watch: crate::redrive::canary::WatchOptions,
}

impl RedriveSettings {
    /// A filter, a limit or a canary chooses messages: only the manual mover can.
    pub fn selective(&self) -> bool {
        self.limit.is_some() || self.filter.is_some() || self.canary.is_some()
    }

    /// What the plan is asked, with the destination queue (described) when there is one,
    /// and the subscriptions the inventory knows (`None`: the plan lists them).
    pub fn plan_request<'a>(
        &self,
        to: Option<&'a crate::domain::Queue>,
        subscriptions: Option<&'a [crate::domain::Subscription]>,
    ) -> crate::redrive::PlanRequest<'a> {
        crate::redrive::PlanRequest {
            to,
            subscriptions,
            functions: None,
            mode: self.mode,
            selective: self.selective(),
            filtered: self.filter.is_some(),
            rate: self.rate,
        }
    }

    /// What this run's mover is told to stop at: the canary first.
    pub fn run_limit(&self) -> Option<u64> {
        self.canary.or(self.limit)
    }
}

/// A DLQ and the settings to plan its redrive with (`Work::RedrivePlan`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PlanJob {
    pub dlq_url: String,
    pub dlq_name: String,
    pub settings: RedriveSettings,
    /// The inventory's SQS subscriptions that dead-letter into the DLQ or could not be
    /// read, when its subscriptions are loaded: the plan then does not list them again
    /// (one call per subscription on a large account).
    pub subscriptions: Option<Vec<crate::domain::Subscription>>,
    /// The inventory's functions with their invoke settings, when it has them all: the
    /// plan then does not read each function's settings again.
    pub functions: Option<Vec<crate::domain::LambdaFunction>>,
}

/// A redrive as confirmed: the DLQ, the settings, and the plan the dialog showed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RedriveOp {
    pub dlq_url: String,
    pub dlq_name: String,
    pub settings: RedriveSettings,
    /// The plan that was shown and confirmed; `None` plans again at the start (a canary's
    /// rest, which may go native once nothing chooses messages any more).
    pub plan: Option<Box<Plan>>,
}

impl RedriveOp {
    pub fn label(&self) -> String {
        match self.settings.canary {
            Some(n) => format!("redrive {} (canary {n})", self.dlq_name),
            None => format!("redrive {}", self.dlq_name),
        }
    }

    /// After a canary that moved `moved`: the rest, same settings, no canary (a limit
    /// counts what the canary moved).
    pub fn rest(&self, moved: u64) -> Option<RedriveOp> {
        self.settings.canary?;
        let settings = RedriveSettings {
            canary: None,
            limit: self.settings.limit.map(|l| l.saturating_sub(moved)),
            ..self.settings.clone()
        };
        Some(RedriveOp {
            dlq_url: self.dlq_url.clone(),
            dlq_name: self.dlq_name.clone(),
            settings,
            plan: None,
        })
    }
}

/// A redrive's progress as its job last read it (at most a few times a second).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct RedriveSnapshot {
    /// Since the job started (the job's clock, so rates hold in tests too).
    pub elapsed_ms: u64,
    pub mode: Option<Mode>,
    pub moved: u64,
    pub failed: u64,
    pub duplicates_suspected: u64,
    pub released: u64,
    pub received: u64,
    /// What the run expects to move: the move task's count, else the DLQ's count within
    /// the limit (an upper bound when a filter chooses).
    pub expected: Option<u64>,
    /// The move task's status (native).
    pub status: Option<String>,
    pub journal: Option<PathBuf>,
    /// Said once: where the journal went when there is no data directory.
    pub note: Option<String>,
    /// The function the run invokes, from the plan it follows: a canary's rest plans
    /// again, and only its run knows the route.
    pub invoked: Option<String>,
}

/// `R`: the dialog for the selected DLQ, or the progress of the redrive running on it.
pub fn open(app: &mut App) -> Vec<Effect> {
    let Some(Target::Queue(url)) = app.view().selected_target() else {
        app.set_message(
            Level::Info,
            "R redrives a dead-letter queue: select one".into(),
        );
        return Vec::new();
    };
    if let Some(run) = app.redrives.latest_for(&url)
        && app.jobs.get(run.job).is_some_and(|j| j.is_running())
    {
        let on_top = app
            .view_as::<RedriveView>()
            .is_some_and(|v| v.dlq_url == url);
        if !on_top {
            app.push(Box::new(RedriveView::new(url.clone())));
        }
        return Vec::new();
    }
    let Some(queue) = app.inventory.queue_by_url(&url) else {
        app.set_message(
            Level::Warning,
            "that queue is not in the last listing; refresh (r) and try again".into(),
        );
        return Vec::new();
    };
    if !app.inventory.is_dlq(&queue.arn) {
        let name = crate::domain::untrusted::escape_owned(queue.name.clone());
        app.set_message(
            Level::Info,
            format!("{name} is no dead-letter queue (no redrive policy points at it)"),
        );
        return Vec::new();
    }
    let mut dialog = RedriveDialog::new(queue.url.clone(), queue.name.clone());
    dialog.watch = app.canary_watch.clone();
    if app.fleet.is_fleet() {
        dialog.context = Some(app.fleet.label(app.fleet.active).to_string());
    }
    plan_again(app, dialog)
}

/// The inventory's subscriptions that matter to a plan of `dlq_url`, if it has them all.
fn known_subscriptions(app: &App, dlq_url: &str) -> Option<Vec<crate::domain::Subscription>> {
    let status = app
        .inventory
        .status(crate::inventory::Source::Subscriptions);
    if !status.loaded || status.error.is_some() {
        return None;
    }
    let dlq_arn = &app.inventory.queue_by_url(dlq_url)?.arn;
    Some(
        app.inventory
            .subscriptions()
            .iter()
            .filter(|s| {
                s.protocol == "sqs"
                    && (s.warning.is_some() || s.dlq_arn.as_deref() == Some(dlq_arn.as_str()))
            })
            .cloned()
            .collect(),
    )
}

/// The inventory's functions, if it listed them all.
fn known_functions(app: &App) -> Option<Vec<crate::domain::LambdaFunction>> {
    let status = app.inventory.status(crate::inventory::Source::Functions);
    (status.loaded && status.error.is_none()).then(|| app.inventory.functions().to_vec())
}

/// Opens `dialog` and starts the plan job its settings need, if any.
fn plan_again(app: &mut App, mut dialog: RedriveDialog) -> Vec<Effect> {
    let mut effects = Vec::new();
    if let Some(mut job) = dialog.plan_needed() {
        job.subscriptions = known_subscriptions(app, &job.dlq_url);
        job.functions = known_functions(app);
        let id = app
            .jobs
            .start(format!("plan redrive {}", job.dlq_name), app.now);
        dialog.planning(id, &job.settings);
        effects.push(Effect::Start {
            id,
            work: Work::RedrivePlan(Box::new(job)),
        });
    }
    app.modal = Some(Modal::Redrive(Box::new(dialog)));
    effects
}

/// A key while the dialog is open.
pub fn dialog_key(
    app: &mut App,
    dialog: RedriveDialog,
    key: ratatui::crossterm::event::KeyEvent,
) -> Vec<Effect> {
    let threshold = app.redrive_confirm_typed_above;
    match dialog.key(key, &app.ctx(), threshold) {
        dialog::Step::Open(dialog) => plan_again(app, *dialog),
        dialog::Step::Closed => {
            app.set_message(Level::Info, "redrive: nothing was changed".into());
            Vec::new()
        }
        dialog::Step::Confirm(pending) => {
            app.modal = Some(Modal::Confirm(super::modals::confirm::ConfirmDialog::new(
                *pending,
            )));
            Vec::new()
        }
    }
}

/// A plan job answered: the dialog shows it, if it still waits for that job.
pub fn planned(app: &mut App, job: JobId, result: Result<Box<Plan>, String>) {
    if let Some(Modal::Redrive(dialog)) = &mut app.modal {
        dialog.planned(job, result, app.redrive_confirm_typed_above);
    }
}

/// A redrive job was started (confirmed, or a canary's rest): it is registered and its
/// progress view shown, unless that view is on top already.
pub fn started(app: &mut App, id: JobId, op: &ConfirmedOp) {
    let DangerousOp::Redrive(redrive) = op.op() else {
        return;
    };
    app.redrives.start(id, op.clone());
    let url = redrive.dlq_url.clone();
    let on_top = app
        .view_as::<RedriveView>()
        .is_some_and(|v| v.dlq_url == url);
    if !on_top {
        app.push(Box::new(RedriveView::new(url)));
    }
}

pub fn progress(app: &mut App, id: JobId, snapshot: RedriveSnapshot) {
    app.redrives.progress(id, snapshot);
}

pub fn finished(app: &mut App, id: JobId, result: Result<Summary, String>) {
    app.redrives.finished(id, result);
}

#[cfg(test)]
mod tests;
