//! The bottom line: where squall is connected, READ-ONLY, and when data was last refreshed.

use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::text::{Line, Span};
use ratatui::widgets::Paragraph;

use super::Theme;
use super::text::{ago, truncate};
use crate::app::App;

pub fn draw(frame: &mut Frame, area: Rect, app: &App, theme: &Theme) {
    let mut spans = Vec::new();
    if app.read_only {
        spans.push(Span::styled(" READ-ONLY ", theme.badge()));
        spans.push(Span::raw(" "));
    }
    if app.info.demo {
        spans.push(Span::styled(" DEMO ", theme.badge()));
        spans.push(Span::raw(" "));
    }
    let separator = || Span::styled(" | ", theme.dim());
    spans.push(Span::styled("profile ", theme.dim()));
    spans.push(Span::raw(
        app.info
            .profile
            .clone()
            .unwrap_or_else(|| "default".to_string()),
    ));
    spans.push(separator());
    spans.push(Span::styled("region ", theme.dim()));
    spans.push(Span::raw(app.info.region.clone()));
    if let Some(endpoint) = &app.info.endpoint {
        spans.push(separator());
        spans.push(Span::styled("endpoint ", theme.dim()));
        spans.push(Span::styled(
            truncate(endpoint, 40, theme.ellipsis()),
            theme.warning(),
        ));
    }
    spans.push(separator());
    let refreshed = match app.load.last_finished {
        Some(at) => {
            let seconds = app.now.duration_since(at).map(|d| d.as_secs()).unwrap_or(0);
            format!("refreshed {}", ago(seconds))
        }
        None if app.load.in_flight => "loading".to_string(),
        None => "not loaded".to_string(),
    };
    spans.push(Span::styled(refreshed, theme.dim()));
    frame.render_widget(Paragraph::new(Line::from(spans)), area);
}
