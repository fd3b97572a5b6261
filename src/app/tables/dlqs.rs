//! `:dlq`: only dead-letter queues, deepest first, with the queues that feed them.

use super::{Column, ColumnWidth, group_thousands, number, text};
use crate::app::table::{SortValue, TableRow};
use crate::app::target::Target;
use crate::domain::arn;
use crate::inventory::Inventory;

pub const VISIBLE: usize = 2;

pub const COLUMNS: &[Column] = &[
    text("NAME", ColumnWidth::Fill(3)),
    text("TYPE", ColumnWidth::Fixed(8)),
    number("VISIBLE", 9),
    number("IN FLIGHT", 9),
    text("SOURCES", ColumnWidth::Fill(3)),
];

pub(super) fn rows(inventory: &Inventory) -> Vec<TableRow> {
    inventory
        .queues()
        .iter()
        .filter(|q| inventory.is_dlq(&q.arn))
        .map(|queue| {
            let mut sources: Vec<String> = inventory
                .dlq_sources(&queue.arn)
                .iter()
                .map(|a| arn::resource_name(a).to_string())
                .collect();
            sources.extend(
                inventory
                    .subscriptions_dead_lettering_to(&queue.arn)
                    .map(|s| {
                        format!(
                            "{} → {} (subscription)",
                            s.topic_name(),
                            arn::resource_name(&s.endpoint)
                        )
                    }),
            );
            let sources = sources.join(", ");
            TableRow {
                key: queue.url.clone(),
                cells: vec![
                    queue.name.clone(),
                    super::queues::type_label(queue.fifo, true).to_string(),
                    group_thousands(queue.counts.visible),
                    group_thousands(queue.counts.in_flight),
                    sources.clone(),
                ],
                sort: vec![
                    SortValue::Text(queue.name.clone()),
                    SortValue::Text(queue.fifo.to_string()),
                    SortValue::Number(queue.counts.visible),
                    SortValue::Number(queue.counts.in_flight),
                    SortValue::Text(sources.clone()),
                ],
                filter_text: format!("{} {sources}", queue.name),
                style: super::queues::queue_style(
                    true,
                    queue.counts.visible,
                    queue.counts.in_flight,
                ),
                target: Target::Queue(queue.url.clone()),
            }
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::inventory::model::tests::queue;

    #[test]
    fn subscription_dlqs_are_dlqs_too() {
        let mut inventory = Inventory::default();
        inventory.upsert_queues(vec![queue("orders", 0, None), queue("sub-dlq", 2, None)], 1);
        let mut sub = crate::domain::Subscription::listed(
            "arn:aws:sns:us-east-1:1:events:1",
            "arn:aws:sns:us-east-1:1:events",
            "sqs",
            "arn:aws:sqs:us-east-1:1:orders",
            None,
        );
        sub.dlq_arn = Some("arn:aws:sqs:us-east-1:1:sub-dlq".into());
        inventory.set_subscriptions(vec![sub]);
        let rows = rows(&inventory);
        assert_eq!(rows.len(), 1);
        assert_eq!(rows[0].cells[4], "events → orders (subscription)");
    }

    #[test]
    fn only_dlqs_with_their_sources() {
        let mut inventory = Inventory::default();
        inventory.upsert_queues(
            vec![
                queue("a", 0, Some("dlq")),
                queue("b", 0, Some("dlq")),
                queue("dlq", 7, None),
                queue("c", 0, None),
            ],
            1,
        );
        let rows = rows(&inventory);
        assert_eq!(rows.len(), 1);
        assert_eq!(rows[0].cells, ["dlq", "std DLQ", "7", "0", "a, b"]);
        assert_eq!(rows[0].filter_text, "dlq a, b");
    }
}
