//! The fleet's state swap: answers land in their own context, the user's context stays
//! the active one, a switch narrows the fleet to one context.

use super::*;
use crate::app::test_app::{Action, Effect, app, update};
use crate::inventory::model::tests::queue;

/// An app on us-east-1 with eu-west-1 beside it, both loads started.
fn two_regions() -> (App, Vec<Effect>) {
    let mut app = app();
    let eu = app.add_context(
        ConnectionInfo {
            region: "eu-west-1".into(),
            ..ConnectionInfo::default()
        },
        None,
        false,
    );
    assert_eq!(eu, 1);
    let effects = crate::app::update::start(&mut app);
    (app, effects)
}

fn queues_of(app: &App, id: ContextId) -> Vec<String> {
    let inventory = if app.fleet.active == id {
        &app.inventory
    } else {
        &app.fleet
            .parked
            .iter()
            .find(|c| c.id == id)
            .expect("parked")
            .inventory
    };
    inventory.queues().iter().map(|q| q.name.clone()).collect()
}

#[test]
fn each_context_loads_in_jobs_of_its_own() {
    let (app, effects) = two_regions();
    let contexts: Vec<usize> = effects
        .iter()
        .filter_map(|e| match e {
            Effect::Start { id, .. } => app.jobs.context_of(*id),
            _ => None,
        })
        .collect();
    let sources = crate::inventory::Source::ALL.len();
    assert_eq!(contexts.len(), 2 * sources, "{effects:?}");
    assert_eq!(contexts.iter().filter(|&&c| c == 1).count(), sources);
}

#[test]
fn an_answer_lands_in_its_own_context_and_the_user_stays_where_they_were() {
    let (mut app, _) = two_regions();
    let _ = update(
        &mut app,
        Action::InContext {
            context: 1,
            action: Box::new(Action::QueuesLoaded {
                generation: 1,
                queues: vec![queue("eu-payments", 3, None)],
            }),
        },
    );
    let _ = update(
        &mut app,
        Action::QueuesLoaded {
            generation: 1,
            queues: vec![queue("orders", 1, None)],
        },
    );
    assert_eq!(app.fleet.active, 0);
    assert_eq!(app.info.region, "us-east-1");
    assert_eq!(queues_of(&app, 0), ["orders"]);
    assert_eq!(queues_of(&app, 1), ["eu-payments"]);
}

#[test]
fn a_failing_context_says_so_and_the_rest_goes_on() {
    let (mut app, _) = two_regions();
    let _ = update(
        &mut app,
        Action::InContext {
            context: 1,
            action: Box::new(Action::SourceFailed {
                source: crate::inventory::Source::Queues,
                generation: 1,
                error: crate::aws::ApiError::client("ListQueues", "ExpiredToken"),
            }),
        },
    );
    let message = app.message.clone().expect("a message").text;
    assert!(
        message.starts_with("[eu-west-1] loading queues failed"),
        "{message}"
    );
    assert!(
        app.inventory
            .status(crate::inventory::Source::Queues)
            .error
            .is_none()
    );
}

#[test]
fn answers_of_a_context_dropped_by_a_switch_are_dropped() {
    let (mut app, _) = two_regions();
    // Asked from eu-west-1; the selection moved to us-east-1 while it connected.
    focus(&mut app, 1);
    app.fleet.switching_from = Some(1);
    focus(&mut app, 0);
    let effects = crate::app::context::switched(
        &mut app,
        ConnectionInfo {
            region: "ap-south-1".into(),
            ..ConnectionInfo::default()
        },
        false,
    );
    assert!(!app.fleet.is_fleet());
    assert_eq!(app.fleet.active, 1, "the context the switch replaced");
    assert_eq!(app.fleet.label(1), "ap-south-1");
    let cancelled = effects
        .iter()
        .filter(|e| matches!(e, Effect::Cancel(_)))
        .count();
    assert_eq!(
        cancelled,
        2 * crate::inventory::Source::ALL.len(),
        "both contexts' loads stop"
    );
    let _ = update(
        &mut app,
        Action::InContext {
            context: 0,
            action: Box::new(Action::QueuesLoaded {
                generation: 1,
                queues: vec![queue("orders", 3, None)],
            }),
        },
    );
    assert!(app.inventory.queues().is_empty(), "us-east-1 is gone");
}

#[test]
fn cost_counts_every_contexts_calls() {
    let (mut app, _) = two_regions();
    let window = app.metrics.engine.window();
    let resources = vec![crate::metrics::Resource::Depth("checkout".into())];
    let now = crate::app::metric_refresh::epoch_ms(app.now);
    let parked = &mut app.fleet.parked[0].metrics;
    assert_eq!(parked.window(), window);
    let batch = parked
        .plan(&resources, now)
        .pop()
        .expect("a call planned in eu-west-1");
    let outcome = crate::metrics::FetchOutcome {
        batch,
        result: Ok(Vec::new()),
        math_refused: None,
        calls: 1,
    };
    let _ = update(
        &mut app,
        Action::InContext {
            context: 1,
            action: Box::new(Action::MetricsFetched(Box::new(outcome))),
        },
    );
    assert_eq!(app.fleet.active, 0);
    crate::app::metric_refresh::cost_command(&mut app);
    let text = app.message.clone().expect("a message").text;
    assert!(
        text.starts_with("CloudWatch: 1 GetMetricData calls"),
        "{text}"
    );
}
