//! The live problems that come from what AWS says outright rather than from series: a
//! CloudWatch alarm in ALARM on a resource squall knows, and a native redrive (move task)
//! running on a DLQ. Pure functions over what `DescribeAlarms` and `ListMessageMoveTasks`
//! returned; asking for those is paced by the caller.

use super::problem::{Affected, Kind, Problem, Severity};
use crate::domain::Alarm;
use crate::domain::message::MoveTask;
use crate::metrics::Resource;
use crate::metrics::catalog::Source;

/// A resource an alarm may be on: how the board names it and how the engine charts it.
#[derive(Debug, Clone, PartialEq)]
pub struct Alarmable {
    pub affected: Affected,
    pub resource: Resource,
}

/// The dimension that names each kind of resource in its namespace.
fn namespace_dimension(resource: &Resource) -> (&'static str, &'static str) {
    match resource {
        Resource::Function(_) | Resource::AsyncDelivery(_) => ("AWS/Lambda", "FunctionName"),
        Resource::Topic(_) => ("AWS/SNS", "TopicName"),
        _ => ("AWS/SQS", "QueueName"),
    }
}

/// Whether `alarm` watches a metric of `target` (same namespace, the naming dimension
/// equal to its name; a Lambda alarm may add `Resource` for an alias, still the function).
pub fn watches(alarm: &Alarm, target: &Alarmable) -> bool {
    let (namespace, dimension) = namespace_dimension(&target.resource);
    alarm.dimension(namespace, dimension) == Some(target.resource.name())
}

/// The series the row's sparkline draws: the alarm's own metric when the engine charts it
/// for that kind of resource, else the kind's first series.
fn series_key(resource: &Resource, metric: &str) -> Option<&'static str> {
    let defs = resource.series();
    defs.iter()
        .find(|d| matches!(d.source, Source::Metric { metric: m, .. } if m == metric))
        .or_else(|| defs.first())
        .map(|d| d.key)
}

/// An alarm in ALARM on a known resource; `since` is when it entered ALARM.
pub fn alarm_firing(target: &Alarmable, alarm: &Alarm, severity: Severity) -> Problem {
    let mut what = format!("alarm {} in ALARM", alarm.name);
    if !alarm.metric_label().is_empty() {
        what.push_str(&format!(" on {}", alarm.metric_label()));
    }
    if !alarm.reason.is_empty() {
        what.push_str(&format!(": {}", alarm.reason));
    }
    Problem {
        severity,
        resource: target.affected.clone(),
        what,
        since_ms: alarm.state_updated_ms,
        since_lower_bound: false,
        // What the alarm compares against; the reason carries the datapoints.
        value: alarm.threshold.unwrap_or(0.0),
        sparkline: series_key(&target.resource, alarm.metric_label())
            .map(|key| (target.resource.clone(), key)),
    }
}

/// Every alarm on one of `targets`, each once (on the first resource it matches). Alarms
/// on resources squall does not know are not squall's to judge.
pub fn alarm_problems(alarms: &[Alarm], targets: &[Alarmable], severity: Severity) -> Vec<Problem> {
    alarms
        .iter()
        .filter_map(|alarm| {
            let target = targets.iter().find(|t| watches(alarm, t))?;
            Some(alarm_firing(target, alarm, severity))
        })
        .collect()
}

/// A native move task running on a DLQ: not a fault, but what the on-call needs to know
/// before starting another (one active task per queue) or purging.
pub fn move_task_running(dlq: &Affected, task: &MoveTask) -> Option<Problem> {
    if task.status != "RUNNING" || dlq.kind != Kind::Dlq {
        return None;
    }
    let mut what = match task.to_move {
        Some(total) => format!("redrive running: moved {} of {total}", task.moved),
        None => format!("redrive running: moved {}", task.moved),
    };
    match &task.destination_arn {
        Some(arn) => what.push_str(&format!(" to {}", crate::domain::arn::resource_name(arn))),
        None => what.push_str(" back to their sources"),
    }
    if let Some(rate) = task.max_messages_per_second {
        what.push_str(&format!(" at {rate}/s"));
    }
    Some(Problem {
        severity: Severity::Info,
        resource: dlq.clone(),
        what,
        since_ms: task.started_ms,
        since_lower_bound: false,
        value: task.moved as f64,
        sparkline: Some((Resource::Dlq(dlq.name.clone()), "visible")),
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::AlarmMetric;

    fn target(kind: Kind, resource: Resource) -> Alarmable {
        Alarmable {
            affected: Affected {
                kind,
                name: resource.name().to_string(),
                address: format!("arn:aws:x:{}", resource.name()),
            },
            resource,
        }
    }

    fn alarm(namespace: &str, metric: &str, dimension: (&str, &str)) -> Alarm {
        Alarm {
            name: format!("{}-{metric}", dimension.1),
            arn: String::new(),
            metrics: vec![AlarmMetric {
                namespace: namespace.into(),
                name: metric.into(),
                dimensions: [(dimension.0.to_string(), dimension.1.to_string())].into(),
            }],
            reason: "Threshold Crossed: 1 datapoint [12.0] was greater than 10.0".into(),
            state_updated_ms: Some(42),
            threshold: Some(10.0),
        }
    }

    #[test]
    fn an_alarm_matches_by_namespace_and_naming_dimension_only() {
        let targets = [
            target(Kind::Dlq, Resource::Dlq("orders-dlq".into())),
            target(Kind::Topic, Resource::Topic("orders".into())),
            target(Kind::Function, Resource::Function("orders".into())),
        ];
        let alarms = [
            alarm(
                "AWS/SQS",
                "ApproximateNumberOfMessagesVisible",
                ("QueueName", "orders-dlq"),
            ),
            // Same name, other namespaces: the topic and the function, not the queue.
            alarm(
                "AWS/SNS",
                "NumberOfNotificationsFailed",
                ("TopicName", "orders"),
            ),
            alarm("AWS/Lambda", "Errors", ("FunctionName", "orders")),
            // A queue squall does not know, and a dimension that names no resource.
            alarm(
                "AWS/SQS",
                "ApproximateNumberOfMessagesVisible",
                ("QueueName", "other"),
            ),
            alarm("AWS/SQS", "NumberOfMessagesSent", ("TopicName", "orders")),
        ];
        let problems = alarm_problems(&alarms, &targets, Severity::Warning);
        let on: Vec<(Kind, &str)> = problems
            .iter()
            .map(|p| (p.resource.kind, p.resource.name.as_str()))
            .collect();
        assert_eq!(
            on,
            [
                (Kind::Dlq, "orders-dlq"),
                (Kind::Topic, "orders"),
                (Kind::Function, "orders")
            ]
        );
        assert!(problems.iter().all(|p| p.severity == Severity::Warning));
    }

    #[test]
    fn an_alarm_row_names_the_alarm_metric_reason_and_since() {
        let dlq = target(Kind::Dlq, Resource::Dlq("orders-dlq".into()));
        let a = alarm(
            "AWS/SQS",
            "ApproximateNumberOfMessagesVisible",
            ("QueueName", "orders-dlq"),
        );
        let p = alarm_firing(&dlq, &a, Severity::Critical);
        assert_eq!(
            p.what,
            "alarm orders-dlq-ApproximateNumberOfMessagesVisible in ALARM on \
             ApproximateNumberOfMessagesVisible: Threshold Crossed: 1 datapoint [12.0] was \
             greater than 10.0"
        );
        assert_eq!(p.since_ms, Some(42));
        assert_eq!(p.value, 10.0);
        assert_eq!(
            p.sparkline,
            Some((Resource::Dlq("orders-dlq".into()), "visible"))
        );
        // A metric the board does not chart still draws the resource's first series.
        let queue = target(Kind::Queue, Resource::Queue("orders".into()));
        let odd = alarm("AWS/SQS", "SentMessageSize", ("QueueName", "orders"));
        let p = alarm_firing(&queue, &odd, Severity::Critical);
        assert_eq!(
            p.sparkline,
            Some((Resource::Queue("orders".into()), "visible"))
        );
        let age = alarm(
            "AWS/SQS",
            "ApproximateAgeOfOldestMessage",
            ("QueueName", "orders"),
        );
        let p = alarm_firing(&queue, &age, Severity::Critical);
        assert_eq!(
            p.sparkline,
            Some((Resource::Queue("orders".into()), "oldest"))
        );
    }

    #[test]
    fn only_a_running_task_on_a_dlq_is_a_row_and_it_is_info() {
        let dlq = target(Kind::Dlq, Resource::Dlq("orders-dlq".into())).affected;
        let mut task = MoveTask {
            task_handle: Some("h".into()),
            source_arn: "arn:aws:sqs:us-east-1:1:orders-dlq".into(),
            destination_arn: None,
            status: "RUNNING".into(),
            max_messages_per_second: Some(2),
            moved: 30,
            to_move: Some(120),
            failure_reason: None,
            started_ms: Some(7),
        };
        let p = move_task_running(&dlq, &task).expect("a running task");
        assert_eq!(p.severity, Severity::Info);
        assert_eq!(
            p.what,
            "redrive running: moved 30 of 120 back to their sources at 2/s"
        );
        assert_eq!((p.since_ms, p.value), (Some(7), 30.0));
        task.destination_arn = Some("arn:aws:sqs:us-east-1:1:replay".into());
        task.max_messages_per_second = None;
        let p = move_task_running(&dlq, &task).expect("a running task");
        assert_eq!(p.what, "redrive running: moved 30 of 120 to replay");
        for status in ["COMPLETED", "CANCELLING", "CANCELLED", "FAILED"] {
            task.status = status.into();
            assert!(move_task_running(&dlq, &task).is_none(), "{status}");
        }
    }
}
