//! `:whoami`: who these credentials are and what squall can do with them here. Opening the
//! view starts one probe job (src/whoami.rs: harmless calls only; a second `:whoami` while
//! one runs does not start another); its answer is kept here for the view, and the first
//! answer that lacks permissions names them once in the status bar.

use super::effect::{Effect, Work};
use super::jobs::{JobEnd, JobId};
use super::state::{App, Level};
use super::views::whoami::WhoamiView;
use crate::whoami::Whoami;

#[derive(Debug, Default)]
pub struct WhoamiState {
    /// The probe in flight.
    pub job: Option<JobId>,
    /// The last probe started (its end comes after its answer).
    last_job: Option<JobId>,
    /// The last answer.
    pub result: Option<Box<Whoami>>,
    /// Changes with every start and answer, for the view's sync.
    pub revision: u64,
    /// Whether the status bar has named the missing capabilities already.
    announced: bool,
}

/// Shows the view and probes (unless a probe is running already).
pub fn open(app: &mut App) -> Vec<Effect> {
    app.reset_stack(Box::new(WhoamiView::default()));
    if app.whoami.job.is_some() {
        return Vec::new();
    }
    let id = app.jobs.start("whoami: probe what works here", app.now);
    app.whoami.job = Some(id);
    app.whoami.last_job = Some(id);
    app.whoami.revision += 1;
    vec![Effect::Start {
        id,
        work: Work::Whoami,
    }]
}

/// The probe answered.
pub fn read(app: &mut App, job: JobId, whoami: Whoami) {
    if app.whoami.job != Some(job) {
        return;
    }
    app.whoami.job = None;
    let missing = whoami.missing();
    if !missing.is_empty() && !app.whoami.announced {
        app.whoami.announced = true;
        app.set_message(
            Level::Warning,
            format!(
                "no permission for: {} (squall iam-policy prints the policy)",
                missing.join(", ")
            ),
        );
    }
    app.whoami.result = Some(Box::new(whoami));
    app.whoami.revision += 1;
}

/// A probe's job ended: quietly, since the view shows what it read and [`read`] named what
/// is missing; a probe that died says so. False for other jobs.
pub fn job_ended(app: &mut App, id: JobId, end: &JobEnd) -> bool {
    if app.whoami.last_job != Some(id) {
        return false;
    }
    if app.whoami.job == Some(id) {
        // Ended without an answer (a panic, a cancel): the view stops saying "probing".
        app.whoami.job = None;
        app.whoami.revision += 1;
        if let JobEnd::Failed(error) = end {
            app.set_message(Level::Error, format!("whoami failed: {error}"));
        }
    }
    true
}

/// Another profile or region: what was probed no longer holds.
pub fn forget(app: &mut App) {
    app.whoami = WhoamiState::default();
}
