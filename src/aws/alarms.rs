//! Reading CloudWatch alarms: `DescribeAlarms` with `StateValue=ALARM`, every page. The
//! health board matches them to the queues, topics and functions squall knows; it never
//! changes an alarm. An endpoint without the call (some emulators) answers "unavailable"
//! through the same error classification as every other call.

use std::collections::BTreeMap;

use async_trait::async_trait;
use aws_sdk_cloudwatch::types::{Dimension, MetricAlarm, StateValue};

use super::ApiError;
use crate::domain::{Alarm, AlarmMetric};

use super::permissions::{Access, Capability, Permission};

/// Alarms are listed by state, not by name: `"*"` even in a scoped policy.
pub const PERMISSIONS: &[Permission] = &[Permission::new(
    OPERATION,
    "cloudwatch:DescribeAlarms",
    Capability::Alarms,
    Access::Read,
    false,
)];

pub const OPERATION: &str = "DescribeAlarms";

/// The capability: every metric alarm in state ALARM in the account and region.
#[async_trait]
pub trait AlarmSource: Send + Sync {
    async fn alarms_in_alarm(&self) -> Result<Vec<Alarm>, ApiError>;
}

/// The default source of a `Backend` that was given none: every call is "unavailable".
pub struct NoAlarms;

#[async_trait]
impl AlarmSource for NoAlarms {
    async fn alarms_in_alarm(&self) -> Result<Vec<Alarm>, ApiError> {
        Err(ApiError::unavailable(
            OPERATION,
            "no alarms source on this connection",
        ))
    }
}

/// `DescribeAlarms` over the AWS SDK (or an emulator that speaks its protocol).
pub struct SdkAlarms {
    client: aws_sdk_cloudwatch::Client,
}

impl SdkAlarms {
    pub fn new(client: aws_sdk_cloudwatch::Client) -> SdkAlarms {
        SdkAlarms { client }
    }
}

/// A page holds at most 100 alarms (CloudWatch's maximum for `MaxRecords`).
const PAGE: i32 = 100;

#[async_trait]
impl AlarmSource for SdkAlarms {
    async fn alarms_in_alarm(&self) -> Result<Vec<Alarm>, ApiError> {
        let mut alarms = Vec::new();
        let mut next_token: Option<String> = None;
        loop {
            let output = self
                .client
                .describe_alarms()
                .state_value(StateValue::Alarm)
                .max_records(PAGE)
                .set_next_token(next_token.take())
                .send()
                .await
                .map_err(|e| ApiError::from_sdk(OPERATION, e))?;
            alarms.extend(output.metric_alarms().iter().map(alarm));
            match output.next_token() {
                Some(token) if !token.is_empty() => next_token = Some(token.to_string()),
                _ => break,
            }
        }
        Ok(alarms)
    }
}

fn dimensions(dimensions: &[Dimension]) -> BTreeMap<String, String> {
    dimensions
        .iter()
        .filter_map(|d| Some((d.name()?.to_string(), d.value()?.to_string())))
        .collect()
}

/// The SDK's alarm as squall keeps it: the plain metric, else each metric of its math.
pub fn alarm(sdk: &MetricAlarm) -> Alarm {
    let mut metrics = Vec::new();
    if let (Some(namespace), Some(name)) = (sdk.namespace(), sdk.metric_name()) {
        metrics.push(AlarmMetric {
            namespace: namespace.to_string(),
            name: name.to_string(),
            dimensions: dimensions(sdk.dimensions()),
        });
    }
    for query in sdk.metrics() {
        let Some(metric) = query.metric_stat().and_then(|s| s.metric()) else {
            continue;
        };
        if let (Some(namespace), Some(name)) = (metric.namespace(), metric.metric_name()) {
            metrics.push(AlarmMetric {
                namespace: namespace.to_string(),
                name: name.to_string(),
                dimensions: dimensions(metric.dimensions()),
            });
        }
    }
    Alarm {
        name: sdk.alarm_name().unwrap_or_default().to_string(),
        arn: sdk.alarm_arn().unwrap_or_default().to_string(),
        metrics,
        reason: sdk.state_reason().unwrap_or_default().to_string(),
        state_updated_ms: sdk
            .state_updated_timestamp()
            .and_then(|t| t.to_millis().ok()),
        threshold: sdk.threshold(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use aws_sdk_cloudwatch::types::{Metric, MetricDataQuery, MetricStat};
    use aws_smithy_types::DateTime;

    fn dimension(name: &str, value: &str) -> Dimension {
        Dimension::builder().name(name).value(value).build()
    }

    #[test]
    fn a_plain_alarm_keeps_its_metric_reason_and_since() {
        let sdk = MetricAlarm::builder()
            .alarm_name("orders-backlog")
            .alarm_arn("arn:aws:cloudwatch:us-east-1:1:alarm:orders-backlog")
            .namespace("AWS/SQS")
            .metric_name("ApproximateNumberOfMessagesVisible")
            .dimensions(dimension("QueueName", "orders"))
            .state_reason("Threshold Crossed: 1 datapoint [120.0] was greater than 100.0")
            .state_updated_timestamp(DateTime::from_millis(1_800_000_000_000))
            .threshold(100.0)
            .build();
        let alarm = alarm(&sdk);
        assert_eq!(alarm.name, "orders-backlog");
        assert_eq!(alarm.dimension("AWS/SQS", "QueueName"), Some("orders"));
        assert_eq!(alarm.dimension("AWS/SNS", "QueueName"), None);
        assert_eq!(alarm.metric_label(), "ApproximateNumberOfMessagesVisible");
        assert!(alarm.reason.starts_with("Threshold Crossed"));
        assert_eq!(alarm.state_updated_ms, Some(1_800_000_000_000));
        assert_eq!(alarm.threshold, Some(100.0));
    }

    #[test]
    fn a_metric_math_alarm_names_each_metric_it_reads() {
        let stat = |id: &str, metric: &str| {
            MetricDataQuery::builder()
                .id(id)
                .metric_stat(
                    MetricStat::builder()
                        .metric(
                            Metric::builder()
                                .namespace("AWS/Lambda")
                                .metric_name(metric)
                                .dimensions(dimension("FunctionName", "orders-worker"))
                                .build(),
                        )
                        .period(60)
                        .stat("Sum")
                        .build(),
                )
                .build()
        };
        let sdk = MetricAlarm::builder()
            .alarm_name("error-rate")
            .metrics(stat("e", "Errors"))
            .metrics(stat("i", "Invocations"))
            .metrics(
                MetricDataQuery::builder()
                    .id("r")
                    .expression("100*e/i")
                    .build(),
            )
            .build();
        let alarm = alarm(&sdk);
        assert_eq!(alarm.metrics.len(), 2, "the expression names no metric");
        assert_eq!(
            alarm.dimension("AWS/Lambda", "FunctionName"),
            Some("orders-worker")
        );
        assert_eq!(alarm.metric_label(), "Errors");
    }
}
