//! A CloudWatch metric alarm in state ALARM (`DescribeAlarms`), reduced to what the health
//! board shows and matches on: the metrics it watches and why it fired.

use std::collections::BTreeMap;

/// One metric an alarm watches: a plain metric alarm has one; a metric-math alarm names
/// one per `MetricStat` query.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AlarmMetric {
    pub namespace: String,
    pub name: String,
    /// Name → value, e.g. `QueueName` → `orders`.
    pub dimensions: BTreeMap<String, String>,
}

#[derive(Debug, Clone, PartialEq)]
pub struct Alarm {
    pub name: String,
    pub arn: String,
    pub metrics: Vec<AlarmMetric>,
    /// `StateReason`: CloudWatch's sentence on the datapoints that crossed the threshold.
    pub reason: String,
    /// `StateUpdatedTimestamp` (ms since the epoch): since when it is in ALARM.
    pub state_updated_ms: Option<i64>,
    pub threshold: Option<f64>,
}

impl Alarm {
    /// The value of dimension `dimension` of a metric in `namespace` this alarm watches.
    pub fn dimension(&self, namespace: &str, dimension: &str) -> Option<&str> {
        self.metrics
            .iter()
            .filter(|m| m.namespace == namespace)
            .find_map(|m| m.dimensions.get(dimension))
            .map(String::as_str)
    }

    /// The metric's name as a row shows it (the first one of a metric-math alarm).
    pub fn metric_label(&self) -> &str {
        self.metrics.first().map(|m| m.name.as_str()).unwrap_or("")
    }
}
