//! `:dlq`: only dead-letter queues, deepest first, with the queues that feed them and the
//! progress of a native redrive (move task) running on them.

use std::borrow::Cow;

use super::target::Target;
use super::{Column, ColumnWidth, SortKey, TableRow, group_thousands, number, text};
use crate::domain::arn;
use crate::inventory::Inventory;

pub const VISIBLE: usize = 2;

pub const COLUMNS: &[Column] = &[
    text("NAME", ColumnWidth::Fill(3)),
    text("TYPE", ColumnWidth::Fixed(8)),
    number("VISIBLE", 9).live(),
    number("IN FLIGHT", 9).live(),
    // Sorted by the messages moved so far: move tasks are read between listings.
    text("REDRIVE", ColumnWidth::Fixed(9)).live(),
    text("SOURCES", ColumnWidth::Fill(3)),
];

/// A running move task as `moved/to move`; a dash when its tasks were read and none runs;
/// blank when they were not read (off screen, a subscription's DLQ, `squall ls`), since a
/// dash there would claim what squall does not know.
pub fn redrive_cell(inventory: &Inventory, dlq_arn: &str) -> String {
    let signals = inventory.signals();
    match signals.running_move_task(dlq_arn) {
        Some(task) => {
            let total = task
                .to_move
                .map(|n| n.to_string())
                .unwrap_or_else(|| "?".into());
            format!("{}/{total}", task.moved)
        }
        None if signals.move_tasks_known(dlq_arn) => "-".to_string(),
        None => String::new(),
    }
}

/// How many messages a running move task moved so far (what REDRIVE sorts by).
fn moved(inventory: &Inventory, dlq_arn: &str) -> u64 {
    inventory
        .signals()
        .running_move_task(dlq_arn)
        .map_or(0, |task| task.moved)
}

pub(super) fn includes(inventory: &Inventory, i: usize) -> bool {
    inventory.is_dlq(&inventory.queues()[i].arn)
}

/// The queues, functions and subscriptions that dead-letter into the DLQ, as the SOURCES
/// cell reads: queues by name, a function as `λ NAME (async DLQ)` or `λ NAME (on failure)`,
/// a subscription (a `lambda` one too) as `topic → endpoint (subscription)`.
pub fn sources(inventory: &Inventory, dlq_arn: &str) -> String {
    let mut sources: Vec<String> = inventory
        .dlq_sources(dlq_arn)
        .iter()
        .map(|a| arn::resource_name(a).to_string())
        .collect();
    sources.extend(
        inventory
            .lambda_dead_letters_to(dlq_arn)
            .filter_map(|d| d.source_label()),
    );
    sources.extend(inventory.subscriptions_dead_lettering_to(dlq_arn).map(|s| {
        format!(
            "{} → {} (subscription)",
            s.topic_name(),
            arn::resource_name(&s.endpoint)
        )
    }));
    sources.join(", ")
}

pub(super) fn filter_text(inventory: &Inventory, i: usize) -> Cow<'_, str> {
    let queue = &inventory.queues()[i];
    Cow::Owned(format!("{} {}", queue.name, sources(inventory, &queue.arn)))
}

pub(super) fn sort_key(inventory: &Inventory, i: usize, column: usize) -> SortKey<'_> {
    let queue = &inventory.queues()[i];
    match column {
        0 => SortKey::text(&queue.name),
        1 => SortKey::text(if queue.fifo { "true" } else { "false" }),
        2 => SortKey::Number(queue.counts.visible),
        3 => SortKey::Number(queue.counts.in_flight),
        4 => SortKey::Number(moved(inventory, &queue.arn)),
        5 => SortKey::owned(sources(inventory, &queue.arn)),
        _ => SortKey::Missing,
    }
}

pub(super) fn row(inventory: &Inventory, i: usize) -> TableRow {
    let queue = &inventory.queues()[i];
    TableRow {
        key: queue.url.clone(),
        cells: vec![
            queue.name.clone(),
            super::queues::type_label(queue.fifo, true).to_string(),
            group_thousands(queue.counts.visible),
            group_thousands(queue.counts.in_flight),
            redrive_cell(inventory, &queue.arn),
            sources(inventory, &queue.arn),
        ],
        style: super::queues::queue_style(true, queue.counts.visible, queue.counts.in_flight),
        target: Target::Queue(queue.url.clone()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::inventory::model::tests::queue;
    use crate::resource_rows::TableKind;

    fn rows(inventory: &Inventory) -> Vec<TableRow> {
        TableKind::Dlqs.rows(inventory, None)
    }

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
        assert_eq!(rows[0].cells[5], "events → orders (subscription)");
    }

    #[test]
    fn lambda_side_dlqs_name_the_function_and_the_lambda_subscription_that_feed_them() {
        use crate::inventory::model::tests::async_function;
        let mut inventory = Inventory::default();
        inventory.upsert_queues(
            vec![
                queue("notify-dlq", 2, None),
                queue("notify-failures", 1, None),
                queue("notify-sub-dlq", 0, None),
            ],
            1,
        );
        let mut sub = crate::domain::Subscription::listed(
            "arn:aws:sns:us-east-1:1:orders:1",
            "arn:aws:sns:us-east-1:1:orders",
            "lambda",
            "arn:aws:lambda:us-east-1:1:function:notify",
            None,
        );
        sub.dlq_arn = Some("arn:aws:sqs:us-east-1:1:notify-sub-dlq".into());
        inventory.set_subscriptions(vec![sub]);
        inventory.set_functions(vec![async_function(
            "notify",
            Some("notify-dlq"),
            Some("notify-failures"),
        )]);
        let cells: Vec<(String, String)> = rows(&inventory)
            .into_iter()
            .map(|r| (r.cells[0].clone(), r.cells[5].clone()))
            .collect();
        let cell = |name: &str| {
            cells
                .iter()
                .find(|(n, _)| n == name)
                .map(|(_, s)| s.as_str())
        };
        assert_eq!(cell("notify-dlq"), Some("λ notify (async DLQ)"));
        assert_eq!(cell("notify-failures"), Some("λ notify (on failure)"));
        assert_eq!(
            cell("notify-sub-dlq"),
            Some("orders → notify (subscription)")
        );
        let source = TableKind::Dlqs.source(&inventory, None);
        let texts: Vec<String> = (0..3).map(|i| source.filter_text(i).into_owned()).collect();
        assert!(
            texts.iter().any(|t| t.contains("λ notify (on failure)")),
            "{texts:?}"
        );
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
        assert_eq!(rows[0].cells, ["dlq", "std DLQ", "7", "0", "", "a, b"]);
        let source = TableKind::Dlqs.source(&inventory, None);
        assert_eq!(source.filter_text(2), "dlq a, b");
    }

    #[test]
    fn a_running_redrive_shows_its_progress_and_a_read_without_one_a_dash() {
        use crate::domain::message::MoveTask;
        let mut inventory = Inventory::default();
        inventory.upsert_queues(vec![queue("a", 0, Some("dlq")), queue("dlq", 7, None)], 1);
        let dlq_arn = inventory.queues()[1].arn.clone();
        let task = |status: &str| MoveTask {
            task_handle: None,
            source_arn: dlq_arn.clone(),
            destination_arn: None,
            status: status.to_string(),
            max_messages_per_second: Some(1),
            moved: 3,
            to_move: Some(10),
            failure_reason: None,
            started_ms: Some(0),
        };
        inventory.set_move_tasks(vec![(dlq_arn.clone(), Ok(vec![task("RUNNING")]))]);
        assert_eq!(rows(&inventory)[0].cells[4], "3/10");
        inventory.set_move_tasks(vec![(dlq_arn.clone(), Ok(vec![task("COMPLETED")]))]);
        assert_eq!(rows(&inventory)[0].cells[4], "-");
        inventory.set_move_tasks(vec![(dlq_arn, Ok(Vec::new()))]);
        assert_eq!(rows(&inventory)[0].cells[4], "-");
    }
}
