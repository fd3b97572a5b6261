//! Application state and the routing `update` function: keys, ticks and background
//! results come in as `Action`s; `update` changes state and returns `Effect`s to run.
//! Views are components (`views/`), modals sit above them (`modals/`), jobs and loads
//! live beside the view stack.

pub mod action;
pub mod command_mode;
pub mod context;
pub mod editor;
pub mod effect;
pub mod findings;
pub mod fleet;
pub mod help;
pub mod jobs;
pub mod loads;
pub mod logs;
pub mod metric_refresh;
pub mod modals;
pub mod prompt;
pub mod redrive;
pub mod row_filter;
pub mod signal_refresh;
pub mod state;
pub mod table_state;
pub mod target;
#[cfg(test)]
pub(crate) mod test_app;
pub mod update;
pub mod views;
pub mod whoami;

/// The keymap is the config's (it parses it); the app reads it here.
pub use crate::config::keymap;

pub use action::Action;
pub use effect::Effect;
pub use state::App;
pub use update::update;
