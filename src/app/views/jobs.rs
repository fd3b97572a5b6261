//! `:jobs`: running and recent background jobs with their progress; a key cancels the
//! selected one.

use std::any::Any;

use super::{Ctx, Outcome, View};
use crate::app::effect::Effect;
use crate::app::jobs::{JobId, JobState};
use crate::app::keymap::KeyAction;
use crate::app::state::Level;
use crate::app::table_state::scrolled_offset;

#[derive(Debug, Clone, Default, PartialEq)]
pub struct JobsView {
    pub selected: usize,
    pub offset: usize,
    /// The ids in display order, as of the last sync.
    pub ids: Vec<JobId>,
}

impl JobsView {
    pub fn new() -> JobsView {
        JobsView::default()
    }

    fn move_selection(&mut self, delta: isize, rows: usize) {
        self.selected = super::moved(self.selected, delta, self.ids.len());
        self.offset = scrolled_offset(self.selected, self.offset, rows, self.ids.len());
    }
}

impl View for JobsView {
    fn crumb(&self) -> String {
        "jobs".to_string()
    }

    fn handle(&mut self, key: KeyAction, ctx: &Ctx) -> Outcome {
        if let Some(delta) = super::navigation_delta(key, ctx.rows) {
            self.move_selection(delta, ctx.rows);
            return Outcome::Handled;
        }
        match key {
            // A redrive opens on its progress (or summary); other jobs have nothing more.
            KeyAction::Open => {
                let Some(&id) = self.ids.get(self.selected) else {
                    return Outcome::Handled;
                };
                match ctx.redrives.get(id) {
                    Some(run) => {
                        Outcome::Push(Box::new(super::super::redrive::view::RedriveView::pinned(
                            run.dlq_url().to_string(),
                            id,
                        )))
                    }
                    None => Outcome::Handled,
                }
            }
            KeyAction::CancelJob => {
                let Some(job) = self.ids.get(self.selected).and_then(|&id| ctx.jobs.get(id)) else {
                    return Outcome::Handled;
                };
                match job.state {
                    JobState::Running => Outcome::Effects(vec![Effect::Cancel(job.id)]),
                    JobState::Cancelling => {
                        Outcome::Message(Level::Info, format!("{} is stopping", job.label))
                    }
                    JobState::Ended(_) => {
                        Outcome::Message(Level::Info, format!("{} has already ended", job.label))
                    }
                }
            }
            _ => Outcome::Ignored,
        }
    }

    fn revision(&self, ctx: &Ctx) -> u64 {
        ctx.jobs.revision
    }

    fn sync(&mut self, ctx: &Ctx) {
        let selected = self.ids.get(self.selected).copied();
        self.ids = ctx.jobs.listed().iter().map(|j| j.id).collect();
        self.selected = selected
            .and_then(|id| self.ids.iter().position(|&i| i == id))
            .unwrap_or(0);
        self.offset = scrolled_offset(self.selected, self.offset, ctx.rows, self.ids.len());
    }

    fn fit(&mut self, rows: usize) {
        self.offset = scrolled_offset(self.selected, self.offset, rows, self.ids.len());
    }

    fn hints(&self) -> Vec<(KeyAction, &'static str)> {
        vec![
            (KeyAction::CancelJob, "cancel"),
            (KeyAction::Open, "progress"),
        ]
    }

    fn as_any(&self) -> &dyn Any {
        self
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::app::jobs::{JobEnd, Jobs};
    use crate::app::keymap::Keymap;
    use crate::app::loads::Loads;
    use crate::inventory::Inventory;
    use std::time::SystemTime;

    #[test]
    fn cancels_the_selected_running_job_only() {
        let mut jobs = Jobs::default();
        let ended = jobs.start("load topics", SystemTime::UNIX_EPOCH);
        jobs.end(ended, JobEnd::Done(None), SystemTime::UNIX_EPOCH);
        let running = jobs.start("load queues", SystemTime::UNIX_EPOCH);
        let (inventory, loads, keymap) =
            (Inventory::default(), Loads::default(), Keymap::default());
        let ctx = Ctx {
            inventory: &inventory,
            loads: &loads,
            jobs: &jobs,
            keymap: &keymap,
            now: SystemTime::UNIX_EPOCH,
            rows: 10,
            read_only: false,
            spinner_frame: 0,
            metrics: &crate::metrics::MetricsEngine::default(),
            redrives: &crate::app::redrive::Redrives::default(),
            whoami: &crate::app::whoami::WhoamiState::default(),
            logs: &crate::app::logs::LogsState::default(),
            fleet: &crate::app::fleet::Fleet::default(),
        };
        let mut view = JobsView::new();
        view.sync(&ctx);
        assert_eq!(view.ids, vec![running, ended], "running first");
        assert!(matches!(
            view.handle(KeyAction::CancelJob, &ctx),
            Outcome::Effects(effects) if effects == vec![Effect::Cancel(running)]
        ));
        view.handle(KeyAction::Down, &ctx);
        assert!(matches!(
            view.handle(KeyAction::CancelJob, &ctx),
            Outcome::Message(..)
        ));
    }
}
