//! `:queues`: every queue with its counts, its DLQ and a marker on DLQs.

use std::borrow::Cow;

use super::target::Target;
use super::{
    Column, ColumnWidth, RowStyle, SortKey, TableRow, group_thousands, number, or_dash,
    queue_label, text,
};
use crate::inventory::Inventory;

pub const COLUMNS: &[Column] = &[
    text("NAME", ColumnWidth::Fill(3)),
    text("TYPE", ColumnWidth::Fixed(8)),
    number("VISIBLE", 9).live(),
    number("IN FLIGHT", 9).live(),
    number("DELAYED", 7).live(),
    text("DLQ", ColumnWidth::Fill(2)),
    number("MAX RECV", 8),
];

/// The TYPE cell: the queue type, and whether it is a DLQ.
pub fn type_label(fifo: bool, is_dlq: bool) -> &'static str {
    match (fifo, is_dlq) {
        (true, true) => "FIFO DLQ",
        (false, true) => "std DLQ",
        (true, false) => "FIFO",
        (false, false) => "std",
    }
}

/// How a queue looks wherever it is shown (the queue and DLQ tables, the topology): a DLQ
/// holding messages, visible or in flight, is what on-call looks for.
pub fn queue_style(is_dlq: bool, visible: u64, in_flight: u64) -> RowStyle {
    match is_dlq {
        true if visible + in_flight > 0 => RowStyle::Alert,
        true => RowStyle::Dlq,
        false => RowStyle::Normal,
    }
}

/// The URL: a queue's identity in the queue and DLQ tables.
pub(super) fn key(inventory: &Inventory, i: usize) -> Cow<'_, str> {
    Cow::Borrowed(&inventory.queues()[i].url)
}

pub(super) fn filter_text(inventory: &Inventory, i: usize) -> Cow<'_, str> {
    Cow::Borrowed(&inventory.queues()[i].name)
}

pub(super) fn sort_key(inventory: &Inventory, i: usize, column: usize) -> SortKey<'_> {
    let queue = &inventory.queues()[i];
    match column {
        0 => SortKey::text(&queue.name),
        1 => SortKey::text(type_label(queue.fifo, inventory.is_dlq(&queue.arn))),
        2 => SortKey::Number(queue.counts.visible),
        3 => SortKey::Number(queue.counts.in_flight),
        4 => SortKey::Number(queue.counts.delayed),
        5 => queue.dlq_arn().map_or(SortKey::Missing, |a| {
            SortKey::Text(queue_label(inventory, a))
        }),
        6 => queue
            .max_receive_count()
            .map_or(SortKey::Missing, |n| SortKey::Number(n.into())),
        _ => SortKey::Missing,
    }
}

pub(super) fn row(inventory: &Inventory, i: usize) -> TableRow {
    let queue = &inventory.queues()[i];
    let is_dlq = inventory.is_dlq(&queue.arn);
    let counts = queue.counts;
    TableRow {
        key: queue.url.clone(),
        cells: vec![
            queue.name.clone(),
            type_label(queue.fifo, is_dlq).to_string(),
            group_thousands(counts.visible),
            group_thousands(counts.in_flight),
            group_thousands(counts.delayed),
            or_dash(
                queue
                    .dlq_arn()
                    .map(|a| queue_label(inventory, a).into_owned()),
            ),
            or_dash(queue.max_receive_count().map(|n| n.to_string())),
        ],
        style: match queue.dlq_arn() {
            Some(a) if inventory.queue_by_arn(a).is_none() => RowStyle::Warning,
            _ => queue_style(is_dlq, counts.visible, counts.in_flight),
        },
        target: Target::Queue(queue.url.clone()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::inventory::model::tests::queue;
    use crate::resource_rows::TableKind;

    fn rows(inventory: &Inventory) -> Vec<TableRow> {
        TableKind::Queues.rows(inventory, None)
    }

    #[test]
    fn row_text_for_queues_and_dlqs() {
        let mut inventory = Inventory::default();
        inventory.upsert_queues(
            vec![
                queue("orders", 1_234_567, Some("orders-dlq")),
                queue("orders-dlq", 3, None),
                queue("audit", 0, Some("gone-dlq")),
            ],
            1,
        );
        let rows = rows(&inventory);
        assert_eq!(
            rows[0].cells,
            ["orders", "std", "1,234,567", "0", "0", "orders-dlq", "5"]
        );
        assert_eq!(rows[0].style, RowStyle::Normal);
        assert_eq!(
            rows[1].cells,
            ["orders-dlq", "std DLQ", "3", "0", "0", "-", "-"]
        );
        assert_eq!(rows[1].style, RowStyle::Alert);
        assert_eq!(rows[2].cells[5], "gone-dlq (missing)");
        assert_eq!(rows[2].style, RowStyle::Warning);
    }

    #[test]
    fn a_dlq_alerts_while_it_holds_messages_visible_or_in_flight() {
        assert_eq!(queue_style(true, 0, 1), RowStyle::Alert);
        assert_eq!(queue_style(true, 2, 0), RowStyle::Alert);
        assert_eq!(queue_style(true, 0, 0), RowStyle::Dlq);
        assert_eq!(queue_style(false, 9, 9), RowStyle::Normal);
    }
}
