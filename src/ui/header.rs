//! The top line: the app name, the breadcrumb of the view stack, and key hints.

use ratatui::Frame;
use ratatui::layout::{Alignment, Constraint, Layout, Rect};
use ratatui::text::{Line, Span};
use ratatui::widgets::Paragraph;

use super::Theme;
use crate::app::App;
use crate::app::keymap::KeyAction;

pub fn draw(frame: &mut Frame, area: Rect, app: &App, theme: &Theme) {
    let mut spans = vec![Span::styled(" squall ", theme.title()), Span::raw(" ")];
    let crumbs = app.breadcrumb();
    let last = crumbs.len().saturating_sub(1);
    for (i, crumb) in crumbs.iter().enumerate() {
        if i > 0 {
            spans.push(Span::styled(theme.separator(), theme.dim()));
        }
        let style = if i == last {
            theme.header()
        } else {
            theme.dim()
        };
        spans.push(Span::styled(crumb.clone(), style));
    }
    let hints = hint_line(app, theme);
    let hints_width = hints.width() as u16;
    let [left, right] =
        Layout::horizontal([Constraint::Min(1), Constraint::Length(hints_width)]).areas(area);
    frame.render_widget(Paragraph::new(Line::from(spans)), left);
    frame.render_widget(Paragraph::new(hints).alignment(Alignment::Right), right);
}

fn hint_line(app: &App, theme: &Theme) -> Line<'static> {
    let hints = [
        (KeyAction::Help, "help"),
        (KeyAction::Command, "cmd"),
        (KeyAction::Filter, "filter"),
    ];
    let mut spans = Vec::new();
    for (action, label) in hints {
        if let Some(key) = app.keymap.first_key(action) {
            spans.push(Span::styled(format!("<{key}>"), theme.header()));
            spans.push(Span::styled(format!(" {label}  "), theme.dim()));
        }
    }
    Line::from(spans)
}
