//! Reading metrics: CloudWatch `GetMetricData`, the one call the metrics engine needs.
//! A call carries up to 500 queries (metric stats and metric math expressions) over one
//! time range; CloudWatch bills per metric requested, not per call or point, so the engine
//! packs everything it needs now into as few calls as it can.

use std::collections::BTreeMap;

use async_trait::async_trait;
use aws_sdk_cloudwatch::types::{Dimension, Metric, MetricDataQuery, MetricStat, ScanBy};
use aws_smithy_types::DateTime;

use super::ApiError;
use super::metric_math::MathSupport;

use super::permissions::{Access, Capability, Permission};

/// `GetMetricData` has no resource type in IAM: it stays on `"*"`.
pub const PERMISSIONS: &[Permission] = &[Permission::new(
    OPERATION,
    "cloudwatch:GetMetricData",
    Capability::Metrics,
    Access::Read,
    false,
)];

/// CloudWatch's limit of queries (stats and expressions together) in one call.
pub const MAX_QUERIES_PER_CALL: usize = 500;

const OPERATION: &str = "GetMetricData";

/// One metric, one statistic, one period: what a stat query asks for.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct StatSpec {
    pub namespace: String,
    pub metric: String,
    /// Name → value, e.g. `QueueName` → `orders`.
    pub dimensions: BTreeMap<String, String>,
    /// `Sum`, `Average`, `Maximum`, …
    pub stat: String,
    pub period_s: u32,
}

/// What one query computes.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub enum QueryKind {
    Stat(StatSpec),
    /// Metric math over the ids of other queries in the same call, e.g. `100*e/i`.
    Expression {
        expression: String,
        period_s: u32,
    },
}

/// One entry of `MetricDataQueries`. Ids are unique in a call, start with a lowercase
/// letter and hold letters, digits and underscores only.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct MetricQuery {
    pub id: String,
    pub kind: QueryKind,
    /// False for inputs of an expression that are not wanted themselves.
    pub return_data: bool,
}

/// The points CloudWatch returned for one query, oldest first.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct MetricSeries {
    pub id: String,
    /// `(epoch milliseconds, value)`.
    pub points: Vec<(i64, f64)>,
}

/// The capability: `GetMetricData` over `[start_ms, end_ms)`, every page.
#[async_trait]
pub trait MetricSource: Send + Sync {
    /// At most `MAX_QUERIES_PER_CALL` queries; more is refused before any call.
    async fn get_metric_data(
        &self,
        queries: &[MetricQuery],
        start_ms: i64,
        end_ms: i64,
    ) -> Result<Vec<MetricSeries>, ApiError>;

    /// The same, one attempt, no retries: for the first call with metric math, whose
    /// refusal (an emulator's HTTP 500) retries would only repeat.
    async fn get_metric_data_once(
        &self,
        queries: &[MetricQuery],
        start_ms: i64,
        end_ms: i64,
    ) -> Result<Vec<MetricSeries>, ApiError> {
        self.get_metric_data(queries, start_ms, end_ms).await
    }

    /// What this endpoint is known to do with metric math, when the source remembers it
    /// (a source that cannot refuse math need not).
    fn math_support(&self) -> Option<&MathSupport> {
        None
    }
}

/// The default source of a `Backend` that was given none: every call is "unavailable".
pub struct NoMetrics;

#[async_trait]
impl MetricSource for NoMetrics {
    async fn get_metric_data(
        &self,
        _queries: &[MetricQuery],
        _start_ms: i64,
        _end_ms: i64,
    ) -> Result<Vec<MetricSeries>, ApiError> {
        Err(ApiError::unavailable(
            OPERATION,
            "no metrics source on this connection",
        ))
    }
}

/// Refuses a call CloudWatch would refuse, before making it.
pub fn check_query_count(queries: &[MetricQuery]) -> Result<(), ApiError> {
    if queries.len() > MAX_QUERIES_PER_CALL {
        return Err(ApiError::client(
            OPERATION,
            format!(
                "{} queries in one call; CloudWatch takes at most {MAX_QUERIES_PER_CALL}",
                queries.len()
            ),
        ));
    }
    Ok(())
}

/// `GetMetricData` over the AWS SDK (or an emulator that speaks its protocol).
pub struct SdkMetrics {
    client: aws_sdk_cloudwatch::Client,
    math: MathSupport,
}

impl SdkMetrics {
    pub fn new(client: aws_sdk_cloudwatch::Client) -> SdkMetrics {
        SdkMetrics {
            client,
            math: MathSupport::default(),
        }
    }
}

/// The client's own retries, or `attempts` of them.
fn retry_override(attempts: Option<u32>) -> aws_sdk_cloudwatch::config::Builder {
    let builder = aws_sdk_cloudwatch::config::Builder::default();
    match attempts {
        Some(attempts) => builder.retry_config(
            aws_sdk_cloudwatch::config::retry::RetryConfig::standard().with_max_attempts(attempts),
        ),
        None => builder,
    }
}

fn sdk_query(query: &MetricQuery) -> MetricDataQuery {
    let builder = MetricDataQuery::builder()
        .id(&query.id)
        .return_data(query.return_data);
    match &query.kind {
        QueryKind::Stat(spec) => {
            let dimensions = spec
                .dimensions
                .iter()
                .map(|(name, value)| Dimension::builder().name(name).value(value).build())
                .collect();
            let metric = Metric::builder()
                .namespace(&spec.namespace)
                .metric_name(&spec.metric)
                .set_dimensions(Some(dimensions))
                .build();
            builder
                .metric_stat(
                    MetricStat::builder()
                        .metric(metric)
                        .period(i32::try_from(spec.period_s).unwrap_or(i32::MAX))
                        .stat(&spec.stat)
                        .build(),
                )
                .build()
        }
        QueryKind::Expression {
            expression,
            period_s,
        } => builder
            .expression(expression)
            .period(i32::try_from(*period_s).unwrap_or(i32::MAX))
            .build(),
    }
}

#[async_trait]
impl MetricSource for SdkMetrics {
    async fn get_metric_data(
        &self,
        queries: &[MetricQuery],
        start_ms: i64,
        end_ms: i64,
    ) -> Result<Vec<MetricSeries>, ApiError> {
        self.get(queries, start_ms, end_ms, None).await
    }

    async fn get_metric_data_once(
        &self,
        queries: &[MetricQuery],
        start_ms: i64,
        end_ms: i64,
    ) -> Result<Vec<MetricSeries>, ApiError> {
        self.get(queries, start_ms, end_ms, Some(1)).await
    }

    fn math_support(&self) -> Option<&MathSupport> {
        Some(&self.math)
    }
}

impl SdkMetrics {
    /// Every page; `attempts` overrides the client's retry attempts for this call.
    async fn get(
        &self,
        queries: &[MetricQuery],
        start_ms: i64,
        end_ms: i64,
        attempts: Option<u32>,
    ) -> Result<Vec<MetricSeries>, ApiError> {
        check_query_count(queries)?;
        if queries.is_empty() {
            return Ok(Vec::new());
        }
        let sdk_queries: Vec<MetricDataQuery> = queries.iter().map(sdk_query).collect();
        // Pages split a query's points, not only the list of queries: merge by id.
        let mut merged: BTreeMap<String, Vec<(i64, f64)>> = BTreeMap::new();
        let mut next_token: Option<String> = None;
        loop {
            let output = self
                .client
                .get_metric_data()
                .set_metric_data_queries(Some(sdk_queries.clone()))
                .start_time(DateTime::from_millis(start_ms))
                .end_time(DateTime::from_millis(end_ms))
                .scan_by(ScanBy::TimestampAscending)
                .set_next_token(next_token.take())
                .customize()
                .config_override(retry_override(attempts))
                .send()
                .await
                .map_err(|e| ApiError::from_sdk(OPERATION, e))?;
            for result in output.metric_data_results() {
                let id = result.id().unwrap_or_default().to_string();
                let points = merged.entry(id).or_default();
                for (t, v) in result.timestamps().iter().zip(result.values()) {
                    if let Ok(ms) = t.to_millis() {
                        points.push((ms, *v));
                    }
                }
            }
            match output.next_token() {
                Some(token) if !token.is_empty() => next_token = Some(token.to_string()),
                _ => break,
            }
        }
        Ok(merged
            .into_iter()
            .map(|(id, mut points)| {
                points.sort_by_key(|(t, _)| *t);
                points.dedup_by_key(|(t, _)| *t);
                MetricSeries { id, points }
            })
            .collect())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn stat(id: &str) -> MetricQuery {
        MetricQuery {
            id: id.to_string(),
            kind: QueryKind::Stat(StatSpec {
                namespace: "AWS/SQS".to_string(),
                metric: "NumberOfMessagesSent".to_string(),
                dimensions: BTreeMap::from([("QueueName".to_string(), "q".to_string())]),
                stat: "Sum".to_string(),
                period_s: 60,
            }),
            return_data: true,
        }
    }

    #[test]
    fn more_than_500_queries_are_refused_before_any_call() {
        let queries: Vec<MetricQuery> = (0..501).map(|i| stat(&format!("m{i}"))).collect();
        let error = check_query_count(&queries).expect_err("501 is too many");
        assert!(error.message.contains("501"), "{error}");
        assert!(check_query_count(&queries[..500]).is_ok());
    }

    #[test]
    fn an_sdk_query_carries_dimensions_stat_and_period() {
        let query = sdk_query(&stat("m0"));
        let metric_stat = query.metric_stat().expect("a stat query");
        assert_eq!(metric_stat.period(), Some(60));
        assert_eq!(metric_stat.stat(), Some("Sum"));
        let metric = metric_stat.metric().expect("metric");
        assert_eq!(metric.namespace(), Some("AWS/SQS"));
        assert_eq!(metric.dimensions()[0].value(), Some("q"));
        let expression = sdk_query(&MetricQuery {
            id: "r".to_string(),
            kind: QueryKind::Expression {
                expression: "100*e/i".to_string(),
                period_s: 60,
            },
            return_data: true,
        });
        assert_eq!(expression.expression(), Some("100*e/i"));
        assert!(expression.metric_stat().is_none());
    }
}
