//! `squall metrics` output: the series the engine holds for a set of resources, as JSON
//! (every point, RFC 3339 times) or a small table (latest, min, max, a sparkline).

use std::time::{Duration, UNIX_EPOCH};

use serde_json::{Value, json};

use super::human::one_line;
use crate::metrics::catalog::Source;
use crate::metrics::{MetricsEngine, Resource, SeriesDef, units};

/// One series to print: its resource, what it is, and its points `(ms, value, live)`.
#[derive(Debug, Clone, PartialEq)]
pub struct SeriesRow {
    pub resource: Resource,
    pub def: &'static SeriesDef,
    pub points: Vec<(i64, f64, bool)>,
}

/// Everything `squall metrics` prints.
#[derive(Debug, Clone, PartialEq)]
pub struct MetricsReport {
    pub window: String,
    pub period_s: u32,
    pub start_ms: i64,
    pub end_ms: i64,
    pub rows: Vec<SeriesRow>,
    /// Resources without CloudWatch points and why.
    pub unavailable: Vec<(Resource, String)>,
}

pub fn collect(engine: &MetricsEngine, resources: &[Resource], now_ms: i64) -> MetricsReport {
    let mut rows = Vec::new();
    let mut unavailable = Vec::new();
    for resource in resources {
        if let Some(reason) = engine.availability(resource).reason() {
            unavailable.push((resource.clone(), reason));
        }
        for def in resource.series() {
            let Some(series) = engine.series(resource, def.key) else {
                continue;
            };
            let mut points: Vec<(i64, f64, bool)> =
                series.points().map(|(t, v)| (t, v, false)).collect();
            points.extend(series.live_points().map(|(t, v)| (t, v, true)));
            rows.push(SeriesRow {
                resource: resource.clone(),
                def,
                points,
            });
        }
    }
    MetricsReport {
        window: engine.window().to_string(),
        period_s: engine.period_s(),
        start_ms: now_ms - engine.window().span_ms(),
        end_ms: now_ms,
        rows,
        unavailable,
    }
}

fn rfc3339(ms: i64) -> String {
    let time = UNIX_EPOCH + Duration::from_millis(u64::try_from(ms).unwrap_or(0));
    humantime::format_rfc3339_seconds(time).to_string()
}

fn series_json(row: &SeriesRow, period_s: u32) -> Value {
    let resource = &row.resource;
    let (metric, stat, expression) = match row.def.source {
        Source::Metric { metric, stat } => (metric.to_string(), Some(stat), None),
        Source::Ratio {
            numerator,
            denominator,
        } => (
            "ErrorRate".to_string(),
            None,
            Some(format!("100*{numerator}/{denominator}")),
        ),
    };
    let points: Vec<Value> = row
        .points
        .iter()
        .map(|(t, v, live)| {
            if *live {
                json!({"t": rfc3339(*t), "v": v, "live": true})
            } else {
                json!({"t": rfc3339(*t), "v": v})
            }
        })
        .collect();
    let mut value = json!({
        "resource": resource,
        "key": row.def.key,
        "label": row.def.label,
        "namespace": resource.namespace(),
        "metric": metric,
        "dimensions": resource.dimensions(),
        "stat": stat,
        "period": period_s,
        "unit": row.def.unit,
        "points": points,
    });
    if let (Some(expression), Some(object)) = (expression, value.as_object_mut()) {
        object.insert("expression".to_string(), Value::String(expression));
    }
    value
}

pub fn to_json(report: &MetricsReport) -> Value {
    json!({
        "window": report.window,
        "period": report.period_s,
        "start": rfc3339(report.start_ms),
        "end": rfc3339(report.end_ms),
        "series": report.rows.iter().map(|r| series_json(r, report.period_s)).collect::<Vec<_>>(),
        "unavailable": report.unavailable.iter().map(|(resource, reason)| {
            json!({"resource": resource, "reason": reason})
        }).collect::<Vec<_>>(),
    })
}

const SPARK_WIDTH: usize = 30;

/// The table: one line per series; a series with no point says so.
pub fn to_table(report: &MetricsReport, ascii: bool) -> String {
    let names: Vec<String> = report
        .rows
        .iter()
        .map(|r| one_line(&format!("{} {}", r.resource.name(), r.def.label)))
        .collect();
    let width = names
        .iter()
        .map(|n| n.chars().count())
        .max()
        .unwrap_or(6)
        .max(6);
    let mut out = format!(
        "{:<width$}  {:>8}  {:>8}  {:>8}  last {} (period {}s)\n",
        "SERIES", "LATEST", "MIN", "MAX", report.window, report.period_s
    );
    let bucket_ms = ((report.end_ms - report.start_ms) / SPARK_WIDTH as i64).max(1);
    for (row, name) in report.rows.iter().zip(names) {
        let unit = row.def.unit;
        let values: Vec<f64> = row.points.iter().map(|p| p.1).collect();
        if values.is_empty() {
            out.push_str(&format!("{name:<width$}  {:>8}\n", "-"));
            continue;
        }
        let latest = row
            .points
            .iter()
            .max_by_key(|p| p.0)
            .map(|p| p.1)
            .unwrap_or(0.0);
        let min = values.iter().copied().fold(f64::MAX, f64::min);
        let max = values.iter().copied().fold(f64::MIN, f64::max);
        let mut buckets = vec![None; SPARK_WIDTH];
        for (t, v, _) in &row.points {
            let i = ((t - report.start_ms).max(0) / bucket_ms) as usize;
            if let Some(slot) = buckets.get_mut(i.min(SPARK_WIDTH - 1)) {
                *slot = Some(*v);
            }
        }
        out.push_str(&format!(
            "{name:<width$}  {:>8}  {:>8}  {:>8}  {}\n",
            units::value(unit, latest),
            units::value(unit, min),
            units::value(unit, max),
            units::sparkline(&buckets, ascii),
        ));
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn report() -> MetricsReport {
        let queue = Resource::Queue("orders".into());
        let function = Resource::Function("worker".into());
        MetricsReport {
            window: "1h".to_string(),
            period_s: 60,
            start_ms: 0,
            end_ms: 3_600_000,
            rows: vec![
                SeriesRow {
                    resource: queue.clone(),
                    def: &queue.series()[0],
                    points: vec![
                        (0, 10.0, false),
                        (60_000, 1500.0, false),
                        (3_590_000, 2000.0, true),
                    ],
                },
                SeriesRow {
                    resource: function.clone(),
                    def: &function.series()[2],
                    points: vec![(0, 25.0, false)],
                },
            ],
            unavailable: vec![],
        }
    }

    #[test]
    fn json_names_namespace_metric_dimensions_stat_period_and_points() {
        let value = to_json(&report());
        let series = &value["series"][0];
        assert_eq!(series["namespace"], "AWS/SQS");
        assert_eq!(series["metric"], "ApproximateNumberOfMessagesVisible");
        assert_eq!(series["dimensions"]["QueueName"], "orders");
        assert_eq!(series["stat"], "Maximum");
        assert_eq!(series["period"], 60);
        assert_eq!(
            series["points"][0],
            json!({"t": "1970-01-01T00:00:00Z", "v": 10.0})
        );
        assert_eq!(series["points"][2]["live"], true);
        let rate = &value["series"][1];
        assert_eq!(rate["expression"], "100*errors/invocations");
        assert_eq!(rate["stat"], Value::Null);
    }

    #[test]
    fn the_table_has_latest_min_max_and_a_sparkline() {
        let text = to_table(&report(), true);
        let line = text.lines().nth(1).expect("a row");
        assert!(line.starts_with("orders visible"), "{text}");
        assert!(line.contains("2k") && line.contains("10"), "{text}");
        assert!(text.is_ascii(), "{text}");
        assert!(text.lines().nth(2).expect("rate").contains("25%"), "{text}");
    }
}
