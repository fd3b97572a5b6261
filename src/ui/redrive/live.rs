//! The redrive progress view's live charts, drawn from the points its sync laid out: on a
//! small screen one line each (label, sparkline, value now); with room, a label line and a
//! sparkline several rows high each, the newest point at the right edge.

use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::symbols::bar;
use ratatui::text::{Line, Span};
use ratatui::widgets::{Paragraph, Sparkline};

use super::progress::tone_style;
use crate::app::redrive::live::{BUCKETS, ChartRow};
use crate::metrics::units::sparkline;
use crate::ui::Theme;

/// Bars in ASCII for a terminal without UTF-8.
const ASCII_BARS: bar::Set = bar::Set {
    full: "#",
    seven_eighths: "#",
    three_quarters: "=",
    five_eighths: "=",
    half: "-",
    three_eighths: "-",
    one_quarter: "_",
    one_eighth: "_",
    empty: " ",
};
/// Rows of bars a chart gets at most.
const TALLEST: u16 = 4;
/// Seconds per point.
const STEP_S: usize = 10;

/// The charts in `area`: a title line, then each chart, tall where the room allows.
pub fn draw_charts(frame: &mut Frame, area: Rect, charts: &[ChartRow], theme: &Theme) {
    let n = charts.len() as u16;
    if n == 0 || area.height < 3 {
        return;
    }
    let room = area.height - 2;
    let rows_each = room / n;
    let width = usize::from(area.width);
    let shown = if rows_each >= 2 {
        width.min(BUCKETS)
    } else {
        width
            .saturating_sub(label_width(charts, width) + value_width(charts) + 2)
            .min(BUCKETS)
    };
    let title = Line::from(Span::styled(
        format!("live, last {} min", shown * STEP_S / 60),
        theme.header(),
    ));
    let title_area = Rect {
        y: area.y + 1,
        height: 1,
        ..area
    };
    frame.render_widget(Paragraph::new(title), title_area);
    let body = Rect {
        y: area.y + 2,
        height: room,
        ..area
    };
    if rows_each >= 2 {
        tall(frame, body, charts, theme, (rows_each - 1).min(TALLEST));
    } else {
        compact(frame, body, charts, theme, shown);
    }
}

fn label_width(charts: &[ChartRow], width: usize) -> usize {
    charts
        .iter()
        .map(|c| c.label.chars().count())
        .max()
        .unwrap_or(0)
        .min(width * 2 / 5)
}

fn value_width(charts: &[ChartRow]) -> usize {
    charts
        .iter()
        .map(|c| c.now.chars().count())
        .max()
        .unwrap_or(0)
}

fn newest(chart: &ChartRow, n: usize) -> &[Option<f64>] {
    &chart.values[chart.values.len().saturating_sub(n)..]
}

/// A chart's label as the terminal can show it (`->` without UTF-8).
fn label_of(chart: &ChartRow, theme: &Theme) -> String {
    if theme.ascii {
        chart.label.replace('→', "->")
    } else {
        chart.label.clone()
    }
}

/// One line each: label, sparkline, value now.
fn compact(frame: &mut Frame, area: Rect, charts: &[ChartRow], theme: &Theme, shown: usize) {
    let width = usize::from(area.width);
    let (label_w, value_w) = (label_width(charts, width), value_width(charts));
    let lines: Vec<Line> = charts
        .iter()
        .take(usize::from(area.height))
        .map(|chart| {
            let style = tone_style(chart.tone, theme);
            let label: String = label_of(chart, theme).chars().take(label_w).collect();
            Line::from(vec![
                Span::raw(format!("{label:<label_w$} ")),
                Span::styled(sparkline(newest(chart, shown), theme.ascii), style),
                Span::styled(format!(" {:>value_w$}", chart.now), style),
            ])
        })
        .collect();
    frame.render_widget(Paragraph::new(lines), area);
}

/// A label line (value now at the right) and `bars` rows of sparkline each.
fn tall(frame: &mut Frame, area: Rect, charts: &[ChartRow], theme: &Theme, bars: u16) {
    let width = usize::from(area.width);
    let shown = width.min(BUCKETS);
    let mut y = area.y;
    for chart in charts {
        if y + 1 + bars > area.y + area.height {
            return;
        }
        let style = tone_style(chart.tone, theme);
        let value_w = chart.now.chars().count();
        let label: String = label_of(chart, theme)
            .chars()
            .take(width.saturating_sub(value_w + 1))
            .collect();
        let pad = width.saturating_sub(label.chars().count() + value_w);
        let line = Line::from(vec![
            Span::styled(label, theme.header()),
            Span::raw(" ".repeat(pad)),
            Span::styled(chart.now.clone(), style),
        ]);
        frame.render_widget(
            Paragraph::new(line),
            Rect {
                y,
                height: 1,
                ..area
            },
        );
        let data: Vec<Option<u64>> = newest(chart, shown)
            .iter()
            .map(|v| v.map(|v| v.max(0.0).round() as u64))
            .collect();
        // Bars scale from zero to the highest point; all zero stays flat, not full.
        let top = data.iter().flatten().copied().max().unwrap_or(0).max(1);
        let spark = Sparkline::default()
            .data(data)
            .max(top)
            .style(style)
            .bar_set(if theme.ascii {
                ASCII_BARS
            } else {
                bar::NINE_LEVELS
            });
        let x = area.x + area.width - shown as u16;
        frame.render_widget(
            spark,
            Rect {
                x,
                y: y + 1,
                width: shown as u16,
                height: bars,
            },
        );
        y += 1 + bars;
    }
}
