//! How `squall logs` prints: log lines (human, or JSON lines with function, log group,
//! stream, timestamp, request id, level and message), invocations, and error signatures.
//! Every string from a log passes the one escaping rule: log lines carry user input.

use std::fmt::Write;

use serde_json::json;

use crate::domain::untrusted::{escape, json_safe};
use crate::logs::{Invocation, LogLine, Signature};

fn rfc3339_ms(ms: i64) -> String {
    crate::messages::record::rfc3339_ms(u64::try_from(ms).unwrap_or(0))
}

/// One line as JSON (one object, one line of output).
pub fn line_json(line: &LogLine) -> serde_json::Value {
    json!({
        "function": line.function,
        "log_group": line.log_group,
        "stream": line.stream,
        "timestamp": rfc3339_ms(line.timestamp_ms),
        "timestamp_ms": line.timestamp_ms,
        "request_id": line.request_id,
        "level": line.level,
        "kind": line.kind,
        "message": line.message,
        "message_ids": line.message_ids,
    })
}

/// A JSON value as one line, safe for a terminal.
pub fn json_line(value: &serde_json::Value) -> String {
    format!("{}\n", json_safe(value.to_string()))
}

/// `TIME FUNCTION REQUEST LEVEL message`, the message's further lines indented below it.
pub fn line_text(line: &LogLine) -> String {
    let request = line
        .request_id
        .as_deref()
        .map(|r| r.get(..8).unwrap_or(r))
        .unwrap_or("-");
    let level = line.level.as_deref().unwrap_or("-");
    let mut out = String::new();
    // Tabs separate fields in Lambda's own lines (REPORT): shown as spaces, not as `\t`.
    let message = line.message.replace('\t', "  ");
    let unnamed: Vec<&str> = line
        .message_ids
        .iter()
        .map(String::as_str)
        .filter(|id| !message.contains(id))
        .collect();
    let mut rows = message.split('\n');
    let mut first = rows.next().unwrap_or_default().to_string();
    if !unnamed.is_empty() {
        first = format!("{first}  messageId={}", unnamed.join(","));
    }
    let _ = writeln!(
        out,
        "{} {} {} {:<5} {}",
        rfc3339_ms(line.timestamp_ms),
        escape(&line.function),
        escape(request),
        escape(level),
        escape(first.trim_end_matches('\r'))
    );
    for row in rows {
        let _ = writeln!(out, "    {}", escape(row.trim_end_matches('\r')));
    }
    out
}

/// The lines, as text or JSON lines.
pub fn lines(lines: &[LogLine], as_json: bool) -> String {
    lines
        .iter()
        .map(|l| {
            if as_json {
                json_line(&line_json(l))
            } else {
                line_text(l)
            }
        })
        .collect()
}

/// Each invocation with a header (text), or its lines as JSON lines (each carries its
/// request id).
pub fn invocations(found: &[Invocation], as_json: bool) -> String {
    let mut out = String::new();
    for invocation in found {
        if !as_json {
            let _ = writeln!(
                out,
                "── invocation {} of {}{} ({} lines, {})",
                escape(&invocation.request_id),
                escape(&invocation.function),
                if invocation.failed() { ", failed" } else { "" },
                invocation.lines.len(),
                escape(&invocation.log_group),
            );
        }
        out.push_str(&lines(&invocation.lines, as_json));
    }
    out
}

/// The signatures: a table (count, first and last seen, signature, an example's request)
/// or JSON lines.
pub fn signatures(found: &[Signature], as_json: bool) -> String {
    let mut out = String::new();
    for signature in found {
        if as_json {
            out.push_str(&json_line(&json!({
                "signature": signature.signature,
                "count": signature.count,
                "first_seen": rfc3339_ms(signature.first_ms),
                "last_seen": rfc3339_ms(signature.last_ms),
                "functions": signature.functions,
                "examples": signature.examples.iter().map(line_json).collect::<Vec<_>>(),
            })));
            continue;
        }
        let _ = writeln!(
            out,
            "×{:<6} {} … {}  {}",
            signature.count,
            rfc3339_ms(signature.first_ms),
            rfc3339_ms(signature.last_ms),
            escape(&signature.signature),
        );
        let _ = writeln!(
            out,
            "        in {}; e.g. request {}",
            escape(&signature.functions.join(", ")),
            escape(
                signature
                    .examples
                    .first()
                    .and_then(|e| e.request_id.as_deref())
                    .unwrap_or("-")
            ),
        );
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::logs::LineKind;

    fn line(message: &str) -> LogLine {
        LogLine {
            function: "f".into(),
            log_group: "/aws/lambda/f".into(),
            stream: "s".into(),
            timestamp_ms: 1_767_225_600_000,
            request_id: Some("6f1c2a9e-3b4d-4e5f-8a7b-1c2d3e4f5a6b".into()),
            level: Some("ERROR".into()),
            kind: LineKind::App,
            message: message.into(),
            message_ids: vec!["m-1".into()],
            error: None,
        }
    }

    #[test]
    fn what_a_log_carries_cannot_drive_the_terminal() {
        let hostile = "boom \u{1b}]52;c;aGk=\u{7} \u{9b}31m \u{202e}gnp.exe\nat x";
        let text = line_text(&line(hostile));
        assert!(!text.contains('\u{1b}') && !text.contains('\u{9b}') && !text.contains('\u{202e}'));
        assert!(text.contains("\\x1b]52"), "{text}");
        assert!(text.ends_with("\n    at x\n"), "the stack indented: {text}");
        assert!(
            text.contains("messageId=m-1"),
            "a JSON line's message id shown: {text}"
        );
        let report = line_text(&line("REPORT RequestId: r\tDuration: 2.00 ms"));
        assert!(
            report.contains("RequestId: r  Duration: 2.00 ms"),
            "{report}"
        );
        let json = lines(&[line(hostile)], true);
        assert!(
            !json.contains('\u{9b}') && !json.contains('\u{202e}'),
            "{json}"
        );
        let parsed: serde_json::Value = serde_json::from_str(json.trim()).expect("one JSON line");
        assert_eq!(parsed["message"], hostile, "the exact text, read back");
        assert_eq!(parsed["request_id"], "6f1c2a9e-3b4d-4e5f-8a7b-1c2d3e4f5a6b");
        assert_eq!(parsed["timestamp"], "2026-01-01T00:00:00.000Z");
    }
}
