//! One request budget for every CloudWatch Logs call of a search, a join or a follow:
//! `FilterLogEvents` is throttled per account and region (a few requests a second), so calls
//! are spaced, a throttled call waits and tries again (doubling the wait), and the budget
//! counts what was asked and what came back. It is the session's logs ledger too: whether
//! this endpoint answers Live Tail (asked once) and how long Live Tail sessions ran (billed
//! per minute).

use std::future::Future;
use std::sync::atomic::{AtomicU8, AtomicU64, Ordering};
use std::time::Duration;

use tokio::sync::Mutex;
use tokio::time::Instant;

use crate::aws::{ApiError, ErrorKind};

/// Calls a second by default: under the account's FilterLogEvents limit, leaving room for
/// the console and other tools.
pub const DEFAULT_REQUESTS_PER_SECOND: f64 = 4.0;
/// Throttled calls are tried again this many times.
const THROTTLE_RETRIES: u32 = 4;
/// The first wait after a throttled call.
const FIRST_BACKOFF: Duration = Duration::from_millis(500);

pub struct RequestBudget {
    gap: Duration,
    next_at: Mutex<Option<Instant>>,
    requests: AtomicU64,
    throttled: AtomicU64,
    bytes: AtomicU64,
    /// 0: not asked yet; 1: Live Tail works here; 2: it does not (poll).
    live_tail: AtomicU8,
    live_tail_ms: AtomicU64,
}

impl Default for RequestBudget {
    fn default() -> RequestBudget {
        RequestBudget::new(DEFAULT_REQUESTS_PER_SECOND)
    }
}

impl RequestBudget {
    /// At most `per_second` calls a second (at least one every ten seconds).
    pub fn new(per_second: f64) -> RequestBudget {
        let per_second = per_second.clamp(0.1, 1000.0);
        RequestBudget {
            gap: Duration::from_secs_f64(1.0 / per_second),
            next_at: Mutex::new(None),
            requests: AtomicU64::new(0),
            throttled: AtomicU64::new(0),
            bytes: AtomicU64::new(0),
            live_tail: AtomicU8::new(0),
            live_tail_ms: AtomicU64::new(0),
        }
    }

    /// Waits for the next slot: calls are spaced by the gap, whoever makes them.
    async fn slot(&self) {
        let mut next_at = self.next_at.lock().await;
        let now = Instant::now();
        if let Some(at) = *next_at
            && at > now
        {
            tokio::time::sleep_until(at).await;
        }
        *next_at = Some(Instant::now() + self.gap);
    }

    /// Makes one call within the budget; a throttled call waits and is made again.
    pub async fn call<T, F, Fut>(&self, mut call: F) -> Result<T, ApiError>
    where
        F: FnMut() -> Fut,
        Fut: Future<Output = Result<T, ApiError>>,
    {
        let mut backoff = FIRST_BACKOFF;
        let mut tries = 0;
        loop {
            self.slot().await;
            self.requests.fetch_add(1, Ordering::Relaxed);
            match call().await {
                Err(error) if error.kind == ErrorKind::Throttled && tries < THROTTLE_RETRIES => {
                    self.throttled.fetch_add(1, Ordering::Relaxed);
                    tries += 1;
                    tokio::time::sleep(backoff).await;
                    backoff *= 2;
                }
                other => return other,
            }
        }
    }

    /// Counts bytes of log events read.
    pub fn add_bytes(&self, bytes: u64) {
        self.bytes.fetch_add(bytes, Ordering::Relaxed);
    }

    pub fn requests(&self) -> u64 {
        self.requests.load(Ordering::Relaxed)
    }

    pub fn throttled(&self) -> u64 {
        self.throttled.load(Ordering::Relaxed)
    }

    pub fn bytes(&self) -> u64 {
        self.bytes.load(Ordering::Relaxed)
    }

    /// Whether Live Tail works on this endpoint, once a follow found out.
    pub fn live_tail_works(&self) -> Option<bool> {
        match self.live_tail.load(Ordering::Relaxed) {
            1 => Some(true),
            2 => Some(false),
            _ => None,
        }
    }

    /// What a follow found out; "it does not" is never asked again this session.
    pub fn remember_live_tail(&self, works: bool) {
        let known = if works { 1 } else { 2 };
        let _ = self
            .live_tail
            .fetch_update(Ordering::Relaxed, Ordering::Relaxed, |was| {
                (was != 2).then_some(known)
            });
    }

    /// A Live Tail session ran this long (billed per minute, rounded up by the service).
    pub fn add_live_tail(&self, ran: Duration) {
        let ms = u64::try_from(ran.as_millis()).unwrap_or(u64::MAX);
        self.live_tail_ms.fetch_add(ms, Ordering::Relaxed);
    }

    pub fn live_tail_time(&self) -> Duration {
        Duration::from_millis(self.live_tail_ms.load(Ordering::Relaxed))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::sync::atomic::AtomicU32;

    #[tokio::test(start_paused = true)]
    async fn calls_are_spaced_and_throttling_is_waited_out() {
        let budget = RequestBudget::new(2.0);
        let started = Instant::now();
        for _ in 0..3 {
            budget
                .call(|| async { Ok::<_, ApiError>(()) })
                .await
                .expect("call");
        }
        assert!(
            started.elapsed() >= Duration::from_millis(1000),
            "two gaps of 500 ms"
        );
        let attempts = AtomicU32::new(0);
        let answer = budget
            .call(|| async {
                if attempts.fetch_add(1, Ordering::Relaxed) < 2 {
                    Err(ApiError::throttled("FilterLogEvents", "Rate exceeded"))
                } else {
                    Ok(7)
                }
            })
            .await;
        assert_eq!(answer.expect("third try"), 7);
        assert_eq!((budget.requests(), budget.throttled()), (6, 2));
        let refused = budget
            .call(|| async { Err::<(), _>(ApiError::access_denied("FilterLogEvents", "no")) })
            .await;
        assert!(refused.is_err());
        assert_eq!(budget.requests(), 7, "a refusal is not tried again");
    }
}
