//! Following by Live Tail where the endpoint has it, else by polling every 2 s. The
//! session's budget remembers the answer: an endpoint without `StartLiveTail` (LocalStack
//! answers 501, the simulated world "unavailable") is asked once, then polled quietly. A
//! session that ends at once (moto answers the events it holds and closes) counts as no Live
//! Tail too. Live Tail bills per minute of session: a session lives as long as its
//! `Following` (dropping it ends it), and its minutes go to the budget for `:cost`.

use std::sync::Arc;
use std::time::Duration;

use tokio::time::Instant;

use crate::aws::logs::{LiveTail, LogSource, TailEvent, TermPattern};

use super::follow::{FOLLOW_EVERY, Follower};
use super::parse::parse_event;
use super::search::{SearchOutcome, SearchRequest};
use super::{LogLine, RequestBudget};

/// A session on more groups is refused by the service.
pub const MAX_LIVE_TAIL_GROUPS: usize = 10;
/// A session that ends sooner than this did not really stream: the endpoint only looks
/// like it has Live Tail.
const SHORTEST_SESSION: Duration = Duration::from_secs(10);

/// How a follow gets its new lines.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FollowMode {
    LiveTail,
    Polling,
}

impl FollowMode {
    /// The quiet note of the mode (the CLI's stderr, the logs view's title).
    pub fn note(self) -> &'static str {
        match self {
            FollowMode::LiveTail => "following by Live Tail (billed per minute of session)",
            FollowMode::Polling => "following by polling every 2 s (live tail unavailable here)",
        }
    }
}

/// Whether a follow of `groups` groups asks for a Live Tail session, given what the session
/// knows of this endpoint.
pub fn tries_live_tail(known: Option<bool>, groups: usize) -> bool {
    known != Some(false) && (1..=MAX_LIVE_TAIL_GROUPS).contains(&groups)
}

/// The wall clock in milliseconds (a follow's `now_ms`).
pub fn wall_ms() -> i64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| i64::try_from(d.as_millis()).unwrap_or(i64::MAX))
}

struct Session {
    tail: Box<dyn LiveTail>,
    opened: Instant,
}

/// One follow: a Live Tail session, or polls.
pub struct Following {
    follower: Follower,
    request: SearchRequest,
    session: Option<Session>,
    /// Events older than this are the endpoint's backlog, shown already.
    since_ms: i64,
    last_poll: Option<Instant>,
    budget: Arc<RequestBudget>,
}

impl Following {
    /// Follows `request`'s groups from the end of its window (`first`: the lines shown);
    /// opens a Live Tail session when the endpoint is not known to lack it.
    pub async fn start(
        source: &dyn LogSource,
        budget: Arc<RequestBudget>,
        request: SearchRequest,
        first: &[LogLine],
    ) -> Following {
        let mut following = Following {
            follower: Follower::new(request.clone(), first),
            since_ms: request.end_ms - super::follow::OVERLAP_MS,
            request,
            session: None,
            last_poll: None,
            budget,
        };
        following.open(source).await;
        following
    }

    async fn open(&mut self, source: &dyn LogSource) {
        let budget = self.budget.clone();
        if !tries_live_tail(budget.live_tail_works(), self.request.groups.len()) {
            return;
        }
        let names: Vec<String> = self
            .request
            .groups
            .iter()
            .map(|g| g.log_group.clone())
            .collect();
        let pattern = self.request.pattern.as_deref();
        match source.start_live_tail(&names, pattern).await {
            Ok(tail) => {
                self.session = Some(Session {
                    tail,
                    opened: Instant::now(),
                });
            }
            // Unsupported, not allowed, or refused: polling works where FilterLogEvents does.
            Err(_) => budget.remember_live_tail(false),
        }
    }

    pub fn mode(&self) -> FollowMode {
        if self.session.is_some() {
            FollowMode::LiveTail
        } else {
            FollowMode::Polling
        }
    }

    /// The next lines not shown yet: the session's next batch, or the next poll (2 s after
    /// the last). `now_ms` is the wall clock in milliseconds.
    pub async fn next(
        &mut self,
        source: &dyn LogSource,
        now_ms: impl Fn() -> i64,
    ) -> SearchOutcome {
        let budget = self.budget.clone();
        if let Some(session) = &mut self.session {
            match session.tail.next().await {
                Ok(Some(events)) => return self.tailed(events),
                ended => {
                    let ran = session.opened.elapsed();
                    budget.add_live_tail(ran);
                    self.session = None;
                    let lasted = ended.is_ok() && ran >= SHORTEST_SESSION;
                    budget.remember_live_tail(lasted);
                    if lasted {
                        // The service ends a session after three hours: open the next.
                        self.open(source).await;
                    }
                    return SearchOutcome::default();
                }
            }
        }
        if let Some(last) = self.last_poll {
            tokio::time::sleep_until(last + FOLLOW_EVERY).await;
        }
        self.last_poll = Some(Instant::now());
        self.follower.poll(source, &budget, now_ms()).await
    }

    /// A session's batch as lines: those of the follow's groups, matching its pattern (an
    /// endpoint may ignore it), newer than the window shown, not seen yet.
    fn tailed(&mut self, events: Vec<TailEvent>) -> SearchOutcome {
        let check = self
            .request
            .pattern
            .as_deref()
            .and_then(|p| TermPattern::parse(p).ok());
        let mut outcome = SearchOutcome::default();
        let mut lines = Vec::new();
        for tailed in events {
            let Some(group) = self
                .request
                .groups
                .iter()
                .find(|g| g.log_group == tailed.log_group)
            else {
                continue;
            };
            outcome.bytes_read += tailed.event.message.len() as u64;
            if tailed.event.timestamp_ms < self.since_ms
                || check
                    .as_ref()
                    .is_some_and(|c| !c.matches(&tailed.event.message))
            {
                continue;
            }
            lines.push(parse_event(
                &group.function,
                &group.log_group,
                &tailed.event,
            ));
        }
        lines.sort_by_key(|l| l.timestamp_ms);
        outcome.lines = self.follower.fresh(&lines);
        outcome
    }
}

impl Drop for Following {
    /// The session ends with the follow (Ctrl-C, the view left, follow stopped): its time
    /// is counted.
    fn drop(&mut self) {
        if let Some(session) = self.session.take() {
            self.budget.add_live_tail(session.opened.elapsed());
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::logs::GroupTarget;
    use crate::sim::{ManualClock, SimFleet};

    #[test]
    fn live_tail_is_asked_until_the_endpoint_is_known_to_lack_it() {
        assert!(tries_live_tail(None, 1), "not asked yet");
        assert!(tries_live_tail(Some(true), 3));
        assert!(!tries_live_tail(Some(false), 1), "remembered: poll");
        assert!(!tries_live_tail(None, 0));
        assert!(
            !tries_live_tail(None, MAX_LIVE_TAIL_GROUPS + 1),
            "the service refuses more groups: poll"
        );
        let budget = RequestBudget::default();
        budget.remember_live_tail(true);
        assert_eq!(budget.live_tail_works(), Some(true));
        budget.remember_live_tail(false);
        budget.remember_live_tail(true);
        assert_eq!(
            budget.live_tail_works(),
            Some(false),
            "once lacking, always"
        );
    }

    #[tokio::test(start_paused = true)]
    async fn the_simulated_world_is_followed_by_polling() {
        let clock = Arc::new(ManualClock::default());
        let backend = crate::sim::backend(SimFleet::demo_with(3, clock.clone()));
        let now = || crate::sim::Clock::now_ms(clock.as_ref());
        clock.advance(Duration::from_secs(120));
        let request = SearchRequest {
            groups: vec![GroupTarget {
                function: "orders-worker".into(),
                log_group: "/aws/lambda/orders-worker".into(),
            }],
            start_ms: 0,
            end_ms: now(),
            pattern: None,
            max_bytes: u64::MAX,
            max_lines: 100_000,
        };
        let budget = Arc::new(RequestBudget::new(1000.0));
        let first = super::super::search(backend.logs.as_ref(), &budget, &request).await;
        let mut following =
            Following::start(backend.logs.as_ref(), budget.clone(), request, &first.lines).await;
        assert_eq!(following.mode(), FollowMode::Polling);
        assert_eq!(budget.live_tail_works(), Some(false));
        clock.advance(Duration::from_secs(60));
        let fresh = following.next(backend.logs.as_ref(), now).await;
        assert!(!fresh.lines.is_empty(), "a minute of the worker");
        assert!(fresh.lines.iter().all(|l| !first.lines.contains(l)));
        assert!(
            budget.live_tail_time().is_zero(),
            "no session, nothing billed"
        );
    }
}
