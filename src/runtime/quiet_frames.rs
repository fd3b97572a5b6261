//! Whether a frame would show anything new. Drawing through ratatui always writes a few
//! bytes (cursor and style resets) even when no cell changed; over SSH, four ticks a
//! second of that add up. So a tick's frame is first drawn off screen and compared with
//! the last one: the terminal is written to only when something visible changed.

use ratatui::Terminal;
use ratatui::backend::TestBackend;
use ratatui::layout::Position;

use crate::app::App;
use crate::ui::{self, Theme};

pub struct QuietFrames {
    shadow: Option<Terminal<TestBackend>>,
    last_cursor: Option<Position>,
}

impl QuietFrames {
    pub fn new(width: u16, height: u16) -> QuietFrames {
        QuietFrames {
            shadow: Terminal::new(TestBackend::new(width, height)).ok(),
            last_cursor: None,
        }
    }

    pub fn resize(&mut self, width: u16, height: u16) {
        *self = QuietFrames::new(width, height);
    }

    /// Draws `app` off screen; true when it differs from the previous frame (or when the
    /// comparison is impossible, so that nothing is ever hidden).
    pub fn changed(&mut self, app: &App, theme: &Theme) -> bool {
        let Some(shadow) = self.shadow.as_mut() else {
            return true;
        };
        let before = shadow.backend().buffer().clone();
        let drawn = shadow.draw(|frame| {
            ui::draw(frame, app, theme);
        });
        if drawn.is_err() {
            return true;
        }
        let cursor = shadow.get_cursor_position().ok();
        let changed = *shadow.backend().buffer() != before || cursor != self.last_cursor;
        self.last_cursor = cursor;
        changed
    }
}
