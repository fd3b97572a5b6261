//! Everything that can happen to the app.

use std::time::SystemTime;

use ratatui::crossterm::event::KeyEvent;

use crate::aws::ApiError;
use crate::domain::{EventSourceMapping, LambdaFunction, Queue, Subscription, Topic};
use crate::inventory::Source;

#[derive(Debug, Clone, PartialEq)]
pub enum Action {
    Key(KeyEvent),
    /// Periodic wake-up: advances the clock, the spinner and timed refreshes.
    Tick(SystemTime),
    /// The table area changed size: how many rows fit.
    Resize {
        table_rows: usize,
    },
    /// A batch of queues from queue load `generation`.
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
    TopicsLoaded {
        generation: u64,
        topics: Vec<Topic>,
    },
    SubscriptionsLoaded {
        generation: u64,
        subscriptions: Vec<Subscription>,
    },
    MappingsLoaded {
        generation: u64,
        mappings: Vec<EventSourceMapping>,
    },
    FunctionsLoaded {
        generation: u64,
        functions: Vec<LambdaFunction>,
    },
    /// A whole listing failed; what was loaded before stays.
    SourceFailed {
        source: Source,
        generation: u64,
        error: ApiError,
    },
}
