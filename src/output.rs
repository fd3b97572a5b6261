//! Output of the non-interactive subcommands: human tables and `--json`.

use std::collections::HashSet;

use serde::Serialize;

use crate::app::queue_table::QueueRow;
use crate::domain::Queue;

/// One queue in `squall ls queues --json`.
#[derive(Debug, Serialize)]
pub struct QueueJson<'a> {
    pub name: &'a str,
    pub arn: &'a str,
    pub url: &'a str,
    pub fifo: bool,
    pub visible: u64,
    pub in_flight: u64,
    pub delayed: u64,
    pub dlq_arn: Option<&'a str>,
    pub max_receive_count: Option<u32>,
    /// Some queue's redrive policy targets this one.
    pub is_dlq: bool,
}

fn dlq_targets(queues: &[Queue]) -> HashSet<&str> {
    queues.iter().filter_map(Queue::dlq_arn).collect()
}

pub fn queues_json(queues: &[Queue]) -> Result<String, serde_json::Error> {
    let targets = dlq_targets(queues);
    let rows: Vec<QueueJson> = queues
        .iter()
        .map(|q| QueueJson {
            name: &q.name,
            arn: &q.arn,
            url: &q.url,
            fifo: q.fifo,
            visible: q.counts.visible,
            in_flight: q.counts.in_flight,
            delayed: q.counts.delayed,
            dlq_arn: q.dlq_arn(),
            max_receive_count: q.max_receive_count(),
            is_dlq: targets.contains(q.arn.as_str()),
        })
        .collect();
    serde_json::to_string_pretty(&rows)
}

/// A plain aligned table, the same columns as the TUI.
pub fn queues_table(queues: &[Queue]) -> String {
    let targets = dlq_targets(queues);
    let header = [
        "NAME",
        "TYPE",
        "VISIBLE",
        "IN FLIGHT",
        "DELAYED",
        "DLQ",
        "MAX RECV",
    ];
    let rows: Vec<[String; 7]> = queues
        .iter()
        .map(|q| {
            let row = QueueRow::from_queue(q, targets.contains(q.arn.as_str()));
            let kind = crate::ui::queues::type_label(&row);
            [
                row.name,
                kind,
                row.visible,
                row.in_flight,
                row.delayed,
                row.dlq,
                row.max_receive,
            ]
        })
        .collect();
    render_table(
        &header,
        &rows,
        &[false, false, true, true, true, false, true],
    )
}

fn render_table<const N: usize>(
    header: &[&str; N],
    rows: &[[String; N]],
    right: &[bool; N],
) -> String {
    let mut widths: [usize; N] = header.map(|h| h.chars().count());
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
            if right[i] {
                line.push_str(&" ".repeat(pad));
                line.push_str(cell);
            } else {
                line.push_str(cell);
                if i + 1 < N {
                    line.push_str(&" ".repeat(pad));
                }
            }
        }
        out.push_str(line.trim_end());
        out.push('\n');
    };
    push_row(header.to_vec());
    for row in rows {
        push_row(row.iter().map(String::as_str).collect());
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::{QueueCounts, RedrivePolicy};
    use std::collections::BTreeMap;

    fn queue(name: &str, visible: u64, dlq: Option<&str>) -> Queue {
        Queue {
            name: name.into(),
            url: format!("https://sqs/1/{name}"),
            arn: format!("arn:aws:sqs:r:1:{name}"),
            fifo: false,
            counts: QueueCounts {
                visible,
                in_flight: 1,
                delayed: 0,
            },
            redrive: dlq.map(|d| RedrivePolicy {
                dead_letter_target_arn: format!("arn:aws:sqs:r:1:{d}"),
                max_receive_count: 4,
            }),
            attributes: BTreeMap::new(),
        }
    }

    #[test]
    fn json_carries_the_documented_fields() {
        let json = queues_json(&[
            queue("orders", 3, Some("orders-dlq")),
            queue("orders-dlq", 2, None),
        ])
        .expect("json");
        let value: serde_json::Value = serde_json::from_str(&json).expect("parse");
        assert_eq!(value[0]["name"], "orders");
        assert_eq!(value[0]["dlq_arn"], "arn:aws:sqs:r:1:orders-dlq");
        assert_eq!(value[0]["max_receive_count"], 4);
        assert_eq!(value[0]["in_flight"], 1);
        assert_eq!(value[0]["is_dlq"], false);
        assert_eq!(value[1]["dlq_arn"], serde_json::Value::Null);
        assert_eq!(value[1]["is_dlq"], true);
    }

    #[test]
    fn table_aligns_columns() {
        let text = queues_table(&[
            queue("orders", 1234, Some("orders-dlq")),
            queue("orders-dlq", 2, None),
        ]);
        let lines: Vec<&str> = text.lines().collect();
        assert_eq!(
            lines[0],
            "NAME        TYPE     VISIBLE  IN FLIGHT  DELAYED  DLQ         MAX RECV"
        );
        assert_eq!(
            lines[1],
            "orders      std        1,234          1        0  orders-dlq         4"
        );
        assert_eq!(
            lines[2],
            "orders-dlq  std DLQ        2          1        0  -                  -"
        );
    }
}
