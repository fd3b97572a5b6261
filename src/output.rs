//! Output of the non-interactive subcommands: the same rows as the TUI as plain tables,
//! and `--json` arrays for scripts. Both are safe to print on a terminal: the tables pass
//! every cell through the untrusted-text rule ([`crate::domain::untrusted`]), and the JSON
//! writes the characters that rule names as `\u` escapes (see [`to_json`]).

use serde::Serialize;

use crate::domain::untrusted::{escape, escape_owned, json_safe};
use crate::inventory::Inventory;
use crate::inventory::topology::{self, QueueSummary};
use crate::resource_rows::TableKind;
use crate::resource_rows::tree::flatten;

#[derive(Debug, Serialize)]
struct TopicJson<'a> {
    name: &'a str,
    arn: &'a str,
    fifo: bool,
    subscriptions: usize,
    sqs_subscriptions: usize,
    pending_subscriptions: usize,
    #[serde(skip_serializing_if = "Option::is_none")]
    warning: Option<&'a str>,
}

#[derive(Debug, Serialize)]
struct SubscriptionJson<'a> {
    arn: &'a str,
    topic_arn: &'a str,
    protocol: &'a str,
    endpoint: &'a str,
    raw_message_delivery: bool,
    filter_policy: Option<serde_json::Value>,
    filter_policy_scope: Option<&'a str>,
    dlq_arn: Option<&'a str>,
    pending_confirmation: bool,
    #[serde(skip_serializing_if = "Option::is_none")]
    warning: Option<&'a str>,
}

#[derive(Debug, Serialize)]
struct EventSourceJson<'a> {
    uuid: &'a str,
    event_source_arn: &'a str,
    state: &'a str,
    batch_size: Option<i32>,
}

#[derive(Debug, Serialize)]
struct FunctionJson<'a> {
    name: &'a str,
    arn: &'a str,
    runtime: Option<&'a str>,
    memory_mb: Option<i32>,
    timeout_seconds: Option<i32>,
    event_sources: Vec<EventSourceJson<'a>>,
}

/// `ls KIND --json`: a JSON array of the listed resources.
pub fn json(kind: TableKind, inventory: &Inventory) -> Result<String, serde_json::Error> {
    match kind {
        TableKind::Queues | TableKind::Dlqs => {
            let queues: Vec<QueueSummary> = sorted_queues(inventory)
                .filter(|q| kind == TableKind::Queues || inventory.is_dlq(&q.arn))
                .map(|q| QueueSummary::new(q, inventory.is_dlq(&q.arn)))
                .collect();
            to_json(&queues)
        }
        TableKind::Topics => {
            let topics: Vec<TopicJson> = inventory
                .topics()
                .iter()
                .map(|t| {
                    let subs: Vec<_> = inventory.subscriptions_of_topic(&t.arn).collect();
                    TopicJson {
                        name: &t.name,
                        arn: &t.arn,
                        fifo: t.fifo,
                        subscriptions: subs.len(),
                        sqs_subscriptions: subs.iter().filter(|s| s.protocol == "sqs").count(),
                        pending_subscriptions: subs
                            .iter()
                            .filter(|s| s.pending_confirmation)
                            .count(),
                        warning: t.warning.as_deref(),
                    }
                })
                .collect();
            to_json(&topics)
        }
        TableKind::Subscriptions => {
            let subs: Vec<SubscriptionJson> = inventory
                .subscriptions()
                .iter()
                .map(|s| SubscriptionJson {
                    arn: &s.arn,
                    topic_arn: &s.topic_arn,
                    protocol: &s.protocol,
                    endpoint: &s.endpoint,
                    raw_message_delivery: s.raw_message_delivery,
                    filter_policy: s.filter_policy.as_deref().map(parse_json_or_text),
                    filter_policy_scope: s.filter_policy_scope.as_deref(),
                    dlq_arn: s.dlq_arn.as_deref(),
                    pending_confirmation: s.pending_confirmation,
                    warning: s.warning.as_deref(),
                })
                .collect();
            to_json(&subs)
        }
        TableKind::Lambdas => {
            let functions: Vec<FunctionJson> = inventory
                .functions()
                .iter()
                .map(|f| FunctionJson {
                    name: &f.name,
                    arn: &f.arn,
                    runtime: f.runtime.as_deref(),
                    memory_mb: f.memory_mb,
                    timeout_seconds: f.timeout_seconds,
                    event_sources: inventory
                        .mappings_of_function(&f.arn)
                        .map(|m| EventSourceJson {
                            uuid: &m.uuid,
                            event_source_arn: &m.event_source_arn,
                            state: &m.state,
                            batch_size: m.batch_size,
                        })
                        .collect(),
                })
                .collect();
            to_json(&functions)
        }
    }
}

/// `ls topology --json`: the topics, each with its subscriptions and their queues.
pub fn topology_json(inventory: &Inventory) -> Result<String, serde_json::Error> {
    to_json(&topology::build(inventory).topics)
}

/// Pretty JSON that means the same and is safe to print on a terminal (see
/// [`json_safe`]).
fn to_json<T: Serialize + ?Sized>(value: &T) -> Result<String, serde_json::Error> {
    serde_json::to_string_pretty(value).map(json_safe)
}

/// `ls topology`: the tree as the TUI draws it, with plain guides.
pub fn topology_text(inventory: &Inventory, ascii: bool) -> String {
    let mut out = String::new();
    for line in flatten(inventory) {
        out.push_str(&line.guides(ascii));
        out.push_str(&escape(&line.text));
        if !line.detail.is_empty() {
            out.push_str("  (");
            out.push_str(&escape(&line.detail));
            out.push(')');
        }
        out.push('\n');
    }
    out
}

fn parse_json_or_text(text: &str) -> serde_json::Value {
    serde_json::from_str(text).unwrap_or_else(|_| serde_json::Value::String(text.to_string()))
}

fn sorted_queues(inventory: &Inventory) -> impl Iterator<Item = &crate::domain::Queue> {
    let mut queues: Vec<_> = inventory.queues().iter().collect();
    queues.sort_by(|a, b| a.name.cmp(&b.name));
    queues.into_iter()
}

/// `ls KIND`: the TUI's columns as an aligned plain table, rows in the view's default order.
/// Rows arrive escaped; each cell is escaped again on its way out (free when clean), so
/// nothing that reaches this sink can drive the terminal.
pub fn table(kind: TableKind, inventory: &Inventory) -> String {
    let source = kind.source(inventory, None);
    let (column, descending) = kind.default_sort();
    let rows: Vec<Vec<String>> = source
        .sorted(column, descending)
        .into_iter()
        .map(|i| source.row(i).cells.into_iter().map(escape_owned).collect())
        .collect();
    let columns = kind.columns();
    let titles: Vec<&str> = columns.iter().map(|c| c.title).collect();
    let numeric: Vec<bool> = columns.iter().map(|c| c.numeric).collect();
    aligned(&titles, &numeric, &rows)
}

/// Rows under their titles, each column as wide as its widest cell (numbers to the right).
/// The cells are escaped already.
pub fn aligned(titles: &[&str], numeric: &[bool], rows: &[Vec<String>]) -> String {
    let mut widths: Vec<usize> = titles.iter().map(|t| t.chars().count()).collect();
    for row in rows {
        for (i, cell) in row.iter().enumerate() {
            widths[i] = widths[i].max(unicode_width::UnicodeWidthStr::width(cell.as_str()));
        }
    }
    let mut out = String::new();
    let mut push_row = |cells: Vec<&str>| {
        let mut line = String::new();
        for (i, cell) in cells.iter().enumerate() {
            let pad = widths[i].saturating_sub(unicode_width::UnicodeWidthStr::width(*cell));
            if i > 0 {
                line.push_str("  ");
            }
            if numeric[i] {
                line.push_str(&" ".repeat(pad));
                line.push_str(cell);
            } else {
                line.push_str(cell);
                line.push_str(&" ".repeat(pad));
            }
        }
        out.push_str(line.trim_end());
        out.push('\n');
    };
    push_row(titles.to_vec());
    for row in rows {
        push_row(row.iter().map(String::as_str).collect());
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::inventory::model::tests::queue;

    fn inventory() -> Inventory {
        let mut inventory = Inventory::default();
        let mut orders = queue("orders", 1234, Some("orders-dlq"));
        orders.counts.in_flight = 1;
        inventory.upsert_queues(vec![orders, queue("orders-dlq", 2, None)], 1);
        inventory
    }

    #[test]
    fn queue_json_carries_the_documented_fields() {
        let json = json(TableKind::Queues, &inventory()).expect("json");
        let value: serde_json::Value = serde_json::from_str(&json).expect("parse");
        assert_eq!(value[0]["name"], "orders");
        assert_eq!(value[0]["dlq_arn"], "arn:aws:sqs:us-east-1:1:orders-dlq");
        assert_eq!(value[0]["max_receive_count"], 5);
        assert_eq!(value[0]["in_flight"], 1);
        assert_eq!(value[0]["is_dlq"], false);
        assert_eq!(value[1]["dlq_arn"], serde_json::Value::Null);
        assert_eq!(value[1]["is_dlq"], true);
        let dlqs: serde_json::Value =
            serde_json::from_str(&super::json(TableKind::Dlqs, &inventory()).expect("json"))
                .expect("parse");
        assert_eq!(dlqs.as_array().map(Vec::len), Some(1));
    }

    #[test]
    fn json_writes_c1_and_bidi_as_escapes_and_means_the_same() {
        let text = "a\u{9b}b\u{202E}c\u{7f}\u{1b}\n";
        let json = to_json(&[text]).expect("json");
        assert_eq!(json, "[\n  \"a\\u009bb\\u202ec\\u007f\\u001b\\n\"\n]");
        let back: Vec<String> = serde_json::from_str(&json).expect("parse");
        assert_eq!(back, [text]);
    }

    #[test]
    fn table_aligns_columns() {
        let text = table(TableKind::Queues, &inventory());
        let lines: Vec<&str> = text.lines().collect();
        assert_eq!(
            lines[0],
            "NAME        TYPE     VISIBLE  IN FLIGHT  DELAYED  DLQ         MAX RECV"
        );
        assert_eq!(
            lines[1],
            "orders      std        1,234          1        0  orders-dlq         5"
        );
        assert_eq!(
            lines[2],
            "orders-dlq  std DLQ        2          0        0  -                  -"
        );
    }
}
