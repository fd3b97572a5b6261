//! A resource table's state, whatever it lists: the rows it shows as positions in the
//! inventory (filtered and sorted), its sort, filter, selection and scroll, and the rows on
//! screen, built as text. Only those are built: a table over 50,000 queues keeps 50,000
//! numbers and a screenful of rows. Fresh counts re-sort only when a row moved out of
//! place; the filter is matched again only when the listing changed.

use super::row_filter::RowFilter;
use crate::resource_rows::order::sort_positions;
use crate::resource_rows::{RowSource, TableRow};

#[derive(Debug, Clone, PartialEq)]
pub struct TableState {
    /// Positions of the rows shown (see [`RowSource`]), filtered and sorted.
    order: Vec<usize>,
    /// Rows before the filter.
    total: usize,
    /// The rows on screen: `order[window_start..]`, as many as fit.
    window: Vec<TableRow>,
    window_start: usize,
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
            order: Vec::new(),
            total: 0,
            window: Vec::new(),
            window_start: 0,
            sort_column,
            descending,
            filter: None,
            selected: 0,
            offset: 0,
            follow_selected: false,
        }
    }

    pub fn total(&self) -> usize {
        self.total
    }

    pub fn shown(&self) -> usize {
        self.order.len()
    }

    /// The position (in the source) of the row shown at `index`.
    pub fn position(&self, index: usize) -> Option<usize> {
        self.order.get(index).copied()
    }

    /// The row shown at `index`, if it is on screen (built at the last change).
    pub fn row_on_screen(&self, index: usize) -> Option<&TableRow> {
        index
            .checked_sub(self.window_start)
            .and_then(|i| self.window.get(i))
    }

    /// The rows on screen, in display order.
    pub fn rows_on_screen(&self) -> &[TableRow] {
        &self.window
    }

    pub fn selected_row(&self) -> Option<&TableRow> {
        self.row_on_screen(self.selected)
    }

    /// Brings the table up to date with `source` after the inventory changed.
    /// `members_changed`: the listing changed (not only counts), so which rows are shown
    /// and what the filter matches may have changed too.
    /// Fresh counts alone leave a table sorted by a column they cannot move (a name) as it
    /// is: only the rows on screen are built again.
    pub fn refresh(&mut self, source: &RowSource, members_changed: bool, viewport: usize) {
        let live = source
            .kind
            .columns()
            .get(self.sort_column)
            .is_some_and(|c| c.live);
        // Positions past the end mean the listing changed after all (it always says so
        // through `members_changed`; this keeps a missed one from indexing past the end).
        let checked = if live {
            self.order.len()
        } else {
            viewport.max(1)
        };
        let members_changed = members_changed
            || self
                .order
                .iter()
                .skip(if live { 0 } else { self.offset })
                .take(checked)
                .any(|&i| i >= source.len());
        if !members_changed && !live {
            self.scroll_into_view(viewport);
            self.build_window(source, viewport);
            return;
        }
        let keep = self.selected_key();
        if members_changed {
            self.collect_members(source);
        }
        self.sort_and_place(source, keep, viewport);
    }

    pub fn set_filter(&mut self, filter: Option<RowFilter>, source: &RowSource, viewport: usize) {
        let keep = self.selected_key();
        self.filter = filter;
        self.collect_members(source);
        self.sort_and_place(source, keep, viewport);
    }

    /// Sorts by `column`; `descending_first` is the column's natural order (counts: largest first).
    pub fn sort_by(
        &mut self,
        column: usize,
        descending_first: bool,
        source: &RowSource,
        viewport: usize,
    ) {
        let keep = self.selected_key();
        self.sort_column = column;
        self.descending = descending_first;
        self.sort_and_place(source, keep, viewport);
    }

    pub fn reverse_sort(&mut self, source: &RowSource, viewport: usize) {
        let keep = self.selected_key();
        self.descending = !self.descending;
        self.sort_and_place(source, keep, viewport);
    }

    /// Moves the selection by `delta` rows and scrolls so it stays within `viewport` rows.
    pub fn move_selection(&mut self, delta: isize, source: &RowSource, viewport: usize) {
        self.follow_selected = true;
        if self.order.is_empty() {
            self.selected = 0;
            self.offset = 0;
        } else {
            let last = self.order.len() as isize - 1;
            self.selected = (self.selected as isize)
                .saturating_add(delta)
                .clamp(0, last) as usize;
        }
        self.scroll_into_view(viewport);
        self.build_window(source, viewport);
    }

    /// Keeps the selected row inside the window of `viewport` rows starting at `offset`
    /// (the rows on screen are built again by the caller).
    pub fn scroll_into_view(&mut self, viewport: usize) {
        self.offset = scrolled_offset(self.selected, self.offset, viewport, self.order.len());
    }

    fn selected_key(&self) -> Option<String> {
        if !self.follow_selected {
            return None;
        }
        self.selected_row().map(|row| row.key.clone())
    }

    /// The positions the table shows: the ones its kind includes that pass the filter.
    /// The order they had is kept as a start, so that sorting them again costs little.
    fn collect_members(&mut self, source: &RowSource) {
        let len = source.len();
        let mut seen = vec![false; len];
        let mut total = 0;
        let mut order = Vec::with_capacity(self.order.len().min(len));
        let previous = self.order.iter().copied().filter(|&i| i < len);
        for i in previous.chain(0..len) {
            if std::mem::replace(&mut seen[i], true) || !source.includes(i) {
                continue;
            }
            total += 1;
            if self
                .filter
                .as_ref()
                .is_none_or(|f| f.matches_row(&source.filter_text(i), source.context_label(i)))
            {
                order.push(i);
            }
        }
        self.total = total;
        self.order = order;
    }

    fn sort_and_place(&mut self, source: &RowSource, keep: Option<String>, viewport: usize) {
        sort_positions(source, &mut self.order, self.sort_column, self.descending);
        if let Some(key) = keep {
            let stayed = self
                .order
                .get(self.selected)
                .is_some_and(|&i| source.key(i) == key);
            if !stayed && let Some(found) = self.order.iter().position(|&i| source.key(i) == key) {
                self.selected = found;
            }
        }
        self.selected = self.selected.min(self.order.len().saturating_sub(1));
        self.scroll_into_view(viewport);
        self.build_window(source, viewport);
    }

    /// Builds the rows on screen, and only those.
    pub fn build_window(&mut self, source: &RowSource, viewport: usize) {
        let end = (self.offset + viewport.max(1)).min(self.order.len());
        let start = self.offset.min(end);
        self.window_start = start;
        self.window = self.order[start..end]
            .iter()
            .map(|&i| source.row(i))
            .collect();
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

#[cfg(test)]
#[path = "table_state_tests.rs"]
mod tests;
