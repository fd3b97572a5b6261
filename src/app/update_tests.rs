use std::collections::BTreeMap;
use std::time::{Duration, SystemTime};

use ratatui::crossterm::event::{KeyCode, KeyEvent, KeyModifiers};

use super::*;
use crate::aws::{ApiError, ConnectionInfo};
use crate::config::Config;
use crate::domain::{Queue, QueueCounts, RedrivePolicy};

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

fn queue(name: &str, visible: u64, dlq: Option<&str>) -> Queue {
    Queue {
        name: name.to_string(),
        url: format!("https://sqs/1/{name}"),
        arn: format!("arn:aws:sqs:us-east-1:1:{name}"),
        fifo: false,
        counts: QueueCounts {
            visible,
            in_flight: 0,
            delayed: 0,
        },
        redrive: dlq.map(|d| RedrivePolicy {
            dead_letter_target_arn: format!("arn:aws:sqs:us-east-1:1:{d}"),
            max_receive_count: 3,
        }),
        attributes: BTreeMap::new(),
    }
}

fn press(app: &mut App, code: KeyCode) -> Vec<Effect> {
    update(app, Action::Key(KeyEvent::new(code, KeyModifiers::NONE)))
}

fn type_text(app: &mut App, text: &str) {
    for c in text.chars() {
        press(app, KeyCode::Char(c));
    }
}

fn loaded_app() -> App {
    let mut app = app();
    assert_eq!(start(&mut app), vec![Effect::LoadQueues { generation: 1 }]);
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
    app
}

fn selected(app: &App) -> Option<&str> {
    app.queues.selected_queue().map(|q| q.name.as_str())
}

#[test]
fn start_loads_once_and_collapses_refreshes_in_flight() {
    let mut app = app();
    assert_eq!(start(&mut app), vec![Effect::LoadQueues { generation: 1 }]);
    assert!(app.load.in_flight);
    assert_eq!(press(&mut app, KeyCode::Char('r')), Vec::new());
    assert_eq!(app.load.generation, 1);
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
    assert_eq!(app.queues.total(), 1);
    assert!(app.load.in_flight);
    update(
        &mut app,
        Action::QueuesLoaded {
            generation: 0,
            queues: vec![queue("old", 1, None)],
        },
    );
    assert_eq!(app.queues.total(), 1);
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
    assert_eq!(app.queues.total(), 2);
    assert!(!app.load.in_flight);
    assert_eq!(app.load.last_finished, Some(t(0)));
}

#[test]
fn periodic_refresh_starts_after_the_interval_and_prunes_deleted_queues() {
    let mut app = loaded_app();
    assert_eq!(update(&mut app, Action::Tick(t(10))), Vec::new());
    assert_eq!(
        update(&mut app, Action::Tick(t(31))),
        vec![Effect::LoadQueues { generation: 2 }]
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
    assert_eq!(app.queues.total(), 1);
}

#[test]
fn load_failure_keeps_rows_and_reports_in_the_status_bar() {
    let mut app = loaded_app();
    press(&mut app, KeyCode::Char('r'));
    update(
        &mut app,
        Action::QueueLoadFailed {
            generation: 2,
            error: ApiError::Connection("ListQueues: connection refused".into()),
        },
    );
    assert_eq!(app.queues.total(), 4);
    assert!(!app.load.in_flight);
    let message = app.message.clone().expect("message");
    assert_eq!(message.level, Level::Error);
    assert!(message.text.contains("connection refused"));
}

#[test]
fn vim_keys_move_the_selection() {
    let mut app = loaded_app();
    assert_eq!(selected(&app), Some("orders"));
    press(&mut app, KeyCode::Char('j'));
    assert_eq!(selected(&app), Some("orders-dlq"));
    press(&mut app, KeyCode::Char('G'));
    assert_eq!(selected(&app), Some("payments-dlq"));
    press(&mut app, KeyCode::Char('k'));
    assert_eq!(selected(&app), Some("payments"));
    press(&mut app, KeyCode::Char('g'));
    assert_eq!(selected(&app), Some("orders"));
    update(
        &mut app,
        Action::Key(KeyEvent::new(KeyCode::Char('d'), KeyModifiers::CONTROL)),
    );
    assert_eq!(
        selected(&app),
        Some("payments-dlq"),
        "half a page of 20 rows goes to the end"
    );
}

#[test]
fn filter_applies_live_inverts_and_esc_clears() {
    let mut app = loaded_app();
    press(&mut app, KeyCode::Char('/'));
    type_text(&mut app, "dlq");
    assert_eq!(app.queues.shown(), 2);
    press(&mut app, KeyCode::Enter);
    assert_eq!(app.mode, Mode::Normal);
    assert_eq!(app.queues.shown(), 2);
    press(&mut app, KeyCode::Esc);
    assert_eq!(app.queues.shown(), 4);

    press(&mut app, KeyCode::Char('/'));
    type_text(&mut app, "!dlq");
    assert_eq!(app.queues.shown(), 2);
    assert_eq!(
        selected(&app),
        Some("orders"),
        "an untouched selection stays on the first row"
    );
    press(&mut app, KeyCode::Esc);
    assert_eq!(app.mode, Mode::Normal);
    assert_eq!(app.queues.shown(), 4);
}

#[test]
fn bad_regex_keeps_the_last_good_filter_and_the_prompt() {
    let mut app = loaded_app();
    press(&mut app, KeyCode::Char('/'));
    type_text(&mut app, "pay(");
    assert_eq!(app.queues.shown(), 2, "the filter 'pay' still applies");
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
    press(&mut app, KeyCode::Enter);
    assert!(matches!(app.view(), View::QueueDetail { .. }));
    press(&mut app, KeyCode::Char(':'));
    type_text(&mut app, "que");
    press(&mut app, KeyCode::Tab);
    match &app.mode {
        Mode::Command(prompt) => assert_eq!(prompt.text(), "queues"),
        other => panic!("expected command mode, got {other:?}"),
    }
    press(&mut app, KeyCode::Enter);
    assert_eq!(app.stack, vec![View::Queues]);

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
fn enter_drills_in_and_esc_goes_back() {
    let mut app = loaded_app();
    press(&mut app, KeyCode::Char('j'));
    press(&mut app, KeyCode::Enter);
    assert_eq!(app.breadcrumb(), ["queues", "orders-dlq"]);
    press(&mut app, KeyCode::Esc);
    assert_eq!(app.breadcrumb(), ["queues"]);
    press(&mut app, KeyCode::Esc);
    assert_eq!(app.breadcrumb(), ["queues"]);
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
    let names: Vec<_> = app.queues.rows().map(|q| q.name.clone()).collect();
    assert_eq!(names, ["orders-dlq", "orders", "payments", "payments-dlq"]);
    press(&mut app, KeyCode::Char('S'));
    let names: Vec<_> = app.queues.rows().map(|q| q.name.clone()).collect();
    assert_eq!(names, ["payments", "payments-dlq", "orders", "orders-dlq"]);
}
