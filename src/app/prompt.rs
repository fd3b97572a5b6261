//! A one-line text prompt (the `:` command bar and the `/` filter), editing via tui-input.

use ratatui::crossterm::event::{Event, KeyEvent};
use tui_input::Input;
use tui_input::backend::crossterm::to_input_request;

#[derive(Debug, Clone, Default)]
pub struct Prompt {
    input: Input,
    /// Shown under or beside the prompt: a parse error, a completion hint.
    pub error: Option<String>,
}

// Two prompts are equal when they show the same text, cursor and error.
impl PartialEq for Prompt {
    fn eq(&self, other: &Self) -> bool {
        self.text() == other.text() && self.cursor() == other.cursor() && self.error == other.error
    }
}

impl Prompt {
    pub fn with_text(text: &str) -> Prompt {
        Prompt {
            input: Input::new(text.to_string()),
            error: None,
        }
    }

    pub fn text(&self) -> &str {
        self.input.value()
    }

    /// Cursor position in terminal columns.
    pub fn cursor(&self) -> usize {
        self.input.visual_cursor()
    }

    /// Applies an editing key (typing, backspace, ctrl-w, arrows). Returns whether the
    /// text changed.
    pub fn edit(&mut self, key: KeyEvent) -> bool {
        let before = self.input.value().to_string();
        if let Some(request) = to_input_request(&Event::Key(key)) {
            self.input.handle(request);
        }
        self.input.value() != before
    }

    pub fn set_text(&mut self, text: &str) {
        self.input = Input::new(text.to_string());
    }
}
