//! Reading a series for the rules: the trend over the window, a rate per minute, and
//! since when a condition has held.

use crate::metrics::Series;

/// Every point of a series, CloudWatch then live, oldest first.
fn all_points(series: &Series) -> Vec<(i64, f64)> {
    series.points().chain(series.live_points()).collect()
}

/// Least-squares slope in units per minute, from at least two points spanning time.
pub fn slope_per_minute(series: &Series) -> Option<f64> {
    let points = all_points(series);
    if points.len() < 2 {
        return None;
    }
    let n = points.len() as f64;
    let minutes: Vec<f64> = points.iter().map(|(t, _)| *t as f64 / 60_000.0).collect();
    let mean_t = minutes.iter().sum::<f64>() / n;
    let mean_v = points.iter().map(|(_, v)| v).sum::<f64>() / n;
    let mut covariance = 0.0;
    let mut variance = 0.0;
    for (t, (_, v)) in minutes.iter().zip(&points) {
        covariance += (t - mean_t) * (v - mean_v);
        variance += (t - mean_t) * (t - mean_t);
    }
    (variance > 0.0).then(|| covariance / variance)
}

/// The newest value of a per-period sum, as a rate per minute, if that point is recent
/// (within two periods of `now_ms`): an old point says nothing about now.
pub fn recent_rate_per_minute(series: &Series, period_ms: i64, now_ms: i64) -> Option<f64> {
    let (t, v) = series.points().last()?;
    (now_ms - t <= 2 * period_ms.max(1)).then(|| v * 60_000.0 / period_ms.max(1) as f64)
}

/// How fast the newest value rose over the last period, per minute, if it rose and the
/// newest point is recent (within two periods of `now_ms`). CloudWatch's points only: a
/// live count next to a one-minute aggregate would make the answer flicker within a minute.
pub fn recent_growth_per_minute(series: &Series, period_ms: i64, now_ms: i64) -> Option<f64> {
    let points: Vec<(i64, f64)> = series.points().collect();
    let &(t_last, v_last) = points.last()?;
    if now_ms - t_last > 2 * period_ms.max(1) {
        return None;
    }
    let &(t_before, v_before) = points
        .iter()
        .rev()
        .find(|(t, _)| t_last - t >= period_ms.max(1))?;
    let minutes = (t_last - t_before) as f64 / 60_000.0;
    let rate = (v_last - v_before) / minutes;
    (rate > 0.0).then_some(rate)
}

/// The newest value if it is recent (within two periods of `now_ms`).
pub fn recent_value(series: &Series, period_ms: i64, now_ms: i64) -> Option<f64> {
    recent_point(series, period_ms, now_ms).map(|(_, v)| v)
}

/// The newest point if it is recent (within two periods of `now_ms`).
pub fn recent_point(series: &Series, period_ms: i64, now_ms: i64) -> Option<(i64, f64)> {
    let (t, v) = series.latest()?;
    (now_ms - t <= 2 * period_ms.max(1)).then_some((t, v))
}

/// Like `since_above`, and whether the run reaches back to the series' first point: the
/// condition may then have begun before anything the series holds (a one-hour window, or
/// only the live point), so the start is a lower bound of how long it has held.
pub fn since_above_bounded(series: &Series, floor: f64) -> Option<(i64, bool)> {
    let since = since_above(series, floor)?;
    let first = all_points(series).first().map(|(t, _)| *t);
    Some((since, first == Some(since)))
}

/// When the trailing run of points above `floor` began: the start of the current
/// condition as far as the window knows.
pub fn since_above(series: &Series, floor: f64) -> Option<i64> {
    let mut since = None;
    for (t, v) in all_points(series).into_iter().rev() {
        if v > floor {
            since = Some(t);
        } else {
            break;
        }
    }
    since
}
