//! A redrive's progress view: a gauge with moved / total, a canary's watch and verdict, the
//! counts, then the summary; below, live charts of the DLQ, the destinations, the consumers'
//! errors and what comes back. Everything drawn was laid out by the view's sync.

use ratatui::Frame;
use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::style::Style;
use ratatui::text::{Line, Span};
use ratatui::widgets::{LineGauge, Paragraph, Wrap};

use crate::app::redrive::live::{BUCKETS, ChartRow};
use crate::app::redrive::view::{RedriveView, Tone};
use crate::app::views::{Ctx, Draw};
use crate::metrics::units::sparkline;
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
        // The charts take what the lines leave, and give way first on a small screen.
        let wanted = if layout.charts.is_empty() {
            0
        } else {
            layout.charts.len() as u16 + 2
        };
        let text_rows = (layout.canary.len() + layout.lines.len()) as u16;
        let room = inner.height.saturating_sub(3 + text_rows);
        let [gauge_area, _, body_area, charts_area, hint_area] = Layout::vertical([
            Constraint::Length(1),
            Constraint::Length(1),
            Constraint::Min(0),
            Constraint::Length(wanted.min(room)),
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
        draw_charts(frame, charts_area, &layout.charts, theme);
        frame.render_widget(
            Paragraph::new(Span::styled(layout.hint.as_str(), theme.dim())),
            hint_area,
        );
    }
}

/// One row per chart: its label, its sparkline (the newest points that fit), its value now.
fn draw_charts(frame: &mut Frame, area: Rect, charts: &[ChartRow], theme: &Theme) {
    if area.height < 3 {
        return;
    }
    let width = usize::from(area.width);
    let label_w = charts
        .iter()
        .map(|c| c.label.chars().count())
        .max()
        .unwrap_or(0)
        .min(width / 3);
    let value_w = charts
        .iter()
        .map(|c| c.now.chars().count())
        .max()
        .unwrap_or(0);
    let spark_w = width.saturating_sub(label_w + value_w + 2).min(BUCKETS);
    let mut lines = vec![
        Line::default(),
        Line::from(Span::styled(
            format!("live, last {} min", spark_w * 10 / 60),
            theme.header(),
        )),
    ];
    for chart in charts.iter().take(usize::from(area.height) - 2) {
        let newest = &chart.values[chart.values.len().saturating_sub(spark_w)..];
        let label: String = chart.label.chars().take(label_w).collect();
        lines.push(Line::from(vec![
            Span::raw(format!("{label:<label_w$} ")),
            Span::styled(
                sparkline(newest, theme.ascii),
                tone_style(chart.tone, theme),
            ),
            Span::styled(
                format!(" {:>value_w$}", chart.now),
                tone_style(chart.tone, theme),
            ),
        ]));
    }
    frame.render_widget(Paragraph::new(lines), area);
}
