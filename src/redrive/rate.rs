//! A token bucket for `--rate`: at most `per_second` messages a second on average, with a
//! burst of one batch, shared by every worker of a run.

use std::time::Duration;

use tokio::sync::Mutex;
use tokio::time::Instant;

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

    /// Waits until `count` messages may go.
    pub async fn acquire(&self, count: usize) {
        let Some(rate) = self.per_second else {
            return;
        };
        let wanted = count as f64;
        let mut bucket = self.bucket.lock().await;
        loop {
            let now = Instant::now();
            let elapsed = now.duration_since(bucket.last).as_secs_f64();
            bucket.tokens = (bucket.tokens + elapsed * rate).min(self.burst.max(wanted));
            bucket.last = now;
            if bucket.tokens >= wanted {
                bucket.tokens -= wanted;
                return;
            }
            let missing = wanted - bucket.tokens;
            tokio::time::sleep(Duration::from_secs_f64(missing / rate)).await;
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
            limiter.acquire(10).await;
        }
        // 300 messages at 20/s, the first 10 free: 14.5 s.
        let took = start.elapsed().as_secs_f64();
        assert!((14.0..15.0).contains(&took), "took {took}");
    }

    #[tokio::test(start_paused = true)]
    async fn what_is_given_back_can_be_taken_again_at_once() {
        let limiter = RateLimiter::new(Some(1));
        limiter.acquire(1).await;
        let start = Instant::now();
        limiter.give_back(1).await;
        limiter.acquire(1).await;
        assert_eq!(
            start.elapsed(),
            Duration::ZERO,
            "the returned token was there"
        );
        limiter.acquire(1).await;
        assert_eq!(
            start.elapsed(),
            Duration::from_secs(1),
            "then the rate again"
        );
    }

    #[tokio::test(start_paused = true)]
    async fn no_rate_never_waits() {
        let limiter = RateLimiter::new(None);
        let start = Instant::now();
        limiter.acquire(1_000).await;
        assert_eq!(start.elapsed(), Duration::ZERO);
    }
}
