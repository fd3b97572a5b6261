//! The bottom line: where squall is connected, READ-ONLY, and when data was last refreshed.

use ratatui::Frame;
use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::text::{Line, Span};
use ratatui::widgets::Paragraph;

use super::Theme;
use super::text::{ago, truncate};
use crate::app::App;

pub fn draw(frame: &mut Frame, area: Rect, app: &App, theme: &Theme) {
    let queues = app.load(crate::inventory::Source::Queues);
    let refreshed = match queues.ended {
        Some(at) => {
            let seconds = app.now.duration_since(at).map(|d| d.as_secs()).unwrap_or(0);
            let what = if queues.failed {
                "refresh failed"
            } else {
                "refreshed"
            };
            format!("{what} {}", ago(seconds))
        }
        None if app.loading() => "loading".to_string(),
        None => "not loaded".to_string(),
    };
    // The refresh age stays on the right; the connection details give way when narrow.
    let right = Span::styled(format!(" {refreshed} "), theme.dim());
    let [left_area, right_area] =
        Layout::horizontal([Constraint::Min(1), Constraint::Length(right.width() as u16)])
            .areas(area);
    let mut left = connection_line(app, theme, true);
    if left.width() > left_area.width as usize {
        left = connection_line(app, theme, false);
    }
    frame.render_widget(Paragraph::new(left), left_area);
    frame.render_widget(Paragraph::new(right), right_area);
}

/// Badges, profile, region and endpoint; `labelled` adds "profile ", "region " names.
fn connection_line(app: &App, theme: &Theme, labelled: bool) -> Line<'static> {
    let mut spans = Vec::new();
    if app.read_only {
        spans.push(Span::styled(" READ-ONLY ", theme.badge()));
        spans.push(Span::raw(" "));
    }
    if app.info.demo {
        spans.push(Span::styled(" DEMO ", theme.badge()));
        spans.push(Span::raw(" "));
    }
    let label = |text: &'static str| Span::styled(if labelled { text } else { "" }, theme.dim());
    let separator = || Span::styled(" | ", theme.dim());
    let profile = app
        .info
        .profile
        .clone()
        .unwrap_or_else(|| "default".to_string());
    spans.extend([label("profile "), Span::raw(profile), separator()]);
    spans.extend([label("region "), Span::raw(app.info.region.clone())]);
    if app.fleet.is_fleet() {
        spans.extend([separator(), fleet_summary(app, theme)]);
    }
    if let Some(endpoint) = &app.info.endpoint {
        spans.extend([
            separator(),
            label("endpoint "),
            Span::styled(truncate(endpoint, 40, theme.ellipsis()), theme.warning()),
        ]);
    }
    Line::from(spans)
}

/// "fleet 3 contexts" and, in the warning colour, which could not be read.
fn fleet_summary(app: &App, theme: &Theme) -> Span<'static> {
    let count = app.fleet.entries.len();
    // Not reached at all, or reached but its queues could not be listed.
    let queues_failed = |inventory: &crate::inventory::Inventory| {
        inventory
            .status(crate::inventory::Source::Queues)
            .error
            .is_some()
    };
    let mut failed: Vec<&str> = app.fleet.failed().map(|(label, _)| label).collect();
    if queues_failed(&app.inventory) {
        failed.push(app.fleet.label(app.fleet.active));
    }
    failed.extend(
        app.fleet
            .parked
            .iter()
            .filter(|c| queues_failed(&c.inventory))
            .map(|c| app.fleet.label(c.id)),
    );
    if failed.is_empty() {
        return Span::raw(format!("fleet {count} contexts"));
    }
    Span::styled(
        format!(
            "fleet {count} contexts, {} failed: {}",
            failed.len(),
            crate::domain::untrusted::escape(&failed.join(", "))
        ),
        theme.warning(),
    )
}
