//! The messages engine: honest peek (sample and sweep), the risk a peek carries, SNS envelope
//! unwrapping, NDJSON export/import records, and building and sending outgoing messages.
//!
//! Plain Rust over the `Backend` capabilities: it knows nothing of the UI. The CLI verbs call
//! it today; the TUI's message viewer and jobs will call the same functions (progress through
//! a sink or callback, cancellation through a `CancellationToken`).

pub mod envelope;
pub mod export;
pub mod fifo_reach;
pub mod json_lines;
pub mod lambda_payload;
pub mod outgoing;
pub mod peek;
pub mod record;
pub mod risk;
pub mod send;
pub mod styled;

pub(crate) mod held;

#[cfg(test)]
pub(crate) mod fake_queue;

pub use envelope::SnsEnvelope;
pub use held::Release;
pub use peek::{PeekEnd, PeekOptions, PeekProgress, PeekReport, PeekShape, PeekSink, peek};
pub use record::MessageRecord;
pub use risk::PeekRisk;
