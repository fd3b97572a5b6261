//! AWS-provided text never reaches the terminal raw: for arbitrary strings (biased toward
//! ESC sequences, C1 codes, bidi controls and line breaks) carried in queue, topic,
//! subscription and function names, filter policies, attributes and error messages, neither
//! the `ls` output nor any cell the TUI draws holds a control or bidi character; nor do the
//! health board's alarm and redrive rows, nor the logs view's lines, signatures and
//! invocations.

mod support;

use std::collections::BTreeMap;

use proptest::prelude::*;
use ratatui::Terminal;
use ratatui::backend::TestBackend;
use ratatui::crossterm::event::KeyCode;
use squall::app::{Action, App, update};
use squall::aws::{ApiError, ConnectionInfo};
use squall::config::Config;
use squall::domain::message::MoveTask;
use squall::domain::untrusted::is_unsafe;
use squall::domain::{
    Alarm, AlarmMetric, EventSourceMapping, LambdaFunction, Queue, Subscription, Topic,
};
use squall::inventory::{Inventory, Source};
use squall::output;
use squall::resource_rows::TableKind;
use squall::ui::{self, Theme};
use support::sim_app::{command, press, started_app, t};

const REGION: &str = "us-east-1";
const ACCOUNT: &str = "123456789012";

/// Strings made of pieces that attack terminals, mixed with ordinary and arbitrary text.
fn untrusted_text() -> impl Strategy<Value = String> {
    let piece = prop_oneof![
        3 => any::<char>().prop_map(String::from),
        2 => "[a-z0-9-]{1,6}",
        1 => Just("\u{1b}]52;c;cm0gLXJmIH4=\u{7}".to_string()),
        1 => Just("\u{1b}[2J\u{1b}[H".to_string()),
        1 => Just("\u{1b}[31m".to_string()),
        1 => Just("\u{1b}P+q\u{1b}\\".to_string()),
        2 => (0x80u32..=0x9f).prop_map(|c| char::from_u32(c).map(String::from).unwrap_or_default()),
        2 => prop::sample::select(vec![
            '\u{061C}', '\u{200E}', '\u{200F}', '\u{202A}', '\u{202B}', '\u{202C}', '\u{202D}',
            '\u{202E}', '\u{2066}', '\u{2067}', '\u{2068}', '\u{2069}', '\u{2028}', '\u{2029}',
        ])
        .prop_map(String::from),
        2 => prop::sample::select(vec!['\n', '\r', '\t', '\0', '\u{7}', '\u{8}', '\u{7f}'])
            .prop_map(String::from),
        1 => Just("\"\\".to_string()),
    ];
    prop::collection::vec(piece, 0..12).prop_map(|pieces| pieces.concat())
}

/// An inventory where `text` sits in every field an AWS response can fill.
fn inventory_carrying(text: &str) -> Inventory {
    let attributes = |pairs: &[(&str, String)]| -> BTreeMap<String, String> {
        pairs
            .iter()
            .map(|(k, v)| (k.to_string(), v.clone()))
            .collect()
    };
    let queue_arn = format!("arn:aws:sqs:{REGION}:{ACCOUNT}:orders{text}");
    let dlq_arn = format!("arn:aws:sqs:{REGION}:{ACCOUNT}:dlq{text}");
    let topic_arn = format!("arn:aws:sns:{REGION}:{ACCOUNT}:events{text}");
    let function_arn = format!("arn:aws:lambda:{REGION}:{ACCOUNT}:function:worker{text}");
    let json_with_text =
        serde_json::json!({ "type": [text], format!("k{text}"): ["x"] }).to_string();
    let redrive = serde_json::json!({ "deadLetterTargetArn": dlq_arn, "maxReceiveCount": 5 });

    let orders = Queue::from_attributes(
        &format!("https://sqs.{REGION}.amazonaws.com/{ACCOUNT}/orders{text}"),
        attributes(&[
            ("QueueArn", queue_arn.clone()),
            ("ApproximateNumberOfMessages", "3".into()),
            ("RedrivePolicy", redrive.to_string()),
            ("Policy", json_with_text.clone()),
            (&format!("tag:{text}"), text.to_string()),
        ]),
        REGION,
    );
    let dlq = Queue::from_attributes(
        &format!("https://sqs.{REGION}.amazonaws.com/{ACCOUNT}/dlq{text}"),
        attributes(&[
            ("QueueArn", dlq_arn.clone()),
            ("ApproximateNumberOfMessages", "2".into()),
        ]),
        REGION,
    );
    let mut topic =
        Topic::from_attributes(&topic_arn, attributes(&[("DisplayName", text.to_string())]));
    topic.warning = Some(format!("could not read {text}"));

    let to_queue = Subscription::listed(
        &format!("{topic_arn}:1"),
        &topic_arn,
        "sqs",
        &queue_arn,
        None,
    )
    .with_attributes(attributes(&[
        ("FilterPolicy", json_with_text.clone()),
        ("FilterPolicyScope", "MessageBody".into()),
        ("RedrivePolicy", redrive.to_string()),
    ]));
    let mut to_https = Subscription::listed(
        &format!("{topic_arn}:2"),
        &topic_arn,
        "https",
        &format!("https://hooks.example/{text}"),
        None,
    )
    .with_attributes(attributes(&[("FilterPolicy", format!("not json {text}"))]));
    to_https.warning = Some(text.to_string());
    let to_missing = Subscription::listed(
        &format!("{topic_arn}:3"),
        &topic_arn,
        "sqs",
        &format!("arn:aws:sqs:{REGION}:{ACCOUNT}:gone{text}"),
        None,
    );

    let mut inventory = Inventory::default();
    inventory.upsert_queues(vec![orders, dlq], 1);
    inventory.finish_queues(1);
    inventory.set_topics(vec![topic]);
    inventory.set_subscriptions(vec![to_queue, to_https, to_missing]);
    inventory.set_functions(vec![LambdaFunction {
        role: None,
        role_policies: Default::default(),
        name: format!("worker{text}"),
        arn: function_arn.clone(),
        runtime: Some(text.to_string()),
        memory_mb: Some(128),
        timeout_seconds: Some(30),
        last_modified: Some(text.to_string()),
        dlq_arn: Some(dlq_arn),
        logging: Default::default(),
        invoke_config: Default::default(),
    }]);
    inventory.set_mappings(vec![EventSourceMapping {
        uuid: text.to_string(),
        function_arn,
        event_source_arn: queue_arn,
        state: text.to_string(),
        batch_size: Some(10),
        function_response_types: Vec::new(),
    }]);
    // The board's signals: an alarm on the queue and a redrive running on the DLQ. The
    // queue's name as SQS gives it (its URL's last part: a `/` in the text shortens it).
    let queue_name = inventory.queues()[0].name.clone();
    inventory.set_alarms(Ok(vec![Alarm {
        name: format!("backlog{text}"),
        arn: format!("arn:aws:cloudwatch:{REGION}:{ACCOUNT}:alarm:backlog{text}"),
        metrics: vec![AlarmMetric {
            namespace: "AWS/SQS".into(),
            name: format!("ApproximateNumberOfMessagesVisible{text}"),
            dimensions: [("QueueName".to_string(), queue_name)].into(),
        }],
        reason: format!("Threshold Crossed{text}"),
        state_updated_ms: Some(1_799_999_000_000),
        threshold: Some(1.0),
    }]));
    let dlq_arn = format!("arn:aws:sqs:{REGION}:{ACCOUNT}:dlq{text}");
    inventory.set_move_tasks(vec![(
        dlq_arn.clone(),
        Ok(vec![MoveTask {
            task_handle: Some(text.to_string()),
            source_arn: dlq_arn,
            destination_arn: Some(format!("arn:aws:sqs:{REGION}:{ACCOUNT}:replay{text}")),
            status: "RUNNING".into(),
            max_messages_per_second: Some(1),
            moved: 1,
            to_move: Some(2),
            failure_reason: Some(text.to_string()),
            started_ms: Some(1_799_999_000_000),
        }]),
    )]);
    inventory
}

/// The first character that must not reach a terminal, if any (`\n` between lines is ours).
fn first_unsafe(output: &str) -> Option<char> {
    output.chars().find(|&c| c != '\n' && is_unsafe(c))
}

fn new_app(inventory: Inventory) -> App {
    let info = ConnectionInfo {
        region: REGION.into(),
        ..ConnectionInfo::default()
    };
    let mut app = started_app(info, false, None, t(0));
    app.inventory = inventory;
    app
}

/// Draws the app and returns every cell's symbol, row by row.
fn drawn_cells(app: &mut App) -> Vec<String> {
    let (width, height) = (140, 40);
    let table_rows = ui::table_rows_for(height, app);
    let _ = update(
        app,
        Action::Resize {
            table_rows,
            help_rows: ui::help_rows_for(height),
        },
    );
    let theme = Theme::new(Config::defaults().expect("defaults").colors, true, false);
    let mut terminal = Terminal::new(TestBackend::new(width, height)).expect("terminal");
    terminal
        .draw(|frame| ui::draw(frame, app, &theme))
        .expect("draw");
    terminal
        .backend()
        .buffer()
        .content()
        .iter()
        .map(|cell| cell.symbol().to_string())
        .collect()
}

fn assert_screen_safe(app: &mut App, screen: &str) -> Result<(), TestCaseError> {
    let cells = drawn_cells(app);
    let bad = cells.iter().find(|symbol| symbol.chars().any(is_unsafe));
    prop_assert!(bad.is_none(), "{screen}: cell {bad:?} drawn raw");
    Ok(())
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(256))]

    #[test]
    fn ls_output_holds_no_raw_control_or_bidi_character(text in untrusted_text()) {
        let mut inventory = inventory_carrying(&text);
        inventory.set_error(
            Source::EventSourceMappings,
            ApiError::access_denied("ListEventSourceMappings", text.clone()),
        );
        for kind in [
            TableKind::Queues,
            TableKind::Dlqs,
            TableKind::Topics,
            TableKind::Subscriptions,
            TableKind::Lambdas,
        ] {
            let table = output::table(kind, &inventory);
            prop_assert_eq!(first_unsafe(&table), None, "ls {:?}:\n{}", kind, table);
            let json = output::json(kind, &inventory).expect("json");
            prop_assert_eq!(first_unsafe(&json), None, "ls {:?} --json:\n{}", kind, json);
        }
        for ascii in [false, true] {
            let tree = output::topology_text(&inventory, ascii);
            prop_assert_eq!(first_unsafe(&tree), None, "ls topology:\n{}", tree);
        }
        let json = output::topology_json(&inventory).expect("json");
        prop_assert_eq!(first_unsafe(&json), None, "ls topology --json:\n{}", json);
    }

    #[test]
    fn json_output_still_carries_the_exact_text(text in untrusted_text()) {
        let inventory = inventory_carrying(&text);
        let json = output::json(TableKind::Subscriptions, &inventory).expect("json");
        let value: serde_json::Value = serde_json::from_str(&json).expect("valid JSON");
        prop_assert_eq!(&value[0]["filter_policy"]["type"][0], &serde_json::json!(text));
        prop_assert_eq!(&value[1]["warning"], &serde_json::json!(text));
    }

}

proptest! {
    // Each case draws a dozen screens: fewer cases, each carrying several attacks.
    #![proptest_config(ProptestConfig::with_cases(64))]

    #[test]
    fn tui_cells_hold_no_raw_control_or_bidi_character(text in untrusted_text()) {
        let mut app = new_app(inventory_carrying(&text));
        // The error's message lands in the message line and in the lambdas view.
        let _ = update(
            &mut app,
            Action::SourceFailed {
                source: Source::Functions,
                generation: 1,
                error: ApiError::access_denied("ListFunctions", text.clone()),
            },
        );
        assert_screen_safe(&mut app, "queues")?;
        press(&mut app, KeyCode::Char('d'));
        assert_screen_safe(&mut app, "queue describe")?;
        for (name, describe) in [("dlq", true), ("topics", true), ("subs", false), ("lambdas", true)] {
            command(&mut app, name);
            assert_screen_safe(&mut app, name)?;
            if describe {
                press(&mut app, KeyCode::Char('d'));
                assert_screen_safe(&mut app, &format!("{name} describe"))?;
            }
        }
        // A topic's subscriptions (its name in the title), then the https one described.
        command(&mut app, "topics");
        press(&mut app, KeyCode::Enter);
        assert_screen_safe(&mut app, "topic subscriptions")?;
        press(&mut app, KeyCode::Char('j'));
        press(&mut app, KeyCode::Char('d'));
        assert_screen_safe(&mut app, "subscription describe")?;
        command(&mut app, "topology");
        assert_screen_safe(&mut app, "topology")?;
        // The board: the alarm's name, metric and reason, and the redrive's destination.
        command(&mut app, "health");
        let board = app.view_as::<squall::app::views::health::HealthView>().expect("board");
        prop_assert!(board.problems.iter().any(|p| p.what.starts_with("alarm backlog")));
        prop_assert!(board.problems.iter().any(|p| p.what.starts_with("redrive running")));
        assert_screen_safe(&mut app, "health")?;
    }
}

/// What is drawn is what is there: the escape sequence is shown, not dropped.
#[test]
fn a_clipboard_sequence_in_a_filter_policy_is_shown_as_text() {
    let policy = r#"{"type":["\u001b]52;c;cm0=\u0007"]}"#;
    let mut inventory = inventory_carrying("");
    let mut subscriptions = inventory.subscriptions().to_vec();
    subscriptions[0].filter_policy = Some(policy.into());
    inventory.set_subscriptions(subscriptions);

    let table = output::table(TableKind::Subscriptions, &inventory);
    assert!(table.contains(r#"type="\x1b]52;c;cm0=\x07""#), "{table}");
    let tree = output::topology_text(&inventory, false);
    assert!(
        tree.contains(r#"filter body: type="\x1b]52;c;cm0=\x07""#),
        "{tree}"
    );

    let mut app = new_app(inventory);
    command(&mut app, "subs");
    let screen = drawn_cells(&mut app).concat();
    assert!(screen.contains(r#"type="\x1b]52;c;"#), "{screen}");
}

/// A log line whose every field carries `text` (log lines carry user input).
fn log_line_carrying(text: &str) -> squall::logs::LogLine {
    squall::logs::LogLine {
        function: text.to_string(),
        log_group: text.to_string(),
        stream: text.to_string(),
        timestamp_ms: 0,
        request_id: Some(text.to_string()),
        level: Some("ERROR".into()),
        kind: squall::logs::LineKind::App,
        message: format!("{text}\n  at {text}"),
        message_ids: vec![text.to_string()],
        error: Some(format!("TypeError: {text}")),
    }
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(64))]

    /// The logs view: its lines and stack rows, the status line (a missing group), the
    /// signatures pane and its examples, and a message's invocations.
    #[test]
    fn the_logs_view_holds_no_raw_control_or_bidi_character(text in untrusted_text()) {
        use squall::app::logs::{Feed, FeedKind, FeedState};
        use squall::app::views::logs::LogsView;
        let mut app = new_app(inventory_carrying(&text));
        let line = log_line_carrying(&text);
        let mut feed = Feed::new(text.clone(), Vec::new(), FeedKind::Lines { start_ms: 0 });
        feed.merge(vec![line.clone()]);
        feed.scanned.missing = vec![text.clone()];
        feed.state = FeedState::Ready;
        let id = app.logs.add(feed);
        app.push(Box::new(LogsView::new(id, true)));
        assert_screen_safe(&mut app, "logs")?;
        press(&mut app, KeyCode::Tab);
        assert_screen_safe(&mut app, "logs signatures")?;
        press(&mut app, KeyCode::Enter);
        assert_screen_safe(&mut app, "logs examples")?;
        let reference = squall::logs::MessageRef { ids: vec![text.clone()], start_ms: 0, end_ms: 1 };
        let mut message = Feed::new(text.clone(), Vec::new(), FeedKind::Message(reference));
        message.naming = vec![line.clone()];
        message.invocations = vec![squall::logs::Invocation {
            function: text.clone(),
            log_group: text.clone(),
            request_id: text.clone(),
            lines: vec![line],
        }];
        message.state = FeedState::Failed(text.clone());
        let id = app.logs.add(message);
        app.push(Box::new(LogsView::new(id, false)));
        assert_screen_safe(&mut app, "a message's logs")?;
    }
}
