//! A series in a fixed window: CloudWatch points at period boundaries, and live points
//! (from `GetQueueAttributes`) between them. A missing period is a gap: it is not filled
//! with zero and the line is not joined across it. Points older than the window are
//! dropped, so memory does not grow with uptime.

use std::collections::{BTreeMap, VecDeque};

/// Live points kept at most (a day of one every 5 s would be far more than any window
/// draws; the window prunes first).
const MAX_LIVE_POINTS: usize = 2048;

#[derive(Debug, Clone, Default, PartialEq)]
pub struct Series {
    /// CloudWatch points: period start (ms) → value.
    points: BTreeMap<i64, f64>,
    /// Live samples `(ms, value)`, oldest first.
    live: VecDeque<(i64, f64)>,
}

impl Series {
    /// Replaces every CloudWatch point in `[start_ms, end_ms)` with `fresh` (a refresh
    /// re-asks the newest periods, whose points may have been partial or late).
    pub fn replace(&mut self, start_ms: i64, end_ms: i64, fresh: &[(i64, f64)]) {
        let stale: Vec<i64> = self
            .points
            .range(start_ms..end_ms)
            .map(|(t, _)| *t)
            .collect();
        for t in stale {
            self.points.remove(&t);
        }
        for &(t, v) in fresh {
            self.points.insert(t, v);
        }
    }

    /// Forgets the CloudWatch points (the period changed); live points stay.
    pub fn clear_points(&mut self) {
        self.points.clear();
    }

    pub fn push_live(&mut self, t_ms: i64, value: f64) {
        if self.live.back().is_some_and(|(last, _)| *last >= t_ms) {
            return;
        }
        if self.live.len() == MAX_LIVE_POINTS {
            self.live.pop_front();
        }
        self.live.push_back((t_ms, value));
    }

    /// Drops every point older than `oldest_ms`.
    pub fn prune(&mut self, oldest_ms: i64) {
        self.points = self.points.split_off(&oldest_ms);
        while self.live.front().is_some_and(|(t, _)| *t < oldest_ms) {
            self.live.pop_front();
        }
    }

    pub fn points(&self) -> impl Iterator<Item = (i64, f64)> + '_ {
        self.points.iter().map(|(t, v)| (*t, *v))
    }

    /// Live points newer than the last CloudWatch point: what only live counts know.
    pub fn live_points(&self) -> impl Iterator<Item = (i64, f64)> + '_ {
        let after = self.points.keys().next_back().copied().unwrap_or(i64::MIN);
        self.live.iter().copied().filter(move |(t, _)| *t > after)
    }

    pub fn len(&self) -> usize {
        self.points.len() + self.live.len()
    }

    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// The newest value, live or not.
    pub fn latest(&self) -> Option<(i64, f64)> {
        let cloud = self.points.iter().next_back().map(|(t, v)| (*t, *v));
        let live = self.live.back().copied();
        match (cloud, live) {
            (Some(c), Some(l)) => Some(if l.0 > c.0 { l } else { c }),
            (c, l) => c.or(l),
        }
    }

    /// The oldest CloudWatch value in the window (or live, without any), for the change
    /// over the window.
    pub fn earliest(&self) -> Option<(i64, f64)> {
        self.points
            .iter()
            .next()
            .map(|(t, v)| (*t, *v))
            .or_else(|| self.live.front().copied())
    }

    /// Min and max over every point.
    pub fn bounds(&self) -> Option<(f64, f64)> {
        self.points
            .values()
            .copied()
            .chain(self.live.iter().map(|(_, v)| *v))
            .fold(None, |acc, v| match acc {
                None => Some((v, v)),
                Some((lo, hi)) => Some((lo.min(v), hi.max(v))),
            })
    }

    /// The CloudWatch points split at gaps: a new segment starts where more than one
    /// period passed without a point.
    pub fn segments(&self, period_ms: i64) -> Vec<Vec<(i64, f64)>> {
        let mut segments: Vec<Vec<(i64, f64)>> = Vec::new();
        let mut last: Option<i64> = None;
        for (t, v) in self.points() {
            match (last, segments.last_mut()) {
                (Some(prev), Some(segment)) if t - prev <= period_ms => segment.push((t, v)),
                _ => segments.push(vec![(t, v)]),
            }
            last = Some(t);
        }
        segments
    }

    /// One value per bucket of `bucket_ms` from `start_ms` (`buckets` of them): the last
    /// point in each, `None` where there is none (a gap stays a gap).
    pub fn bucketed(&self, start_ms: i64, bucket_ms: i64, buckets: usize) -> Vec<Option<f64>> {
        let mut out = vec![None; buckets];
        let bucket_ms = bucket_ms.max(1);
        let all = self.points().chain(self.live_points());
        for (t, v) in all {
            if t < start_ms {
                continue;
            }
            let i = ((t - start_ms) / bucket_ms) as usize;
            if let Some(slot) = out.get_mut(i) {
                *slot = Some(v);
            }
        }
        out
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn gaps_stay_gaps_and_split_segments() {
        let mut s = Series::default();
        s.replace(0, 600_000, &[(0, 1.0), (60_000, 2.0), (240_000, 5.0)]);
        assert_eq!(
            s.segments(60_000),
            vec![vec![(0, 1.0), (60_000, 2.0)], vec![(240_000, 5.0)]]
        );
        assert_eq!(
            s.bucketed(0, 60_000, 5),
            vec![Some(1.0), Some(2.0), None, None, Some(5.0)]
        );
    }

    #[test]
    fn replacing_a_range_updates_partial_points_and_keeps_older_ones() {
        let mut s = Series::default();
        s.replace(0, 180_000, &[(0, 1.0), (60_000, 2.0), (120_000, 3.0)]);
        s.replace(120_000, 240_000, &[(120_000, 4.0), (180_000, 6.0)]);
        let points: Vec<_> = s.points().collect();
        assert_eq!(
            points,
            vec![(0, 1.0), (60_000, 2.0), (120_000, 4.0), (180_000, 6.0)]
        );
        assert_eq!(s.bounds(), Some((1.0, 6.0)));
    }

    #[test]
    fn live_points_extend_past_the_last_cloudwatch_point_and_prune_by_age() {
        let mut s = Series::default();
        s.replace(0, 120_000, &[(60_000, 2.0)]);
        s.push_live(30_000, 9.0);
        s.push_live(90_000, 3.0);
        s.push_live(95_000, 4.0);
        s.push_live(95_000, 5.0);
        assert_eq!(
            s.live_points().collect::<Vec<_>>(),
            vec![(90_000, 3.0), (95_000, 4.0)]
        );
        assert_eq!(s.latest(), Some((95_000, 4.0)));
        s.prune(61_000);
        assert_eq!(s.points().count(), 0);
        assert_eq!(s.len(), 2);
    }
}
