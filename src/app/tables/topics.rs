//! `:topics`: every SNS topic with its subscription counts.

use super::{Column, ColumnWidth, number, text};
use crate::app::table::{RowStyle, SortValue, TableRow};
use crate::app::target::Target;
use crate::inventory::Inventory;

pub const COLUMNS: &[Column] = &[
    text("NAME", ColumnWidth::Fill(2)),
    text("TYPE", ColumnWidth::Fixed(4)),
    number("SUBS", 5),
    number("TO SQS", 6),
    number("PENDING", 7),
    text("ARN", ColumnWidth::Fill(3)),
];

pub(super) fn rows(inventory: &Inventory) -> Vec<TableRow> {
    inventory
        .topics()
        .iter()
        .map(|topic| {
            let subs: Vec<_> = inventory.subscriptions_of_topic(&topic.arn).collect();
            let to_sqs = subs.iter().filter(|s| s.protocol == "sqs").count() as u64;
            let pending = subs.iter().filter(|s| s.pending_confirmation).count() as u64;
            let total = subs.len() as u64;
            let last = match &topic.warning {
                Some(warning) => format!("! {warning}"),
                None => topic.arn.clone(),
            };
            TableRow {
                key: topic.arn.clone(),
                cells: vec![
                    topic.name.clone(),
                    if topic.fifo { "FIFO" } else { "std" }.to_string(),
                    total.to_string(),
                    to_sqs.to_string(),
                    pending.to_string(),
                    last.clone(),
                ],
                sort: vec![
                    SortValue::Text(topic.name.clone()),
                    SortValue::Text(topic.fifo.to_string()),
                    SortValue::Number(total),
                    SortValue::Number(to_sqs),
                    SortValue::Number(pending),
                    SortValue::Text(last),
                ],
                filter_text: topic.name.clone(),
                style: if topic.warning.is_some() {
                    RowStyle::Warning
                } else {
                    RowStyle::Normal
                },
                target: Target::Topic(topic.arn.clone()),
            }
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::{Subscription, Topic};

    #[test]
    fn counts_subscriptions_by_kind() {
        let mut inventory = Inventory::default();
        let arn = "arn:aws:sns:r:1:events";
        inventory.set_topics(vec![Topic::from_attributes(arn, Default::default())]);
        inventory.set_subscriptions(vec![
            Subscription::listed(
                "arn:aws:sns:r:1:events:1",
                arn,
                "sqs",
                "arn:aws:sqs:r:1:q",
                None,
            ),
            Subscription::listed("PendingConfirmation", arn, "email", "a@b.c", None),
        ]);
        let rows = rows(&inventory);
        assert_eq!(rows[0].cells, ["events", "std", "2", "1", "1", arn]);
    }
}
