//! A world's script: traffic changes due at fixed times after the world's start (a bad
//! deploy, its rollback). The world applies them as its clock passes them, step by step,
//! so a scripted incident unfolds the same on wall time, on a manual clock in a test, and
//! when a long idle is caught up; no timer runs anywhere.

use super::spec::ConsumerProfile;
use super::world::World;

/// What changes.
#[derive(Debug, Clone, PartialEq)]
pub enum Change {
    /// The consumer of the profile's queue run by the profile's function behaves like
    /// this from now on (added if there was none).
    Consumer(ConsumerProfile),
}

/// A change due `after_ms` after the world's start.
#[derive(Debug, Clone, PartialEq)]
pub struct Scheduled {
    pub after_ms: i64,
    pub change: Change,
}

impl Scheduled {
    pub fn consumer(after_ms: i64, profile: ConsumerProfile) -> Scheduled {
        Scheduled {
            after_ms,
            change: Change::Consumer(profile),
        }
    }
}

/// The script as the world holds it: in time order, and how far it has got.
#[derive(Debug, Clone, Default)]
pub(super) struct Timeline {
    changes: Vec<Scheduled>,
    next: usize,
}

impl Timeline {
    pub fn new(mut changes: Vec<Scheduled>) -> Timeline {
        // Stable: changes due at the same time apply in the order they were written.
        changes.sort_by_key(|c| c.after_ms);
        Timeline { changes, next: 0 }
    }

    /// The changes due by `elapsed_ms` that have not been applied yet.
    fn take_due(&mut self, elapsed_ms: i64) -> Vec<Change> {
        let start = self.next;
        while self
            .changes
            .get(self.next)
            .is_some_and(|c| c.after_ms <= elapsed_ms)
        {
            self.next += 1;
        }
        self.changes[start..self.next]
            .iter()
            .map(|c| c.change.clone())
            .collect()
    }
}

impl World {
    /// Applies every scripted change due by now.
    pub(super) fn apply_due_changes(&mut self) {
        let elapsed = self.now_ms - self.start_ms;
        for change in self.timeline.take_due(elapsed) {
            match change {
                Change::Consumer(profile) => {
                    let consumers = &mut self.traffic.consumers;
                    match consumers
                        .iter_mut()
                        .find(|c| c.function == profile.function && c.queue == profile.queue)
                    {
                        Some(existing) => *existing = profile,
                        None => consumers.push(profile),
                    }
                }
            }
        }
    }
}
