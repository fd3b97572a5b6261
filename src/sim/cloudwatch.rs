//! `GetMetricData` over the simulated world's one-minute rings, behind the same trait as
//! CloudWatch: AWS/SQS by QueueName, AWS/Lambda by FunctionName, AWS/SNS by TopicName,
//! aggregated to the asked period with the asked statistic, and metric math expressions.
//! A metric the world does not have returns no points, as CloudWatch does.

use std::collections::BTreeMap;
use std::sync::Arc;

use async_trait::async_trait;

use super::fleet::SimFleet;
use super::metric_math;
use super::metrics::{FunctionPoint, QueuePoint, TopicPoint};
use crate::aws::ApiError;
use crate::aws::cloudwatch::{
    MetricQuery, MetricSeries, MetricSource, QueryKind, StatSpec, check_query_count,
};

pub struct SimMetrics {
    fleet: Arc<SimFleet>,
}

impl SimMetrics {
    pub fn new(fleet: Arc<SimFleet>) -> SimMetrics {
        SimMetrics { fleet }
    }

    /// One-minute values of a stat's metric: `(minute start ms, value)`.
    fn minute_values(&self, spec: &StatSpec) -> Vec<(i64, f64)> {
        let dimension = |name: &str| spec.dimensions.get(name).map(String::as_str);
        match (spec.namespace.as_str(), spec.dimensions.len()) {
            ("AWS/SQS", 1) => dimension("QueueName")
                .and_then(|q| self.fleet.queue_metrics(q))
                .map(|points| pick(&points, |p| queue_value(p, &spec.metric)))
                .unwrap_or_default(),
            ("AWS/Lambda", 1) => dimension("FunctionName")
                .and_then(|f| self.fleet.function_metrics(f))
                .map(|points| pick(&points, |p| function_value(p, &spec.metric, &spec.stat)))
                .unwrap_or_default(),
            ("AWS/SNS", 1) => dimension("TopicName")
                .and_then(|t| self.fleet.topic_metrics(t))
                .map(|points| pick(&points, |p| topic_value(p, &spec.metric)))
                .unwrap_or_default(),
            _ => Vec::new(),
        }
    }
}

fn pick<P>(points: &[P], value: impl Fn(&P) -> Option<(i64, f64)>) -> Vec<(i64, f64)> {
    points.iter().filter_map(value).collect()
}

fn queue_value(p: &QueuePoint, metric: &str) -> Option<(i64, f64)> {
    let v = match metric {
        "ApproximateNumberOfMessagesVisible" => p.visible,
        "ApproximateNumberOfMessagesNotVisible" => p.in_flight,
        "ApproximateNumberOfMessagesDelayed" => p.delayed,
        "ApproximateAgeOfOldestMessage" => p.age_of_oldest_s,
        "ApproximateNumberOfGroupsWithInflightMessages" => p.groups_in_flight,
        "NumberOfMessagesSent" => p.sent,
        "NumberOfMessagesReceived" => p.received,
        "NumberOfMessagesDeleted" => p.deleted,
        "NumberOfEmptyReceives" => p.empty_receives,
        _ => return None,
    };
    Some((p.minute_ms, v as f64))
}

fn function_value(p: &FunctionPoint, metric: &str, stat: &str) -> Option<(i64, f64)> {
    let v = match metric {
        "Invocations" => p.invocations as f64,
        "Errors" => p.errors as f64,
        "Throttles" => p.throttles as f64,
        "Duration" if stat == "Maximum" => p.duration_max_ms,
        "Duration" => p.duration_avg_ms,
        "ConcurrentExecutions" => p.concurrent_executions,
        "DeadLetterErrors" => p.dead_letter_errors? as f64,
        "DestinationDeliveryFailures" => p.destination_delivery_failures? as f64,
        _ => return None,
    };
    Some((p.minute_ms, v))
}

fn topic_value(p: &TopicPoint, metric: &str) -> Option<(i64, f64)> {
    let v = match metric {
        "NumberOfMessagesPublished" => p.published,
        "NumberOfNotificationsDelivered" => p.delivered,
        "NumberOfNotificationsFailed" => p.failed,
        "NumberOfNotificationsFilteredOut" => p.filtered_out,
        "NumberOfNotificationsRedrivenToDlq" => p.redriven_to_dlq,
        "NumberOfNotificationsFailedToRedriveToDlq" => p.failed_to_redrive_to_dlq,
        _ => return None,
    };
    Some((p.minute_ms, v as f64))
}

/// Minute values folded into `period_s` buckets with `stat`, within `[start, end)`.
fn aggregate(
    values: &[(i64, f64)],
    stat: &str,
    period_s: u32,
    start: i64,
    end: i64,
) -> Vec<(i64, f64)> {
    let period_ms = i64::from(period_s.max(60)) * 1000;
    let mut buckets: BTreeMap<i64, Vec<f64>> = BTreeMap::new();
    for &(t, v) in values {
        if t >= start && t < end {
            buckets
                .entry(t - t.rem_euclid(period_ms))
                .or_default()
                .push(v);
        }
    }
    buckets
        .into_iter()
        .map(|(t, vs)| {
            let v = match stat {
                "Sum" => vs.iter().sum(),
                "Maximum" => vs.iter().copied().fold(f64::MIN, f64::max),
                "Minimum" => vs.iter().copied().fold(f64::MAX, f64::min),
                "SampleCount" => vs.len() as f64,
                _ => vs.iter().sum::<f64>() / vs.len() as f64,
            };
            (t, v)
        })
        .collect()
}

#[async_trait]
impl MetricSource for SimMetrics {
    async fn get_metric_data(
        &self,
        queries: &[MetricQuery],
        start_ms: i64,
        end_ms: i64,
    ) -> Result<Vec<MetricSeries>, ApiError> {
        check_query_count(queries)?;
        let mut computed: BTreeMap<String, BTreeMap<i64, f64>> = BTreeMap::new();
        for query in queries {
            if let QueryKind::Stat(spec) = &query.kind {
                let values = self.minute_values(spec);
                let points = aggregate(&values, &spec.stat, spec.period_s, start_ms, end_ms);
                computed.insert(query.id.clone(), points.into_iter().collect());
            }
        }
        let mut out = Vec::new();
        for query in queries.iter().filter(|q| q.return_data) {
            let points = match &query.kind {
                QueryKind::Stat(_) => computed
                    .get(&query.id)
                    .map(|p| p.iter().map(|(t, v)| (*t, *v)).collect())
                    .unwrap_or_default(),
                QueryKind::Expression { expression, .. } => {
                    metric_math::evaluate(expression, &computed).map_err(|e| {
                        ApiError::client("GetMetricData", e).with_code("ValidationError")
                    })?
                }
            };
            out.push(MetricSeries {
                id: query.id.clone(),
                points,
            });
        }
        Ok(out)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn minutes_fold_into_periods_by_statistic() {
        let minutes = [(0, 1.0), (60_000, 3.0), (120_000, 5.0), (300_000, 7.0)];
        assert_eq!(
            aggregate(&minutes, "Sum", 300, 0, 600_000),
            vec![(0, 9.0), (300_000, 7.0)]
        );
        assert_eq!(
            aggregate(&minutes, "Maximum", 300, 0, 600_000),
            vec![(0, 5.0), (300_000, 7.0)]
        );
        assert_eq!(
            aggregate(&minutes, "Average", 60, 60_000, 120_000),
            vec![(60_000, 3.0)]
        );
    }
}
