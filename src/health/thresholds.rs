//! The health board's thresholds (`[health]` in config/default.toml).

use serde::Deserialize;

use super::problem::Severity;

#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Thresholds {
    /// Age of the oldest message (seconds) that is a warning, and that is critical.
    pub oldest_age_warning_s: f64,
    pub oldest_age_critical_s: f64,
    /// Net depth growth (messages per minute, over the window) that counts as not draining.
    pub growth_per_minute: f64,
    /// A consumer's error rate (percent of invocations) that is a problem.
    pub error_rate_percent: f64,
    /// Throttles in one period that are a problem.
    pub throttles: f64,
    /// SNS notifications failed (or failed to redrive) in one period that are a problem.
    pub sns_failures: f64,
    /// How bad a CloudWatch alarm in ALARM on a known resource is.
    pub alarm_severity: Severity,
}

impl Default for Thresholds {
    fn default() -> Thresholds {
        Thresholds {
            oldest_age_warning_s: 300.0,
            oldest_age_critical_s: 3600.0,
            growth_per_minute: 1.0,
            error_rate_percent: 5.0,
            throttles: 1.0,
            sns_failures: 1.0,
            // Someone decided this alarm should fire: by default it pages like the rest.
            alarm_severity: Severity::Critical,
        }
    }
}

/// What a config file may say in `[health]`; every key optional.
#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct HealthSection {
    oldest_age_warning_seconds: Option<f64>,
    oldest_age_critical_seconds: Option<f64>,
    growth_per_minute: Option<f64>,
    error_rate_percent: Option<f64>,
    throttles: Option<f64>,
    sns_failures: Option<f64>,
    alarm_severity: Option<String>,
}

impl Thresholds {
    /// Lays a file's `[health]` over these; a negative threshold is refused.
    pub fn apply(&mut self, section: HealthSection) -> Result<(), String> {
        if let Some(text) = &section.alarm_severity {
            self.alarm_severity = Severity::parse(text).ok_or_else(|| {
                format!("health.alarm_severity must be info, warning or critical, not {text:?}")
            })?;
        }
        let fields = [
            (
                section.oldest_age_warning_seconds,
                &mut self.oldest_age_warning_s,
                "oldest_age_warning_seconds",
            ),
            (
                section.oldest_age_critical_seconds,
                &mut self.oldest_age_critical_s,
                "oldest_age_critical_seconds",
            ),
            (
                section.growth_per_minute,
                &mut self.growth_per_minute,
                "growth_per_minute",
            ),
            (
                section.error_rate_percent,
                &mut self.error_rate_percent,
                "error_rate_percent",
            ),
            (section.throttles, &mut self.throttles, "throttles"),
            (section.sns_failures, &mut self.sns_failures, "sns_failures"),
        ];
        for (given, slot, name) in fields {
            if let Some(value) = given {
                if !value.is_finite() || value < 0.0 {
                    return Err(format!("health.{name} must be a number of at least 0"));
                }
                *slot = value;
            }
        }
        Ok(())
    }
}
