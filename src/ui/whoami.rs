//! The `:whoami` view: identity lines, then one line per capability in its colour.

use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::text::{Line, Span};
use ratatui::widgets::Paragraph;

use super::Theme;
use super::text::truncate;
use crate::app::views::whoami::{Tone, WhoamiView};
use crate::app::views::{Ctx, Draw};

impl Draw for WhoamiView {
    fn draw(&self, frame: &mut Frame, area: Rect, _ctx: &Ctx, theme: &Theme) {
        let block = crate::ui::frame::panel(
            Span::styled(
                " whoami: what these credentials can do here ",
                theme.title(),
            ),
            theme.border(),
            theme,
        );
        let inner = block.inner(area);
        frame.render_widget(block, area);
        let label_width = self
            .lines
            .iter()
            .map(|(l, _, _)| l.chars().count())
            .max()
            .unwrap_or(0)
            .min(40);
        let value_width = (inner.width as usize).saturating_sub(label_width + 2);
        let lines: Vec<Line> = self
            .lines
            .iter()
            .map(|(label, value, tone)| {
                let style = match tone {
                    Tone::Plain => ratatui::style::Style::default(),
                    Tone::Ok => theme.ok(),
                    Tone::Bad => theme.error(),
                    Tone::Warning => theme.warning(),
                    Tone::Dim => theme.dim(),
                };
                Line::from(vec![
                    Span::styled(format!("{label:label_width$}  "), theme.header()),
                    Span::styled(truncate(value, value_width, theme.ellipsis()), style),
                ])
            })
            .collect();
        let scroll = self.scroll.min(lines.len().saturating_sub(1));
        frame.render_widget(Paragraph::new(lines).scroll((scroll as u16, 0)), inner);
    }
}
