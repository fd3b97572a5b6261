//! Whether a frame would show anything new. Drawing through ratatui always writes a few
//! bytes (cursor and style resets) even when no cell changed; over SSH, four ticks a
//! second of that add up. So a tick's frame is first drawn off screen and compared with
//! the last one: the terminal is written to only when something visible changed. And a
//! frame is drawn off screen only when an action reached the app since the last one:
//! results held back (a listing's batches, thousands in a large one) change nothing on
//! screen, and each drawing a frame to find that out was a cost per batch.

use ratatui::Terminal;
use ratatui::backend::TestBackend;
use ratatui::layout::Position;

use crate::app::App;
use crate::ui::{self, Theme};

pub struct QuietFrames {
    shadow: Option<Terminal<TestBackend>>,
    last_cursor: Option<Position>,
    /// An action reached the app since the last comparison.
    touched: bool,
}

impl QuietFrames {
    pub fn new(width: u16, height: u16) -> QuietFrames {
        QuietFrames {
            shadow: Terminal::new(TestBackend::new(width, height)).ok(),
            last_cursor: None,
            touched: true,
        }
    }

    /// An action reached the app: the next frame may differ.
    pub fn touch(&mut self) {
        self.touched = true;
    }

    pub fn resize(&mut self, width: u16, height: u16) {
        *self = QuietFrames::new(width, height);
    }

    /// Draws `app` off screen if it was touched since the last call; true when it differs
    /// from the previous frame (or when the comparison is impossible, so that nothing is
    /// ever hidden).
    pub fn changed(&mut self, app: &App, theme: &Theme) -> bool {
        if !std::mem::replace(&mut self.touched, false) {
            return false;
        }
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

#[cfg(test)]
mod tests {
    use super::*;
    use crate::app::state::Level;

    #[test]
    fn a_frame_is_compared_only_after_the_app_was_touched() {
        let mut app = crate::runtime::tests::new_app();
        let colors = crate::config::Config::defaults().expect("defaults").colors;
        let theme = Theme::new(colors, false, true);
        let mut quiet = QuietFrames::new(80, 24);
        assert!(quiet.changed(&app, &theme), "the first frame");
        quiet.touch();
        assert!(!quiet.changed(&app, &theme), "touched, nothing new");
        // Untouched, the frame is not even drawn: nothing reached the app through an action.
        app.set_message(Level::Error, "boom".to_string());
        assert!(!quiet.changed(&app, &theme));
        quiet.touch();
        assert!(quiet.changed(&app, &theme));
    }
}
