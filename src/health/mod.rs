//! The health board's live problems ("what is burning now"): pure rules over the
//! inventory's counts and the metrics engine's series, with thresholds from config.
//! Plain Rust, no UI: the `:health` board and `squall health` use it.

pub mod assess;
pub mod observe;
pub mod problem;
pub mod rules;
pub mod signal_rules;
pub mod thresholds;
pub mod trend;

pub use assess::{Facts, QueueFacts, TopicFacts, assess, facts, wanted};
pub use problem::{Affected, Kind, Problem, Severity, worse_first, worst_first};
pub use thresholds::Thresholds;

#[cfg(test)]
mod lambda_dlq_tests;
