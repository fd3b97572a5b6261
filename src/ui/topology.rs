//! The fan-out tree with guide lines; a DLQ holding messages and missing targets stand out.

use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::text::{Line, Span};
use ratatui::widgets::Paragraph;

use super::Theme;
use super::resource_table::{row_style, source_error_badges};
use super::text::truncate;
use crate::app::views::topology::TopologyView;
use crate::app::views::{Ctx, Draw};
use crate::inventory::Source;

impl Draw for TopologyView {
    fn draw(&self, frame: &mut Frame, area: Rect, ctx: &Ctx, theme: &Theme) {
        draw(frame, area, ctx, theme, self);
    }
}

fn draw(frame: &mut Frame, area: Rect, app: &Ctx, theme: &Theme, tree: &TopologyView) {
    let mut title = vec![Span::styled(" Topology ", theme.title())];
    if let Some(filter) = &tree.filter {
        title.push(Span::styled(format!("/{} ", filter.text), theme.warning()));
    }
    if app.loads.any_in_flight() {
        title.push(Span::styled(
            format!("{} loading ", theme.spinner(app.spinner_frame)),
            theme.ok(),
        ));
    }
    title.extend(source_error_badges(app.inventory, &Source::ALL, theme));
    let block = crate::ui::frame::panel(Line::from(title), theme.border(), theme);
    let inner = block.inner(area);
    frame.render_widget(block, area);
    if inner.height == 0 {
        return;
    }
    if tree.shown() == 0 {
        let text = if app.loads.any_in_flight() {
            format!("Loading{}", theme.ellipsis())
        } else {
            "Nothing to show".to_string()
        };
        frame.render_widget(Paragraph::new(text).style(theme.dim()), inner);
        return;
    }
    let rows = inner.height as usize;
    let offset = tree.offset.min(tree.shown().saturating_sub(rows));
    let width = inner.width as usize;
    let lines: Vec<Line> = tree
        .lines()
        .enumerate()
        .skip(offset)
        .take(rows)
        .map(|(index, line)| {
            let prefix = line.guides(theme.ascii);
            let text_style = if index == tree.selected {
                theme.selected()
            } else {
                row_style(line.style, theme)
            };
            let room = width.saturating_sub(prefix.chars().count());
            let text = truncate(&line.text, room, theme.ellipsis());
            let detail_room = room.saturating_sub(text.chars().count() + 2);
            let mut spans = vec![
                Span::styled(prefix, theme.border()),
                Span::styled(text, text_style),
            ];
            if !line.detail.is_empty() && detail_room > 1 {
                spans.push(Span::raw("  "));
                spans.push(Span::styled(
                    truncate(&line.detail, detail_room, theme.ellipsis()),
                    theme.dim(),
                ));
            }
            Line::from(spans)
        })
        .collect();
    frame.render_widget(Paragraph::new(lines), inner);
}
