//! Everything that can happen to the app.

use std::time::SystemTime;

use ratatui::crossterm::event::KeyEvent;

use crate::aws::ApiError;
use crate::domain::Queue;

#[derive(Debug, Clone, PartialEq)]
pub enum Action {
    Key(KeyEvent),
    /// Periodic wake-up: advances the clock, the spinner and timed refreshes.
    Tick(SystemTime),
    /// The table area changed size: how many rows fit.
    Resize {
        table_rows: usize,
    },
    /// A batch of queues from load `generation`.
    QueuesLoaded {
        generation: u64,
        queues: Vec<Queue>,
    },
    QueueFailed {
        generation: u64,
        url: String,
        error: ApiError,
    },
    QueuesFinished {
        generation: u64,
        listed: usize,
        failed: usize,
    },
    QueueLoadFailed {
        generation: u64,
        error: ApiError,
    },
}
