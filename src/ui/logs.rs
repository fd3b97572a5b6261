//! The logs view: a title naming the target, its groups and whether it follows; a line
//! saying what the searches read (bytes, requests, events, like `:cost` for metrics) or why
//! there is nothing (searching, unavailable, too large to search without a yes); then the
//! lines, or the error signatures with their examples. Every cell through `truncate`.

use ratatui::Frame;
use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::style::Style;
use ratatui::text::{Line, Span};
use ratatui::widgets::{Cell, Paragraph, Row, Table};

use super::Theme;
use super::text::truncate;
use crate::app::logs::{Feed, FeedState};
use crate::app::views::logs::rows::{LogRow, Tone, clock};
use crate::app::views::logs::{LogsView, Pane};
use crate::app::views::{Ctx, Draw};
use crate::logs::search::human_bytes;

/// Below this width the function column goes: the line itself matters more.
const WIDE: u16 = 100;
const FUNCTION_WIDTH: usize = 20;

fn plural(n: usize, one: &str) -> String {
    if n == 1 {
        format!("{n} {one}")
    } else {
        format!("{n} {one}s")
    }
}

fn title<'a>(view: &LogsView, feed: &Feed, ctx: &Ctx, theme: &Theme) -> Line<'a> {
    let mut facts = vec![plural(feed.groups.len(), "log group")];
    facts.push(if feed.follows() {
        "last 1h".to_string()
    } else {
        "first receive → now".to_string()
    });
    if feed.follows() {
        facts.push(if view.following {
            let how = feed.mode.map_or("following", |m| m.note());
            format!("{how} {}", theme.spinner(ctx.spinner_frame))
        } else {
            "paused".to_string()
        });
    }
    if view.keep.errors_only {
        facts.push("errors only".to_string());
    }
    if let Some(filter) = &view.keep.filter {
        facts.push(format!("/{}", filter.text));
    }
    Line::from(vec![
        Span::styled(
            format!(" Logs {} ", truncate(&feed.title, 40, theme.ellipsis())),
            theme.title(),
        ),
        Span::styled(format!("[{}] ", facts.join(" · ")), theme.header()),
    ])
}

/// What the searches read, or why nothing is shown.
fn status(view: &LogsView, feed: &Feed, ctx: &Ctx, theme: &Theme) -> (String, Style) {
    let scanned = &feed.scanned;
    let read = format!(
        "read {} in {} FilterLogEvents requests, {} events",
        human_bytes(scanned.bytes),
        scanned.requests,
        scanned.events
    );
    match &feed.state {
        FeedState::Searching if scanned.requests == 0 => (
            format!("{} searching…", theme.spinner(ctx.spinner_frame)),
            theme.ok(),
        ),
        FeedState::NoConsumers => (
            "no Lambda consumer: no event source mapping or subscription leads to a function"
                .to_string(),
            theme.warning(),
        ),
        FeedState::Unavailable(why) => (
            format!("logs unavailable on this endpoint ({why}); the rest of squall works"),
            theme.warning(),
        ),
        FeedState::Failed(why) => (format!("search failed: {why}"), theme.error()),
        FeedState::TooLarge { estimate_bytes } => (
            format!(
                "may scan about {} (over logs.max_scan_mb, {}): Enter to search anyway",
                human_bytes(*estimate_bytes),
                human_bytes(ctx.logs.max_scan_bytes)
            ),
            theme.warning(),
        ),
        _ => {
            let mut text = format!("{read} · {} of {} lines", view.kept, view.held);
            if !scanned.missing.is_empty() {
                text.push_str(&format!(" · no group {}", scanned.missing.join(", ")));
            }
            if let Some(why) = &scanned.stopped_early {
                text.push_str(&format!(" · {why}"));
            }
            if !scanned.failures.is_empty() {
                text.push_str(&format!(" · {}", scanned.failures.join("; ")));
                return (text, theme.warning());
            }
            if view.held == 0 && feed.naming.is_empty() {
                text.push_str(if feed.follows() {
                    " · no line in the window"
                } else {
                    " · no line names this message between its first receive and now"
                });
            }
            (text, theme.dim())
        }
    }
}

fn row_line<'a>(row: &LogRow, width: u16, theme: &Theme) -> Line<'a> {
    let style = match row.tone {
        Tone::Plain => Style::default(),
        Tone::Error => theme.error(),
        Tone::Platform => theme.dim(),
        Tone::Naming => theme.search_match(),
        Tone::Header => theme.header(),
    };
    let mut spans = vec![Span::styled(format!("{:8} ", row.time), theme.dim())];
    let mut used = 9;
    if width >= WIDE {
        spans.push(Span::styled(
            format!(
                "{:w$} ",
                truncate(&row.function, FUNCTION_WIDTH, theme.ellipsis()),
                w = FUNCTION_WIDTH
            ),
            theme.header(),
        ));
        used += FUNCTION_WIDTH + 1;
    }
    spans.push(Span::styled(format!("{:5} ", row.level), style));
    used += 6;
    let rest = (width as usize).saturating_sub(used);
    spans.push(Span::styled(
        truncate(&row.text, rest, theme.ellipsis()),
        style,
    ));
    Line::from(spans)
}

/// `rows` from `first`, or the newest at the bottom when `at_end`.
fn draw_rows(frame: &mut Frame, area: Rect, rows: &[LogRow], first: usize, theme: &Theme) {
    let height = area.height as usize;
    let first = first.min(rows.len().saturating_sub(height));
    let lines: Vec<Line> = rows
        .iter()
        .skip(first)
        .take(height)
        .map(|r| row_line(r, area.width, theme))
        .collect();
    frame.render_widget(Paragraph::new(lines), area);
}

fn draw_signatures(view: &LogsView, frame: &mut Frame, area: Rect, theme: &Theme) {
    if view.signatures.is_empty() {
        let text = "no error line in what was read";
        frame.render_widget(Paragraph::new(Span::styled(text, theme.dim())), area);
        return;
    }
    let height = area.height.saturating_sub(1) as usize;
    let offset = view
        .signature_selected
        .saturating_sub(height.saturating_sub(1));
    let text_width = (area.width as usize).saturating_sub(7 + 9 + 9 + 3);
    let rows = view
        .signatures
        .iter()
        .enumerate()
        .skip(offset)
        .take(height)
        .map(|(i, s)| {
            let style = if i == view.signature_selected {
                theme.selected()
            } else {
                theme.error()
            };
            Row::new(vec![
                Cell::from(format!("{:>6}", s.count)),
                Cell::from(truncate(&s.signature, text_width, theme.ellipsis())),
                Cell::from(clock(s.first_ms)),
                Cell::from(clock(s.last_ms)),
            ])
            .style(style)
        });
    let widths = [
        Constraint::Length(6),
        Constraint::Fill(1),
        Constraint::Length(8),
        Constraint::Length(8),
    ];
    frame.render_widget(
        Table::new(rows, widths)
            .header(Row::new(["COUNT", "SIGNATURE", "FIRST", "LAST"]).style(theme.header())),
        area,
    );
}

impl Draw for LogsView {
    fn draw(&self, frame: &mut Frame, area: Rect, ctx: &Ctx, theme: &Theme) {
        let Some(feed) = ctx.logs.feed(self.feed) else {
            return;
        };
        let block = crate::ui::frame::panel(title(self, feed, ctx, theme), theme.border(), theme);
        let inner = block.inner(area);
        frame.render_widget(block, area);
        let [top, body] =
            Layout::vertical([Constraint::Length(1), Constraint::Fill(1)]).areas(inner);
        let (text, style) = status(self, feed, ctx, theme);
        frame.render_widget(
            Paragraph::new(Span::styled(
                truncate(&text, top.width as usize, theme.ellipsis()),
                style,
            )),
            top,
        );
        match self.pane {
            Pane::Lines => {
                let first = if self.at_end { usize::MAX } else { self.scroll };
                draw_rows(frame, body, &self.rows, first, theme);
            }
            Pane::Signatures => draw_signatures(self, frame, body, theme),
            Pane::Examples => {
                let [list, examples] =
                    Layout::vertical([Constraint::Length(3), Constraint::Fill(1)]).areas(body);
                draw_signatures(self, frame, list, theme);
                draw_rows(frame, examples, &self.examples, self.example_scroll, theme);
            }
        }
    }
}
