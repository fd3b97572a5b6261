//! The simulated fan-out fleet behind `--demo`: the same traits as the AWS layer, served
//! from memory, so the UI cannot tell it from a real account.

mod demo;
mod fleet;
mod services;

pub use fleet::SimFleet;

use std::sync::Arc;

use crate::aws::{Backend, ConnectionInfo};

/// A backend over any simulated fleet.
pub fn backend(fleet: SimFleet) -> Backend {
    let fleet = Arc::new(fleet);
    Backend {
        info: ConnectionInfo {
            profile: None,
            region: fleet.region().to_string(),
            endpoint: None,
            demo: true,
        },
        queues: fleet.clone(),
        topics: fleet.clone(),
        lambdas: fleet,
    }
}

/// A backend over the demo fleet.
pub fn demo_backend() -> Backend {
    backend(SimFleet::demo())
}
