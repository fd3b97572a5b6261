//! The describe pane: every attribute of one resource, laid out when the data changes
//! (not per frame), scrolled so that the last line never leaves the bottom.

use std::any::Any;

use super::topology::TopologyView;
use super::{Ctx, Outcome, View, navigation_delta, scroll_text};
use crate::app::findings::finding_lines;
use crate::app::keymap::KeyAction;
use crate::app::target::{Target, describe_lines};

#[derive(Debug, Clone, PartialEq)]
pub struct DescribeView {
    pub target: Target,
    pub scroll: usize,
    /// `(label, value)` lines; `None` when the resource was not in the last listing.
    pub lines: Option<Vec<(String, String)>>,
}

impl DescribeView {
    pub fn new(target: Target) -> DescribeView {
        DescribeView {
            target,
            scroll: 0,
            lines: None,
        }
    }

    /// Rows inside the pane: the body less its border, which the table's column header
    /// row does not need here.
    pub fn rows(ctx: &Ctx) -> usize {
        ctx.rows + 1
    }

    fn line_count(&self) -> usize {
        self.lines.as_ref().map_or(0, Vec::len)
    }
}

impl View for DescribeView {
    fn crumb(&self) -> String {
        self.target.label()
    }

    fn handle(&mut self, key: KeyAction, ctx: &Ctx) -> Outcome {
        let rows = DescribeView::rows(ctx);
        if let Some(delta) = navigation_delta(key, rows) {
            self.scroll = scroll_text(self.scroll, delta, self.line_count(), rows);
            return Outcome::Handled;
        }
        match key {
            // Already describing: `d` and Enter do not stack another copy.
            KeyAction::Describe | KeyAction::Open => Outcome::Handled,
            KeyAction::Topology => {
                Outcome::Push(Box::new(TopologyView::focused(Some(self.target.clone()))))
            }
            _ => Outcome::Ignored,
        }
    }

    fn sync(&mut self, ctx: &Ctx) {
        self.lines = describe_lines(ctx.inventory, &self.target).map(|mut lines| {
            // What is miswired comes right under the identity (URL or ARN, and type).
            let at = lines.len().min(2);
            lines.splice(at..at, finding_lines(ctx.inventory, &self.target));
            lines
        });
        self.scroll = scroll_text(self.scroll, 0, self.line_count(), DescribeView::rows(ctx));
    }

    fn fit(&mut self, rows: usize) {
        self.scroll = scroll_text(self.scroll, 0, self.line_count(), rows + 1);
    }

    fn selected_target(&self) -> Option<crate::app::target::Target> {
        Some(self.target.clone())
    }

    fn as_any(&self) -> &dyn Any {
        self
    }
}
