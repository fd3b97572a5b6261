//! The live-problem rules: one pure function each, over counts the inventory already has
//! and series the metrics engine already holds. None of them calls AWS.

use super::problem::{Affected, Problem, Severity};
use super::thresholds::Thresholds;
use super::trend::{
    recent_growth_per_minute, recent_point, recent_rate_per_minute, recent_value, since_above,
    since_above_bounded, slope_per_minute,
};
use crate::metrics::{Resource, Series};

/// The period and the clock the series are read with.
#[derive(Debug, Clone, Copy)]
pub struct Clock {
    pub period_ms: i64,
    pub now_ms: i64,
}

impl Clock {
    /// The clock a resource's series are read with: the time of their last answer, so a
    /// point stays recent until the refresh that would replace it has come back.
    pub fn for_resource(
        self,
        engine: &crate::metrics::MetricsEngine,
        resource: &Resource,
    ) -> Clock {
        Clock {
            now_ms: engine.as_of(resource, self.now_ms),
            ..self
        }
    }
}

/// A DLQ holding messages: always critical (those messages already failed); says whether
/// it is still filling: arrivals per minute in the newest period, or else its depth rising
/// (SQS does not count a message its redrive policy moves into a DLQ in that DLQ's
/// NumberOfMessagesSent, only messages sent to it, so depth is what shows dead-lettering).
/// Since when: see `dlq_since`.
pub fn dlq_holding(
    dlq: &Affected,
    visible: u64,
    depth: Option<&Series>,
    arrivals: Option<&Series>,
    oldest: Option<&Series>,
    clock: Clock,
) -> Option<Problem> {
    if visible == 0 {
        return None;
    }
    let filling = arrivals
        .and_then(|s| recent_rate_per_minute(s, clock.period_ms, clock.now_ms))
        .filter(|rate| *rate > 0.0)
        .or_else(|| depth.and_then(|s| recent_growth_per_minute(s, clock.period_ms, clock.now_ms)));
    let what = match filling {
        Some(rate) => format!(
            "DLQ holds {visible} messages, still filling ({}/min)",
            rate_text(rate)
        ),
        None => format!("DLQ holds {visible} messages, not filling"),
    };
    let (since_ms, since_lower_bound) = dlq_since(depth, oldest, clock);
    Some(Problem {
        severity: Severity::Critical,
        resource: dlq.clone(),
        what,
        since_ms,
        since_lower_bound,
        value: visible as f64,
        sparkline: Some((Resource::Dlq(dlq.name.clone()), "visible")),
    })
}

/// Whether `since_above` is only a lower bound (see `since_above_bounded`).
fn bounded_below(series: &Series, floor: f64) -> bool {
    since_above_bounded(series, floor).is_some_and(|(_, bounded)| bounded)
}

/// Since when a DLQ has held messages: its oldest message's age says when that message
/// arrived (right even when CloudWatch has only the live point); the depth says so too when
/// it rose from zero within the window. The earlier wins; a depth above zero from its first
/// point on only bounds the start from below.
fn dlq_since(depth: Option<&Series>, oldest: Option<&Series>, clock: Clock) -> (Option<i64>, bool) {
    let by_depth = depth.and_then(|s| since_above_bounded(s, 0.0));
    let by_age = oldest
        .and_then(|s| recent_point(s, clock.period_ms, clock.now_ms))
        .filter(|(_, age_s)| *age_s > 0.0)
        .map(|(t, age_s)| t - (age_s * 1000.0) as i64);
    match (by_depth, by_age) {
        (Some((start, bounded)), Some(arrived)) if start < arrived => (Some(start), bounded),
        (_, Some(arrived)) => (Some(arrived), false),
        (Some((start, bounded)), None) => (Some(start), bounded),
        (None, None) => (None, false),
    }
}

/// The oldest message older than the thresholds, with the time to empty when the depth
/// is falling.
pub fn oldest_too_old(
    queue: &Affected,
    resource: &Resource,
    oldest: Option<&Series>,
    depth: Option<&Series>,
    thresholds: &Thresholds,
    clock: Clock,
) -> Option<Problem> {
    let oldest_series = oldest?;
    let (at, age) = recent_point(oldest_series, clock.period_ms, clock.now_ms)?;
    let severity = if age >= thresholds.oldest_age_critical_s {
        Severity::Critical
    } else if age >= thresholds.oldest_age_warning_s {
        Severity::Warning
    } else {
        return None;
    };
    let mut what = format!("oldest message is {} old", duration_text(age));
    let draining = depth.and_then(|d| Some((slope_per_minute(d)?, d.latest()?.1)));
    match draining {
        Some((slope, visible)) if slope < 0.0 && visible > 0.0 => {
            what.push_str(&format!(
                ", empties in ~{}",
                duration_text(visible / -slope * 60.0)
            ));
        }
        Some(_) => what.push_str(", not draining"),
        None => {}
    }
    Some(Problem {
        severity,
        resource: queue.clone(),
        what,
        // The age itself says when the oldest message crossed the warning threshold, even
        // when the window holds less than that.
        since_ms: Some(at - ((age - thresholds.oldest_age_warning_s) * 1000.0) as i64),
        since_lower_bound: false,
        value: age,
        sparkline: Some((resource.clone(), "oldest")),
    })
}

/// Depth growing faster than it drains over the window: a warning that says by how much.
pub fn not_draining(
    queue: &Affected,
    resource: &Resource,
    visible: u64,
    depth: Option<&Series>,
    thresholds: &Thresholds,
) -> Option<Problem> {
    let depth = depth?;
    let slope = slope_per_minute(depth)?;
    if visible == 0 || slope <= thresholds.growth_per_minute {
        return None;
    }
    Some(Problem {
        severity: Severity::Warning,
        resource: queue.clone(),
        what: format!(
            "depth growing +{}/min over the window, not draining ({visible} visible)",
            rate_text(slope)
        ),
        since_ms: depth.earliest().map(|(t, _)| t),
        // Growing over the window: it began at its start or before.
        since_lower_bound: true,
        value: slope,
        sparkline: Some((resource.clone(), "visible")),
    })
}

/// A consumer function erring or throttled over the thresholds in the newest period.
pub fn consumer_failing(
    function: &Affected,
    error_rate: Option<&Series>,
    throttles: Option<&Series>,
    thresholds: &Thresholds,
    clock: Clock,
) -> Vec<Problem> {
    let resource = Resource::Function(function.name.clone());
    let mut problems = Vec::new();
    if let Some(series) = error_rate
        && let Some(rate) = recent_value(series, clock.period_ms, clock.now_ms)
        && rate > 0.0
        && rate >= thresholds.error_rate_percent
    {
        problems.push(Problem {
            severity: if rate >= 50.0 {
                Severity::Critical
            } else {
                Severity::Warning
            },
            resource: function.clone(),
            what: format!("consumer error rate {rate:.1}%"),
            since_ms: since_above(series, thresholds.error_rate_percent),
            since_lower_bound: bounded_below(series, thresholds.error_rate_percent),
            value: rate,
            sparkline: Some((resource.clone(), "error_rate")),
        });
    }
    if let Some(series) = throttles
        && let Some(count) = recent_value(series, clock.period_ms, clock.now_ms)
        && count > 0.0
        && count >= thresholds.throttles
    {
        problems.push(Problem {
            severity: Severity::Warning,
            resource: function.clone(),
            what: format!("consumer throttled {count:.0} times in the last period"),
            since_ms: since_above(series, 0.0),
            since_lower_bound: bounded_below(series, 0.0),
            value: count,
            sparkline: Some((resource, "throttles")),
        });
    }
    problems
}

/// An event source mapping not enabled while its queue holds messages: nothing consumes.
pub fn mapping_disabled(
    mapping: &Affected,
    state: &str,
    queue_name: &str,
    queue_visible: u64,
) -> Option<Problem> {
    if state == "Enabled" || state == "Enabling" || state == "Creating" || queue_visible == 0 {
        return None;
    }
    Some(Problem {
        severity: Severity::Critical,
        resource: mapping.clone(),
        what: format!("mapping is {state} while {queue_name} holds {queue_visible} messages"),
        since_ms: None,
        since_lower_bound: false,
        value: queue_visible as f64,
        sparkline: Some((Resource::Depth(queue_name.to_string()), "visible")),
    })
}

/// SNS failures in the newest period: deliveries failed, notifications redriven to a
/// subscription DLQ, and notifications that could not even be redriven (lost).
pub fn sns_failures(
    topic: &Affected,
    failed: Option<&Series>,
    redriven: Option<&Series>,
    redrive_failed: Option<&Series>,
    thresholds: &Thresholds,
    clock: Clock,
) -> Vec<Problem> {
    let resource = Resource::Topic(topic.name.clone());
    let checks: [(Option<&Series>, &'static str, Severity, &str); 3] = [
        (
            redrive_failed,
            "redrive_failed",
            Severity::Critical,
            "notifications failed to redrive to the DLQ (lost)",
        ),
        (
            failed,
            "failed",
            Severity::Warning,
            "notifications failed to deliver",
        ),
        (
            redriven,
            "redriven",
            Severity::Warning,
            "notifications redriven to a DLQ",
        ),
    ];
    let mut problems = Vec::new();
    for (series, key, severity, text) in checks {
        let Some(series) = series else { continue };
        let Some(count) = recent_value(series, clock.period_ms, clock.now_ms) else {
            continue;
        };
        if count > 0.0 && count >= thresholds.sns_failures {
            problems.push(Problem {
                severity,
                resource: topic.clone(),
                what: format!("{count:.0} {text} in the last period"),
                since_ms: since_above(series, 0.0),
                since_lower_bound: bounded_below(series, 0.0),
                value: count,
                sparkline: Some((resource.clone(), key)),
            });
        }
    }
    problems
}

/// A function with a DLQ or an on-failure destination that could not write failed events
/// there (`DeadLetterErrors`, `DestinationDeliveryFailures` in the newest period): those
/// events are gone, so it is critical at one.
pub fn failed_events_lost(
    function: &Affected,
    dead_letter_errors: Option<&Series>,
    destination_failures: Option<&Series>,
    clock: Clock,
) -> Vec<Problem> {
    let resource = Resource::AsyncDelivery(function.name.clone());
    let checks = [
        (
            dead_letter_errors,
            "dead_letter_errors",
            "failed events could not be written to its DLQ (lost)",
        ),
        (
            destination_failures,
            "destination_failures",
            "failed events could not be sent to its on-failure destination",
        ),
    ];
    let mut problems = Vec::new();
    for (series, key, text) in checks {
        let Some(series) = series else { continue };
        let Some(count) = recent_value(series, clock.period_ms, clock.now_ms) else {
            continue;
        };
        if count > 0.0 {
            problems.push(Problem {
                severity: Severity::Critical,
                resource: function.clone(),
                what: format!("{count:.0} {text} in the last period"),
                since_ms: since_above(series, 0.0),
                since_lower_bound: bounded_below(series, 0.0),
                value: count,
                sparkline: Some((resource.clone(), key)),
            });
        }
    }
    problems
}

/// A rate to one decimal below 10, whole above.
fn rate_text(rate: f64) -> String {
    if rate < 10.0 {
        format!("{rate:.1}")
    } else {
        format!("{rate:.0}")
    }
}

/// Seconds as `45s`, `12m`, `3h`, `2d`.
pub fn duration_text(seconds: f64) -> String {
    let s = seconds.max(0.0);
    if s < 60.0 {
        format!("{s:.0}s")
    } else if s < 3600.0 {
        format!("{:.0}m", s / 60.0)
    } else if s < 86_400.0 {
        format!("{:.0}h", s / 3600.0)
    } else {
        format!("{:.0}d", s / 86_400.0)
    }
}

#[cfg(test)]
mod tests;
