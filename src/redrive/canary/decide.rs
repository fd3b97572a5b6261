//! From what the watch saw to the verdict and its one line. Pure: every rule here is a
//! unit test away.
//!
//! * **not safe**: a moved message came back to the DLQ, or the consumers reported errors
//!   during the watch, or their logs showed error signatures since the canary started;
//! * **safe**: none of that, and the consumers were positively checked: their Errors metric
//!   answered over a watch of at least one CloudWatch period, and every one of them polls;
//! * **unknown**: nothing moved, the watch was stopped, no consumer was found or its metrics
//!   did not answer (a DLQ read alone proves nothing: a consumer that never ran returns
//!   nothing either), a consumer's event source mapping is not Enabled (it never received
//!   the moved messages), or the watch was shorter than one period (60 s) so the metrics
//!   could not have seen an error. Logs saying nothing prove nothing: the function may not log.
//!
//! Throttles alone do not make a canary unsafe (the code did not fail), but they are said:
//! a throttled message is received again, and may reach the DLQ if it stays throttled.

use serde::Serialize;

use super::duration_text;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Outcome {
    Safe,
    NotSafe,
    Unknown,
}

/// An error signature seen in the consumers' logs since the canary started.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct SignatureSeen {
    /// From the logs: only the output gate may print it.
    pub signature: String,
    pub count: u64,
    pub functions: Vec<String>,
}

/// The shortest watch whose metrics can judge: CloudWatch sums Lambda's Errors by the minute.
pub const METRIC_PERIOD_S: u64 = 60;

/// What the watch saw, and what it makes of it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Verdict {
    pub verdict: Outcome,
    pub moved: u64,
    /// Moved messages found back in the DLQ; `None`: the DLQ could not be read for them.
    pub back_in_dlq: Option<u64>,
    /// How the DLQ was checked, or why it was not.
    pub dlq_check: String,
    /// How much the DLQ's count changed over the watch (any message, not only the canary's).
    pub dlq_change: Option<i64>,
    pub watched_s: u64,
    pub watch_length_s: u64,
    /// A moved message came back: no need to wait longer.
    pub ended_early: bool,
    /// Ctrl-C or `x` stopped the watch.
    pub cancelled: bool,
    /// The functions consuming the destinations.
    pub consumers: Vec<String>,
    /// Consumers that did not poll during the watch: "webhooks-sender is Disabled".
    pub not_polling: Vec<String>,
    /// Sum of their Errors over the watch; `None`: not read.
    pub errors: Option<u64>,
    pub throttles: Option<u64>,
    /// Why the metrics could not be read.
    pub metrics_note: Option<String>,
    pub signatures: Vec<SignatureSeen>,
    /// Why the logs could not be read ("logs unavailable: …").
    pub logs_note: Option<String>,
    /// The verdict in one line.
    pub line: String,
}

/// What the checks found, before it is judged.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Seen {
    pub moved: u64,
    pub back_in_dlq: Option<u64>,
    pub dlq_check: String,
    pub dlq_change: Option<i64>,
    pub watched_s: u64,
    pub watch_length_s: u64,
    pub ended_early: bool,
    pub cancelled: bool,
    pub consumers: Vec<String>,
    pub not_polling: Vec<String>,
    pub errors: Option<u64>,
    pub throttles: Option<u64>,
    pub metrics_note: Option<String>,
    pub signatures: Vec<SignatureSeen>,
    pub logs_note: Option<String>,
}

/// The verdict on what was seen.
pub fn judge(seen: Seen) -> Verdict {
    let back = seen.back_in_dlq.unwrap_or(0);
    let errors = seen.errors.unwrap_or(0);
    let verdict = if back > 0 || errors > 0 || !seen.signatures.is_empty() {
        Outcome::NotSafe
    } else if unknown_because(&seen).is_some() {
        Outcome::Unknown
    } else {
        Outcome::Safe
    };
    let line = verdict_line(verdict, &seen);
    Verdict {
        verdict,
        moved: seen.moved,
        back_in_dlq: seen.back_in_dlq,
        dlq_check: seen.dlq_check,
        dlq_change: seen.dlq_change,
        watched_s: seen.watched_s,
        watch_length_s: seen.watch_length_s,
        ended_early: seen.ended_early,
        cancelled: seen.cancelled,
        consumers: seen.consumers,
        not_polling: seen.not_polling,
        errors: seen.errors,
        throttles: seen.throttles,
        metrics_note: seen.metrics_note,
        signatures: seen.signatures,
        logs_note: seen.logs_note,
        line,
    }
}

/// Why nothing positively seen can be called safe, if it cannot.
fn unknown_because(seen: &Seen) -> Option<String> {
    if seen.moved == 0 {
        return Some("nothing moved to judge by".into());
    }
    if seen.cancelled {
        return Some("the watch was stopped".into());
    }
    if !seen.not_polling.is_empty() {
        return Some(format!(
            "{} (the moved messages were not consumed), judge by hand",
            seen.not_polling.join(", ")
        ));
    }
    if seen.errors.is_none() {
        let why = seen
            .metrics_note
            .clone()
            .unwrap_or_else(|| "the consumers' errors could not be read".into());
        return Some(format!("{why}, judge by hand"));
    }
    if seen.watched_s < METRIC_PERIOD_S {
        return Some(format!(
            "a {} watch is shorter than one CloudWatch period (1m), its errors are not in yet",
            duration_text(seen.watched_s)
        ));
    }
    None
}

/// "canary: 10 moved, 0 back in the DLQ, consumer errors 0 in 3m → safe to continue", or
/// "canary: 3 of 10 back in the DLQ; TypeError: … ×3 → do not continue".
fn verdict_line(verdict: Outcome, seen: &Seen) -> String {
    let watched = duration_text(seen.watched_s);
    let mut parts = Vec::new();
    match seen.back_in_dlq {
        Some(back) if back > 0 => parts.push(format!("{back} of {} back in the DLQ", seen.moved)),
        Some(back) => parts.push(format!("{} moved, {back} back in the DLQ", seen.moved)),
        None => parts.push(format!("{} moved, the DLQ not read", seen.moved)),
    }
    match seen.errors {
        Some(errors) => parts.push(format!("consumer errors {errors} in {watched}")),
        None => parts.push("consumer errors unknown".to_string()),
    }
    if let Some(throttles) = seen.throttles.filter(|t| *t > 0) {
        parts.push(format!("throttles {throttles}"));
    }
    let mut line = format!("canary: {}", parts.join(", "));
    if let Some(top) = seen.signatures.first() {
        line.push_str(&format!("; {} ×{}", top.signature, top.count));
        if seen.signatures.len() > 1 {
            line.push_str(&format!(" (+{} more)", seen.signatures.len() - 1));
        }
    }
    let end = match verdict {
        Outcome::Safe => "safe to continue".to_string(),
        Outcome::NotSafe => "do not continue".to_string(),
        Outcome::Unknown => format!(
            "unknown: {}",
            unknown_because(seen).unwrap_or_else(|| "judge by hand".into())
        ),
    };
    format!("{line} → {end}")
}

#[cfg(test)]
mod tests {
    use super::*;

    fn seen() -> Seen {
        Seen {
            moved: 10,
            back_in_dlq: Some(0),
            dlq_check: "read 3 messages".into(),
            watched_s: 180,
            watch_length_s: 180,
            consumers: vec!["f".into()],
            errors: Some(0),
            throttles: Some(0),
            ..Seen::default()
        }
    }

    #[test]
    fn nothing_back_and_no_errors_is_safe() {
        let verdict = judge(seen());
        assert_eq!(verdict.verdict, Outcome::Safe);
        assert_eq!(
            verdict.line,
            "canary: 10 moved, 0 back in the DLQ, consumer errors 0 in 3m → safe to continue"
        );
    }

    #[test]
    fn a_message_back_errors_or_a_signature_is_not_safe() {
        let back = judge(Seen {
            back_in_dlq: Some(3),
            signatures: vec![SignatureSeen {
                signature: "TypeError: x".into(),
                count: 3,
                functions: vec!["f".into()],
            }],
            ..seen()
        });
        assert_eq!(back.verdict, Outcome::NotSafe);
        assert_eq!(
            back.line,
            "canary: 3 of 10 back in the DLQ, consumer errors 0 in 3m; TypeError: x ×3 → do not continue"
        );
        let errors = judge(Seen {
            errors: Some(2),
            ..seen()
        });
        assert_eq!(errors.verdict, Outcome::NotSafe);
        let logs_only = judge(Seen {
            back_in_dlq: None,
            errors: None,
            signatures: vec![SignatureSeen {
                signature: "E".into(),
                count: 1,
                functions: Vec::new(),
            }],
            ..seen()
        });
        assert_eq!(logs_only.verdict, Outcome::NotSafe);
    }

    #[test]
    fn throttles_alone_are_said_but_not_unsafe() {
        let verdict = judge(Seen {
            throttles: Some(4),
            ..seen()
        });
        assert_eq!(verdict.verdict, Outcome::Safe);
        assert!(verdict.line.contains("throttles 4"), "{}", verdict.line);
    }

    #[test]
    fn nothing_checked_or_nothing_moved_is_unknown() {
        let unchecked = judge(Seen {
            back_in_dlq: None,
            errors: None,
            throttles: None,
            ..seen()
        });
        assert_eq!(unchecked.verdict, Outcome::Unknown);
        assert!(
            unchecked
                .line
                .ends_with("unknown: the consumers' errors could not be read, judge by hand"),
            "{}",
            unchecked.line
        );
        let nothing = judge(Seen { moved: 0, ..seen() });
        assert_eq!(nothing.verdict, Outcome::Unknown);
        let stopped = judge(Seen {
            cancelled: true,
            ..seen()
        });
        assert_eq!(
            stopped.verdict,
            Outcome::Unknown,
            "a watch cut short proves little"
        );
    }

    #[test]
    fn no_consumer_checked_is_unknown_even_when_the_dlq_was_read() {
        let none_found = judge(Seen {
            consumers: Vec::new(),
            errors: None,
            throttles: None,
            metrics_note: Some("no Lambda consumer of the destinations".into()),
            ..seen()
        });
        assert_eq!(none_found.verdict, Outcome::Unknown);
        assert!(
            none_found
                .line
                .ends_with("unknown: no Lambda consumer of the destinations, judge by hand"),
            "{}",
            none_found.line
        );
        let metrics_failed = judge(Seen {
            errors: None,
            metrics_note: Some("AccessDenied".into()),
            ..seen()
        });
        assert_eq!(metrics_failed.verdict, Outcome::Unknown);
    }

    #[test]
    fn a_consumer_that_does_not_poll_is_unknown() {
        let verdict = judge(Seen {
            not_polling: vec!["webhooks-sender is Disabled".into()],
            ..seen()
        });
        assert_eq!(verdict.verdict, Outcome::Unknown);
        assert!(
            verdict
                .line
                .ends_with("unknown: webhooks-sender is Disabled (the moved messages were not consumed), judge by hand"),
            "{}",
            verdict.line
        );
        let back = judge(Seen {
            not_polling: vec!["f is Disabled".into()],
            back_in_dlq: Some(1),
            ..seen()
        });
        assert_eq!(back.verdict, Outcome::NotSafe, "a message back still wins");
    }

    #[test]
    fn a_watch_shorter_than_one_period_is_unknown_unless_something_was_seen() {
        let short = judge(Seen {
            watched_s: 10,
            ..seen()
        });
        assert_eq!(short.verdict, Outcome::Unknown);
        assert!(
            short.line.ends_with(
                "unknown: a 10s watch is shorter than one CloudWatch period (1m), its errors are not in yet"
            ),
            "{}",
            short.line
        );
        let one_period = judge(Seen {
            watched_s: 60,
            ..seen()
        });
        assert_eq!(one_period.verdict, Outcome::Safe);
        let back = judge(Seen {
            watched_s: 10,
            back_in_dlq: Some(2),
            ..seen()
        });
        assert_eq!(back.verdict, Outcome::NotSafe);
        let errors = judge(Seen {
            watched_s: 10,
            errors: Some(1),
            ..seen()
        });
        assert_eq!(errors.verdict, Outcome::NotSafe);
    }
}
