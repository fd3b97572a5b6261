//! What metrics cost: GetMetricData is billed per metric requested (about $0.01 per
//! 1,000), so squall counts the metrics it asked for in the last hour.

use std::collections::VecDeque;

/// US dollars per metric requested through GetMetricData.
pub const USD_PER_METRIC: f64 = 0.01 / 1000.0;

const HOUR_MS: i64 = 3600 * 1000;

#[derive(Debug, Clone, Default)]
pub struct CostMeter {
    /// `(ms, metrics requested)` per call, the last hour only.
    calls: VecDeque<(i64, u64)>,
    total_calls: u64,
    total_metrics: u64,
}

impl CostMeter {
    pub fn record(&mut self, now_ms: i64, metrics: u64) {
        self.calls.push_back((now_ms, metrics));
        self.total_calls += 1;
        self.total_metrics += metrics;
        self.forget_before(now_ms - HOUR_MS);
    }

    fn forget_before(&mut self, oldest_ms: i64) {
        while self.calls.front().is_some_and(|(t, _)| *t <= oldest_ms) {
            self.calls.pop_front();
        }
    }

    /// Metrics requested in the hour up to `now_ms`.
    pub fn metrics_last_hour(&self, now_ms: i64) -> u64 {
        self.calls
            .iter()
            .filter(|(t, _)| *t > now_ms - HOUR_MS)
            .map(|(_, n)| *n)
            .sum()
    }

    pub fn calls_last_hour(&self, now_ms: i64) -> usize {
        self.calls
            .iter()
            .filter(|(t, _)| *t > now_ms - HOUR_MS)
            .count()
    }

    /// Dollars for the metrics requested in the last hour.
    pub fn usd_last_hour(&self, now_ms: i64) -> f64 {
        self.metrics_last_hour(now_ms) as f64 * USD_PER_METRIC
    }

    pub fn total_calls(&self) -> u64 {
        self.total_calls
    }

    pub fn total_metrics(&self) -> u64 {
        self.total_metrics
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn counts_only_the_last_hour() {
        let mut meter = CostMeter::default();
        meter.record(0, 100);
        meter.record(HOUR_MS / 2, 50);
        assert_eq!(meter.metrics_last_hour(HOUR_MS / 2), 150);
        assert_eq!(meter.metrics_last_hour(HOUR_MS + 1), 50);
        meter.record(2 * HOUR_MS, 10);
        assert_eq!(meter.calls_last_hour(2 * HOUR_MS), 1);
        assert_eq!(meter.total_metrics(), 160);
        assert!((meter.usd_last_hour(2 * HOUR_MS) - 0.0001).abs() < 1e-12);
    }
}
