//! The metrics engine: CloudWatch `GetMetricData` batched across everything that needs
//! points now, at most once per period, newest points only; live counts between points;
//! windowed series with gaps kept as gaps and pruned by age; a meter of what it costs.
//! Plain Rust, no UI: the `metrics` subcommand, the views and the health board use it.

pub mod batch;
pub mod catalog;
pub mod cost;
pub mod engine;
pub mod series;
pub mod subject;
pub mod units;
pub mod window;

pub use catalog::{Resource, SeriesDef, Unit};
pub use engine::{
    Availability, FetchOutcome, MetricsEngine, RefreshReport, fetch, unavailable_reason,
};
pub use series::Series;
pub use window::Window;
