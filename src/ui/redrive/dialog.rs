//! The redrive dialog over the view: the plan at the top (it wraps, and gives way when the
//! screen is short), the settings below, and how to go on at the bottom.

use ratatui::Frame;
use ratatui::layout::{Constraint, Layout, Position, Rect};
use ratatui::text::{Line, Span};
use ratatui::widgets::{Paragraph, Wrap};

use crate::app::redrive::RedriveDialog;
use crate::app::redrive::dialog::{Field, PlanLine, PlanState, mode_name};
use crate::redrive::ModeChoice;
use crate::ui::Theme;
use crate::ui::text::truncate;

const LABEL_WIDTH: usize = 8;

fn plan_lines<'a>(dialog: &'a RedriveDialog, theme: &Theme) -> Vec<Line<'a>> {
    match &dialog.plan {
        PlanState::Computing { .. } => {
            let text = format!("computing the plan{}", theme.ellipsis());
            vec![Line::from(Span::styled(text, theme.dim()))]
        }
        PlanState::Invalid => vec![Line::from(Span::styled(
            "no plan until the fields marked in red parse",
            theme.dim(),
        ))],
        PlanState::Ready(_) | PlanState::Failed(_) => dialog
            .plan_lines
            .iter()
            .map(|line| match line {
                PlanLine::Fact(text) => Line::from(text.as_str()),
                PlanLine::Warning(text) => {
                    Line::from(Span::styled(format!("! {text}"), theme.warning()))
                }
                PlanLine::Error(text) => Line::from(Span::styled(text.as_str(), theme.error())),
            })
            .collect(),
    }
}

/// One settings row (and its error, if any): label, then the value or what empty means.
fn field_lines<'a>(
    dialog: &'a RedriveDialog,
    field: Field,
    width: usize,
    theme: &Theme,
) -> Vec<Line<'a>> {
    let focused = dialog.field == field;
    let marker = if focused { "> " } else { "  " };
    let label = Span::styled(
        format!("{marker}{:<LABEL_WIDTH$}", field.label()),
        if focused {
            theme.selected()
        } else {
            theme.header()
        },
    );
    let room = width.saturating_sub(LABEL_WIDTH + 3);
    let mut lines = Vec::new();
    match dialog.prompt(field) {
        None => {
            // Brackets mark the choice without colour too (NO_COLOR, snapshots).
            let mut spans = vec![label, Span::raw(" ")];
            for mode in [ModeChoice::Auto, ModeChoice::Native, ModeChoice::Manual] {
                let (text, style) = if mode == dialog.mode {
                    (format!("[{}]", mode_name(mode)), theme.selected())
                } else {
                    (format!(" {} ", mode_name(mode)), theme.dim())
                };
                spans.push(Span::styled(text, style));
                spans.push(Span::raw(" "));
            }
            lines.push(Line::from(spans));
        }
        Some(prompt) if prompt.text().is_empty() => {
            let placeholder = match field {
                Field::Canary => format!(
                    "none  (move N, {} for a verdict, then c)",
                    dialog.canary_watch_text()
                ),
                _ => dialog.placeholder(field).to_string(),
            };
            lines.push(Line::from(vec![
                label,
                Span::raw(" "),
                Span::styled(truncate(&placeholder, room, theme.ellipsis()), theme.dim()),
            ]));
        }
        Some(prompt) => {
            let mut spans = vec![
                label,
                Span::raw(" "),
                Span::raw(truncate(prompt.text(), room, theme.ellipsis())),
            ];
            if field == Field::Canary {
                let room = room.saturating_sub(prompt.text().chars().count() + 2);
                let watch = truncate(&dialog.canary_watch_text(), room, theme.ellipsis());
                spans.push(Span::styled(format!("  {watch}"), theme.dim()));
            }
            lines.push(Line::from(spans));
        }
    }
    if let Some(error) = dialog.prompt(field).and_then(|p| p.error.as_deref()) {
        lines.push(Line::from(Span::styled(
            format!(
                "{:width$}{}",
                "",
                truncate(error, room, theme.ellipsis()),
                width = LABEL_WIDTH + 3
            ),
            theme.error(),
        )));
    }
    lines
}

pub fn draw(frame: &mut Frame, area: Rect, dialog: &RedriveDialog, theme: &Theme) {
    let width = area.width.min(80);
    let inner_width = width.saturating_sub(2) as usize;
    let mut fields: Vec<Line> = Vec::new();
    let mut cursor_row = None;
    for field in Field::ALL {
        if field == dialog.field {
            cursor_row = Some(fields.len());
        }
        fields.extend(field_lines(dialog, field, inner_width, theme));
    }
    let hint = match &dialog.notice {
        Some(notice) => Line::from(Span::styled(notice.as_str(), theme.warning())),
        None => Line::from(Span::styled(
            if theme.ascii {
                "Tab/up/down field  left/right mode  Enter review and confirm  Esc close"
            } else {
                "Tab/↑↓ field  ←→ mode  Enter review and confirm  Esc close"
            },
            theme.dim(),
        )),
    };
    let plan = plan_lines(dialog, theme);
    let plan_rows: u16 = plan
        .iter()
        .map(|l| (l.width().max(1).div_ceil(inner_width.max(1))) as u16)
        .sum();
    let fixed = fields.len() as u16 + 2 + 2;
    let height = (plan_rows + fixed + 1).min(area.height);
    let dialog_area = crate::ui::frame::centred(area, width, height);
    let context = dialog
        .context
        .as_deref()
        .map(|c| format!("in {} ", truncate(c, 24, theme.ellipsis())))
        .unwrap_or_default();
    let block = crate::ui::frame::panel(
        Span::styled(
            format!(
                " Redrive {} {context}",
                truncate(
                    &dialog.dlq_name,
                    inner_width.saturating_sub(10 + context.len()),
                    theme.ellipsis()
                )
            ),
            theme.title(),
        ),
        theme.warning(),
        theme,
    );
    let inner = crate::ui::frame::dialog(frame, dialog_area, block);
    let [plan_area, _, fields_area, _, hint_area] = Layout::vertical([
        Constraint::Min(1),
        Constraint::Length(1),
        Constraint::Length(fields.len() as u16),
        Constraint::Length(1),
        Constraint::Length(1),
    ])
    .areas(inner);
    frame.render_widget(Paragraph::new(plan).wrap(Wrap { trim: false }), plan_area);
    frame.render_widget(Paragraph::new(fields), fields_area);
    frame.render_widget(Paragraph::new(hint), hint_area);
    if let (Some(row), Some(prompt)) = (cursor_row, dialog.prompt(dialog.field)) {
        let x = fields_area.x as usize + LABEL_WIDTH + 3 + prompt.cursor();
        let y = fields_area.y as usize + row;
        if x < (fields_area.x + fields_area.width) as usize
            && y < (fields_area.y + fields_area.height) as usize
        {
            frame.set_cursor_position(Position::new(x as u16, y as u16));
        }
    }
}
