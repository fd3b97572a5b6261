//! Rows over a fleet: one kind's rows over several contexts' inventories, positions running
//! through them in context order, with a CONTEXT column (the context's label) after the
//! kind's own columns. A row's key starts with its context's label, so that a queue of the
//! same name in two regions is two rows.

use super::{Column, ColumnWidth, RowSource, text};

/// The widest the CONTEXT column gets (`prod-ops/eu-west-1` fits).
const CONTEXT_MAX_WIDTH: u16 = 18;
/// The CONTEXT column: the label, cut at its width.
pub const CONTEXT_COLUMN: Column = text("CONTEXT", ColumnWidth::Fixed(CONTEXT_MAX_WIDTH));

impl<'a> RowSource<'a> {
    /// The columns shown: the kind's, and CONTEXT last over a fleet.
    pub fn columns(&self) -> Vec<Column> {
        let mut columns = self.kind.columns().to_vec();
        if !self.fleet.is_empty() {
            // As wide as the longest label, within CONTEXT_COLUMN's width.
            let longest = self
                .fleet
                .iter()
                .map(|(label, _)| label.chars().count())
                .max()
                .unwrap_or(0);
            let width =
                longest.clamp(CONTEXT_COLUMN.title.len(), CONTEXT_MAX_WIDTH as usize) as u16;
            columns.push(Column {
                width: ColumnWidth::Fixed(width),
                ..CONTEXT_COLUMN
            });
        }
        columns
    }

    /// Whether the rows come from several contexts.
    pub fn is_fleet(&self) -> bool {
        !self.fleet.is_empty()
    }

    /// The label of the context of position `i` (over a fleet).
    pub fn context_label(&self, i: usize) -> Option<&'a str> {
        self.part(i).map(|(_, _, label)| label)
    }

    /// Which context (its index among the parts) position `i` is in (over a fleet).
    pub fn context_index(&self, i: usize) -> Option<usize> {
        let mut start = 0;
        for (index, (_, inventory)) in self.fleet.iter().enumerate() {
            let len = self.kind.source(inventory, self.scope).len();
            if i < start + len {
                return Some(index);
            }
            start += len;
        }
        None
    }

    pub(super) fn fleet_len(&self) -> usize {
        self.fleet
            .iter()
            .map(|(_, inventory)| self.kind.source(inventory, self.scope).len())
            .sum()
    }

    /// Over a fleet: the one-context source position `i` is in, its position there, and
    /// its context's label. `None` over one inventory.
    pub(super) fn part(&self, i: usize) -> Option<(RowSource<'a>, usize, &'a str)> {
        if self.fleet.is_empty() {
            return None;
        }
        let mut start = 0;
        for &(label, inventory) in self.fleet {
            let part = self.kind.source(inventory, self.scope);
            let len = part.len();
            if i < start + len {
                return Some((part, i - start, label));
            }
            start += len;
        }
        // Past the end (a stale position): the last part answers as for a missing row.
        let &(label, inventory) = self.fleet.last()?;
        let part: RowSource<'a> = self.kind.source(inventory, self.scope);
        Some((part, i - start + part.len(), label))
    }
}

#[cfg(test)]
mod tests {
    use crate::inventory::Inventory;
    use crate::inventory::model::tests::queue;
    use crate::resource_rows::TableKind;

    fn inventory(names: &[&str]) -> Inventory {
        let mut inventory = Inventory::default();
        let queues = names.iter().map(|n| queue(n, 1, None)).collect();
        inventory.upsert_queues(queues, 1);
        inventory.finish_queues(1);
        inventory
    }

    #[test]
    fn positions_run_through_the_contexts_and_rows_name_theirs() {
        let (us, eu) = (inventory(&["orders", "audit"]), inventory(&["orders"]));
        let parts = [("us-east-1", &us), ("eu-west-1", &eu)];
        let source = TableKind::Queues.fleet_source(&parts, None);
        assert_eq!(source.len(), 3);
        let row = source.row(2);
        assert_eq!(row.cells[0], "orders");
        assert_eq!(row.cells.last().map(String::as_str), Some("eu-west-1"));
        assert_ne!(source.key(0), source.key(2), "same name, two rows");
        assert_eq!(
            source.key(2),
            row.key,
            "the selection follows the row by its key"
        );
        assert_eq!(source.context_index(2), Some(1));
        assert_eq!(source.columns().last().map(|c| c.title), Some("CONTEXT"));
        let context_column = TableKind::Queues.columns().len();
        assert_eq!(
            source.sorted(context_column, false),
            [2, 1, 0],
            "eu-west-1 sorts first, then by name"
        );
    }
}
