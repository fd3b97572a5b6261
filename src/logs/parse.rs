//! Reading one Lambda log event: the platform lines (START, END, REPORT, "Task timed out",
//! and their JSON `platform.*` records), the runtimes' Text lines (Node.js
//! `TIME\tREQUEST\tLEVEL\ttext`, Python `[LEVEL]\tTIME\tREQUEST\ttext`) and JSON lines
//! (`LogFormat = JSON`, Powertools): level, message, request id, and any field that holds a
//! message id.

use serde_json::Value;

use super::{LineKind, LogLine};
use crate::aws::logs::LogEvent;

/// Keys whose value is a request id, in JSON lines of the runtimes and of Powertools.
const REQUEST_ID_KEYS: [&str; 4] = [
    "requestId",
    "function_request_id",
    "AWSRequestId",
    "aws_request_id",
];

/// `event` of `function`'s group `log_group`, parsed.
pub fn parse_event(function: &str, log_group: &str, event: &LogEvent) -> LogLine {
    let mut line = LogLine {
        function: function.to_string(),
        log_group: log_group.to_string(),
        stream: event.log_stream.clone(),
        timestamp_ms: event.timestamp_ms,
        request_id: None,
        level: None,
        kind: LineKind::App,
        message: event.message.trim_end().to_string(),
        message_ids: Vec::new(),
        error: None,
    };
    let text = event.message.trim();
    if text.starts_with('{')
        && let Ok(Value::Object(json)) = serde_json::from_str::<Value>(text)
    {
        read_json(&mut line, &json);
        return line;
    }
    read_text(&mut line, text);
    line
}

fn read_json(line: &mut LogLine, json: &serde_json::Map<String, Value>) {
    let record = json.get("record").and_then(Value::as_object);
    line.kind = match json.get("type").and_then(Value::as_str) {
        Some("platform.start") => LineKind::Start,
        Some("platform.runtimeDone") => LineKind::End,
        Some("platform.report") => LineKind::Report,
        _ => LineKind::App,
    };
    line.request_id = REQUEST_ID_KEYS
        .iter()
        .find_map(|k| json.get(*k).or_else(|| record.and_then(|r| r.get(*k))))
        .and_then(Value::as_str)
        .map(str::to_string);
    line.level = ["level", "levelname", "severity"]
        .iter()
        .find_map(|k| json.get(*k))
        .and_then(Value::as_str)
        .map(str::to_ascii_uppercase);
    if let Some(message) = ["message", "msg"]
        .iter()
        .find_map(|k| json.get(*k))
        .and_then(Value::as_str)
    {
        line.message = message.to_string();
    }
    if let Some(error) = json.get("error").and_then(Value::as_object) {
        let field = |k: &str| error.get(k).and_then(Value::as_str).unwrap_or_default();
        line.error = Some(format!("{}: {}", field("name"), field("message")));
        if let Some(stack) = error.get("stack").and_then(Value::as_str) {
            line.message = format!("{}\n{stack}", line.message);
        }
    }
    if let Some(record) = record.filter(|_| line.kind != LineKind::App) {
        line.message = platform_text(line.kind, line.request_id.as_deref(), record);
        if record.get("status").and_then(Value::as_str) == Some("timeout") {
            line.kind = LineKind::Timeout;
        }
    }
    collect_message_ids(&Value::Object(json.clone()), &mut line.message_ids);
}

/// A JSON `platform.*` record as Lambda writes it in Text format, so both read alike.
fn platform_text(
    kind: LineKind,
    request_id: Option<&str>,
    record: &serde_json::Map<String, Value>,
) -> String {
    let id = request_id.unwrap_or("-");
    let metrics = record.get("metrics").and_then(Value::as_object);
    let metric = |k: &str| metrics.and_then(|m| m.get(k)).and_then(Value::as_f64);
    match kind {
        LineKind::Start => format!("START RequestId: {id}"),
        LineKind::End => format!("END RequestId: {id}"),
        _ => {
            let mut text = format!("REPORT RequestId: {id}");
            for (key, label, unit) in [
                ("durationMs", "Duration", "ms"),
                ("billedDurationMs", "Billed Duration", "ms"),
                ("memorySizeMB", "Memory Size", "MB"),
                ("maxMemoryUsedMB", "Max Memory Used", "MB"),
            ] {
                if let Some(value) = metric(key) {
                    text.push_str(&format!("\t{label}: {value:.2} {unit}"));
                }
            }
            if let Some(status) = record.get("status").and_then(Value::as_str) {
                text.push_str(&format!("\tStatus: {status}"));
            }
            text
        }
    }
}

/// Every string under a key named like a message id (`messageId`, `message_id`,
/// `sqsMessageId`, `MessageId`), at any depth.
fn collect_message_ids(value: &Value, into: &mut Vec<String>) {
    match value {
        Value::Object(map) => {
            for (key, inner) in map {
                let lower = key.to_ascii_lowercase().replace('_', "");
                if lower.ends_with("messageid")
                    && let Some(id) = inner.as_str()
                    && !into.iter().any(|i| i == id)
                {
                    into.push(id.to_string());
                }
                collect_message_ids(inner, into);
            }
        }
        Value::Array(items) => items.iter().for_each(|i| collect_message_ids(i, into)),
        _ => {}
    }
}

fn read_text(line: &mut LogLine, text: &str) {
    for (prefix, kind) in [
        ("START RequestId: ", LineKind::Start),
        ("END RequestId: ", LineKind::End),
        ("REPORT RequestId: ", LineKind::Report),
    ] {
        if let Some(rest) = text.strip_prefix(prefix) {
            line.kind = kind;
            line.request_id = rest.split_whitespace().next().map(str::to_string);
            return;
        }
    }
    let fields: Vec<&str> = text.splitn(4, '\t').collect();
    if fields.len() == 4 && fields[0].starts_with('[') && fields[0].ends_with(']') {
        // Python: [LEVEL]  TIME  REQUEST  text
        line.level = Some(fields[0].trim_matches(['[', ']']).to_ascii_uppercase());
        line.request_id = Some(fields[2].to_string());
        line.message = fields[3].to_string();
    } else if fields.len() == 4 && looks_like_request_id(fields[1]) {
        // Node.js, Java, .NET: TIME  REQUEST  LEVEL  text
        line.request_id = Some(fields[1].to_string());
        line.level = Some(fields[2].to_ascii_uppercase());
        line.message = fields[3].to_string();
    } else if fields.len() >= 3 && looks_like_request_id(fields[1]) {
        line.request_id = Some(fields[1].to_string());
        line.message = fields[2..].join("\t");
    }
    if line.request_id.is_none() {
        // "TIME REQUEST Task timed out after 5.00 seconds": spaces, not tabs.
        let words: Vec<&str> = text.splitn(3, ' ').collect();
        if words.len() == 3 && looks_like_request_id(words[1]) {
            line.request_id = Some(words[1].to_string());
        }
    }
    if line.message.contains("Task timed out after") {
        line.kind = LineKind::Timeout;
        line.level.get_or_insert_with(|| "ERROR".to_string());
    }
}

/// A Lambda request id: a UUID.
fn looks_like_request_id(text: &str) -> bool {
    text.len() == 36
        && text.chars().enumerate().all(|(i, c)| match i {
            8 | 13 | 18 | 23 => c == '-',
            _ => c.is_ascii_hexdigit(),
        })
}

#[cfg(test)]
mod tests {
    use super::*;

    const ID: &str = "6f1c2a9e-3b4d-4e5f-8a7b-1c2d3e4f5a6b";

    fn parse(message: &str) -> LogLine {
        let event = LogEvent {
            log_stream: "s".into(),
            timestamp_ms: 1,
            message: message.into(),
        };
        parse_event("f", "/aws/lambda/f", &event)
    }

    #[test]
    fn platform_lines_carry_their_request_id() {
        let start = parse(&format!("START RequestId: {ID} Version: $LATEST"));
        assert_eq!(
            (start.kind, start.request_id.as_deref()),
            (LineKind::Start, Some(ID))
        );
        let report = parse(&format!("REPORT RequestId: {ID}\tDuration: 2.00 ms"));
        assert_eq!(report.kind, LineKind::Report);
        let json = parse(&format!(
            r#"{{"time":"t","type":"platform.start","record":{{"requestId":"{ID}"}}}}"#
        ));
        assert_eq!(
            (json.kind, json.request_id.as_deref()),
            (LineKind::Start, Some(ID))
        );
    }

    #[test]
    fn text_lines_of_node_and_python_give_level_request_and_message() {
        let node = parse(&format!("2026-12-05T06:00:00.000Z\t{ID}\tERROR\tboom"));
        assert_eq!(node.level.as_deref(), Some("ERROR"));
        assert_eq!(node.request_id.as_deref(), Some(ID));
        assert_eq!(node.message, "boom");
        let python = parse(&format!("[WARNING]\t2026-12-05T06:00:00.000Z\t{ID}\tslow"));
        assert_eq!(python.level.as_deref(), Some("WARNING"));
        assert_eq!(python.message, "slow");
        let timeout = parse(&format!(
            "2026-12-05T06:00:00.000Z {ID} Task timed out after 5.00 seconds"
        ));
        assert_eq!(timeout.kind, LineKind::Timeout);
        assert_eq!(timeout.level.as_deref(), Some("ERROR"));
        assert_eq!(timeout.request_id.as_deref(), Some(ID));
        let plain = parse("just text\n");
        assert_eq!((plain.level, plain.message.as_str()), (None, "just text"));
    }

    #[test]
    fn json_lines_give_level_message_request_id_error_and_message_ids() {
        let line = parse(&format!(
            r#"{{"level":"error","message":"record failed","function_request_id":"{ID}",
               "messageId":"m-1","batch":[{{"sqs_message_id":"m-2"}}],
               "error":{{"name":"TypeError","message":"x","stack":"TypeError: x\n  at f"}}}}"#
        ));
        assert_eq!(line.level.as_deref(), Some("ERROR"));
        assert_eq!(line.request_id.as_deref(), Some(ID));
        assert_eq!(
            line.message_ids,
            ["m-2", "m-1"],
            "every depth, in key order"
        );
        assert_eq!(line.error.as_deref(), Some("TypeError: x"));
        assert!(
            line.message.starts_with("record failed\nTypeError: x"),
            "{}",
            line.message
        );
    }
}
