use super::rows::*;
use super::*;
use crate::app::logs::{Feed, FeedKind};
use crate::app::test_app::*;
use crate::logs::{Invocation, LineKind, LogLine, MessageRef};

fn line(at_ms: i64, message: &str, level: Option<&str>, kind: LineKind) -> LogLine {
    LogLine {
        function: "worker".into(),
        log_group: "/aws/lambda/worker".into(),
        stream: "s".into(),
        timestamp_ms: at_ms,
        request_id: Some("req-1".into()),
        level: level.map(str::to_string),
        kind,
        message: message.into(),
        message_ids: Vec::new(),
        error: None,
    }
}

fn lines_feed() -> Feed {
    let mut feed = Feed::new("worker".into(), Vec::new(), FeedKind::Lines { start_ms: 0 });
    feed.merge(vec![
        line(1_000, "START RequestId: req-1", None, LineKind::Start),
        line(2_000, "processing order 7", Some("INFO"), LineKind::App),
        line(
            3_000,
            "record failed\nTypeError: boom\n    at x (/var/task/a.js:1:2)",
            Some("ERROR"),
            LineKind::App,
        ),
    ]);
    feed
}

fn texts(rows: &[LogRow]) -> Vec<&str> {
    rows.iter().map(|r| r.text.as_str()).collect()
}

#[test]
fn errors_only_and_the_filter_keep_what_they_say_with_the_stack_below_its_line() {
    let feed = lines_feed();
    let all = layout(&feed, &Keep::default());
    assert_eq!(all.len(), 5, "three lines, two of them a stack trace");
    let errors = Keep {
        errors_only: true,
        ..Keep::default()
    };
    assert_eq!(
        texts(&layout(&feed, &errors)),
        [
            "record failed",
            "TypeError: boom",
            "    at x (/var/task/a.js:1:2)"
        ]
    );
    assert_eq!(
        layout(&feed, &errors)[1].time,
        "",
        "a stack row has no time"
    );
    let filter = |text: &str| Keep {
        filter: RowFilter::parse(text).expect("regex"),
        errors_only: false,
    };
    assert_eq!(
        texts(&layout(&feed, &filter("order"))),
        ["processing order 7"]
    );
    assert_eq!(
        layout(&feed, &filter("INFO")).len(),
        1,
        "the level is matched"
    );
    assert_eq!(layout(&feed, &filter("!order")).len(), 4, "! inverts");
}

#[test]
fn a_message_shows_its_invocations_whole_with_the_line_naming_it_marked() {
    let mut naming = line(2_000, "processing record", Some("INFO"), LineKind::App);
    naming.message_ids = vec!["m-1".into()];
    let hostile = line(
        2_500,
        "other\trecord \u{1b}[2J\u{202e}",
        Some("INFO"),
        LineKind::App,
    );
    let invocation = Invocation {
        function: "worker".into(),
        log_group: "/aws/lambda/worker".into(),
        request_id: "req-1".into(),
        lines: vec![
            line(1_000, "START RequestId: req-1", None, LineKind::Start),
            naming.clone(),
            hostile,
            line(3_000, "TypeError: boom", Some("ERROR"), LineKind::App),
        ],
    };
    let mut feed = Feed::new(
        "message m-1".into(),
        Vec::new(),
        FeedKind::Message(MessageRef {
            ids: vec!["m-1".into()],
            start_ms: 0,
            end_ms: 9_000,
        }),
    );
    feed.naming = vec![naming];
    feed.invocations = vec![invocation];
    let rows = layout(&feed, &Keep::default());
    assert_eq!(rows[0].tone, Tone::Header);
    assert!(rows[0].text.contains("invocation req-1 (failed, 4 lines)"));
    assert_eq!(rows[2].text, ">> processing record  messageId m-1");
    assert_eq!(rows[2].tone, Tone::Naming);
    assert_eq!(
        rows[3].text, "other record \\x1b[2J<U+202E>",
        "one escaping rule; a tab is a space"
    );
    assert_eq!(rows[4].tone, Tone::Error);
    assert_eq!(rows[1].time, "00:00:01");
}

#[test]
fn tab_shows_signatures_enter_their_examples_and_esc_goes_back() {
    let mut app = loaded_app();
    let id = app.logs.add(lines_feed());
    app.push(Box::new(LogsView::new(id, true)));
    let view = |app: &App| app.view_as::<LogsView>().expect("logs").clone();
    press(&mut app, KeyCode::Tab);
    assert_eq!(view(&app).pane, Pane::Signatures);
    assert_eq!(view(&app).signatures.len(), 1);
    assert_eq!(view(&app).signatures[0].signature, "record failed");
    press(&mut app, KeyCode::Enter);
    assert_eq!(view(&app).pane, Pane::Examples);
    assert_eq!(texts(&view(&app).examples)[1], "TypeError: boom");
    press(&mut app, KeyCode::Esc);
    assert_eq!(view(&app).pane, Pane::Signatures);
    press(&mut app, KeyCode::Esc);
    assert_eq!(view(&app).pane, Pane::Lines);
    press(&mut app, KeyCode::Char('e'));
    assert!(view(&app).keep.errors_only);
    assert_eq!((view(&app).kept, view(&app).held), (1, 3));
    press(&mut app, KeyCode::Esc);
    assert!(app.view_as::<LogsView>().is_none(), "Esc leaves the view");
}

#[test]
fn slash_filters_the_lines_and_esc_clears_the_filter_before_leaving() {
    let mut app = loaded_app();
    let id = app.logs.add(lines_feed());
    app.push(Box::new(LogsView::new(id, true)));
    press(&mut app, KeyCode::Char('/'));
    type_text(&mut app, "order");
    press(&mut app, KeyCode::Enter);
    let view = app.view_as::<LogsView>().expect("logs");
    assert_eq!(texts(&view.rows), ["processing order 7"]);
    assert_eq!((view.kept, view.held), (1, 3));
    press(&mut app, KeyCode::Esc);
    let view = app.view_as::<LogsView>().expect("still the logs view");
    assert_eq!(view.keep.filter, None);
    assert_eq!(view.rows.len(), 5);
    press(&mut app, KeyCode::Esc);
    assert!(app.view_as::<LogsView>().is_none());
}
