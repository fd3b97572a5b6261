//! The table views (queues, DLQs, topics, subscriptions, Lambda functions) as one
//! component: rows from the inventory, sort, filter, selection, drill-down.

use std::any::Any;

use super::describe::DescribeView;
use super::topology::TopologyView;
use super::{Ctx, Outcome, View};
use crate::app::keymap::KeyAction;
use crate::app::modals::confirm::{DangerousOp, PendingOp};
use crate::app::table::{RowFilter, TableState};
use crate::app::tables::{TableKind, group_thousands};
use crate::app::target::Target;

#[derive(Debug, Clone, PartialEq)]
pub struct TableView {
    pub kind: TableKind,
    /// Narrows the rows: a topic ARN for a topic's subscriptions.
    pub scope: Option<String>,
    pub state: TableState,
}

impl TableView {
    pub fn new(kind: TableKind, scope: Option<String>) -> TableView {
        let (column, descending) = kind.default_sort();
        TableView {
            kind,
            scope,
            state: TableState::new(column, descending),
        }
    }

    /// What `d` describes and `y` copies: a subscription row is about the subscription,
    /// although Enter on it goes on to its queue.
    fn described_target(&self) -> Option<Target> {
        let row = self.state.selected_row()?;
        match self.kind {
            TableKind::Subscriptions => {
                let arn = row.key.split('|').next().unwrap_or(&row.key);
                Some(Target::Subscription(arn.to_string()))
            }
            _ => Some(row.target.clone()),
        }
    }

    fn shift_sort(&mut self, step: isize) {
        let columns = self.kind.columns();
        let next =
            (self.state.sort_column as isize + step).rem_euclid(columns.len() as isize) as usize;
        self.state.sort_by(next, columns[next].numeric);
    }

    fn purge(&self, ctx: &Ctx) -> Outcome {
        let Some(Target::Queue(url)) = self.state.selected_row().map(|r| r.target.clone()) else {
            return Outcome::Ignored;
        };
        let Some(queue) = ctx.inventory.queue_by_url(&url) else {
            return Outcome::Ignored;
        };
        let counts = queue.counts;
        let mut risks = vec![
            "Nothing can bring them back. To keep them, export first (squall export).".to_string(),
        ];
        if ctx.inventory.is_dlq(&queue.arn) {
            risks.push(
                "This is a dead-letter queue: its messages are failures you may still need to redrive."
                    .to_string(),
            );
        }
        Outcome::Confirm(PendingOp {
            op: DangerousOp::Purge {
                queue_url: queue.url.clone(),
                queue_name: queue.name.clone(),
            },
            title: format!("Purge queue {}", queue.name),
            effects: vec![
                format!(
                    "Deletes every message in {}: about {} visible, {} in flight, {} delayed.",
                    queue.name,
                    group_thousands(counts.visible),
                    group_thousands(counts.in_flight),
                    group_thousands(counts.delayed)
                ),
                "SQS takes up to 60 seconds; messages sent meanwhile may be deleted too."
                    .to_string(),
            ],
            risks,
            typed: Some(queue.name.clone()),
        })
    }
}

impl TableView {
    /// `m`: the send form for the queue on the row, the publish form for the topic.
    fn send_form(&self, ctx: &Ctx) -> Outcome {
        use crate::app::modals::send_form::SendForm;
        let form = match self.state.selected_row().map(|r| &r.target) {
            Some(Target::Queue(url)) => ctx.inventory.queue_by_url(url).map(SendForm::for_queue),
            Some(Target::Topic(arn)) => ctx.inventory.topic_by_arn(arn).map(SendForm::for_topic),
            _ => None,
        };
        match form {
            Some(form) => Outcome::Form(Box::new(form)),
            None => Outcome::Ignored,
        }
    }
}

impl View for TableView {
    fn crumb(&self) -> String {
        match &self.scope {
            Some(scope) => crate::domain::arn::resource_name(scope).to_string(),
            None => self.kind.command_name().to_string(),
        }
    }

    fn handle(&mut self, key: KeyAction, ctx: &Ctx) -> Outcome {
        let half_page = (ctx.rows / 2).max(1) as isize;
        let rows = ctx.rows;
        match key {
            KeyAction::Down => self.state.move_selection(1, rows),
            KeyAction::Up => self.state.move_selection(-1, rows),
            KeyAction::PageDown => self.state.move_selection(half_page, rows),
            KeyAction::PageUp => self.state.move_selection(-half_page, rows),
            KeyAction::Top => self.state.move_selection(isize::MIN, rows),
            KeyAction::Bottom => self.state.move_selection(isize::MAX, rows),
            KeyAction::SortNext => self.shift_sort(1),
            KeyAction::SortPrevious => self.shift_sort(-1),
            KeyAction::SortReverse => self.state.reverse_sort(),
            KeyAction::Open => {
                return match self.state.selected_row().map(|r| r.target.clone()) {
                    Some(Target::Topic(topic_arn)) => Outcome::Push(Box::new(TableView::new(
                        TableKind::Subscriptions,
                        Some(topic_arn),
                    ))),
                    // Queues and functions open on their charts; `d` still describes.
                    Some(target @ (Target::Queue(_) | Target::Function(_)))
                        if self.kind != TableKind::Subscriptions =>
                    {
                        match super::charts::ChartsView::for_target(&target) {
                            Some(view) => Outcome::Push(Box::new(view)),
                            None => Outcome::Push(Box::new(DescribeView::new(target))),
                        }
                    }
                    Some(target) => Outcome::Push(Box::new(DescribeView::new(target))),
                    None => Outcome::Handled,
                };
            }
            KeyAction::Describe => {
                return match self.described_target() {
                    Some(target) => Outcome::Push(Box::new(DescribeView::new(target))),
                    None => Outcome::Handled,
                };
            }
            KeyAction::Topology => {
                let target = self.state.selected_row().map(|r| r.target.clone());
                return Outcome::Push(Box::new(TopologyView::focused(target)));
            }
            KeyAction::Purge => return self.purge(ctx),
            KeyAction::Send => return self.send_form(ctx),
            KeyAction::Peek => {
                return match self.state.selected_row().map(|r| &r.target) {
                    Some(Target::Queue(url)) => super::peek::peek_queue(ctx, url),
                    _ => Outcome::Ignored,
                };
            }
            _ => return Outcome::Ignored,
        }
        Outcome::Handled
    }

    fn sync(&mut self, ctx: &Ctx) {
        self.state
            .set_rows(self.kind.rows(ctx.inventory, self.scope.as_deref()));
    }

    fn selected_target(&self) -> Option<Target> {
        self.described_target()
    }

    fn filter_text(&self) -> Option<String> {
        Some(
            self.state
                .filter
                .as_ref()
                .map(|f| f.text.clone())
                .unwrap_or_default(),
        )
    }

    fn set_filter(&mut self, filter: Option<RowFilter>, ctx: &Ctx) {
        self.state.set_filter(filter);
        self.state.scroll_into_view(ctx.rows);
    }

    fn fit(&mut self, rows: usize) {
        self.state.scroll_into_view(rows);
    }

    fn on_screen_queues(&self, rows: usize) -> Vec<String> {
        self.state
            .rows()
            .skip(self.state.offset)
            .take(rows)
            .filter_map(|row| match &row.target {
                Target::Queue(url) => Some(url.clone()),
                _ => None,
            })
            .collect()
    }

    /// `:dlq` marks a redrive running: the move tasks of the DLQs on screen that native
    /// redrive can serve (DLQs of SQS queues; subscription DLQs have none).
    fn signals_shown(&self, ctx: &Ctx) -> crate::app::signal_refresh::SignalsWanted {
        if self.kind != TableKind::Dlqs {
            return crate::app::signal_refresh::SignalsWanted::default();
        }
        let move_task_sources = self
            .on_screen_queues(ctx.rows)
            .iter()
            .filter_map(|url| ctx.inventory.queue_by_url(url))
            .filter(|q| !ctx.inventory.dlq_sources(&q.arn).is_empty())
            .map(|q| q.arn.clone())
            .collect();
        crate::app::signal_refresh::SignalsWanted {
            alarms: false,
            move_task_sources,
        }
    }

    /// The depth of the queues on screen, for the sparkline column (one metric each).
    fn metric_resources(&self, ctx: &Ctx) -> Vec<crate::metrics::Resource> {
        if !matches!(self.kind, TableKind::Queues | TableKind::Dlqs) {
            return Vec::new();
        }
        self.on_screen_queues(ctx.rows)
            .iter()
            .map(|url| {
                let name = crate::domain::arn::queue_name_from_url(url);
                crate::metrics::Resource::Depth(name.to_string())
            })
            .collect()
    }

    fn hints(&self) -> Vec<(KeyAction, &'static str)> {
        let mut hints = vec![(KeyAction::Describe, "describe")];
        if matches!(self.kind, TableKind::Queues | TableKind::Dlqs) {
            hints.push((KeyAction::Peek, "peek"));
            hints.push((KeyAction::Purge, "purge"));
            hints.push((KeyAction::Send, "send"));
        }
        if self.kind == TableKind::Topics {
            hints.push((KeyAction::Send, "publish"));
        }
        // `R` works on DLQ rows wherever they are; offered where every row is one.
        if self.kind == TableKind::Dlqs {
            hints.push((KeyAction::Redrive, "redrive"));
        }
        hints
    }

    fn as_any(&self) -> &dyn Any {
        self
    }
}
