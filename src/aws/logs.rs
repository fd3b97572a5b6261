//! Reading CloudWatch Logs: `FilterLogEvents`, one page per call (the logs engine turns the
//! pages, so that it can stop at its time, byte and request budget), and `DescribeLogGroups`
//! for a group's stored bytes, from which the engine estimates a search's size before it
//! starts. Nothing here writes a log or runs a Logs Insights query (billed per GB scanned);
//! `StartLiveTail` (`tail`, billed per minute of session) is for following only, and
//! lives as long as its session handle.

use async_trait::async_trait;
use aws_sdk_cloudwatchlogs::Client;

mod tail;

use super::ApiError;
use super::permissions::{Access, Capability, Permission};

const FILTER: &str = "FilterLogEvents";
const DESCRIBE: &str = "DescribeLogGroups";

/// Both can be limited to log group ARNs (`arn:aws:logs:REGION:ACCOUNT:log-group:NAME:*`),
/// but a scoped policy names queue, topic and function patterns only, so they stay on
/// `"*"` there.
pub const PERMISSIONS: &[Permission] = &[
    Permission::new(
        FILTER,
        "logs:FilterLogEvents",
        Capability::Logs,
        Access::Read,
        false,
    ),
    Permission::new(
        DESCRIBE,
        "logs:DescribeLogGroups",
        Capability::Logs,
        Access::Read,
        false,
    ),
    Permission::new(
        tail::START,
        "logs:StartLiveTail",
        Capability::Logs,
        Access::Read,
        false,
    ),
];

/// The most events FilterLogEvents returns in one page.
pub const MAX_PAGE_EVENTS: i32 = 10_000;

/// One page of a search of one log group over `[start_ms, end_ms]`.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct LogQuery {
    pub log_group: String,
    pub start_ms: i64,
    pub end_ms: i64,
    /// A CloudWatch Logs filter pattern: the service does the matching.
    pub filter_pattern: Option<String>,
    pub next_token: Option<String>,
    /// At most this many events in the page.
    pub limit: Option<i32>,
}

/// One log event as CloudWatch Logs stores it.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct LogEvent {
    pub log_stream: String,
    pub timestamp_ms: i64,
    pub message: String,
}

/// One page of events, oldest first within the page, and the token for the next.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct LogPage {
    pub events: Vec<LogEvent>,
    pub next_token: Option<String>,
}

/// What DescribeLogGroups says about a group's size and age.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct LogGroupInfo {
    pub name: String,
    pub stored_bytes: Option<u64>,
    pub creation_ms: Option<i64>,
    pub retention_days: Option<i32>,
}

/// An event of a Live Tail session, under the name of the group it came from.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TailEvent {
    pub log_group: String,
    pub event: LogEvent,
}

/// An open Live Tail session: billed per minute while it lives; dropping it ends it.
#[async_trait]
pub trait LiveTail: Send {
    /// The next batch of new events (the service sends one about every second, often
    /// empty); `None` once the session is over (the service ends one after three hours).
    async fn next(&mut self) -> Result<Option<Vec<TailEvent>>, ApiError>;
}

/// The capability: reading a log group's events, and its size.
#[async_trait]
pub trait LogSource: Send + Sync {
    /// Opens a Live Tail session on the groups named, matching `pattern`. An endpoint
    /// without it (and the simulated world, which polls) answers "unavailable".
    async fn start_live_tail(
        &self,
        _groups: &[String],
        _pattern: Option<&str>,
    ) -> Result<Box<dyn LiveTail>, ApiError> {
        Err(ApiError::unavailable(
            tail::START,
            "no Live Tail on this connection",
        ))
    }

    /// One page of `FilterLogEvents`.
    async fn filter_log_events(&self, query: &LogQuery) -> Result<LogPage, ApiError>;

    /// The group named exactly `name` (`DescribeLogGroups` by prefix), `None` if absent.
    async fn describe_log_group(&self, name: &str) -> Result<Option<LogGroupInfo>, ApiError>;
}

/// A filter pattern of terms: every plain term must appear; with `?` terms, any one.
/// Emulators differ (LocalStack ignores filter patterns, moto ignores `?`), so the logs
/// engine checks what came back with the same rule.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct TermPattern {
    all: Vec<String>,
    any: Vec<String>,
}

impl TermPattern {
    /// The terms of `pattern`; a pattern of another kind (JSON `{ $.x = … }`, space
    /// delimited `[…]`) is refused with the pattern.
    pub fn parse(pattern: &str) -> Result<TermPattern, String> {
        let mut parsed = TermPattern::default();
        let mut rest = pattern.trim();
        while !rest.is_empty() {
            let optional = rest.starts_with('?');
            if optional {
                rest = &rest[1..];
            }
            let (term, after) = if let Some(quoted) = rest.strip_prefix('"') {
                let end = quoted.find('"').ok_or_else(|| pattern.to_string())?;
                (&quoted[..end], &quoted[end + 1..])
            } else {
                let end = rest.find(char::is_whitespace).unwrap_or(rest.len());
                (&rest[..end], &rest[end..])
            };
            if term.is_empty() || term.starts_with('{') || term.starts_with('[') {
                return Err(pattern.to_string());
            }
            if optional {
                parsed.any.push(term.to_string());
            } else {
                parsed.all.push(term.to_string());
            }
            rest = after.trim_start();
        }
        Ok(parsed)
    }

    pub fn matches(&self, text: &str) -> bool {
        self.all.iter().all(|t| text.contains(t.as_str()))
            && (self.any.is_empty() || self.any.iter().any(|t| text.contains(t.as_str())))
    }
}

/// The default of a `Backend` given no logs source: every call is "unavailable".
pub struct NoLogs;

#[async_trait]
impl LogSource for NoLogs {
    async fn filter_log_events(&self, _query: &LogQuery) -> Result<LogPage, ApiError> {
        Err(ApiError::unavailable(
            FILTER,
            "no CloudWatch Logs source on this connection",
        ))
    }

    async fn describe_log_group(&self, _name: &str) -> Result<Option<LogGroupInfo>, ApiError> {
        Err(ApiError::unavailable(
            DESCRIBE,
            "no CloudWatch Logs source on this connection",
        ))
    }
}

/// CloudWatch Logs over the AWS SDK (or an emulator that speaks its protocol).
pub struct SdkLogs {
    client: Client,
    endpoint_url_given: bool,
}

impl SdkLogs {
    pub fn new(client: Client) -> SdkLogs {
        SdkLogs {
            client,
            endpoint_url_given: false,
        }
    }

    /// An endpoint given by URL (an emulator, a proxy): Live Tail goes to it as it is,
    /// not to its `stream-` host.
    pub fn with_endpoint_url(mut self, given: bool) -> SdkLogs {
        self.endpoint_url_given = given;
        self
    }
}

#[async_trait]
impl LogSource for SdkLogs {
    async fn start_live_tail(
        &self,
        groups: &[String],
        pattern: Option<&str>,
    ) -> Result<Box<dyn LiveTail>, ApiError> {
        // Live Tail names groups by ARN; DescribeLogGroups has it (a name where it lacks it).
        let mut named = Vec::new();
        for name in groups {
            let arn = self
                .client
                .describe_log_groups()
                .log_group_name_prefix(name)
                .limit(50)
                .send()
                .await
                .ok()
                .and_then(|o| o.log_groups)
                .unwrap_or_default()
                .into_iter()
                .find(|g| g.log_group_name.as_deref() == Some(name.as_str()))
                .and_then(|g| g.log_group_arn);
            named.push((arn.unwrap_or_else(|| name.clone()), name.clone()));
        }
        tail::start(&self.client, self.endpoint_url_given, named, pattern).await
    }

    async fn filter_log_events(&self, query: &LogQuery) -> Result<LogPage, ApiError> {
        let output = self
            .client
            .filter_log_events()
            .log_group_name(&query.log_group)
            .start_time(query.start_ms)
            .end_time(query.end_ms)
            .set_filter_pattern(query.filter_pattern.clone())
            .set_next_token(query.next_token.clone())
            .set_limit(query.limit.map(|l| l.clamp(1, MAX_PAGE_EVENTS)))
            .send()
            .await
            .map_err(|e| ApiError::from_sdk("FilterLogEvents", e))?;
        let events = output
            .events
            .unwrap_or_default()
            .into_iter()
            .map(|e| LogEvent {
                log_stream: e.log_stream_name.unwrap_or_default(),
                timestamp_ms: e.timestamp.unwrap_or_default(),
                message: e.message.unwrap_or_default(),
            })
            .collect();
        Ok(LogPage {
            events,
            next_token: output.next_token.filter(|t| !t.is_empty()),
        })
    }

    async fn describe_log_group(&self, name: &str) -> Result<Option<LogGroupInfo>, ApiError> {
        let output = self
            .client
            .describe_log_groups()
            .log_group_name_prefix(name)
            .limit(50)
            .send()
            .await
            .map_err(|e| ApiError::from_sdk("DescribeLogGroups", e))?;
        Ok(output
            .log_groups
            .unwrap_or_default()
            .into_iter()
            .find(|g| g.log_group_name.as_deref() == Some(name))
            .map(|g| LogGroupInfo {
                name: name.to_string(),
                stored_bytes: g.stored_bytes.and_then(|b| u64::try_from(b).ok()),
                creation_ms: g.creation_time,
                retention_days: g.retention_in_days,
            }))
    }
}
