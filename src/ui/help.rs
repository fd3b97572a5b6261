//! The `?` screen, generated from the keymap and the command table.

use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::text::{Line, Span};
use ratatui::widgets::Paragraph;

use super::Theme;
use super::text::truncate;
use crate::app::App;
use crate::app::help::help_lines;

pub fn draw(frame: &mut Frame, area: Rect, app: &App, theme: &Theme, scroll: usize) {
    let block = crate::ui::frame::panel(
        Span::styled(" Help — Esc or ? to close ", theme.title()),
        theme.title(),
        theme,
    );
    let inner = crate::ui::frame::dialog(frame, area, block);

    let entries = help_lines(&app.keymap, app.read_only);
    let key_width = entries
        .iter()
        .map(|(k, _)| k.chars().count())
        .max()
        .unwrap_or(0)
        + 2;
    let description_width = (inner.width as usize).saturating_sub(key_width);
    let lines: Vec<Line> = entries
        .into_iter()
        .map(|(keys, description)| {
            if description.is_empty() {
                Line::from(Span::styled(keys, theme.header()))
            } else {
                Line::from(vec![
                    Span::styled(format!("{keys:key_width$}"), theme.ok()),
                    Span::raw(truncate(&description, description_width, theme.ellipsis())),
                ])
            }
        })
        .collect();
    let scroll = scroll.min(lines.len().saturating_sub(inner.height as usize));
    frame.render_widget(Paragraph::new(lines).scroll((scroll as u16, 0)), inner);
}
