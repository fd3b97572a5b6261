//! The describe pane's lines for what a row or a tree line points at ([`Target`], which
//! lives with the rows, below the app, since `ls` shows the same rows).

use std::collections::BTreeMap;

use crate::domain::arn;
use crate::domain::lambda::LambdaFunction;
use crate::domain::queue::Queue;
use crate::domain::untrusted::escape_owned;
use crate::inventory::Inventory;
pub use crate::resource_rows::target::Target;

/// The describe pane's `(label, value)` lines: identity first, then every attribute,
/// with JSON values (policies) pretty-printed over several lines. Labels and values are
/// escaped: the line breaks of pretty-printed JSON are ours, everything on a line is AWS's
/// (serde_json writes C0 controls inside strings as `\u001b`, but passes C1 and bidi
/// characters, and object keys, through as they are).
pub fn describe_lines(inventory: &Inventory, target: &Target) -> Option<Vec<(String, String)>> {
    let mut lines: Vec<(String, String)> = Vec::new();
    let mut push = |label: &str, value: String| lines.push((label.to_string(), value));
    match target {
        Target::Queue(url) => lines.extend(queue_lines(inventory, inventory.queue_by_url(url)?)),
        Target::MissingQueue(queue_arn) => {
            push("ARN", queue_arn.clone());
            push(
                "Status",
                "no such queue in this account and region (deleted?)".into(),
            );
        }
        Target::Topic(topic_arn) => {
            let topic = inventory.topic_by_arn(topic_arn)?;
            push("ARN", topic.arn.clone());
            push("Type", type_name(topic.fifo));
            for (label, value) in lambda_feeder_lines(inventory, &topic.arn, "topic") {
                push(&label, value);
            }
            if let Some(warning) = &topic.warning {
                push("Warning", warning.clone());
            }
            lines.extend(attribute_lines(&topic.attributes));
        }
        Target::Subscription(sub_arn) => {
            let sub = inventory
                .subscriptions()
                .iter()
                .find(|s| &s.arn == sub_arn)?;
            push("ARN", sub.arn.clone());
            push("Topic", sub.topic_arn.clone());
            push("Protocol", sub.protocol.clone());
            push("Endpoint", sub.endpoint.clone());
            if let Some(warning) = &sub.warning {
                push("Warning", warning.clone());
            }
            lines.extend(attribute_lines(&sub.attributes));
        }
        Target::Function(function_arn) => {
            lines.extend(function_lines(
                inventory,
                inventory.function_by_arn(function_arn)?,
            ));
        }
    }
    Some(
        lines
            .into_iter()
            .map(|(label, value)| (escape_owned(label), escape_owned(value)))
            .collect(),
    )
}

/// A queue's lines: its type, what it is the DLQ of, its consumers and topics, then its
/// attributes.
fn queue_lines(inventory: &Inventory, queue: &Queue) -> Vec<(String, String)> {
    let mut lines: Vec<(String, String)> = Vec::new();
    let mut push = |label: &str, value: String| lines.push((label.to_string(), value));
    push("URL", queue.url.clone());
    push("Type", type_name(queue.fifo));
    let sources = inventory.dlq_sources(&queue.arn);
    if !sources.is_empty() {
        let names: Vec<&str> = sources.iter().map(|a| arn::resource_name(a)).collect();
        push("DLQ of", names.join(", "));
    }
    for (label, value) in lambda_feeder_lines(inventory, &queue.arn, "queue") {
        push(&label, value);
    }
    let consumers: Vec<String> = inventory
        .consumers_of(&queue.arn)
        .map(|m| {
            format!(
                "{} ({}, batch {})",
                m.function_name(),
                m.state,
                batch(m.batch_size)
            )
        })
        .collect();
    match inventory.consumers_unknown() {
        Some(error) => push("Consumers", format!("unknown: {error}")),
        None if consumers.is_empty() => push("Consumers", "none".into()),
        None => push("Consumers", consumers.join(", ")),
    }
    let topics: Vec<&str> = inventory
        .subscriptions_to_queue(&queue.arn)
        .map(|s| s.topic_name())
        .collect();
    if !topics.is_empty() {
        push("Subscribed to", topics.join(", "));
    }
    lines.extend(attribute_lines(&queue.attributes));
    lines
}

/// "Fed by" lines of a queue or topic that a function's failed asynchronous invokes land in:
/// `dead-letter queue of function X (async invokes)`, or `on-failure destination of X (max
/// retries N, max event age S)` with AWS's defaults (2, 6h) when the function sets none. A
/// `lambda` subscription's DLQ is named with the subscriptions ("Subscribed to" and the
/// finding lines), not here.
fn lambda_feeder_lines(inventory: &Inventory, arn: &str, noun: &str) -> Vec<(String, String)> {
    use crate::domain::LambdaDeadLetterKind as Kind;
    inventory
        .lambda_dead_letters_to(arn)
        .filter_map(|dead_letter| {
            let function = &dead_letter.function;
            let text = match dead_letter.kind {
                Kind::FunctionDlq => {
                    format!("dead-letter {noun} of function {function} (async invokes)")
                }
                Kind::OnFailureDestination => {
                    let config = inventory
                        .function_by_arn(function)
                        .and_then(|f| f.invoke_config.config());
                    let retries = config
                        .and_then(|c| c.maximum_retry_attempts)
                        .unwrap_or(2);
                    let age = config
                        .and_then(|c| c.maximum_event_age_seconds)
                        .unwrap_or(21_600);
                    let age = humantime::format_duration(std::time::Duration::from_secs(
                        u64::try_from(age).unwrap_or(0),
                    ));
                    format!(
                        "on-failure destination of {function} (max retries {retries}, max event age {age})"
                    )
                }
                Kind::SubscriptionDlq => return None,
            };
            Some(("Fed by".to_string(), text))
        })
        .collect()
}

/// A function's lines: runtime, memory, timeout, its dead-letter target and what it
/// consumes.
fn function_lines(inventory: &Inventory, function: &LambdaFunction) -> Vec<(String, String)> {
    let mut lines: Vec<(String, String)> = Vec::new();
    let mut push = |label: &str, value: String| lines.push((label.to_string(), value));
    push("ARN", function.arn.clone());
    push(
        "Runtime",
        function.runtime.clone().unwrap_or_else(|| "-".into()),
    );
    push(
        "Memory",
        function
            .memory_mb
            .map(|m| format!("{m} MB"))
            .unwrap_or_else(|| "-".into()),
    );
    push(
        "Timeout",
        function
            .timeout_seconds
            .map(|t| format!("{t} s"))
            .unwrap_or_else(|| "-".into()),
    );
    push(
        "Last modified",
        function.last_modified.clone().unwrap_or_else(|| "-".into()),
    );
    if let Some(dlq) = &function.dlq_arn {
        push("Dead-letter target", dlq.clone());
    }
    if let Some(destination) = function.invoke_config.on_failure() {
        push("On-failure destination", destination.to_string());
    }
    if let Some(role) = &function.role {
        push("Execution role", role.clone());
    }
    for mapping in inventory.mappings_of_function(&function.arn) {
        push(
            "Consumes",
            format!(
                "{} ({}, batch {}, mapping {})",
                arn::resource_name(&mapping.event_source_arn),
                mapping.state,
                batch(mapping.batch_size),
                mapping.uuid
            ),
        );
    }
    lines
}

fn type_name(fifo: bool) -> String {
    if fifo { "FIFO" } else { "standard" }.to_string()
}

fn batch(size: Option<i32>) -> String {
    size.map(|b| b.to_string()).unwrap_or_else(|| "-".into())
}

/// Attributes as `(name, value)` lines; JSON objects and arrays spread over several lines.
fn attribute_lines(attributes: &BTreeMap<String, String>) -> Vec<(String, String)> {
    let mut lines = Vec::new();
    for (name, value) in attributes {
        let pretty = serde_json::from_str::<serde_json::Value>(value)
            .ok()
            .filter(|v| v.is_object() || v.is_array())
            .and_then(|v| serde_json::to_string_pretty(&v).ok());
        match pretty {
            Some(json) => {
                for (i, line) in json.lines().enumerate() {
                    let label = if i == 0 { name.clone() } else { String::new() };
                    lines.push((label, line.to_string()));
                }
            }
            None => lines.push((name.clone(), readable_value(name, value))),
        }
    }
    lines
}

/// SQS timestamps are epoch seconds; show when that was, keeping the raw value.
fn readable_value(name: &str, value: &str) -> String {
    match value.parse::<u64>() {
        Ok(seconds) if name.ends_with("Timestamp") => {
            let at = std::time::UNIX_EPOCH + std::time::Duration::from_secs(seconds);
            format!("{value} ({})", humantime::format_rfc3339_seconds(at))
        }
        _ => value.to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::inventory::model::tests::queue;

    #[test]
    fn queue_description_names_links_and_pretty_prints_policies() {
        let mut inventory = Inventory::default();
        let mut orders = queue("orders", 1, Some("orders-dlq"));
        orders.attributes.insert(
            "RedrivePolicy".into(),
            r#"{"deadLetterTargetArn":"arn:aws:sqs:us-east-1:1:orders-dlq","maxReceiveCount":5}"#
                .into(),
        );
        inventory.upsert_queues(vec![orders, queue("orders-dlq", 0, None)], 1);
        let lines = describe_lines(
            &inventory,
            &Target::Queue("https://sqs/1/orders-dlq".into()),
        )
        .expect("dlq");
        assert!(lines.contains(&("DLQ of".to_string(), "orders".to_string())));
        let lines = describe_lines(&inventory, &Target::Queue("https://sqs/1/orders".into()))
            .expect("orders");
        let start = lines
            .iter()
            .position(|(l, _)| l == "RedrivePolicy")
            .expect("policy");
        assert_eq!(lines[start].1, "{");
        assert_eq!(lines[start + 2].1, "  \"maxReceiveCount\": 5");
        assert!(describe_lines(&inventory, &Target::Queue("https://sqs/1/none".into())).is_none());
    }

    #[test]
    fn a_lambda_side_dlq_says_which_function_feeds_it_and_how() {
        use crate::domain::EventInvokeConfig;
        use crate::domain::InvokeConfigReading;
        use crate::inventory::model::tests::async_function;
        let mut inventory = Inventory::default();
        inventory.upsert_queues(
            vec![
                queue("notify-dlq", 2, None),
                queue("notify-failures", 1, None),
            ],
            1,
        );
        let mut notify = async_function("notify", Some("notify-dlq"), Some("notify-failures"));
        notify.invoke_config = InvokeConfigReading::Set(EventInvokeConfig {
            maximum_retry_attempts: Some(1),
            maximum_event_age_seconds: Some(3600),
            on_failure: Some("arn:aws:sqs:us-east-1:1:notify-failures".into()),
            on_success: None,
        });
        let mut audit = async_function("audit", None, Some("notify-failures"));
        audit.invoke_config = InvokeConfigReading::Set(EventInvokeConfig {
            on_failure: Some("arn:aws:sqs:us-east-1:1:notify-failures".into()),
            ..EventInvokeConfig::default()
        });
        inventory.set_functions(vec![notify, audit]);
        let fed_by = |url: &str| -> Vec<String> {
            describe_lines(&inventory, &Target::Queue(url.into()))
                .expect("queue")
                .into_iter()
                .filter(|(label, _)| label == "Fed by")
                .map(|(_, value)| value)
                .collect()
        };
        let function = describe_lines(
            &inventory,
            &Target::Function("arn:aws:lambda:us-east-1:1:function:audit".into()),
        )
        .expect("function");
        assert!(function.contains(&(
            "On-failure destination".to_string(),
            "arn:aws:sqs:us-east-1:1:notify-failures".to_string()
        )));
        assert_eq!(
            fed_by("https://sqs/1/notify-dlq"),
            ["dead-letter queue of function notify (async invokes)"]
        );
        assert_eq!(
            fed_by("https://sqs/1/notify-failures"),
            [
                "on-failure destination of audit (max retries 2, max event age 6h)",
                "on-failure destination of notify (max retries 1, max event age 1h)"
            ]
        );
    }

    #[test]
    fn describe_lines_escape_aws_text_and_keep_json_lines() {
        let mut inventory = Inventory::default();
        let mut orders = queue("orders", 0, None);
        orders.attributes.insert(
            "Policy".into(),
            "{\"Sid\":\"\\u001b]52;c;eA==\\u0007\u{9b}\"}".into(),
        );
        orders
            .attributes
            .insert("tag:team\u{202E}".into(), "line one\nline two".into());
        inventory.upsert_queues(vec![orders], 1);
        let lines = describe_lines(&inventory, &Target::Queue("https://sqs/1/orders".into()))
            .expect("orders");
        let start = lines
            .iter()
            .position(|(l, _)| l == "Policy")
            .expect("policy");
        assert_eq!(lines[start].1, "{");
        // serde_json writes C0 inside strings as `\u001b` itself; C1 is escaped by the rule.
        assert_eq!(
            lines[start + 1].1,
            "  \"Sid\": \"\\u001b]52;c;eA==\\u0007<U+009B>\""
        );
        assert!(lines.contains(&(
            "tag:team<U+202E>".to_string(),
            "line one\\nline two".to_string()
        )));
        assert_eq!(
            Target::Topic("arn:aws:sns:r:1:t\u{1b}[2J".into()).label(),
            "t\\x1b[2J"
        );
    }

    #[test]
    fn timestamps_read_as_dates() {
        let attributes: BTreeMap<String, String> =
            [("CreatedTimestamp".to_string(), "1767225600".to_string())]
                .into_iter()
                .collect();
        assert_eq!(
            attribute_lines(&attributes),
            [(
                "CreatedTimestamp".to_string(),
                "1767225600 (2026-01-01T00:00:00Z)".to_string()
            )]
        );
    }

    #[test]
    fn copy_text_is_the_url_for_queues_and_the_arn_otherwise() {
        assert_eq!(Target::Queue("https://q".into()).copy_text(), "https://q");
        assert_eq!(
            Target::Topic("arn:aws:sns:r:1:t".into()).copy_text(),
            "arn:aws:sns:r:1:t"
        );
        assert_eq!(Target::Topic("arn:aws:sns:r:1:t".into()).label(), "t");
    }
}
