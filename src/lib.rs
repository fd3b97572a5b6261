//! squall: a terminal operations console for AWS fan-out systems
//! (SNS topics → subscriptions → SQS queues → DLQs → Lambda consumers).

// Output leaves through `gate` only (see src/gate.rs); `clippy.toml` refuses the raw streams.
#![deny(clippy::print_stdout, clippy::print_stderr, clippy::disallowed_methods)]

pub mod app;
pub mod aws;
pub mod cli;
pub mod cli_help;
pub mod commands;
pub mod completions;
pub mod config;
pub mod doctor;
pub mod domain;
pub mod fleet;
pub mod gate;
pub mod health;
pub mod incomplete;
pub mod interactive;
pub mod inventory;
pub mod launch;
pub mod log_file;
pub mod logs;
pub mod messages;
pub mod metrics;
pub mod output;
pub mod private_files;
pub mod redrive;
pub mod resource_rows;
pub mod runtime;
pub mod sim;
pub mod theme;
pub mod ui;
pub mod version;
pub mod whoami;
