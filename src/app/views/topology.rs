//! The `:topology` view: the fan-out tree's lines with selection, scroll and a filter that
//! keeps the ancestors and descendants of matching lines.

use std::any::Any;

use super::describe::DescribeView;
use super::{Ctx, Outcome, View};
use crate::app::keymap::KeyAction;
use crate::app::row_filter::RowFilter;
use crate::app::table_state::scrolled_offset;
use crate::app::target::Target;
use crate::inventory::Inventory;
pub use crate::resource_rows::tree::{TreeLine, flatten};

#[derive(Debug, Clone, PartialEq)]
pub struct TopologyView {
    lines: Vec<TreeLine>,
    /// Indices into `lines` that the filter keeps.
    view: Vec<usize>,
    pub filter: Option<RowFilter>,
    pub selected: usize,
    pub offset: usize,
    /// Selected at the first sync (the row `t` was pressed on).
    pending_focus: Option<Target>,
}

impl TopologyView {
    pub fn new(inventory: &Inventory) -> TopologyView {
        let mut view = TopologyView {
            lines: Vec::new(),
            view: Vec::new(),
            filter: None,
            selected: 0,
            offset: 0,
            pending_focus: None,
        };
        view.rebuild(inventory);
        view
    }

    /// A tree that will select the first line for `target` once it has its lines.
    pub fn focused(target: Option<Target>) -> TopologyView {
        TopologyView {
            lines: Vec::new(),
            view: Vec::new(),
            filter: None,
            selected: 0,
            offset: 0,
            pending_focus: target,
        }
    }

    pub fn rebuild(&mut self, inventory: &Inventory) {
        let keep = self
            .selected_line()
            .map(|l| (l.target.clone(), l.text.clone()));
        self.lines = flatten(inventory);
        self.apply_filter();
        if let Some((target, text)) = keep
            && let Some(position) = self
                .view
                .iter()
                .position(|&i| self.lines[i].target == target && self.lines[i].text == text)
        {
            self.selected = position;
        }
        self.selected = self.selected.min(self.view.len().saturating_sub(1));
    }

    pub fn lines(&self) -> impl Iterator<Item = &TreeLine> + '_ {
        self.view.iter().map(|&i| &self.lines[i])
    }

    pub fn shown(&self) -> usize {
        self.view.len()
    }

    pub fn selected_line(&self) -> Option<&TreeLine> {
        self.view.get(self.selected).map(|&i| &self.lines[i])
    }

    pub fn set_filter(&mut self, filter: Option<RowFilter>) {
        self.filter = filter;
        self.apply_filter();
        self.selected = self.selected.min(self.view.len().saturating_sub(1));
    }

    /// Selects the first line pointing at `target`.
    pub fn focus(&mut self, target: &Target, viewport: usize) {
        if let Some(position) = self
            .view
            .iter()
            .position(|&i| self.lines[i].target.as_ref() == Some(target))
        {
            self.selected = position;
            self.offset = position.saturating_sub(viewport / 3);
            self.scroll_into_view(viewport);
        }
    }

    pub fn move_selection(&mut self, delta: isize, viewport: usize) {
        self.selected = super::moved(self.selected, delta, self.view.len());
        self.scroll_into_view(viewport);
    }

    pub fn scroll_into_view(&mut self, viewport: usize) {
        self.offset = scrolled_offset(self.selected, self.offset, viewport, self.view.len());
    }

    fn apply_filter(&mut self) {
        let Some(filter) = &self.filter else {
            self.view = (0..self.lines.len()).collect();
            return;
        };
        let matched: Vec<bool> = self
            .lines
            .iter()
            .map(|l| filter.matches(&format!("{} {}", l.text, l.detail)))
            .collect();
        let mut keep = matched.clone();
        // Descendants of a match stay (its subtree), and so do ancestors (the path to it).
        for i in 0..self.lines.len() {
            if let Some(parent) = self.lines[i].parent
                && keep[parent]
                && matched_above(&self.lines, &matched, parent)
            {
                keep[i] = true;
            }
        }
        for i in (0..self.lines.len()).rev() {
            if keep[i]
                && let Some(parent) = self.lines[i].parent
            {
                keep[parent] = true;
            }
        }
        self.view = (0..self.lines.len()).filter(|&i| keep[i]).collect();
    }
}

impl View for TopologyView {
    fn crumb(&self) -> String {
        "topology".to_string()
    }

    fn handle(&mut self, key: KeyAction, ctx: &Ctx) -> Outcome {
        if let Some(delta) = super::navigation_delta(key, ctx.rows) {
            self.move_selection(delta, ctx.rows);
            return Outcome::Handled;
        }
        match key {
            // Already the topology: `t` does not stack another copy.
            KeyAction::Topology => {}
            KeyAction::Describe | KeyAction::Open => {
                if let Some(target) = self.selected_target() {
                    return Outcome::Push(Box::new(DescribeView::new(target)));
                }
            }
            KeyAction::Peek => {
                return match self.selected_target() {
                    Some(Target::Queue(url)) => super::peek::peek_queue(ctx, &url),
                    _ => Outcome::Ignored,
                };
            }
            _ => return Outcome::Ignored,
        }
        Outcome::Handled
    }

    fn sync(&mut self, ctx: &Ctx) {
        self.rebuild(ctx.inventory);
        if let Some(target) = self.pending_focus.take() {
            self.focus(&target, ctx.rows);
        }
    }

    fn selected_target(&self) -> Option<Target> {
        self.selected_line().and_then(|line| line.target.clone())
    }

    fn filter_text(&self) -> Option<String> {
        Some(
            self.filter
                .as_ref()
                .map(|f| f.text.clone())
                .unwrap_or_default(),
        )
    }

    fn set_filter(&mut self, filter: Option<RowFilter>, ctx: &Ctx) {
        TopologyView::set_filter(self, filter);
        self.scroll_into_view(ctx.rows);
    }

    fn fit(&mut self, rows: usize) {
        self.scroll_into_view(rows);
    }

    fn hints(&self) -> Vec<(KeyAction, &'static str)> {
        vec![(KeyAction::Peek, "peek"), (KeyAction::Logs, "logs")]
    }

    fn on_screen_queues(&self, rows: usize) -> Vec<String> {
        self.lines()
            .skip(self.offset)
            .take(rows)
            .filter_map(|line| match &line.target {
                Some(Target::Queue(url)) => Some(url.clone()),
                _ => None,
            })
            .collect()
    }

    fn as_any(&self) -> &dyn Any {
        self
    }
}

/// Whether `index` or one of its ancestors matched the filter itself.
fn matched_above(lines: &[TreeLine], matched: &[bool], index: usize) -> bool {
    let mut current = Some(index);
    while let Some(i) = current {
        if matched[i] {
            return true;
        }
        current = lines[i].parent;
    }
    false
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::{Subscription, Topic};
    use crate::inventory::model::tests::queue;
    use crate::resource_rows::RowStyle;

    fn inventory() -> Inventory {
        let mut inventory = Inventory::default();
        inventory.upsert_queues(
            vec![
                queue("orders", 4, Some("orders-dlq")),
                queue("orders-dlq", 2, None),
                queue("lonely", 0, None),
            ],
            1,
        );
        let topic = "arn:aws:sns:us-east-1:1:events";
        inventory.set_topics(vec![Topic::from_attributes(topic, Default::default())]);
        inventory.set_subscriptions(vec![
            Subscription::listed(
                "arn:aws:sns:us-east-1:1:events:1",
                topic,
                "sqs",
                "arn:aws:sqs:us-east-1:1:orders",
                None,
            ),
            Subscription::listed(
                "arn:aws:sns:us-east-1:1:events:2",
                topic,
                "sqs",
                "arn:aws:sqs:us-east-1:1:gone",
                None,
            ),
        ]);
        inventory
    }

    fn texts(view: &TopologyView) -> Vec<String> {
        view.lines()
            .map(|l| format!("{}{}", "  ".repeat(l.depth), l.text))
            .collect()
    }

    #[test]
    fn flattens_topic_subscription_queue_dlq() {
        let view = TopologyView::new(&inventory());
        assert_eq!(
            texts(&view),
            [
                "events",
                "  sqs → orders",
                "    queue orders",
                "      DLQ orders-dlq",
                "  sqs → gone",
                "    queue gone",
                "(no topic)",
                "  queue lonely",
            ]
        );
        let dlq = view.lines().nth(3).expect("dlq line");
        assert_eq!(dlq.style, RowStyle::Alert, "a DLQ with messages stands out");
        assert_eq!(dlq.rails, vec![true, false]);
        let missing = view.lines().nth(5).expect("missing");
        assert_eq!(missing.style, RowStyle::Alert);
        assert!(missing.detail.contains("MISSING"));
    }

    #[test]
    fn filter_keeps_the_path_and_the_subtree() {
        let mut view = TopologyView::new(&inventory());
        view.set_filter(RowFilter::parse("orders-dlq").expect("filter"));
        assert_eq!(
            texts(&view),
            [
                "events",
                "  sqs → orders",
                "    queue orders",
                "      DLQ orders-dlq"
            ]
        );
        view.set_filter(RowFilter::parse("^sqs → orders").expect("filter"));
        assert_eq!(
            texts(&view),
            [
                "events",
                "  sqs → orders",
                "    queue orders",
                "      DLQ orders-dlq"
            ]
        );
    }

    #[test]
    fn focus_selects_the_first_line_for_a_target() {
        let mut view = TopologyView::new(&inventory());
        view.focus(&Target::Queue("https://sqs/1/lonely".into()), 10);
        assert_eq!(
            view.selected_line().map(|l| l.text.as_str()),
            Some("queue lonely")
        );
    }
}
