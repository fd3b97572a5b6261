//! The viewer's pane keys: the cursor in the body (Enter goes in, Esc comes out), the `/`
//! search and n/N, JSON folding (z, Z, Enter on a span), and `e` export of what was read.
//! Every change lays out nothing new but what it changes: a fold rebuilds its body's line
//! map, a search reads the lines once per pattern.

use super::super::{Ask, Ctx, Outcome};
use super::search::Search;
use super::{Focus, LIST_CHROME, MessagesView, split_rows};
use crate::app::effect::{ExportRequest, Work};
use crate::app::keymap::KeyAction;
use crate::app::state::Level;

impl MessagesView {
    /// Inner rows of the pane, for paging and keeping the cursor on screen.
    pub(super) fn pane_rows(&self, ctx: &Ctx) -> usize {
        split_rows(ctx.rows + LIST_CHROME, self.messages.len()).1
    }

    /// The keys about the pane; `None` leaves the key to the list.
    pub(super) fn pane_key(&mut self, key: KeyAction, ctx: &Ctx, rows: usize) -> Option<Outcome> {
        let half = (rows / 2).max(1) as isize;
        let outcome = match key {
            KeyAction::Filter => Outcome::Ask {
                ask: Ask::Search,
                text: self.search.pattern.clone(),
            },
            KeyAction::SearchNext | KeyAction::SearchPrevious => {
                self.step(key == KeyAction::SearchNext, rows)
            }
            KeyAction::Fold => {
                if self.focus == Focus::List {
                    self.focus_pane();
                }
                self.toggle_fold(rows)
            }
            KeyAction::FoldAll => {
                let fold = !self.detail.any_folded();
                self.detail.fold_all(fold);
                self.after_fold(None, rows);
                Outcome::Handled
            }
            KeyAction::Export => Outcome::Ask {
                ask: Ask::ExportPath,
                text: self.export_file_name(ctx),
            },
            KeyAction::Back if self.search.is_active() => {
                self.search = Search::default();
                Outcome::Handled
            }
            KeyAction::Back if self.focus == Focus::Pane => {
                self.focus = Focus::List;
                Outcome::Handled
            }
            _ if self.focus == Focus::List => return None,
            KeyAction::Down => self.move_cursor(1, rows),
            KeyAction::Up => self.move_cursor(-1, rows),
            KeyAction::PageDown => self.move_cursor(half, rows),
            KeyAction::PageUp => self.move_cursor(-half, rows),
            KeyAction::Top => self.move_cursor(isize::MIN, rows),
            KeyAction::Bottom => self.move_cursor(isize::MAX, rows),
            KeyAction::Open => self.toggle_fold(rows),
            _ => return None,
        };
        Some(outcome)
    }

    /// Into the body, the cursor on its first line on screen.
    pub(super) fn focus_pane(&mut self) {
        if self.focus == Focus::List {
            self.focus = Focus::Pane;
            self.cursor = self.scroll.min(self.detail.len().saturating_sub(1));
        }
    }

    pub(super) fn scroll_by(&mut self, delta: isize, rows: usize) {
        self.scroll = super::super::scroll_text(self.scroll, delta, self.detail.len(), rows);
    }

    fn move_cursor(&mut self, delta: isize, rows: usize) -> Outcome {
        let last = self.detail.len().saturating_sub(1) as isize;
        self.cursor = (self.cursor as isize)
            .saturating_add(delta)
            .clamp(0, last.max(0)) as usize;
        self.keep_cursor_on_screen(rows);
        Outcome::Handled
    }

    fn keep_cursor_on_screen(&mut self, rows: usize) {
        let rows = rows.max(1);
        if self.cursor < self.scroll {
            self.scroll = self.cursor;
        } else if self.cursor >= self.scroll + rows {
            self.scroll = self.cursor + 1 - rows;
        }
    }

    /// Puts the cursor on `line`, scrolling only when it is off screen (then it shows a
    /// third of the way down, with some context above it).
    fn jump_to(&mut self, line: usize, rows: usize) {
        self.cursor = line;
        if line < self.scroll || line >= self.scroll + rows.max(1) {
            let wanted = line.saturating_sub(rows / 3) as isize;
            self.scroll = 0;
            self.scroll_by(wanted, rows);
        }
    }

    fn step(&mut self, forward: bool, rows: usize) -> Outcome {
        if !self.search.is_active() {
            return Outcome::Message(
                Level::Info,
                "no search: / searches the message's text".to_string(),
            );
        }
        match self.search.step(forward) {
            Some(found) => {
                self.jump_to(found.line, rows);
                Outcome::Handled
            }
            None => Outcome::Message(Level::Info, "no match".to_string()),
        }
    }

    fn toggle_fold(&mut self, rows: usize) -> Outcome {
        match self.detail.toggle_fold(self.cursor) {
            Some(opener) => {
                self.after_fold(Some(opener), rows);
                Outcome::Handled
            }
            None => Outcome::Message(
                Level::Info,
                "no JSON object or array at the cursor (j/k move it, in the body)".to_string(),
            ),
        }
    }

    /// A fold changed the pane's lines: the cursor goes to `opener` (or stays in range),
    /// and the search's matches are found again (their lines moved).
    fn after_fold(&mut self, opener: Option<usize>, rows: usize) {
        let last = self.detail.len().saturating_sub(1);
        self.cursor = opener.unwrap_or(self.cursor).min(last);
        self.scroll = self.scroll.min(last);
        self.keep_cursor_on_screen(rows);
        if self.search.is_active() {
            self.search.rerun(&self.detail);
            self.search.start_at(self.cursor);
        }
    }

    /// `orders-20261122T100000Z.ndjson`: the queue and the time, never an existing export.
    fn export_file_name(&self, ctx: &Ctx) -> String {
        let stamp: String = humantime::format_rfc3339_seconds(ctx.now)
            .to_string()
            .chars()
            .filter(|c| !matches!(c, '-' | ':'))
            .collect();
        // Queue names hold letters, digits, '-', '_' and '.fifo': safe in a file name.
        let name: String = self
            .request
            .queue_name
            .chars()
            .map(|c| {
                if c.is_ascii_alphanumeric() || matches!(c, '-' | '_' | '.') {
                    c
                } else {
                    '_'
                }
            })
            .collect();
        format!("{name}-{stamp}.ndjson")
    }

    pub(super) fn answered(
        &mut self,
        ask: Ask,
        text: Option<&str>,
        ctx: &Ctx,
    ) -> Result<Outcome, String> {
        let rows = self.pane_rows(ctx);
        match (ask, text) {
            (Ask::Search, Some(pattern)) if !pattern.is_empty() => {
                self.search = Search::run(pattern, &mut self.detail);
                match self.search.start_at(self.scroll) {
                    Some(found) => {
                        self.jump_to(found.line, rows);
                        Ok(Outcome::Handled)
                    }
                    None => Ok(Outcome::Message(
                        Level::Info,
                        "no match in this message".to_string(),
                    )),
                }
            }
            (Ask::Search, _) => {
                self.search = Search::default();
                Ok(Outcome::Handled)
            }
            (Ask::ExportPath, Some(path)) => {
                let path = path.trim();
                if path.is_empty() {
                    return Err("a file name is needed, Esc cancels".to_string());
                }
                let request = ExportRequest {
                    path: path.into(),
                    queue_name: self.request.queue_name.clone(),
                    max_receive_count: self.request.max_receive_count,
                    messages: self.messages.clone(),
                };
                Ok(Outcome::Job {
                    label: format!("export {}", self.request.queue_name),
                    work: Work::Export(request),
                })
            }
            (Ask::ExportPath, None) => Ok(Outcome::Message(
                Level::Info,
                "export cancelled: nothing was written".to_string(),
            )),
        }
    }
}

#[cfg(test)]
mod tests;
