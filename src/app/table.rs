//! A table view's state, whatever it lists: its rows (already turned into text), sort,
//! filter, selection and scroll. Rows are rebuilt from the inventory; everything else
//! survives the rebuild, and the selection follows its row.

use std::cmp::Ordering;

use regex::{Regex, RegexBuilder};

use super::target::Target;

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

/// What a column sorts by.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
pub enum SortValue {
    Number(u64),
    Text(String),
    /// Sorts after every value in ascending order ("-" cells).
    Missing,
}

/// One row: its text cells, typed sort keys, style, and what it points at.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TableRow {
    /// Stable identity (URL or ARN), so the selection can follow the row.
    pub key: String,
    pub cells: Vec<String>,
    pub sort: Vec<SortValue>,
    pub filter_text: String,
    pub style: RowStyle,
    pub target: Target,
}

/// A `/` filter: a regex, smart-case, `!` in front inverts.
#[derive(Debug, Clone)]
pub struct RowFilter {
    pub text: String,
    regex: Regex,
    pub invert: bool,
}

impl PartialEq for RowFilter {
    fn eq(&self, other: &Self) -> bool {
        self.text == other.text
    }
}

impl RowFilter {
    /// `Ok(None)` for an empty filter; `Err` with a readable message for a bad regex.
    pub fn parse(text: &str) -> Result<Option<RowFilter>, String> {
        let (invert, pattern) = match text.strip_prefix('!') {
            Some(rest) => (true, rest),
            None => (false, text),
        };
        if pattern.is_empty() {
            return Ok(None);
        }
        // Smart case, as in vim and k9s: lower-case patterns ignore case.
        let case_insensitive = !pattern.chars().any(char::is_uppercase);
        let regex = RegexBuilder::new(pattern)
            .case_insensitive(case_insensitive)
            .size_limit(1 << 20)
            .build()
            .map_err(|e| match e {
                regex::Error::Syntax(s) => {
                    format!(
                        "invalid regex: {}",
                        s.lines().last().unwrap_or("syntax error")
                    )
                }
                other => format!("invalid regex: {other}"),
            })?;
        Ok(Some(RowFilter {
            text: text.to_string(),
            regex,
            invert,
        }))
    }

    pub fn matches(&self, text: &str) -> bool {
        self.regex.is_match(text) != self.invert
    }
}

#[derive(Debug, Clone, PartialEq)]
pub struct TableState {
    all: Vec<TableRow>,
    /// Indices into `all`, filtered and sorted: what the table shows.
    view: Vec<usize>,
    pub sort_column: usize,
    pub descending: bool,
    pub filter: Option<RowFilter>,
    pub selected: usize,
    pub offset: usize,
    /// Set once the user moves the selection: from then on it follows its row through
    /// re-sorts and refreshes. Before that it stays on the first row while rows stream in.
    follow_selected: bool,
}

impl TableState {
    pub fn new(sort_column: usize, descending: bool) -> TableState {
        TableState {
            all: Vec::new(),
            view: Vec::new(),
            sort_column,
            descending,
            filter: None,
            selected: 0,
            offset: 0,
            follow_selected: false,
        }
    }

    pub fn total(&self) -> usize {
        self.all.len()
    }

    pub fn shown(&self) -> usize {
        self.view.len()
    }

    /// The rows in display order.
    pub fn rows(&self) -> impl Iterator<Item = &TableRow> + '_ {
        self.view.iter().map(|&i| &self.all[i])
    }

    pub fn selected_row(&self) -> Option<&TableRow> {
        self.view.get(self.selected).map(|&i| &self.all[i])
    }

    /// Replaces the rows (after the inventory changed), keeping sort, filter and selection.
    pub fn set_rows(&mut self, rows: Vec<TableRow>) {
        let keep = self.selected_key();
        self.all = rows;
        self.rebuild(keep);
    }

    pub fn set_filter(&mut self, filter: Option<RowFilter>) {
        let keep = self.selected_key();
        self.filter = filter;
        self.rebuild(keep);
    }

    /// Sorts by `column`; `descending_first` is the column's natural order (counts: largest first).
    pub fn sort_by(&mut self, column: usize, descending_first: bool) {
        let keep = self.selected_key();
        self.sort_column = column;
        self.descending = descending_first;
        self.rebuild(keep);
    }

    pub fn reverse_sort(&mut self) {
        let keep = self.selected_key();
        self.descending = !self.descending;
        self.rebuild(keep);
    }

    /// Moves the selection by `delta` rows and scrolls so it stays within `viewport` rows.
    pub fn move_selection(&mut self, delta: isize, viewport: usize) {
        self.follow_selected = true;
        if self.view.is_empty() {
            self.selected = 0;
            self.offset = 0;
            return;
        }
        let last = self.view.len() as isize - 1;
        self.selected = (self.selected as isize)
            .saturating_add(delta)
            .clamp(0, last) as usize;
        self.scroll_into_view(viewport);
    }

    /// Keeps the selected row inside the window of `viewport` rows starting at `offset`.
    pub fn scroll_into_view(&mut self, viewport: usize) {
        self.offset = scrolled_offset(self.selected, self.offset, viewport, self.view.len());
    }

    fn selected_key(&self) -> Option<String> {
        if !self.follow_selected {
            return None;
        }
        self.selected_row().map(|row| row.key.clone())
    }

    fn rebuild(&mut self, keep_selected: Option<String>) {
        let rows = &self.all;
        let mut view: Vec<usize> = (0..rows.len())
            .filter(|&i| {
                self.filter
                    .as_ref()
                    .is_none_or(|f| f.matches(&rows[i].filter_text))
            })
            .collect();
        let (column, descending) = (self.sort_column, self.descending);
        view.sort_by(|&a, &b| {
            let ordering = compare_cells(&rows[a].sort, &rows[b].sort, column);
            let ordering = if descending {
                ordering.reverse()
            } else {
                ordering
            };
            // Ties by the first column, so the order is stable between refreshes.
            ordering.then_with(|| rows[a].cells.first().cmp(&rows[b].cells.first()))
        });
        self.view = view;
        self.selected = keep_selected
            .and_then(|key| self.view.iter().position(|&i| self.all[i].key == key))
            .unwrap_or(self.selected)
            .min(self.view.len().saturating_sub(1));
    }
}

/// The first visible row after scrolling just enough to show `selected` in a window of
/// `viewport` rows over `len` rows (k9s-style: the view moves only when it must).
pub fn scrolled_offset(selected: usize, offset: usize, viewport: usize, len: usize) -> usize {
    let viewport = viewport.max(1);
    let offset = if selected < offset {
        selected
    } else if selected >= offset + viewport {
        selected + 1 - viewport
    } else {
        offset
    };
    offset.min(len.saturating_sub(viewport))
}

fn compare_cells(a: &[SortValue], b: &[SortValue], column: usize) -> Ordering {
    a.get(column).cmp(&b.get(column))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn row(name: &str, count: u64) -> TableRow {
        TableRow {
            key: name.to_string(),
            cells: vec![name.to_string(), count.to_string()],
            sort: vec![SortValue::Text(name.to_string()), SortValue::Number(count)],
            filter_text: name.to_string(),
            style: RowStyle::Normal,
            target: Target::Queue(name.to_string()),
        }
    }

    fn names(table: &TableState) -> Vec<&str> {
        table.rows().map(|r| r.key.as_str()).collect()
    }

    fn sample() -> TableState {
        let mut table = TableState::new(0, false);
        table.set_rows(vec![
            row("orders", 5),
            row("orders-dlq", 40),
            row("billing.fifo", 1),
        ]);
        table
    }

    #[test]
    fn sorts_by_column_and_reverses() {
        let mut table = sample();
        assert_eq!(names(&table), ["billing.fifo", "orders", "orders-dlq"]);
        table.sort_by(1, true);
        assert_eq!(names(&table), ["orders-dlq", "orders", "billing.fifo"]);
        table.reverse_sort();
        assert_eq!(names(&table), ["billing.fifo", "orders", "orders-dlq"]);
    }

    #[test]
    fn missing_values_sort_last_ascending() {
        let mut table = TableState::new(1, false);
        let mut dash = row("dash", 0);
        dash.sort[1] = SortValue::Missing;
        table.set_rows(vec![dash, row("three", 3)]);
        assert_eq!(names(&table), ["three", "dash"]);
    }

    #[test]
    fn filter_is_smart_case_regex_and_inverts() {
        let mut table = sample();
        table.set_filter(RowFilter::parse("dlq").expect("ok"));
        assert_eq!(names(&table), ["orders-dlq"]);
        table.set_filter(RowFilter::parse("!dlq").expect("ok"));
        assert_eq!(names(&table), ["billing.fifo", "orders"]);
        table.set_filter(RowFilter::parse("DLQ").expect("ok"));
        assert_eq!(table.shown(), 0);
        table.set_filter(RowFilter::parse("^(billing|orders)$").expect("ok"));
        assert_eq!(names(&table), ["orders"]);
        assert!(RowFilter::parse("(").is_err());
        assert_eq!(RowFilter::parse("!").expect("ok"), None);
    }

    #[test]
    fn selection_follows_its_row_once_moved() {
        let mut table = sample();
        table.move_selection(1, 10);
        assert_eq!(table.selected_row().map(|r| r.key.as_str()), Some("orders"));
        table.sort_by(1, true);
        assert_eq!(table.selected_row().map(|r| r.key.as_str()), Some("orders"));
        table.set_rows(vec![row("aaa", 0), row("orders", 5), row("orders-dlq", 40)]);
        assert_eq!(table.selected_row().map(|r| r.key.as_str()), Some("orders"));
    }

    #[test]
    fn untouched_selection_stays_on_the_first_row_while_rows_stream_in() {
        let mut table = TableState::new(0, false);
        table.set_rows(vec![row("m", 0)]);
        table.set_rows(vec![row("m", 0), row("a", 0)]);
        assert_eq!(table.selected_row().map(|r| r.key.as_str()), Some("a"));
    }

    #[test]
    fn scrolling_keeps_selection_in_the_viewport() {
        let mut table = TableState::new(0, false);
        table.set_rows((0..50).map(|i| row(&format!("q{i:02}"), 0)).collect());
        table.move_selection(12, 10);
        assert_eq!((table.selected, table.offset), (12, 3));
        table.move_selection(-5, 10);
        assert_eq!((table.selected, table.offset), (7, 3));
        table.move_selection(isize::MAX, 10);
        assert_eq!((table.selected, table.offset), (49, 40));
        table.move_selection(isize::MIN, 10);
        assert_eq!((table.selected, table.offset), (0, 0));
    }
}
