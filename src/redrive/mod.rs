//! The redrive engine: a DLQ's messages back to where they came from (or to a chosen
//! queue), computed as a plan first, then moved by the manual mover — receive, send, delete
//! only what was sent — with a journal that lets a killed run be finished without losing or
//! silently doubling a message. Plain Rust over the `Backend` capabilities: `squall
//! redrive` and the TUI call the same functions.

pub mod build;
pub mod canary;
pub mod filter;
mod invoke;
pub mod journal;
pub mod journal_files;
mod journal_message;
pub mod lambda_route;
pub mod mover;
pub mod native;
pub mod plan;
pub mod rate;
pub mod run;
mod run_native;
pub mod sources;

mod batch;
mod budget;
mod ends;
mod idle;
mod leftovers;
pub mod options;
mod shared;

pub use filter::Filter;
pub use journal::{Journal, JournalState};
pub use lambda_route::InvokeTarget;
pub use mover::{Capabilities, Counts, MoveEnd, MoveOptions, Progress};
pub use plan::{Destination, Mode, ModeChoice, Plan, PlanError, PlanRequest, Route, Routes, plan};
pub use run::{RunError, RunOptions, RunProgress, Summary, execute};

#[cfg(test)]
mod tests;
