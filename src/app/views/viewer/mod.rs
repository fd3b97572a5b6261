//! The message viewer: the sample a peek read, as a list (id, sent, age, receive count
//! against `maxReceiveCount`, size, group, the body's first line) over a detail pane for
//! the selected message. The list rows and the pane are laid out when the selection or the
//! envelope toggle changes, never per frame.

pub mod detail;
pub mod detail_lines;
pub mod json_folds;
pub mod pane;
pub mod search;

use std::any::Any;

use super::{Ask, Ctx, Outcome, View};
use crate::app::action::PeekResult;
use crate::app::effect::{Effect, PeekRequest};
use crate::app::keymap::KeyAction;
use crate::app::target::Target;
use crate::domain::message::ReceivedMessage;
use crate::messages::record::rfc3339_ms;
use crate::messages::risk::at_receive_limit;
use crate::messages::{PeekEnd, SnsEnvelope};
use detail::{MessagePlace, shown};
use detail_lines::DetailLines;
use search::Search;

/// Characters of a body's first line kept for the list (the pane shows it all).
const PREVIEW_CHARS: usize = 200;
/// Rows the body area loses to the list's borders and column header.
pub(super) const LIST_CHROME: usize = 3;

/// Which half of the viewer j/k move in: the list of messages, or the selected body
/// (Enter goes in, Esc comes back out).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Focus {
    List,
    Pane,
}

/// One list row, built once.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MessageRow {
    /// The id's first 8 characters (the pane shows it whole).
    pub id: String,
    /// `MM-DD hh:mm:ss` UTC.
    pub sent: String,
    pub sent_ms: Option<u64>,
    /// `3/5`, or `3` without a redrive policy.
    pub receives: String,
    pub at_limit: bool,
    pub size: String,
    pub group: String,
    /// The body's first line (an SNS envelope's inner message), escaped.
    pub preview: String,
}

#[derive(Debug, Clone, PartialEq)]
pub struct MessagesView {
    pub request: PeekRequest,
    pub messages: Vec<ReceivedMessage>,
    pub rows: Vec<MessageRow>,
    pub title: String,
    /// Any message has a group id (FIFO): the list shows the column.
    pub grouped: bool,
    pub selected: usize,
    /// Show the selected message's SNS envelope raw instead of unwrapped.
    pub raw_envelope: bool,
    /// The body as a hex dump: at first when it does not look like text; `v` toggles it on
    /// bodies that are not SNS envelopes.
    pub hex: bool,
    /// The selected message's pane, laid out.
    pub detail: DetailLines,
    pub scroll: usize,
    pub focus: Focus,
    /// The pane line z folds at, and that n/N move to (drawn while the pane has focus).
    pub cursor: usize,
    /// The `/` search in effect; it follows the selection to each message laid out.
    pub search: Search,
    pub fold_depth: usize,
}

impl MessagesView {
    /// A viewer on what a peek read (at least one message).
    pub fn new(result: PeekResult) -> MessagesView {
        MessagesView::folded(result, crate::config::DEFAULT_FOLD_DEPTH)
    }

    /// [`MessagesView::new`], JSON spans opening at `fold_depth` or deeper folded.
    pub fn folded(result: PeekResult, fold_depth: usize) -> MessagesView {
        let PeekResult {
            request,
            messages,
            report,
            ..
        } = result;
        let max = request.max_receive_count;
        let rows: Vec<MessageRow> = messages.iter().map(|m| row(m, max)).collect();
        let mut title = format!(
            "sample of {} from {}, receive counts rose by one",
            messages.len(),
            request.queue_name
        );
        let at_limit = rows.iter().filter(|r| r.at_limit).count();
        if at_limit > 0 {
            title.push_str(&format!(", {at_limit} now at the limit"));
        }
        if matches!(report.end, PeekEnd::Failed(_) | PeekEnd::Cancelled) {
            title.push_str(" (incomplete)");
        }
        let mut view = MessagesView {
            grouped: rows.iter().any(|r| !r.group.is_empty()),
            request,
            messages,
            rows,
            title,
            selected: 0,
            raw_envelope: false,
            hex: false,
            detail: DetailLines::default(),
            scroll: 0,
            focus: Focus::List,
            cursor: 0,
            search: Search::default(),
            fold_depth,
        };
        view.open_selected();
        view
    }

    pub fn selected_message(&self) -> Option<&ReceivedMessage> {
        self.messages.get(self.selected)
    }

    /// Lays out a newly selected message: hex when its body does not look like text.
    fn open_selected(&mut self) {
        self.raw_envelope = false;
        self.hex = self
            .selected_message()
            .is_some_and(|m| detail_lines::looks_binary(&m.body));
        self.lay_out();
    }

    fn lay_out(&mut self) {
        self.scroll = 0;
        self.cursor = 0;
        self.detail = match self.selected_message() {
            Some(message) => detail::layout_folded(
                message,
                &MessagePlace {
                    position: self.selected + 1,
                    total: self.messages.len(),
                    max_receive_count: self.request.max_receive_count,
                    dlq_name: self.request.dlq_name.as_deref(),
                },
                self.raw_envelope,
                self.hex,
                self.fold_depth,
            ),
            None => DetailLines::default(),
        };
        if self.search.is_active() {
            // The same pattern over the newly laid-out message, once.
            self.search = Search::run(&self.search.pattern, &mut self.detail);
        }
    }

    fn select(&mut self, delta: isize) {
        let last = self.messages.len().saturating_sub(1) as isize;
        let next = (self.selected as isize)
            .saturating_add(delta)
            .clamp(0, last.max(0)) as usize;
        if next != self.selected {
            self.selected = next;
            // Each message opens unwrapped: the toggle is about the one being read.
            self.open_selected();
        }
    }

    fn toggle_raw(&mut self) -> Outcome {
        let is_envelope = self
            .selected_message()
            .is_some_and(|m| SnsEnvelope::unwrap(&m.body).is_some());
        if !is_envelope {
            // Not an envelope: `v` switches between the text and a hex dump.
            self.hex = !self.hex;
            self.lay_out();
            return Outcome::Handled;
        }
        self.raw_envelope = !self.raw_envelope;
        self.lay_out();
        Outcome::Handled
    }

    fn copy_body(&self) -> Outcome {
        match self.selected_message() {
            Some(message) => Outcome::Effects(vec![Effect::Copy(message.body.clone())]),
            None => Outcome::Handled,
        }
    }
}

/// How the body area (`body_rows` high) splits between the list and the pane: the list
/// takes what its rows need, up to a third of the screen; the pane gets the rest. Both
/// counts are inner rows (without borders and the list's column header).
pub fn split_rows(body_rows: usize, messages: usize) -> (usize, usize) {
    let list = messages.clamp(1, (body_rows / 3).max(3));
    let pane = body_rows.saturating_sub(list + LIST_CHROME + 2).max(1);
    (list, pane)
}

impl View for MessagesView {
    fn crumb(&self) -> String {
        format!("sample {}", self.request.queue_name)
    }

    fn handle(&mut self, key: KeyAction, ctx: &Ctx) -> Outcome {
        let pane_rows = self.pane_rows(ctx);
        let half = (pane_rows / 2).max(1) as isize;
        if let Some(outcome) = self.pane_key(key, ctx, pane_rows) {
            return outcome;
        }
        match key {
            KeyAction::Down => self.select(1),
            KeyAction::Up => self.select(-1),
            KeyAction::Top => self.select(isize::MIN),
            KeyAction::Bottom => self.select(isize::MAX),
            KeyAction::PageDown => self.scroll_by(half, pane_rows),
            KeyAction::PageUp => self.scroll_by(-half, pane_rows),
            KeyAction::ToggleRaw => return self.toggle_raw(),
            KeyAction::Yank => return self.copy_body(),
            // Enter goes into the body (j/k then move a cursor there).
            KeyAction::Open => self.focus_pane(),
            KeyAction::Describe => {}
            _ => return Outcome::Ignored,
        }
        Outcome::Handled
    }

    fn answer(&mut self, ask: Ask, text: Option<&str>, ctx: &Ctx) -> Result<Outcome, String> {
        self.answered(ask, text, ctx)
    }

    /// The sample never changes: laid out when made and when the selection moves.
    fn revision(&self, _ctx: &Ctx) -> u64 {
        0
    }

    fn selected_target(&self) -> Option<Target> {
        Some(Target::Queue(self.request.queue_url.clone()))
    }

    fn hints(&self) -> Vec<(KeyAction, &'static str)> {
        vec![
            (KeyAction::Yank, "copy body"),
            (KeyAction::ToggleRaw, "raw/hex"),
            (KeyAction::PageDown, "scroll"),
            (KeyAction::Filter, "search"),
            (KeyAction::Fold, "fold"),
            (KeyAction::Export, "export"),
            (KeyAction::Logs, "logs"),
        ]
    }

    fn as_any(&self) -> &dyn Any {
        self
    }
}

fn row(message: &ReceivedMessage, max_receive_count: Option<u32>) -> MessageRow {
    let count = message
        .receive_count()
        .map_or_else(|| "?".to_string(), |c| c.to_string());
    let receives = match max_receive_count {
        Some(max) => format!("{count}/{max}"),
        None => count,
    };
    let sent_ms = message.sent_timestamp_ms();
    // rfc3339_ms: "2026-11-22T06:00:00.000Z"; the list keeps month, day and time.
    let sent = sent_ms
        .map(rfc3339_ms)
        .and_then(|t| t.get(5..19).map(|s| s.replacen('T', " ", 1)))
        .unwrap_or_default();
    let preview = match SnsEnvelope::unwrap(&message.body) {
        Some(envelope) => format!("sns: {}", first_line(&envelope.message)),
        None => first_line(&message.body),
    };
    MessageRow {
        id: shown(&message.message_id.chars().take(8).collect::<String>()).into_owned(),
        sent,
        sent_ms,
        receives,
        at_limit: at_receive_limit(message, max_receive_count),
        size: size(message.body.len()),
        group: shown(message.group_id().unwrap_or_default()).into_owned(),
        preview,
    }
}

fn first_line(body: &str) -> String {
    let line = body.trim_start().split('\n').next().unwrap_or_default();
    let cut: String = line.chars().take(PREVIEW_CHARS).collect();
    shown(&cut).into_owned()
}

fn size(bytes: usize) -> String {
    match bytes {
        0..1024 => format!("{bytes} B"),
        1024..1_048_576 => format!("{:.1} KiB", bytes as f64 / 1024.0),
        _ => format!("{:.1} MiB", bytes as f64 / 1_048_576.0),
    }
}

#[cfg(test)]
mod tests;
