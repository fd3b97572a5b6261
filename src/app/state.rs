//! The whole application state. `update` changes it; the UI only reads it.

use std::time::{Duration, SystemTime};

use super::keymap::Keymap;
use super::prompt::Prompt;
use super::queue_table::QueueTable;
use crate::aws::ConnectionInfo;

/// One screen on the view stack; the breadcrumb is the stack.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum View {
    Queues,
    /// Every attribute of one queue.
    QueueDetail {
        url: String,
        scroll: usize,
    },
}

/// What keys go to.
#[derive(Debug, Clone, PartialEq)]
pub enum Mode {
    Normal,
    Command(Prompt),
    Filter(Prompt),
    Help { scroll: usize },
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Level {
    Info,
    Warning,
    Error,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StatusMessage {
    pub level: Level,
    pub text: String,
}

/// The state of the queue loader, for the spinner and "refreshed 5s ago".
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct LoadState {
    pub generation: u64,
    pub in_flight: bool,
    pub last_finished: Option<SystemTime>,
    /// Rows received by the load in flight.
    pub received: usize,
}

#[derive(Debug, Clone, PartialEq)]
pub struct App {
    pub info: ConnectionInfo,
    pub read_only: bool,
    pub keymap: Keymap,
    pub queues_refresh: Option<Duration>,
    pub stack: Vec<View>,
    pub mode: Mode,
    pub queues: QueueTable,
    pub load: LoadState,
    pub now: SystemTime,
    pub spinner_frame: usize,
    pub message: Option<StatusMessage>,
    /// Table rows that fit on screen, for paging and scrolling.
    pub table_rows: usize,
    pub quitting: bool,
}

impl App {
    pub fn new(
        info: ConnectionInfo,
        read_only: bool,
        keymap: Keymap,
        queues_refresh: Option<Duration>,
        now: SystemTime,
    ) -> App {
        App {
            info,
            read_only,
            keymap,
            queues_refresh,
            stack: vec![View::Queues],
            mode: Mode::Normal,
            queues: QueueTable::default(),
            load: LoadState::default(),
            now,
            spinner_frame: 0,
            message: None,
            table_rows: 20,
            quitting: false,
        }
    }

    pub fn view(&self) -> &View {
        self.stack.last().unwrap_or(&View::Queues)
    }

    /// The names on the breadcrumb, root first.
    pub fn breadcrumb(&self) -> Vec<String> {
        self.stack
            .iter()
            .map(|view| match view {
                View::Queues => "queues".to_string(),
                View::QueueDetail { url, .. } => {
                    crate::domain::arn::queue_name_from_url(url).to_string()
                }
            })
            .collect()
    }
}
