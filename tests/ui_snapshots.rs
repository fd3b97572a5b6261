//! Snapshot tests of every view, drawn on ratatui's TestBackend from the frozen demo
//! fleet (the same data `squall --demo` shows, with counts that do not drift).

mod support;

use std::time::Duration;

use ratatui::crossterm::event::KeyCode;
use squall::app::{Action, App, update};
use squall::aws::{ApiError, ConnectionInfo};
use squall::config::Config;
use squall::domain::message::{AttributeValue, ReceivedMessage};
use squall::inventory::{Source, collect_inventory};
use squall::sim::{self, SimFleet};
use squall::ui::Theme;
use support::sim_app::*;

/// A started app that refreshes every 30 seconds.
fn new_app(info: ConnectionInfo, read_only: bool) -> App {
    started_app(info, read_only, Some(Duration::from_secs(30)), t(0))
}

/// An app that has loaded the whole demo fleet, 12 seconds ago.
fn demo_app() -> App {
    let backend = sim::backend(SimFleet::demo().frozen());
    let collected = runtime().block_on(collect_inventory(&backend, 4, &Source::ALL));
    let mut app = new_app(prod_ops("eu-west-1"), false);
    load(&mut app, &collected.inventory);
    let _ = update(&mut app, Action::Tick(t(12)));
    app
}

fn render(app: &mut App, width: u16, height: u16) -> String {
    let theme = Theme::new(Config::defaults().expect("defaults").colors, true, false);
    draw(app, width, height, &theme)
}

#[test]
fn queue_view_at_80x24() {
    let mut app = demo_app();
    insta::assert_snapshot!(render(&mut app, 80, 24));
}

#[test]
fn queue_view_at_120x30_sorted_by_visible() {
    let mut app = demo_app();
    type_keys(&mut app, "ssj");
    insta::assert_snapshot!(render(&mut app, 120, 30));
}

#[test]
fn queue_view_while_loading() {
    let mut app = new_app(
        ConnectionInfo {
            region: "us-east-1".into(),
            ..ConnectionInfo::default()
        },
        false,
    );
    insta::assert_snapshot!("loading_empty", render(&mut app, 80, 12));
    let demo = demo_app();
    let _ = update(
        &mut app,
        Action::QueuesLoaded {
            generation: 1,
            queues: demo.inventory.queues()[..2].to_vec(),
        },
    );
    insta::assert_snapshot!("loading_first_rows", render(&mut app, 80, 12));
}

#[test]
fn filter_prompt_and_filtered_table() {
    let mut app = demo_app();
    press(&mut app, KeyCode::Char('/'));
    type_keys(&mut app, "dlq");
    insta::assert_snapshot!(render(&mut app, 80, 16));
}

#[test]
fn filter_prompt_with_bad_regex() {
    let mut app = demo_app();
    press(&mut app, KeyCode::Char('/'));
    type_keys(&mut app, "ord[");
    insta::assert_snapshot!(render(&mut app, 80, 10));
}

#[test]
fn command_bar_with_completions() {
    let mut app = demo_app();
    press(&mut app, KeyCode::Char(':'));
    type_keys(&mut app, "t");
    insta::assert_snapshot!(render(&mut app, 80, 10));
}

#[test]
fn help_screen() {
    let mut app = demo_app();
    press(&mut app, KeyCode::Char('?'));
    insta::assert_snapshot!(render(&mut app, 80, 48));
}

#[test]
fn status_bar_with_error_read_only_and_endpoint() {
    let mut app = new_app(
        ConnectionInfo {
            profile: Some("staging".into()),
            region: "us-east-1".into(),
            endpoint: Some("http://127.0.0.1:4566".into()),
            demo: false,
        },
        true,
    );
    let _ = update(
        &mut app,
        Action::SourceFailed {
            source: Source::Queues,
            generation: 1,
            error: ApiError::connection("ListQueues", "connection refused"),
        },
    );
    let _ = update(&mut app, Action::Tick(t(75)));
    insta::assert_snapshot!(render(&mut app, 80, 10));
}

#[test]
fn queue_describe_pane() {
    let mut app = demo_app();
    type_keys(&mut app, "/^orders$");
    press(&mut app, KeyCode::Enter);
    press(&mut app, KeyCode::Char('d'));
    insta::assert_snapshot!(render(&mut app, 80, 30));
}

#[test]
fn queue_describe_pane_shows_its_doctor_findings() {
    // search-indexer's visibility timeout is the demo's planted misconfiguration.
    let mut app = demo_app();
    type_keys(&mut app, "/^search-indexer$");
    press(&mut app, KeyCode::Enter);
    press(&mut app, KeyCode::Char('d'));
    insta::assert_snapshot!(render(&mut app, 120, 16));
}

#[test]
fn on_failure_destination_describe_pane_names_its_function() {
    let mut app = demo_app();
    type_keys(&mut app, "/^shipping-notifier-failures$");
    press(&mut app, KeyCode::Enter);
    press(&mut app, KeyCode::Char('d'));
    let screen = render(&mut app, 130, 8);
    assert!(
        screen.contains("on-failure destination of shipping-notifier (max retries"),
        "{screen}"
    );
    insta::assert_snapshot!(screen);
}

#[test]
fn ascii_theme_without_utf8() {
    let mut app = demo_app();
    let theme = Theme::new(Config::defaults().expect("defaults").colors, false, true);
    insta::assert_snapshot!(draw(&mut app, 80, 12, &theme));
}

#[test]
fn topics_view() {
    let mut app = demo_app();
    command(&mut app, "topics");
    insta::assert_snapshot!(render(&mut app, 100, 12));
}

#[test]
fn topic_subscriptions_view() {
    let mut app = demo_app();
    command(&mut app, "topics");
    press(&mut app, KeyCode::Enter);
    insta::assert_snapshot!(render(&mut app, 120, 12));
}

#[test]
fn subscriptions_view_at_80() {
    let mut app = demo_app();
    command(&mut app, "subs");
    insta::assert_snapshot!(render(&mut app, 80, 20));
}

#[test]
fn dlq_view() {
    let mut app = demo_app();
    command(&mut app, "dlq");
    insta::assert_snapshot!(render(&mut app, 100, 18));
}

#[test]
fn lambdas_view() {
    let mut app = demo_app();
    command(&mut app, "lambdas");
    insta::assert_snapshot!(render(&mut app, 100, 16));
}

#[test]
fn lambdas_view_when_listing_is_denied() {
    let mut app = new_app(
        ConnectionInfo {
            region: "us-east-1".into(),
            ..ConnectionInfo::default()
        },
        false,
    );
    command(&mut app, "lambdas");
    let _ = update(
        &mut app,
        Action::SourceFailed {
            source: Source::Functions,
            generation: 1,
            error: ApiError::access_denied("ListFunctions", "not authorized")
                .with_code("AccessDeniedException"),
        },
    );
    insta::assert_snapshot!(render(&mut app, 100, 10));
}

#[test]
fn topology_tree() {
    let mut app = demo_app();
    command(&mut app, "topology");
    insta::assert_snapshot!(render(&mut app, 120, 70));
}

#[test]
fn topology_at_80x24_from_a_queue_row() {
    let mut app = demo_app();
    type_keys(&mut app, "/^search-indexer$");
    press(&mut app, KeyCode::Enter);
    press(&mut app, KeyCode::Char('t'));
    insta::assert_snapshot!(render(&mut app, 80, 24));
}

#[test]
fn topology_ascii() {
    let mut app = demo_app();
    command(&mut app, "topology");
    let theme = Theme::new(Config::defaults().expect("defaults").colors, false, true);
    insta::assert_snapshot!(draw(&mut app, 100, 20, &theme));
}

#[test]
fn topic_describe_pane() {
    let mut app = demo_app();
    command(&mut app, "topics");
    press(&mut app, KeyCode::Char('d'));
    insta::assert_snapshot!(render(&mut app, 80, 14));
}

#[test]
fn every_view_draws_at_tiny_sizes_without_panicking() {
    for command_name in [
        "queues", "dlq", "topics", "subs", "lambdas", "topology", "jobs",
    ] {
        for (width, height) in [(1, 1), (10, 3), (30, 8), (80, 24)] {
            let mut app = demo_app();
            command(&mut app, command_name);
            render(&mut app, width, height);
            press(&mut app, KeyCode::Char('d'));
            render(&mut app, width, height);
            press(&mut app, KeyCode::Char('?'));
            render(&mut app, width, height);
        }
    }
}

#[test]
fn jobs_view_with_running_and_ended_jobs() {
    let mut app = demo_app();
    // A refresh in flight beside the loads that ended.
    press(&mut app, KeyCode::Char('r'));
    let _ = update(
        &mut app,
        Action::QueuesLoaded {
            generation: 2,
            queues: Vec::new(),
        },
    );
    let queue_load = app.load(Source::Queues).job.expect("queue load job");
    let _ = update(
        &mut app,
        Action::JobProgress {
            id: queue_load,
            progress: squall::app::jobs::Progress {
                done: 250,
                total: Some(1000),
            },
        },
    );
    command(&mut app, "jobs");
    insta::assert_snapshot!(render(&mut app, 100, 16));
}

#[test]
fn purge_confirm_dialog_asks_for_the_name() {
    let mut app = demo_app();
    command(&mut app, "dlq");
    press(&mut app, KeyCode::Char('P'));
    type_keys(&mut app, "webhooks");
    insta::assert_snapshot!(render(&mut app, 80, 24));
}

#[test]
fn read_only_offers_no_purge() {
    let mut app = demo_app();
    app.read_only = true;
    command(&mut app, "dlq");
    press(&mut app, KeyCode::Char('P'));
    let screen = render(&mut app, 120, 24);
    assert!(!screen.contains("Purge queue"), "{screen}");
    assert!(!screen.contains("<P> purge"), "{screen}");
    assert!(screen.contains("read-only"), "{screen}");
}

#[test]
fn topology_and_tables_badge_a_failed_listing_alike() {
    let mut app = demo_app();
    app.inventory.set_error(
        Source::Functions,
        ApiError::server("ListFunctions", "internal error").with_status(500),
    );
    app.inventory.set_error(
        Source::EventSourceMappings,
        ApiError::unavailable("ListEventSourceMappings", "not implemented"),
    );
    for view in ["topology", "lambdas"] {
        command(&mut app, view);
        let screen = render(&mut app, 160, 12);
        assert!(
            screen.contains("! Lambda functions: ListFunctions failed"),
            "{view}:\n{screen}"
        );
        assert!(
            screen.contains("! event source mappings: ListEventSourceMappings unavailable"),
            "{view}:\n{screen}"
        );
    }
}

#[test]
fn narrow_tables_keep_the_name_and_drop_counts() {
    let mut app = demo_app();
    let screen = render(&mut app, 40, 10);
    assert!(screen.contains("audit-log-dlq"), "{screen}");
    assert!(!screen.contains("MAX RECV"), "{screen}");
}

/// A received message as SQS hands it out, sent `age` seconds before the demo's clock.
fn received(id: &str, body: &str, receives: u64, age: u64) -> ReceivedMessage {
    let sent_ms = (1_800_000_012 - age) * 1000;
    let attributes = [
        ("ApproximateReceiveCount", receives.to_string()),
        ("SentTimestamp", sent_ms.to_string()),
        (
            "ApproximateFirstReceiveTimestamp",
            (sent_ms + 500).to_string(),
        ),
    ];
    ReceivedMessage {
        message_id: id.into(),
        receipt_handle: "h".into(),
        body: body.into(),
        md5_of_body: None,
        attributes: attributes.map(|(k, v)| (k.to_string(), v)).into(),
        message_attributes: [("tenant".to_string(), AttributeValue::string("acme"))].into(),
    }
}

/// The demo app with the viewer open on `messages`, peeked from orders (maxReceiveCount 5).
fn viewer_app(messages: Vec<ReceivedMessage>) -> App {
    let mut app = demo_app();
    open_viewer(&mut app, messages);
    app
}

#[test]
fn message_viewer_list_and_json_detail() {
    let mut app = viewer_app(vec![
        received(
            "0f3c1a52-7d1e-4e55-9a0b-2c1d3e4f5a6b",
            r#"{"event":"order_placed","order":{"id":7,"total":12.5,"gift":false,"note":null},"tags":["a","b"]}"#,
            2,
            95,
        ),
        received(
            "8a1b2c3d-0000-4000-8000-000000000001",
            "plain text\n\u{1b}]52;c;cm0=\u{7}\u{1b}[2J",
            5,
            4000,
        ),
        received("8a1b2c3d-0000-4000-8000-000000000002", "", 1, 30),
    ]);
    insta::assert_snapshot!("message_viewer_json_80x24", render(&mut app, 80, 24));
    press(&mut app, KeyCode::Char('j'));
    insta::assert_snapshot!(
        "message_viewer_escaped_text_120x30",
        render(&mut app, 120, 30)
    );
}

#[test]
fn message_viewer_sns_envelope_unwrapped_and_raw() {
    let envelope = r#"{"Type":"Notification","MessageId":"5e1d-sns","TopicArn":"arn:aws:sns:eu-west-1:123456789012:order-events","Subject":"Order","Message":"{\"event\":\"order_placed\",\"id\":7}","Timestamp":"2027-01-15T07:58:00.000Z","SignatureVersion":"1","Signature":"EXAMPLE","MessageAttributes":{"type":{"Type":"String","Value":"order_placed"}}}"#;
    let mut app = viewer_app(vec![received(
        "c0ffee00-1111-4222-8333-444455556666",
        envelope,
        3,
        120,
    )]);
    insta::assert_snapshot!("message_viewer_envelope", render(&mut app, 100, 34));
    press(&mut app, KeyCode::Char('v'));
    insta::assert_snapshot!("message_viewer_envelope_raw", render(&mut app, 100, 34));
}

#[test]
fn message_viewer_hex_for_a_binary_body_and_on_v() {
    let mut app = viewer_app(vec![
        received(
            "b1b1b1b1-0000-4000-8000-000000000001",
            "\u{0}\u{1}\u{2}\u{3}\u{1b}]52;c;cm0=\u{7}PK\u{3}\u{4}\u{14}\u{0}\u{8}\u{0}payload",
            1,
            60,
        ),
        received(
            "b1b1b1b1-0000-4000-8000-000000000002",
            "plain text body",
            1,
            30,
        ),
    ]);
    insta::assert_snapshot!("message_viewer_hex_binary", render(&mut app, 100, 30));
    press(&mut app, KeyCode::Char('j'));
    press(&mut app, KeyCode::Char('v'));
    insta::assert_snapshot!("message_viewer_hex_on_v", render(&mut app, 100, 30));
}

#[test]
fn peek_confirm_dialog_states_the_risk() {
    let mut app = demo_app();
    command(&mut app, "queues");
    press(&mut app, KeyCode::Char('p'));
    insta::assert_snapshot!(render(&mut app, 80, 24));
}
