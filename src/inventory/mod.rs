//! Discovery and the fan-out graph: paginated, bounded-concurrency loaders for queues,
//! topics, subscriptions and Lambda consumers; the `Inventory` that indexes them; and the
//! topology tree (topic → subscription → queue → DLQ / consumers) built from it.

pub mod lambdas;
pub mod model;
pub mod queues;
pub mod signals;
pub mod topics;
pub mod topology;

pub use model::{Inventory, Source};
pub use queues::{QueueLoadEvent, collect_queues, load_queues};
pub use signals::Signals;

use crate::aws::{ApiError, Backend};

/// What a one-shot load found, and what failed along the way.
#[derive(Debug, Default)]
pub struct Collected {
    pub inventory: Inventory,
    /// Whole listings that failed.
    pub failed_sources: Vec<(Source, ApiError)>,
    /// Queues listed but not described.
    pub failed_queues: Vec<(String, ApiError)>,
}

/// Loads the given sources concurrently into one inventory: the non-interactive path.
pub async fn collect_inventory(
    backend: &Backend,
    concurrency: usize,
    sources: &[Source],
) -> Collected {
    let wants = |s: Source| sources.contains(&s);
    let queues = async {
        if wants(Source::Queues) {
            Some(collect_queues(backend.queues.clone(), concurrency).await)
        } else {
            None
        }
    };
    let topics = async {
        if wants(Source::Topics) {
            Some(topics::load_topics(backend.topics.clone(), concurrency).await)
        } else {
            None
        }
    };
    let subscriptions = async {
        if wants(Source::Subscriptions) {
            Some(topics::load_subscriptions(backend.topics.clone(), concurrency).await)
        } else {
            None
        }
    };
    let mappings = async {
        if wants(Source::EventSourceMappings) {
            Some(lambdas::load_event_source_mappings(backend.lambdas.clone()).await)
        } else {
            None
        }
    };
    let functions = async {
        if wants(Source::Functions) {
            Some(lambdas::load_functions(backend.lambdas.clone(), backend.roles.clone()).await)
        } else {
            None
        }
    };
    let (queues, topics, subscriptions, mappings, functions) =
        futures::join!(queues, topics, subscriptions, mappings, functions);

    let mut collected = Collected::default();
    let fail = |collected: &mut Collected, source: Source, error: ApiError| {
        collected.inventory.set_error(source, error.clone());
        collected.failed_sources.push((source, error));
    };
    match queues {
        Some(Ok((queues, failures))) => {
            collected.inventory.upsert_queues(queues, 1);
            collected.inventory.finish_queues(1);
            collected.failed_queues = failures;
        }
        Some(Err(error)) => fail(&mut collected, Source::Queues, error),
        None => {}
    }
    match topics {
        Some(Ok(topics)) => collected.inventory.set_topics(topics),
        Some(Err(error)) => fail(&mut collected, Source::Topics, error),
        None => {}
    }
    match subscriptions {
        Some(Ok(subscriptions)) => collected.inventory.set_subscriptions(subscriptions),
        Some(Err(error)) => fail(&mut collected, Source::Subscriptions, error),
        None => {}
    }
    match mappings {
        Some(Ok(mappings)) => collected.inventory.set_mappings(mappings),
        Some(Err(error)) => fail(&mut collected, Source::EventSourceMappings, error),
        None => {}
    }
    match functions {
        Some(Ok(functions)) => collected.inventory.set_functions(functions),
        Some(Err(error)) => fail(&mut collected, Source::Functions, error),
        None => {}
    }
    collected
}
