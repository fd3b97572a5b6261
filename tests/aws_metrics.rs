//! The metrics engine, `squall metrics` against LocalStack's CloudWatch: metrics put with
//! past timestamps (so the data is known) read back through the SDK source; one
//! GetMetricData call serves many resources; nothing is asked again inside a period; the
//! error rate is Errors / Invocations; LocalStack's own AWS/SQS metrics appear.
//!
//! LocalStack (2026.3, CloudWatch v2) answers a call holding a metric math expression with
//! HTTP 500 (`'MetricStat'`), and moto's parser knows bare ids only: the engine then asks
//! once more without the math and computes the ratio from the same call's inputs. The math
//! itself is exercised against the simulated world (src/metrics/engine_tests.rs).

mod support;

use std::collections::BTreeMap;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use async_trait::async_trait;
use aws_sdk_cloudwatch::types::{Dimension, MetricDatum};
use aws_smithy_types::DateTime;
use serde_json::Value;
use squall::aws::ApiError;
use squall::aws::cloudwatch::{MetricQuery, MetricSeries, MetricSource, SdkMetrics};
use squall::metrics::{Availability, MetricsEngine, Resource, Window};
use support::*;

/// Counts the calls made through a real source.
struct Counting {
    inner: SdkMetrics,
    calls: AtomicUsize,
    queries: AtomicUsize,
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
        self.queries.fetch_add(queries.len(), Ordering::SeqCst);
        self.inner.get_metric_data(queries, start_ms, end_ms).await
    }

    async fn get_metric_data_once(
        &self,
        queries: &[MetricQuery],
        start_ms: i64,
        end_ms: i64,
    ) -> Result<Vec<MetricSeries>, ApiError> {
        self.calls.fetch_add(1, Ordering::SeqCst);
        self.queries.fetch_add(queries.len(), Ordering::SeqCst);
        self.inner
            .get_metric_data_once(queries, start_ms, end_ms)
            .await
    }

    fn math_support(&self) -> Option<&squall::aws::metric_math::MathSupport> {
        self.inner.math_support()
    }
}

fn now_ms() -> i64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .expect("clock")
        .as_millis() as i64
}

/// The start of the minute `minutes_ago` minutes before `now`.
fn minute(now: i64, minutes_ago: i64) -> i64 {
    now - now.rem_euclid(60_000) - minutes_ago * 60_000
}

async fn put(
    cloudwatch: &aws_sdk_cloudwatch::Client,
    namespace: &str,
    dimension: (&str, &str),
    metric: &str,
    points: &[(i64, f64)],
) {
    let data: Vec<MetricDatum> = points
        .iter()
        .map(|(t, v)| {
            MetricDatum::builder()
                .metric_name(metric)
                .dimensions(
                    Dimension::builder()
                        .name(dimension.0)
                        .value(dimension.1)
                        .build(),
                )
                .timestamp(DateTime::from_millis(*t))
                .value(*v)
                .build()
        })
        .collect();
    cloudwatch
        .put_metric_data()
        .namespace(namespace)
        .set_metric_data(Some(data))
        .send()
        .await
        .unwrap_or_else(|e| panic!("PutMetricData {namespace} {metric}: {e:?}"));
}

/// A queue, its DLQ, a consumer function and a topic, with known past points.
struct Seeded {
    queue: String,
    dlq: String,
    function: String,
    topic: String,
    /// Minutes ago → the value put for the queue's depth, the function's invocations and
    /// errors.
    depth: Vec<(i64, f64)>,
    invocations: Vec<(i64, f64)>,
    errors: Vec<(i64, f64)>,
}

async fn seed(now: i64) -> Seeded {
    let ls = localstack();
    let (sqs, lambda, sns, cloudwatch) = (
        ls.sqs().await,
        ls.lambda().await,
        ls.sns().await,
        ls.cloudwatch().await,
    );
    let queue = unique_name("met-q");
    let dlq = format!("{queue}-dlq");
    let function = unique_name("met-fn");
    let topic = unique_name("met-t");
    let (_, dlq_arn) = create_queue(&sqs, &dlq, &[]).await;
    let (queue_url, queue_arn) = create_queue(&sqs, &queue, &[]).await;
    set_redrive(&sqs, &queue_url, &dlq_arn, 3).await;
    create_function(&lambda, &function, 128, 30, None).await;
    map_queue(&lambda, &function, &queue_arn, 10, true).await;
    create_topic(&sns, &topic, &[]).await;

    let at = |points: &[(i64, f64)]| {
        points
            .iter()
            .map(|(ago, v)| (minute(now, *ago), *v))
            .collect::<Vec<_>>()
    };
    let depth: Vec<(i64, f64)> = (2..=10)
        .map(|ago| (ago, (11 - ago) as f64 * 100.0))
        .collect();
    let invocations: Vec<(i64, f64)> = (2..=10).map(|ago| (ago, 20.0)).collect();
    let errors: Vec<(i64, f64)> = (2..=10).map(|ago| (ago, (ago % 4) as f64)).collect();
    put(
        &cloudwatch,
        "AWS/SQS",
        ("QueueName", &queue),
        "ApproximateNumberOfMessagesVisible",
        &at(&depth),
    )
    .await;
    put(
        &cloudwatch,
        "AWS/SQS",
        ("QueueName", &dlq),
        "ApproximateNumberOfMessagesVisible",
        &at(&[(3, 7.0)]),
    )
    .await;
    put(
        &cloudwatch,
        "AWS/Lambda",
        ("FunctionName", &function),
        "Invocations",
        &at(&invocations),
    )
    .await;
    put(
        &cloudwatch,
        "AWS/Lambda",
        ("FunctionName", &function),
        "Errors",
        &at(&errors),
    )
    .await;
    put(
        &cloudwatch,
        "AWS/SNS",
        ("TopicName", &topic),
        "NumberOfMessagesPublished",
        &at(&[(4, 42.0)]),
    )
    .await;
    Seeded {
        queue,
        dlq,
        function,
        topic,
        depth,
        invocations,
        errors,
    }
}

fn values(engine: &MetricsEngine, resource: &Resource, key: &str) -> BTreeMap<i64, f64> {
    engine
        .series(resource, key)
        .map(|s| s.points().collect())
        .unwrap_or_default()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn one_call_reads_back_every_resource_with_the_error_rate_and_not_again_inside_a_period() {
    let now = now_ms();
    let seeded = seed(now).await;
    let source = Counting {
        inner: SdkMetrics::new(localstack().cloudwatch().await),
        calls: AtomicUsize::new(0),
        queries: AtomicUsize::new(0),
    };
    let queue = Resource::Queue(seeded.queue.clone());
    let dlq = Resource::Dlq(seeded.dlq.clone());
    let function = Resource::Function(seeded.function.clone());
    let topic = Resource::Topic(seeded.topic.clone());
    let wanted = [queue.clone(), dlq.clone(), function.clone(), topic.clone()];
    let mut engine = MetricsEngine::new(Window::H1);
    let report = engine.refresh(&source, &wanted, now).await;
    assert!(report.errors.is_empty(), "{:?}", report.errors);
    // One call for four resources; LocalStack refuses its metric math, so once more
    // without the expression.
    let first_calls = source.calls.load(Ordering::SeqCst);
    assert!(
        first_calls == 1 || (first_calls == 2 && engine.math_refused().is_some()),
        "{first_calls} calls"
    );
    let queries = source.queries.load(Ordering::SeqCst);
    assert_eq!(queries, 8 + 3 + 7 + 8 + (first_calls - 1) * (8 + 3 + 6 + 8));
    for resource in &wanted {
        assert_eq!(
            engine.availability(resource),
            Availability::Ready,
            "{resource}"
        );
    }

    let depth = values(&engine, &queue, "visible");
    for (ago, v) in &seeded.depth {
        assert_eq!(
            depth.get(&minute(now, *ago)),
            Some(v),
            "depth {ago} min ago: {depth:?}"
        );
    }
    assert_eq!(
        values(&engine, &dlq, "visible").get(&minute(now, 3)),
        Some(&7.0)
    );
    assert_eq!(
        values(&engine, &topic, "published").get(&minute(now, 4)),
        Some(&42.0)
    );
    let invocations = values(&engine, &function, "invocations");
    assert_eq!(
        invocations.len(),
        seeded.invocations.len(),
        "{invocations:?}"
    );
    let rate = values(&engine, &function, "error_rate");
    for (ago, e) in &seeded.errors {
        let expected = 100.0 * e / 20.0;
        let got = rate.get(&minute(now, *ago)).copied();
        assert_eq!(got, Some(expected), "error rate {ago} min ago: {rate:?}");
    }

    // Inside the period: nothing asked. A period on: one call again.
    let report = engine.refresh(&source, &wanted, now + 30_000).await;
    assert_eq!(report.calls, 0);
    assert_eq!(source.calls.load(Ordering::SeqCst), first_calls);
    engine.refresh(&source, &wanted, now + 60_000).await;
    assert_eq!(source.calls.load(Ordering::SeqCst), first_calls + 1);
    assert_eq!(
        engine.cost().metrics_last_hour(now + 60_000),
        2 * (8 + 3 + 6 + 8)
    );
    // The endpoint remembers: a new engine asks once, without the math.
    if first_calls == 2 {
        let math = source.math_support().expect("the SDK source remembers");
        assert_eq!(math.known(), Some(false));
        let mut other = MetricsEngine::new(Window::H1);
        let calls_before = source.calls.load(Ordering::SeqCst);
        let report = other.refresh(&source, &wanted, now).await;
        assert!(report.errors.is_empty(), "{:?}", report.errors);
        assert_eq!(source.calls.load(Ordering::SeqCst) - calls_before, 1);
        assert!(other.math_refused().is_some());
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_cli_prints_a_queue_with_its_dlq_and_consumer() {
    let now = now_ms();
    let seeded = seed(now).await;
    let (json, _) = run_squall(localstack(), &["metrics", &seeded.queue, "--json"]).await;
    let value: Value = serde_json::from_str(&json).expect("JSON");
    let series = value["series"].as_array().expect("series");
    let find = |name: &str, key: &str| {
        series
            .iter()
            .find(|s| s["resource"]["name"] == name && s["key"] == key)
            .unwrap_or_else(|| panic!("{name} {key} in {json}"))
    };
    let depth = find(&seeded.queue, "visible");
    assert_eq!(depth["namespace"], "AWS/SQS");
    assert_eq!(depth["dimensions"]["QueueName"], seeded.queue.as_str());
    assert_eq!(depth["stat"], "Maximum");
    assert_eq!(depth["period"], 60);
    let cloud: Vec<f64> = depth["points"]
        .as_array()
        .expect("points")
        .iter()
        .filter(|p| p.get("live").is_none())
        .map(|p| p["v"].as_f64().expect("v"))
        .collect();
    assert!(cloud.contains(&900.0) && cloud.contains(&100.0), "{depth}");
    assert!(
        depth["points"]
            .as_array()
            .expect("points")
            .iter()
            .any(|p| p["live"] == true),
        "the live count from GetQueueAttributes: {depth}"
    );
    let rate = find(&seeded.function, "error_rate");
    assert!(
        !rate["points"].as_array().expect("points").is_empty(),
        "{rate}"
    );
    find(&seeded.dlq, "visible");
    assert_eq!(value["unavailable"], Value::Array(Vec::new()));

    let (table, _) = run_squall(localstack(), &["metrics", &seeded.function]).await;
    assert!(
        table.contains(&format!("{} error rate", seeded.function)),
        "{table}"
    );
    let (table, _) = run_squall(localstack(), &["metrics", &seeded.topic, "--since", "15m"]).await;
    assert!(
        table.contains("published") && table.contains("42"),
        "{table}"
    );
}

/// LocalStack publishes AWS/SQS metrics itself (every 60 s in these tests): a queue with
/// messages shows its depth without anything put by hand.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn localstacks_own_sqs_metrics_appear() {
    let ls = localstack();
    let sqs = ls.sqs().await;
    let name = unique_name("met-own");
    let (url, _) = create_queue(&sqs, &name, &[]).await;
    send_messages(&sqs, &url, 5).await;
    let source = SdkMetrics::new(ls.cloudwatch().await);
    let queue = Resource::Queue(name.clone());
    let found = wait_until(Duration::from_secs(150), || {
        let (source, queue) = (&source, queue.clone());
        async move {
            let mut engine = MetricsEngine::new(Window::M15);
            engine
                .refresh(source, std::slice::from_ref(&queue), now_ms() + 60_000)
                .await;
            engine
                .series(&queue, "visible")
                .is_some_and(|s| s.points().any(|(_, v)| v == 5.0))
        }
    })
    .await;
    assert!(found, "no AWS/SQS depth of 5 for {name} within 150 s");
}
