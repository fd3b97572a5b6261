//! The describe pane: every attribute of one resource, policies pretty-printed.

use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::text::{Line, Span};
use ratatui::widgets::Paragraph;

use super::Theme;
use super::text::truncate;
use crate::app::findings::FINDING_LABEL;
use crate::app::views::describe::DescribeView;
use crate::app::views::{Ctx, Draw};

impl Draw for DescribeView {
    fn draw(&self, frame: &mut Frame, area: Rect, _ctx: &Ctx, theme: &Theme) {
        draw(frame, area, theme, self);
    }
}

fn draw(frame: &mut Frame, area: Rect, theme: &Theme, view: &DescribeView) {
    let target = &view.target;
    let block = crate::ui::frame::panel(
        Line::from(vec![
            Span::styled(
                format!(" {} {} ", target.kind(), target.label()),
                theme.title(),
            ),
            Span::styled("<y> copy ", theme.dim()),
        ]),
        theme.border(),
        theme,
    );
    let inner = block.inner(area);
    frame.render_widget(block, area);

    let Some(entries) = &view.lines else {
        frame.render_widget(
            Paragraph::new("This resource is gone: it was not in the last listing.")
                .style(theme.warning()),
            inner,
        );
        return;
    };
    let label_width = entries
        .iter()
        .map(|(l, _)| l.chars().count())
        .max()
        .unwrap_or(0)
        .clamp(4, 40);
    let value_width = (inner.width as usize).saturating_sub(label_width + 2);
    let lines: Vec<Line> = entries
        .iter()
        .map(|(label, value)| {
            let value = truncate(value, value_width, theme.ellipsis());
            // Doctor findings stand out from the attributes.
            let value = if label == FINDING_LABEL {
                Span::styled(value, theme.warning())
            } else {
                Span::raw(value)
            };
            Line::from(vec![
                Span::styled(format!("{label:label_width$}  "), theme.header()),
                value,
            ])
        })
        .collect();
    // The view keeps `scroll` within the lines (the last line stays at the bottom).
    let scroll = view.scroll.min(lines.len().saturating_sub(1));
    frame.render_widget(Paragraph::new(lines).scroll((scroll as u16, 0)), inner);
}
