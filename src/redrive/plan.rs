//! The plan of a redrive, computed without changing anything: the DLQ, its sources (the
//! queues whose redrive policy targets it), where messages go, the counts, and what could
//! go wrong. `--dry-run` prints it; a real run starts from it.

use std::collections::BTreeMap;

use serde::Serialize;

use crate::aws::{Backend, ErrorKind};
use crate::domain::Queue;

/// A queue messages are sent to.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Destination {
    pub name: String,
    pub url: String,
    pub arn: String,
    pub fifo: bool,
    /// `MaximumMessageSize`: a batch's total stays within it.
    pub max_bytes: usize,
}

/// SQS's maximum message size (and batch total) since 2025.
const DEFAULT_MAX_BYTES: usize = 1_048_576;

impl Destination {
    pub fn of(queue: &Queue) -> Destination {
        let max_bytes = queue
            .attributes
            .get("MaximumMessageSize")
            .and_then(|v| v.parse().ok())
            .unwrap_or(DEFAULT_MAX_BYTES);
        Destination {
            name: queue.name.clone(),
            url: queue.url.clone(),
            arn: queue.arn.clone(),
            fifo: queue.fifo,
            max_bytes,
        }
    }
}

/// Where each message goes: one queue for all (`--to`), or back to the queue named by its
/// `DeadLetterQueueSourceArn`, or to the only source when the attribute is missing.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Routes {
    pub to: Option<Destination>,
    pub by_source_arn: BTreeMap<String, Destination>,
}

impl Routes {
    pub fn route(&self, source_arn: Option<&str>) -> Option<&Destination> {
        if let Some(to) = &self.to {
            return Some(to);
        }
        match source_arn {
            Some(arn) => self.by_source_arn.get(arn),
            None if self.by_source_arn.len() == 1 => self.by_source_arn.values().next(),
            None => None,
        }
    }
}

/// How a redrive runs.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Mode {
    /// Receive → send → delete, by squall.
    Manual,
}

/// Everything decided before a message is touched.
#[derive(Debug, Clone, Serialize)]
pub struct Plan {
    pub dlq: String,
    pub dlq_url: String,
    pub dlq_arn: String,
    pub dlq_fifo: bool,
    pub mode: Mode,
    /// The source queues found (redrive policies pointing at the DLQ).
    pub sources: Vec<String>,
    pub destinations: Vec<Destination>,
    /// Approximate counts of the DLQ now.
    pub visible: u64,
    pub in_flight: u64,
    pub delayed: u64,
    pub warnings: Vec<String>,
    #[serde(skip)]
    pub routes: Routes,
}

#[derive(Debug, thiserror::Error)]
pub enum PlanError {
    #[error(
        "{dlq} is the dead-letter queue of no queue (no redrive policy points at it): say where \
         its messages go with --to QUEUE"
    )]
    NoDestination { dlq: String },
    #[error("{0}")]
    Api(#[from] crate::aws::ApiError),
}

/// Computes the plan for `dlq`, optionally with every message going to `to`.
pub async fn plan(backend: &Backend, dlq: &Queue, to: Option<&Queue>) -> Result<Plan, PlanError> {
    let mut warnings = Vec::new();
    let mut sources = Vec::new();
    let mut by_source_arn = BTreeMap::new();
    let mut token = None;
    loop {
        let page = backend
            .queues
            .list_dead_letter_source_queues(&dlq.url, token)
            .await?;
        for url in page.items {
            match backend.queues.describe_queue(&url).await {
                Ok(queue) => {
                    sources.push(queue.name.clone());
                    by_source_arn.insert(queue.arn.clone(), Destination::of(&queue));
                }
                Err(e) if e.kind == ErrorKind::NotFound => {
                    warnings.push(format!(
                        "source queue {url} is gone: its messages have no destination"
                    ));
                }
                Err(e) => return Err(e.into()),
            }
        }
        token = page.next_token;
        if token.is_none() {
            break;
        }
    }
    if to.is_none() && by_source_arn.is_empty() {
        return Err(PlanError::NoDestination {
            dlq: dlq.name.clone(),
        });
    }
    let routes = Routes {
        to: to.map(Destination::of),
        by_source_arn,
    };
    let destinations: Vec<Destination> = match &routes.to {
        Some(to) => vec![to.clone()],
        None => routes.by_source_arn.values().cloned().collect(),
    };
    if dlq.redrive.is_some() {
        warnings.push(format!(
            "{} has a redrive policy of its own: each receive by the mover counts toward its \
             maxReceiveCount",
            dlq.name
        ));
    }
    for destination in &destinations {
        if destination.fifo && !dlq.fifo {
            warnings.push(format!(
                "{} is FIFO and the DLQ is not: messages go to group {} in the order received",
                destination.name,
                super::build::DEFAULT_GROUP
            ));
        }
        if !destination.fifo && dlq.fifo {
            warnings.push(format!(
                "{} is a standard queue and the DLQ is FIFO: group order is not kept there",
                destination.name
            ));
        }
        if destination.arn == dlq.arn {
            warnings.push(format!("{} is the DLQ itself", destination.name));
        }
    }
    if by_source_count(&routes) > 1 && routes.to.is_none() {
        warnings.push(
            "the DLQ serves several queues: each message goes back to the one named by its \
             DeadLetterQueueSourceArn; a message without it stays in the DLQ"
                .to_string(),
        );
    }
    Ok(Plan {
        dlq: dlq.name.clone(),
        dlq_url: dlq.url.clone(),
        dlq_arn: dlq.arn.clone(),
        dlq_fifo: dlq.fifo,
        mode: Mode::Manual,
        sources,
        destinations,
        visible: dlq.counts.visible,
        in_flight: dlq.counts.in_flight,
        delayed: dlq.counts.delayed,
        warnings,
        routes,
    })
}

fn by_source_count(routes: &Routes) -> usize {
    routes.by_source_arn.len()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn destination(name: &str) -> Destination {
        Destination {
            name: name.to_string(),
            url: format!("https://q/{name}"),
            arn: format!("arn:aws:sqs:r:1:{name}"),
            fifo: false,
            max_bytes: 1024,
        }
    }

    #[test]
    fn routes_by_source_arn_and_only_guess_with_one_source() {
        let mut routes = Routes::default();
        routes
            .by_source_arn
            .insert("arn:aws:sqs:r:1:a".into(), destination("a"));
        assert_eq!(routes.route(None).map(|d| d.name.as_str()), Some("a"));
        routes
            .by_source_arn
            .insert("arn:aws:sqs:r:1:b".into(), destination("b"));
        assert_eq!(routes.route(None), None, "two sources: no guessing");
        assert_eq!(
            routes
                .route(Some("arn:aws:sqs:r:1:b"))
                .map(|d| d.name.as_str()),
            Some("b")
        );
        assert_eq!(routes.route(Some("arn:aws:sqs:r:1:c")), None);
        routes.to = Some(destination("custom"));
        assert_eq!(
            routes
                .route(Some("arn:aws:sqs:r:1:b"))
                .map(|d| d.name.as_str()),
            Some("custom")
        );
    }
}
