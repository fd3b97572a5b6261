//! The line above the status bar: the `:` or `/` prompt while typing, otherwise the last
//! message (errors in red).

use ratatui::Frame;
use ratatui::layout::{Position, Rect};
use ratatui::text::{Line, Span};
use ratatui::widgets::Paragraph;

use super::Theme;
use super::text::truncate;
use crate::app::App;
use crate::app::command_mode;
use crate::app::modals::Modal;
use crate::app::prompt::Prompt;
use crate::app::state::Level;
use crate::app::views::Ask;

pub fn draw(frame: &mut Frame, area: Rect, app: &App, theme: &Theme) {
    match &app.modal {
        Some(Modal::Command(prompt)) => {
            let matches = command_mode::completions(prompt.text(), &app.profiles);
            let hint = if prompt.text().is_empty() {
                "queues  help  quit   (Tab completes, Enter runs, Esc cancels)".to_string()
            } else if matches.is_empty() {
                "no such command".to_string()
            } else {
                matches.join("  ")
            };
            draw_prompt(frame, area, theme, ":", prompt, &hint);
        }
        Some(Modal::Filter(prompt)) => {
            let hint = match &prompt.error {
                Some(error) => error.clone(),
                None => "regex, ! inverts, Enter keeps, Esc clears".to_string(),
            };
            draw_prompt(frame, area, theme, "/", prompt, &hint);
        }
        Some(Modal::Ask { ask, prompt }) => {
            let (sigil, hint) = match ask {
                Ask::Search => ("/", "text as shown, smart case; Enter searches, Esc clears"),
                Ask::ExportPath => ("export to ", "Enter writes NDJSON, Esc cancels"),
            };
            let hint = prompt.error.clone().unwrap_or_else(|| hint.to_string());
            draw_prompt(frame, area, theme, sigil, prompt, &hint);
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
    sigil: &str,
    prompt: &Prompt,
    hint: &str,
) {
    let hint_style = if prompt.error.is_some() {
        theme.error()
    } else {
        theme.dim()
    };
    // A text longer than the line scrolls so the cursor stays on screen; usize arithmetic,
    // since a very long paste must not overflow a u16.
    let lead = sigil.chars().count();
    let room = (area.width as usize).saturating_sub(lead + 1).max(1);
    let skip = prompt.cursor().saturating_sub(room);
    let visible: String = skip_columns(prompt.text(), skip);
    let line = Line::from(vec![
        Span::styled(sigil.to_string(), theme.header()),
        // What was typed can be a pasted control character: shown, never obeyed.
        Span::raw(crate::domain::untrusted::escape(&visible).into_owned()),
        Span::raw("   "),
        Span::styled(hint.to_string(), hint_style),
    ]);
    frame.render_widget(Paragraph::new(line), area);
    let x = area.x as usize + lead + prompt.cursor() - skip;
    if x < (area.x + area.width) as usize {
        frame.set_cursor_position(Position::new(x as u16, area.y));
    }
}

/// `text` without its first `columns` terminal columns.
fn skip_columns(text: &str, columns: usize) -> String {
    use unicode_width::UnicodeWidthChar;
    let mut skipped = 0;
    text.chars()
        .skip_while(|c| {
            if skipped >= columns {
                return false;
            }
            skipped += c.width().unwrap_or(0);
            true
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use ratatui::Terminal;
    use ratatui::backend::TestBackend;

    #[test]
    fn a_very_long_paste_keeps_the_cursor_on_the_line() {
        let theme = Theme::new(
            crate::config::Config::defaults().expect("defaults").colors,
            true,
            false,
        );
        let long = "x".repeat(70_000);
        let prompt = Prompt::with_text(&long);
        let mut terminal = Terminal::new(TestBackend::new(40, 1)).expect("terminal");
        terminal
            .draw(|frame| draw_prompt(frame, frame.area(), &theme, "/", &prompt, ""))
            .expect("draw");
        let position = terminal.get_cursor_position().expect("cursor");
        assert!(position.x < 40, "{position:?}");
        assert_eq!(skip_columns("abcdef", 2), "cdef");
    }
}
