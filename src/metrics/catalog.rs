//! What is charted for each kind of resource: the CloudWatch metric, statistic and unit of
//! every series, and the error rate computed by metric math in the same call. The metrics
//! and their dimensions are AWS's: "Available CloudWatch metrics for Amazon SQS"
//! (<https://docs.aws.amazon.com/AWSSimpleQueueService/latest/SQSDeveloperGuide/sqs-available-cloudwatch-metrics.html>),
//! "Monitoring Amazon SNS topics using CloudWatch"
//! (<https://docs.aws.amazon.com/sns/latest/dg/sns-monitoring-using-cloudwatch.html>) and
//! "Using CloudWatch metrics with Lambda"
//! (<https://docs.aws.amazon.com/lambda/latest/dg/monitoring-metrics.html>).

use std::collections::BTreeMap;
use std::fmt;

use serde::Serialize;

/// A resource whose metrics are charted. A DLQ is charted for what matters about it
/// (depth and arrivals), so it is its own kind, not a queue with every series.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize)]
#[serde(tag = "kind", content = "name", rename_all = "snake_case")]
pub enum Resource {
    Queue(String),
    FifoQueue(String),
    Dlq(String),
    Function(String),
    Topic(String),
    /// A queue's depth alone: one metric, for the sparkline column of the tables.
    Depth(String),
    /// What a function with a DLQ or an on-failure destination failed to deliver there
    /// (`DeadLetterErrors`, `DestinationDeliveryFailures`): its own resource so that
    /// functions without a target cost no extra metric query.
    AsyncDelivery(String),
}

impl Resource {
    pub fn name(&self) -> &str {
        match self {
            Resource::Queue(n)
            | Resource::FifoQueue(n)
            | Resource::Dlq(n)
            | Resource::Function(n)
            | Resource::Topic(n)
            | Resource::Depth(n)
            | Resource::AsyncDelivery(n) => n,
        }
    }

    /// The CloudWatch dimension naming this resource.
    pub fn dimensions(&self) -> BTreeMap<String, String> {
        let name = match self {
            Resource::Queue(_) | Resource::FifoQueue(_) | Resource::Dlq(_) | Resource::Depth(_) => {
                "QueueName"
            }
            Resource::Function(_) | Resource::AsyncDelivery(_) => "FunctionName",
            Resource::Topic(_) => "TopicName",
        };
        BTreeMap::from([(name.to_string(), self.name().to_string())])
    }

    pub fn namespace(&self) -> &'static str {
        match self {
            Resource::Queue(_) | Resource::FifoQueue(_) | Resource::Dlq(_) | Resource::Depth(_) => {
                "AWS/SQS"
            }
            Resource::Function(_) | Resource::AsyncDelivery(_) => "AWS/Lambda",
            Resource::Topic(_) => "AWS/SNS",
        }
    }

    /// The series charted for this resource, in display order.
    pub fn series(&self) -> &'static [SeriesDef] {
        match self {
            Resource::Queue(_) => &QUEUE[..QUEUE.len() - 1],
            Resource::FifoQueue(_) => &QUEUE,
            Resource::Dlq(_) => &DLQ,
            Resource::Depth(_) => &DLQ[..1],
            Resource::Function(_) => &FUNCTION,
            Resource::AsyncDelivery(_) => &ASYNC_DELIVERY,
            Resource::Topic(_) => &TOPIC,
        }
    }
}

impl fmt::Display for Resource {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let kind = match self {
            Resource::Queue(_) | Resource::FifoQueue(_) => "queue",
            Resource::Dlq(_) => "dlq",
            Resource::Depth(_) => "depth of",
            Resource::Function(_) => "function",
            Resource::AsyncDelivery(_) => "failed-event delivery of function",
            Resource::Topic(_) => "topic",
        };
        write!(f, "{kind} {}", self.name())
    }
}

/// How a series' values read.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Unit {
    Count,
    Seconds,
    Milliseconds,
    Percent,
}

/// How a series is computed.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Source {
    /// A CloudWatch metric with a statistic.
    Metric {
        metric: &'static str,
        stat: &'static str,
    },
    /// `100 * errors / invocations`, over the ids of two other series of the resource.
    Ratio {
        numerator: &'static str,
        denominator: &'static str,
    },
}

/// One charted series of a resource kind.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct SeriesDef {
    /// Short and stable: a CloudWatch query id part and the JSON `key`.
    pub key: &'static str,
    pub label: &'static str,
    pub unit: Unit,
    pub source: Source,
    /// Extended between CloudWatch points by `GetQueueAttributes` counts.
    pub live: bool,
}

const fn metric(
    key: &'static str,
    label: &'static str,
    metric: &'static str,
    stat: &'static str,
    unit: Unit,
) -> SeriesDef {
    SeriesDef {
        key,
        label,
        unit,
        source: Source::Metric { metric, stat },
        live: false,
    }
}

const fn live(def: SeriesDef) -> SeriesDef {
    SeriesDef { live: true, ..def }
}

pub const VISIBLE: &str = "visible";
pub const IN_FLIGHT: &str = "in_flight";

const QUEUE: [SeriesDef; 9] = [
    live(metric(
        VISIBLE,
        "visible",
        "ApproximateNumberOfMessagesVisible",
        "Maximum",
        Unit::Count,
    )),
    live(metric(
        IN_FLIGHT,
        "in flight",
        "ApproximateNumberOfMessagesNotVisible",
        "Maximum",
        Unit::Count,
    )),
    metric(
        "delayed",
        "delayed",
        "ApproximateNumberOfMessagesDelayed",
        "Maximum",
        Unit::Count,
    ),
    metric(
        "oldest",
        "age of oldest",
        "ApproximateAgeOfOldestMessage",
        "Maximum",
        Unit::Seconds,
    ),
    metric("sent", "sent", "NumberOfMessagesSent", "Sum", Unit::Count),
    metric(
        "received",
        "received",
        "NumberOfMessagesReceived",
        "Sum",
        Unit::Count,
    ),
    metric(
        "deleted",
        "deleted",
        "NumberOfMessagesDeleted",
        "Sum",
        Unit::Count,
    ),
    metric(
        "empty",
        "empty receives",
        "NumberOfEmptyReceives",
        "Sum",
        Unit::Count,
    ),
    // FIFO only: kept last so plain queues take the slice before it.
    metric(
        "groups",
        "groups in flight",
        "ApproximateNumberOfGroupsWithInflightMessages",
        "Maximum",
        Unit::Count,
    ),
];

/// The oldest message's age says how long the DLQ has been holding (health's "since").
const DLQ: [SeriesDef; 3] = [
    live(metric(
        VISIBLE,
        "depth",
        "ApproximateNumberOfMessagesVisible",
        "Maximum",
        Unit::Count,
    )),
    metric(
        "sent",
        "arrivals",
        "NumberOfMessagesSent",
        "Sum",
        Unit::Count,
    ),
    metric(
        "oldest",
        "age of oldest",
        "ApproximateAgeOfOldestMessage",
        "Maximum",
        Unit::Seconds,
    ),
];

const FUNCTION: [SeriesDef; 7] = [
    metric(
        "invocations",
        "invocations",
        "Invocations",
        "Sum",
        Unit::Count,
    ),
    metric("errors", "errors", "Errors", "Sum", Unit::Count),
    SeriesDef {
        key: "error_rate",
        label: "error rate",
        unit: Unit::Percent,
        source: Source::Ratio {
            numerator: "errors",
            denominator: "invocations",
        },
        live: false,
    },
    metric("throttles", "throttles", "Throttles", "Sum", Unit::Count),
    metric(
        "duration_avg",
        "duration avg",
        "Duration",
        "Average",
        Unit::Milliseconds,
    ),
    metric(
        "duration_max",
        "duration max",
        "Duration",
        "Maximum",
        Unit::Milliseconds,
    ),
    metric(
        "concurrency",
        "concurrency",
        "ConcurrentExecutions",
        "Maximum",
        Unit::Count,
    ),
];

/// Events Lambda gave up on and then could not write to the function's DLQ or on-failure
/// destination: lost (Lambda's "Asynchronous invocation metrics").
const ASYNC_DELIVERY: [SeriesDef; 2] = [
    metric(
        "dead_letter_errors",
        "DLQ write errors",
        "DeadLetterErrors",
        "Sum",
        Unit::Count,
    ),
    metric(
        "destination_failures",
        "destination delivery failures",
        "DestinationDeliveryFailures",
        "Sum",
        Unit::Count,
    ),
];

const TOPIC: [SeriesDef; 8] = [
    metric(
        "published",
        "published",
        "NumberOfMessagesPublished",
        "Sum",
        Unit::Count,
    ),
    metric(
        "delivered",
        "delivered",
        "NumberOfNotificationsDelivered",
        "Sum",
        Unit::Count,
    ),
    metric(
        "failed",
        "failed",
        "NumberOfNotificationsFailed",
        "Sum",
        Unit::Count,
    ),
    metric(
        "filtered",
        "filtered out",
        "NumberOfNotificationsFilteredOut",
        "Sum",
        Unit::Count,
    ),
    metric(
        "filtered_invalid",
        "filtered out: invalid attributes",
        "NumberOfNotificationsFilteredOut-InvalidAttributes",
        "Sum",
        Unit::Count,
    ),
    metric(
        "filtered_no_attrs",
        "filtered out: no attributes",
        "NumberOfNotificationsFilteredOut-NoMessageAttributes",
        "Sum",
        Unit::Count,
    ),
    metric(
        "redriven",
        "redriven to DLQ",
        "NumberOfNotificationsRedrivenToDlq",
        "Sum",
        Unit::Count,
    ),
    metric(
        "redrive_failed",
        "failed to redrive to DLQ",
        "NumberOfNotificationsFailedToRedriveToDlq",
        "Sum",
        Unit::Count,
    ),
];

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn each_kind_charts_what_the_issue_names() {
        let keys = |r: Resource| r.series().iter().map(|d| d.key).collect::<Vec<_>>();
        assert!(!keys(Resource::Queue("q".into())).contains(&"groups"));
        assert!(keys(Resource::FifoQueue("q.fifo".into())).contains(&"groups"));
        assert_eq!(
            keys(Resource::Dlq("d".into())),
            vec!["visible", "sent", "oldest"]
        );
        assert!(keys(Resource::Function("f".into())).contains(&"error_rate"));
        assert_eq!(Resource::Topic("t".into()).series().len(), 8);
        // Every ratio names series of the same resource.
        for r in [Resource::Function("f".into())] {
            for def in r.series() {
                if let Source::Ratio {
                    numerator,
                    denominator,
                } = def.source
                {
                    assert!(r.series().iter().any(|d| d.key == numerator));
                    assert!(r.series().iter().any(|d| d.key == denominator));
                }
            }
        }
    }
}
