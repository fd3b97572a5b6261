//! `:health`: one row per live problem, worst first: severity, resource, what is wrong,
//! since when, and a sparkline of the series the rule read. An empty board says all is well.

use ratatui::Frame;
use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::text::{Line, Span};
use ratatui::widgets::{Cell, Paragraph, Row, Table};

use super::Theme;
use super::text::{ago, truncate};
use crate::app::views::health::HealthView;
use crate::app::views::{Ctx, Draw};
use crate::doctor::{Finding, Severity as FindingSeverity};
use crate::domain::untrusted::escape;
use crate::health::{Problem, Severity};
use crate::metrics::units;
use crate::resource_rows::group_thousands;

/// The sparkline's width on a wide terminal (none below `WIDE`).
const SPARK: u16 = 20;
const WIDE: u16 = 120;

/// The row's series, from the metrics of the row's own context.
fn sparkline(
    problem: &Problem,
    engine: &crate::metrics::MetricsEngine,
    ctx: &Ctx,
    width: usize,
    ascii: bool,
) -> String {
    let Some((resource, key)) = &problem.sparkline else {
        return String::new();
    };
    let now = crate::app::metric_refresh::epoch_ms(ctx.now);
    let span = engine.window().span_ms();
    let bucket = span / width.max(1) as i64;
    engine
        .series(resource, key)
        .map(|s| units::sparkline(&s.bucketed(now - span, bucket, width), ascii))
        .unwrap_or_default()
}

impl Draw for HealthView {
    fn draw(&self, frame: &mut Frame, area: Rect, ctx: &Ctx, theme: &Theme) {
        // The same split the board scrolls by: its cursor stays on screen.
        let findings_height = crate::app::views::health::findings_height(
            area.height,
            self.problems.len(),
            self.findings.len(),
        );
        let [burning, will_burn] =
            Layout::vertical([Constraint::Fill(1), Constraint::Length(findings_height)])
                .areas(area);
        draw_problems(self, frame, burning, ctx, theme);
        if findings_height > 0 {
            let labels = ctx.is_fleet().then_some(self.finding_labels.as_slice());
            draw_findings(&self.findings, labels, frame, will_burn, theme);
        }
    }
}

/// The last part of an ARN (a queue, topic or function name; a subscription's id).
fn short_name(arn: &str) -> &str {
    arn.rsplit(':').next().unwrap_or(arn)
}

/// "Will burn": the doctor's findings, worst first (`squall doctor` prints the fixes).
fn draw_findings(
    findings: &[Finding],
    labels: Option<&[String]>,
    frame: &mut Frame,
    area: Rect,
    theme: &Theme,
) {
    let block =
        crate::ui::frame::panel(findings_title(findings.len(), theme), theme.border(), theme);
    let inner = block.inner(area);
    frame.render_widget(block, area);
    // The rule id only on a wide terminal: at 80 columns the finding itself matters more.
    let wide = inner.width >= WIDE;
    let rule_width: u16 = if wide { 28 } else { 0 };
    let context_room: u16 = match (labels.is_some(), wide) {
        (false, _) => 0,
        (true, true) => 20,
        (true, false) => 8,
    };
    let resource_width: u16 = if wide { 34 } else { 20 } + context_room;
    let message_width = inner
        .width
        .saturating_sub(9 + rule_width + resource_width + 3)
        .max(10) as usize;
    // Only the rows that fit are laid out: a fleet may have thousands of findings.
    let rows = findings
        .iter()
        .enumerate()
        .take(inner.height as usize)
        .map(|(i, f)| {
            let resource = f.resources.first().map(|r| short_name(r)).unwrap_or("");
            // In a fleet, the resource cell starts with its context.
            let resource = match labels.and_then(|l| l.get(i)) {
                Some(label) => format!("{label} {resource}"),
                None => resource.to_string(),
            };
            let style = match f.severity {
                FindingSeverity::Error => theme.error(),
                FindingSeverity::Warning => theme.warning(),
                FindingSeverity::Info => theme.header(),
            };
            let mut cells = vec![Cell::from(f.severity.label())];
            if wide {
                cells.push(Cell::from(truncate(
                    f.rule,
                    rule_width as usize,
                    theme.ellipsis(),
                )));
            }
            cells.push(Cell::from(truncate(
                &escape(&resource),
                resource_width as usize,
                theme.ellipsis(),
            )));
            cells.push(Cell::from(truncate(
                &escape(&f.message),
                message_width,
                theme.ellipsis(),
            )));
            Row::new(cells).style(style)
        });
    let mut header = vec!["SEVERITY", "RESOURCE", "FINDING"];
    let mut widths = vec![
        Constraint::Length(9),
        Constraint::Length(resource_width),
        Constraint::Fill(1),
    ];
    if wide {
        header.insert(1, "RULE");
        widths.insert(1, Constraint::Length(rule_width));
    }
    frame.render_widget(
        Table::new(rows, widths).header(Row::new(header).style(theme.header())),
        inner,
    );
}

/// "Will burn [N findings; …]".
fn findings_title(count: usize, theme: &Theme) -> Line<'static> {
    Line::from(vec![
        Span::styled(" Will burn ", theme.title()),
        Span::styled(
            format!("[{count} findings; squall doctor for the fixes] "),
            theme.header(),
        ),
    ])
}

/// The signals the last read could not get (in any context), as the title names them.
fn unread_signals(ctx: &Ctx) -> Vec<&'static str> {
    let contexts = ctx.contexts();
    let signals = || contexts.iter().map(|c| c.inventory.signals());
    let mut unread = Vec::new();
    if signals().any(|s| s.alarms_error().is_some()) {
        unread.push("alarms");
    }
    if signals().any(|s| !s.move_task_errors().is_empty()) {
        unread.push("move tasks");
    }
    unread
}

/// The board's title: the counts, a listing still loading, and what could not be read.
fn problems_title<'a>(view: &HealthView, ctx: &Ctx, theme: &Theme) -> Line<'a> {
    let critical = view
        .problems
        .iter()
        .filter(|p| p.severity == Severity::Critical)
        .count();
    let mut title = vec![
        Span::styled(" Health ", theme.title()),
        Span::styled(
            format!("[{critical} critical, {} in all] ", view.problems.len()),
            theme.header(),
        ),
    ];
    if let Some(filter) = &view.filter {
        title.push(Span::styled(format!("/{} ", filter.text), theme.header()));
    }
    // A listing of thousands of queues takes a while: say how far it got.
    let loading: Vec<_> = ctx
        .contexts()
        .iter()
        .map(|c| c.loads.get(crate::inventory::Source::Queues))
        .filter(|l| l.in_flight)
        .collect();
    if !loading.is_empty() {
        let received: usize = loading.iter().map(|l| l.received).sum();
        title.push(Span::styled(
            format!(
                "{} loading {} queues ",
                theme.spinner(ctx.spinner_frame),
                group_thousands(received as u64)
            ),
            theme.ok(),
        ));
    }
    // An endpoint without DescribeAlarms or ListMessageMoveTasks (moto) still gets a
    // board; the title says what it could not read, so no row is missing silently.
    let unread = unread_signals(ctx);
    if !unread.is_empty() {
        title.push(Span::styled(
            format!("{} unavailable ", unread.join(", ")),
            theme.warning(),
        ));
    }
    Line::from(title)
}

/// How long a problem has been going on ("≥" when it started before the data shown).
fn since(problem: &Problem, ctx: &Ctx, theme: &Theme) -> String {
    let Some(ms) = problem.since_ms else {
        return String::new();
    };
    let now = crate::app::metric_refresh::epoch_ms(ctx.now);
    let ago = ago(((now - ms).max(0) / 1000) as u64);
    match (problem.since_lower_bound, theme.ascii) {
        (false, _) => ago,
        // "≥59m ago" fits the column; ">=" where only ASCII shows.
        (true, false) => format!("≥{ago}"),
        (true, true) => format!(">={ago}"),
    }
}

/// What is wrong; on a consumer-error row, the top error signature of its logs when one
/// was read ("TypeError: … ×412 in 15m").
fn what(problem: &Problem, in_active: bool, ctx: &Ctx, ascii: bool) -> String {
    let what = escape(&problem.what);
    let erring = in_active
        && problem.resource.kind == crate::health::Kind::Function
        && matches!(&problem.sparkline, Some((_, "error_rate")));
    let top = erring
        .then(|| ctx.logs.board.top(&problem.resource.name))
        .flatten();
    match top {
        Some(top) => format!(
            "{what}: {} {}{} in {}m",
            escape(&top.signature),
            if ascii { "x" } else { "×" },
            top.count,
            crate::app::logs::board::SIGNATURE_WINDOW_MS / 60_000
        ),
        None => what.into_owned(),
    }
}

/// "Burning now": one row per live problem, worst first.
fn draw_problems(view: &HealthView, frame: &mut Frame, area: Rect, ctx: &Ctx, theme: &Theme) {
    let title = problems_title(view, ctx, theme);
    let block = crate::ui::frame::panel(title, theme.border(), theme);
    let inner = block.inner(area);
    frame.render_widget(block, area);
    if inner.height == 0 {
        return;
    }
    if view.problems.is_empty() {
        frame.render_widget(
            Paragraph::new("All is well: nothing is burning (no live problems).").style(theme.ok()),
            inner,
        );
        return;
    }
    let wide = inner.width >= WIDE;
    let spark = if wide { SPARK } else { 0 };
    let context_width = context_width(view, ctx, wide);
    // A narrow board gives the CONTEXT column some of the resource's room.
    let resource_width: u16 = match (wide, context_width) {
        (true, _) => 34,
        (false, 0) => 22,
        (false, _) => 20,
    };
    let what_width = inner
        .width
        .saturating_sub(9 + resource_width + 8 + spark + 4 + context_width)
        .max(10) as usize;
    let rows_fit = inner.height.saturating_sub(1) as usize;
    let widths = Widths {
        resource: resource_width,
        what: what_width,
        context: context_width,
        wide,
    };
    let contexts = ctx.contexts();
    let rows = view
        .problems
        .iter()
        .enumerate()
        .skip(view.offset)
        .take(rows_fit)
        .map(|(index, p)| problem_row(view, index, p, ctx, &contexts, &widths, theme));
    let mut header = vec!["SEVERITY", "RESOURCE", "PROBLEM", "SINCE"];
    let mut widths = vec![
        Constraint::Length(9),
        Constraint::Length(resource_width),
        Constraint::Fill(1),
        Constraint::Length(9),
    ];
    if wide {
        header.push("TREND");
        widths.push(Constraint::Length(SPARK));
    }
    if context_width > 0 {
        header.insert(1, "CONTEXT");
        widths.insert(1, Constraint::Length(context_width));
    }
    frame.render_widget(
        Table::new(rows, widths).header(Row::new(header).style(theme.header())),
        inner,
    );
}

/// The widths of a board row's cells.
struct Widths {
    resource: u16,
    what: usize,
    /// 0: no CONTEXT column.
    context: u16,
    /// Room for the trend.
    wide: bool,
}

/// One problem's row: its cells, the CONTEXT one with a fleet, the trend when wide (drawn
/// from the row's own context's series).
fn problem_row(
    view: &HealthView,
    index: usize,
    p: &Problem,
    ctx: &Ctx,
    contexts: &[crate::app::fleet::ContextRef],
    widths: &Widths,
    theme: &Theme,
) -> Row<'static> {
    let style = if index == view.selected {
        theme.selected()
    } else {
        match p.severity {
            Severity::Critical => theme.error(),
            Severity::Warning => theme.warning(),
            Severity::Info => theme.header(),
        }
    };
    let since = since(p, ctx, theme);
    // The logs state is the active context's: another context's function of the same name
    // must not borrow its signature.
    let in_active = view.contexts.get(index).is_none_or(|c| *c == ctx.context());
    let resource = format!("{} {}", p.resource.kind.label(), escape(&p.resource.name));
    let mut cells = vec![
        Cell::from(p.severity.label()),
        Cell::from(truncate(
            &resource,
            widths.resource as usize,
            theme.ellipsis(),
        )),
        Cell::from(truncate(
            &what(p, in_active, ctx, theme.ascii),
            widths.what,
            theme.ellipsis(),
        )),
        Cell::from(since),
    ];
    if widths.context > 0 {
        let label = view.context_labels.get(index).map_or("", String::as_str);
        let label = truncate(&escape(label), widths.context as usize, theme.ellipsis());
        cells.insert(1, Cell::from(label));
    }
    if widths.wide {
        let context = view.contexts.get(index).copied();
        let engine = contexts
            .iter()
            .find(|c| Some(c.id) == context)
            .map_or(ctx.metrics, |c| c.metrics);
        let line = sparkline(p, engine, ctx, SPARK as usize, theme.ascii);
        cells.push(Cell::from(line));
    }
    Row::new(cells).style(style)
}

/// The CONTEXT column's width: the longest label, within bounds; none with one context.
fn context_width(view: &HealthView, ctx: &Ctx, wide: bool) -> u16 {
    if !ctx.is_fleet() {
        return 0;
    }
    let most = if wide {
        CONTEXT_MAX
    } else {
        CONTEXT_MAX_NARROW
    };
    let longest = view
        .context_labels
        .iter()
        .map(|l| l.chars().count())
        .max()
        .unwrap_or(0);
    longest.clamp("CONTEXT".len(), most) as u16
}

/// The widest a CONTEXT cell gets (`prod-ops/eu-west-1` fits).
const CONTEXT_MAX: usize = 20;
/// Below 120 columns: `prod-ops/eu-we…` still tells the regions apart.
const CONTEXT_MAX_NARROW: usize = 15;

#[cfg(test)]
mod tests {
    use ratatui::Terminal;
    use ratatui::backend::TestBackend;

    use super::*;
    use crate::app::action::Action;
    use crate::app::state::App;
    use crate::app::update::update;
    use crate::config::Config;
    use crate::inventory::model::tests::queue;

    fn screen(app: &App) -> String {
        let theme = Theme::new(Config::defaults().expect("defaults").colors, false, true);
        let mut terminal = Terminal::new(TestBackend::new(100, 20)).expect("terminal");
        terminal
            .draw(|frame| crate::ui::draw(frame, app, &theme))
            .expect("draw");
        let buffer = terminal.backend().buffer();
        buffer
            .content()
            .chunks(buffer.area.width as usize)
            .map(|row| row.iter().map(|c| c.symbol()).collect::<String>())
            .collect::<Vec<_>>()
            .join("\n")
    }

    #[test]
    fn the_title_says_how_far_the_queue_listing_got_until_it_ends() {
        let mut app = crate::app::views::health::tests::board();
        let queues = (0..1_234)
            .map(|i| queue(&format!("q{i}"), 0, None))
            .collect();
        let _ = update(
            &mut app,
            Action::QueuesLoaded {
                generation: 1,
                queues,
            },
        );
        assert!(
            screen(&app).contains("loading 1,234 queues"),
            "{}",
            screen(&app)
        );
        let _ = update(
            &mut app,
            Action::QueuesFinished {
                generation: 1,
                listed: 1_234,
                failed: 0,
            },
        );
        assert!(!screen(&app).contains("loading"), "{}", screen(&app));
    }
}
