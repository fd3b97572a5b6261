//! `:jobs`: one line per job with its state, progress (a gauge with counts) and age.

use ratatui::Frame;
use ratatui::layout::{Constraint, Rect};
use ratatui::text::{Line, Span};
use ratatui::widgets::{Cell, Paragraph, Row, Table};

use super::Theme;
use super::text::{ago, truncate};
use crate::app::jobs::{Job, JobEnd, JobState};
use crate::app::views::jobs::JobsView;
use crate::app::views::{Ctx, Draw};

/// "running 40/120", "done", "failed: reason".
pub fn state_text(job: &Job) -> String {
    match &job.state {
        JobState::Running => match job.progress {
            Some(p) => match p.total {
                Some(total) => format!("running {}/{}", p.done, total),
                None => format!("running {}", p.done),
            },
            None => "running".to_string(),
        },
        JobState::Cancelling => "cancelling".to_string(),
        JobState::Ended(JobEnd::Done(None)) => "done".to_string(),
        JobState::Ended(JobEnd::Done(Some(summary))) => format!("done: {summary}"),
        JobState::Ended(JobEnd::Cancelled) => "cancelled".to_string(),
        JobState::Ended(JobEnd::Failed(reason)) => format!("failed: {reason}"),
    }
}

/// A text gauge for a job with a known total: `[#####-----]`.
fn gauge(job: &Job, width: usize, ascii: bool) -> String {
    let Some((done, total)) = job
        .progress
        .and_then(|p| p.total.filter(|&t| t > 0).map(|t| (p.done.min(t), t)))
    else {
        return String::new();
    };
    let filled = (done as usize * width) / total as usize;
    let (full, empty) = if ascii { ('#', '-') } else { ('█', '░') };
    std::iter::repeat_n(full, filled)
        .chain(std::iter::repeat_n(empty, width - filled))
        .collect()
}

impl Draw for JobsView {
    fn draw(&self, frame: &mut Frame, area: Rect, ctx: &Ctx, theme: &Theme) {
        let running = ctx.jobs.running().count();
        let title = Line::from(vec![
            Span::styled(" Jobs ", theme.title()),
            Span::styled(format!("[{running} running] "), theme.header()),
            Span::styled("<x> cancel ", theme.dim()),
        ]);
        let block = crate::ui::frame::panel(title, theme.border(), theme);
        let inner = block.inner(area);
        frame.render_widget(block, area);
        if inner.height == 0 {
            return;
        }
        if self.ids.is_empty() {
            frame.render_widget(Paragraph::new("No jobs yet").style(theme.dim()), inner);
            return;
        }
        let rows_fit = inner.height.saturating_sub(1) as usize;
        // A fleet's jobs name their context first: the column is wider.
        let job_width: u16 = if ctx.is_fleet() { 40 } else { 28 };
        let state_width = (inner.width as usize)
            .saturating_sub(6 + job_width as usize + 12 + 8)
            .max(10);
        let rows = self
            .ids
            .iter()
            .enumerate()
            .skip(self.offset)
            .take(rows_fit)
            .filter_map(|(index, &id)| ctx.jobs.get(id).map(|job| (index, job)))
            .map(|(index, job)| {
                let since = job.ended.unwrap_or(ctx.now);
                let seconds = ctx
                    .now
                    .duration_since(job.started)
                    .map(|d| d.as_secs())
                    .unwrap_or(0);
                let age = if job.ended.is_some() {
                    let ended = ctx
                        .now
                        .duration_since(since)
                        .map(|d| d.as_secs())
                        .unwrap_or(0);
                    ago(ended)
                } else {
                    format!("{seconds}s")
                };
                let style = match &job.state {
                    _ if index == self.selected => theme.selected(),
                    JobState::Ended(JobEnd::Failed(_)) => theme.error(),
                    JobState::Ended(_) => theme.dim(),
                    _ => theme.ok(),
                };
                // In a fleet, a job says which context it runs in.
                let label = match ctx.is_fleet() {
                    true => format!("[{}] {}", ctx.fleet.label(job.context), job.label),
                    false => job.label.clone(),
                };
                Row::new(vec![
                    Cell::from(id_text(job)),
                    Cell::from(truncate(&label, job_width as usize, theme.ellipsis())),
                    Cell::from(gauge(job, 12, theme.ascii)),
                    Cell::from(truncate(&state_text(job), state_width, theme.ellipsis())),
                    Cell::from(age),
                ])
                .style(style)
            });
        let header = Row::new(vec!["ID", "JOB", "PROGRESS", "STATE", "AGE"]).style(theme.header());
        let widths = [
            Constraint::Length(5),
            Constraint::Length(job_width),
            Constraint::Length(12),
            Constraint::Fill(1),
            Constraint::Length(8),
        ];
        frame.render_widget(Table::new(rows, widths).header(header), inner);
    }
}

fn id_text(job: &Job) -> String {
    job.id.to_string()
}
