//! `DescribeAlarms` (state ALARM) over the simulated world: its alarms are data in the
//! spec (`AlarmSpec`), stated rather than evaluated, so a demo board shows an alarm on the
//! resource that is burning the way a real account's alarm would.

use async_trait::async_trait;

use super::fleet::SimFleet;
use super::spec::AlarmSpec;
use super::world::{ACCOUNT, MINUTE_MS};
use crate::aws::ApiError;
use crate::aws::alarms::AlarmSource;
use crate::domain::{Alarm, AlarmMetric};

/// The alarm as `DescribeAlarms` reports it, in ALARM since `since_minutes` before
/// `start_ms` (the world's start).
pub(super) fn alarm(spec: &AlarmSpec, start_ms: i64, region: &str) -> Alarm {
    let (dimension, value) = &spec.dimension;
    Alarm {
        name: spec.name.clone(),
        arn: format!("arn:aws:cloudwatch:{region}:{ACCOUNT}:alarm:{}", spec.name),
        metrics: vec![AlarmMetric {
            namespace: spec.namespace.clone(),
            name: spec.metric.clone(),
            dimensions: [(dimension.clone(), value.clone())].into_iter().collect(),
        }],
        reason: spec.reason.clone(),
        state_updated_ms: Some(start_ms - spec.since_minutes * MINUTE_MS),
        threshold: Some(spec.threshold),
    }
}

#[async_trait]
impl AlarmSource for SimFleet {
    async fn alarms_in_alarm(&self) -> Result<Vec<Alarm>, ApiError> {
        Ok(self.world().alarms.clone())
    }
}
