//! The fleet in the TUI, on the demo's two regions (us-east-1's shop, eu-west-1's checkout
//! fleet) and a third context that could not be reached: the board ranks every context's
//! problems together with a CONTEXT column and a row for the context that failed, the
//! status bar counts the contexts, the tables gain a CONTEXT column and `/ctx:` filters by
//! it, and the refreshes run in each context for its own rows.

mod support;

use ratatui::crossterm::event::KeyCode;
use squall::app::App;
use squall::app::views::health::HealthView;
use squall::app::views::resource_table::TableView;
use squall::aws::Backend;
use squall::health::Kind;
use support::sim_app::*;
use support::sim_fleet::*;

const STAGING: (&str, &str) = (
    "staging/us-west-2",
    "the SSO session has expired (aws sso login --profile staging)",
);

/// The board over the demo's fleet and the failed staging context, metrics fetched.
fn fleet_board(backends: &[Backend]) -> App {
    let mut app = fleet_app(backends, &[STAGING]);
    command(&mut app, "health");
    let contexts = fleet_tick(&mut app, backends, t(12));
    assert!(
        contexts.contains(&0) && contexts.contains(&1),
        "each context asks for its own rows' metrics: {contexts:?}"
    );
    app
}

fn board(app: &App) -> &HealthView {
    app.view_as::<HealthView>().expect("the board on top")
}

#[test]
fn fleet_board_160x40() {
    let backends = demo_fleet();
    let mut app = fleet_board(&backends);
    let screen = render(&mut app, 160, 40, false);
    for expected in [
        "CONTEXT",
        "prod-ops/eu-west-1",
        "prod-ops/us-east-1",
        "staging/us-west-2",
        "fleet 3 contexts, 1 failed: staging/us-west-2",
    ] {
        assert!(screen.contains(expected), "{expected}:\n{screen}");
    }
    insta::assert_snapshot!(screen);
}

#[test]
fn fleet_board_80x24() {
    let backends = demo_fleet();
    let mut app = fleet_board(&backends);
    let screen = render(&mut app, 80, 24, true);
    assert!(screen.contains("CONTEXT"), "{screen}");
    insta::assert_snapshot!(screen);
}

#[test]
fn the_board_ranks_every_contexts_problems_together_worst_first() {
    let backends = demo_fleet();
    let app = fleet_board(&backends);
    let view = board(&app);
    assert_eq!(view.problems.len(), view.contexts.len());
    for pair in view.problems.windows(2) {
        assert_ne!(
            squall::health::problem::worse_first(&pair[0], &pair[1]),
            std::cmp::Ordering::Greater,
            "{pair:?}"
        );
    }
    // The context that could not be read comes first: it hides all of its problems.
    assert_eq!(view.problems[0].resource.kind, Kind::Context);
    assert_eq!(view.context_labels[0], "staging/us-west-2");
    let row_of = |context: usize, name: &str| {
        view.problems
            .iter()
            .zip(&view.contexts)
            .position(|(p, c)| *c == context && p.resource.name == name)
            .unwrap_or_else(|| panic!("{name} in context {context}: {:?}", view.problems))
    };
    // eu-west-1's filling DLQ ranks among us-east-1's, above us-east-1's warnings.
    let checkout_dlq = row_of(1, squall::sim::EU_CHECKOUT_DLQ);
    assert!(checkout_dlq < row_of(0, "audit-log"));
    assert!(row_of(0, "webhooks-outbound-dlq") < checkout_dlq);
    assert!(view.contexts.contains(&1) && view.contexts.contains(&0));
}

#[test]
fn one_context_shows_no_context_column() {
    let backend = backend();
    let mut app = loaded_app(&backend);
    command(&mut app, "health");
    let _ = tick(&mut app, &backend, t(12));
    let screen = render(&mut app, 120, 40, false);
    assert!(!screen.contains("CONTEXT"), "{screen}");
    assert!(!screen.contains("fleet"), "{screen}");
}

#[test]
fn queues_with_a_context_column_120x40() {
    let backends = demo_fleet();
    let mut app = fleet_app(&backends, &[]);
    let screen = render(&mut app, 120, 40, false);
    assert!(screen.contains("CONTEXT"), "{screen}");
    assert!(screen.contains("checkout-dlq"), "{screen}");
    insta::assert_snapshot!(screen);
}

#[test]
fn ctx_filters_a_table_by_context() {
    let backends = demo_fleet();
    let mut app = fleet_app(&backends, &[]);
    command(&mut app, "dlq");
    let all = app.view_as::<TableView>().expect("a table").state.shown();
    press(&mut app, KeyCode::Char('/'));
    type_keys(&mut app, "ctx:eu-west");
    press(&mut app, KeyCode::Enter);
    let table = &app.view_as::<TableView>().expect("a table").state;
    assert_eq!(table.shown(), 3, "eu-west-1's three DLQs of {all}");
    let screen = render(&mut app, 120, 40, false);
    assert!(screen.contains("checkout-dlq"), "{screen}");
    assert!(!screen.contains("prod-ops/us-east-1"), "{screen}");
    insta::assert_snapshot!(screen);
}

#[test]
fn counts_and_metrics_of_the_rows_on_screen_are_asked_in_their_own_context() {
    let backends = demo_fleet();
    let mut app = fleet_app(&backends, &[]);
    render(&mut app, 200, 40, false);
    // fleet_run fails the test if a context is asked for a queue that is not its own.
    let contexts = fleet_tick(&mut app, &backends, t(12));
    assert!(
        contexts.contains(&0) && contexts.contains(&1),
        "{contexts:?}"
    );
    let _ = fleet_tick(&mut app, &backends, t(20));
}

#[test]
fn r_on_a_table_row_plans_in_the_rows_context() {
    let backends = demo_fleet();
    let mut app = fleet_app(&backends, &[]);
    command(&mut app, "dlq");
    press(&mut app, KeyCode::Char('/'));
    type_keys(&mut app, "ctx:eu checkout");
    press(&mut app, KeyCode::Enter);
    assert_eq!(app.info.region, "eu-west-1", "the selected row's context");
    press(&mut app, KeyCode::Char('R'));
    let Some(squall::app::modals::Modal::Redrive(dialog)) = &app.modal else {
        panic!("the redrive dialog, got {:?}", app.modal)
    };
    assert_eq!(dialog.context.as_deref(), Some("prod-ops/eu-west-1"));
    assert!(
        dialog.dlq_url.contains("sqs.eu-west-1."),
        "{}",
        dialog.dlq_url
    );
    let plan_job = app
        .jobs
        .running()
        .find(|j| j.label.contains("redrive"))
        .map(|j| j.context);
    assert_eq!(
        plan_job,
        Some(1),
        "the plan is asked of eu-west-1's backend"
    );
}

#[test]
fn jobs_name_their_context() {
    let backends = demo_fleet();
    let mut app = fleet_app(&backends, &[]);
    command(&mut app, "jobs");
    let screen = render(&mut app, 120, 30, false);
    assert!(
        screen.contains("[prod-ops/eu-west-1] load queues"),
        "{screen}"
    );
    assert!(
        screen.contains("[prod-ops/us-east-1] load queues"),
        "{screen}"
    );
}
