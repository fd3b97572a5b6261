//! The end of a manual run's receiving: workers whose receive came back empty wait here
//! (no receive under way) until another worker finds messages again, or until every worker
//! waits, which is when one of them asks the DLQ's counts whether the run is done.
//!
//! Why this is enough evidence, and why it ends soon after the last message: a long poll
//! (wait ≥ 1 s) asks every SQS server and answers as soon as a message is visible, so an
//! empty one says nothing was visible while it waited; once every worker's last receive came
//! back empty the counts decide (visible, and in flight beyond what the run itself holds: a
//! lost receive's messages are waited for, never called drained). A worker that ends its
//! batch after the last message does one more long poll; nobody else is polling then, so
//! the run ends about one wait after its last batch, with no receive left in the air that
//! could hide a message arriving meanwhile.

use std::sync::Mutex;

use tokio::sync::Notify;
use tokio_util::sync::CancellationToken;

/// What a worker whose receive came back empty does next.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Next {
    /// Receive again (another worker found messages, or a round of empty polls is not
    /// the last one asked for, or the counts said not yet).
    Receive,
    /// Every worker is waiting: this one asks the counts, then calls [`Idle::resume`]
    /// unless the run is done.
    Check,
    /// The run stopped meanwhile.
    Stopped,
}

#[derive(Debug, Default)]
struct State {
    /// Workers waiting now.
    waiting: usize,
    /// Rounds in a row in which every worker came back empty.
    rounds: u32,
}

/// Shared by the workers of one run.
#[derive(Debug)]
pub(super) struct Idle {
    workers: usize,
    /// Rounds of empty polls (every worker's) before the counts are asked.
    rounds_wanted: u32,
    state: Mutex<State>,
    wake: Notify,
}

impl Idle {
    pub(super) fn new(workers: usize, rounds_wanted: u32) -> Idle {
        Idle {
            workers: workers.max(1),
            rounds_wanted: rounds_wanted.max(1),
            state: Mutex::new(State::default()),
            wake: Notify::new(),
        }
    }

    /// A worker came back empty (or may not receive now): it waits until there is
    /// something to receive again, or it is the last one and must look at the counts.
    pub(super) async fn wait(&self, stop: &CancellationToken) -> Next {
        let woken = self.wake.notified();
        tokio::pin!(woken);
        // Registered before the count goes up: a wake between the two is not missed.
        woken.as_mut().enable();
        {
            let Ok(mut state) = self.state.lock() else {
                return Next::Receive;
            };
            state.waiting += 1;
            if state.waiting >= self.workers {
                state.rounds += 1;
                if state.rounds >= self.rounds_wanted {
                    // The others stay waiting while the counts are asked.
                    state.waiting -= 1;
                    return Next::Check;
                }
                state.waiting = 0;
                drop(state);
                self.wake.notify_waiters();
                return Next::Receive;
            }
        }
        tokio::select! {
            () = stop.cancelled() => Next::Stopped,
            () = &mut woken => Next::Receive,
        }
    }

    /// Messages arrived: every waiting worker receives again, and the rounds of empty
    /// polls start over.
    pub(super) fn found_work(&self) {
        if let Ok(mut state) = self.state.lock() {
            state.rounds = 0;
            if state.waiting == 0 {
                return;
            }
            state.waiting = 0;
        }
        self.wake.notify_waiters();
    }

    /// The counts said not done yet: every worker receives again.
    pub(super) fn resume(&self) {
        if let Ok(mut state) = self.state.lock() {
            state.waiting = 0;
            state.rounds = 0;
        }
        self.wake.notify_waiters();
    }
}

#[cfg(test)]
mod tests {
    use std::sync::Arc;
    use std::time::Duration;

    use super::*;

    #[tokio::test(start_paused = true)]
    async fn the_last_worker_to_come_back_empty_checks_and_the_others_wait() {
        let idle = Arc::new(Idle::new(3, 1));
        let stop = CancellationToken::new();
        let waiting: Vec<_> = (0..2)
            .map(|_| {
                let (idle, stop) = (idle.clone(), stop.clone());
                tokio::spawn(async move { idle.wait(&stop).await })
            })
            .collect();
        tokio::time::sleep(Duration::from_millis(10)).await;
        assert!(waiting.iter().all(|w| !w.is_finished()), "they wait");
        assert_eq!(idle.wait(&stop).await, Next::Check, "the last one checks");
        tokio::time::sleep(Duration::from_millis(10)).await;
        assert!(waiting.iter().all(|w| !w.is_finished()), "still waiting");
        idle.resume();
        for w in waiting {
            assert_eq!(w.await.expect("join"), Next::Receive);
        }
    }

    #[tokio::test(start_paused = true)]
    async fn work_found_wakes_the_waiting_and_starts_the_rounds_over() {
        let idle = Arc::new(Idle::new(2, 2));
        let stop = CancellationToken::new();
        let first = {
            let (idle, stop) = (idle.clone(), stop.clone());
            tokio::spawn(async move { idle.wait(&stop).await })
        };
        tokio::time::sleep(Duration::from_millis(10)).await;
        idle.found_work();
        assert_eq!(first.await.expect("join"), Next::Receive);
        // Two rounds asked for: the first full round sends everyone back to receive.
        let first = {
            let (idle, stop) = (idle.clone(), stop.clone());
            tokio::spawn(async move { idle.wait(&stop).await })
        };
        tokio::time::sleep(Duration::from_millis(10)).await;
        assert_eq!(idle.wait(&stop).await, Next::Receive, "round one of two");
        assert_eq!(first.await.expect("join"), Next::Receive);
        let first = {
            let (idle, stop) = (idle.clone(), stop.clone());
            tokio::spawn(async move { idle.wait(&stop).await })
        };
        tokio::time::sleep(Duration::from_millis(10)).await;
        assert_eq!(idle.wait(&stop).await, Next::Check, "round two");
        stop.cancel();
        assert_eq!(first.await.expect("join"), Next::Stopped);
    }

    #[tokio::test(start_paused = true)]
    async fn one_worker_checks_at_once() {
        let idle = Idle::new(1, 1);
        assert_eq!(idle.wait(&CancellationToken::new()).await, Next::Check);
    }
}
