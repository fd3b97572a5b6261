//! The depth sparkline column of the queue and DLQ tables, on wide terminals: each row on
//! screen gets its queue's depth over the charts' window from the metrics engine (one
//! metric per row, asked only for rows on screen), live counts included; a gap is blank.

use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::text::Line;
use ratatui::widgets::Paragraph;

use super::Theme;
use crate::app::target::Target;
use crate::app::views::Ctx;
use crate::app::views::resource_table::TableView;
use crate::domain::arn;
use crate::metrics::{Resource, units};
use crate::resource_rows::TableKind;

/// The narrowest table that gets the column: below it, counts matter more than trends.
use crate::app::metric_refresh::SPARKLINE_MIN_TABLE_WIDTH as MIN_TABLE_WIDTH;
/// The column's width, with one space before it.
const WIDTH: u16 = 25;

/// The table's area and the column's (empty when the table does not get one).
pub fn split(view: &TableView, inner: Rect) -> (Rect, Rect) {
    let charted = matches!(view.kind, TableKind::Queues | TableKind::Dlqs);
    if !charted || inner.width < MIN_TABLE_WIDTH {
        return (inner, Rect::default());
    }
    let table = Rect {
        width: inner.width - WIDTH,
        ..inner
    };
    let column = Rect {
        x: inner.x + inner.width - WIDTH + 1,
        width: WIDTH - 1,
        ..inner
    };
    (table, column)
}

pub fn draw(frame: &mut Frame, area: Rect, ctx: &Ctx, theme: &Theme, view: &TableView) {
    if area.width == 0 || area.height == 0 {
        return;
    }
    let table = &view.state;
    let body_rows = area.height.saturating_sub(1) as usize;
    let offset = table.offset.min(table.shown().saturating_sub(body_rows));
    let engine = ctx.metrics;
    let width = area.width as usize;
    let now = crate::app::metric_refresh::epoch_ms(ctx.now);
    let span = engine.window().span_ms();
    let bucket = span / width as i64;
    let mut lines = vec![Line::styled(
        format!("DEPTH {}", engine.window()),
        theme.header(),
    )];
    let end = (offset + body_rows).min(table.shown());
    for (index, row) in view.rows_at(ctx, offset..end) {
        let Target::Queue(url) = &row.target else {
            lines.push(Line::from(""));
            continue;
        };
        let resource = Resource::Depth(arn::queue_name_from_url(url).to_string());
        // In a fleet, each row's series are its own context's.
        let text = match view.metrics_at(ctx, index).series(&resource, "visible") {
            Some(series) => {
                units::sparkline(&series.bucketed(now - span, bucket, width), theme.ascii)
            }
            None => String::new(),
        };
        let style = if index == table.selected {
            theme.selected()
        } else {
            theme.dim()
        };
        lines.push(Line::styled(format!("{text:<width$}"), style));
    }
    frame.render_widget(Paragraph::new(lines), area);
}
