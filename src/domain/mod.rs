//! Plain data types shared by the AWS layer, the simulated fleet, the engines and the UI.
//! Nothing here does I/O.

pub mod arn;
pub mod queue;

pub use queue::{Queue, QueueCounts, RedrivePolicy};
