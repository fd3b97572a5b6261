//! `:subscriptions`: every subscription (or one topic's) with its delivery settings.

use std::borrow::Cow;

use super::target::Target;
use super::{
    Column, ColumnWidth, RowStyle, SortKey, TableRow, WholeRow, or_dash, queue_label, text,
};
use crate::domain::Subscription;
use crate::domain::filter_policy;
use crate::inventory::Inventory;

pub const COLUMNS: &[Column] = &[
    text("TOPIC", ColumnWidth::Fill(2)),
    text("PROTO", ColumnWidth::Fixed(6)),
    text("ENDPOINT", ColumnWidth::Fill(3)),
    text("FILTER", ColumnWidth::Fill(2)),
    text("RAW", ColumnWidth::Fixed(3)),
    text("DLQ", ColumnWidth::Fill(2)),
    text("STATUS", ColumnWidth::Fixed(9)),
];

/// The endpoint's name, and for a queue whether it exists.
pub fn endpoint_label(sub: &Subscription, inventory: &Inventory) -> String {
    match sub.queue_arn() {
        Some(queue_arn) => queue_label(inventory, queue_arn).into_owned(),
        None => sub.endpoint_name().to_string(),
    }
}

/// The filter policy in one short line (`body: price_usd>=100`); text that is not JSON as
/// it came.
pub fn filter_label(sub: &Subscription) -> Option<String> {
    let policy = sub.filter_policy.as_deref()?;
    let scope = sub.filter_policy_scope.as_deref();
    Some(
        serde_json::from_str(policy)
            .map(|v| filter_policy::filter_label(&v, scope))
            .unwrap_or_else(|_| policy.to_string()),
    )
}

pub fn status_label(sub: &Subscription, inventory: &Inventory) -> (&'static str, RowStyle) {
    if sub.pending_confirmation {
        ("pending", RowStyle::Dim)
    } else if sub.warning.is_some() {
        ("no attrs", RowStyle::Warning)
    } else if sub
        .queue_arn()
        .is_some_and(|q| inventory.queue_by_arn(q).is_none())
    {
        ("missing", RowStyle::Alert)
    } else {
        ("confirmed", RowStyle::Normal)
    }
}

pub(super) fn includes(inventory: &Inventory, i: usize, topic_scope: Option<&str>) -> bool {
    topic_scope.is_none_or(|t| inventory.subscriptions()[i].topic_arn == t)
}

/// Pending subscriptions share the ARN "PendingConfirmation": the key adds topic and endpoint.
pub(super) fn key(inventory: &Inventory, i: usize) -> Cow<'_, str> {
    let sub = &inventory.subscriptions()[i];
    Cow::Owned(format!("{}|{}|{}", sub.arn, sub.topic_arn, sub.endpoint))
}

pub(super) fn filter_text(inventory: &Inventory, i: usize) -> Cow<'_, str> {
    Cow::Owned(whole(inventory, i).filter_text)
}

pub(super) fn sort_key(inventory: &Inventory, i: usize, column: usize) -> SortKey<'static> {
    whole(inventory, i).sort_key(column)
}

pub(super) fn row(inventory: &Inventory, i: usize) -> TableRow {
    whole(inventory, i).row
}

fn whole(inventory: &Inventory, i: usize) -> WholeRow {
    let sub = &inventory.subscriptions()[i];
    let endpoint = endpoint_label(sub, inventory);
    let filter = filter_label(sub);
    let dlq = sub
        .dlq_arn
        .as_deref()
        .map(|a| queue_label(inventory, a).into_owned());
    let (status, style) = status_label(sub, inventory);
    let raw = if sub.raw_message_delivery {
        "yes"
    } else {
        "no"
    };
    let cells = vec![
        sub.topic_name().to_string(),
        sub.protocol.clone(),
        endpoint.clone(),
        or_dash(filter.clone()),
        raw.to_string(),
        or_dash(dlq.clone()),
        status.to_string(),
    ];
    let sort = vec![
        SortKey::owned(sub.topic_name().to_string()),
        SortKey::owned(sub.protocol.clone()),
        SortKey::owned(endpoint.clone()),
        filter.map_or(SortKey::Missing, SortKey::owned),
        SortKey::owned(raw.to_string()),
        dlq.map_or(SortKey::Missing, SortKey::owned),
        SortKey::owned(status.to_string()),
    ];
    let filter_text = format!("{} {} {endpoint}", sub.topic_name(), sub.protocol);
    let row = TableRow {
        key: key(inventory, i).into_owned(),
        cells,
        style,
        target: match sub.queue_arn() {
            Some(queue_arn) => match inventory.queue_by_arn(queue_arn) {
                Some(queue) => Target::Queue(queue.url.clone()),
                None => Target::MissingQueue(queue_arn.to_string()),
            },
            None => Target::Subscription(sub.arn.clone()),
        },
    };
    WholeRow {
        row,
        sort,
        filter_text,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::inventory::model::tests::queue;
    use crate::resource_rows::TableKind;

    fn rows(inventory: &Inventory, scope: Option<&str>) -> Vec<TableRow> {
        TableKind::Subscriptions.rows(inventory, scope)
    }

    #[test]
    fn rows_read_filter_raw_dlq_and_status() {
        let mut inventory = Inventory::default();
        inventory.upsert_queues(vec![queue("orders", 0, None), queue("sub-dlq", 0, None)], 1);
        let topic = "arn:aws:sns:us-east-1:1:events";
        let mut sub = Subscription::listed(
            "arn:aws:sns:us-east-1:1:events:1",
            topic,
            "sqs",
            "arn:aws:sqs:us-east-1:1:orders",
            None,
        );
        sub.filter_policy = Some(r#"{"type":["placed"]}"#.into());
        sub.filter_policy_scope = Some("MessageBody".into());
        sub.raw_message_delivery = true;
        sub.dlq_arn = Some("arn:aws:sqs:us-east-1:1:sub-dlq".into());
        let gone = Subscription::listed(
            "arn:aws:sns:us-east-1:1:events:2",
            topic,
            "sqs",
            "arn:aws:sqs:us-east-1:1:gone",
            None,
        );
        let other = Subscription::listed(
            "arn:aws:sns:us-east-1:1:other:3",
            "arn:aws:sns:us-east-1:1:other",
            "https",
            "https://x",
            None,
        );
        inventory.set_subscriptions(vec![sub, gone, other]);

        assert_eq!(rows(&inventory, None).len(), 3);
        let rows = rows(&inventory, Some(topic));
        assert_eq!(rows.len(), 2, "scoped to one topic");
        assert_eq!(
            rows[0].cells,
            [
                "events",
                "sqs",
                "orders",
                "body: type=placed",
                "yes",
                "sub-dlq",
                "confirmed"
            ]
        );
        assert_eq!(rows[0].target, Target::Queue("https://sqs/1/orders".into()));
        assert_eq!(rows[1].cells[2], "gone (missing)");
        assert_eq!(rows[1].style, RowStyle::Alert);
        assert_eq!(
            rows[1].target,
            Target::MissingQueue("arn:aws:sqs:us-east-1:1:gone".into())
        );
    }
}
