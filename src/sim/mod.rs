//! The simulated fan-out fleet behind `--demo`: the same traits as the AWS layer, served
//! from memory, so the UI cannot tell it from a real account.

mod fleet;

pub use fleet::SimFleet;

use std::sync::Arc;

use crate::aws::{Backend, ConnectionInfo};

/// A backend over the demo fleet.
pub fn demo_backend() -> Backend {
    let fleet = Arc::new(SimFleet::demo());
    Backend {
        info: ConnectionInfo {
            profile: None,
            region: fleet.region().to_string(),
            endpoint: None,
            demo: true,
        },
        queues: fleet,
    }
}
