//! The queue table: every queue with its counts, its DLQ and a marker on DLQs.

use ratatui::Frame;
use ratatui::layout::{Alignment, Constraint, Layout, Rect};
use ratatui::style::Style;
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Borders, Cell, Paragraph, Row, Table};

use super::Theme;
use super::text::truncate;
use crate::app::App;
use crate::app::queue_table::{QueueColumn, QueueRow};

/// Fixed widths of the narrow columns; NAME and DLQ share what is left.
fn column_constraints() -> [Constraint; 7] {
    [
        Constraint::Fill(3),   // NAME
        Constraint::Length(8), // TYPE
        Constraint::Length(9), // VISIBLE
        Constraint::Length(9), // IN FLIGHT
        Constraint::Length(7), // DELAYED
        Constraint::Fill(2),   // DLQ
        Constraint::Length(8), // MAX RECV
    ]
}

fn is_numeric(column: QueueColumn) -> bool {
    matches!(
        column,
        QueueColumn::Visible
            | QueueColumn::InFlight
            | QueueColumn::Delayed
            | QueueColumn::MaxReceive
    )
}

/// What the TYPE column says: the queue type, and whether it is a DLQ.
pub fn type_label(row: &QueueRow) -> String {
    match (row.kind, row.is_dlq) {
        ("FIFO", true) => "FIFO DLQ".to_string(),
        (kind, true) => format!("{kind} DLQ"),
        (kind, false) => kind.to_string(),
    }
}

pub fn draw(frame: &mut Frame, area: Rect, app: &App, theme: &Theme) {
    let table = &app.queues;
    let block = Block::default()
        .borders(Borders::ALL)
        .border_set(theme.border_set())
        .border_style(theme.border())
        .title(title(app, theme));
    let inner = block.inner(area);
    frame.render_widget(block, area);
    if inner.height == 0 || inner.width == 0 {
        return;
    }

    let column_spacing = 1;
    let widths: Vec<u16> = Layout::horizontal(column_constraints())
        .spacing(column_spacing)
        .split(inner)
        .iter()
        .map(|r| r.width)
        .collect();

    let header = Row::new(
        QueueColumn::ALL
            .iter()
            .zip(&widths)
            .map(|(&column, &width)| {
                let mut title = column.title().to_string();
                if column == table.sort.column {
                    title.push_str(theme.sort_arrow(table.sort.descending));
                }
                aligned(
                    truncate(&title, width as usize, theme.ellipsis()),
                    is_numeric(column),
                )
            }),
    )
    .style(theme.header());

    let body_rows = inner.height.saturating_sub(1) as usize;
    if table.shown() == 0 {
        frame.render_widget(
            Table::new(Vec::<Row>::new(), widths_of(&widths)).header(header),
            inner,
        );
        let message = empty_message(app);
        let message_area = Rect {
            y: inner.y + 2.min(inner.height.saturating_sub(1)),
            height: 1,
            ..inner
        };
        frame.render_widget(
            Paragraph::new(message)
                .style(theme.dim())
                .alignment(Alignment::Center),
            message_area,
        );
        return;
    }

    let offset = table.offset.min(table.shown().saturating_sub(body_rows));
    let rows = table
        .rows()
        .enumerate()
        .skip(offset)
        .take(body_rows)
        .map(|(index, queue)| {
            let row = QueueRow::from_queue(queue, table.is_dlq(queue));
            let style = if index == table.selected {
                theme.selected()
            } else if row.dlq_has_messages {
                theme.alert()
            } else if row.is_dlq {
                theme.dlq()
            } else {
                Style::default()
            };
            let cells = QueueColumn::ALL
                .iter()
                .zip(&widths)
                .map(|(&column, &width)| {
                    let text = match column {
                        QueueColumn::Type => type_label(&row),
                        other => row.cell(other).to_string(),
                    };
                    aligned(
                        truncate(&text, width as usize, theme.ellipsis()),
                        is_numeric(column),
                    )
                });
            Row::new(cells).style(style)
        });

    let widget = Table::new(rows, widths_of(&widths))
        .header(header)
        .column_spacing(column_spacing);
    frame.render_widget(widget, inner);
}

fn widths_of(widths: &[u16]) -> Vec<Constraint> {
    widths.iter().map(|&w| Constraint::Length(w)).collect()
}

fn aligned(text: String, right: bool) -> Cell<'static> {
    let line = Line::from(text);
    Cell::from(if right {
        line.alignment(Alignment::Right)
    } else {
        line
    })
}

fn title(app: &App, theme: &Theme) -> Line<'static> {
    let table = &app.queues;
    let mut spans = vec![
        Span::styled(" Queues ", theme.title()),
        Span::styled(
            if table.filter.is_some() {
                format!("[{}/{}] ", table.shown(), table.total())
            } else {
                format!("[{}] ", table.total())
            },
            theme.header(),
        ),
    ];
    if let Some(filter) = &table.filter {
        spans.push(Span::styled(format!("/{} ", filter.text), theme.warning()));
    }
    if app.load.in_flight {
        spans.push(Span::styled(
            format!(
                "{} loading {} ",
                theme.spinner(app.spinner_frame),
                app.load.received
            ),
            theme.ok(),
        ));
    }
    Line::from(spans)
}

fn empty_message(app: &App) -> String {
    if app.load.in_flight {
        "Loading queues…".to_string()
    } else if app.queues.filter.is_some() {
        "No queue matches the filter (Esc clears it)".to_string()
    } else if app.load.last_finished.is_some() {
        "No queues in this region".to_string()
    } else {
        String::new()
    }
}
