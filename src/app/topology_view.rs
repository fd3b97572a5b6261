//! The `:topology` view: the fan-out tree flattened into lines, with selection, scroll
//! and a filter that keeps the ancestors and descendants of matching lines.

use super::table::{RowFilter, RowStyle, scrolled_offset};
use super::target::Target;
use crate::domain::arn;
use crate::inventory::Inventory;
use crate::inventory::topology::{self, DlqNode, QueueNode, SubscriptionNode, filter_summary};

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TreeLine {
    pub depth: usize,
    /// For each level above this one: whether a sibling follows there (draw a rail).
    pub rails: Vec<bool>,
    /// Whether this is its parent's last child.
    pub last: bool,
    pub text: String,
    pub detail: String,
    pub style: RowStyle,
    pub target: Option<Target>,
    parent: Option<usize>,
}

#[derive(Debug, Clone, PartialEq)]
pub struct TopologyView {
    lines: Vec<TreeLine>,
    /// Indices into `lines` that the filter keeps.
    view: Vec<usize>,
    pub filter: Option<RowFilter>,
    pub selected: usize,
    pub offset: usize,
}

impl TopologyView {
    pub fn new(inventory: &Inventory) -> TopologyView {
        let mut view = TopologyView {
            lines: Vec::new(),
            view: Vec::new(),
            filter: None,
            selected: 0,
            offset: 0,
        };
        view.rebuild(inventory);
        view
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
        let last = self.view.len().saturating_sub(1) as isize;
        self.selected = (self.selected as isize)
            .saturating_add(delta)
            .clamp(0, last.max(0)) as usize;
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

struct Builder {
    lines: Vec<TreeLine>,
}

impl Builder {
    /// Adds a line under `parent` and returns its index.
    fn push(
        &mut self,
        parent: Option<usize>,
        last: bool,
        text: String,
        detail: String,
        style: RowStyle,
        target: Option<Target>,
    ) -> usize {
        let (depth, rails) = match parent {
            None => (0, Vec::new()),
            Some(p) => {
                let parent_line = &self.lines[p];
                let mut rails = parent_line.rails.clone();
                if parent_line.depth > 0 {
                    rails.push(!parent_line.last);
                }
                (parent_line.depth + 1, rails)
            }
        };
        self.lines.push(TreeLine {
            depth,
            rails,
            last,
            text,
            detail,
            style,
            target,
            parent,
        });
        self.lines.len() - 1
    }
}

/// The whole tree as lines, roots first.
pub fn flatten(inventory: &Inventory) -> Vec<TreeLine> {
    let tree = topology::build(inventory);
    let mut b = Builder { lines: Vec::new() };
    for topic in &tree.topics {
        let count = topic.subscriptions.len();
        let detail = format!(
            "{} · {} subscription{}",
            if topic.fifo { "FIFO topic" } else { "topic" },
            count,
            if count == 1 { "" } else { "s" }
        );
        let root = b.push(
            None,
            true,
            topic.name.clone(),
            detail,
            RowStyle::Normal,
            Some(Target::Topic(topic.arn.clone())),
        );
        for (i, sub) in topic.subscriptions.iter().enumerate() {
            subscription_lines(&mut b, root, i + 1 == count, sub);
        }
    }
    if !tree.unsubscribed.is_empty() {
        let count = tree.unsubscribed.len();
        let root = b.push(
            None,
            true,
            "(no topic)".to_string(),
            format!(
                "{count} queue{} no topic feeds",
                if count == 1 { "" } else { "s" }
            ),
            RowStyle::Dim,
            None,
        );
        for (i, queue) in tree.unsubscribed.iter().enumerate() {
            queue_lines(&mut b, root, i + 1 == count, queue, "queue");
        }
    }
    b.lines
}

fn subscription_lines(b: &mut Builder, parent: usize, last: bool, sub: &SubscriptionNode) {
    let mut details = Vec::new();
    if let Some(policy) = &sub.filter_policy {
        let scope = if sub.filter_policy_scope.as_deref() == Some("MessageBody") {
            "body "
        } else {
            ""
        };
        details.push(format!("filter {scope}{}", filter_summary(policy)));
    }
    // Raw delivery only exists for these protocols; Lambda always gets the envelope.
    if matches!(sub.protocol.as_str(), "sqs" | "http" | "https" | "firehose") {
        details.push(if sub.raw_message_delivery {
            "raw".to_string()
        } else {
            "envelope".to_string()
        });
    }
    if sub.pending_confirmation {
        details.push("pending confirmation".to_string());
    }
    if let Some(warning) = &sub.warning {
        details.push(format!("attributes unavailable: {warning}"));
    }
    let endpoint = match sub.protocol.as_str() {
        "sqs" | "lambda" | "firehose" => arn::resource_name(&sub.endpoint).to_string(),
        _ => sub.endpoint.clone(),
    };
    let style = if sub.pending_confirmation {
        RowStyle::Dim
    } else if sub.warning.is_some() {
        RowStyle::Warning
    } else {
        RowStyle::Normal
    };
    let target = (sub.arn.starts_with("arn:")).then(|| Target::Subscription(sub.arn.clone()));
    let line = b.push(
        Some(parent),
        last,
        format!("{} → {endpoint}", sub.protocol),
        details.join(" · "),
        style,
        target,
    );

    let children =
        usize::from(sub.dlq.is_some()) + usize::from(sub.queue.is_some() || sub.queue_missing);
    let mut done = 0;
    if let Some(dlq) = &sub.dlq {
        done += 1;
        dlq_lines(b, line, done == children, dlq, "subscription DLQ");
    }
    if let Some(queue) = &sub.queue {
        done += 1;
        queue_lines(b, line, done == children, queue, "queue");
    } else if sub.queue_missing {
        b.push(
            Some(line),
            true,
            format!("queue {endpoint}"),
            "MISSING: the subscribed queue does not exist".to_string(),
            RowStyle::Alert,
            Some(Target::MissingQueue(sub.endpoint.clone())),
        );
    }
}

fn counts_detail(queue: &QueueNode) -> String {
    let q = &queue.queue;
    let mut text = format!(
        "{}visible {} · in flight {}",
        if q.fifo { "FIFO · " } else { "" },
        super::tables::group_thousands(q.visible),
        super::tables::group_thousands(q.in_flight)
    );
    if q.delayed > 0 {
        text.push_str(&format!(
            " · delayed {}",
            super::tables::group_thousands(q.delayed)
        ));
    }
    if let Some(max) = q.max_receive_count {
        text.push_str(&format!(" · max receives {max}"));
    }
    text
}

fn queue_lines(b: &mut Builder, parent: usize, last: bool, queue: &QueueNode, label: &str) {
    let is_dlq_line = label.contains("DLQ");
    let style = if is_dlq_line && queue.queue.visible + queue.queue.in_flight > 0 {
        RowStyle::Alert
    } else if is_dlq_line {
        RowStyle::Dlq
    } else {
        RowStyle::Normal
    };
    let line = b.push(
        Some(parent),
        last,
        format!("{label} {}", queue.queue.name),
        counts_detail(queue),
        style,
        Some(Target::Queue(queue.queue.url.clone())),
    );
    let consumer_lines = if queue.consumers_error.is_some() {
        1
    } else {
        queue.consumers.len()
    };
    let children = usize::from(queue.dlq.is_some()) + consumer_lines;
    let mut done = 0;
    if let Some(dlq) = &queue.dlq {
        done += 1;
        dlq_lines(b, line, done == children, dlq, "DLQ");
    }
    if let Some(error) = &queue.consumers_error {
        b.push(
            Some(line),
            true,
            "λ consumers unknown".to_string(),
            error.clone(),
            RowStyle::Warning,
            None,
        );
        return;
    }
    for consumer in &queue.consumers {
        done += 1;
        let batch = consumer
            .batch_size
            .map(|b| b.to_string())
            .unwrap_or_else(|| "-".into());
        b.push(
            Some(line),
            done == children,
            format!("λ {}", consumer.function_name),
            format!("{} · batch {batch}", consumer.state),
            if consumer.state == "Enabled" {
                RowStyle::Normal
            } else {
                RowStyle::Dim
            },
            Some(Target::Function(consumer.function_arn.clone())),
        );
    }
}

fn dlq_lines(b: &mut Builder, parent: usize, last: bool, dlq: &DlqNode, label: &str) {
    match dlq {
        DlqNode::Present(queue) => queue_lines(b, parent, last, queue, label),
        DlqNode::Missing { arn: dlq_arn } => {
            b.push(
                Some(parent),
                last,
                format!("{label} {}", arn::resource_name(dlq_arn)),
                "MISSING: no such queue, failed messages have nowhere to go".to_string(),
                RowStyle::Alert,
                Some(Target::MissingQueue(dlq_arn.clone())),
            );
        }
        DlqNode::Cycle { arn: dlq_arn } => {
            b.push(
                Some(parent),
                last,
                format!("{label} {}", arn::resource_name(dlq_arn)),
                "cycle: this queue is already above".to_string(),
                RowStyle::Warning,
                None,
            );
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::{Subscription, Topic};
    use crate::inventory::model::tests::queue;

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
