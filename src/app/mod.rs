//! Application state and the one pure `update` function: keys, ticks and background
//! results come in as `Action`s; `update` changes state and returns `Effect`s to run.

pub mod action;
pub mod commands;
pub mod effect;
pub mod keymap;
pub mod prompt;
pub mod state;
pub mod table;
pub mod tables;
pub mod target;
pub mod topology_lines;
pub mod topology_view;
pub mod update;

pub use action::Action;
pub use effect::Effect;
pub use state::{App, Mode, View};
pub use update::update;
