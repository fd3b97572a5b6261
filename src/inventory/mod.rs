//! Discovery and the fan-out graph: paginated, bounded-concurrency loaders for queues,
//! topics, subscriptions and Lambda consumers; the `Inventory` that indexes them; and the
//! topology tree (topic → subscription → queue → DLQ / consumers) built from it.

pub mod lambdas;
pub mod model;
pub mod queues;
pub mod topics;
pub mod topology;

pub use model::{Inventory, Source};
pub use queues::{QueueLoadEvent, collect_queues, load_queues};
