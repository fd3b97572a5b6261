//! The resource tables (queues, DLQs, topics, subscriptions, Lambda functions) as one
//! view: rows from the inventory (`resource_rows`), sort, filter, selection, drill-down.
//! Drawn by `ui/resource_table.rs`.

use std::any::Any;
use std::borrow::Cow;

use super::describe::DescribeView;
use super::topology::TopologyView;
use super::{Ctx, Outcome, View};
use crate::app::fleet::ContextId;
use crate::app::keymap::KeyAction;
use crate::app::modals::confirm::{DangerousOp, PendingOp};
use crate::app::row_filter::RowFilter;
use crate::app::table_state::TableState;
use crate::app::target::Target;
use crate::inventory::Inventory;
use crate::resource_rows::{RowSource, TableKind, TableRow, group_thousands};

#[derive(Debug, Clone, PartialEq)]
pub struct TableView {
    pub kind: TableKind,
    /// Narrows the rows: a topic ARN for a topic's subscriptions.
    pub scope: Option<String>,
    pub state: TableState,
    /// The inventory's configuration revision the shown rows were picked at: fresh counts
    /// alone leave which rows are shown, and what the filter matches, as they were.
    members_revision: Option<u64>,
    /// Rows that fit on screen, as the last `fit` said: part of the revision, since the
    /// rows on screen are built at the sync.
    screen_rows: usize,
    /// The context of the selected row (a fleet is loaded), worked out when the selection
    /// or the rows change: the router reads it without a `Ctx`.
    selected_context: Option<ContextId>,
}

/// The rows a table of `kind` shows: the active context's, or every context's (with a
/// CONTEXT column) when a fleet is loaded.
pub fn source_of<'s>(
    kind: TableKind,
    scope: Option<&'s str>,
    ctx: &Ctx<'s>,
    parts: &'s [(&'s str, &'s Inventory)],
) -> RowSource<'s> {
    if ctx.is_fleet() {
        kind.fleet_source(parts, scope)
    } else {
        kind.source(ctx.inventory, scope)
    }
}

/// Each reachable context's label and inventory, in context order: what a fleet table's
/// rows come from.
pub fn fleet_parts<'a>(ctx: &Ctx<'a>) -> Vec<(&'a str, &'a Inventory)> {
    ctx.contexts()
        .into_iter()
        .map(|c| (c.label, c.inventory))
        .collect()
}

impl TableView {
    pub fn new(kind: TableKind, scope: Option<String>) -> TableView {
        let (column, descending) = kind.default_sort();
        TableView {
            kind,
            scope,
            state: TableState::new(column, descending),
            members_revision: None,
            screen_rows: 0,
            selected_context: None,
        }
    }

    /// The rows this table shows (see [`source_of`]).
    pub fn source<'s>(
        &'s self,
        ctx: &Ctx<'s>,
        parts: &'s [(&'s str, &'s Inventory)],
    ) -> RowSource<'s> {
        source_of(self.kind, self.scope.as_deref(), ctx, parts)
    }

    /// The context of the row shown at `index`; the active one outside a fleet.
    pub fn context_at(&self, ctx: &Ctx, index: usize) -> ContextId {
        if !ctx.is_fleet() {
            return ctx.context();
        }
        let contexts = ctx.contexts();
        let parts: Vec<(&str, &Inventory)> =
            contexts.iter().map(|c| (c.label, c.inventory)).collect();
        let source = self.kind.fleet_source(&parts, self.scope.as_deref());
        self.state
            .position(index)
            .and_then(|p| source.context_index(p))
            .and_then(|i| contexts.get(i))
            .map_or(ctx.context(), |c| c.id)
    }

    /// The metric series of the row shown at `index` (its own context's).
    pub fn metrics_at<'a>(&self, ctx: &Ctx<'a>, index: usize) -> &'a crate::metrics::MetricsEngine {
        let id = self.context_at(ctx, index);
        ctx.contexts()
            .into_iter()
            .find(|c| c.id == id)
            .map_or(ctx.metrics, |c| c.metrics)
    }

    fn remember_context(&mut self, ctx: &Ctx) {
        self.selected_context = ctx
            .is_fleet()
            .then(|| self.context_at(ctx, self.state.selected));
    }

    /// The queues on screen, and the context of each.
    fn queues_on_screen(&self, ctx: &Ctx) -> Vec<(ContextId, String)> {
        let start = self.state.offset;
        (start..start + ctx.rows)
            .filter_map(|index| match &self.state.row_on_screen(index)?.target {
                Target::Queue(url) => Some((self.context_at(ctx, index), url.clone())),
                _ => None,
            })
            .collect()
    }

    /// The rows shown at `indices`, with their index. They were built at the last
    /// change for the screen then; a frame taller than that (a test drawing at another
    /// size) builds the rest from `ctx`.
    pub fn rows_at<'a>(
        &'a self,
        ctx: &Ctx,
        indices: std::ops::Range<usize>,
    ) -> Vec<(usize, Cow<'a, TableRow>)> {
        let parts = fleet_parts(ctx);
        let source = source_of(self.kind, self.scope.as_deref(), ctx, &parts);
        indices
            .filter_map(|index| match self.state.row_on_screen(index) {
                Some(row) => Some((index, Cow::Borrowed(row))),
                None => self
                    .state
                    .position(index)
                    .map(|i| (index, Cow::Owned(source.row(i)))),
            })
            .collect()
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

    fn shift_sort(&mut self, step: isize, ctx: &Ctx) {
        let parts = fleet_parts(ctx);
        let source = source_of(self.kind, self.scope.as_deref(), ctx, &parts);
        let columns = source.columns();
        let next =
            (self.state.sort_column as isize + step).rem_euclid(columns.len() as isize) as usize;
        self.state
            .sort_by(next, columns[next].numeric, &source, ctx.rows);
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

impl TableView {
    /// A key of the normal mode (the selection's context is noted after it).
    fn handle_key(&mut self, key: KeyAction, ctx: &Ctx) -> Outcome {
        if let Some(delta) = super::navigation_delta(key, ctx.rows) {
            let parts = fleet_parts(ctx);
            let source = source_of(self.kind, self.scope.as_deref(), ctx, &parts);
            self.state.move_selection(delta, &source, ctx.rows);
            return Outcome::Handled;
        }
        match key {
            KeyAction::SortNext => self.shift_sort(1, ctx),
            KeyAction::SortPrevious => self.shift_sort(-1, ctx),
            KeyAction::SortReverse => {
                let parts = fleet_parts(ctx);
                let source = source_of(self.kind, self.scope.as_deref(), ctx, &parts);
                self.state.reverse_sort(&source, ctx.rows);
            }
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
}

impl View for TableView {
    fn crumb(&self) -> String {
        match &self.scope {
            Some(scope) => crate::domain::arn::resource_name(scope).to_string(),
            None => self.kind.command_name().to_string(),
        }
    }

    fn handle(&mut self, key: KeyAction, ctx: &Ctx) -> Outcome {
        let outcome = self.handle_key(key, ctx);
        self.remember_context(ctx);
        outcome
    }

    fn sync(&mut self, ctx: &Ctx) {
        let revision = ctx.config_revision();
        let members_changed = self.members_revision != Some(revision);
        self.members_revision = Some(revision);
        let parts = fleet_parts(ctx);
        let source = source_of(self.kind, self.scope.as_deref(), ctx, &parts);
        self.state.refresh(&source, members_changed, ctx.rows);
        self.remember_context(ctx);
    }

    fn fleet_wide(&self) -> bool {
        true
    }

    fn selected_context(&self) -> Option<ContextId> {
        self.selected_context
    }

    fn on_screen_queues_in(&self, _rows: usize, ctx: &Ctx) -> Vec<String> {
        let active = ctx.context();
        self.queues_on_screen(ctx)
            .into_iter()
            .filter(|(id, _)| *id == active)
            .map(|(_, url)| url)
            .collect()
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
        let parts = fleet_parts(ctx);
        let source = source_of(self.kind, self.scope.as_deref(), ctx, &parts);
        self.state.set_filter(filter, &source, ctx.rows);
        self.remember_context(ctx);
    }

    /// A new height: the rows on screen are built again at the next sync, which has the
    /// inventory to build them from (`screen_rows` is part of the revision).
    fn fit(&mut self, rows: usize) {
        self.state.scroll_into_view(rows);
        self.screen_rows = rows;
    }

    fn revision(&self, ctx: &Ctx) -> u64 {
        ctx.inventories_revision()
            .wrapping_add((self.screen_rows as u64) << 40)
    }

    fn on_screen_queues(&self, rows: usize) -> Vec<String> {
        self.state
            .rows_on_screen()
            .iter()
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
            .on_screen_queues_in(ctx.rows, ctx)
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
        self.on_screen_queues_in(ctx.rows, ctx)
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
        if self.kind != TableKind::Subscriptions {
            hints.push((KeyAction::Logs, "logs"));
        }
        hints
    }

    fn as_any(&self) -> &dyn Any {
        self
    }
}
