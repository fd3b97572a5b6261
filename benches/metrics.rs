//! What the metrics engine costs: GetMetricData calls and metrics requested per refresh
//! for 10, 100 and 1,000 resources on screen (the first refresh, a refresh inside the
//! period, and the steady refresh a period later), and the engine's memory over 10,000
//! simulated refreshes (it must stay flat: series are pruned by age).
//!
//! Run: `cargo bench --bench metrics` (prints figures; it asserts nothing). Under
//! `cargo test --all-targets` it is only compiled and says it skipped.

use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::{Instant, SystemTime, UNIX_EPOCH};

use async_trait::async_trait;
use squall::aws::ApiError;
use squall::aws::cloudwatch::{MetricQuery, MetricSeries, MetricSource};
use squall::metrics::{MetricsEngine, Resource, Window};
use squall::sim::{ManualClock, SimFleet, SimMetrics};

struct Counting {
    inner: SimMetrics,
    calls: AtomicUsize,
}

#[async_trait]
impl MetricSource for Counting {
    async fn get_metric_data(
        &self,
        queries: &[MetricQuery],
        start_ms: i64,
        end_ms: i64,
    ) -> Result<Vec<MetricSeries>, ApiError> {
        self.calls.fetch_add(1, Ordering::SeqCst);
        self.inner.get_metric_data(queries, start_ms, end_ms).await
    }
}

fn now_ms() -> i64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map(|d| d.as_millis() as i64)
        .unwrap_or(0)
}

fn setup(count: usize) -> (Arc<ManualClock>, Counting, Vec<Resource>) {
    let start = now_ms();
    let clock = Arc::new(ManualClock::at_ms(start));
    let fleet = SimFleet::with_queue_count(count, 1000).on_clock(clock.clone());
    let source = Counting {
        inner: SimMetrics::new(Arc::new(fleet)),
        calls: AtomicUsize::new(0),
    };
    let resources = (0..count)
        .map(|i| Resource::Queue(format!("bulk-{i:05}")))
        .collect();
    (clock, source, resources)
}

/// Resident memory of this process in KiB (Linux), for a second opinion on the points.
fn rss_kib() -> Option<u64> {
    let statm = std::fs::read_to_string("/proc/self/statm").ok()?;
    let pages: u64 = statm.split_whitespace().nth(1)?.parse().ok()?;
    Some(pages * 4)
}

async fn per_refresh() {
    println!("GetMetricData per refresh (queues on screen, 8 metrics each, window 1h)");
    println!(
        "resources  first: calls metrics  inside period: calls  next period: calls metrics  $/hour at 1 refresh/min"
    );
    for count in [10usize, 100, 1000] {
        let (clock, source, resources) = setup(count);
        let mut engine = MetricsEngine::new(Window::H1);
        let start = clock.now();
        let first = engine.refresh(&source, &resources, start).await;
        let inside = engine.refresh(&source, &resources, start + 20_000).await;
        clock.set_ms(start + 60_000);
        let next = engine.refresh(&source, &resources, start + 60_000).await;
        let hourly = next.metrics_requested as f64 * 60.0 * squall::metrics::cost::USD_PER_METRIC;
        println!(
            "{count:>9}  {:>12} {:>7}  {:>20}  {:>17} {:>7}  ${hourly:.4}",
            first.calls, first.metrics_requested, inside.calls, next.calls, next.metrics_requested
        );
        assert_eq!(
            source.calls.load(Ordering::SeqCst),
            first.calls + next.calls
        );
    }
}

async fn memory() {
    println!(
        "\nmemory over 10,000 refreshes (100 queues, window 15m, a refresh a minute, 12 live counts between)"
    );
    let (clock, source, resources) = setup(100);
    let mut engine = MetricsEngine::new(Window::M15);
    let mut now = clock.now();
    let started = Instant::now();
    for i in 1..=10_000u64 {
        now += 60_000;
        clock.set_ms(now);
        engine.refresh(&source, &resources, now).await;
        for s in 0..12 {
            for r in resources.iter().take(20) {
                engine.record_counts(r.name(), i % 50, 1, now + s * 5000);
            }
        }
        if [10, 100, 1_000, 5_000, 10_000].contains(&i) {
            let (tracked, points) = engine.footprint();
            println!(
                "after {i:>6} refreshes: {tracked} resources, {points:>6} points held, rss {} KiB",
                rss_kib().map_or("?".to_string(), |k| k.to_string())
            );
        }
    }
    println!("({:.1} s)", started.elapsed().as_secs_f64());
}

trait Now {
    fn now(&self) -> i64;
}

impl Now for ManualClock {
    fn now(&self) -> i64 {
        use squall::sim::Clock;
        self.now_ms()
    }
}

fn main() {
    if !std::env::args().any(|a| a == "--bench") {
        println!(
            "metrics bench: skipped (not run under `cargo bench`); use `cargo bench --bench metrics`"
        );
        return;
    }
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .expect("runtime");
    runtime.block_on(async {
        per_refresh().await;
        memory().await;
    });
}
