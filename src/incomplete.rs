//! What a non-interactive listing could not get after retries, said on stderr so that a
//! partial result is never silent: one line per missing item, as text or (with `--json`)
//! as JSON lines, while stdout keeps the output itself (a valid JSON array with `--json`).
//! The exit code says "incomplete" (`commands::exit::INCOMPLETE`).

use serde::Serialize;

use crate::aws::{ApiError, ErrorKind};
use crate::gate::Shown;
use crate::inventory::{Collected, Source};

/// One thing missing from the output.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(tag = "incomplete", rename_all = "snake_case")]
pub enum Missing {
    /// A whole listing failed (say, subscriptions for `ls queues`): `{"incomplete":
    /// "listing","listing":"subscriptions","error":{...}}`.
    Listing { listing: String, error: ApiError },
    /// A queue was listed but could not be described: `{"incomplete":"queue","url":...,
    /// "error":{...}}`.
    Queue { url: String, error: ApiError },
}

impl Missing {
    /// One line for a person: `squall: incomplete: queue URL not described: ERROR`.
    /// AWS text (URLs, error messages) goes through the one escaping rule.
    pub fn text_line(&self) -> String {
        use crate::domain::untrusted::escape;
        match self {
            Missing::Listing { listing, error } => {
                let error = error.to_string();
                format!(
                    "squall: incomplete: listing {listing} failed: {}",
                    escape(&error)
                )
            }
            Missing::Queue { url, error } => {
                let error = error.to_string();
                format!(
                    "squall: incomplete: queue {} not described: {}",
                    escape(url),
                    escape(&error)
                )
            }
        }
    }

    /// One JSON object on one line, for scripts.
    pub fn json_line(&self) -> Result<String, serde_json::Error> {
        let line = Shown::json_line(self)?.into_string();
        Ok(line.trim_end().to_string())
    }
}

/// Names every missing item on stderr through the output gate: JSON lines with `--json` (so
/// stderr parses as well as stdout), else text lines and, with `summary`, the closing count.
pub fn report(missing: &[Missing], json: bool, summary: bool) -> Result<(), serde_json::Error> {
    let mut lines = Vec::with_capacity(missing.len() + 1);
    for item in missing {
        lines.push(if json {
            item.json_line()?
        } else {
            item.text_line()
        });
    }
    if summary && !json && !missing.is_empty() {
        lines.push(summary_line(missing));
    }
    if !lines.is_empty() {
        let text = lines.join("\n");
        crate::gate::err(&if json {
            Shown::json_text(text)
        } else {
            Shown::text(&text)
        });
    }
    Ok(())
}

/// Everything `collected` lacks apart from the `primary` listing (whose failure fails the
/// command instead): failed listings first, then queues by URL. A queue deleted between
/// listing and describing is not missing: it is gone, and the output says so by leaving it
/// out.
pub fn missing(collected: &Collected, primary: Source) -> Vec<Missing> {
    let listings = collected
        .failed_sources
        .iter()
        .filter(|(source, _)| *source != primary)
        .map(|(source, error)| Missing::Listing {
            listing: source.label().to_string(),
            error: error.clone(),
        });
    let mut queues: Vec<Missing> = collected
        .failed_queues
        .iter()
        .filter(|(_, error)| error.kind != ErrorKind::NotFound)
        .map(|(url, error)| Missing::Queue {
            url: url.clone(),
            error: error.clone(),
        })
        .collect();
    queues.sort_by(|a, b| match (a, b) {
        (Missing::Queue { url: a, .. }, Missing::Queue { url: b, .. }) => a.cmp(b),
        _ => std::cmp::Ordering::Equal,
    });
    listings.chain(queues).collect()
}

/// The closing line of a text report: how much is missing.
pub fn summary_line(missing: &[Missing]) -> String {
    let queues = missing
        .iter()
        .filter(|m| matches!(m, Missing::Queue { .. }))
        .count();
    let listings = missing.len() - queues;
    let mut parts = Vec::new();
    if queues > 0 {
        parts.push(format!(
            "{queues} queue{} not described",
            if queues == 1 { "" } else { "s" }
        ));
    }
    if listings > 0 {
        parts.push(format!(
            "{listings} listing{} failed",
            if listings == 1 { "" } else { "s" }
        ));
    }
    format!(
        "squall: incomplete: {}; the output lacks them (exit code {})",
        parts.join(", "),
        crate::commands::exit::INCOMPLETE
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    fn collected() -> Collected {
        Collected {
            failed_sources: vec![
                (
                    Source::Queues,
                    ApiError::server("ListQueues", "").with_status(500),
                ),
                (
                    Source::Subscriptions,
                    ApiError::access_denied("ListSubscriptions", "not allowed")
                        .with_code("AuthorizationError")
                        .with_status(403),
                ),
            ],
            failed_queues: vec![
                (
                    "http://sqs/1/b".to_string(),
                    ApiError::throttled("GetQueueAttributes", "Request is throttled.")
                        .with_code("RequestThrottled")
                        .with_status(400),
                ),
                (
                    "http://sqs/1/a".to_string(),
                    ApiError::server("GetQueueAttributes", "").with_status(503),
                ),
                (
                    "http://sqs/1/deleted-meanwhile".to_string(),
                    ApiError::not_found(
                        "GetQueueAttributes",
                        "The specified queue does not exist.",
                    )
                    .with_code("AWS.SimpleQueueService.NonExistentQueue"),
                ),
            ],
            ..Collected::default()
        }
    }

    #[test]
    fn missing_lists_secondary_listings_then_queues_by_url_but_not_deleted_queues() {
        let missing = missing(&collected(), Source::Queues);
        let names: Vec<String> = missing
            .iter()
            .map(|m| match m {
                Missing::Listing { listing, .. } => listing.clone(),
                Missing::Queue { url, .. } => url.clone(),
            })
            .collect();
        assert_eq!(names, ["subscriptions", "http://sqs/1/a", "http://sqs/1/b"]);
    }

    #[test]
    fn json_lines_carry_what_and_the_whole_error() {
        let missing = missing(&collected(), Source::Queues);
        let lines: Vec<serde_json::Value> = missing
            .iter()
            .map(|m| serde_json::from_str(&m.json_line().expect("json")).expect("parse"))
            .collect();
        assert_eq!(
            lines[0],
            serde_json::json!({
                "incomplete": "listing",
                "listing": "subscriptions",
                "error": {
                    "kind": "access_denied",
                    "operation": "ListSubscriptions",
                    "code": "AuthorizationError",
                    "status": 403,
                    "message": "not allowed"
                }
            })
        );
        assert_eq!(lines[2]["incomplete"], "queue");
        assert_eq!(lines[2]["url"], "http://sqs/1/b");
        assert_eq!(lines[2]["error"]["kind"], "throttled");
        assert_eq!(lines[2]["error"]["code"], "RequestThrottled");
        assert_eq!(lines[1]["error"]["code"], serde_json::Value::Null);
        assert!(
            missing
                .iter()
                .all(|m| !m.json_line().expect("json").contains('\n'))
        );
    }

    #[test]
    fn text_lines_name_the_item_and_the_error() {
        let missing = missing(&collected(), Source::Queues);
        assert_eq!(
            missing[1].text_line(),
            "squall: incomplete: queue http://sqs/1/a not described: GetQueueAttributes: \
             server error (HTTP 503)"
        );
        assert_eq!(
            summary_line(&missing),
            "squall: incomplete: 2 queues not described, 1 listing failed; the output lacks \
             them (exit code 4)"
        );
    }
}
