//! The engine over the simulated world: batching, once per period, newest points only,
//! windows, live counts, memory, and a source that is unavailable.

use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::Duration;

use async_trait::async_trait;

use super::super::*;
use crate::aws::ApiError;
use crate::aws::cloudwatch::{MetricQuery, MetricSeries, MetricSource, NoMetrics};
use crate::sim::{ManualClock, SimFleet, SimMetrics};

/// Counts calls and remembers each call's range, around a real source.
struct Counting {
    inner: SimMetrics,
    calls: AtomicUsize,
    ranges: std::sync::Mutex<Vec<(i64, i64, usize)>>,
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
        self.ranges
            .lock()
            .expect("lock")
            .push((start_ms, end_ms, queries.len()));
        self.inner.get_metric_data(queries, start_ms, end_ms).await
    }
}

const START_MS: i64 = 1_800_000_000_000;

fn demo() -> (Arc<ManualClock>, Counting) {
    let clock = Arc::new(ManualClock::at_ms(START_MS));
    let fleet = Arc::new(SimFleet::demo_with(7, clock.clone()));
    let source = Counting {
        inner: SimMetrics::new(fleet),
        calls: AtomicUsize::new(0),
        ranges: std::sync::Mutex::new(Vec::new()),
    };
    (clock, source)
}

fn demo_resources() -> Vec<Resource> {
    vec![
        Resource::Queue("orders".into()),
        Resource::Dlq("orders-dlq".into()),
        Resource::Function("orders-worker".into()),
        Resource::FifoQueue("payments.fifo".into()),
        Resource::Function("payments-processor".into()),
        Resource::Topic("order-events".into()),
    ]
}

#[tokio::test]
async fn one_call_serves_every_resource_on_screen_and_is_not_repeated_inside_a_period() {
    let (clock, source) = demo();
    let mut engine = MetricsEngine::new(Window::H1);
    let wanted = demo_resources();
    let report = engine.refresh(&source, &wanted, START_MS).await;
    assert_eq!(report.calls, 1);
    assert!(report.errors.is_empty(), "{:?}", report.errors);
    assert_eq!(source.calls.load(Ordering::SeqCst), 1);
    assert_eq!(engine.availability(&wanted[0]), Availability::Ready);
    let depth = engine.series(&wanted[0], "visible").expect("orders depth");
    assert!(
        depth.points().count() >= 50,
        "an hour of backfilled minutes"
    );
    let invocations = engine
        .series(&wanted[2], "invocations")
        .expect("invocations");
    assert!(invocations.points().count() > 0);

    // 30 s later: inside the period, nothing is asked.
    clock.advance(Duration::from_secs(30));
    let report = engine.refresh(&source, &wanted, START_MS + 30_000).await;
    assert_eq!((report.calls, report.metrics_requested), (0, 0));
    assert_eq!(source.calls.load(Ordering::SeqCst), 1);

    // A period later: one call again, for the newest minutes only.
    clock.advance(Duration::from_secs(30));
    let report = engine.refresh(&source, &wanted, START_MS + 60_000).await;
    assert_eq!(report.calls, 1);
    let ranges = source.ranges.lock().expect("lock").clone();
    let (start, end, _) = ranges[1];
    assert!(
        end - start <= 7 * 60_000,
        "a refresh asks for the newest few minutes, not the hour: {}",
        end - start
    );
    assert_eq!(engine.cost().total_calls(), 2);
    assert_eq!(
        engine.cost().metrics_last_hour(START_MS + 60_000),
        2 * report.metrics_requested
    );
}

#[tokio::test]
async fn the_error_rate_is_errors_over_invocations_in_the_same_call() {
    let (_clock, source) = demo();
    let mut engine = MetricsEngine::new(Window::H1);
    let function = Resource::Function("orders-worker".into());
    engine
        .refresh(&source, std::slice::from_ref(&function), START_MS)
        .await;
    let errors: Vec<_> = engine
        .series(&function, "errors")
        .expect("errors")
        .points()
        .collect();
    let invocations: Vec<_> = engine
        .series(&function, "invocations")
        .expect("invocations")
        .points()
        .collect();
    let rate: Vec<_> = engine
        .series(&function, "error_rate")
        .expect("rate")
        .points()
        .collect();
    assert!(!rate.is_empty());
    for (t, r) in rate {
        let e = errors.iter().find(|p| p.0 == t).expect("errors at t").1;
        let i = invocations
            .iter()
            .find(|p| p.0 == t)
            .expect("invocations at t")
            .1;
        assert!((r - 100.0 * e / i).abs() < 1e-9);
    }
}

#[tokio::test]
async fn a_new_window_is_asked_in_full_at_its_period() {
    let (_clock, source) = demo();
    let mut engine = MetricsEngine::new(Window::M15);
    let queue = Resource::Queue("orders".into());
    engine
        .refresh(&source, std::slice::from_ref(&queue), START_MS)
        .await;
    let fifteen = engine
        .series(&queue, "visible")
        .expect("depth")
        .points()
        .count();
    assert!(fifteen <= 16, "{fifteen}");
    engine.set_window(Window::H12);
    let report = engine
        .refresh(&source, std::slice::from_ref(&queue), START_MS + 1000)
        .await;
    assert_eq!(report.calls, 1, "a window change asks at once");
    let points: Vec<_> = engine
        .series(&queue, "visible")
        .expect("depth")
        .points()
        .collect();
    assert!(
        points.windows(2).all(|w| w[1].0 - w[0].0 >= 300_000),
        "5-minute periods"
    );
}

#[tokio::test]
async fn live_counts_extend_tracked_queues_only() {
    let (_clock, source) = demo();
    let mut engine = MetricsEngine::new(Window::H1);
    let queue = Resource::Queue("orders".into());
    engine
        .refresh(&source, std::slice::from_ref(&queue), START_MS)
        .await;
    engine.record_counts("orders", 4321, 12, START_MS + 5000);
    engine.record_counts("not-on-screen", 1, 1, START_MS + 5000);
    let depth = engine.series(&queue, "visible").expect("depth");
    assert_eq!(
        depth.live_points().collect::<Vec<_>>(),
        vec![(START_MS + 5000, 4321.0)]
    );
    assert_eq!(depth.latest(), Some((START_MS + 5000, 4321.0)));
    assert!(
        engine
            .series(&Resource::Queue("not-on-screen".into()), "visible")
            .is_none()
    );
}

#[tokio::test]
async fn unavailable_metrics_are_said_per_resource_and_keep_live_counts() {
    let mut engine = MetricsEngine::new(Window::H1);
    let queue = Resource::Queue("orders".into());
    let report = engine
        .refresh(&NoMetrics, std::slice::from_ref(&queue), START_MS)
        .await;
    assert_eq!(report.errors.len(), 1);
    match engine.availability(&queue) {
        Availability::Failed(e) => assert!(e.is_unavailable(), "{e}"),
        other => panic!("{other:?}"),
    }
    assert_eq!(
        engine.cost().metrics_last_hour(START_MS),
        0,
        "no answer, no bill"
    );
    engine.record_counts("orders", 5, 0, START_MS + 1000);
    assert_eq!(
        engine.series(&queue, "visible").and_then(Series::latest),
        Some((START_MS + 1000, 5.0))
    );
}

#[tokio::test]
async fn memory_stays_flat_over_many_refreshes() {
    let (clock, source) = demo();
    let mut engine = MetricsEngine::new(Window::M15);
    let wanted = demo_resources();
    let mut now = START_MS;
    let mut footprints = Vec::new();
    for i in 0..45 {
        now += 60_000;
        clock.set_ms(now);
        engine.refresh(&source, &wanted, now).await;
        for s in 0..12 {
            engine.record_counts("orders", i, 0, now + s * 5000);
        }
        footprints.push(engine.footprint());
    }
    let (resources, points) = footprints[footprints.len() - 1];
    assert_eq!(resources, wanted.len());
    let early = footprints[20].1;
    assert!(
        points <= early + early / 10,
        "points grew: {early} → {points}"
    );
}

#[tokio::test]
async fn resources_off_screen_for_long_are_forgotten() {
    let (_clock, source) = demo();
    let mut engine = MetricsEngine::new(Window::H1);
    engine.refresh(&source, &demo_resources(), START_MS).await;
    let only = [Resource::Queue("orders".into())];
    engine.refresh(&source, &only, START_MS + 11 * 60_000).await;
    assert_eq!(engine.footprint().0, 1);
}

/// An endpoint without metric math (as LocalStack answers: HTTP 500).
struct NoMath(Counting);

#[async_trait]
impl MetricSource for NoMath {
    async fn get_metric_data(
        &self,
        queries: &[MetricQuery],
        start_ms: i64,
        end_ms: i64,
    ) -> Result<Vec<MetricSeries>, ApiError> {
        if queries
            .iter()
            .any(|q| matches!(q.kind, crate::aws::cloudwatch::QueryKind::Expression { .. }))
        {
            self.0.calls.fetch_add(1, Ordering::SeqCst);
            return Err(ApiError::server("GetMetricData", "'MetricStat'").with_status(500));
        }
        self.0.get_metric_data(queries, start_ms, end_ms).await
    }
}

#[tokio::test]
async fn without_metric_math_the_ratio_is_computed_from_the_same_call() {
    let (clock, source) = demo();
    let source = NoMath(source);
    let mut engine = MetricsEngine::new(Window::H1);
    let function = Resource::Function("orders-worker".into());
    let report = engine
        .refresh(&source, std::slice::from_ref(&function), START_MS)
        .await;
    assert!(report.errors.is_empty(), "{:?}", report.errors);
    assert_eq!(report.calls, 2, "refused with math, answered without");
    assert!(engine.math_refused().is_some());
    let points =
        |key| -> Vec<(i64, f64)> { engine.series(&function, key).expect(key).points().collect() };
    let (errors, invocations, rate) = (
        points("errors"),
        points("invocations"),
        points("error_rate"),
    );
    assert!(!rate.is_empty());
    for (t, r) in &rate {
        let e = errors.iter().find(|p| p.0 == *t).expect("errors").1;
        let i = invocations
            .iter()
            .find(|p| p.0 == *t)
            .expect("invocations")
            .1;
        assert_eq!(*r, 100.0 * e / i);
    }
    clock.advance(Duration::from_secs(60));
    let report = engine
        .refresh(&source, std::slice::from_ref(&function), START_MS + 60_000)
        .await;
    assert_eq!(report.calls, 1, "math is not offered again");
}

/// An endpoint that refuses metric math and remembers what it was found to do, as the SDK
/// source does: counts calls made with math, and those made with a single attempt.
struct RefusesMath {
    inner: Counting,
    math: crate::aws::metric_math::MathSupport,
    with_math: AtomicUsize,
    single_attempt: AtomicUsize,
}

#[async_trait]
impl MetricSource for RefusesMath {
    async fn get_metric_data(
        &self,
        queries: &[MetricQuery],
        start_ms: i64,
        end_ms: i64,
    ) -> Result<Vec<MetricSeries>, ApiError> {
        if queries
            .iter()
            .any(|q| matches!(q.kind, crate::aws::cloudwatch::QueryKind::Expression { .. }))
        {
            self.with_math.fetch_add(1, Ordering::SeqCst);
            // Let calls made side by side overlap, as over a network.
            tokio::task::yield_now().await;
            return Err(ApiError::server("GetMetricData", "'MetricStat'").with_status(500));
        }
        self.inner.get_metric_data(queries, start_ms, end_ms).await
    }

    async fn get_metric_data_once(
        &self,
        queries: &[MetricQuery],
        start_ms: i64,
        end_ms: i64,
    ) -> Result<Vec<MetricSeries>, ApiError> {
        self.single_attempt.fetch_add(1, Ordering::SeqCst);
        self.get_metric_data(queries, start_ms, end_ms).await
    }

    fn math_support(&self) -> Option<&crate::aws::metric_math::MathSupport> {
        Some(&self.math)
    }
}

#[tokio::test]
async fn a_refusal_of_metric_math_is_decided_once_per_endpoint() {
    let (_clock, inner) = demo();
    let source = RefusesMath {
        inner,
        math: Default::default(),
        with_math: AtomicUsize::new(0),
        single_attempt: AtomicUsize::new(0),
    };
    let functions = [
        Resource::Function("orders-worker".into()),
        Resource::Function("payments-processor".into()),
    ];
    // Two engines on the same endpoint (the CLI, a view, the health board), each with a
    // call carrying math, side by side.
    let (mut first, mut second) = (
        MetricsEngine::new(Window::H1),
        MetricsEngine::new(Window::H1),
    );
    let first_batches = first.plan(&functions[..1], START_MS);
    let second_batches = second.plan(&functions[1..], START_MS);
    assert!(first_batches[0].has_expressions() && second_batches[0].has_expressions());
    let (a, b) = futures::join!(
        fetch(&source, first_batches[0].clone()),
        fetch(&source, second_batches[0].clone())
    );
    assert_eq!(
        source.with_math.load(Ordering::SeqCst),
        1,
        "math asked once"
    );
    assert_eq!(
        source.single_attempt.load(Ordering::SeqCst),
        1,
        "without retries"
    );
    assert!(source.math.refusal().is_some());
    assert_eq!((a.calls, b.calls), (2, 1));
    assert!(a.result.is_ok() && b.result.is_ok());
    assert!(a.math_refused.is_some() && b.math_refused.is_some());
    first.apply(a, START_MS);
    second.apply(b, START_MS);
    assert!(
        second.math_refused().is_some(),
        "the engine learns it from the endpoint"
    );
    assert!(
        !second
            .series(&functions[1], "error_rate")
            .expect("ratio")
            .is_empty()
    );
    // A new engine plans with math, and the endpoint answers without asking.
    let mut third = MetricsEngine::new(Window::H1);
    let report = third.refresh(&source, &functions[..1], START_MS).await;
    assert!(report.errors.is_empty(), "{:?}", report.errors);
    assert_eq!(report.calls, 1);
    assert_eq!(source.with_math.load(Ordering::SeqCst), 1);
}
