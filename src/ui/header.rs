//! The top line: the app name, the breadcrumb of the view stack, and key hints.

use ratatui::Frame;
use ratatui::layout::{Alignment, Constraint, Layout, Rect};
use ratatui::text::{Line, Span};
use ratatui::widgets::Paragraph;

use super::Theme;
use super::text::truncate;
use crate::app::App;
use crate::app::keymap::KeyAction;
use crate::domain::untrusted::escape;

pub fn draw(frame: &mut Frame, area: Rect, app: &App, theme: &Theme) {
    // Hints give way to the breadcrumb on narrow screens, the view's own ones first.
    let room = (area.width as usize).saturating_sub(30);
    let hints = hint_line(app, theme, room);
    let [left, right] =
        Layout::horizontal([Constraint::Min(1), Constraint::Length(hints.width() as u16)])
            .spacing(1)
            .areas(area);

    let mut spans = vec![Span::styled(" squall ", theme.title()), Span::raw(" ")];
    let crumbs = app.breadcrumb();
    let last = crumbs.len().saturating_sub(1);
    for (i, crumb) in crumbs.iter().enumerate() {
        if i > 0 {
            spans.push(Span::styled(theme.separator(), theme.dim()));
        }
        if i == last {
            // The current view's name is cut, never the path to it.
            let used: usize = spans.iter().map(|s| s.width()).sum();
            let room = (left.width as usize).saturating_sub(used);
            spans.push(Span::styled(
                truncate(crumb, room, theme.ellipsis()),
                theme.header(),
            ));
        } else {
            // A crumb can be an AWS name (a topic's): escaped, as `truncate` does for the last.
            spans.push(Span::styled(escape(crumb).into_owned(), theme.dim()));
        }
    }
    frame.render_widget(Paragraph::new(Line::from(spans)), left);
    frame.render_widget(Paragraph::new(hints).alignment(Alignment::Right), right);
}

/// As many hints as fit in `room` columns, in order of importance.
fn hint_line(app: &App, theme: &Theme, room: usize) -> Line<'static> {
    let mut hints = vec![(KeyAction::Help, "help"), (KeyAction::Command, "cmd")];
    if app.view().filter_text().is_some() {
        hints.push((KeyAction::Filter, "filter"));
    }
    // The view's own keys; in read-only mode the dangerous ones do not exist.
    hints.extend(
        app.view()
            .hints()
            .into_iter()
            .filter(|(action, _)| !(app.read_only && action.is_dangerous())),
    );
    let mut spans = Vec::new();
    let mut used = 0;
    for (action, label) in hints {
        if let Some(key) = app.keymap.first_key(action) {
            let key = Span::styled(format!("<{key}>"), theme.header());
            let label = Span::styled(format!(" {label}  "), theme.dim());
            used += key.width() + label.width();
            if used > room {
                break;
            }
            spans.extend([key, label]);
        }
    }
    Line::from(spans)
}
