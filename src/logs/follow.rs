//! Following log groups by polling (a poll every 2 s through the shared budget costs
//! nothing): each poll asks from a little before the newest line seen, since events can
//! arrive after their timestamp, and returns only lines not seen yet. The CLI's `--follow` and the console's follow poll the same `Follower` where the endpoint has
//! no Live Tail (`live`).

use std::collections::HashSet;
use std::time::Duration;

use crate::aws::logs::LogSource;

use super::search::{SearchOutcome, SearchRequest, search};
use super::{LogLine, RequestBudget};

/// How often a follower is meant to be polled.
pub const FOLLOW_EVERY: Duration = Duration::from_secs(2);
/// A poll asks again this far back.
pub(super) const OVERLAP_MS: i64 = 10_000;

pub struct Follower {
    request: SearchRequest,
    seen: HashSet<(String, String, i64, String)>,
    newest_ms: Option<i64>,
}

impl Follower {
    /// Follows `request`'s groups and pattern from the end of its window; `first` holds the
    /// lines already shown (its window's).
    pub fn new(request: SearchRequest, first: &[LogLine]) -> Follower {
        let mut follower = Follower {
            request,
            seen: HashSet::new(),
            newest_ms: None,
        };
        follower.fresh(first);
        follower
    }

    /// The lines that arrived since the last poll, up to `now_ms`; `outcome` has the rest of
    /// what the search says (failures, bytes) with `lines` holding the fresh ones only.
    pub async fn poll(
        &mut self,
        source: &dyn LogSource,
        budget: &RequestBudget,
        now_ms: i64,
    ) -> SearchOutcome {
        self.request.start_ms = self
            .newest_ms
            .map_or(self.request.end_ms, |n| n - OVERLAP_MS);
        self.request.end_ms = now_ms;
        let mut outcome = search(source, budget, &self.request).await;
        outcome.lines = self.fresh(&outcome.lines);
        outcome
    }

    /// The lines not seen before; forgets what is older than the overlap.
    pub(super) fn fresh(&mut self, lines: &[LogLine]) -> Vec<LogLine> {
        let mut fresh = Vec::new();
        for line in lines {
            let key = (
                line.log_group.clone(),
                line.stream.clone(),
                line.timestamp_ms,
                line.message.clone(),
            );
            if self.seen.insert(key) {
                fresh.push(line.clone());
            }
            self.newest_ms = self.newest_ms.max(Some(line.timestamp_ms));
        }
        if let Some(newest) = self.newest_ms {
            self.seen
                .retain(|(_, _, at, _)| *at >= newest - 2 * OVERLAP_MS);
        }
        fresh
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::aws::logs::LogQuery;
    use crate::logs::GroupTarget;
    use crate::sim::{ManualClock, SimFleet};
    use std::sync::Arc;

    #[tokio::test]
    async fn each_poll_brings_the_new_lines_once() {
        let clock = Arc::new(ManualClock::default());
        let backend = crate::sim::backend(SimFleet::demo_with(3, clock.clone()));
        let group = "/aws/lambda/orders-worker";
        let budget = RequestBudget::new(1000.0);
        let now = |clock: &ManualClock| crate::sim::Clock::now_ms(clock);
        clock.advance(Duration::from_secs(120));
        let request = SearchRequest {
            groups: vec![GroupTarget {
                function: "orders-worker".into(),
                log_group: group.into(),
            }],
            start_ms: 0,
            end_ms: now(&clock),
            pattern: None,
            max_bytes: u64::MAX,
            max_lines: 100_000,
        };
        let first = search(backend.logs.as_ref(), &budget, &request).await;
        assert!(!first.lines.is_empty(), "two minutes of the worker");
        let mut follower = Follower::new(request, &first.lines);
        let nothing_new = follower
            .poll(backend.logs.as_ref(), &budget, now(&clock))
            .await;
        assert!(nothing_new.lines.is_empty(), "{:?}", nothing_new.lines);
        clock.advance(Duration::from_secs(60));
        let fresh = follower
            .poll(backend.logs.as_ref(), &budget, now(&clock))
            .await;
        assert!(!fresh.lines.is_empty());
        assert!(fresh.lines.iter().all(|l| !first.lines.contains(l)));
        let everything = backend
            .logs
            .filter_log_events(&LogQuery {
                log_group: group.into(),
                start_ms: 0,
                end_ms: now(&clock),
                ..LogQuery::default()
            })
            .await
            .expect("all");
        assert_eq!(
            first.lines.len() + fresh.lines.len(),
            everything.events.len(),
            "every line once"
        );
    }
}
