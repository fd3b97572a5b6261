//! The table state over a small queue inventory: sort, filter, selection, scroll, and the
//! rows on screen being the only rows built.

use super::*;
use crate::inventory::Inventory;
use crate::inventory::model::tests::queue;
use crate::resource_rows::TableKind;

const VISIBLE: usize = 2;

fn inventory(queues: &[(&str, u64)]) -> Inventory {
    let mut inventory = Inventory::default();
    let queues = queues.iter().map(|&(n, c)| queue(n, c, None)).collect();
    inventory.upsert_queues(queues, 1);
    inventory
}

fn names(table: &TableState) -> Vec<&str> {
    table
        .rows_on_screen()
        .iter()
        .map(|r| r.cells[0].as_str())
        .collect()
}

fn selected(table: &TableState) -> Option<&str> {
    table.selected_row().map(|r| r.cells[0].as_str())
}

fn sample() -> Inventory {
    inventory(&[("orders", 5), ("orders-dlq", 40), ("billing.fifo", 1)])
}

fn table(inventory: &Inventory, column: usize, descending: bool) -> TableState {
    let mut table = TableState::new(column, descending);
    table.refresh(&TableKind::Queues.source(inventory, None), true, 10);
    table
}

#[test]
fn sorts_by_column_and_reverses() {
    let inventory = sample();
    let source = TableKind::Queues.source(&inventory, None);
    let mut table = table(&inventory, 0, false);
    assert_eq!(names(&table), ["billing.fifo", "orders", "orders-dlq"]);
    table.sort_by(VISIBLE, true, &source, 10);
    assert_eq!(names(&table), ["orders-dlq", "orders", "billing.fifo"]);
    table.reverse_sort(&source, 10);
    assert_eq!(names(&table), ["billing.fifo", "orders", "orders-dlq"]);
}

#[test]
fn missing_values_sort_last_ascending() {
    let mut inventory = Inventory::default();
    inventory.upsert_queues(
        vec![queue("dash", 0, None), queue("three", 3, Some("dash"))],
        1,
    );
    // MAX RECV: "-" for a queue without a redrive policy.
    let table = table(&inventory, 6, false);
    assert_eq!(names(&table), ["three", "dash"]);
}

#[test]
fn filter_is_smart_case_regex_and_inverts() {
    let inventory = sample();
    let source = TableKind::Queues.source(&inventory, None);
    let mut table = table(&inventory, 0, false);
    table.set_filter(RowFilter::parse("dlq").expect("ok"), &source, 10);
    assert_eq!(names(&table), ["orders-dlq"]);
    assert_eq!((table.shown(), table.total()), (1, 3));
    table.set_filter(RowFilter::parse("!dlq").expect("ok"), &source, 10);
    assert_eq!(names(&table), ["billing.fifo", "orders"]);
    table.set_filter(RowFilter::parse("DLQ").expect("ok"), &source, 10);
    assert_eq!(table.shown(), 0);
    table.set_filter(
        RowFilter::parse("^(billing|orders)$").expect("ok"),
        &source,
        10,
    );
    assert_eq!(names(&table), ["orders"]);
}

#[test]
fn selection_follows_its_row_once_moved() {
    let inventory = sample();
    let source = TableKind::Queues.source(&inventory, None);
    let mut table = table(&inventory, 0, false);
    table.move_selection(1, &source, 10);
    assert_eq!(selected(&table), Some("orders"));
    table.sort_by(VISIBLE, true, &source, 10);
    assert_eq!(selected(&table), Some("orders"));
    let mut more = sample();
    more.upsert_queues(vec![queue("aaa", 0, None)], 1);
    table.refresh(&TableKind::Queues.source(&more, None), true, 10);
    table.sort_by(0, false, &TableKind::Queues.source(&more, None), 10);
    assert_eq!(selected(&table), Some("orders"));
}

#[test]
fn untouched_selection_stays_on_the_first_row_while_rows_stream_in() {
    let mut inventory = inventory(&[("m", 0)]);
    let mut table = table(&inventory, 0, false);
    inventory.upsert_queues(vec![queue("a", 0, None)], 1);
    table.refresh(&TableKind::Queues.source(&inventory, None), true, 10);
    assert_eq!(selected(&table), Some("a"));
}

#[test]
fn scrolling_keeps_selection_in_the_viewport_and_builds_only_the_rows_on_screen() {
    let names: Vec<String> = (0..50).map(|i| format!("q{i:02}")).collect();
    let queues: Vec<(&str, u64)> = names.iter().map(|n| (n.as_str(), 0)).collect();
    let inventory = inventory(&queues);
    let source = TableKind::Queues.source(&inventory, None);
    let mut table = TableState::new(0, false);
    table.refresh(&source, true, 10);
    assert_eq!(table.rows_on_screen().len(), 10);
    table.move_selection(12, &source, 10);
    assert_eq!((table.selected, table.offset), (12, 3));
    assert_eq!(selected(&table), Some("q12"));
    assert_eq!(
        table.row_on_screen(3).map(|r| r.cells[0].as_str()),
        Some("q03")
    );
    assert_eq!(table.row_on_screen(2), None, "above the screen: not built");
    table.move_selection(-5, &source, 10);
    assert_eq!((table.selected, table.offset), (7, 3));
    table.move_selection(isize::MAX, &source, 10);
    assert_eq!((table.selected, table.offset), (49, 40));
    assert_eq!(selected(&table), Some("q49"));
    table.move_selection(isize::MIN, &source, 10);
    assert_eq!((table.selected, table.offset), (0, 0));
}

#[test]
fn fresh_counts_move_a_row_only_when_its_sort_key_moved() {
    let mut inventory = sample();
    let mut table = table(&inventory, VISIBLE, true);
    assert_eq!(names(&table), ["orders-dlq", "orders", "billing.fifo"]);
    // Counts that keep the order: same rows, new text.
    let mut orders = queue("orders", 7, None);
    inventory.update_queues(vec![orders.clone()]);
    table.refresh(&TableKind::Queues.source(&inventory, None), false, 10);
    assert_eq!(names(&table), ["orders-dlq", "orders", "billing.fifo"]);
    assert_eq!(
        table.row_on_screen(1).map(|r| r.cells[2].as_str()),
        Some("7")
    );
    // Counts that move a row past another.
    orders.counts.visible = 100;
    inventory.update_queues(vec![orders]);
    table.refresh(&TableKind::Queues.source(&inventory, None), false, 10);
    assert_eq!(names(&table), ["orders", "orders-dlq", "billing.fifo"]);
}

#[test]
fn a_listing_that_drops_rows_leaves_no_position_behind() {
    let mut inventory = sample();
    let mut table = table(&inventory, 0, false);
    inventory.upsert_queues(vec![queue("orders", 5, None)], 2);
    inventory.finish_queues(2);
    table.refresh(&TableKind::Queues.source(&inventory, None), true, 10);
    assert_eq!(names(&table), ["orders"]);
    assert_eq!(table.total(), 1);
}

#[test]
fn fresh_counts_leave_an_order_by_name_alone_and_rebuild_only_the_rows_on_screen() {
    let mut inventory = sample();
    let mut table = table(&inventory, 0, false);
    let order_before = table.clone();
    inventory.update_queues(vec![queue("orders", 9, None)]);
    table.refresh(&TableKind::Queues.source(&inventory, None), false, 10);
    assert_eq!(names(&table), ["billing.fifo", "orders", "orders-dlq"]);
    assert_eq!(
        table.row_on_screen(1).map(|r| r.cells[2].as_str()),
        Some("9")
    );
    assert_eq!(table.position(1), order_before.position(1));
    // The counts columns are live, the name is not: a table sorted by name is left as it is.
    let columns = TableKind::Queues.columns();
    assert!(!columns[0].live && columns[VISIBLE].live);
}
