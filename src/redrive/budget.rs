//! `--limit` (and a canary) shared by a run's workers.

use std::sync::atomic::{AtomicU64, Ordering};

/// The limit shared by workers: each reserves what it asks for before receiving and gives
/// back what it did not use. The limit is reached only when nothing is left and no worker
/// holds a reservation (one that may still be given back).
pub(super) struct Budget {
    pub(super) left: Option<AtomicU64>,
    /// Reservations taken and not yet settled.
    pub(super) outstanding: AtomicU64,
}

/// A worker's reservation for one receive; settled when the receive's batch is done.
pub(super) struct Reservation<'a> {
    pub(super) budget: &'a Budget,
    pub(super) n: u64,
}

impl Drop for Reservation<'_> {
    fn drop(&mut self) {
        self.budget.outstanding.fetch_sub(self.n, Ordering::Relaxed);
    }
}

impl Budget {
    pub(super) fn reserve(&self, want: u64) -> u64 {
        let take = self.take(want);
        self.outstanding.fetch_add(take, Ordering::Relaxed);
        take
    }

    /// Whether nothing is reserved by any worker.
    pub(super) fn settled(&self) -> bool {
        self.outstanding.load(Ordering::Relaxed) == 0
    }

    fn take(&self, want: u64) -> u64 {
        let Some(left) = &self.left else {
            return want;
        };
        let mut current = left.load(Ordering::Relaxed);
        loop {
            let take = current.min(want);
            match left.compare_exchange(
                current,
                current - take,
                Ordering::Relaxed,
                Ordering::Relaxed,
            ) {
                Ok(_) => return take,
                Err(now) => current = now,
            }
        }
    }

    pub(super) fn give_back(&self, n: u64) {
        if let Some(left) = &self.left {
            left.fetch_add(n, Ordering::Relaxed);
        }
    }

    pub(super) fn exhausted(&self) -> bool {
        self.left
            .as_ref()
            .is_some_and(|l| l.load(Ordering::Relaxed) == 0)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_limit_is_reached_only_when_no_reservation_is_outstanding() {
        let budget = Budget {
            left: Some(AtomicU64::new(6)),
            outstanding: AtomicU64::new(0),
        };
        let first = budget.reserve(10);
        assert_eq!(first, 6);
        let held = Reservation {
            budget: &budget,
            n: first,
        };
        assert_eq!(budget.reserve(10), 0, "nothing left for a second worker");
        assert!(!budget.settled(), "but the first may give some back");
        budget.give_back(4);
        drop(held);
        assert!(budget.settled());
        assert_eq!(budget.reserve(10), 4, "what was given back is there again");
    }
}
