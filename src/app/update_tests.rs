use std::collections::BTreeMap;
use std::time::{Duration, SystemTime};

use ratatui::crossterm::event::{KeyCode, KeyEvent, KeyModifiers};

use super::*;
use crate::aws::{ApiError, ConnectionInfo};
use crate::config::Config;
use crate::domain::{EventSourceMapping, Subscription, Topic};
use crate::inventory::model::tests::queue;

fn t(seconds: u64) -> SystemTime {
    SystemTime::UNIX_EPOCH + Duration::from_secs(1_800_000_000 + seconds)
}

fn app() -> App {
    let config = Config::defaults().expect("defaults");
    App::new(
        ConnectionInfo {
            region: "us-east-1".into(),
            ..ConnectionInfo::default()
        },
        false,
        config.keymap,
        Some(Duration::from_secs(30)),
        t(0),
    )
}

fn press(app: &mut App, code: KeyCode) -> Vec<Effect> {
    update(app, Action::Key(KeyEvent::new(code, KeyModifiers::NONE)))
}

fn type_text(app: &mut App, text: &str) {
    for c in text.chars() {
        press(app, KeyCode::Char(c));
    }
}

fn load_effects() -> Vec<Effect> {
    Source::ALL
        .iter()
        .map(|&source| Effect::Load {
            source,
            generation: 1,
        })
        .collect()
}

const TOPIC: &str = "arn:aws:sns:us-east-1:1:events";

fn loaded_app() -> App {
    let mut app = app();
    assert_eq!(start(&mut app), load_effects());
    update(
        &mut app,
        Action::QueuesLoaded {
            generation: 1,
            queues: vec![
                queue("orders", 4, Some("orders-dlq")),
                queue("orders-dlq", 9, None),
                queue("payments", 0, Some("payments-dlq")),
                queue("payments-dlq", 0, None),
            ],
        },
    );
    update(
        &mut app,
        Action::QueuesFinished {
            generation: 1,
            listed: 4,
            failed: 0,
        },
    );
    update(
        &mut app,
        Action::TopicsLoaded {
            generation: 1,
            topics: vec![Topic::from_attributes(TOPIC, BTreeMap::new())],
        },
    );
    update(
        &mut app,
        Action::SubscriptionsLoaded {
            generation: 1,
            subscriptions: vec![Subscription::listed(
                "arn:aws:sns:us-east-1:1:events:1",
                TOPIC,
                "sqs",
                "arn:aws:sqs:us-east-1:1:orders",
                None,
            )],
        },
    );
    update(
        &mut app,
        Action::MappingsLoaded {
            generation: 1,
            mappings: vec![EventSourceMapping {
                uuid: "m".into(),
                function_arn: "arn:aws:lambda:us-east-1:1:function:worker".into(),
                event_source_arn: "arn:aws:sqs:us-east-1:1:orders".into(),
                state: "Enabled".into(),
                batch_size: Some(10),
            }],
        },
    );
    update(
        &mut app,
        Action::FunctionsLoaded {
            generation: 1,
            functions: Vec::new(),
        },
    );
    assert!(!app.loading());
    app
}

fn table(app: &App) -> &TableView {
    match app.view() {
        View::Table(table) => table,
        other => panic!("expected a table, got {other:?}"),
    }
}

fn selected(app: &App) -> Option<String> {
    table(app).state.selected_row().map(|r| r.cells[0].clone())
}

fn shown(app: &App) -> usize {
    table(app).state.shown()
}

#[test]
fn start_loads_every_source_once_and_collapses_refreshes_in_flight() {
    let mut app = app();
    assert_eq!(start(&mut app), load_effects());
    assert!(app.loading());
    assert_eq!(press(&mut app, KeyCode::Char('r')), Vec::new());
    assert_eq!(app.load(Source::Queues).generation, 1);
}

#[test]
fn rows_stream_in_and_stale_generations_are_ignored() {
    let mut app = app();
    start(&mut app);
    update(
        &mut app,
        Action::QueuesLoaded {
            generation: 1,
            queues: vec![queue("a", 1, None)],
        },
    );
    assert_eq!(shown(&app), 1);
    update(
        &mut app,
        Action::QueuesLoaded {
            generation: 0,
            queues: vec![queue("old", 1, None)],
        },
    );
    assert_eq!(shown(&app), 1);
    update(
        &mut app,
        Action::QueuesLoaded {
            generation: 1,
            queues: vec![queue("b", 1, None)],
        },
    );
    update(
        &mut app,
        Action::QueuesFinished {
            generation: 1,
            listed: 2,
            failed: 0,
        },
    );
    assert_eq!(shown(&app), 2);
    assert!(!app.load(Source::Queues).in_flight);
    assert_eq!(app.queues_refreshed, Some(t(0)));
}

#[test]
fn periodic_refresh_reloads_queues_and_prunes_deleted_ones() {
    let mut app = loaded_app();
    assert_eq!(update(&mut app, Action::Tick(t(10))), Vec::new());
    assert_eq!(
        update(&mut app, Action::Tick(t(31))),
        vec![Effect::Load {
            source: Source::Queues,
            generation: 2
        }]
    );
    assert_eq!(
        update(&mut app, Action::Tick(t(62))),
        Vec::new(),
        "one refresh at a time"
    );
    update(
        &mut app,
        Action::QueuesLoaded {
            generation: 2,
            queues: vec![queue("orders", 5, Some("orders-dlq"))],
        },
    );
    update(
        &mut app,
        Action::QueuesFinished {
            generation: 2,
            listed: 1,
            failed: 0,
        },
    );
    assert_eq!(shown(&app), 1);
}

#[test]
fn a_failed_listing_keeps_rows_and_reports_in_the_status_bar() {
    let mut app = loaded_app();
    press(&mut app, KeyCode::Char('r'));
    update(
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
    update(
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
    update(
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
    assert_eq!(app.mode, Mode::Normal);
    assert_eq!(shown(&app), 2);
    press(&mut app, KeyCode::Esc);
    assert_eq!(shown(&app), 4);

    press(&mut app, KeyCode::Char('/'));
    type_text(&mut app, "!dlq");
    assert_eq!(shown(&app), 2);
    press(&mut app, KeyCode::Esc);
    assert_eq!(app.mode, Mode::Normal);
    assert_eq!(shown(&app), 4);
}

#[test]
fn bad_regex_keeps_the_last_good_filter_and_the_prompt() {
    let mut app = loaded_app();
    press(&mut app, KeyCode::Char('/'));
    type_text(&mut app, "pay(");
    assert_eq!(shown(&app), 2, "the filter 'pay' still applies");
    press(&mut app, KeyCode::Enter);
    match &app.mode {
        Mode::Filter(prompt) => {
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
    match &app.mode {
        Mode::Command(prompt) => assert_eq!(prompt.text(), "top"),
        other => panic!("expected command mode, got {other:?}"),
    }
    type_text(&mut app, "ics");
    press(&mut app, KeyCode::Enter);
    assert_eq!(table(&app).kind, TableKind::Topics);
    assert_eq!(app.breadcrumb(), ["topics"]);

    press(&mut app, KeyCode::Char(':'));
    type_text(&mut app, "bogus");
    press(&mut app, KeyCode::Enter);
    assert_eq!(app.mode, Mode::Normal);
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
    assert!(
        matches!(app.view(), View::Describe { target: Target::Queue(url), .. } if url == "https://sqs/1/orders")
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
    assert!(
        matches!(app.view(), View::Describe { target: Target::Queue(url), .. } if url == "https://sqs/1/orders-dlq")
    );
    assert_eq!(
        press(&mut app, KeyCode::Char('y')),
        vec![Effect::Copy("https://sqs/1/orders-dlq".into())]
    );
    press(&mut app, KeyCode::Esc);

    press(&mut app, KeyCode::Char('t'));
    match app.view() {
        View::Topology(tree) => {
            let line = tree.selected_line().expect("a selected line");
            assert_eq!(line.text, "DLQ orders-dlq");
        }
        other => panic!("expected the topology, got {other:?}"),
    }
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
        .rows()
        .map(|r| r.cells[0].clone())
        .collect();
    assert_eq!(names, ["orders-dlq", "payments-dlq"]);
}

#[test]
fn help_opens_scrolls_and_closes_without_quitting() {
    let mut app = loaded_app();
    press(&mut app, KeyCode::Char('?'));
    assert_eq!(app.mode, Mode::Help { scroll: 0 });
    press(&mut app, KeyCode::Char('j'));
    assert_eq!(app.mode, Mode::Help { scroll: 1 });
    assert_eq!(press(&mut app, KeyCode::Char('q')), Vec::new());
    assert_eq!(app.mode, Mode::Normal);
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
            .rows()
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
    update(
        &mut app,
        Action::SourceFailed {
            source: Source::Queues,
            generation: 2,
            error: refused("ListQueues"),
        },
    );
    update(
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

    // The periodic refresh retries the queues, and this time they load.
    assert_eq!(
        update(&mut app, Action::Tick(t(31))),
        vec![Effect::Load {
            source: Source::Queues,
            generation: 3
        }]
    );
    update(
        &mut app,
        Action::QueuesFinished {
            generation: 3,
            listed: 0,
            failed: 0,
        },
    );
    assert_eq!(app.message, None);
}
