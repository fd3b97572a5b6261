//! The charts of the metrics view: one ratatui `Chart` per panel, with time labels,
//! humanised units, a legend holding each series' current value and its change over the
//! window, gaps left as gaps (a line per unbroken run), live points as separate dots,
//! and the reason when CloudWatch gave nothing. Braille by default; ASCII when the
//! terminal cannot show UTF-8.

use ratatui::Frame;
use ratatui::buffer::Buffer;
use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::style::{Color, Style};
use ratatui::symbols::Marker;
use ratatui::text::{Line, Span};
use ratatui::widgets::{Axis, Chart, Dataset, GraphType, Paragraph};

use super::Theme;
use crate::app::views::charts::{ChartsView, Panel};
use crate::app::views::{Ctx, Draw};
use crate::metrics::{MetricsEngine, Window, units};

/// The least height a chart reads at.
const PANEL_HEIGHT: u16 = 9;

const PALETTE: [Color; 4] = [Color::Cyan, Color::Yellow, Color::Magenta, Color::Green];

impl Draw for ChartsView {
    fn draw(&self, frame: &mut Frame, area: Rect, ctx: &Ctx, theme: &Theme) {
        let now_ms = crate::app::metric_refresh::epoch_ms(ctx.now);
        let engine = ctx.metrics;
        let [top, body] = Layout::vertical([Constraint::Length(1), Constraint::Min(1)]).areas(area);
        frame.render_widget(
            Paragraph::new(summary(engine, now_ms, theme.ascii)).style(theme.dim()),
            top,
        );
        let panels = self.panels();
        if panels.is_empty() {
            frame.render_widget(Paragraph::new("waiting for the listing…"), body);
            return;
        }
        let columns = if body.width >= 160 { 2 } else { 1 };
        let rows = (body.height / PANEL_HEIGHT).max(1) as usize;
        let shown: Vec<&Panel> = panels
            .iter()
            .skip(self.scroll)
            .take(rows * columns)
            .collect();
        let row_areas = Layout::vertical(vec![Constraint::Ratio(1, rows as u32); rows]).split(body);
        for (i, panel) in shown.iter().enumerate() {
            let row = row_areas[i / columns];
            let cells =
                Layout::horizontal(vec![Constraint::Ratio(1, columns as u32); columns]).split(row);
            draw_panel(
                frame.buffer_mut(),
                cells[i % columns],
                panel,
                engine,
                now_ms,
                theme,
            );
        }
    }
}

/// `window 1h (60s points) · [ ] · 240 metrics asked in 1h ≈ $0.0024`
fn summary(engine: &MetricsEngine, now_ms: i64, ascii: bool) -> String {
    let (dot, about) = if ascii { ("|", "~") } else { ("·", "≈") };
    let cost = engine.cost();
    let mut text = format!(
        "window {} ({}s points) {dot} [ ] {dot} {} metrics asked in 1h {about} ${:.4}",
        engine.window(),
        engine.period_s(),
        cost.metrics_last_hour(now_ms),
        cost.usd_last_hour(now_ms)
    );
    if engine.math_refused().is_some() {
        text.push_str(&format!(" {dot} error rate computed here (no metric math)"));
    }
    text
}

/// `-1h`, `-30m`, `now` for the x axis.
fn time_labels(window: Window) -> Vec<String> {
    let half = window.span_s() / 2;
    let half = if half >= 3600 && half % 3600 == 0 {
        format!("-{}h", half / 3600)
    } else {
        format!("-{}m", half / 60)
    };
    vec![format!("-{window}"), half, "now".to_string()]
}

/// A panel's series as chart points (one line per unbroken segment, live counts as dots),
/// its legend and the highest value shown.
struct PanelSeries<'a> {
    lines: Vec<(usize, Vec<(f64, f64)>)>,
    live: Vec<(usize, Vec<(f64, f64)>)>,
    legend: Vec<Span<'a>>,
    top: f64,
}

fn panel_series<'a>(
    panel: &Panel,
    engine: &MetricsEngine,
    now_ms: i64,
    theme: &Theme,
) -> PanelSeries<'a> {
    let start_ms = now_ms - engine.window().span_ms();
    let period_ms = engine.period_ms();
    let x = |t: i64| (t - now_ms) as f64 / 1000.0;
    let mut lines: Vec<(usize, Vec<(f64, f64)>)> = Vec::new();
    let mut live: Vec<(usize, Vec<(f64, f64)>)> = Vec::new();
    let mut legend: Vec<Span> = Vec::new();
    let mut top = 0.0_f64;
    for (i, key) in panel.keys.iter().enumerate() {
        let Some(def) = panel.resource.series().iter().find(|d| d.key == *key) else {
            continue;
        };
        let color = PALETTE[i % PALETTE.len()];
        let style = if theme.color {
            Style::default().fg(color)
        } else {
            Style::default()
        };
        let Some(series) = engine.series(&panel.resource, key) else {
            legend.push(Span::styled(format!("{} -  ", def.label), style));
            continue;
        };
        for segment in series.segments(period_ms) {
            let points: Vec<(f64, f64)> = segment
                .iter()
                .filter(|(t, _)| *t >= start_ms)
                .map(|(t, v)| (x(*t), *v))
                .collect();
            lines.push((i, points));
        }
        let dots: Vec<(f64, f64)> = series
            .live_points()
            .filter(|(t, _)| *t >= start_ms)
            .map(|(t, v)| (x(t), v))
            .collect();
        if !dots.is_empty() {
            live.push((i, dots));
        }
        if let Some((_, hi)) = series.bounds() {
            top = top.max(hi);
        }
        let text = match (series.latest(), series.earliest()) {
            (Some((_, now)), Some((_, then))) => format!(
                "{} {} ({})  ",
                def.label,
                units::value(def.unit, now),
                units::change(def.unit, now - then)
            ),
            _ => format!("{} -  ", def.label),
        };
        legend.push(Span::styled(text, style));
    }
    PanelSeries {
        lines,
        live,
        legend,
        top,
    }
}

/// The panel's border and title, and its first line (the legend, or why there is no data);
/// returns the area left for the chart.
fn draw_frame(buffer: &mut Buffer, area: Rect, title: &str, first: Line, theme: &Theme) -> Rect {
    use ratatui::widgets::Widget;
    let block = crate::ui::frame::panel(
        Span::styled(format!(" {title} "), theme.title()),
        theme.border(),
        theme,
    );
    let inner = block.inner(area);
    block.render(area, buffer);
    let [legend_area, chart_area] =
        Layout::vertical([Constraint::Length(1), Constraint::Min(1)]).areas(inner);
    Paragraph::new(first).render(legend_area, buffer);
    chart_area
}

fn draw_panel(
    buffer: &mut Buffer,
    area: Rect,
    panel: &Panel,
    engine: &MetricsEngine,
    now_ms: i64,
    theme: &Theme,
) {
    use ratatui::widgets::Widget;
    let window = engine.window();
    let marker = if theme.ascii {
        Marker::Dot
    } else {
        Marker::Braille
    };
    let PanelSeries {
        lines,
        live,
        legend,
        top,
    } = panel_series(panel, engine, now_ms, theme);

    let first_line = match engine.availability(&panel.resource).reason() {
        Some(reason) => Line::from(Span::styled(reason, theme.warning())),
        None => Line::from(legend),
    };
    let chart_area = draw_frame(buffer, area, &panel.title, first_line, theme);

    let style_of = |i: usize| {
        if theme.color {
            Style::default().fg(PALETTE[i % PALETTE.len()])
        } else {
            Style::default()
        }
    };
    let mut datasets: Vec<Dataset> = lines
        .iter()
        .map(|(i, points)| {
            Dataset::default()
                .marker(marker)
                .graph_type(GraphType::Line)
                .style(style_of(*i))
                .data(points)
        })
        .collect();
    datasets.extend(live.iter().map(|(i, points)| {
        Dataset::default()
            .marker(Marker::Dot)
            .graph_type(GraphType::Scatter)
            .style(style_of(*i))
            .data(points)
    }));
    let top = if top <= 0.0 { 1.0 } else { top * 1.1 };
    let labels = time_labels(window);
    let chart = Chart::new(datasets)
        .x_axis(
            Axis::default()
                .bounds([-(window.span_s() as f64), 0.0])
                .labels(labels)
                .style(theme.dim()),
        )
        .y_axis(
            Axis::default()
                .bounds([0.0, top])
                .labels(vec![
                    units::value(panel.unit, 0.0),
                    units::value(panel.unit, top),
                ])
                .style(theme.dim()),
        );
    chart.render(chart_area, buffer);
    if theme.ascii {
        asciify(buffer, area);
    }
}

/// Replaces what ratatui draws outside ASCII (dots, axis lines) inside `area`.
fn asciify(buffer: &mut Buffer, area: Rect) {
    for y in area.top()..area.bottom() {
        for x in area.left()..area.right() {
            let Some(cell) = buffer.cell_mut((x, y)) else {
                continue;
            };
            let replacement = match cell.symbol() {
                s if s.is_ascii() => continue,
                "•" | "█" | "▄" | "▀" => "*",
                "│" | "┃" => "|",
                "─" | "━" => "-",
                "└" | "┌" | "┐" | "┘" | "┼" | "├" | "┤" | "┬" | "┴" => "+",
                "…" => ".",
                "·" => "-",
                "±" => "~",
                _ => "?",
            };
            cell.set_symbol(replacement);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn time_labels_read_back_from_now() {
        assert_eq!(time_labels(Window::H1), vec!["-1h", "-30m", "now"]);
        assert_eq!(time_labels(Window::D1), vec!["-1d", "-12h", "now"]);
        assert_eq!(time_labels(Window::M15), vec!["-15m", "-7m", "now"]);
    }
}
