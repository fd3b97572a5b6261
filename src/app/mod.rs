//! Application state and the routing `update` function: keys, ticks and background
//! results come in as `Action`s; `update` changes state and returns `Effect`s to run.
//! Views are components (`views/`), modals sit above them (`modals/`), jobs and loads
//! live beside the view stack.

pub mod action;
pub mod commands;
pub mod context;
pub mod editor;
pub mod effect;
pub mod findings;
pub mod help;
pub mod jobs;
pub mod keymap;
pub mod loads;
pub mod metrics;
pub mod modals;
pub mod prompt;
pub mod redrive;
pub mod row_filter;
pub mod signals;
pub mod state;
pub mod table_state;
pub mod target;
pub mod update;
pub mod views;
pub mod whoami;

pub use action::Action;
pub use effect::Effect;
pub use state::App;
pub use update::update;
