//! What each kind of resource shows as a row of text (the TUI's tables and `ls` alike):
//! the columns, the cells, how a row stands out, what it points at, the order rows sort in
//! (`order`), and the fan-out tree as lines (`tree`). Below the app and the CLI verbs, which
//! both show them. A row is built alone, from its position in the inventory's list, so a
//! table of 50,000 queues builds only the rows on screen; sorting and filtering read the
//! inventory directly. Every cell leaves through [`RowSource::row`], which applies the
//! untrusted-text rule to what will be drawn.

pub mod dlqs;
mod fleet_rows;
pub use fleet_rows::CONTEXT_COLUMN;
pub mod lambdas;
pub mod order;
pub mod queues;
pub mod subscriptions;
pub mod target;
pub mod topics;
pub mod tree;

use std::borrow::Cow;

use crate::domain::untrusted::{escape, escape_owned};
use crate::inventory::Inventory;
pub use order::SortKey;
use target::Target;

/// How a row stands out.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum RowStyle {
    Normal,
    /// A DLQ, empty.
    Dlq,
    /// Needs attention: a DLQ with messages, a missing target.
    Alert,
    /// Partly loaded: some attribute could not be read.
    Warning,
    /// Inactive: a disabled consumer, a pending subscription.
    Dim,
}

/// One row as shown: its text cells, style, and what it points at.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TableRow {
    /// Stable identity (URL or ARN), so the selection can follow the row.
    pub key: String,
    pub cells: Vec<String>,
    pub style: RowStyle,
    pub target: Target,
}

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
    /// Its values move between listings (counts, a running redrive): fresh counts may
    /// re-sort a table sorted by it, and leave any other order as it is.
    pub live: bool,
}

pub const fn text(title: &'static str, width: ColumnWidth) -> Column {
    Column {
        title,
        width,
        numeric: false,
        live: false,
    }
}

pub const fn number(title: &'static str, width: u16) -> Column {
    Column {
        title,
        width: ColumnWidth::Fixed(width),
        numeric: true,
        live: false,
    }
}

impl Column {
    /// The column's values move between listings (see [`Column::live`]).
    pub const fn live(self) -> Column {
        Column { live: true, ..self }
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

    /// This kind's rows over `inventory`; `scope` narrows subscriptions to one topic ARN.
    pub fn source<'a>(self, inventory: &'a Inventory, scope: Option<&'a str>) -> RowSource<'a> {
        RowSource {
            kind: self,
            inventory,
            scope,
            fleet: &[],
        }
    }

    /// This kind's rows over several contexts' inventories, each with its label, in order:
    /// a CONTEXT column comes last (see `fleet_rows.rs`).
    pub fn fleet_source<'a>(
        self,
        parts: &'a [(&'a str, &'a Inventory)],
        scope: Option<&'a str>,
    ) -> RowSource<'a> {
        let empty: &'a Inventory = parts.first().map_or(&EMPTY_INVENTORY, |(_, i)| *i);
        RowSource {
            kind: self,
            inventory: empty,
            scope,
            fleet: parts,
        }
    }

    /// Every row, in the inventory's order (unsorted).
    pub fn rows(self, inventory: &Inventory, scope: Option<&str>) -> Vec<TableRow> {
        let source = self.source(inventory, scope);
        source.positions().map(|i| source.row(i)).collect()
    }
}

/// One kind's rows over an inventory, by position: the index of the resource in the
/// inventory's list of that kind (queues for the queue and DLQ tables). Positions whose
/// resource the kind does not show (a queue that is no DLQ) are left out by
/// [`RowSource::includes`].
#[derive(Debug, Clone, Copy)]
pub struct RowSource<'a> {
    pub kind: TableKind,
    inventory: &'a Inventory,
    scope: Option<&'a str>,
    /// In a fleet, every context's inventory and label: positions run through them in
    /// order, and `inventory` is not read.
    fleet: &'a [(&'a str, &'a Inventory)],
}

/// What a fleet source with no context reads.
static EMPTY_INVENTORY: std::sync::LazyLock<Inventory> =
    std::sync::LazyLock::new(Inventory::default);

impl<'a> RowSource<'a> {
    /// How many positions there are (shown or not).
    pub fn len(&self) -> usize {
        if !self.fleet.is_empty() {
            return self.fleet_len();
        }
        match self.kind {
            TableKind::Queues | TableKind::Dlqs => self.inventory.queues().len(),
            TableKind::Topics => self.inventory.topics().len(),
            TableKind::Subscriptions => self.inventory.subscriptions().len(),
            TableKind::Lambdas => self.inventory.functions().len(),
        }
    }

    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// Whether this kind shows the resource at position `i`.
    pub fn includes(&self, i: usize) -> bool {
        if let Some((part, i, _)) = self.part(i) {
            return part.includes(i);
        }
        match self.kind {
            TableKind::Dlqs => dlqs::includes(self.inventory, i),
            TableKind::Subscriptions => subscriptions::includes(self.inventory, i, self.scope),
            TableKind::Queues | TableKind::Topics | TableKind::Lambdas => true,
        }
    }

    /// The positions shown, in the inventory's order.
    pub fn positions(&self) -> impl Iterator<Item = usize> + '_ {
        (0..self.len()).filter(|&i| self.includes(i))
    }

    /// The row's identity ([`TableRow::key`]) without building the row.
    pub fn key(&self, i: usize) -> Cow<'a, str> {
        if let Some((part, i, label)) = self.part(i) {
            return Cow::Owned(format!("{}|{label}", part.key(i)));
        }
        match self.kind {
            TableKind::Queues | TableKind::Dlqs => queues::key(self.inventory, i),
            TableKind::Topics => topics::key(self.inventory, i),
            TableKind::Subscriptions => subscriptions::key(self.inventory, i),
            TableKind::Lambdas => lambdas::key(self.inventory, i),
        }
    }

    /// The text the `/` filter matches: what is shown, escaped as it is shown.
    pub fn filter_text(&self, i: usize) -> Cow<'a, str> {
        if let Some((part, i, _)) = self.part(i) {
            return part.filter_text(i);
        }
        let text = match self.kind {
            TableKind::Queues => queues::filter_text(self.inventory, i),
            TableKind::Dlqs => dlqs::filter_text(self.inventory, i),
            TableKind::Topics => topics::filter_text(self.inventory, i),
            TableKind::Subscriptions => subscriptions::filter_text(self.inventory, i),
            TableKind::Lambdas => lambdas::filter_text(self.inventory, i),
        };
        match text {
            Cow::Borrowed(text) => escape(text),
            Cow::Owned(text) => Cow::Owned(escape_owned(text)),
        }
    }

    /// What column `column` of the row sorts by, read from the inventory without building
    /// the row (no allocation for the queue and DLQ tables' names and counts).
    pub fn sort_key(&self, i: usize, column: usize) -> SortKey<'a> {
        if let Some((part, i, label)) = self.part(i) {
            return match column == self.kind.columns().len() {
                true => SortKey::text(label),
                false => part.sort_key(i, column),
            };
        }
        match self.kind {
            TableKind::Queues => queues::sort_key(self.inventory, i, column),
            TableKind::Dlqs => dlqs::sort_key(self.inventory, i, column),
            TableKind::Topics => topics::sort_key(self.inventory, i, column),
            TableKind::Subscriptions => subscriptions::sort_key(self.inventory, i, column),
            TableKind::Lambdas => lambdas::sort_key(self.inventory, i, column),
        }
    }

    /// The row at position `i`. Cells hold AWS text (names, policies, states, error
    /// messages), so each is escaped here, for the TUI and `ls` alike.
    pub fn row(&self, i: usize) -> TableRow {
        if let Some((part, i, label)) = self.part(i) {
            let mut row = part.row(i);
            row.cells.push(escape(label).into_owned());
            row.key = format!("{}|{label}", row.key);
            return row;
        }
        let mut row = match self.kind {
            TableKind::Queues => queues::row(self.inventory, i),
            TableKind::Dlqs => dlqs::row(self.inventory, i),
            TableKind::Topics => topics::row(self.inventory, i),
            TableKind::Subscriptions => subscriptions::row(self.inventory, i),
            TableKind::Lambdas => lambdas::row(self.inventory, i),
        };
        row.cells = row.cells.into_iter().map(escape_owned).collect();
        row
    }

    /// Every position shown, sorted by `column` (see [`order::sort_positions`]).
    pub fn sorted(&self, column: usize, descending: bool) -> Vec<usize> {
        let mut positions: Vec<usize> = self.positions().collect();
        order::sort_positions(self, &mut positions, column, descending);
        positions
    }
}

/// A row of a small table (topics, subscriptions, functions), worked out whole: what it
/// shows, sorts by and filters on. Those tables read the whole row for a sort key too:
/// they hold hundreds of rows, not tens of thousands.
struct WholeRow {
    row: TableRow,
    sort: Vec<SortKey<'static>>,
    filter_text: String,
}

impl WholeRow {
    fn sort_key(self, column: usize) -> SortKey<'static> {
        self.sort
            .into_iter()
            .nth(column)
            .unwrap_or(SortKey::Missing)
    }
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
pub fn queue_label<'a>(inventory: &Inventory, queue_arn: &'a str) -> Cow<'a, str> {
    let name = crate::domain::arn::resource_name(queue_arn);
    if inventory.queue_by_arn(queue_arn).is_some() {
        Cow::Borrowed(name)
    } else {
        Cow::Owned(format!("{name} (missing)"))
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
