//! The queue table's model: rows keyed by URL, the derived DLQ set, sort, filter,
//! selection and scroll. Pure data; the UI only reads it.

use std::cmp::Ordering;
use std::collections::{HashMap, HashSet};

use regex::{Regex, RegexBuilder};

use crate::domain::{Queue, arn};

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum QueueColumn {
    Name,
    Type,
    Visible,
    InFlight,
    Delayed,
    Dlq,
    MaxReceive,
}

impl QueueColumn {
    pub const ALL: [QueueColumn; 7] = [
        QueueColumn::Name,
        QueueColumn::Type,
        QueueColumn::Visible,
        QueueColumn::InFlight,
        QueueColumn::Delayed,
        QueueColumn::Dlq,
        QueueColumn::MaxReceive,
    ];

    pub fn title(self) -> &'static str {
        match self {
            QueueColumn::Name => "NAME",
            QueueColumn::Type => "TYPE",
            QueueColumn::Visible => "VISIBLE",
            QueueColumn::InFlight => "IN FLIGHT",
            QueueColumn::Delayed => "DELAYED",
            QueueColumn::Dlq => "DLQ",
            QueueColumn::MaxReceive => "MAX RECV",
        }
    }

    fn position(self) -> usize {
        QueueColumn::ALL
            .iter()
            .position(|c| *c == self)
            .unwrap_or(0)
    }

    fn shifted(self, step: isize) -> QueueColumn {
        let len = QueueColumn::ALL.len() as isize;
        let index = (self.position() as isize + step).rem_euclid(len);
        QueueColumn::ALL[index as usize]
    }

    /// Counts sort largest first by default: the burning queues come to the top.
    fn default_descending(self) -> bool {
        matches!(
            self,
            QueueColumn::Visible | QueueColumn::InFlight | QueueColumn::Delayed
        )
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Sort {
    pub column: QueueColumn,
    pub descending: bool,
}

/// A `/` filter: a regex over the row's name, smart-case, `!` in front inverts.
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
                regex::Error::Syntax(s) => format!(
                    "invalid regex: {}",
                    s.lines().last().unwrap_or("syntax error")
                ),
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

/// A queue turned into the text of one table row (and one `ls queues` line).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct QueueRow {
    pub name: String,
    pub kind: &'static str,
    pub visible: String,
    pub in_flight: String,
    pub delayed: String,
    pub dlq: String,
    pub max_receive: String,
    /// Some queue's redrive policy points here.
    pub is_dlq: bool,
    /// A DLQ holding messages: what the on-call engineer is looking for.
    pub dlq_has_messages: bool,
}

impl QueueRow {
    pub fn from_queue(queue: &Queue, is_dlq: bool) -> QueueRow {
        QueueRow {
            name: queue.name.clone(),
            kind: if queue.fifo { "FIFO" } else { "std" },
            visible: group_thousands(queue.counts.visible),
            in_flight: group_thousands(queue.counts.in_flight),
            delayed: group_thousands(queue.counts.delayed),
            dlq: queue
                .dlq_arn()
                .map(|a| arn::resource_name(a).to_string())
                .unwrap_or_else(|| "-".to_string()),
            max_receive: queue
                .max_receive_count()
                .map(|n| n.to_string())
                .unwrap_or_else(|| "-".to_string()),
            is_dlq,
            dlq_has_messages: is_dlq && queue.counts.visible + queue.counts.in_flight > 0,
        }
    }

    pub fn cell(&self, column: QueueColumn) -> &str {
        match column {
            QueueColumn::Name => &self.name,
            QueueColumn::Type => self.kind,
            QueueColumn::Visible => &self.visible,
            QueueColumn::InFlight => &self.in_flight,
            QueueColumn::Delayed => &self.delayed,
            QueueColumn::Dlq => &self.dlq,
            QueueColumn::MaxReceive => &self.max_receive,
        }
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

#[derive(Debug, Clone, PartialEq)]
pub struct QueueTable {
    queues: Vec<Queue>,
    /// The load generation that last reported each row; rows a finished load did not
    /// report are queues that no longer exist.
    seen_in: Vec<u64>,
    by_url: HashMap<String, usize>,
    dlq_arns: HashSet<String>,
    pub sort: Sort,
    pub filter: Option<RowFilter>,
    /// Indices into `queues`, filtered and sorted: what the table shows.
    view: Vec<usize>,
    pub selected: usize,
    pub offset: usize,
    /// Set once the user moves the selection: from then on it follows its queue through
    /// re-sorts and refreshes. Before that it stays on the first row while rows stream in.
    follow_selected: bool,
}

impl Default for QueueTable {
    fn default() -> Self {
        QueueTable {
            queues: Vec::new(),
            seen_in: Vec::new(),
            by_url: HashMap::new(),
            dlq_arns: HashSet::new(),
            sort: Sort {
                column: QueueColumn::Name,
                descending: false,
            },
            filter: None,
            view: Vec::new(),
            selected: 0,
            offset: 0,
            follow_selected: false,
        }
    }
}

impl QueueTable {
    pub fn total(&self) -> usize {
        self.queues.len()
    }

    pub fn shown(&self) -> usize {
        self.view.len()
    }

    pub fn is_dlq(&self, queue: &Queue) -> bool {
        self.dlq_arns.contains(&queue.arn)
    }

    /// The rows on screen order.
    pub fn rows(&self) -> impl Iterator<Item = &Queue> + '_ {
        self.view.iter().map(|&i| &self.queues[i])
    }

    pub fn selected_queue(&self) -> Option<&Queue> {
        self.view.get(self.selected).map(|&i| &self.queues[i])
    }

    pub fn queue_by_url(&self, url: &str) -> Option<&Queue> {
        self.by_url.get(url).map(|&i| &self.queues[i])
    }

    /// Adds or replaces queues reported by load `generation`.
    pub fn upsert(&mut self, batch: Vec<Queue>, generation: u64) {
        let keep = self.selected_url();
        for queue in batch {
            match self.by_url.get(&queue.url) {
                Some(&i) => {
                    self.queues[i] = queue;
                    self.seen_in[i] = generation;
                }
                None => {
                    self.by_url.insert(queue.url.clone(), self.queues.len());
                    self.queues.push(queue);
                    self.seen_in.push(generation);
                }
            }
        }
        self.rebuild(keep);
    }

    /// Drops rows that load `generation` (now finished) did not report.
    pub fn prune_unseen(&mut self, generation: u64) {
        if self.seen_in.iter().all(|&g| g == generation) {
            return;
        }
        let keep = self.selected_url();
        let mut kept_queues = Vec::with_capacity(self.queues.len());
        let mut kept_seen = Vec::with_capacity(self.queues.len());
        for (queue, seen) in self.queues.drain(..).zip(self.seen_in.drain(..)) {
            if seen == generation {
                kept_queues.push(queue);
                kept_seen.push(seen);
            }
        }
        self.queues = kept_queues;
        self.seen_in = kept_seen;
        self.by_url = self
            .queues
            .iter()
            .enumerate()
            .map(|(i, q)| (q.url.clone(), i))
            .collect();
        self.rebuild(keep);
    }

    pub fn set_filter(&mut self, filter: Option<RowFilter>) {
        let keep = self.selected_url();
        self.filter = filter;
        self.rebuild(keep);
    }

    pub fn sort_by(&mut self, column: QueueColumn) {
        let keep = self.selected_url();
        self.sort = Sort {
            column,
            descending: column.default_descending(),
        };
        self.rebuild(keep);
    }

    pub fn shift_sort(&mut self, step: isize) {
        self.sort_by(self.sort.column.shifted(step));
    }

    pub fn reverse_sort(&mut self) {
        let keep = self.selected_url();
        self.sort.descending = !self.sort.descending;
        self.rebuild(keep);
    }

    /// Moves the selection by `delta` rows and scrolls so it stays within `viewport` rows.
    pub fn move_selection(&mut self, delta: isize, viewport: usize) {
        if self.view.is_empty() {
            self.selected = 0;
            self.offset = 0;
            return;
        }
        self.follow_selected = true;
        let last = self.view.len() as isize - 1;
        self.selected = (self.selected as isize + delta).clamp(0, last) as usize;
        self.scroll_into_view(viewport);
    }

    pub fn select_first(&mut self, viewport: usize) {
        self.move_selection(isize::MIN / 2, viewport);
    }

    pub fn select_last(&mut self, viewport: usize) {
        self.move_selection(isize::MAX / 2, viewport);
    }

    /// Keeps the selected row inside the window of `viewport` rows starting at `offset`.
    pub fn scroll_into_view(&mut self, viewport: usize) {
        let viewport = viewport.max(1);
        if self.selected < self.offset {
            self.offset = self.selected;
        } else if self.selected >= self.offset + viewport {
            self.offset = self.selected + 1 - viewport;
        }
        let max_offset = self.view.len().saturating_sub(viewport);
        self.offset = self.offset.min(max_offset);
    }

    fn selected_url(&self) -> Option<String> {
        if !self.follow_selected {
            return None;
        }
        self.selected_queue().map(|q| q.url.clone())
    }

    fn rebuild(&mut self, keep_selected: Option<String>) {
        self.dlq_arns = self
            .queues
            .iter()
            .filter_map(|q| q.dlq_arn().map(str::to_string))
            .collect();
        let mut view: Vec<usize> = (0..self.queues.len())
            .filter(|&i| {
                self.filter
                    .as_ref()
                    .is_none_or(|f| f.matches(&self.queues[i].name))
            })
            .collect();
        let sort = self.sort;
        let queues = &self.queues;
        let dlq_arns = &self.dlq_arns;
        view.sort_by(|&a, &b| {
            let (qa, qb) = (&queues[a], &queues[b]);
            let ordering = compare(qa, qb, sort.column, dlq_arns);
            let ordering = if sort.descending {
                ordering.reverse()
            } else {
                ordering
            };
            // Ties by name, so the order is stable between refreshes.
            ordering.then_with(|| qa.name.cmp(&qb.name))
        });
        self.view = view;
        self.selected = keep_selected
            .and_then(|url| self.view.iter().position(|&i| self.queues[i].url == url))
            .unwrap_or(self.selected)
            .min(self.view.len().saturating_sub(1));
    }
}

fn compare(a: &Queue, b: &Queue, column: QueueColumn, dlq_arns: &HashSet<String>) -> Ordering {
    match column {
        QueueColumn::Name => a.name.cmp(&b.name),
        QueueColumn::Type => {
            (a.fifo, dlq_arns.contains(&a.arn)).cmp(&(b.fifo, dlq_arns.contains(&b.arn)))
        }
        QueueColumn::Visible => a.counts.visible.cmp(&b.counts.visible),
        QueueColumn::InFlight => a.counts.in_flight.cmp(&b.counts.in_flight),
        QueueColumn::Delayed => a.counts.delayed.cmp(&b.counts.delayed),
        QueueColumn::Dlq => a
            .dlq_arn()
            .map(arn::resource_name)
            .cmp(&b.dlq_arn().map(arn::resource_name)),
        QueueColumn::MaxReceive => a.max_receive_count().cmp(&b.max_receive_count()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::{QueueCounts, RedrivePolicy};
    use std::collections::BTreeMap;

    pub(crate) fn queue(name: &str, visible: u64, dlq: Option<&str>) -> Queue {
        Queue {
            name: name.to_string(),
            url: format!("https://sqs/1/{name}"),
            arn: format!("arn:aws:sqs:us-east-1:1:{name}"),
            fifo: name.ends_with(".fifo"),
            counts: QueueCounts {
                visible,
                in_flight: 0,
                delayed: 0,
            },
            redrive: dlq.map(|d| RedrivePolicy {
                dead_letter_target_arn: format!("arn:aws:sqs:us-east-1:1:{d}"),
                max_receive_count: 5,
            }),
            attributes: BTreeMap::new(),
        }
    }

    fn names(table: &QueueTable) -> Vec<&str> {
        table.rows().map(|q| q.name.as_str()).collect()
    }

    fn sample() -> QueueTable {
        let mut table = QueueTable::default();
        table.upsert(
            vec![
                queue("orders", 5, Some("orders-dlq")),
                queue("orders-dlq", 40, None),
                queue("billing.fifo", 1, None),
            ],
            1,
        );
        table
    }

    #[test]
    fn rows_sort_by_name_and_mark_dlqs() {
        let table = sample();
        assert_eq!(names(&table), ["billing.fifo", "orders", "orders-dlq"]);
        let dlq = table.queue_by_url("https://sqs/1/orders-dlq").expect("dlq");
        assert!(table.is_dlq(dlq));
        assert!(!table.is_dlq(table.queue_by_url("https://sqs/1/orders").expect("orders")));
    }

    #[test]
    fn count_columns_sort_largest_first_and_reverse() {
        let mut table = sample();
        table.sort_by(QueueColumn::Visible);
        assert_eq!(names(&table), ["orders-dlq", "orders", "billing.fifo"]);
        table.reverse_sort();
        assert_eq!(names(&table), ["billing.fifo", "orders", "orders-dlq"]);
        table.shift_sort(-1);
        assert_eq!(table.sort.column, QueueColumn::Type);
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
    fn selection_follows_the_row_through_resorts_and_refreshes() {
        let mut table = sample();
        table.move_selection(1, 10);
        assert_eq!(
            table.selected_queue().map(|q| q.name.as_str()),
            Some("orders")
        );
        table.sort_by(QueueColumn::Visible);
        assert_eq!(
            table.selected_queue().map(|q| q.name.as_str()),
            Some("orders")
        );
        table.upsert(vec![queue("aaa", 0, None)], 1);
        assert_eq!(
            table.selected_queue().map(|q| q.name.as_str()),
            Some("orders")
        );
    }

    #[test]
    fn selection_stays_on_the_first_row_while_rows_stream_in_untouched() {
        let mut table = QueueTable::default();
        table.upsert(vec![queue("m", 0, None)], 1);
        table.upsert(vec![queue("a", 0, None)], 1);
        assert_eq!(table.selected_queue().map(|q| q.name.as_str()), Some("a"));
        assert_eq!(table.offset, 0);
    }

    #[test]
    fn prune_removes_queues_a_finished_load_did_not_see() {
        let mut table = sample();
        table.upsert(vec![queue("orders", 7, Some("orders-dlq"))], 2);
        table.upsert(vec![queue("orders-dlq", 7, None)], 2);
        table.prune_unseen(2);
        assert_eq!(names(&table), ["orders", "orders-dlq"]);
        assert_eq!(
            table
                .queue_by_url("https://sqs/1/orders")
                .map(|q| q.counts.visible),
            Some(7)
        );
        assert_eq!(table.total(), 2);
    }

    #[test]
    fn scrolling_keeps_selection_in_the_viewport() {
        let mut table = QueueTable::default();
        table.upsert(
            (0..50)
                .map(|i| queue(&format!("q{i:02}"), 0, None))
                .collect(),
            1,
        );
        table.move_selection(12, 10);
        assert_eq!((table.selected, table.offset), (12, 3));
        table.move_selection(-5, 10);
        assert_eq!((table.selected, table.offset), (7, 3));
        table.select_last(10);
        assert_eq!((table.selected, table.offset), (49, 40));
        table.select_first(10);
        assert_eq!((table.selected, table.offset), (0, 0));
    }

    #[test]
    fn row_text_for_a_queue() {
        let row = QueueRow::from_queue(&queue("orders", 1_234_567, Some("orders-dlq")), false);
        assert_eq!(row.visible, "1,234,567");
        assert_eq!(row.dlq, "orders-dlq");
        assert_eq!(row.max_receive, "5");
        assert_eq!(row.kind, "std");
        let dlq_row = QueueRow::from_queue(&queue("orders-dlq", 3, None), true);
        assert!(dlq_row.dlq_has_messages);
        assert_eq!(dlq_row.dlq, "-");
        assert_eq!(group_thousands(0), "0");
        assert_eq!(group_thousands(999), "999");
        assert_eq!(group_thousands(1000), "1,000");
    }
}
