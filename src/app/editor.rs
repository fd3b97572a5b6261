//! A small multi-line text editor for the send form's body and attributes: Enter inserts
//! a new line, arrows, Home/End, Backspace and Delete move and join lines. The cursor is a
//! (line, character) position; text is kept as lines so that a key costs one line's work.

use ratatui::crossterm::event::{KeyCode, KeyEvent, KeyModifiers};

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Editor {
    lines: Vec<String>,
    /// Line, and character (not byte) within it.
    row: usize,
    column: usize,
}

impl Default for Editor {
    fn default() -> Editor {
        Editor {
            lines: vec![String::new()],
            row: 0,
            column: 0,
        }
    }
}

impl Editor {
    pub fn with_text(text: &str) -> Editor {
        let lines: Vec<String> = text.split('\n').map(str::to_string).collect();
        let row = lines.len() - 1;
        let column = lines[row].chars().count();
        Editor { lines, row, column }
    }

    pub fn text(&self) -> String {
        self.lines.join("\n")
    }

    pub fn lines(&self) -> &[String] {
        &self.lines
    }

    /// The cursor: line, and column in characters.
    pub fn cursor(&self) -> (usize, usize) {
        (self.row, self.column)
    }

    fn byte_at(&self, column: usize) -> usize {
        let line = &self.lines[self.row];
        line.char_indices()
            .nth(column)
            .map_or(line.len(), |(at, _)| at)
    }

    fn line_chars(&self, row: usize) -> usize {
        self.lines[row].chars().count()
    }

    /// Applies an editing key; returns whether it was one.
    pub fn edit(&mut self, key: KeyEvent) -> bool {
        if key
            .modifiers
            .intersects(KeyModifiers::CONTROL | KeyModifiers::ALT)
        {
            return false;
        }
        match key.code {
            KeyCode::Char(c) => {
                let at = self.byte_at(self.column);
                self.lines[self.row].insert(at, c);
                self.column += 1;
            }
            KeyCode::Enter => {
                let at = self.byte_at(self.column);
                let rest = self.lines[self.row].split_off(at);
                self.row += 1;
                self.lines.insert(self.row, rest);
                self.column = 0;
            }
            KeyCode::Backspace if self.column > 0 => {
                let at = self.byte_at(self.column - 1);
                self.lines[self.row].remove(at);
                self.column -= 1;
            }
            KeyCode::Backspace if self.row > 0 => {
                let line = self.lines.remove(self.row);
                self.row -= 1;
                self.column = self.line_chars(self.row);
                self.lines[self.row].push_str(&line);
            }
            KeyCode::Delete if self.column < self.line_chars(self.row) => {
                let at = self.byte_at(self.column);
                self.lines[self.row].remove(at);
            }
            KeyCode::Delete if self.row + 1 < self.lines.len() => {
                let next = self.lines.remove(self.row + 1);
                self.lines[self.row].push_str(&next);
            }
            KeyCode::Left if self.column > 0 => self.column -= 1,
            KeyCode::Right if self.column < self.line_chars(self.row) => self.column += 1,
            KeyCode::Up if self.row > 0 => {
                self.row -= 1;
                self.column = self.column.min(self.line_chars(self.row));
            }
            KeyCode::Down if self.row + 1 < self.lines.len() => {
                self.row += 1;
                self.column = self.column.min(self.line_chars(self.row));
            }
            KeyCode::Home => self.column = 0,
            KeyCode::End => self.column = self.line_chars(self.row),
            KeyCode::Backspace
            | KeyCode::Delete
            | KeyCode::Left
            | KeyCode::Right
            | KeyCode::Up
            | KeyCode::Down => {}
            _ => return false,
        }
        true
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn typed(editor: &mut Editor, text: &str) {
        for c in text.chars() {
            let code = if c == '\n' {
                KeyCode::Enter
            } else {
                KeyCode::Char(c)
            };
            assert!(editor.edit(KeyEvent::from(code)));
        }
    }

    #[test]
    fn enter_splits_lines_and_backspace_joins_them() {
        let mut editor = Editor::default();
        typed(&mut editor, "{\"a\":1,\né\n}");
        assert_eq!(editor.text(), "{\"a\":1,\né\n}");
        assert_eq!(editor.cursor(), (2, 1));
        editor.edit(KeyEvent::from(KeyCode::Home));
        editor.edit(KeyEvent::from(KeyCode::Backspace));
        assert_eq!(editor.text(), "{\"a\":1,\né}");
        assert_eq!(editor.cursor(), (1, 1), "after the é, in characters");
        editor.edit(KeyEvent::from(KeyCode::Up));
        editor.edit(KeyEvent::from(KeyCode::End));
        editor.edit(KeyEvent::from(KeyCode::Delete));
        assert_eq!(editor.text(), "{\"a\":1,é}");
        let ctrl_s = KeyEvent::new(KeyCode::Char('s'), KeyModifiers::CONTROL);
        assert!(!editor.edit(ctrl_s), "not text: the form's to handle");
        assert_eq!(Editor::with_text("a\nbc").cursor(), (1, 2));
    }
}
