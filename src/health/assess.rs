//! Runs every rule over the inventory's facts and the engine's series, and says which
//! resources the engine should fetch for the board: only what a rule reads.

use super::problem::{Affected, Kind, Problem, worst_first};
use super::rules::{self, Clock};
use super::thresholds::Thresholds;
use crate::metrics::{MetricsEngine, Resource};

/// What the board knows about a queue from the inventory (no extra calls).
#[derive(Debug, Clone, PartialEq)]
pub struct QueueFacts {
    pub name: String,
    pub address: String,
    pub fifo: bool,
    pub visible: u64,
    /// Some other queue names this one as its DLQ.
    pub is_dlq: bool,
    /// `(function name, mapping uuid, mapping state)` of every mapping polling it.
    pub consumers: Vec<(String, String, String)>,
}

impl QueueFacts {
    fn resource(&self) -> Resource {
        if self.fifo {
            Resource::FifoQueue(self.name.clone())
        } else {
            Resource::Queue(self.name.clone())
        }
    }
}

#[derive(Debug, Clone, PartialEq)]
pub struct TopicFacts {
    pub name: String,
    pub arn: String,
}

/// The resources the rules read: DLQs holding messages, queues holding messages or
/// consumed, their consumer functions, and the topics.
pub fn wanted(queues: &[QueueFacts], topics: &[TopicFacts]) -> Vec<Resource> {
    let mut out = Vec::new();
    for queue in queues {
        if queue.is_dlq {
            if queue.visible > 0 {
                out.push(Resource::Dlq(queue.name.clone()));
            }
            continue;
        }
        if queue.visible > 0 || !queue.consumers.is_empty() {
            out.push(queue.resource());
        }
        for (function, _, _) in &queue.consumers {
            let resource = Resource::Function(function.clone());
            if !out.contains(&resource) {
                out.push(resource);
            }
        }
    }
    out.extend(topics.iter().map(|t| Resource::Topic(t.name.clone())));
    out
}

/// Every live problem, worst first.
pub fn assess(
    queues: &[QueueFacts],
    topics: &[TopicFacts],
    engine: &MetricsEngine,
    thresholds: &Thresholds,
    now_ms: i64,
) -> Vec<Problem> {
    let clock = Clock {
        period_ms: engine.period_ms(),
        now_ms,
    };
    let mut problems = Vec::new();
    let mut functions_seen: Vec<&str> = Vec::new();
    for queue in queues {
        if queue.is_dlq {
            let dlq = Affected {
                kind: Kind::Dlq,
                name: queue.name.clone(),
                address: queue.address.clone(),
            };
            let resource = Resource::Dlq(queue.name.clone());
            problems.extend(rules::dlq_holding(
                &dlq,
                queue.visible,
                engine.series(&resource, "visible"),
                engine.series(&resource, "sent"),
                clock,
            ));
            continue;
        }
        let affected = Affected {
            kind: Kind::Queue,
            name: queue.name.clone(),
            address: queue.address.clone(),
        };
        let resource = queue.resource();
        let depth = engine.series(&resource, "visible");
        problems.extend(rules::oldest_too_old(
            &affected,
            &resource,
            engine.series(&resource, "oldest"),
            depth,
            thresholds,
            clock,
        ));
        problems.extend(rules::not_draining(
            &affected,
            &resource,
            queue.visible,
            depth,
            thresholds,
        ));
        for (function, uuid, state) in &queue.consumers {
            let mapping = Affected {
                kind: Kind::EventSourceMapping,
                name: format!("{function} ← {}", queue.name),
                address: uuid.clone(),
            };
            problems.extend(rules::mapping_disabled(
                &mapping,
                state,
                &queue.name,
                queue.visible,
            ));
            if functions_seen.contains(&function.as_str()) {
                continue;
            }
            functions_seen.push(function);
            let resource = Resource::Function(function.clone());
            let affected = Affected {
                kind: Kind::Function,
                name: function.clone(),
                address: function.clone(),
            };
            problems.extend(rules::consumer_failing(
                &affected,
                engine.series(&resource, "error_rate"),
                engine.series(&resource, "throttles"),
                thresholds,
                clock,
            ));
        }
    }
    for topic in topics {
        let resource = Resource::Topic(topic.name.clone());
        let affected = Affected {
            kind: Kind::Topic,
            name: topic.name.clone(),
            address: topic.arn.clone(),
        };
        problems.extend(rules::sns_failures(
            &affected,
            engine.series(&resource, "failed"),
            engine.series(&resource, "redriven"),
            engine.series(&resource, "redrive_failed"),
            thresholds,
            clock,
        ));
    }
    worst_first(&mut problems);
    problems
}

/// The facts the rules read, from an inventory already loaded (no extra calls).
pub fn facts(inventory: &crate::inventory::Inventory) -> (Vec<QueueFacts>, Vec<TopicFacts>) {
    let queues = inventory
        .queues()
        .iter()
        .map(|q| QueueFacts {
            name: q.name.clone(),
            address: if q.arn.is_empty() {
                q.url.clone()
            } else {
                q.arn.clone()
            },
            fifo: q.fifo,
            visible: q.counts.visible,
            is_dlq: inventory.is_dlq(&q.arn),
            consumers: inventory
                .consumers_of(&q.arn)
                .map(|m| {
                    (
                        m.function_name().to_string(),
                        m.uuid.clone(),
                        m.state.clone(),
                    )
                })
                .collect(),
        })
        .collect();
    let topics = inventory
        .topics()
        .iter()
        .map(|t| TopicFacts {
            name: t.name.clone(),
            arn: t.arn.clone(),
        })
        .collect();
    (queues, topics)
}
