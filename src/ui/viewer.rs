//! The message viewer: the sample's list over the selected message's pane. The rows and
//! the pane's lines were laid out by the view; drawing only picks the visible ones.

use ratatui::Frame;
use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::style::Style;
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Paragraph, Row, Table, Wrap};

use super::Theme;
use super::text::{ago, truncate};
use crate::app::views::viewer::detail::{DetailLine, Tone};
use crate::app::views::viewer::search::Match;
use crate::app::views::viewer::{Focus, MessageRow, MessagesView, split_rows};
use crate::app::views::{Ctx, Draw};
use crate::domain::untrusted::escape;

impl Draw for MessagesView {
    fn draw(&self, frame: &mut Frame, area: Rect, ctx: &Ctx, theme: &Theme) {
        let (list_rows, _) = split_rows(area.height as usize, self.messages.len());
        let [list_area, pane_area] =
            Layout::vertical([Constraint::Length(list_rows as u16 + 3), Constraint::Min(1)])
                .areas(area);
        draw_list(frame, list_area, ctx, theme, self, list_rows);
        draw_pane(frame, pane_area, theme, self);
    }
}

fn block<'a>(theme: &Theme, title: Line<'a>) -> Block<'a> {
    crate::ui::frame::panel(title, theme.border(), theme)
}

fn draw_list(
    frame: &mut Frame,
    area: Rect,
    ctx: &Ctx,
    theme: &Theme,
    view: &MessagesView,
    rows: usize,
) {
    let room = (area.width as usize).saturating_sub(4);
    let title = Line::from(Span::styled(
        format!(" {} ", truncate(&view.title, room, theme.ellipsis())),
        theme.title(),
    ));
    let block = block(theme, title);
    let inner = block.inner(area);
    frame.render_widget(block, area);

    let mut columns = vec![
        ("ID", Constraint::Length(8)),
        ("SENT", Constraint::Length(14)),
        ("AGE", Constraint::Length(8)),
        ("RECV", Constraint::Length(7)),
        ("SIZE", Constraint::Length(9)),
    ];
    if view.grouped {
        columns.push(("GROUP", Constraint::Length(12)));
    }
    columns.push(("BODY", Constraint::Fill(1)));
    let header = Row::new(columns.iter().map(|(title, _)| *title)).style(theme.header());
    // The selection stays on screen: the list starts where it must to show it.
    let offset = (view.selected + 1).saturating_sub(rows);
    let body_width = body_column_width(inner.width, &columns);
    let lines: Vec<Row> = view
        .rows
        .iter()
        .enumerate()
        .skip(offset)
        .take(rows)
        .map(|(i, row)| {
            let style = if i == view.selected {
                theme.selected()
            } else if row.at_limit {
                theme.warning()
            } else {
                Style::default()
            };
            Row::new(cells(row, view.grouped, ctx, body_width, theme)).style(style)
        })
        .collect();
    let widths: Vec<Constraint> = columns.iter().map(|(_, width)| *width).collect();
    frame.render_widget(Table::new(lines, widths).header(header), inner);
}

/// The body column's width: what the fixed columns and the gaps between them leave.
fn body_column_width(width: u16, columns: &[(&str, Constraint)]) -> usize {
    let fixed: u16 = columns
        .iter()
        .map(|(_, c)| match c {
            Constraint::Length(n) => *n + 1,
            _ => 0,
        })
        .sum();
    width.saturating_sub(fixed) as usize
}

fn cells(
    row: &MessageRow,
    grouped: bool,
    ctx: &Ctx,
    body_width: usize,
    theme: &Theme,
) -> Vec<String> {
    let age = row
        .sent_ms
        .and_then(|ms| {
            let sent = std::time::UNIX_EPOCH + std::time::Duration::from_millis(ms);
            ctx.now.duration_since(sent).ok()
        })
        .map(|d| ago(d.as_secs()))
        .unwrap_or_default();
    // `!` marks a message at its receive limit: the next receive moves it to the DLQ.
    let flag = if row.at_limit { "!" } else { " " };
    let mut cells = vec![
        row.id.clone(),
        row.sent.clone(),
        age,
        format!("{flag}{}", row.receives),
        row.size.clone(),
    ];
    if grouped {
        cells.push(truncate(&row.group, 12, theme.ellipsis()));
    }
    cells.push(truncate(&row.preview, body_width, theme.ellipsis()));
    cells
}

fn draw_pane(frame: &mut Frame, area: Rect, theme: &Theme, view: &MessagesView) {
    let height = area.height.saturating_sub(2) as usize;
    let total = view.detail.len();
    let first = view.scroll.min(total.saturating_sub(1));
    let last = (first + height).min(total);
    let focused = view.focus == Focus::Pane;
    let mut title = vec![Span::styled(
        if focused {
            " message (body: j/k, Esc list) "
        } else {
            " message "
        },
        theme.title(),
    )];
    if total > height {
        title.push(Span::styled(
            format!("lines {}-{last} of {total} ", first + 1),
            theme.dim(),
        ));
    }
    if view.search.is_active() {
        // The pattern is the user's, but pasted text could carry anything: escaped.
        title.push(Span::styled(
            format!(
                "/{} {} ",
                escape(&view.search.pattern),
                view.search.position()
            ),
            theme.header(),
        ));
    }
    let block = block(theme, Line::from(title));
    let inner = block.inner(area);
    frame.render_widget(block, area);
    // Only the lines that can show are handed over, so a 1 MiB body costs a screenful.
    let shown = view.detail.lines(first..last);
    let lines: Vec<Line> = shown
        .iter()
        .enumerate()
        .map(|(i, line)| {
            let at = first + i;
            let matches: Vec<(Match, bool)> = view.search.on_line(at).collect();
            let line = styled(line, &matches, theme);
            if focused && at == view.cursor {
                line.patch_style(theme.selected())
            } else {
                line
            }
        })
        .collect();
    frame.render_widget(Paragraph::new(lines).wrap(Wrap { trim: false }), inner);
}

/// A line's segments as spans, cut where search matches start and end so that they can be
/// highlighted. The segments were escaped when laid out and the matches are byte ranges
/// of that escaped text: highlighting only re-styles what is already safe to show.
fn styled<'a>(line: &'a DetailLine, matches: &[(Match, bool)], theme: &Theme) -> Line<'a> {
    let mut spans = Vec::with_capacity(line.len() + matches.len() * 2);
    let mut offset = 0;
    for segment in line {
        let text = segment.text.as_str();
        let text = if segment.tone == Tone::Fold {
            theme.ellipsis()
        } else {
            text
        };
        let style = tone_style(segment.tone, theme);
        let end = offset + segment.text.len();
        let mut at = 0;
        for (found, current) in matches {
            let start = found.start.max(offset);
            let stop = found.end.min(end);
            if start >= stop || segment.tone == Tone::Fold {
                continue;
            }
            let (start, stop) = (start - offset, stop - offset);
            if start > at {
                spans.push(Span::styled(&text[at..start], style));
            }
            let mark = if *current {
                theme.selected()
            } else {
                theme.search_match()
            };
            spans.push(Span::styled(&text[start..stop], style.patch(mark)));
            at = stop;
        }
        if at < text.len() {
            spans.push(Span::styled(&text[at..], style));
        }
        offset = end;
    }
    Line::from(spans)
}

fn tone_style(tone: Tone, theme: &Theme) -> Style {
    match tone {
        Tone::Plain => Style::default(),
        Tone::Heading => theme.header(),
        Tone::Label | Tone::Key => theme.title(),
        Tone::Dim | Tone::Punct => theme.dim(),
        Tone::Warning => theme.warning(),
        Tone::String => theme.ok(),
        Tone::Number | Tone::Literal => theme.dlq(),
        Tone::Fold => theme.header(),
    }
}
