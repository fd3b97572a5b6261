//! The join: from a message to the consumer log lines that name it, and from those to the
//! whole invocations (START … REPORT, with the stack trace between). Two searches per
//! message, whatever its number of receives: one for its ids (the SQS message id, and for
//! an SNS envelope the SNS MessageId) over the time it was being received, one for the
//! request ids found, in the groups where they were found.

use crate::aws::logs::LogSource;
use crate::domain::message::ReceivedMessage;
use crate::messages::envelope::SnsEnvelope;

use super::search::{SearchOutcome, SearchRequest, search};
use super::{GroupTarget, LogLine, RequestBudget, pattern};

/// At most this many invocations are shown for one message (it was received at most
/// maxReceiveCount times; more is a loop worth seeing, not reading in full).
pub const MAX_INVOCATIONS: usize = 10;
/// The longest a Lambda invocation runs: its lines lie this close to a line naming it.
const MAX_INVOCATION_MS: i64 = 15 * 60_000;
/// Clocks of SQS and of the function differ a little: the window opens this much earlier.
const CLOCK_SLACK_MS: i64 = 60_000;

/// A message as the join needs it: its ids and the time it was being received.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MessageRef {
    pub ids: Vec<String>,
    pub start_ms: i64,
    pub end_ms: i64,
}

impl MessageRef {
    /// A message read from a queue (a DLQ): searched from its first receive
    /// (`ApproximateFirstReceiveTimestamp`, or when it was sent if that is earlier) until
    /// `end_ms` (when it was dead-lettered, if known, else now).
    pub fn from_received(message: &ReceivedMessage, end_ms: i64) -> MessageRef {
        let mut ids = vec![message.message_id.clone()];
        if let Some(envelope) = SnsEnvelope::unwrap(&message.body)
            && !ids.contains(&envelope.message_id)
        {
            ids.push(envelope.message_id);
        }
        // The earlier of the first receive and the send: a message's first receive may be
        // counted again in the DLQ, while a standard queue keeps its original send time.
        let first_receive = message
            .attributes
            .get("ApproximateFirstReceiveTimestamp")
            .and_then(|t| t.parse::<i64>().ok());
        let sent = message.sent_timestamp_ms().map(|t| t as i64);
        let start_ms = match (first_receive, sent) {
            (Some(r), Some(s)) => r.min(s),
            (r, s) => r.or(s).unwrap_or(end_ms - MAX_INVOCATION_MS),
        };
        MessageRef {
            ids,
            start_ms,
            end_ms,
        }
    }
}

/// One invocation of a consumer, every line of it that the window held.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Invocation {
    pub function: String,
    pub log_group: String,
    pub request_id: String,
    pub lines: Vec<LogLine>,
}

impl Invocation {
    /// Whether the invocation failed: an error line, or a timeout.
    pub fn failed(&self) -> bool {
        self.lines.iter().any(LogLine::is_error)
    }
}

#[derive(Debug, Clone, Default)]
pub struct JoinOutcome {
    /// The lines that name the message.
    pub naming: Vec<LogLine>,
    pub invocations: Vec<Invocation>,
    /// The first search (ids) and the second (request ids), for what they read and cost.
    pub searches: Vec<SearchOutcome>,
}

impl JoinOutcome {
    pub fn bytes_read(&self) -> u64 {
        self.searches.iter().map(|s| s.bytes_read).sum()
    }

    pub fn requests(&self) -> u64 {
        self.searches.iter().map(|s| s.requests).sum()
    }
}

/// Finds the lines of `groups` naming `message`, then the invocations they belong to.
pub async fn find_message(
    source: &dyn LogSource,
    budget: &RequestBudget,
    groups: &[GroupTarget],
    message: &MessageRef,
    max_bytes: u64,
) -> Result<JoinOutcome, String> {
    let ids = pattern::any_of(message.ids.iter().map(String::as_str))?;
    let first = search(
        source,
        budget,
        &SearchRequest {
            groups: groups.to_vec(),
            start_ms: message.start_ms - CLOCK_SLACK_MS,
            end_ms: message.end_ms,
            pattern: Some(ids),
            max_bytes,
            max_lines: 1_000,
        },
    )
    .await;
    let naming: Vec<LogLine> = first
        .lines
        .iter()
        .filter(|l| {
            message
                .ids
                .iter()
                .any(|id| l.message.contains(id.as_str()) || l.message_ids.contains(id))
        })
        .cloned()
        .collect();
    let mut outcome = JoinOutcome {
        naming,
        invocations: Vec::new(),
        searches: vec![first],
    };
    whole_invocations(source, budget, &mut outcome, max_bytes).await?;
    outcome
        .invocations
        .sort_by_key(|i| i.lines.first().map(|l| l.timestamp_ms));
    Ok(outcome)
}

/// The invocations of the request ids on the naming lines (at most [`MAX_INVOCATIONS`]):
/// one search per log group, for any of its request ids, around the lines found.
async fn whole_invocations(
    source: &dyn LogSource,
    budget: &RequestBudget,
    outcome: &mut JoinOutcome,
    max_bytes: u64,
) -> Result<(), String> {
    // (group, request id), first seen first.
    let mut wanted: Vec<(GroupTarget, String, i64)> = Vec::new();
    for line in &outcome.naming {
        let Some(request_id) = &line.request_id else {
            continue;
        };
        if wanted.len() < MAX_INVOCATIONS && !wanted.iter().any(|(_, r, _)| r == request_id) {
            let group = GroupTarget {
                function: line.function.clone(),
                log_group: line.log_group.clone(),
            };
            wanted.push((group, request_id.clone(), line.timestamp_ms));
        }
    }
    let mut by_group: Vec<GroupTarget> = wanted.iter().map(|(g, _, _)| g.clone()).collect();
    by_group.sort();
    by_group.dedup();
    for group in by_group {
        let mine: Vec<&(GroupTarget, String, i64)> =
            wanted.iter().filter(|(g, _, _)| *g == group).collect();
        let start_ms =
            mine.iter().map(|(_, _, t)| *t).min().unwrap_or_default() - MAX_INVOCATION_MS;
        let end_ms = mine.iter().map(|(_, _, t)| *t).max().unwrap_or_default() + MAX_INVOCATION_MS;
        let second = search(
            source,
            budget,
            &SearchRequest {
                groups: vec![group.clone()],
                start_ms,
                end_ms,
                pattern: Some(pattern::any_of(mine.iter().map(|(_, r, _)| r.as_str()))?),
                max_bytes,
                max_lines: 10_000,
            },
        )
        .await;
        for (_, request_id, _) in &mine {
            outcome.invocations.push(Invocation {
                function: group.function.clone(),
                log_group: group.log_group.clone(),
                request_id: request_id.clone(),
                lines: second
                    .lines
                    .iter()
                    .filter(|l| l.request_id.as_deref() == Some(request_id.as_str()))
                    .cloned()
                    .collect(),
            });
        }
        outcome.searches.push(second);
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_message_is_searched_by_both_ids_from_its_earliest_known_time() {
        let body = r#"{"Type":"Notification","MessageId":"sns-1","TopicArn":"arn:aws:sns:us-east-1:1:t","Message":"{}"}"#;
        let mut message = ReceivedMessage {
            message_id: "sqs-1".into(),
            receipt_handle: "h".into(),
            body: body.into(),
            md5_of_body: None,
            attributes: [
                ("SentTimestamp".to_string(), "1000".to_string()),
                (
                    "ApproximateFirstReceiveTimestamp".to_string(),
                    "5000".to_string(),
                ),
            ]
            .into(),
            message_attributes: Default::default(),
        };
        let reference = MessageRef::from_received(&message, 9_000);
        assert_eq!(reference.ids, ["sqs-1", "sns-1"]);
        assert_eq!((reference.start_ms, reference.end_ms), (1_000, 9_000));
        message.body = "raw".into();
        message.attributes.remove("SentTimestamp");
        let reference = MessageRef::from_received(&message, 9_000);
        assert_eq!(reference.ids, ["sqs-1"]);
        assert_eq!(reference.start_ms, 5_000);
    }
}
