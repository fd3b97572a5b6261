//! A bounded search of consumer log groups: a time window, a filter pattern the service
//! matches, a byte bound and a line bound, every call through the shared budget. Before a
//! search, `estimate_scan` tells how much it may scan (from each group's stored bytes), so a
//! search larger than `logs.max_scan_mb` is asked about first.

use crate::aws::ApiError;
use crate::aws::logs::{LogQuery, LogSource, TermPattern};

use super::parse::parse_event;
use super::{LogLine, RequestBudget};

/// A function and the log group it writes to.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
pub struct GroupTarget {
    pub function: String,
    pub log_group: String,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SearchRequest {
    pub groups: Vec<GroupTarget>,
    pub start_ms: i64,
    pub end_ms: i64,
    pub pattern: Option<String>,
    /// Stop reading once this many bytes of events came back.
    pub max_bytes: u64,
    /// Stop reading once this many lines came back.
    pub max_lines: usize,
}

/// What a search found and what it cost.
#[derive(Debug, Clone, Default)]
pub struct SearchOutcome {
    /// Oldest first, every group together.
    pub lines: Vec<LogLine>,
    /// Bytes of events that came back.
    pub bytes_read: u64,
    pub requests: u64,
    /// Why the search stopped before the end of the window, if it did.
    pub stopped_early: Option<String>,
    /// Groups that do not exist (a function that never logged, or logs elsewhere).
    pub missing_groups: Vec<String>,
    /// Groups that could not be read.
    pub failures: Vec<(String, ApiError)>,
}

impl SearchOutcome {
    /// Whether no group could be read because the endpoint lacks CloudWatch Logs.
    pub fn unavailable(&self) -> Option<&ApiError> {
        let all = !self.failures.is_empty()
            && self.failures.iter().all(|(_, e)| e.is_unavailable())
            && self.missing_groups.is_empty()
            && self.lines.is_empty();
        all.then(|| &self.failures[0].1)
    }
}

/// Reads every page of every group (in turn, one call at a time, through `budget`) until
/// the window ends or a bound is reached.
pub async fn search(
    source: &dyn LogSource,
    budget: &RequestBudget,
    request: &SearchRequest,
) -> SearchOutcome {
    let mut outcome = SearchOutcome::default();
    let requests_before = budget.requests();
    // What came back is checked against the pattern too: some endpoints ignore it.
    let check = request
        .pattern
        .as_deref()
        .and_then(|p| TermPattern::parse(p).ok());
    'groups: for group in &request.groups {
        let mut query = LogQuery {
            log_group: group.log_group.clone(),
            start_ms: request.start_ms,
            end_ms: request.end_ms,
            filter_pattern: request.pattern.clone(),
            next_token: None,
            limit: None,
        };
        loop {
            let page = match budget.call(|| source.filter_log_events(&query)).await {
                Ok(page) => page,
                Err(error) if error.kind == crate::aws::ErrorKind::NotFound => {
                    outcome.missing_groups.push(group.log_group.clone());
                    continue 'groups;
                }
                Err(error) => {
                    outcome.failures.push((group.log_group.clone(), error));
                    continue 'groups;
                }
            };
            let bytes: u64 = page.events.iter().map(|e| e.message.len() as u64).sum();
            budget.add_bytes(bytes);
            outcome.bytes_read += bytes;
            outcome.lines.extend(
                page.events
                    .iter()
                    .filter(|e| check.as_ref().is_none_or(|c| c.matches(&e.message)))
                    .map(|e| parse_event(&group.function, &group.log_group, e)),
            );
            if outcome.bytes_read > request.max_bytes {
                outcome.stopped_early = Some(format!(
                    "stopped after {} read (the bound is {})",
                    human_bytes(outcome.bytes_read),
                    human_bytes(request.max_bytes)
                ));
                break 'groups;
            }
            if outcome.lines.len() >= request.max_lines {
                outcome.stopped_early = Some(format!(
                    "stopped after {} lines (the bound is {})",
                    outcome.lines.len(),
                    request.max_lines
                ));
                break 'groups;
            }
            match page.next_token {
                Some(token) if query.next_token.as_deref() != Some(token.as_str()) => {
                    query.next_token = Some(token);
                }
                _ => break,
            }
        }
    }
    outcome.requests = budget.requests() - requests_before;
    outcome.lines.sort_by_key(|l| l.timestamp_ms);
    outcome
}

/// How much a search of `groups` over `[start_ms, end_ms]` may scan: each group's stored
/// bytes, spread evenly over the time it holds (since its creation, at most its retention).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ScanEstimate {
    pub bytes: u64,
    /// Groups DescribeLogGroups did not find.
    pub missing: Vec<String>,
}

pub async fn estimate_scan(
    source: &dyn LogSource,
    budget: &RequestBudget,
    groups: &[GroupTarget],
    start_ms: i64,
    end_ms: i64,
    now_ms: i64,
) -> Result<ScanEstimate, ApiError> {
    let mut estimate = ScanEstimate::default();
    for group in groups {
        let Some(info) = budget
            .call(|| source.describe_log_group(&group.log_group))
            .await?
        else {
            estimate.missing.push(group.log_group.clone());
            continue;
        };
        let stored = info.stored_bytes.unwrap_or(0);
        let retention_start = info
            .retention_days
            .map(|days| now_ms - i64::from(days) * 86_400_000);
        let held_from = match (info.creation_ms, retention_start) {
            (Some(c), Some(r)) => Some(c.max(r)),
            (c, r) => c.or(r),
        };
        // A group that says nothing of its age may hold everything in the window.
        let share = held_from.map_or(1.0, |from| {
            let held_ms = (now_ms - from).max(1);
            let window_ms = (end_ms.min(now_ms) - start_ms.max(from)).max(0);
            (window_ms as f64 / held_ms as f64).min(1.0)
        });
        estimate.bytes += (stored as f64 * share).ceil() as u64;
    }
    Ok(estimate)
}

/// `1.2 MB`, `640 B`.
pub fn human_bytes(bytes: u64) -> String {
    match bytes {
        b if b >= 1_000_000_000 => format!("{:.1} GB", b as f64 / 1e9),
        b if b >= 1_000_000 => format!("{:.1} MB", b as f64 / 1e6),
        b if b >= 1_000 => format!("{:.1} kB", b as f64 / 1e3),
        b => format!("{b} B"),
    }
}
