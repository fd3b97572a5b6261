//! The simulated world's CloudWatch Logs: one log group per function (its
//! `LoggingConfig.LogGroup`, else `/aws/lambda/NAME`), bounded, and `FilterLogEvents` over
//! them with the term filter patterns the logs engine sends (`"a" "b"`: all terms;
//! `?"a" ?"b"`: any), paged, oldest first, as CloudWatch answers.

use std::collections::{BTreeMap, VecDeque};

use async_trait::async_trait;

use super::fleet::SimFleet;
use super::world::aws_error;
use crate::aws::ApiError;
use crate::aws::logs::{LogEvent, LogGroupInfo, LogPage, LogQuery, LogSource, TermPattern};

/// Bytes of events kept per group: the oldest go first, as retention would take them, so a
/// demo left running for days holds a few MB per function (about an hour of the shipping
/// consumer's incident).
const GROUP_CAPACITY_BYTES: u64 = 2_000_000;
/// Events per page when the query sets no limit (CloudWatch stops at 1 MB or 10,000).
const PAGE_EVENTS: usize = 1_000;

#[derive(Debug, Clone)]
struct StoredEvent {
    sequence: u64,
    event: LogEvent,
}

#[derive(Debug, Clone, Default)]
struct SimLogGroup {
    created_ms: i64,
    stored_bytes: u64,
    events: VecDeque<StoredEvent>,
}

/// Every log group of the world.
#[derive(Debug, Clone, Default)]
pub(super) struct SimLogs {
    groups: BTreeMap<String, SimLogGroup>,
    next_sequence: u64,
}

impl SimLogs {
    /// Appends one event (its group made on first write, as Lambda does).
    pub fn put(&mut self, group: &str, stream: &str, timestamp_ms: i64, message: String) {
        let entry = self
            .groups
            .entry(group.to_string())
            .or_insert_with(|| SimLogGroup {
                created_ms: timestamp_ms,
                ..SimLogGroup::default()
            });
        entry.stored_bytes += message.len() as u64;
        entry.events.push_back(StoredEvent {
            sequence: self.next_sequence,
            event: LogEvent {
                log_stream: stream.to_string(),
                timestamp_ms,
                message,
            },
        });
        self.next_sequence += 1;
        while entry.stored_bytes > GROUP_CAPACITY_BYTES {
            let Some(oldest) = entry.events.pop_front() else {
                break;
            };
            entry.stored_bytes -= oldest.event.message.len() as u64;
        }
    }

    fn filter(&self, query: &LogQuery) -> Result<LogPage, ApiError> {
        let group = self.groups.get(&query.log_group).ok_or_else(|| {
            aws_error(
                "FilterLogEvents",
                "ResourceNotFoundException",
                400,
                "The specified log group does not exist.",
            )
        })?;
        let pattern = TermPattern::parse(query.filter_pattern.as_deref().unwrap_or_default())
            .map_err(|pattern| {
                aws_error(
                    "FilterLogEvents",
                    "InvalidParameterException",
                    400,
                    &format!("the simulated world matches term patterns only, not {pattern:?}"),
                )
            })?;
        let after = match &query.next_token {
            None => None,
            Some(token) => Some(parse_token(token)?),
        };
        let mut matching: Vec<&StoredEvent> = group
            .events
            .iter()
            .filter(|e| (query.start_ms..=query.end_ms).contains(&e.event.timestamp_ms))
            .filter(|e| after.is_none_or(|a| (e.event.timestamp_ms, e.sequence) > a))
            .filter(|e| pattern.matches(&e.event.message))
            .collect();
        matching.sort_by_key(|e| (e.event.timestamp_ms, e.sequence));
        let limit = query
            .limit
            .and_then(|l| usize::try_from(l).ok())
            .unwrap_or(PAGE_EVENTS)
            .clamp(1, PAGE_EVENTS);
        let more = matching.len() > limit;
        matching.truncate(limit);
        let next_token = match matching.last() {
            Some(last) if more => Some(format!("{}:{}", last.event.timestamp_ms, last.sequence)),
            _ => None,
        };
        Ok(LogPage {
            events: matching.into_iter().map(|e| e.event.clone()).collect(),
            next_token,
        })
    }

    fn describe(&self, name: &str) -> Option<LogGroupInfo> {
        let group = self.groups.get(name)?;
        Some(LogGroupInfo {
            name: name.to_string(),
            stored_bytes: Some(group.stored_bytes),
            creation_ms: Some(group.created_ms),
            retention_days: None,
        })
    }
}

fn parse_token(token: &str) -> Result<(i64, u64), ApiError> {
    let invalid = || {
        aws_error(
            "FilterLogEvents",
            "InvalidParameterException",
            400,
            "The specified nextToken is invalid.",
        )
    };
    let (ts, sequence) = token.split_once(':').ok_or_else(invalid)?;
    Ok((
        ts.parse().map_err(|_| invalid())?,
        sequence.parse().map_err(|_| invalid())?,
    ))
}

#[async_trait]
impl LogSource for SimFleet {
    async fn filter_log_events(&self, query: &LogQuery) -> Result<LogPage, ApiError> {
        self.world().logs.filter(query)
    }

    async fn describe_log_group(&self, name: &str) -> Result<Option<LogGroupInfo>, ApiError> {
        Ok(self.world().logs.describe(name))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn query(pattern: &str) -> LogQuery {
        LogQuery {
            log_group: "/aws/lambda/f".into(),
            start_ms: 0,
            end_ms: 10_000,
            filter_pattern: Some(pattern.into()),
            ..LogQuery::default()
        }
    }

    fn logs() -> SimLogs {
        let mut logs = SimLogs::default();
        for (ts, line) in [
            (5, "START RequestId: r1"),
            (1, "ERROR id-1"),
            (9, "INFO id-2"),
        ] {
            logs.put("/aws/lambda/f", "s", ts, line.to_string());
        }
        logs
    }

    fn messages(page: &LogPage) -> Vec<&str> {
        page.events.iter().map(|e| e.message.as_str()).collect()
    }

    #[test]
    fn terms_all_match_and_question_marks_any() {
        let logs = logs();
        let all = logs.filter(&query("\"id-1\" ERROR")).expect("filter");
        assert_eq!(messages(&all), ["ERROR id-1"]);
        let any = logs.filter(&query("?\"id-1\" ?\"id-2\"")).expect("filter");
        assert_eq!(messages(&any), ["ERROR id-1", "INFO id-2"], "oldest first");
        assert!(logs.filter(&query("{ $.level = \"ERROR\" }")).is_err());
        let missing = LogQuery {
            log_group: "/aws/lambda/none".into(),
            ..query("")
        };
        let error = logs.filter(&missing).expect_err("no group");
        assert_eq!(error.kind, crate::aws::ErrorKind::NotFound);
    }

    #[test]
    fn a_group_keeps_its_newest_bytes() {
        let mut logs = SimLogs::default();
        let line = "x".repeat(1_000);
        for at in 0..3_000 {
            logs.put("/aws/lambda/f", "s", at, line.clone());
        }
        let info = logs.describe("/aws/lambda/f").expect("group");
        assert_eq!(info.stored_bytes, Some(GROUP_CAPACITY_BYTES));
        let all = logs
            .filter(&LogQuery {
                end_ms: 10_000,
                ..query("")
            })
            .expect("page");
        assert_eq!(
            all.events.first().map(|e| e.timestamp_ms),
            Some(1_000),
            "the oldest went"
        );
    }

    #[test]
    fn pages_follow_their_token_and_the_window_bounds() {
        let logs = logs();
        let first = logs
            .filter(&LogQuery {
                limit: Some(2),
                ..query("")
            })
            .expect("page");
        assert_eq!(messages(&first), ["ERROR id-1", "START RequestId: r1"]);
        let second = logs
            .filter(&LogQuery {
                next_token: first.next_token.clone(),
                limit: Some(2),
                ..query("")
            })
            .expect("page");
        assert_eq!(messages(&second), ["INFO id-2"]);
        assert_eq!(second.next_token, None);
        let window = logs
            .filter(&LogQuery {
                start_ms: 2,
                end_ms: 8,
                ..query("")
            })
            .expect("window");
        assert_eq!(messages(&window), ["START RequestId: r1"]);
    }
}
