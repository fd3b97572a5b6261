//! Streamed results held back for a moment. A queue listing reports every few queues it
//! described, each batch with the load's progress beside it; taken into the app one by
//! one, each batch made the view on top judge the whole inventory again (the health board:
//! every rule over every queue), so a listing cost grew with the square of the fleet.
//! Held here, batches reach the app merged, at most every `hold` and before any other
//! result (so the order of events is kept). The hold grows with what taking them in costs,
//! so that this stays a small share of the time however large the fleet.

use std::time::Duration;

use tokio::time::Instant;

use crate::app::Action;

/// The shortest hold: the count on screen still moves twice a second while a listing runs
/// (keys are never held: they echo at once).
const MIN_HOLD: Duration = Duration::from_millis(500);
/// The longest hold, however slow taking the results in is.
const MAX_HOLD: Duration = Duration::from_secs(2);
/// The hold is at least this many times what taking the last release in cost: the work
/// per release (which grows with the inventory) stays a fiftieth of the time at most.
const HOLD_PER_COST: u32 = 50;

#[derive(Debug)]
pub struct Held {
    actions: Vec<Action>,
    /// When the oldest held action arrived.
    since: Option<Instant>,
    hold: Duration,
}

impl Default for Held {
    fn default() -> Held {
        Held {
            actions: Vec::new(),
            since: None,
            hold: MIN_HOLD,
        }
    }
}

impl Held {
    /// Whether `action` is a streamed result that may wait: a batch of queues, or a job's
    /// progress count (of any fleet context).
    pub fn holds(action: &Action) -> bool {
        match action {
            Action::InContext { action, .. } => Held::holds(action),
            _ => matches!(
                action,
                Action::QueuesLoaded { .. } | Action::JobProgress { .. }
            ),
        }
    }

    pub fn hold(&mut self, action: Action, now: Instant) {
        self.since.get_or_insert(now);
        self.actions.push(action);
    }

    /// When the held actions are due, if any are held.
    pub fn deadline(&self) -> Option<Instant> {
        self.since.map(|since| since + self.hold)
    }

    pub fn is_due(&self, now: Instant) -> bool {
        self.deadline().is_some_and(|deadline| deadline <= now)
    }

    /// Everything held, merged (`coalesce`), in the order it came.
    pub fn release(&mut self) -> Vec<Action> {
        self.since = None;
        coalesce(std::mem::take(&mut self.actions))
    }

    /// Taking the last release in cost `cost`: the next hold is long enough to keep that
    /// a small share of the time.
    pub fn took(&mut self, cost: Duration) {
        self.hold = (cost * HOLD_PER_COST).clamp(MIN_HOLD, MAX_HOLD);
    }

    #[cfg(test)]
    pub fn hold_for(&self) -> Duration {
        self.hold
    }
}

/// Merges the `QueuesLoaded` batches of one load into one action and keeps only the last
/// progress report of each job, within each run of streamed results (the two kinds come
/// interleaved: a load sends its progress beside each batch). Any other action ends a run:
/// the order of everything else is kept.
pub fn coalesce(actions: Vec<Action>) -> Vec<Action> {
    let mut merged: Vec<Action> = Vec::with_capacity(actions.len());
    // Where the current run of streamed results starts in `merged`.
    let mut run_start = 0;
    for action in actions {
        if !Held::holds(&action) {
            merged.push(action);
            run_start = merged.len();
            continue;
        }
        let same = merged[run_start..]
            .iter_mut()
            .find(|earlier| mergeable(earlier, &action));
        match same {
            Some(into) => merge(into, action),
            None => merged.push(action),
        }
    }
    merged
}

/// Whether `action` merges into `earlier`: batches of the same load, progress of the same
/// job, in the same fleet context.
fn mergeable(earlier: &Action, action: &Action) -> bool {
    match (earlier, action) {
        (
            Action::InContext {
                context: a,
                action: earlier,
            },
            Action::InContext { context: b, action },
        ) => a == b && mergeable(earlier, action),
        (
            Action::QueuesLoaded { generation: a, .. },
            Action::QueuesLoaded { generation: b, .. },
        ) => a == b,
        (Action::JobProgress { id: a, .. }, Action::JobProgress { id: b, .. }) => a == b,
        _ => false,
    }
}

/// Merges `action` into `into` (see [`mergeable`]).
fn merge(into: &mut Action, action: Action) {
    match (into, action) {
        (Action::InContext { action: into, .. }, Action::InContext { action, .. }) => {
            merge(into, *action);
        }
        (Action::QueuesLoaded { queues: into, .. }, Action::QueuesLoaded { queues, .. }) => {
            into.extend(queues);
        }
        (Action::JobProgress { progress: into, .. }, Action::JobProgress { progress, .. }) => {
            *into = progress;
        }
        _ => {}
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::app::jobs::{JobId, Progress};
    use crate::runtime::tests::batch;

    fn progress(id: u64, done: u64) -> Action {
        Action::JobProgress {
            id: JobId(id),
            progress: Progress { done, total: None },
        }
    }

    fn in_context(context: usize, action: Action) -> Action {
        Action::InContext {
            context,
            action: Box::new(action),
        }
    }

    #[test]
    fn a_fleets_batches_merge_within_their_context_only() {
        let merged = coalesce(vec![
            in_context(0, batch(1, &["a"])),
            in_context(1, batch(1, &["x"])),
            in_context(0, batch(1, &["b"])),
            in_context(1, progress(7, 1)),
            in_context(1, batch(1, &["y"])),
            in_context(1, progress(7, 2)),
        ]);
        assert_eq!(
            merged,
            vec![
                in_context(0, batch(1, &["a", "b"])),
                in_context(1, batch(1, &["x", "y"])),
                in_context(1, progress(7, 2)),
            ]
        );
    }

    #[test]
    fn batches_interleaved_with_progress_merge_into_one_of_each() {
        let merged = coalesce(vec![
            progress(1, 1),
            batch(1, &["a"]),
            progress(1, 3),
            batch(1, &["b", "c"]),
        ]);
        assert_eq!(merged.len(), 2, "{merged:?}");
        assert_eq!(merged[0], progress(1, 3));
        assert!(
            matches!(&merged[1], Action::QueuesLoaded { generation: 1, queues } if queues.len() == 3)
        );
    }

    #[test]
    fn the_hold_grows_with_what_a_release_costs_within_bounds() {
        let mut held = Held::default();
        assert_eq!(held.hold_for(), MIN_HOLD);
        held.took(Duration::from_millis(20));
        assert_eq!(held.hold_for(), Duration::from_secs(1));
        held.took(Duration::from_secs(1));
        assert_eq!(held.hold_for(), MAX_HOLD);
        held.took(Duration::ZERO);
        assert_eq!(held.hold_for(), MIN_HOLD);
    }

    #[test]
    fn held_results_are_due_after_the_hold_and_released_merged() {
        let mut held = Held::default();
        let start = Instant::now();
        assert_eq!(held.deadline(), None);
        held.hold(batch(1, &["a"]), start);
        held.hold(batch(1, &["b"]), start + Duration::from_millis(50));
        assert_eq!(
            held.deadline(),
            Some(start + MIN_HOLD),
            "timed from the oldest"
        );
        assert!(!held.is_due(start + Duration::from_millis(100)));
        assert!(held.is_due(start + MIN_HOLD));
        let released = held.release();
        assert!(
            matches!(&released[..], [Action::QueuesLoaded { queues, .. }] if queues.len() == 2)
        );
        assert_eq!(held.deadline(), None);
    }
}
