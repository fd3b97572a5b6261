//! The simulated fan-out fleet behind `--demo`: the same traits as the AWS layer, served
//! from memory, so the UI cannot tell it from a real account.

mod demo;
mod fleet;
mod messages;
mod services;

pub use fleet::SimFleet;

use std::sync::Arc;

use crate::aws::{Backend, ConnectionInfo, Writers};

/// A backend over any simulated fleet.
pub fn backend(fleet: SimFleet) -> Backend {
    let fleet = Arc::new(fleet);
    let writers = Writers {
        queues: fleet.clone(),
        topics: fleet.clone(),
        moves: fleet.clone(),
    };
    Backend::new(
        ConnectionInfo {
            profile: None,
            region: fleet.region().to_string(),
            endpoint: None,
            demo: true,
        },
        fleet.clone(),
        fleet.clone(),
        fleet.clone(),
        fleet,
        writers,
    )
}

/// A backend over the demo fleet.
pub fn demo_backend() -> Backend {
    backend(SimFleet::demo())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_read_only_backend_holds_no_writing_capability() {
        let backend = demo_backend();
        assert!(!backend.is_read_only());
        assert!(backend.writers("send").is_ok());
        let read_only = backend.read_only();
        assert!(read_only.is_read_only());
        let refused = read_only
            .writers("purge orders")
            .err()
            .map(|e| e.to_string());
        assert!(
            refused
                .as_deref()
                .is_some_and(|e| e.contains("refusing to purge orders")),
            "{refused:?}"
        );
        // Cloning cannot bring them back.
        assert!(read_only.clone().writers("send").is_err());
    }
}
