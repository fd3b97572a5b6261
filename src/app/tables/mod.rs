//! The table views: their columns, and the pure functions that turn inventory records into
//! rows of text (shared by the TUI and the `ls` tables). Every row leaves through
//! [`TableKind::rows`], which applies the untrusted-text rule to what will be drawn.

pub mod dlqs;
pub mod lambdas;
pub mod queues;
pub mod subscriptions;
pub mod topics;

use super::table::TableRow;
use crate::domain::untrusted::escape_owned;
use crate::inventory::Inventory;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TableKind {
    Queues,
    Dlqs,
    Topics,
    Subscriptions,
    Lambdas,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ColumnWidth {
    /// A share of what the fixed columns leave.
    Fill(u16),
    Fixed(u16),
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Column {
    pub title: &'static str,
    pub width: ColumnWidth,
    /// Right-aligned, and sorted largest first.
    pub numeric: bool,
}

pub const fn text(title: &'static str, width: ColumnWidth) -> Column {
    Column {
        title,
        width,
        numeric: false,
    }
}

pub const fn number(title: &'static str, width: u16) -> Column {
    Column {
        title,
        width: ColumnWidth::Fixed(width),
        numeric: true,
    }
}

impl TableKind {
    pub fn title(self) -> &'static str {
        match self {
            TableKind::Queues => "Queues",
            TableKind::Dlqs => "Dead-letter queues",
            TableKind::Topics => "Topics",
            TableKind::Subscriptions => "Subscriptions",
            TableKind::Lambdas => "Lambda functions",
        }
    }

    /// The breadcrumb name (the command that opens it).
    pub fn command_name(self) -> &'static str {
        match self {
            TableKind::Queues => "queues",
            TableKind::Dlqs => "dlq",
            TableKind::Topics => "topics",
            TableKind::Subscriptions => "subscriptions",
            TableKind::Lambdas => "lambdas",
        }
    }

    pub fn columns(self) -> &'static [Column] {
        match self {
            TableKind::Queues => queues::COLUMNS,
            TableKind::Dlqs => dlqs::COLUMNS,
            TableKind::Topics => topics::COLUMNS,
            TableKind::Subscriptions => subscriptions::COLUMNS,
            TableKind::Lambdas => lambdas::COLUMNS,
        }
    }

    /// The sort a new view starts with: `(column, descending)`.
    pub fn default_sort(self) -> (usize, bool) {
        match self {
            // The DLQ view answers "what is burning": deepest first.
            TableKind::Dlqs => (dlqs::VISIBLE, true),
            _ => (0, false),
        }
    }

    /// Rows for this view; `scope` narrows subscriptions to one topic ARN. Cells hold AWS
    /// text (names, policies, states, error messages), so each is escaped here, once, for
    /// the TUI and `ls` alike; so is the text the filter matches, which is what is shown.
    pub fn rows(self, inventory: &Inventory, scope: Option<&str>) -> Vec<TableRow> {
        let rows = match self {
            TableKind::Queues => queues::rows(inventory),
            TableKind::Dlqs => dlqs::rows(inventory),
            TableKind::Topics => topics::rows(inventory),
            TableKind::Subscriptions => subscriptions::rows(inventory, scope),
            TableKind::Lambdas => lambdas::rows(inventory),
        };
        rows.into_iter().map(escaped).collect()
    }
}

fn escaped(mut row: TableRow) -> TableRow {
    row.cells = row.cells.into_iter().map(escape_owned).collect();
    row.filter_text = escape_owned(row.filter_text);
    row
}

/// `1234567` → `1,234,567`.
pub fn group_thousands(n: u64) -> String {
    let digits = n.to_string();
    let mut out = String::with_capacity(digits.len() + digits.len() / 3);
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i).is_multiple_of(3) {
            out.push(',');
        }
        out.push(c);
    }
    out
}

/// A queue ARN as a table shows it: the queue's name, marked when no such queue exists.
pub fn queue_label(inventory: &Inventory, queue_arn: &str) -> String {
    let name = crate::domain::arn::resource_name(queue_arn);
    if inventory.queue_by_arn(queue_arn).is_some() {
        name.to_string()
    } else {
        format!("{name} (missing)")
    }
}

/// A dash for "none", the way every table shows an absent value.
pub fn or_dash(value: Option<String>) -> String {
    value.unwrap_or_else(|| "-".to_string())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn thousands_are_grouped() {
        assert_eq!(group_thousands(0), "0");
        assert_eq!(group_thousands(999), "999");
        assert_eq!(group_thousands(1000), "1,000");
        assert_eq!(group_thousands(1_234_567), "1,234,567");
    }
}
