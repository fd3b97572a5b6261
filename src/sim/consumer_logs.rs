//! What a simulated consumer writes to its log group per invocation, in the shape Lambda
//! gives it: START, one INFO line per message naming its `messageId`, an ERROR with a stack
//! trace for each message that failed, END and REPORT (Text format); with
//! `LogFormat = JSON`, Powertools-style JSON lines and the `platform.start` and
//! `platform.report` records. The shipping consumer's bad deploy fails with the TypeError of
//! the demo's story.

use super::clock::rfc3339_millis;
use super::demo_story::SHIPPING_FUNCTION;
use super::world::World;
use crate::domain::lambda::default_log_group;

/// One message of the batch an invocation got.
pub(super) struct LoggedMessage<'a> {
    pub message_id: &'a str,
    pub failed: bool,
}

/// The error a failed message gets: (type, message, first stack frame).
fn error_of(function: &str, runtime: &str) -> (&'static str, &'static str, &'static str) {
    if function == SHIPPING_FUNCTION {
        return (
            "TypeError",
            "Cannot read properties of undefined (reading 'carrier')",
            "at dispatch (/var/task/dispatch.js:42:17)",
        );
    }
    if runtime.starts_with("python") {
        return (
            "KeyError",
            "'sku'",
            "File \"/var/task/handler.py\", line 27, in handle",
        );
    }
    (
        "Error",
        "downstream call failed with status 503",
        "at handle (/var/task/index.js:18:11)",
    )
}

impl World {
    /// Writes the log lines of one invocation of function `f` starting now.
    pub(super) fn log_invocation(&mut self, f: usize, duration_ms: f64, batch: &[LoggedMessage]) {
        let spec = &self.functions[f].spec;
        let name = spec.name.clone();
        let runtime = spec.runtime.clone();
        let json = spec.json_logs;
        let memory = spec.memory_mb;
        let group = spec
            .log_group
            .clone()
            .unwrap_or_else(|| default_log_group(&name));
        let request_id = self.log_ids.uuid();
        let start = self.now_ms;
        let end = start + duration_ms as i64;
        let stream = format!("2026/12/05/[$LATEST]{}", &request_id[..8]);
        let mut lines: Vec<(i64, String)> = Vec::with_capacity(batch.len() + 3);
        let (error_type, error_message, frame) = error_of(&name, &runtime);
        let any_failed = batch.iter().any(|m| m.failed);
        if json {
            lines.push((start, platform_start(start, &request_id)));
        } else {
            lines.push((
                start,
                format!("START RequestId: {request_id} Version: $LATEST"),
            ));
        }
        for message in batch {
            let at = rfc3339_millis(start);
            let id = message.message_id;
            lines.push((
                start,
                match json {
                    true => serde_json::json!({
                        "level": "INFO", "message": "processing record", "timestamp": at,
                        "service": name, "function_request_id": request_id, "messageId": id,
                    })
                    .to_string(),
                    false => text_line(
                        &runtime,
                        &at,
                        &request_id,
                        "INFO",
                        &format!("processing record {id}"),
                    ),
                },
            ));
            if !message.failed {
                continue;
            }
            let stack = format!("{error_type}: {error_message}\n    {frame}");
            lines.push((
                end,
                match json {
                    true => serde_json::json!({
                        "level": "ERROR", "message": "record failed", "timestamp": rfc3339_millis(end),
                        "service": name, "function_request_id": request_id, "messageId": id,
                        "error": {"name": error_type, "message": error_message, "stack": stack},
                    })
                    .to_string(),
                    false => text_line(
                        &runtime,
                        &rfc3339_millis(end),
                        &request_id,
                        "ERROR",
                        &format!("record {id} failed: {stack}"),
                    ),
                },
            ));
        }
        let billed = duration_ms.ceil() as u64;
        let used = 60 + batch.len() as u32 * 3;
        if json {
            let status = if any_failed { "error" } else { "success" };
            lines.push((
                end,
                serde_json::json!({
                    "time": rfc3339_millis(end), "type": "platform.report",
                    "record": {"requestId": request_id, "status": status, "metrics": {
                        "durationMs": duration_ms, "billedDurationMs": billed,
                        "memorySizeMB": memory, "maxMemoryUsedMB": used}},
                })
                .to_string(),
            ));
        } else {
            lines.push((end, format!("END RequestId: {request_id}")));
            lines.push((
                end,
                format!(
                    "REPORT RequestId: {request_id}\tDuration: {duration_ms:.2} ms\tBilled Duration: {billed} ms\tMemory Size: {memory} MB\tMax Memory Used: {used} MB"
                ),
            ));
        }
        for (at, line) in lines {
            self.logs.put(&group, &stream, at, line);
        }
    }
}

fn platform_start(at: i64, request_id: &str) -> String {
    serde_json::json!({
        "time": rfc3339_millis(at), "type": "platform.start",
        "record": {"requestId": request_id, "version": "$LATEST"},
    })
    .to_string()
}

/// A Text-format application line as the runtime writes it (Python puts the level first).
fn text_line(runtime: &str, at: &str, request_id: &str, level: &str, text: &str) -> String {
    if runtime.starts_with("python") {
        format!("[{level}]\t{at}\t{request_id}\t{text}")
    } else {
        format!("{at}\t{request_id}\t{level}\t{text}")
    }
}
