//! The logs view (`:logs`, `L`): the consumer log lines of a function, queue, DLQ or topic
//! over the last hour, followed every two seconds; or, from the message viewer, the
//! invocations that handled one message, START to REPORT. `/` filters, `e` keeps errors
//! only, Tab shows the error signatures (Enter: their examples; Esc back). The lines live
//! in the app's feed (`app/logs`); the view lays them out when they change.

pub mod rows;

use std::any::Any;

use super::{Ctx, Outcome, View, navigation_delta, scroll_text};
use crate::app::keymap::KeyAction;
use crate::app::logs::{Destination, FeedKind, FeedState, LogsJob, LogsQuery, MAX_SEARCH_LINES};
use crate::app::metric_refresh::epoch_ms;
use crate::app::modals::confirm::{DangerousOp, PendingOp};
use crate::app::row_filter::RowFilter;
use crate::app::state::Level;
use crate::logs::search::human_bytes;
use crate::logs::{SearchRequest, Signature};
use rows::{Keep, LogRow, layout, line_rows};

/// Which part of the view j/k and Enter act on.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Pane {
    Lines,
    Signatures,
    /// The examples of the selected signature.
    Examples,
}

#[derive(Debug, Clone, PartialEq)]
pub struct LogsView {
    /// The app's feed this view shows.
    pub feed: u64,
    /// Poll for new lines every two seconds (lines feeds only).
    pub following: bool,
    pub keep: Keep,
    pub pane: Pane,
    pub rows: Vec<LogRow>,
    /// The first line row on screen (ignored while `at_end`).
    pub scroll: usize,
    /// Keep the newest row at the bottom (a tail).
    pub at_end: bool,
    pub signatures: Vec<Signature>,
    pub signature_selected: usize,
    /// The selected signature's examples, laid out on Enter.
    pub examples: Vec<LogRow>,
    pub example_scroll: usize,
    /// How many lines the feed holds, and how many of them the filters keep.
    pub held: usize,
    pub kept: usize,
    /// A target's lines (followed), not a message's invocations.
    pub tails: bool,
}

impl LogsView {
    pub fn new(feed: u64, following: bool) -> LogsView {
        LogsView {
            feed,
            following,
            keep: Keep::default(),
            pane: Pane::Lines,
            rows: Vec::new(),
            scroll: 0,
            at_end: following,
            signatures: Vec::new(),
            signature_selected: 0,
            examples: Vec::new(),
            example_scroll: 0,
            held: 0,
            kept: 0,
            tails: following,
        }
    }

    fn relayout(&mut self, ctx: &Ctx) {
        let Some(feed) = ctx.logs.feed(self.feed) else {
            return;
        };
        self.rows = layout(feed, &self.keep);
        let held: Vec<&crate::logs::LogLine> = match feed.kind {
            FeedKind::Lines { .. } => feed.lines.iter().collect(),
            FeedKind::Message(_) => feed.invocations.iter().flat_map(|i| &i.lines).collect(),
        };
        self.held = held.len();
        self.kept = held.iter().filter(|l| self.keep.keeps(l)).count();
        // Signatures cost a normalisation per error line: worked out only while shown.
        if self.pane != Pane::Lines {
            self.signatures = rows::feed_signatures(feed);
            self.signature_selected =
                super::moved(self.signature_selected, 0, self.signatures.len());
        }
        self.scroll = scroll_text(self.scroll, 0, self.rows.len(), ctx.rows);
    }

    /// Enter on a search larger than `logs.max_scan_mb`: the confirm dialog, then the
    /// search without a size check.
    fn confirm_large_search(&self, ctx: &Ctx) -> Outcome {
        let Some(feed) = ctx.logs.feed(self.feed) else {
            return Outcome::Ignored;
        };
        let (FeedState::TooLarge { estimate_bytes }, FeedKind::Lines { start_ms }) =
            (&feed.state, &feed.kind)
        else {
            return Outcome::Ignored;
        };
        let job = LogsJob {
            to: Destination::Feed(self.feed),
            generation: feed.generation + 1,
            query: LogsQuery::Lines {
                request: SearchRequest {
                    groups: feed.groups.clone(),
                    start_ms: *start_ms,
                    end_ms: epoch_ms(ctx.now),
                    pattern: None,
                    max_bytes: u64::MAX,
                    max_lines: MAX_SEARCH_LINES,
                },
                estimate_first: false,
            },
            budget: ctx.logs.budget.clone(),
            now_ms: epoch_ms(ctx.now),
            label: format!("logs {}", feed.title),
        };
        Outcome::Confirm(PendingOp {
            title: format!("Search the logs of {}", feed.title),
            effects: vec![format!(
                "Reads the last hour of {} log group{} with FilterLogEvents: about {}.",
                feed.groups.len(),
                if feed.groups.len() == 1 { "" } else { "s" },
                human_bytes(*estimate_bytes)
            )],
            risks: vec![format!(
                "More than logs.max_scan_mb ({}); CloudWatch throttles FilterLogEvents, so \
                 it takes a while and slows other tools on this account.",
                human_bytes(ctx.logs.max_scan_bytes)
            )],
            typed: None,
            op: DangerousOp::LogsSearch(Box::new(job)),
        })
    }

    fn handle_signatures(&mut self, key: KeyAction, ctx: &Ctx) -> Outcome {
        if let Some(delta) = navigation_delta(key, ctx.rows) {
            self.signature_selected =
                super::moved(self.signature_selected, delta, self.signatures.len());
            return Outcome::Handled;
        }
        match key {
            KeyAction::Open => {
                let Some(signature) = self.signatures.get(self.signature_selected) else {
                    return Outcome::Handled;
                };
                self.examples = signature
                    .examples
                    .iter()
                    .flat_map(|l| line_rows(l, false))
                    .collect();
                self.example_scroll = 0;
                self.pane = Pane::Examples;
            }
            KeyAction::Back | KeyAction::Signatures => self.pane = Pane::Lines,
            _ => return Outcome::Ignored,
        }
        Outcome::Handled
    }

    fn handle_lines(&mut self, key: KeyAction, ctx: &Ctx) -> Outcome {
        if let Some(delta) = navigation_delta(key, ctx.rows) {
            let from = if self.at_end {
                self.rows.len().saturating_sub(ctx.rows)
            } else {
                self.scroll
            };
            self.scroll = scroll_text(from, delta, self.rows.len(), ctx.rows);
            self.at_end = self.scroll >= self.rows.len().saturating_sub(ctx.rows);
            return Outcome::Handled;
        }
        match key {
            KeyAction::Export => {
                self.keep.errors_only = !self.keep.errors_only;
                self.relayout(ctx);
            }
            KeyAction::Signatures => {
                self.pane = Pane::Signatures;
                self.relayout(ctx);
            }
            KeyAction::Follow => {
                let follows = ctx.logs.feed(self.feed).is_some_and(|f| f.follows());
                if !follows {
                    return Outcome::Message(
                        Level::Info,
                        "a message's invocations are searched once, not followed".to_string(),
                    );
                }
                self.following = !self.following;
                self.at_end |= self.following;
            }
            KeyAction::Open => return self.confirm_large_search(ctx),
            _ => return Outcome::Ignored,
        }
        Outcome::Handled
    }
}

impl View for LogsView {
    fn crumb(&self) -> String {
        "logs".to_string()
    }

    fn handle(&mut self, key: KeyAction, ctx: &Ctx) -> Outcome {
        match self.pane {
            Pane::Lines => self.handle_lines(key, ctx),
            Pane::Signatures => self.handle_signatures(key, ctx),
            Pane::Examples => {
                if let Some(delta) = navigation_delta(key, ctx.rows) {
                    self.example_scroll =
                        scroll_text(self.example_scroll, delta, self.examples.len(), ctx.rows);
                    return Outcome::Handled;
                }
                match key {
                    KeyAction::Back | KeyAction::Open => self.pane = Pane::Signatures,
                    KeyAction::Signatures => self.pane = Pane::Lines,
                    _ => return Outcome::Ignored,
                }
                Outcome::Handled
            }
        }
    }

    fn revision(&self, ctx: &Ctx) -> u64 {
        ctx.logs.revision
    }

    fn sync(&mut self, ctx: &Ctx) {
        self.relayout(ctx);
    }

    fn fit(&mut self, rows: usize) {
        self.scroll = scroll_text(self.scroll, 0, self.rows.len(), rows);
    }

    fn filter_text(&self) -> Option<String> {
        Some(
            self.keep
                .filter
                .as_ref()
                .map(|f| f.text.clone())
                .unwrap_or_default(),
        )
    }

    fn set_filter(&mut self, filter: Option<RowFilter>, ctx: &Ctx) {
        self.keep.filter = filter;
        self.relayout(ctx);
    }

    fn hints(&self) -> Vec<(KeyAction, &'static str)> {
        match self.pane {
            Pane::Lines => {
                let mut hints = Vec::new();
                if self.tails {
                    let follow = if self.following { "stop" } else { "follow" };
                    hints.push((KeyAction::Follow, follow));
                }
                hints.push((
                    KeyAction::Export,
                    if self.keep.errors_only {
                        "all lines"
                    } else {
                        "errors"
                    },
                ));
                hints.push((KeyAction::Signatures, "signatures"));
                hints
            }
            Pane::Signatures => vec![
                (KeyAction::Open, "examples"),
                (KeyAction::Signatures, "lines"),
            ],
            Pane::Examples => vec![(KeyAction::Back, "signatures")],
        }
    }

    fn as_any(&self) -> &dyn Any {
        self
    }
}

#[cfg(test)]
mod tests;
