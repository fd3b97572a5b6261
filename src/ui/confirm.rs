//! The confirm dialog: what will happen, what can go wrong, and how to confirm.

use ratatui::Frame;
use ratatui::layout::{Position, Rect};
use ratatui::text::{Line, Span};
use ratatui::widgets::{Paragraph, Wrap};

use unicode_width::UnicodeWidthStr;

use super::Theme;
use crate::app::modals::confirm::ConfirmDialog;

/// The dialog's lines, also used to size it.
fn lines<'a>(dialog: &'a ConfirmDialog, theme: &Theme) -> Vec<Line<'a>> {
    let pending = &dialog.pending;
    let mut lines = Vec::new();
    for effect in &pending.effects {
        lines.push(Line::from(effect.as_str()));
    }
    if !pending.risks.is_empty() {
        lines.push(Line::default());
        for risk in &pending.risks {
            lines.push(Line::from(Span::styled(
                format!("! {risk}"),
                theme.warning(),
            )));
        }
    }
    lines.push(Line::default());
    match &pending.typed {
        Some(name) => {
            lines.push(Line::from(vec![
                Span::raw("Type "),
                Span::styled(name.as_str(), theme.header()),
                Span::raw(" and Enter to confirm, Esc cancels:"),
            ]));
            lines.push(Line::from(vec![
                Span::styled("> ", theme.header()),
                Span::raw(dialog.input.text()),
            ]));
            if let Some(error) = &dialog.input.error {
                lines.push(Line::from(Span::styled(error.as_str(), theme.error())));
            }
        }
        None => lines.push(Line::from(vec![
            Span::styled("y", theme.header()),
            Span::raw(" confirms, "),
            Span::styled("n", theme.header()),
            Span::raw(" or Esc cancels"),
        ])),
    }
    lines
}

/// Rows `line` takes when word-wrapped to `width`: a word that does not fit on the row
/// moves whole to the next one, so long sentences take more rows than width alone says
/// (counting by width cut off the dialog's last line, the one saying how to confirm).
fn wrapped_rows(line: &Line, width: usize) -> usize {
    let text: String = line.spans.iter().map(|s| s.content.as_ref()).collect();
    let mut rows = 1;
    let mut used = 0;
    for word in text.split_inclusive(' ') {
        let trimmed = word.trim_end_matches(' ').width();
        if used > 0 && used + trimmed > width {
            rows += 1;
            used = 0;
        }
        used += word.width();
        // A word longer than a row is broken across rows.
        while used > width {
            rows += 1;
            used -= width;
        }
    }
    rows
}

pub fn draw(frame: &mut Frame, area: Rect, dialog: &ConfirmDialog, theme: &Theme) {
    let width = area.width.min(72);
    let text = lines(dialog, theme);
    // Lines wrap inside the borders: count the rows they take.
    let inner_width = width.saturating_sub(2).max(1) as usize;
    let rows: usize = text
        .iter()
        .map(|line| wrapped_rows(line, inner_width))
        .sum();
    let height = (rows as u16 + 2).min(area.height);
    let dialog_area = crate::ui::frame::centred(area, width, height);
    let block = crate::ui::frame::panel(
        Span::styled(format!(" {} ", dialog.pending.title), theme.error()),
        theme.error(),
        theme,
    );
    let inner = crate::ui::frame::dialog(frame, dialog_area, block);
    let typed_line = text
        .len()
        .saturating_sub(if dialog.input.error.is_some() { 2 } else { 1 });
    let typed_row: usize = text[..typed_line]
        .iter()
        .map(|line| wrapped_rows(line, inner_width))
        .sum();
    frame.render_widget(Paragraph::new(text).wrap(Wrap { trim: false }), inner);
    if dialog.pending.typed.is_some() {
        // The cursor after what is typed, when that line is on screen (wrapping aside).
        let x = inner.x as usize + 2 + dialog.input.cursor();
        let y = inner.y as usize + typed_row;
        if x < (inner.x + inner.width) as usize && y < (inner.y + inner.height) as usize {
            frame.set_cursor_position(Position::new(x as u16, y as u16));
        }
    }
}
