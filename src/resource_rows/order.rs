//! The order rows sort in, for the TUI's tables and `ls`: by one column, ties by the first
//! column, then by position, so the order is total and the same however the rows arrived.
//! Sorting an order that is already sorted costs one pass over it: a table re-sorted after
//! fresh counts that moved no row out of place does no more than compare its neighbours.

use std::borrow::Cow;
use std::cmp::Ordering;

use super::RowSource;

/// What a cell sorts by. Borrowed from the inventory where it can be, so reading every
/// row's key allocates nothing for names and counts.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
pub enum SortKey<'a> {
    Number(u64),
    Text(Cow<'a, str>),
    /// Sorts after every value in ascending order ("-" cells).
    Missing,
}

impl<'a> SortKey<'a> {
    pub fn text(text: &'a str) -> SortKey<'a> {
        SortKey::Text(Cow::Borrowed(text))
    }

    pub fn owned(text: String) -> SortKey<'a> {
        SortKey::Text(Cow::Owned(text))
    }
}

/// Sorts `positions` (of `source`) by `column`. Adaptive: an order that is already sorted
/// is checked in one pass and left alone; one that is nearly sorted (a few rows moved)
/// costs little more.
pub fn sort_positions(
    source: &RowSource,
    positions: &mut Vec<usize>,
    column: usize,
    descending: bool,
) {
    let compare = |a: &Keyed, b: &Keyed| compare_keyed(a, b, descending);
    let sorted = positions.windows(2).all(|pair| {
        let (a, b) = (
            keyed(source, pair[0], column),
            keyed(source, pair[1], column),
        );
        compare(&a, &b) != Ordering::Greater
    });
    if sorted {
        return;
    }
    // Each key read once (the DLQ table's sources are worked out, not borrowed).
    let mut keyed: Vec<Keyed> = positions
        .iter()
        .map(|&i| keyed(source, i, column))
        .collect();
    keyed.sort_by(compare);
    *positions = keyed.into_iter().map(|k| k.position).collect();
}

/// A position with what it sorts by.
struct Keyed<'a> {
    key: SortKey<'a>,
    /// The first column's key, for ties (none when sorting by the first column).
    first: Option<SortKey<'a>>,
    position: usize,
}

fn keyed<'a>(source: &RowSource<'a>, position: usize, column: usize) -> Keyed<'a> {
    Keyed {
        key: source.sort_key(position, column),
        first: (column != 0).then(|| source.sort_key(position, 0)),
        position,
    }
}

fn compare_keyed(a: &Keyed, b: &Keyed, descending: bool) -> Ordering {
    let ordering = a.key.cmp(&b.key);
    let ordering = if descending {
        ordering.reverse()
    } else {
        ordering
    };
    ordering
        .then_with(|| a.first.cmp(&b.first))
        .then_with(|| a.position.cmp(&b.position))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::inventory::Inventory;
    use crate::inventory::model::tests::queue;
    use crate::resource_rows::TableKind;

    fn names(inventory: &Inventory, positions: &[usize]) -> Vec<String> {
        positions
            .iter()
            .map(|&i| inventory.queues()[i].name.clone())
            .collect()
    }

    fn inventory() -> Inventory {
        let mut inventory = Inventory::default();
        inventory.upsert_queues(
            vec![
                queue("orders", 5, None),
                queue("billing", 5, None),
                queue("audit", 40, None),
            ],
            1,
        );
        inventory
    }

    #[test]
    fn ties_go_by_the_first_column_then_by_position_in_either_direction() {
        let inventory = inventory();
        let source = TableKind::Queues.source(&inventory, None);
        assert_eq!(
            names(&inventory, &source.sorted(2, true)),
            ["audit", "billing", "orders"]
        );
        assert_eq!(
            names(&inventory, &source.sorted(2, false)),
            ["billing", "orders", "audit"]
        );
        assert_eq!(
            names(&inventory, &source.sorted(0, false)),
            ["audit", "billing", "orders"]
        );
    }

    #[test]
    fn any_starting_order_ends_in_the_same_order() {
        let inventory = inventory();
        let source = TableKind::Queues.source(&inventory, None);
        for start in [[0, 1, 2], [2, 1, 0], [1, 2, 0]] {
            let mut positions = start.to_vec();
            sort_positions(&source, &mut positions, 2, true);
            assert_eq!(positions, [2, 1, 0], "from {start:?}");
        }
    }
}
