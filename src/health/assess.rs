//! Runs every rule over the inventory's facts and the engine's series, and says which
//! resources the engine should fetch for the board: only what a rule reads.

use super::problem::{Affected, Kind, Problem, worst_first};
use super::rules::{self, Clock};
use super::signal_rules::{self, Alarmable};
use super::thresholds::Thresholds;
use crate::domain::Alarm;
use crate::domain::message::MoveTask;
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
    /// A DLQ of SQS queues (not only of subscriptions): native move tasks can serve it.
    pub native_redrive: bool,
    /// Its move task, when the last `ListMessageMoveTasks` said one is running.
    pub running_move_task: Option<MoveTask>,
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

/// Everything the rules read from the inventory (no extra calls).
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Facts {
    pub queues: Vec<QueueFacts>,
    pub topics: Vec<TopicFacts>,
    /// Every function squall knows (listed or consuming), for matching alarms.
    pub functions: Vec<String>,
    /// The functions with a DLQ or an on-failure destination of their own: their failed
    /// events' delivery there is read (and only theirs).
    pub async_functions: Vec<String>,
    /// The alarms in ALARM as last read.
    pub alarms: Vec<Alarm>,
}

impl Facts {
    /// The resources an alarm can be matched to, as the board names them.
    fn alarmable(&self) -> Vec<Alarmable> {
        let queues = self.queues.iter().map(|q| Alarmable {
            affected: Affected {
                kind: if q.is_dlq { Kind::Dlq } else { Kind::Queue },
                name: q.name.clone(),
                address: q.address.clone(),
            },
            resource: if q.is_dlq {
                Resource::Dlq(q.name.clone())
            } else {
                q.resource()
            },
        });
        let topics = self.topics.iter().map(|t| Alarmable {
            affected: Affected {
                kind: Kind::Topic,
                name: t.name.clone(),
                address: t.arn.clone(),
            },
            resource: Resource::Topic(t.name.clone()),
        });
        let functions = self.functions.iter().map(|f| Alarmable {
            affected: Affected {
                kind: Kind::Function,
                name: f.clone(),
                address: f.clone(),
            },
            resource: Resource::Function(f.clone()),
        });
        queues.chain(topics).chain(functions).collect()
    }

    /// The DLQs whose move tasks the board wants: native redrive can serve them, and they
    /// hold messages or had a task running at the last look (so its end is seen).
    pub fn move_task_sources(&self) -> Vec<String> {
        self.queues
            .iter()
            .filter(|q| q.is_dlq && q.native_redrive)
            .filter(|q| q.visible > 0 || q.running_move_task.is_some())
            .filter(|q| q.address.starts_with("arn:"))
            .map(|q| q.address.clone())
            .collect()
    }
}

/// The resources the rules read: DLQs holding messages, queues holding messages or
/// consumed, their consumer functions, the topics, and what an alarm in ALARM is on.
pub fn wanted(facts: &Facts) -> Vec<Resource> {
    let (queues, topics) = (&facts.queues, &facts.topics);
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
    out.extend(
        facts
            .async_functions
            .iter()
            .map(|f| Resource::AsyncDelivery(f.clone())),
    );
    // Naming every resource an alarm could be on costs a few strings each: not for none.
    if facts.alarms.is_empty() {
        return out;
    }
    for target in facts.alarmable() {
        if facts
            .alarms
            .iter()
            .any(|a| signal_rules::watches(a, &target))
            && !out.contains(&target.resource)
        {
            out.push(target.resource);
        }
    }
    out
}

/// A DLQ's problems: messages held, and a move task running on it.
fn dlq_problems(queue: &QueueFacts, engine: &MetricsEngine, clock: Clock) -> Vec<Problem> {
    let dlq = Affected {
        kind: Kind::Dlq,
        name: queue.name.clone(),
        address: queue.address.clone(),
    };
    let resource = Resource::Dlq(queue.name.clone());
    let mut problems: Vec<Problem> = rules::dlq_holding(
        &dlq,
        queue.visible,
        engine.series(&resource, "visible"),
        engine.series(&resource, "sent"),
        engine.series(&resource, "oldest"),
        clock.for_resource(engine, &resource),
    )
    .into_iter()
    .collect();
    if let Some(task) = &queue.running_move_task {
        problems.extend(signal_rules::move_task_running(&dlq, task));
    }
    problems
}

/// A queue's problems, and those of its consumers' functions not seen yet (`functions_seen`:
/// a function that drains two queues is one problem, not two).
fn queue_problems<'a>(
    queue: &'a QueueFacts,
    engine: &MetricsEngine,
    thresholds: &Thresholds,
    clock: Clock,
    functions_seen: &mut Vec<&'a str>,
) -> Vec<Problem> {
    let mut problems = Vec::new();
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
        clock.for_resource(engine, &resource),
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
            clock.for_resource(engine, &resource),
        ));
    }
    problems
}

/// Every live problem, worst first.
pub fn assess(
    facts: &Facts,
    engine: &MetricsEngine,
    thresholds: &Thresholds,
    now_ms: i64,
) -> Vec<Problem> {
    let (queues, topics) = (&facts.queues, &facts.topics);
    let clock = Clock {
        period_ms: engine.period_ms(),
        now_ms,
    };
    let mut problems = Vec::new();
    let mut functions_seen: Vec<&str> = Vec::new();
    for queue in queues {
        if queue.is_dlq {
            problems.extend(dlq_problems(queue, engine, clock));
            continue;
        }
        problems.extend(queue_problems(
            queue,
            engine,
            thresholds,
            clock,
            &mut functions_seen,
        ));
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
            clock.for_resource(engine, &resource),
        ));
    }
    for function in &facts.async_functions {
        let resource = Resource::AsyncDelivery(function.clone());
        let affected = Affected {
            kind: Kind::Function,
            name: function.clone(),
            address: function.clone(),
        };
        problems.extend(rules::failed_events_lost(
            &affected,
            engine.series(&resource, "dead_letter_errors"),
            engine.series(&resource, "destination_failures"),
            clock.for_resource(engine, &resource),
        ));
    }
    problems.extend(signal_rules::alarm_problems(
        &facts.alarms,
        &facts.alarmable(),
        thresholds.alarm_severity,
    ));
    worst_first(&mut problems);
    problems
}

/// The facts the rules read, from an inventory already loaded (no extra calls).
pub fn facts(inventory: &crate::inventory::Inventory) -> Facts {
    let queues: Vec<QueueFacts> = inventory
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
            native_redrive: !inventory.dlq_sources(&q.arn).is_empty(),
            running_move_task: inventory.signals().running_move_task(&q.arn).cloned(),
        })
        .collect();
    let mut functions: Vec<String> = inventory
        .functions()
        .iter()
        .map(|f| f.name.clone())
        .collect();
    for queue in &queues {
        for (function, _, _) in &queue.consumers {
            if !functions.contains(function) {
                functions.push(function.clone());
            }
        }
    }
    let topics = inventory
        .topics()
        .iter()
        .map(|t| TopicFacts {
            name: t.name.clone(),
            arn: t.arn.clone(),
        })
        .collect();
    Facts {
        queues,
        topics,
        functions,
        async_functions: inventory
            .functions_with_async_targets()
            .into_iter()
            .map(str::to_string)
            .collect(),
        alarms: inventory.signals().alarms().to_vec(),
    }
}
