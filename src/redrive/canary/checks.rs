//! The watch's checks, one call path each: the destinations' consumers (Lambda event source
//! mappings), the DLQ read for returned messages (an honest sweep: nothing deleted, all made
//! visible again), the consumers' Errors and Throttles (one GetMetricData), and the error
//! signatures in their logs (one bounded search through the logs engine's budget).

use std::collections::BTreeMap;

use tokio_util::sync::CancellationToken;

use super::decide::SignatureSeen;
use super::{CanaryRun, Fingerprint};
use crate::aws::Backend;
use crate::aws::cloudwatch::{MetricQuery, QueryKind, StatSpec};
use crate::domain::md5::{md5_hex, message_attributes_md5};
use crate::domain::message::ReceivedMessage;
use crate::logs::search::human_bytes;
use crate::logs::targets::Consumers;
use crate::logs::{GroupTarget, RequestBudget, SearchRequest, error_signatures_of};
use crate::messages::{PeekEnd, PeekOptions, PeekSink, peek};

/// A DLQ message sent this long before the canary started is not one of its messages
/// (SentTimestamp is AWS's clock, the start is this machine's: a margin for the skew).
const CLOCK_MARGIN_MS: i64 = 60_000;
/// The log lines read for signatures at most (the bytes: `WatchOptions::max_log_bytes`).
const LOG_LINES: usize = 20_000;

/// The functions consuming what the canary moved, and those of them that do not poll.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Found {
    pub targets: Vec<GroupTarget>,
    /// "webhooks-sender is Disabled": a mapping that is not Enabled never received them.
    pub not_polling: Vec<String>,
}

/// The functions consuming the canary's destinations (on the invoke route, the function
/// invoked), or why they are not known.
pub async fn consumers(backend: &Backend, canary: &CanaryRun) -> Result<Found, String> {
    let all = Consumers::load(backend)
        .await
        .map_err(|e| format!("the consumers could not be listed: {e}"))?;
    if let Some(function) = &canary.invoked {
        // An asynchronous invoke needs no mapping: the function runs whatever its state.
        let target = all.function(function).ok_or_else(|| {
            format!("the invoked function {function} was not found among the functions")
        })?;
        return Ok(Found {
            targets: vec![target],
            not_polling: Vec::new(),
        });
    }
    let arns = || canary.destinations.iter().map(|d| d.arn.as_str());
    Ok(Found {
        targets: all.of_queues(arns()),
        not_polling: all.not_polling(arns()),
    })
}

/// The DLQ messages found so far that are moved messages come back, by DLQ message id.
#[derive(Debug, Default)]
pub struct Returned {
    found: BTreeMap<String, Fingerprint>,
}

impl Returned {
    /// How many moved messages are back: each DLQ message counts once, and a fingerprint at
    /// most as often as the canary moved it.
    pub fn count(&self, canary: &CanaryRun) -> u64 {
        let mut left: Vec<&Fingerprint> = canary.moved.iter().collect();
        let mut back = 0;
        // An event invoked again that fails again comes back with Lambda's new RequestID,
        // ErrorCode and ErrorMessage: on the invoke route the body alone recognises it.
        let body_only = canary.invoked.is_some();
        for found in self.found.values() {
            if let Some(i) = left.iter().position(|m| same(m, found, body_only)) {
                left.swap_remove(i);
                back += 1;
            }
        }
        back
    }
}

/// Same body, and same attributes where both are known (and they are asked for).
fn same(moved: &Fingerprint, found: &Fingerprint, body_only: bool) -> bool {
    moved.body_md5 == found.body_md5
        && match (&moved.attributes_md5, &found.attributes_md5) {
            _ if body_only => true,
            (Some(a), Some(b)) => a == b,
            _ => true,
        }
}

/// What one read of the DLQ did.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SweepReport {
    pub read: usize,
    /// Every visible message was read (the sweep ended on an empty receive).
    pub complete: bool,
    pub error: Option<String>,
}

/// Collects the DLQ messages that look like moved ones.
struct Matcher<'a> {
    canary: &'a CanaryRun,
    returned: &'a mut Returned,
}

impl PeekSink for Matcher<'_> {
    fn accept(&mut self, message: ReceivedMessage) -> Result<(), String> {
        let sent_after = message
            .sent_timestamp_ms()
            .and_then(|s| i64::try_from(s).ok())
            .is_none_or(|s| s >= self.canary.started_ms - CLOCK_MARGIN_MS);
        let print = Fingerprint {
            body_md5: md5_hex(message.body.as_bytes()),
            attributes_md5: Some(message_attributes_md5(&message.message_attributes)),
        };
        let body_only = self.canary.invoked.is_some();
        if sent_after && self.canary.moved.iter().any(|m| same(m, &print, body_only)) {
            self.returned.found.insert(message.message_id, print);
        }
        Ok(())
    }
}

/// Reads up to `cap` DLQ messages (a sweep: each is held briefly and all are made visible
/// again at the end; nothing is deleted) and notes the moved ones come back. A receive
/// counts toward a redrive policy of the DLQ's own: the caller does not sweep such a DLQ.
pub async fn sweep(
    backend: &Backend,
    canary: &CanaryRun,
    cap: usize,
    returned: &mut Returned,
    cancel: &CancellationToken,
) -> SweepReport {
    let options = PeekOptions {
        // At least a sweep's shape (more than one receive): a sample reads only one.
        count: cap.max(crate::messages::peek::MAX_PER_RECEIVE + 1),
        wait_seconds: 1,
        ..PeekOptions::new(cap, cap)
    };
    let mut matcher = Matcher { canary, returned };
    let report = peek(
        backend.messages.as_ref(),
        &canary.dlq_url,
        &options,
        cancel,
        &mut matcher,
    )
    .await;
    let error = match &report.end {
        PeekEnd::Failed(error) => Some(error.to_string()),
        _ => report
            .release
            .error
            .as_ref()
            .map(|e| format!("some messages read stay hidden for 30 s: {e}")),
    };
    SweepReport {
        read: report.progress.read,
        complete: report.end == PeekEnd::Drained,
        error,
    }
}

/// Errors and Throttles of the consumers, summed over `[start_ms, end_ms]` by the minute
/// (from the minute the canary started), or why they could not be read.
pub async fn errors_and_throttles(
    backend: &Backend,
    consumers: &[GroupTarget],
    start_ms: i64,
    end_ms: i64,
) -> Result<(u64, u64), String> {
    let query = |id: String, metric: &str, function: &str| MetricQuery {
        id,
        kind: QueryKind::Stat(StatSpec {
            namespace: "AWS/Lambda".to_string(),
            metric: metric.to_string(),
            dimensions: BTreeMap::from([("FunctionName".to_string(), function.to_string())]),
            stat: "Sum".to_string(),
            period_s: 60,
        }),
        return_data: true,
    };
    let queries: Vec<MetricQuery> = consumers
        .iter()
        .enumerate()
        .flat_map(|(i, c)| {
            [
                query(format!("e{i}"), "Errors", &c.function),
                query(format!("t{i}"), "Throttles", &c.function),
            ]
        })
        .collect();
    let minute = 60_000;
    let start = start_ms - start_ms.rem_euclid(minute);
    let end = end_ms + (minute - end_ms.rem_euclid(minute)) % minute;
    let series = backend
        .metrics
        .get_metric_data(&queries, start, end.max(start + minute))
        .await
        .map_err(|e| crate::metrics::unavailable_reason(&e))?;
    let sum = |prefix: char| -> u64 {
        series
            .iter()
            .filter(|s| s.id.starts_with(prefix))
            .flat_map(|s| s.points.iter())
            .map(|(_, v)| v.max(0.0).round() as u64)
            .sum()
    };
    Ok((sum('e'), sum('t')))
}

/// The error signatures in the consumers' logs over `[start_ms, end_ms]`, most frequent
/// first, and a note when the logs could not be read (all or in part).
pub async fn signatures_since(
    backend: &Backend,
    consumers: &[GroupTarget],
    (start_ms, end_ms): (i64, i64),
    max_bytes: u64,
) -> (Vec<SignatureSeen>, Option<String>) {
    let request = SearchRequest {
        groups: consumers.to_vec(),
        start_ms,
        end_ms,
        pattern: None,
        max_bytes,
        max_lines: LOG_LINES,
    };
    let budget = RequestBudget::default();
    let (found, outcome) = error_signatures_of(backend.logs.as_ref(), &budget, request).await;
    let seen = found
        .into_iter()
        .map(|s| SignatureSeen {
            signature: s.signature,
            count: s.count,
            functions: s.functions,
        })
        .collect();
    let note = if let Some(error) = outcome.unavailable() {
        Some(format!("logs unavailable: {error}"))
    } else if !outcome.failures.is_empty() {
        let groups: Vec<&str> = outcome.failures.iter().map(|(g, _)| g.as_str()).collect();
        Some(format!("logs not read from {}", groups.join(", ")))
    } else {
        outcome
            .stopped_early
            .map(|why| format!("logs {why} ({} read)", human_bytes(outcome.bytes_read)))
    };
    (seen, note)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn print(body: &str, attributes: Option<&str>) -> Fingerprint {
        Fingerprint {
            body_md5: body.into(),
            attributes_md5: attributes.map(str::to_string),
        }
    }

    #[test]
    fn a_message_back_needs_the_same_body_and_attributes_and_counts_once() {
        let canary = CanaryRun {
            dlq_url: "u".into(),
            dlq_name: "d".into(),
            destinations: Vec::new(),
            invoked: None,
            moved: vec![
                print("b1", Some("a")),
                print("b1", Some("a")),
                print("b2", None),
            ],
            started_ms: 0,
        };
        let mut returned = Returned::default();
        let mut found = |id: &str, p: Fingerprint| {
            returned.found.insert(id.to_string(), p);
        };
        found("m1", print("b1", Some("other")));
        found("m2", print("b3", Some("a")));
        assert_eq!(returned.count(&canary), 0, "other attributes, other body");
        let mut returned = Returned::default();
        for id in ["m1", "m2", "m3"] {
            returned.found.insert(id.into(), print("b1", Some("a")));
        }
        returned.found.insert("m4".into(), print("b2", Some("x")));
        assert_eq!(
            returned.count(&canary),
            3,
            "b1 moved twice counts twice at most; b2's journal had no attributes"
        );
    }
}
