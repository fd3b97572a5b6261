//! A token bucket for `--rate`: at most `per_second` messages a second on average, with a
//! burst of one batch, shared by every worker of a run.

use std::time::Duration;

use tokio::sync::Mutex;
use tokio::time::Instant;
use tokio_util::sync::CancellationToken;

#[derive(Debug)]
struct Bucket {
    tokens: f64,
    last: Instant,
}

/// Hands out permission to move messages; `None` rate means no limit.
#[derive(Debug)]
pub struct RateLimiter {
    per_second: Option<f64>,
    burst: f64,
    bucket: Mutex<Bucket>,
}

impl RateLimiter {
    pub fn new(per_second: Option<u32>) -> RateLimiter {
        let per_second = per_second.filter(|r| *r > 0).map(f64::from);
        // A burst of one batch (or the rate itself if lower) keeps the average honest
        // without making small rates wait for whole batches.
        let burst = per_second.map(|r| r.min(10.0)).unwrap_or(0.0);
        RateLimiter {
            per_second,
            burst,
            bucket: Mutex::new(Bucket {
                tokens: burst,
                last: Instant::now(),
            }),
        }
    }

    /// Returns permission taken for messages that did not go (a receive came back short,
    /// or with messages that are not sent), up to one burst's worth.
    pub async fn give_back(&self, count: usize) {
        if self.per_second.is_none() || count == 0 {
            return;
        }
        let mut bucket = self.bucket.lock().await;
        bucket.tokens = (bucket.tokens + count as f64).min(self.burst.max(count as f64));
    }

    /// Waits until `count` messages may go: true then, false when `cancel` fires first
    /// (nothing is taken). The bucket is not held while waiting, so that every waiting
    /// worker sees a cancel at once.
    pub async fn acquire(&self, count: usize, cancel: &CancellationToken) -> bool {
        let Some(rate) = self.per_second else {
            return !cancel.is_cancelled();
        };
        let wanted = count as f64;
        loop {
            let wait = {
                let mut bucket = self.bucket.lock().await;
                let now = Instant::now();
                let elapsed = now.duration_since(bucket.last).as_secs_f64();
                bucket.tokens = (bucket.tokens + elapsed * rate).min(self.burst.max(wanted));
                bucket.last = now;
                if bucket.tokens >= wanted {
                    bucket.tokens -= wanted;
                    return true;
                }
                Duration::from_secs_f64((wanted - bucket.tokens) / rate)
            };
            tokio::select! {
                () = cancel.cancelled() => return false,
                () = tokio::time::sleep(wait) => {}
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test(start_paused = true)]
    async fn holds_the_average_rate() {
        let limiter = RateLimiter::new(Some(20));
        let start = Instant::now();
        for _ in 0..30 {
            limiter.acquire(10, &CancellationToken::new()).await;
        }
        // 300 messages at 20/s, the first 10 free: 14.5 s.
        let took = start.elapsed().as_secs_f64();
        assert!((14.0..15.0).contains(&took), "took {took}");
    }

    #[tokio::test(start_paused = true)]
    async fn what_is_given_back_can_be_taken_again_at_once() {
        let limiter = RateLimiter::new(Some(1));
        assert!(limiter.acquire(1, &CancellationToken::new()).await);
        let start = Instant::now();
        limiter.give_back(1).await;
        assert!(limiter.acquire(1, &CancellationToken::new()).await);
        assert_eq!(
            start.elapsed(),
            Duration::ZERO,
            "the returned token was there"
        );
        assert!(limiter.acquire(1, &CancellationToken::new()).await);
        assert_eq!(
            start.elapsed(),
            Duration::from_secs(1),
            "then the rate again"
        );
    }

    #[tokio::test(start_paused = true)]
    async fn a_cancel_ends_every_wait_at_once() {
        let limiter = std::sync::Arc::new(RateLimiter::new(Some(1)));
        let cancel = CancellationToken::new();
        assert!(limiter.acquire(1, &cancel).await, "the burst");
        let start = Instant::now();
        let waiters: Vec<_> = (0..16)
            .map(|_| {
                let (limiter, cancel) = (limiter.clone(), cancel.clone());
                tokio::spawn(async move { limiter.acquire(10, &cancel).await })
            })
            .collect();
        tokio::time::sleep(Duration::from_secs(2)).await;
        cancel.cancel();
        for waiter in waiters {
            assert!(!waiter.await.expect("join"), "cancelled, nothing taken");
        }
        assert_eq!(start.elapsed(), Duration::from_secs(2), "not 16 x 10 s");
    }

    #[tokio::test(start_paused = true)]
    async fn no_rate_never_waits() {
        let limiter = RateLimiter::new(None);
        let start = Instant::now();
        assert!(limiter.acquire(1_000, &CancellationToken::new()).await);
        assert_eq!(start.elapsed(), Duration::ZERO);
    }
}
