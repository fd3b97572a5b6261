//! A logs view's rows, laid out when its feed, filter or errors-only toggle changes (never
//! per frame): one row per line, a stack trace's lines below it, a header row per
//! invocation of a message. Every text is escaped here by the one rule (log lines carry
//! user input) and again when drawn.

use crate::app::logs::{Feed, FeedKind};
use crate::app::row_filter::RowFilter;
use crate::domain::untrusted::escape_owned;
use crate::logs::{Invocation, LineKind, LogLine, Signature};

/// A message's lines shown at most (a stack trace is long; its top is what tells).
const MAX_MESSAGE_ROWS: usize = 40;

/// How a row is shown.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Tone {
    Plain,
    Error,
    /// START, END, REPORT: Lambda's own lines.
    Platform,
    /// A line naming the message the view is about.
    Naming,
    /// An invocation's header.
    Header,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LogRow {
    /// `hh:mm:ss` UTC on a line's first row, empty below it.
    pub time: String,
    pub function: String,
    pub level: String,
    pub text: String,
    pub tone: Tone,
}

/// `hh:mm:ss` UTC of `ms` since the epoch.
pub fn clock(ms: i64) -> String {
    let s = (ms / 1000).rem_euclid(86_400);
    format!("{:02}:{:02}:{:02}", s / 3600, s / 60 % 60, s % 60)
}

/// What the `/` filter and `e` keep.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Keep {
    pub filter: Option<RowFilter>,
    pub errors_only: bool,
}

impl Keep {
    pub fn keeps(&self, line: &LogLine) -> bool {
        if self.errors_only && !line.is_error() {
            return false;
        }
        self.filter.as_ref().is_none_or(|f| {
            let level = line.level.as_deref().unwrap_or("");
            f.matches(&format!("{} {level} {}", line.function, line.message))
        })
    }
}

/// The rows of one line: its first line, then its stack trace (bounded).
pub fn line_rows(line: &LogLine, naming: bool) -> Vec<LogRow> {
    let tone = match () {
        _ if naming => Tone::Naming,
        _ if line.is_error() => Tone::Error,
        _ if line.kind != LineKind::App => Tone::Platform,
        _ => Tone::Plain,
    };
    // A tab is only spacing: shown as a space, not as the rule's visible `\t`.
    let spaced = line.message.trim_end().replace('\t', " ");
    let mut parts = spaced.split('\n');
    let mut first = parts
        .next()
        .unwrap_or_default()
        .trim_end_matches('\r')
        .to_string();
    // A JSON line names its record in a field: shown, so a batch's lines tell apart.
    let unnamed: Vec<&str> = line
        .message_ids
        .iter()
        .map(String::as_str)
        .filter(|id| !line.message.contains(id))
        .collect();
    if !unnamed.is_empty() {
        first.push_str(&format!("  messageId {}", unnamed.join(", ")));
    }
    // In front, so that a narrow terminal cuts the line, never the mark (ASCII: every
    // locale shows it, colour or not).
    let text = match naming {
        true => format!(">> {}", escape_owned(first)),
        false => escape_owned(first),
    };
    let mut rows = vec![LogRow {
        time: clock(line.timestamp_ms),
        function: escape_owned(line.function.clone()),
        level: escape_owned(line.level.clone().unwrap_or_default()),
        text,
        tone,
    }];
    let rest: Vec<&str> = parts.collect();
    let shown = rest.len().min(MAX_MESSAGE_ROWS);
    for part in &rest[..shown] {
        rows.push(LogRow {
            time: String::new(),
            function: String::new(),
            level: String::new(),
            text: escape_owned(part.trim_end_matches('\r').to_string()),
            tone: if tone == Tone::Naming {
                Tone::Error
            } else {
                tone
            },
        });
    }
    if rest.len() > shown {
        rows.push(LogRow {
            time: String::new(),
            function: String::new(),
            level: String::new(),
            text: format!("… {} more lines", rest.len() - shown),
            tone: Tone::Platform,
        });
    }
    rows
}

fn header(invocation: &Invocation) -> LogRow {
    let outcome = if invocation.failed() {
        "failed"
    } else {
        "succeeded"
    };
    LogRow {
        time: invocation
            .lines
            .first()
            .map(|l| clock(l.timestamp_ms))
            .unwrap_or_default(),
        function: escape_owned(invocation.function.clone()),
        level: String::new(),
        text: escape_owned(format!(
            "── invocation {} ({outcome}, {} lines) ──",
            invocation.request_id,
            invocation.lines.len()
        )),
        tone: Tone::Header,
    }
}

/// The rows of a feed: its lines, or a message's invocations whole (the lines naming it
/// marked), what `keep` keeps.
pub fn layout(feed: &Feed, keep: &Keep) -> Vec<LogRow> {
    let FeedKind::Message(message) = &feed.kind else {
        return feed
            .lines
            .iter()
            .filter(|l| keep.keeps(l))
            .flat_map(|l| line_rows(l, false))
            .collect();
    };
    let names = |line: &LogLine| {
        message
            .ids
            .iter()
            .any(|id| line.message.contains(id.as_str()) || line.message_ids.contains(id))
    };
    if feed.invocations.is_empty() {
        return feed
            .naming
            .iter()
            .filter(|l| keep.keeps(l))
            .flat_map(|l| line_rows(l, true))
            .collect();
    }
    let mut rows = Vec::new();
    for invocation in &feed.invocations {
        let kept: Vec<&LogLine> = invocation.lines.iter().filter(|l| keep.keeps(l)).collect();
        if kept.is_empty() {
            continue;
        }
        rows.push(header(invocation));
        rows.extend(kept.into_iter().flat_map(|l| line_rows(l, names(l))));
    }
    rows
}

/// The signatures of what the feed holds (a message's: of its invocations' lines).
pub fn feed_signatures(feed: &Feed) -> Vec<Signature> {
    match feed.kind {
        FeedKind::Lines { .. } => crate::logs::signatures(&feed.lines),
        FeedKind::Message(_) => {
            let lines: Vec<LogLine> = feed
                .invocations
                .iter()
                .flat_map(|i| i.lines.iter().cloned())
                .collect();
            crate::logs::signatures(&lines)
        }
    }
}
