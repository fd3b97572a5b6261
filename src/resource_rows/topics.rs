//! `:topics`: every SNS topic with its subscription counts.

use std::borrow::Cow;

use super::target::Target;
use super::{Column, ColumnWidth, RowStyle, SortKey, TableRow, WholeRow, number, text};
use crate::inventory::Inventory;

pub const COLUMNS: &[Column] = &[
    text("NAME", ColumnWidth::Fill(2)),
    text("TYPE", ColumnWidth::Fixed(4)),
    number("SUBS", 5),
    number("TO SQS", 6),
    number("PENDING", 7),
    text("ARN", ColumnWidth::Fill(3)),
];

pub(super) fn key(inventory: &Inventory, i: usize) -> Cow<'_, str> {
    Cow::Borrowed(&inventory.topics()[i].arn)
}

pub(super) fn filter_text(inventory: &Inventory, i: usize) -> Cow<'_, str> {
    Cow::Borrowed(&inventory.topics()[i].name)
}

pub(super) fn sort_key(inventory: &Inventory, i: usize, column: usize) -> SortKey<'static> {
    whole(inventory, i).sort_key(column)
}

pub(super) fn row(inventory: &Inventory, i: usize) -> TableRow {
    whole(inventory, i).row
}

fn whole(inventory: &Inventory, i: usize) -> WholeRow {
    let topic = &inventory.topics()[i];
    let subs: Vec<_> = inventory.subscriptions_of_topic(&topic.arn).collect();
    let to_sqs = subs.iter().filter(|s| s.protocol == "sqs").count() as u64;
    let pending = subs.iter().filter(|s| s.pending_confirmation).count() as u64;
    let total = subs.len() as u64;
    let last = match &topic.warning {
        Some(warning) => format!("! {warning}"),
        None => topic.arn.clone(),
    };
    let row = TableRow {
        key: topic.arn.clone(),
        cells: vec![
            topic.name.clone(),
            if topic.fifo { "FIFO" } else { "std" }.to_string(),
            total.to_string(),
            to_sqs.to_string(),
            pending.to_string(),
            last.clone(),
        ],
        style: if topic.warning.is_some() {
            RowStyle::Warning
        } else {
            RowStyle::Normal
        },
        target: Target::Topic(topic.arn.clone()),
    };
    WholeRow {
        sort: vec![
            SortKey::owned(topic.name.clone()),
            SortKey::owned(topic.fifo.to_string()),
            SortKey::Number(total),
            SortKey::Number(to_sqs),
            SortKey::Number(pending),
            SortKey::owned(last),
        ],
        filter_text: topic.name.clone(),
        row,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::{Subscription, Topic};
    use crate::resource_rows::TableKind;

    fn rows(inventory: &Inventory) -> Vec<TableRow> {
        TableKind::Topics.rows(inventory, None)
    }

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
