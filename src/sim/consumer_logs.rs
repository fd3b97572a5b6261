//! What a simulated consumer writes to its log group per invocation, in the shape Lambda
//! gives it: START, one INFO line per message naming its `messageId`, an ERROR with a stack
//! trace for each message that failed, END and REPORT (Text format); with
//! `LogFormat = JSON`, Powertools-style JSON lines and the `platform.start` and
//! `platform.report` records. The shipping consumer's bad deploy fails with the TypeError of
//! the demo's story.

use super::async_invoke::ASYNC_ERROR;
use super::clock::rfc3339_millis;
use super::demo_story::SHIPPING_FUNCTION;
use super::world::World;
use crate::domain::lambda::default_log_group;

/// One message of the batch an invocation got.
pub(super) struct LoggedMessage<'a> {
    pub message_id: &'a str,
    pub failed: bool,
}

/// The error a failed message gets: (type, message, first stack frame). A function whose
/// asynchronous invokes fail (`fails_async_until_ms`) throws what its DLQ's `ErrorMessage`
/// says, so its logs and its dead letters tell one story.
fn error_of(
    function: &str,
    runtime: &str,
    fails_async: bool,
) -> (&'static str, &'static str, &'static str) {
    if fails_async {
        let message = ASYNC_ERROR.strip_prefix("Error: ").unwrap_or(ASYNC_ERROR);
        return ("Error", message, "at post (/var/task/carrier.js:88:13)");
    }
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

/// What every line of one invocation shares.
struct Context {
    name: String,
    runtime: String,
    json: bool,
    fails_async: bool,
    memory_mb: u32,
    request_id: String,
    start_ms: i64,
    end_ms: i64,
}

impl Context {
    /// The INFO line naming the message, and its error if it failed.
    fn message_lines(&self, message: &LoggedMessage) -> Vec<(i64, String)> {
        let (start, end, id, request_id) = (
            self.start_ms,
            self.end_ms,
            message.message_id,
            &self.request_id,
        );
        let mut lines = vec![(
            start,
            match self.json {
                true => serde_json::json!({
                    "level": "INFO", "message": "processing record", "timestamp": rfc3339_millis(start),
                    "service": self.name, "function_request_id": request_id, "messageId": id,
                })
                .to_string(),
                false => text_line(&self.runtime, &rfc3339_millis(start), request_id, "INFO", &format!("processing record {id}")),
            },
        )];
        if !message.failed {
            return lines;
        }
        let (error_type, error_message, frame) =
            error_of(&self.name, &self.runtime, self.fails_async);
        let stack = format!("{error_type}: {error_message}\n    {frame}");
        lines.push((
            end,
            match self.json {
                true => serde_json::json!({
                    "level": "ERROR", "message": "record failed", "timestamp": rfc3339_millis(end),
                    "service": self.name, "function_request_id": request_id, "messageId": id,
                    "error": {"name": error_type, "message": error_message, "stack": stack},
                })
                .to_string(),
                false => text_line(
                    &self.runtime,
                    &rfc3339_millis(end),
                    request_id,
                    "ERROR",
                    &format!("record {id} failed: {stack}"),
                ),
            },
        ));
        lines
    }

    /// END and REPORT (Text), or the `platform.report` record (JSON).
    fn closing_lines(&self, duration_ms: f64, batch: usize, failed: bool) -> Vec<(i64, String)> {
        let (end, request_id, memory) = (self.end_ms, &self.request_id, self.memory_mb);
        let billed = duration_ms.ceil() as u64;
        let used = 60 + batch as u32 * 3;
        if self.json {
            let status = if failed { "error" } else { "success" };
            return vec![(
                end,
                serde_json::json!({
                    "time": rfc3339_millis(end), "type": "platform.report",
                    "record": {"requestId": request_id, "status": status, "metrics": {
                        "durationMs": duration_ms, "billedDurationMs": billed,
                        "memorySizeMB": memory, "maxMemoryUsedMB": used}},
                })
                .to_string(),
            )];
        }
        vec![
            (end, format!("END RequestId: {request_id}")),
            (
                end,
                format!(
                    "REPORT RequestId: {request_id}\tDuration: {duration_ms:.2} ms\tBilled Duration: {billed} ms\tMemory Size: {memory} MB\tMax Memory Used: {used} MB"
                ),
            ),
        ]
    }
}

impl World {
    /// Writes the log lines of one invocation of function `f` starting now.
    pub(super) fn log_invocation(&mut self, f: usize, duration_ms: f64, batch: &[LoggedMessage]) {
        let spec = &self.functions[f].spec;
        let group = spec
            .log_group
            .clone()
            .unwrap_or_else(|| default_log_group(&spec.name));
        let context = Context {
            name: spec.name.clone(),
            runtime: spec.runtime.clone(),
            json: spec.json_logs,
            fails_async: spec.fails_async_until_ms.is_some(),
            memory_mb: spec.memory_mb,
            request_id: self.log_ids.uuid(),
            start_ms: self.now_ms,
            end_ms: self.now_ms + duration_ms as i64,
        };
        let stream = format!("2026/12/05/[$LATEST]{}", &context.request_id[..8]);
        let mut lines = vec![(
            context.start_ms,
            if context.json {
                platform_start(context.start_ms, &context.request_id)
            } else {
                format!("START RequestId: {} Version: $LATEST", context.request_id)
            },
        )];
        for message in batch {
            lines.extend(context.message_lines(message));
        }
        let failed = batch.iter().any(|m| m.failed);
        lines.extend(context.closing_lines(duration_ms, batch.len(), failed));
        for (at, line) in lines {
            self.logs.put(&group, &stream, at, line);
        }
    }
}

impl World {
    /// The failed receives of a message laid into a DLQ at the start, as its source's
    /// consumers logged them: one failed invocation per receive, `visibility_ms` apart from
    /// `first_ms`, each naming it. So the demo's DLQs hold messages whose logs `L` finds
    /// from the first second, not only those of failures the world lives through.
    pub(super) fn log_past_failures(
        &mut self,
        source_queue: &str,
        message_id: &str,
        first_ms: i64,
        receives: u32,
        visibility_ms: i64,
    ) {
        let functions: Vec<usize> = self
            .traffic
            .consumers
            .iter()
            .filter(|p| p.queue == source_queue)
            .filter_map(|p| self.function_index(&p.function))
            .collect();
        let now = self.now_ms;
        let failed = [LoggedMessage {
            message_id,
            failed: true,
        }];
        for f in functions {
            for receive in 0..i64::from(receives) {
                let at = first_ms + receive * visibility_ms;
                if at >= now {
                    break;
                }
                self.now_ms = at;
                self.log_invocation(f, PAST_DURATION_MS, &failed);
            }
        }
        self.now_ms = now;
    }
}

impl World {
    /// A few invocations a minute of every queue consumer and every function an SNS `lambda`
    /// subscription invokes, over the `minutes` before now: so a function's log group
    /// exists, and holds lines, from the demo's first second, as its metrics' history does.
    /// Draws only from the log generator, so the world's numbers stay as they were.
    pub(super) fn backfill_logs(&mut self, minutes: i64) {
        let mut callers: Vec<(usize, f64)> = self
            .traffic
            .consumers
            .iter()
            .filter_map(|c| {
                let f = self.function_index(&c.function)?;
                Some((f, c.failure_probability))
            })
            .collect();
        callers.extend(
            self.subscriptions
                .iter()
                .filter(|s| s.protocol == "lambda")
                .filter_map(|s| self.function_index(&s.endpoint))
                .map(|f| (f, 0.0)),
        );
        callers.sort_by_key(|(f, _)| *f);
        callers.dedup_by_key(|(f, _)| *f);
        let now = self.now_ms;
        for minute in (1..=minutes).rev() {
            for &(f, failure_probability) in &callers {
                self.now_ms = now - minute * 60_000 + self.log_ids.below(50_000) as i64;
                let id = self.log_ids.uuid();
                let failed = self.log_ids.chance(failure_probability);
                let duration = 40.0 + self.log_ids.below(400) as f64;
                let logged = [LoggedMessage {
                    message_id: &id,
                    failed,
                }];
                self.log_invocation(f, duration, &logged);
            }
        }
        self.now_ms = now;
    }
}

/// How long a past failed invocation took (no draw from the world's random stream: the
/// shop's numbers stay the same with or without these lines).
const PAST_DURATION_MS: f64 = 1_250.0;

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

#[cfg(test)]
mod tests {
    use crate::domain::message::ReceiveRequest;
    use crate::logs::targets::{Consumers, dlq_source_arns};
    use crate::logs::{MessageRef, RequestBudget, find_message};
    use crate::sim::SimFleet;

    /// At the demo's first second, a message the world laid into a DLQ is found in its
    /// source's consumer's logs, failing, as `L` in the viewer searches for it.
    #[tokio::test]
    async fn a_dlq_laid_out_at_the_start_has_its_failures_in_the_consumers_logs() {
        let fleet = SimFleet::demo().frozen();
        let now = fleet.clock().now_ms();
        let backend = crate::sim::backend(fleet);
        let dlq = crate::aws::resolve::queue(&backend, "search-indexer-dlq")
            .await
            .expect("the DLQ");
        let request = ReceiveRequest {
            max_messages: 1,
            wait_seconds: 0,
            visibility_timeout_seconds: Some(0),
        };
        let messages = backend
            .messages
            .receive_messages(&dlq.url, request)
            .await
            .expect("receive");
        let message = messages.first().expect("a message laid out at the start");
        let sources = dlq_source_arns(&backend, &dlq.url).await.expect("sources");
        let consumers = Consumers::load(&backend).await.expect("consumers");
        let groups = consumers.of_queues(sources.iter().map(String::as_str));
        assert!(!groups.is_empty());
        let joined = find_message(
            backend.logs.as_ref(),
            &RequestBudget::new(1000.0),
            &groups,
            &MessageRef::from_received(message, now),
            u64::MAX,
        )
        .await
        .expect("join");
        assert!(!joined.invocations.is_empty(), "{joined:?}");
        assert!(joined.invocations.iter().all(|i| i.failed()));
        assert!(
            joined.invocations.len() <= crate::logs::join::MAX_INVOCATIONS,
            "one per receive"
        );
    }
}
