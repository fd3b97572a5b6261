use ratatui::crossterm::event::{KeyCode, KeyEvent, KeyModifiers};

use super::*;
use crate::app::effect::Work;
use crate::app::target::Target;
use crate::app::test_app::*;
use crate::app::views::describe::DescribeView;
use crate::app::views::resource_table::TableView;
use crate::app::views::topology::TopologyView;
use crate::aws::{ApiError, ConnectionInfo};
use crate::inventory::model::tests::queue;
use crate::resource_rows::TableKind;

#[test]
fn start_loads_every_source_once_and_collapses_refreshes_in_flight() {
    let mut app = app();
    assert_eq!(loads(&start(&mut app)), all_loads(1));
    assert!(app.loading());
    assert_eq!(press(&mut app, KeyCode::Char('r')), Vec::new());
    assert_eq!(app.load(Source::Queues).generation, 1);
}

#[test]
fn rows_stream_in_and_stale_generations_are_ignored() {
    let mut app = app();
    let _ = start(&mut app);
    let _ = update(
        &mut app,
        Action::QueuesLoaded {
            generation: 1,
            queues: vec![queue("a", 1, None)],
        },
    );
    assert_eq!(shown(&app), 1);
    let _ = update(
        &mut app,
        Action::QueuesLoaded {
            generation: 0,
            queues: vec![queue("old", 1, None)],
        },
    );
    assert_eq!(shown(&app), 1);
    let _ = update(
        &mut app,
        Action::QueuesLoaded {
            generation: 1,
            queues: vec![queue("b", 1, None)],
        },
    );
    let _ = update(
        &mut app,
        Action::QueuesFinished {
            generation: 1,
            listed: 2,
            failed: 0,
        },
    );
    assert_eq!(shown(&app), 2);
    assert!(!app.load(Source::Queues).in_flight);
    assert_eq!(app.load(Source::Queues).ended, Some(t(0)));
}

#[test]
fn a_failed_listing_keeps_rows_and_reports_in_the_status_bar() {
    let mut app = loaded_app();
    press(&mut app, KeyCode::Char('r'));
    let _ = update(
        &mut app,
        Action::SourceFailed {
            source: Source::Queues,
            generation: 2,
            error: ApiError::connection("ListQueues", "connection refused"),
        },
    );
    assert_eq!(shown(&app), 4);
    let message = app.message.clone().expect("message");
    assert_eq!(message.level, Level::Error);
    assert!(message.text.contains("connection refused"));
}

#[test]
fn a_failed_lambda_listing_is_a_warning_and_the_rest_stays() {
    let mut app = loaded_app();
    press(&mut app, KeyCode::Char('r'));
    let _ = update(
        &mut app,
        Action::SourceFailed {
            source: Source::EventSourceMappings,
            generation: 2,
            error: ApiError::access_denied("ListEventSourceMappings", "")
                .with_code("AccessDeniedException"),
        },
    );
    assert_eq!(app.message.as_ref().map(|m| m.level), Some(Level::Warning));
    assert!(app.inventory.consumers_unknown().is_some());
    assert_eq!(shown(&app), 4);
}

#[test]
fn vim_keys_move_the_selection() {
    let mut app = loaded_app();
    assert_eq!(selected(&app).as_deref(), Some("orders"));
    press(&mut app, KeyCode::Char('j'));
    assert_eq!(selected(&app).as_deref(), Some("orders-dlq"));
    press(&mut app, KeyCode::Char('G'));
    assert_eq!(selected(&app).as_deref(), Some("payments-dlq"));
    press(&mut app, KeyCode::Char('k'));
    assert_eq!(selected(&app).as_deref(), Some("payments"));
    press(&mut app, KeyCode::Char('g'));
    assert_eq!(selected(&app).as_deref(), Some("orders"));
    let _ = update(
        &mut app,
        Action::Key(KeyEvent::new(KeyCode::Char('d'), KeyModifiers::CONTROL)),
    );
    assert_eq!(
        selected(&app).as_deref(),
        Some("payments-dlq"),
        "half a page of 20 rows goes to the end"
    );
}

#[test]
fn filter_applies_live_inverts_and_esc_clears() {
    let mut app = loaded_app();
    press(&mut app, KeyCode::Char('/'));
    type_text(&mut app, "dlq");
    assert_eq!(shown(&app), 2);
    press(&mut app, KeyCode::Enter);
    assert_eq!(app.modal, None);
    assert_eq!(shown(&app), 2);
    press(&mut app, KeyCode::Esc);
    assert_eq!(shown(&app), 4);

    press(&mut app, KeyCode::Char('/'));
    type_text(&mut app, "!dlq");
    assert_eq!(shown(&app), 2);
    press(&mut app, KeyCode::Esc);
    assert_eq!(app.modal, None);
    assert_eq!(shown(&app), 4);
}

#[test]
fn bad_regex_keeps_the_last_good_filter_and_the_prompt() {
    let mut app = loaded_app();
    press(&mut app, KeyCode::Char('/'));
    type_text(&mut app, "pay(");
    assert_eq!(shown(&app), 2, "the filter 'pay' still applies");
    press(&mut app, KeyCode::Enter);
    match &app.modal {
        Some(Modal::Filter(prompt)) => {
            assert_eq!(prompt.text(), "pay(");
            assert!(
                prompt
                    .error
                    .as_deref()
                    .is_some_and(|e| e.contains("invalid regex"))
            );
        }
        other => panic!("expected the filter prompt to stay open, got {other:?}"),
    }
}

#[test]
fn command_mode_completes_runs_and_reports_unknown_commands() {
    let mut app = loaded_app();
    press(&mut app, KeyCode::Char(':'));
    type_text(&mut app, "to");
    press(&mut app, KeyCode::Tab);
    match &app.modal {
        Some(Modal::Command(prompt)) => assert_eq!(prompt.text(), "top"),
        other => panic!("expected command mode, got {other:?}"),
    }
    type_text(&mut app, "ics");
    press(&mut app, KeyCode::Enter);
    assert_eq!(table(&app).kind, TableKind::Topics);
    assert_eq!(app.breadcrumb(), ["topics"]);

    press(&mut app, KeyCode::Char(':'));
    type_text(&mut app, "bogus");
    press(&mut app, KeyCode::Enter);
    assert_eq!(app.modal, None);
    assert!(
        app.message
            .as_ref()
            .is_some_and(|m| m.text.contains("unknown command :bogus"))
    );

    press(&mut app, KeyCode::Char(':'));
    type_text(&mut app, "q");
    assert_eq!(press(&mut app, KeyCode::Enter), vec![Effect::Quit]);
}

#[test]
fn topic_drills_into_its_subscriptions_then_the_queue() {
    let mut app = loaded_app();
    press(&mut app, KeyCode::Char(':'));
    type_text(&mut app, "topics");
    press(&mut app, KeyCode::Enter);
    press(&mut app, KeyCode::Enter);
    assert_eq!(table(&app).kind, TableKind::Subscriptions);
    assert_eq!(table(&app).scope.as_deref(), Some(TOPIC));
    assert_eq!(app.breadcrumb(), ["topics", "events"]);
    press(&mut app, KeyCode::Enter);
    assert_eq!(app.breadcrumb(), ["topics", "events", "orders"]);
    assert_eq!(
        described(&app),
        Some(Target::Queue("https://sqs/1/orders".into()))
    );
    press(&mut app, KeyCode::Esc);
    press(&mut app, KeyCode::Esc);
    assert_eq!(app.breadcrumb(), ["topics"]);
    press(&mut app, KeyCode::Esc);
    assert_eq!(app.breadcrumb(), ["topics"], "the root view stays");
}

#[test]
fn describe_yank_and_topology_act_on_the_selected_row() {
    let mut app = loaded_app();
    press(&mut app, KeyCode::Char('j'));
    press(&mut app, KeyCode::Char('d'));
    assert_eq!(
        described(&app),
        Some(Target::Queue("https://sqs/1/orders-dlq".into()))
    );
    assert_eq!(
        press(&mut app, KeyCode::Char('y')),
        vec![Effect::Copy("https://sqs/1/orders-dlq".into())]
    );
    press(&mut app, KeyCode::Esc);

    press(&mut app, KeyCode::Char('t'));
    let tree = app.view_as::<TopologyView>().expect("the topology");
    let line = tree.selected_line().expect("a selected line");
    assert_eq!(line.text, "DLQ orders-dlq");
    assert_eq!(app.breadcrumb(), ["queues", "topology"]);
}

#[test]
fn dlq_view_lists_only_dlqs_deepest_first() {
    let mut app = loaded_app();
    press(&mut app, KeyCode::Char(':'));
    type_text(&mut app, "dlq");
    press(&mut app, KeyCode::Enter);
    let names: Vec<String> = table(&app)
        .state
        .rows_on_screen()
        .iter()
        .map(|r| r.cells[0].clone())
        .collect();
    assert_eq!(names, ["orders-dlq", "payments-dlq"]);
}

#[test]
fn help_opens_scrolls_and_closes_without_quitting() {
    let mut app = loaded_app();
    press(&mut app, KeyCode::Char('?'));
    assert_eq!(app.modal, Some(Modal::Help { scroll: 0 }));
    app.help_rows = 5;
    press(&mut app, KeyCode::Char('j'));
    assert_eq!(app.modal, Some(Modal::Help { scroll: 1 }));
    // G stops with the last line at the bottom; k comes back at once.
    press(&mut app, KeyCode::Char('G'));
    let last = modals::help_line_count(&app) - 5;
    assert_eq!(app.modal, Some(Modal::Help { scroll: last }));
    press(&mut app, KeyCode::Char('k'));
    assert_eq!(app.modal, Some(Modal::Help { scroll: last - 1 }));
    assert_eq!(press(&mut app, KeyCode::Char('q')), Vec::new());
    assert_eq!(app.modal, None);
}

#[test]
fn q_and_ctrl_c_quit_from_any_mode() {
    let mut app = loaded_app();
    assert_eq!(press(&mut app, KeyCode::Char('q')), vec![Effect::Quit]);
    let mut app = loaded_app();
    press(&mut app, KeyCode::Char('/'));
    let effects = update(
        &mut app,
        Action::Key(KeyEvent::new(KeyCode::Char('c'), KeyModifiers::CONTROL)),
    );
    assert_eq!(effects, vec![Effect::Quit]);
    assert!(app.quitting);
}

#[test]
fn sort_keys_change_the_order() {
    let mut app = loaded_app();
    press(&mut app, KeyCode::Char('s'));
    press(&mut app, KeyCode::Char('s'));
    let names = |app: &App| -> Vec<String> {
        table(app)
            .state
            .rows_on_screen()
            .iter()
            .map(|r| r.cells[0].clone())
            .collect()
    };
    assert_eq!(
        names(&app),
        ["orders-dlq", "orders", "payments", "payments-dlq"]
    );
    press(&mut app, KeyCode::Char('S'));
    assert_eq!(
        names(&app),
        ["payments", "payments-dlq", "orders", "orders-dlq"]
    );
}

#[test]
fn an_error_stays_above_later_warnings_and_clears_when_queues_load_again() {
    let mut app = loaded_app();
    press(&mut app, KeyCode::Char('r'));
    let refused = |what: &str| ApiError::connection(what, "connection refused");
    let _ = update(
        &mut app,
        Action::SourceFailed {
            source: Source::Queues,
            generation: 2,
            error: refused("ListQueues"),
        },
    );
    let _ = update(
        &mut app,
        Action::SourceFailed {
            source: Source::Functions,
            generation: 2,
            error: refused("ListFunctions"),
        },
    );
    let message = app.message.clone().expect("message");
    assert_eq!(message.level, Level::Error);
    assert!(message.text.contains("ListQueues"));

    // The next refresh retries the queues, and this time they load.
    for source in [
        Source::Topics,
        Source::Subscriptions,
        Source::EventSourceMappings,
    ] {
        let _ = update(
            &mut app,
            Action::SourceFailed {
                source,
                generation: 2,
                error: refused("List"),
            },
        );
    }
    assert!(loads(&update(&mut app, Action::Tick(t(301)))).contains(&(Source::Queues, 3)));
    let _ = update(
        &mut app,
        Action::QueuesFinished {
            generation: 3,
            listed: 0,
            failed: 0,
        },
    );
    assert_eq!(app.message, None);
}

mod house;
mod peek;
mod refresh;
