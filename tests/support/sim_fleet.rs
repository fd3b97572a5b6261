//! The demo's fleet on frozen clocks (us-east-1's shop, eu-west-1's checkout fleet), loaded
//! into an app the way the runtime loads a fleet: each context's listings fed as its first
//! load, metric, counts and signal jobs run on the backend of their own context, their
//! answers wrapped as the supervisor wraps them (`Action::InContext`). For the snapshot
//! tests of the fleet board and of the tables with a CONTEXT column.

use std::sync::Arc;
use std::time::Duration;

use squall::app::effect::Work;
use squall::app::jobs::JobEnd;
use squall::app::{Action, App, Effect, update};
use squall::aws::Backend;
use squall::config::Config;
use squall::inventory::{Inventory, Source, collect_inventory};
use squall::sim::{self, ManualClock, SimFleet};

use super::sim_app::{START_S, backend, prod_ops, runtime, t};

/// The demo's second region on the snapshot clock.
pub fn eu_backend() -> Backend {
    let clock = Arc::new(ManualClock::at_ms(START_S as i64 * 1000));
    sim::backend(SimFleet::demo_eu(sim::DEFAULT_SEED, clock))
}

/// The demo's two regions, by context id.
pub fn demo_fleet() -> Vec<Backend> {
    vec![backend(), eu_backend()]
}

/// An app over `backends` (context ids in order, labelled `prod-ops/REGION`) and the
/// contexts `failed` (label, why) that could not be reached, every listing loaded.
pub fn fleet_app(backends: &[Backend], failed: &[(&str, &str)]) -> App {
    let config = Config::defaults().expect("defaults");
    let mut app = App::new(
        prod_ops(&backends[0].info.region),
        false,
        config.keymap,
        Some(Duration::from_secs(5)),
        t(0),
    );
    for backend in &backends[1..] {
        app.add_context(prod_ops(&backend.info.region), None, false);
    }
    for (label, why) in failed {
        app.add_failed_context(label.to_string(), why.to_string());
    }
    let _ = squall::app::update::start(&mut app);
    for (context, backend) in backends.iter().enumerate() {
        let inventory = runtime()
            .block_on(collect_inventory(backend, 4, &Source::ALL))
            .inventory;
        load_in(&mut app, context, &inventory);
    }
    app
}

/// Every listing of `inventory`, fed as context `context`'s first load finishing.
pub fn load_in(app: &mut App, context: usize, inventory: &Inventory) {
    let loaded = [
        Action::QueuesLoaded {
            generation: 1,
            queues: inventory.queues().to_vec(),
        },
        Action::QueuesFinished {
            generation: 1,
            listed: inventory.queues().len(),
            failed: 0,
        },
        Action::TopicsLoaded {
            generation: 1,
            topics: inventory.topics().to_vec(),
        },
        Action::SubscriptionsLoaded {
            generation: 1,
            subscriptions: inventory.subscriptions().to_vec(),
        },
        Action::MappingsLoaded {
            generation: 1,
            mappings: inventory.mappings().to_vec(),
        },
        Action::FunctionsLoaded {
            generation: 1,
            functions: inventory.functions().to_vec(),
        },
    ];
    for action in loaded {
        let _ = update(app, in_context(context, action));
    }
}

fn in_context(context: usize, action: Action) -> Action {
    Action::InContext {
        context,
        action: Box::new(action),
    }
}

/// A tick at `at`, the jobs it starts run on their contexts' backends. Returns the
/// contexts the metric jobs ran in.
pub fn fleet_tick(app: &mut App, backends: &[Backend], at: std::time::SystemTime) -> Vec<usize> {
    let effects = update(app, Action::Tick(at));
    fleet_run(app, backends, effects)
}

/// Runs the metric, counts and signal jobs of `effects` on their contexts' backends.
pub fn fleet_run(app: &mut App, backends: &[Backend], effects: Vec<Effect>) -> Vec<usize> {
    let runtime = runtime();
    let mut metric_contexts = Vec::new();
    for effect in effects {
        let Effect::Start { id, work } = effect else {
            continue;
        };
        let context = app.jobs.context_of(id).expect("a job of a context");
        let backend = &backends[context];
        let answer = match work {
            Work::Metrics(batch) => {
                metric_contexts.push(context);
                let outcome =
                    runtime.block_on(squall::metrics::fetch(backend.metrics.as_ref(), batch));
                Action::MetricsFetched(Box::new(outcome))
            }
            Work::RefreshCounts { urls, generation } => {
                let queues = urls
                    .iter()
                    .map(|u| runtime.block_on(backend.queues.describe_queue(u)))
                    .map(|q| q.expect("a queue of this context"))
                    .collect();
                Action::CountsRefreshed { generation, queues }
            }
            Work::Alarms => Action::AlarmsRead {
                job: id,
                alarms: runtime.block_on(backend.alarms.alarms_in_alarm()),
            },
            Work::MoveTasks(dlqs) => Action::MoveTasksRead {
                job: id,
                answers: runtime
                    .block_on(squall::health::observe::read_move_tasks(backend, dlqs, 4)),
            },
            _ => continue,
        };
        let _ = update(app, in_context(context, answer));
        let _ = update(
            app,
            Action::JobEnded {
                id,
                end: JobEnd::Done(None),
            },
        );
    }
    metric_contexts
}
