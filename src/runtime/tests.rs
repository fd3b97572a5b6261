use super::*;
use crate::app::effect::Work;
use crate::app::jobs::{JobEnd, JobId};
use crate::aws::fake::{Answer, Call, FakeBackend};
use crate::domain::Queue;
use crate::inventory::Source;
use crate::sim::{self, SimFleet};

/// A listing's batch of plain queues named `names` (also the held batches' tests).
pub(super) fn batch(generation: u64, names: &[&str]) -> Action {
    let queues = names
        .iter()
        .map(|n| {
            Queue::from_attributes(
                &format!("https://sqs/1/{n}"),
                Default::default(),
                "us-east-1",
            )
        })
        .collect();
    Action::QueuesLoaded { generation, queues }
}

#[test]
fn coalesce_merges_adjacent_batches_of_one_load_only() {
    let tick = Action::Tick(std::time::SystemTime::UNIX_EPOCH);
    let merged = coalesce(vec![
        batch(1, &["a"]),
        batch(1, &["b", "c"]),
        batch(2, &["d"]),
        tick.clone(),
        batch(2, &["e"]),
    ]);
    assert_eq!(merged.len(), 4);
    assert!(
        matches!(&merged[0], Action::QueuesLoaded { generation: 1, queues } if queues.len() == 3)
    );
    assert!(
        matches!(&merged[1], Action::QueuesLoaded { generation: 2, queues } if queues.len() == 1)
    );
    assert_eq!(merged[2], tick);
    assert!(
        matches!(&merged[3], Action::QueuesLoaded { generation: 2, queues } if queues.len() == 1)
    );
}

/// The demo fleet, except that its first listing panics.
fn backend_that_panics_once() -> Backend {
    FakeBackend::over(&sim::backend(SimFleet::demo().frozen()))
        .on(Call::ListQueues, |n| {
            if n == 0 {
                panic!("injected panic in ListQueues");
            }
            Answer::Forward
        })
        .build()
}

/// Runs effects through the supervisor and feeds every result back until no job runs.
pub(super) async fn settle(
    app: &mut App,
    supervisor: &mut Supervisor,
    rx: &mut mpsc::UnboundedReceiver<Action>,
    effects: Vec<Effect>,
) {
    start_all(supervisor, effects);
    while supervisor.has_jobs() {
        let Some(ended) = supervisor.next_end().await else {
            break;
        };
        while let Ok(action) = rx.try_recv() {
            let effects = update(app, action);
            start_all(supervisor, effects);
        }
        let effects = update(app, ended);
        start_all(supervisor, effects);
    }
    while let Ok(action) = rx.try_recv() {
        let effects = update(app, action);
        start_all(supervisor, effects);
    }
}

fn start_all(supervisor: &mut Supervisor, effects: Vec<Effect>) {
    for effect in effects {
        if let Effect::Start { id, work } = effect {
            supervisor.start(id, work);
        }
    }
}

pub(super) fn new_app() -> App {
    let config = crate::config::Config::defaults().expect("defaults");
    App::new(
        ConnectionInfo::default(),
        false,
        config.keymap,
        None,
        std::time::SystemTime::UNIX_EPOCH,
    )
}

#[tokio::test]
async fn a_panicking_job_ends_failed_and_a_refresh_still_works_after_it() {
    let (tx, mut rx) = mpsc::unbounded_channel();
    let mut supervisor = Supervisor::new(backend_that_panics_once(), tx, 4);
    let mut app = new_app();
    let effects = crate::app::update::start(&mut app);
    settle(&mut app, &mut supervisor, &mut rx, effects).await;

    let queue_job = app.load(Source::Queues).job.expect("a queue load job");
    let state = app.jobs.get(queue_job).map(|j| j.state.clone());
    assert!(
        matches!(&state, Some(crate::app::jobs::JobState::Ended(JobEnd::Failed(reason))) if reason.contains("injected panic")),
        "{state:?}"
    );
    assert!(
        !app.load(Source::Queues).in_flight,
        "the load is not stuck in flight"
    );
    assert!(app.inventory.queues().is_empty());

    // `r` starts a new load, and this time it works.
    let effects = update(
        &mut app,
        Action::Key(ratatui::crossterm::event::KeyEvent::from(
            ratatui::crossterm::event::KeyCode::Char('r'),
        )),
    );
    assert!(effects.iter().any(|e| matches!(
        e,
        Effect::Start {
            work: Work::Load {
                source: Source::Queues,
                ..
            },
            ..
        }
    )));
    settle(&mut app, &mut supervisor, &mut rx, effects).await;
    assert!(!app.inventory.queues().is_empty());
    assert!(app.jobs.running().next().is_none());
}

#[tokio::test]
async fn a_cancelled_job_ends_cancelled() {
    let (tx, _rx) = mpsc::unbounded_channel();
    let mut supervisor =
        Supervisor::new(sim::backend(SimFleet::with_queue_count(5_000, 10)), tx, 1);
    supervisor.start(
        JobId(7),
        Work::Load {
            source: Source::Queues,
            generation: 1,
        },
    );
    supervisor.cancel(JobId(7));
    let ended = supervisor.next_end().await;
    assert_eq!(
        ended,
        Some(Action::JobEnded {
            id: JobId(7),
            end: JobEnd::Cancelled
        })
    );
}
