//! The fan-out tree flattened into lines: one line per topic, subscription, queue, DLQ
//! and consumer, with what each needs to show and where it points. Shared by the TUI and
//! `ls topology`; every line's text is escaped by the untrusted-text rule as it is added.

use super::RowStyle;
use super::queues::queue_style;
use super::target::Target;
use crate::domain::arn;
use crate::domain::filter_policy::filter_label;
use crate::domain::topic::endpoint_name;
use crate::domain::untrusted::escape_owned;
use crate::inventory::Inventory;
use crate::inventory::topology::{self, DlqNode, FunctionTargetNode, QueueNode, SubscriptionNode};

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
    /// The line this one hangs under (the topology view keeps the ancestors of a match).
    pub parent: Option<usize>,
}

impl TreeLine {
    /// The guide prefix: rails for open ancestors, then a branch.
    pub fn guides(&self, ascii: bool) -> String {
        let (rail, blank, branch, last_branch) = if ascii {
            ("|  ", "   ", "+- ", "`- ")
        } else {
            ("│  ", "   ", "├─ ", "└─ ")
        };
        let mut text = String::new();
        for &open in &self.rails {
            text.push_str(if open { rail } else { blank });
        }
        if self.depth > 0 {
            text.push_str(if self.last { last_branch } else { branch });
        }
        text
    }
}

struct Builder {
    lines: Vec<TreeLine>,
}

impl Builder {
    /// Adds a line under `parent` and returns its index. `text` and `detail` carry AWS
    /// text (names, filter policies, states, error messages): escaped here.
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
            text: escape_owned(text),
            detail: escape_owned(detail),
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
        let label = filter_label(policy, sub.filter_policy_scope.as_deref());
        details.push(format!("filter {label}"));
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
    let endpoint = endpoint_name(&sub.protocol, &sub.endpoint);
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

    let children = usize::from(sub.dlq.is_some())
        + sub.function_targets.len()
        + usize::from(sub.queue.is_some() || sub.queue_missing);
    let mut done = 0;
    if let Some(dlq) = &sub.dlq {
        done += 1;
        dlq_lines(b, line, done == children, dlq, "subscription DLQ");
    }
    for target in &sub.function_targets {
        done += 1;
        function_target_lines(b, line, done == children, target);
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

/// A function's DLQ or on-failure destination under the `lambda` subscription invoking it:
/// the queue with its counts, or a topic (or other target) by name.
fn function_target_lines(b: &mut Builder, parent: usize, last: bool, target: &FunctionTargetNode) {
    let label = if target.kind == "function_dlq" {
        "function DLQ"
    } else {
        "on-failure DLQ"
    };
    match &target.queue {
        Some(queue) => dlq_lines(b, parent, last, queue, label),
        None => {
            let service = crate::domain::lambda_dead_letter::arn_service(&target.arn);
            b.push(
                Some(parent),
                last,
                format!("{label} {}", arn::resource_name(&target.arn)),
                format!("{} of λ {}", service.unwrap_or("target"), target.function),
                RowStyle::Normal,
                (service == Some("sns")).then(|| Target::Topic(target.arn.clone())),
            );
        }
    }
}

fn counts_detail(queue: &QueueNode) -> String {
    let q = &queue.queue;
    let mut text = format!(
        "{}visible {} · in flight {}",
        if q.fifo { "FIFO · " } else { "" },
        super::group_thousands(q.visible),
        super::group_thousands(q.in_flight)
    );
    if q.delayed > 0 {
        text.push_str(&format!(" · delayed {}", super::group_thousands(q.delayed)));
    }
    if let Some(max) = q.max_receive_count {
        text.push_str(&format!(" · max receives {max}"));
    }
    text
}

fn queue_lines(b: &mut Builder, parent: usize, last: bool, queue: &QueueNode, label: &str) {
    let style = queue_style(
        label.contains("DLQ"),
        queue.queue.visible,
        queue.queue.in_flight,
    );
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
    use crate::domain::Subscription;
    use crate::inventory::model::tests::queue;

    fn inventory() -> Inventory {
        let mut inventory = Inventory::default();
        let mut dlq = queue("orders-dlq", 0, None);
        dlq.counts.in_flight = 1;
        inventory.upsert_queues(vec![queue("orders", 0, Some("orders-dlq")), dlq], 1);
        let mut sub = Subscription::listed(
            "arn:aws:sns:us-east-1:1:events:1",
            "arn:aws:sns:us-east-1:1:events",
            "sqs",
            "arn:aws:sqs:us-east-1:1:orders",
            None,
        );
        sub.filter_policy = Some("{\"type\":[\"\\u001b[2J\u{202E}\"]}".into());
        inventory.set_subscriptions(vec![sub]);
        inventory
    }

    #[test]
    fn aws_text_in_lines_is_escaped() {
        let lines = flatten(&inventory());
        let sub = &lines[1];
        assert_eq!(sub.text, "sqs → orders");
        assert_eq!(sub.detail, "filter type=\\x1b[2J<U+202E> · envelope");
    }

    #[test]
    fn a_dlq_holding_messages_in_flight_stands_out() {
        let lines = flatten(&inventory());
        let dlq = lines
            .iter()
            .find(|l| l.text == "DLQ orders-dlq")
            .expect("dlq line");
        assert_eq!(dlq.style, RowStyle::Alert);
    }

    #[test]
    fn a_lambda_subscription_leads_to_the_functions_dlq_and_on_failure_destination() {
        use crate::inventory::model::tests::async_function;
        let mut inventory = Inventory::default();
        inventory.upsert_queues(vec![queue("notify-dlq", 2, None)], 1);
        let mut notify = async_function("notify", Some("notify-dlq"), None);
        notify.invoke_config = crate::domain::InvokeConfigReading::Set(Default::default());
        if let crate::domain::InvokeConfigReading::Set(config) = &mut notify.invoke_config {
            config.on_failure = Some("arn:aws:sns:us-east-1:1:notify-failures".into());
        }
        inventory.set_functions(vec![notify]);
        inventory.set_subscriptions(vec![Subscription::listed(
            "arn:aws:sns:us-east-1:1:events:1",
            "arn:aws:sns:us-east-1:1:events",
            "lambda",
            "arn:aws:lambda:us-east-1:1:function:notify",
            None,
        )]);
        let lines = flatten(&inventory);
        let shown: Vec<(usize, &str, &str)> = lines
            .iter()
            .map(|l| (l.depth, l.text.as_str(), l.detail.as_str()))
            .collect();
        assert_eq!(
            shown,
            [
                (0, "events (topic not found)", "topic · 1 subscription"),
                (1, "lambda → notify", ""),
                (2, "function DLQ notify-dlq", "visible 2 · in flight 0"),
                (2, "on-failure DLQ notify-failures", "sns of λ notify"),
            ],
            "the function's DLQ hangs under it, not under (no topic)"
        );
        assert_eq!(lines[2].style, RowStyle::Alert);
        assert_eq!(
            lines[3].target,
            Some(Target::Topic(
                "arn:aws:sns:us-east-1:1:notify-failures".into()
            ))
        );
    }

    #[test]
    fn guides_draw_rails_and_branches() {
        let lines = flatten(&inventory());
        let guides: Vec<String> = lines.iter().map(|l| l.guides(false)).collect();
        assert_eq!(guides, ["", "└─ ", "   └─ ", "      └─ "]);
        let mut open = lines[3].clone();
        open.rails = vec![true, false];
        open.last = false;
        assert_eq!(open.guides(true), "|     +- ");
    }
}
