//! One-minute metric points, as CloudWatch would record them for the simulated world:
//! per queue (AWS/SQS), per function (AWS/Lambda) and per topic (AWS/SNS). Counters
//! accumulate during a minute; when the minute ends they become a point, with the gauges
//! (depths, age of oldest) sampled at that moment. Points live in a ring of fixed capacity,
//! so memory does not grow with uptime.

use std::collections::VecDeque;

/// How long CloudWatch keeps reporting a queue that is empty and untouched.
pub(super) const IDLE_QUEUE_REPORTS_FOR_MS: i64 = 6 * 3600 * 1000;

/// A bounded series: pushing past capacity drops the oldest point.
#[derive(Debug, Clone)]
pub struct Ring<T> {
    points: VecDeque<T>,
    capacity: usize,
}

impl<T: Clone> Ring<T> {
    pub fn new(capacity: usize) -> Ring<T> {
        Ring {
            points: VecDeque::new(),
            capacity: capacity.max(1),
        }
    }

    pub fn push(&mut self, point: T) {
        if self.points.len() == self.capacity {
            self.points.pop_front();
        }
        self.points.push_back(point);
    }

    pub fn to_vec(&self) -> Vec<T> {
        self.points.iter().cloned().collect()
    }
}

/// AWS/SQS for one queue and one minute. `minute_ms` is the start of the minute.
#[derive(Debug, Clone, Copy, Default, PartialEq)]
pub struct QueuePoint {
    pub minute_ms: i64,
    pub visible: u64,
    pub in_flight: u64,
    pub delayed: u64,
    pub age_of_oldest_s: u64,
    /// FIFO: message groups with a message in flight.
    pub groups_in_flight: u64,
    /// Messages added by a send (a move to the DLQ by maxReceiveCount is not one: SQS
    /// does not count it either).
    pub sent: u64,
    pub received: u64,
    pub deleted: u64,
    pub empty_receives: u64,
}

/// The counting half of a queue's minute.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub(super) struct QueueCounters {
    pub sent: u64,
    pub received: u64,
    pub deleted: u64,
    pub empty_receives: u64,
}

impl QueueCounters {
    pub fn any(&self) -> bool {
        *self != QueueCounters::default()
    }
}

/// The sampled half of a queue's minute.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub(super) struct QueueGauges {
    pub visible: u64,
    pub in_flight: u64,
    pub delayed: u64,
    pub age_of_oldest_s: u64,
    pub groups_in_flight: u64,
}

/// AWS/Lambda for one function and one minute.
#[derive(Debug, Clone, Copy, Default, PartialEq)]
pub struct FunctionPoint {
    pub minute_ms: i64,
    pub invocations: u64,
    pub errors: u64,
    pub throttles: u64,
    pub duration_avg_ms: f64,
    pub duration_max_ms: f64,
    /// Average concurrency over the minute: busy time / a minute.
    pub concurrent_executions: f64,
    /// `DeadLetterErrors`: failed events Lambda could not write to the function's DLQ;
    /// `None` for a function without one (Lambda reports nothing then).
    pub dead_letter_errors: Option<u64>,
    /// `DestinationDeliveryFailures`: records not sent to its on-failure destination;
    /// `None` without one.
    pub destination_delivery_failures: Option<u64>,
}

/// Which asynchronous-failure targets a function has: what its points report.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub(super) struct AsyncTargets {
    pub dlq: bool,
    pub on_failure: bool,
}

impl AsyncTargets {
    pub fn of(spec: &super::spec::FunctionSpec) -> AsyncTargets {
        AsyncTargets {
            dlq: spec.dlq.is_some(),
            on_failure: spec.on_failure.is_some(),
        }
    }
}

#[derive(Debug, Clone, Copy, Default, PartialEq)]
pub(super) struct FunctionCounters {
    pub invocations: u64,
    pub errors: u64,
    pub throttles: u64,
    pub duration_total_ms: f64,
    pub duration_max_ms: f64,
    pub dead_letter_errors: u64,
    pub destination_delivery_failures: u64,
}

impl FunctionCounters {
    pub fn invoked(&mut self, duration_ms: f64, failed: bool) {
        self.invocations += 1;
        self.errors += u64::from(failed);
        self.duration_total_ms += duration_ms;
        self.duration_max_ms = self.duration_max_ms.max(duration_ms);
    }

    pub fn point(&self, minute_ms: i64, targets: AsyncTargets) -> FunctionPoint {
        let avg = if self.invocations == 0 {
            0.0
        } else {
            self.duration_total_ms / self.invocations as f64
        };
        FunctionPoint {
            minute_ms,
            invocations: self.invocations,
            errors: self.errors,
            throttles: self.throttles,
            duration_avg_ms: avg,
            duration_max_ms: self.duration_max_ms,
            concurrent_executions: self.duration_total_ms / 60_000.0,
            dead_letter_errors: targets.dlq.then_some(self.dead_letter_errors),
            destination_delivery_failures: targets
                .on_failure
                .then_some(self.destination_delivery_failures),
        }
    }
}

/// AWS/SNS for one topic and one minute.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct TopicPoint {
    pub minute_ms: i64,
    pub published: u64,
    pub delivered: u64,
    pub failed: u64,
    pub filtered_out: u64,
    pub redriven_to_dlq: u64,
    pub failed_to_redrive_to_dlq: u64,
}

impl TopicPoint {
    fn has_activity(&self) -> bool {
        self.published
            + self.delivered
            + self.failed
            + self.filtered_out
            + self.redriven_to_dlq
            + self.failed_to_redrive_to_dlq
            > 0
    }
}

/// A queue's series and the minute being counted.
#[derive(Debug, Clone)]
pub(super) struct QueueMetrics {
    pub counters: QueueCounters,
    pub points: Ring<QueuePoint>,
    /// The last send, receive, delete or visibility change (not a describe: asking for
    /// attributes does not keep a queue reporting).
    pub last_activity_ms: Option<i64>,
}

impl QueueMetrics {
    pub fn new(capacity: usize) -> QueueMetrics {
        QueueMetrics {
            counters: QueueCounters::default(),
            points: Ring::new(capacity),
            last_activity_ms: None,
        }
    }

    pub fn touched(&mut self, now_ms: i64) {
        self.last_activity_ms = Some(now_ms);
    }

    /// Whether CloudWatch would have a point for this minute: the queue holds messages
    /// or was used in the last six hours. An untouched empty queue costs nothing.
    pub fn reports(&self, holds_messages: bool, now_ms: i64) -> bool {
        holds_messages
            || self.counters.any()
            || self
                .last_activity_ms
                .is_some_and(|t| now_ms - t < IDLE_QUEUE_REPORTS_FOR_MS)
    }

    pub fn close_minute(&mut self, minute_ms: i64, gauges: QueueGauges) {
        let c = std::mem::take(&mut self.counters);
        self.points.push(QueuePoint {
            minute_ms,
            visible: gauges.visible,
            in_flight: gauges.in_flight,
            delayed: gauges.delayed,
            age_of_oldest_s: gauges.age_of_oldest_s,
            groups_in_flight: gauges.groups_in_flight,
            sent: c.sent,
            received: c.received,
            deleted: c.deleted,
            empty_receives: c.empty_receives,
        });
    }
}

#[derive(Debug, Clone)]
pub(super) struct FunctionMetrics {
    pub counters: FunctionCounters,
    pub points: Ring<FunctionPoint>,
}

impl FunctionMetrics {
    pub fn new(capacity: usize) -> FunctionMetrics {
        FunctionMetrics {
            counters: FunctionCounters::default(),
            points: Ring::new(capacity),
        }
    }

    /// Lambda reports a function only in minutes it was invoked or throttled.
    pub fn close_minute(&mut self, minute_ms: i64, targets: AsyncTargets) {
        let c = std::mem::take(&mut self.counters);
        if c.invocations + c.throttles > 0 {
            self.points.push(c.point(minute_ms, targets));
        }
    }
}

#[derive(Debug, Clone)]
pub(super) struct TopicMetrics {
    pub counters: TopicPoint,
    pub points: Ring<TopicPoint>,
}

impl TopicMetrics {
    pub fn new(capacity: usize) -> TopicMetrics {
        TopicMetrics {
            counters: TopicPoint::default(),
            points: Ring::new(capacity),
        }
    }

    /// SNS reports a topic only in minutes something was published or delivered.
    pub fn close_minute(&mut self, minute_ms: i64) {
        let c = std::mem::take(&mut self.counters);
        if c.has_activity() {
            self.points.push(TopicPoint { minute_ms, ..c });
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_ring_keeps_only_the_newest_points() {
        let mut ring = Ring::new(3);
        for i in 0..10 {
            ring.push(i);
        }
        assert_eq!(ring.to_vec(), vec![7, 8, 9]);
    }

    #[test]
    fn closing_a_minute_turns_counters_into_a_point_and_starts_afresh() {
        let mut metrics = QueueMetrics::new(10);
        metrics.counters.sent = 4;
        metrics.counters.deleted = 2;
        let gauges = QueueGauges {
            visible: 2,
            ..QueueGauges::default()
        };
        metrics.close_minute(60_000, gauges);
        assert_eq!(metrics.counters, QueueCounters::default());
        let points = metrics.points.to_vec();
        assert_eq!(points.len(), 1);
        assert_eq!(
            (
                points[0].minute_ms,
                points[0].sent,
                points[0].deleted,
                points[0].visible
            ),
            (60_000, 4, 2, 2)
        );
    }

    #[test]
    fn an_empty_untouched_queue_stops_reporting_after_six_hours() {
        let mut metrics = QueueMetrics::new(10);
        assert!(!metrics.reports(false, 0), "never used, empty");
        metrics.touched(1_000);
        assert!(metrics.reports(false, 1_000 + IDLE_QUEUE_REPORTS_FOR_MS - 1));
        assert!(!metrics.reports(false, 1_000 + IDLE_QUEUE_REPORTS_FOR_MS));
        assert!(metrics.reports(true, i64::MAX), "holding messages");
    }

    #[test]
    fn function_points_average_durations_and_skip_idle_minutes() {
        let mut metrics = FunctionMetrics::new(10);
        metrics.counters.invoked(100.0, false);
        metrics.counters.invoked(300.0, true);
        metrics.counters.dead_letter_errors = 1;
        let dlq_only = AsyncTargets {
            dlq: true,
            on_failure: false,
        };
        metrics.close_minute(0, dlq_only);
        metrics.close_minute(60_000, dlq_only);
        let points = metrics.points.to_vec();
        assert_eq!(points.len(), 1, "the idle minute has no point");
        assert_eq!((points[0].invocations, points[0].errors), (2, 1));
        assert_eq!(
            (
                points[0].dead_letter_errors,
                points[0].destination_delivery_failures
            ),
            (Some(1), None),
            "a function reports the delivery to the targets it has"
        );
        assert_eq!(points[0].duration_avg_ms, 200.0);
        assert_eq!(points[0].duration_max_ms, 300.0);
    }
}
