//! The resource tables (`app/views/resource_table.rs`): header with the sort arrow, rows
//! styled by what they need to say, long text cut with an ellipsis, numbers right-aligned.

use ratatui::Frame;
use ratatui::layout::{Alignment, Constraint, Layout, Rect};
use ratatui::style::Style;
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Borders, Cell, Paragraph, Row, Table};

use super::Theme;
use super::text::truncate;
use crate::app::views::resource_table::TableView;
use crate::app::views::{Ctx, Draw};
use crate::domain::untrusted::escape;
use crate::inventory::{Inventory, Source};
use crate::resource_rows::{CONTEXT_COLUMN, Column, ColumnWidth, RowStyle, TableKind, TableRow};

pub fn row_style(style: RowStyle, theme: &Theme) -> Style {
    match style {
        RowStyle::Normal => Style::default(),
        RowStyle::Dlq => theme.dlq(),
        RowStyle::Alert => theme.alert(),
        RowStyle::Warning => theme.warning(),
        RowStyle::Dim => theme.dim(),
    }
}

/// The listings a view's rows come from, for its "unavailable" message.
fn sources(kind: TableKind) -> &'static [Source] {
    match kind {
        TableKind::Queues | TableKind::Dlqs => &[Source::Queues],
        TableKind::Topics => &[Source::Topics, Source::Subscriptions],
        TableKind::Subscriptions => &[Source::Subscriptions],
        TableKind::Lambdas => &[Source::Functions, Source::EventSourceMappings],
    }
}

impl Draw for TableView {
    fn draw(&self, frame: &mut Frame, area: Rect, ctx: &Ctx, theme: &Theme) {
        draw(frame, area, ctx, theme, self);
    }
}

fn draw(frame: &mut Frame, area: Rect, app: &Ctx, theme: &Theme, view: &TableView) {
    let table = &view.state;
    let block = Block::default()
        .borders(Borders::ALL)
        .border_set(theme.border_set())
        .border_style(theme.border())
        .title(title(app, theme, view));
    let inner = block.inner(area);
    frame.render_widget(block, area);
    if inner.height == 0 || inner.width == 0 {
        return;
    }
    let (inner, sparkline_area) = super::sparkline_column::split(view, inner);
    super::sparkline_column::draw(frame, sparkline_area, app, theme, view);

    let parts = crate::app::views::resource_table::fleet_parts(app);
    let fitted = Fitted::new(&view.source(app, &parts).columns(), inner);
    let header = header_row(&fitted, view, theme);
    let fixed: Vec<Constraint> = fitted
        .widths
        .iter()
        .map(|&w| Constraint::Length(w))
        .collect();

    if table.shown() == 0 {
        frame.render_widget(Table::new(Vec::<Row>::new(), fixed).header(header), inner);
        draw_empty_message(frame, inner, app, view, theme);
        return;
    }

    let body_rows = inner.height.saturating_sub(1) as usize;
    let offset = table.offset.min(table.shown().saturating_sub(body_rows));
    let end = (offset + body_rows).min(table.shown());
    let shown = view.rows_at(app, offset..end);
    let rows = shown.iter().map(|(index, row)| {
        let style = if *index == table.selected {
            theme.selected()
        } else {
            row_style(row.style, theme)
        };
        Row::new(fitted.cells(row, theme)).style(style)
    });
    frame.render_widget(
        Table::new(rows, fixed)
            .header(header)
            .column_spacing(COLUMN_SPACING),
        inner,
    );
}

const COLUMN_SPACING: u16 = 1;

/// A fixed column's width (a filling one's least worth showing).
fn fixed_width(column: &Column) -> u16 {
    match column.width {
        ColumnWidth::Fixed(n) => n,
        ColumnWidth::Fill(_) => FILL_MIN_WIDTH,
    }
}

/// The columns that fit the table's width (by index into all the kind's columns) and the
/// width each gets.
struct Fitted {
    kept: Vec<usize>,
    columns: Vec<Column>,
    widths: Vec<u16>,
}

impl Fitted {
    fn new(all_columns: &[Column], inner: Rect) -> Self {
        // The first column (the name) matters most: narrow screens drop columns from the
        // right instead of squeezing the name to an ellipsis. In a fleet, the CONTEXT
        // column (the last) comes right after the name, and stays.
        let kept = match all_columns.split_last() {
            Some((last, rest)) if last.title == CONTEXT_COLUMN.title => {
                let room = inner
                    .width
                    .saturating_sub(fixed_width(last) + COLUMN_SPACING);
                let mut kept = kept_columns(rest, room);
                kept.insert(1.min(kept.len()), rest.len());
                kept
            }
            _ => kept_columns(all_columns, inner.width),
        };
        let columns: Vec<Column> = kept.iter().map(|&i| all_columns[i]).collect();
        let constraints = columns.iter().map(|c| match c.width {
            ColumnWidth::Fill(n) => Constraint::Fill(n),
            ColumnWidth::Fixed(n) => Constraint::Length(n),
        });
        let widths = Layout::horizontal(constraints)
            .spacing(COLUMN_SPACING)
            .split(inner)
            .iter()
            .map(|r| r.width)
            .collect();
        Fitted {
            kept,
            columns,
            widths,
        }
    }

    /// A row's cells for the kept columns, each cut to its width.
    fn cells(&self, row: &TableRow, theme: &Theme) -> Vec<Cell<'static>> {
        self.kept
            .iter()
            .zip(&self.columns)
            .zip(&self.widths)
            .map(|((&i, column), &width)| {
                let text = row.cells.get(i).map(String::as_str).unwrap_or_default();
                aligned(
                    truncate(text, width as usize, theme.ellipsis()),
                    column.numeric,
                )
            })
            .collect()
    }
}

/// The column titles, the sorted one with its arrow.
fn header_row(fitted: &Fitted, view: &TableView, theme: &Theme) -> Row<'static> {
    let table = &view.state;
    let titles = fitted
        .columns
        .iter()
        .zip(&fitted.widths)
        .zip(&fitted.kept)
        .map(|((column, &width), &i)| {
            let mut title = column.title.to_string();
            if i == table.sort_column {
                title.push_str(theme.sort_arrow(table.descending));
            }
            aligned(
                truncate(&title, width as usize, theme.ellipsis()),
                column.numeric,
            )
        });
    Row::new(titles).style(theme.header())
}

/// Why the table is empty, centred two lines below the header.
fn draw_empty_message(frame: &mut Frame, inner: Rect, app: &Ctx, view: &TableView, theme: &Theme) {
    let (message, style) = empty_message(app, view, theme);
    let message_area = Rect {
        y: inner.y + 2.min(inner.height.saturating_sub(1)),
        height: 1,
        ..inner
    };
    let message = truncate(&message, inner.width as usize, theme.ellipsis());
    frame.render_widget(
        Paragraph::new(message)
            .style(style)
            .alignment(Alignment::Center),
        message_area,
    );
}

/// The least room the first column (the name) keeps before other columns are dropped.
const NAME_MIN_WIDTH: u16 = 16;
/// The least room a second flexible column needs to be worth showing.
const FILL_MIN_WIDTH: u16 = 10;

/// Which columns fit in `width`: the first always, then the others from the left while
/// they fit beside a name of at least `NAME_MIN_WIDTH`.
pub fn kept_columns(columns: &[Column], width: u16) -> Vec<usize> {
    let mut used = NAME_MIN_WIDTH.min(width);
    let mut kept = vec![0];
    for (i, column) in columns.iter().enumerate().skip(1) {
        let need = 1 + match column.width {
            ColumnWidth::Fixed(n) => n,
            ColumnWidth::Fill(_) => FILL_MIN_WIDTH,
        };
        if used + need > width {
            break;
        }
        used += need;
        kept.push(i);
    }
    kept
}

fn aligned(text: String, right: bool) -> Cell<'static> {
    let line = Line::from(text);
    Cell::from(if right {
        line.alignment(Alignment::Right)
    } else {
        line
    })
}

fn title(app: &Ctx, theme: &Theme, view: &TableView) -> Line<'static> {
    let table = &view.state;
    let name = match &view.scope {
        Some(scope) => format!(
            " {} of {} ",
            view.kind.title(),
            escape(crate::domain::arn::resource_name(scope))
        ),
        None => format!(" {} ", view.kind.title()),
    };
    let mut spans = vec![
        Span::styled(name, theme.title()),
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
    let loading: Vec<Source> = sources(view.kind)
        .iter()
        .copied()
        .filter(|&s| app.loads.get(s).in_flight)
        .collect();
    if !loading.is_empty() {
        let received = if loading.contains(&Source::Queues) {
            format!(" {}", app.loads.get(Source::Queues).received)
        } else {
            String::new()
        };
        spans.push(Span::styled(
            format!("{} loading{received} ", theme.spinner(app.spinner_frame)),
            theme.ok(),
        ));
    }
    spans.extend(source_error_badges(
        app.inventory,
        sources(view.kind),
        theme,
    ));
    Line::from(spans)
}

/// The title badges of the listings a view needs that failed: "unavailable" for a call the
/// endpoint lacks, "failed" for anything else (the message says why).
pub fn source_error_badges(
    inventory: &Inventory,
    sources: &[Source],
    theme: &Theme,
) -> Vec<Span<'static>> {
    sources
        .iter()
        .filter_map(|&source| {
            let error = inventory.status(source).error?;
            let what = if error.is_unavailable() {
                "unavailable"
            } else {
                "failed"
            };
            // The operation is named: "unavailable" alone would not say what is missing.
            Some(Span::styled(
                format!("! {}: {} {what} ", source.label(), escape(&error.operation)),
                theme.warning(),
            ))
        })
        .collect()
}

fn empty_message(app: &Ctx, view: &TableView, theme: &Theme) -> (String, Style) {
    for &source in sources(view.kind) {
        if let Some(error) = app.inventory.status(source).error {
            return (format!("{}: {error}", source.label()), theme.warning());
        }
    }
    let text = if sources(view.kind)
        .iter()
        .any(|&s| app.loads.get(s).in_flight)
    {
        format!(
            "Loading {}{}",
            view.kind.title().to_lowercase(),
            theme.ellipsis()
        )
    } else if view.state.filter.is_some() {
        "Nothing matches the filter (Esc clears it)".to_string()
    } else if sources(view.kind)
        .iter()
        .all(|&s| app.inventory.status(s).loaded)
    {
        format!("No {} in this region", view.kind.title().to_lowercase())
    } else {
        String::new()
    };
    (text, theme.dim())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn narrow_screens_drop_columns_from_the_right_and_keep_the_name() {
        let columns = TableKind::Queues.columns();
        assert_eq!(
            kept_columns(columns, 78).len(),
            columns.len(),
            "80 columns fit all"
        );
        let narrow = kept_columns(columns, 40);
        assert_eq!(narrow[0], 0);
        assert!(narrow.len() < columns.len());
        assert_eq!(
            kept_columns(columns, 10),
            vec![0],
            "the name alone at worst"
        );
    }
}
