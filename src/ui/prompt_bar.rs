//! The line above the status bar: the `:` or `/` prompt while typing, otherwise the last
//! message (errors in red).

use ratatui::Frame;
use ratatui::layout::{Position, Rect};
use ratatui::text::{Line, Span};
use ratatui::widgets::Paragraph;

use super::Theme;
use super::text::truncate;
use crate::app::commands;
use crate::app::prompt::Prompt;
use crate::app::state::Level;
use crate::app::{App, Mode};

pub fn draw(frame: &mut Frame, area: Rect, app: &App, theme: &Theme) {
    match &app.mode {
        Mode::Command(prompt) => {
            let matches = commands::completions(prompt.text());
            let hint = if prompt.text().is_empty() {
                "queues  help  quit   (Tab completes, Enter runs, Esc cancels)".to_string()
            } else if matches.is_empty() {
                "no such command".to_string()
            } else {
                matches.join("  ")
            };
            draw_prompt(frame, area, theme, ':', prompt, &hint);
        }
        Mode::Filter(prompt) => {
            let hint = match &prompt.error {
                Some(error) => error.clone(),
                None => "regex, ! inverts, Enter keeps, Esc clears".to_string(),
            };
            draw_prompt(frame, area, theme, '/', prompt, &hint);
        }
        _ => {
            if let Some(message) = &app.message {
                let style = match message.level {
                    Level::Info => theme.ok(),
                    Level::Warning => theme.warning(),
                    Level::Error => theme.error(),
                };
                let text = truncate(&message.text, area.width as usize, theme.ellipsis());
                frame.render_widget(Paragraph::new(Span::styled(text, style)), area);
            }
        }
    }
}

fn draw_prompt(
    frame: &mut Frame,
    area: Rect,
    theme: &Theme,
    sigil: char,
    prompt: &Prompt,
    hint: &str,
) {
    let hint_style = if prompt.error.is_some() {
        theme.error()
    } else {
        theme.dim()
    };
    let line = Line::from(vec![
        Span::styled(sigil.to_string(), theme.header()),
        Span::raw(prompt.text().to_string()),
        Span::raw("   "),
        Span::styled(hint.to_string(), hint_style),
    ]);
    frame.render_widget(Paragraph::new(line), area);
    let x = area.x + 1 + prompt.cursor() as u16;
    if x < area.x + area.width {
        frame.set_cursor_position(Position::new(x, area.y));
    }
}
