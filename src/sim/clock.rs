//! Time for the simulated world. The world never reads the system clock itself: it is handed
//! a `Clock`, so the demo runs on wall time while tests move a manual clock by hand (and a
//! "frozen" world is one whose manual clock nobody advances).

use std::sync::atomic::{AtomicI64, Ordering};
use std::time::{Duration, SystemTime};

pub trait Clock: Send + Sync {
    /// Milliseconds since the Unix epoch.
    fn now_ms(&self) -> i64;

    /// Whether time passes by itself. A long poll on an empty queue waits only on such a
    /// clock; on a manual clock waiting would never end, so it answers at once.
    fn runs_by_itself(&self) -> bool;
}

/// Wall time.
#[derive(Debug, Default, Clone, Copy)]
pub struct SystemClock;

impl Clock for SystemClock {
    fn now_ms(&self) -> i64 {
        let since_epoch = SystemTime::now()
            .duration_since(SystemTime::UNIX_EPOCH)
            .unwrap_or_default();
        i64::try_from(since_epoch.as_millis()).unwrap_or(i64::MAX)
    }

    fn runs_by_itself(&self) -> bool {
        true
    }
}

/// A clock that moves only when told to. Share it (`Arc<ManualClock>`) between the fleet
/// and the test that drives it.
#[derive(Debug)]
pub struct ManualClock {
    now_ms: AtomicI64,
}

impl ManualClock {
    /// 2027-01-15T08:00:00Z: a fixed, ordinary instant for tests and frozen worlds.
    pub const DEFAULT_START_MS: i64 = 1_800_000_000_000;

    pub fn at_ms(now_ms: i64) -> ManualClock {
        ManualClock {
            now_ms: AtomicI64::new(now_ms),
        }
    }

    /// A clock that follows tokio's in 100 ms steps, so that under a paused tokio clock
    /// (tests, benches) the world's visibility timeouts, rates and move tasks pass in
    /// virtual time. Spawns the task that moves it: call it inside a tokio runtime.
    pub fn following_tokio(start_ms: i64) -> std::sync::Arc<ManualClock> {
        let clock = std::sync::Arc::new(ManualClock::at_ms(start_ms));
        let follower = clock.clone();
        tokio::spawn(async move {
            loop {
                tokio::time::sleep(Duration::from_millis(100)).await;
                follower.advance(Duration::from_millis(100));
            }
        });
        clock
    }

    pub fn advance(&self, by: Duration) {
        let ms = i64::try_from(by.as_millis()).unwrap_or(i64::MAX);
        self.now_ms.fetch_add(ms, Ordering::SeqCst);
    }

    pub fn set_ms(&self, now_ms: i64) {
        self.now_ms.store(now_ms, Ordering::SeqCst);
    }
}

impl Default for ManualClock {
    fn default() -> ManualClock {
        ManualClock::at_ms(ManualClock::DEFAULT_START_MS)
    }
}

impl Clock for ManualClock {
    fn now_ms(&self) -> i64 {
        self.now_ms.load(Ordering::SeqCst)
    }

    fn runs_by_itself(&self) -> bool {
        false
    }
}

/// Milliseconds as a `SystemTime`, for formatting timestamps.
pub(super) fn system_time(ms: i64) -> SystemTime {
    let ms = u64::try_from(ms).unwrap_or(0);
    SystemTime::UNIX_EPOCH + Duration::from_millis(ms)
}

/// `2027-01-15T08:00:00.000Z`, the form SNS writes in its envelope's `Timestamp`.
pub(super) fn rfc3339_millis(ms: i64) -> String {
    humantime::format_rfc3339_millis(system_time(ms)).to_string()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_manual_clock_moves_only_when_told() {
        let clock = ManualClock::default();
        let start = clock.now_ms();
        assert_eq!(clock.now_ms(), start);
        clock.advance(Duration::from_millis(1_500));
        assert_eq!(clock.now_ms(), start + 1_500);
        clock.set_ms(42);
        assert_eq!(clock.now_ms(), 42);
        assert!(!clock.runs_by_itself());
    }

    #[test]
    fn the_default_start_is_the_documented_instant() {
        assert_eq!(
            rfc3339_millis(ManualClock::DEFAULT_START_MS),
            "2027-01-15T08:00:00.000Z"
        );
    }
}
