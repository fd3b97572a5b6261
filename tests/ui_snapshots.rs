//! Snapshot tests of every view, drawn on ratatui's TestBackend.

use std::collections::BTreeMap;
use std::time::{Duration, SystemTime};

use ratatui::Terminal;
use ratatui::backend::TestBackend;
use ratatui::crossterm::event::{KeyCode, KeyEvent, KeyModifiers};
use squall::app::{Action, App, update};
use squall::aws::{ApiError, ConnectionInfo};
use squall::config::Config;
use squall::domain::{Queue, QueueCounts, RedrivePolicy};
use squall::ui::{self, Theme};

fn t(seconds: u64) -> SystemTime {
    SystemTime::UNIX_EPOCH + Duration::from_secs(1_800_000_000 + seconds)
}

fn queue(name: &str, counts: (u64, u64, u64), dlq: Option<(&str, u32)>) -> Queue {
    let mut attributes = BTreeMap::new();
    attributes.insert(
        "QueueArn".to_string(),
        format!("arn:aws:sqs:us-east-1:123456789012:{name}"),
    );
    attributes.insert("VisibilityTimeout".to_string(), "30".to_string());
    if let Some((target, max)) = dlq {
        attributes.insert(
            "RedrivePolicy".to_string(),
            format!(r#"{{"deadLetterTargetArn":"arn:aws:sqs:us-east-1:123456789012:{target}","maxReceiveCount":{max}}}"#),
        );
    }
    Queue {
        name: name.to_string(),
        url: format!("https://sqs.us-east-1.amazonaws.com/123456789012/{name}"),
        arn: format!("arn:aws:sqs:us-east-1:123456789012:{name}"),
        fifo: name.ends_with(".fifo"),
        counts: QueueCounts {
            visible: counts.0,
            in_flight: counts.1,
            delayed: counts.2,
        },
        redrive: dlq.map(|(target, max)| RedrivePolicy {
            dead_letter_target_arn: format!("arn:aws:sqs:us-east-1:123456789012:{target}"),
            max_receive_count: max,
        }),
        attributes,
    }
}

fn fleet() -> Vec<Queue> {
    vec![
        queue("orders", (42, 8, 2), Some(("orders-dlq", 5))),
        queue("orders-dlq", (0, 0, 0), None),
        queue("payments.fifo", (3, 1, 0), Some(("payments-dlq.fifo", 3))),
        queue("payments-dlq.fifo", (17, 0, 0), None),
        queue(
            "customer-notification-preferences-synchronisation-worker",
            (1_250_000, 640, 0),
            Some((
                "customer-notification-preferences-synchronisation-worker-dlq",
                10,
            )),
        ),
        queue(
            "customer-notification-preferences-synchronisation-worker-dlq",
            (3, 0, 0),
            None,
        ),
        queue("reports-adhoc", (0, 0, 0), None),
    ]
}

fn app_with(info: ConnectionInfo, read_only: bool) -> App {
    let config = Config::defaults().expect("defaults");
    let mut app = App::new(
        info,
        read_only,
        config.keymap,
        Some(Duration::from_secs(30)),
        t(0),
    );
    squall::app::update::start(&mut app);
    app
}

fn loaded_app() -> App {
    let mut app = app_with(
        ConnectionInfo {
            profile: Some("prod-ops".into()),
            region: "eu-west-1".into(),
            endpoint: None,
            demo: false,
        },
        false,
    );
    update(
        &mut app,
        Action::QueuesLoaded {
            generation: 1,
            queues: fleet(),
        },
    );
    update(
        &mut app,
        Action::QueuesFinished {
            generation: 1,
            listed: 7,
            failed: 0,
        },
    );
    update(&mut app, Action::Tick(t(12)));
    app
}

fn press(app: &mut App, code: KeyCode) {
    update(app, Action::Key(KeyEvent::new(code, KeyModifiers::NONE)));
}

fn render(app: &mut App, width: u16, height: u16) -> String {
    let theme = Theme::new(Config::defaults().expect("defaults").colors, true, false);
    let table_rows = ui::table_rows_for(height, app);
    update(app, Action::Resize { table_rows });
    let mut terminal = Terminal::new(TestBackend::new(width, height)).expect("terminal");
    terminal
        .draw(|frame| ui::draw(frame, app, &theme))
        .expect("draw");
    terminal.backend().to_string()
}

#[test]
fn queue_view_at_80x24() {
    let mut app = loaded_app();
    insta::assert_snapshot!(render(&mut app, 80, 24));
}

#[test]
fn queue_view_at_120x30_sorted_by_visible() {
    let mut app = loaded_app();
    press(&mut app, KeyCode::Char('s'));
    press(&mut app, KeyCode::Char('s'));
    press(&mut app, KeyCode::Char('j'));
    insta::assert_snapshot!(render(&mut app, 120, 30));
}

#[test]
fn queue_view_while_loading() {
    let mut app = app_with(
        ConnectionInfo {
            region: "us-east-1".into(),
            ..ConnectionInfo::default()
        },
        false,
    );
    insta::assert_snapshot!("loading_empty", render(&mut app, 80, 12));
    update(
        &mut app,
        Action::QueuesLoaded {
            generation: 1,
            queues: fleet()[..2].to_vec(),
        },
    );
    insta::assert_snapshot!("loading_first_rows", render(&mut app, 80, 12));
}

#[test]
fn filter_prompt_and_filtered_table() {
    let mut app = loaded_app();
    press(&mut app, KeyCode::Char('/'));
    for c in "dlq".chars() {
        press(&mut app, KeyCode::Char(c));
    }
    insta::assert_snapshot!(render(&mut app, 80, 14));
}

#[test]
fn filter_prompt_with_bad_regex() {
    let mut app = loaded_app();
    press(&mut app, KeyCode::Char('/'));
    for c in "ord[".chars() {
        press(&mut app, KeyCode::Char(c));
    }
    insta::assert_snapshot!(render(&mut app, 80, 14));
}

#[test]
fn command_bar_with_completions() {
    let mut app = loaded_app();
    press(&mut app, KeyCode::Char(':'));
    press(&mut app, KeyCode::Char('q'));
    insta::assert_snapshot!(render(&mut app, 80, 12));
}

#[test]
fn help_screen() {
    let mut app = loaded_app();
    press(&mut app, KeyCode::Char('?'));
    insta::assert_snapshot!(render(&mut app, 80, 40));
}

#[test]
fn status_bar_with_error_read_only_and_endpoint() {
    let mut app = app_with(
        ConnectionInfo {
            profile: Some("staging".into()),
            region: "us-east-1".into(),
            endpoint: Some("http://127.0.0.1:4566".into()),
            demo: false,
        },
        true,
    );
    update(
        &mut app,
        Action::QueueLoadFailed {
            generation: 1,
            error: ApiError::Connection("ListQueues: connection refused".into()),
        },
    );
    update(&mut app, Action::Tick(t(75)));
    insta::assert_snapshot!(render(&mut app, 80, 10));
}

#[test]
fn queue_detail_view() {
    let mut app = loaded_app();
    press(&mut app, KeyCode::Enter);
    insta::assert_snapshot!(render(&mut app, 80, 16));
}

#[test]
fn ascii_theme_without_utf8() {
    let mut app = loaded_app();
    let theme = Theme::new(Config::defaults().expect("defaults").colors, false, true);
    let table_rows = ui::table_rows_for(12, &app);
    update(&mut app, Action::Resize { table_rows });
    let mut terminal = Terminal::new(TestBackend::new(80, 12)).expect("terminal");
    terminal
        .draw(|frame| ui::draw(frame, &app, &theme))
        .expect("draw");
    insta::assert_snapshot!(terminal.backend().to_string());
}
