//! The app's side of the board's signals (alarms in ALARM, DLQ move tasks): on each tick
//! the top view says which it shows, and what is due is asked as a job: alarms at most
//! once a minute, each DLQ's move tasks at most once a minute, nothing while no view shows
//! them. CloudWatch alarms evaluate on one-minute data, so asking more often shows nothing
//! new. Answers go into the inventory, which the views already follow.

use std::collections::BTreeMap;
use std::time::{Duration, SystemTime};

use super::effect::{Effect, Work};
use super::jobs::JobId;
use super::state::App;
use crate::aws::ApiError;
use crate::domain::Alarm;
use crate::domain::message::MoveTask;

/// How often a shown signal is asked again: the metric engine's one-minute pace.
pub const SIGNALS_INTERVAL: Duration = Duration::from_secs(60);

/// The most DLQs one move-task job asks about; the rest are due at the next tick.
pub const MOVE_TASKS_PER_JOB: usize = 50;

/// What a view shows of the signals.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct SignalsWanted {
    pub alarms: bool,
    /// ARNs of the DLQs whose move tasks it shows.
    pub move_task_sources: Vec<String>,
}

#[derive(Debug, Default)]
pub struct SignalsState {
    alarms_asked: Option<SystemTime>,
    alarms_job: Option<JobId>,
    /// DLQ ARN → when its move tasks were last asked.
    move_tasks_asked: BTreeMap<String, SystemTime>,
    move_tasks_job: Option<JobId>,
}

impl SignalsState {
    pub fn owns_job(&self, id: JobId) -> bool {
        self.alarms_job == Some(id) || self.move_tasks_job == Some(id)
    }

    /// The job ended (its answer, if any, came before): the next one may start.
    pub fn job_ended(&mut self, id: JobId) {
        if self.alarms_job == Some(id) {
            self.alarms_job = None;
        }
        if self.move_tasks_job == Some(id) {
            self.move_tasks_job = None;
        }
    }
}

fn is_due(asked: Option<SystemTime>, now: SystemTime) -> bool {
    asked.is_none_or(|at| now.duration_since(at).unwrap_or_default() >= SIGNALS_INTERVAL)
}

/// The signal jobs due now for what the top view shows; one of each kind at a time.
pub fn due(app: &mut App) -> Vec<Effect> {
    let wanted = app.view().signals_shown(&app.ctx());
    let now = app.now;
    let mut effects = Vec::new();
    if wanted.alarms && app.signals.alarms_job.is_none() && is_due(app.signals.alarms_asked, now) {
        let id = app.jobs.start("alarms in ALARM", now);
        app.signals.alarms_job = Some(id);
        app.signals.alarms_asked = Some(now);
        effects.push(Effect::Start {
            id,
            work: Work::Alarms,
        });
    }
    if app.signals.move_tasks_job.is_none() {
        let dlqs: Vec<String> = wanted
            .move_task_sources
            .into_iter()
            .filter(|arn| is_due(app.signals.move_tasks_asked.get(arn).copied(), now))
            .take(MOVE_TASKS_PER_JOB)
            .collect();
        if !dlqs.is_empty() {
            let id = app
                .jobs
                .start(format!("move tasks of {} DLQs", dlqs.len()), now);
            app.signals.move_tasks_job = Some(id);
            for arn in &dlqs {
                app.signals.move_tasks_asked.insert(arn.clone(), now);
            }
            effects.push(Effect::Start {
                id,
                work: Work::MoveTasks(dlqs),
            });
        }
    }
    effects
}

/// A `DescribeAlarms` answer from job `job`; one from a job of another context is dropped.
pub fn alarms_read(app: &mut App, job: JobId, alarms: Result<Vec<Alarm>, ApiError>) {
    if app.signals.alarms_job == Some(job) {
        app.inventory.set_alarms(alarms);
    }
}

/// `ListMessageMoveTasks` answers from job `job`.
pub fn move_tasks_read(
    app: &mut App,
    job: JobId,
    answers: Vec<(String, Result<Vec<MoveTask>, ApiError>)>,
) {
    if app.signals.move_tasks_job == Some(job) {
        app.inventory.set_move_tasks(answers);
    }
}

#[cfg(test)]
mod tests;
