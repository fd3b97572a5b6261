//! The send / publish form over the view: each field with its label, the focused one
//! marked and holding the cursor, the reason a submit was refused, and the form's keys.

use ratatui::Frame;
use ratatui::layout::{Position, Rect};
use ratatui::text::{Line, Span};
use ratatui::widgets::Paragraph;
use unicode_width::UnicodeWidthStr;

use super::Theme;
use super::text::truncate;
use crate::app::App;
use crate::app::editor::Editor;
use crate::app::keymap::KeyAction;
use crate::app::modals::send_form::{Field, SendForm};
use crate::domain::untrusted::escape;

/// Rows the attributes editor shows.
const ATTRIBUTE_ROWS: usize = 3;
const LABEL_WIDTH: usize = 11;

pub fn draw(frame: &mut Frame, area: Rect, form: &SendForm, app: &App, theme: &Theme) {
    let width = area.width.min(76);
    let fields = form.fields();
    let single = fields.iter().filter(|f| !f.multi_line()).count();
    // Borders, two labels, the attributes, the one-line fields, a gap, the error, the keys.
    let fixed = 2 + 2 + ATTRIBUTE_ROWS + single + 3;
    let body_rows = (area.height as usize).saturating_sub(fixed).clamp(2, 10);
    let height = ((fixed + body_rows) as u16).min(area.height);
    let dialog = crate::ui::frame::centred(area, width, height);
    let kind = if form.is_topic() {
        "Publish to"
    } else {
        "Send to"
    };
    let fifo = if form.fifo() { " (FIFO)" } else { "" };
    let block = crate::ui::frame::panel(
        Span::styled(
            format!(" {kind} {}{fifo} ", escape(form.target_name())),
            theme.error(),
        ),
        theme.error(),
        theme,
    );
    let inner = crate::ui::frame::dialog(frame, dialog, block);

    let room = (inner.width as usize)
        .saturating_sub(LABEL_WIDTH + 3)
        .max(1);
    let (mut lines, cursor) = field_lines(form, body_rows, room, theme);
    lines.push(Line::default());
    if let Some(error) = &form.error {
        lines.push(Line::from(Span::styled(
            truncate(error, inner.width as usize, theme.ellipsis()),
            theme.error(),
        )));
    } else {
        lines.push(Line::default());
    }
    let submit = app
        .keymap
        .first_key(KeyAction::Submit)
        .unwrap_or_else(|| "ctrl-s".to_string());
    lines.push(Line::from(vec![
        Span::styled("Tab", theme.header()),
        Span::styled(" next field  ", theme.dim()),
        Span::styled(submit, theme.header()),
        Span::styled(" send (asks first)  ", theme.dim()),
        Span::styled("Esc", theme.header()),
        Span::styled(" cancels", theme.dim()),
    ]));
    frame.render_widget(Paragraph::new(lines), inner);
    if let Some((row, column)) = cursor {
        let (x, y) = (inner.x as usize + column, inner.y as usize + row);
        if x < (inner.x + inner.width) as usize && y < (inner.y + inner.height) as usize {
            frame.set_cursor_position(Position::new(x as u16, y as u16));
        }
    }
}

/// Each field's label and text, and where the cursor is in them (line, column).
fn field_lines<'a>(
    form: &'a SendForm,
    body_rows: usize,
    room: usize,
    theme: &Theme,
) -> (Vec<Line<'a>>, Option<(usize, usize)>) {
    let mut lines: Vec<Line> = Vec::new();
    let mut cursor: Option<(usize, usize)> = None;
    for field in form.fields() {
        let focused = form.focus == field;
        let marker = if focused { "> " } else { "  " };
        let label_style = if focused { theme.header() } else { theme.dim() };
        let label = format!("{marker}{:<LABEL_WIDTH$}", field.label(form.is_topic()));
        match field {
            Field::Body | Field::Attributes => {
                let (editor, rows, hint) = if field == Field::Body {
                    (&form.body, body_rows, "Enter: new line")
                } else {
                    (
                        &form.attributes,
                        ATTRIBUTE_ROWS,
                        "NAME=VALUE or NAME:Number=3, one a line",
                    )
                };
                lines.push(Line::from(vec![
                    Span::styled(label, label_style),
                    Span::styled(hint, theme.dim()),
                ]));
                let (row, column) = editor.cursor();
                let first = row.saturating_sub(rows - 1);
                for (i, text) in visible_rows(editor, first, rows).into_iter().enumerate() {
                    let (text, shift) = scrolled(&text, column, room, focused && first + i == row);
                    if focused && first + i == row {
                        cursor = Some((lines.len(), LABEL_WIDTH + 2 + column - shift));
                    }
                    lines.push(Line::from(vec![
                        Span::raw(" ".repeat(LABEL_WIDTH + 2)),
                        Span::raw(text),
                    ]));
                }
            }
            _ => {
                let prompt = form.line_field(field).map(|p| (p.text(), p.cursor()));
                let (text, column) = prompt.unwrap_or_default();
                let (shown, shift) = scrolled(text, column, room, focused);
                if focused {
                    cursor = Some((lines.len(), LABEL_WIDTH + 2 + column - shift));
                }
                let placeholder = match field {
                    Field::DedupId if text.is_empty() => "(optional with content-based dedup)",
                    Field::Subject if text.is_empty() => "(optional)",
                    _ => "",
                };
                lines.push(Line::from(vec![
                    Span::styled(label, label_style),
                    Span::raw(shown),
                    Span::styled(placeholder, theme.dim()),
                ]));
            }
        }
    }
    (lines, cursor)
}

/// Lines `first..first + rows` of the editor (blank past its end).
fn visible_rows(editor: &Editor, first: usize, rows: usize) -> Vec<String> {
    (first..first + rows)
        .map(|i| editor.lines().get(i).cloned().unwrap_or_default())
        .collect()
}

/// `text` escaped and cut to `room` columns; on the cursor's line it scrolls to keep the
/// cursor in view. Returns the text and the characters skipped at its start.
fn scrolled(text: &str, column: usize, room: usize, has_cursor: bool) -> (String, usize) {
    let shift = if has_cursor {
        (column + 1).saturating_sub(room)
    } else {
        0
    };
    let rest: String = text.chars().skip(shift).collect();
    let shown = escape(&rest);
    let mut out = String::new();
    for c in shown.chars() {
        if out.width() + c.to_string().width() > room {
            break;
        }
        out.push(c);
    }
    (out, shift)
}
