//! A redrive's progress view: a gauge with moved / total, a canary's watch and verdict, the
//! counts, then the summary; below, live charts of the DLQ, the destinations, the consumers'
//! errors and what comes back. Everything drawn was laid out by the view's sync.

use ratatui::Frame;
use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::style::Style;
use ratatui::text::{Line, Span};
use ratatui::widgets::{LineGauge, Paragraph, Wrap};

use crate::app::redrive::view::{RedriveView, Tone};
use crate::app::views::{Ctx, Draw};
use crate::ui::Theme;

pub fn tone_style(tone: Tone, theme: &Theme) -> Style {
    match tone {
        Tone::Plain => Style::default(),
        Tone::Good => theme.ok(),
        Tone::Warning => theme.warning(),
        Tone::Error => theme.error(),
        Tone::Dim => theme.dim(),
    }
}

/// The gauge's fill, drawable without colour and in ASCII.
pub fn gauge_symbols(theme: &Theme) -> (&'static str, &'static str) {
    if theme.ascii {
        ("#", "-")
    } else {
        ("█", "░")
    }
}

impl Draw for RedriveView {
    fn draw(&self, frame: &mut Frame, area: Rect, _ctx: &Ctx, theme: &Theme) {
        let layout = &self.layout;
        let title = Line::from(vec![
            Span::styled(format!(" {} ", layout.title), theme.title()),
            Span::styled(format!("[{}] ", layout.state), theme.header()),
        ]);
        let block = crate::ui::frame::panel(title, theme.border(), theme);
        let inner = block.inner(area);
        frame.render_widget(block, area);
        if inner.height == 0 {
            return;
        }
        // The lines first (as they wrap); the charts take what they leave.
        let width = usize::from(inner.width.max(1));
        let text_rows: usize = layout
            .canary
            .iter()
            .chain(&layout.lines)
            .map(|(_, text)| text.chars().count().div_ceil(width).max(1))
            .sum();
        let text_rows = u16::try_from(text_rows).unwrap_or(u16::MAX);
        let [gauge_area, _, body_area, charts_area, hint_area] = Layout::vertical([
            Constraint::Length(1),
            Constraint::Length(1),
            Constraint::Length(text_rows.min(inner.height.saturating_sub(3))),
            Constraint::Min(0),
            Constraint::Length(1),
        ])
        .areas(inner);
        let (filled, unfilled) = gauge_symbols(theme);
        let gauge = LineGauge::default()
            .ratio(layout.ratio.unwrap_or(0.0))
            .label(Span::styled(
                format!("{:<24}", layout.gauge_label),
                theme.header(),
            ))
            .filled_symbol(filled)
            .unfilled_symbol(unfilled)
            .filled_style(theme.ok())
            .unfilled_style(theme.dim());
        frame.render_widget(gauge, gauge_area);
        let lines: Vec<Line> = layout
            .canary
            .iter()
            .chain(&layout.lines)
            .map(|(tone, text)| Line::from(Span::styled(text.as_str(), tone_style(*tone, theme))))
            .collect();
        frame.render_widget(Paragraph::new(lines).wrap(Wrap { trim: false }), body_area);
        super::live::draw_charts(frame, charts_area, &layout.charts, theme);
        frame.render_widget(
            Paragraph::new(Span::styled(layout.hint.as_str(), theme.dim())),
            hint_area,
        );
    }
}
