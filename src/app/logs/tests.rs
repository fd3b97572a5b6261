use super::*;
use crate::app::modals::Modal;
use crate::app::modals::confirm::DangerousOp;
use crate::app::test_app::*;
use crate::logs::LineKind;
use feed::MAX_FEED_LINES;

pub(super) fn line(at_s: u64, message: &str, level: &str) -> LogLine {
    LogLine {
        function: "worker".into(),
        log_group: "/aws/lambda/worker".into(),
        stream: "s".into(),
        timestamp_ms: epoch_ms(t(at_s)),
        request_id: Some("r".into()),
        level: Some(level.into()),
        kind: LineKind::App,
        message: message.into(),
        message_ids: Vec::new(),
        error: None,
    }
}

/// The logs jobs among `effects`: (job, what it asks).
pub(super) fn logs_jobs(effects: &[Effect]) -> Vec<(JobId, LogsJob)> {
    effects
        .iter()
        .filter_map(|e| match e {
            Effect::Start {
                id,
                work: Work::Logs(job),
            } => Some((*id, job.clone())),
            _ => None,
        })
        .collect()
}

pub(super) fn answer(app: &mut App, (id, job): &(JobId, LogsJob), lines: Vec<LogLine>) {
    let scanned = Scanned {
        bytes: 100,
        requests: 1,
        events: lines.len() as u64,
        ..Scanned::default()
    };
    let _ = update(
        app,
        Action::LogsRead {
            job: *id,
            to: job.to.clone(),
            generation: job.generation,
            answer: Box::new(LogsAnswer::Lines { lines, scanned }),
        },
    );
    let _ = update(
        app,
        Action::JobEnded {
            id: *id,
            end: JobEnd::Done(Some("read 100 B in 1 requests".into())),
        },
    );
}

fn feed(app: &App) -> &Feed {
    let view = app.view_as::<LogsView>().expect("the logs view on top");
    app.logs.feed(view.feed).expect("its feed")
}

/// `:logs orders-dlq` on the test fleet: the view, and its first search's job.
pub(super) fn opened() -> (App, (JobId, LogsJob)) {
    let mut app = loaded_app();
    press(&mut app, KeyCode::Char(':'));
    type_text(&mut app, "logs orders-dlq");
    let effects = press(&mut app, KeyCode::Enter);
    let jobs = logs_jobs(&effects);
    assert_eq!(jobs.len(), 1, "{effects:?}");
    (app, jobs[0].clone())
}

#[test]
fn a_dlq_leads_to_its_sources_consumers_and_the_search_is_sized_first() {
    let (app, (_, job)) = opened();
    let LogsQuery::Lines {
        request,
        estimate_first,
    } = &job.query
    else {
        panic!("{job:?}");
    };
    assert!(estimate_first, "asked how large before reading");
    assert_eq!(
        request.groups,
        vec![GroupTarget {
            function: "worker".into(),
            log_group: "/aws/lambda/worker".into(),
        }],
        "orders-dlq's source is orders, consumed by worker"
    );
    assert_eq!(request.end_ms - request.start_ms, open::WINDOW_MS);
    assert_eq!(request.max_bytes, app.logs.max_scan_bytes);
    assert_eq!(feed(&app).state, FeedState::Searching);
}

#[test]
fn answers_merge_each_line_once_in_time_order_and_stale_ones_are_dropped() {
    let (mut app, first) = opened();
    app.logs.budget.0.remember_live_tail(false);
    answer(
        &mut app,
        &first,
        vec![line(1, "b", "INFO"), line(2, "c", "INFO")],
    );
    assert_eq!(feed(&app).state, FeedState::Ready);
    assert_eq!(app.message, None, "a logs job ends quietly");
    let poll = logs_jobs(&update(&mut app, Action::Tick(t(3))));
    assert_eq!(poll.len(), 1, "the follow poll");
    let LogsQuery::Lines { request, .. } = &poll[0].1.query else {
        panic!("{poll:?}");
    };
    assert_eq!(
        request.start_ms,
        epoch_ms(t(2)) - POLL_OVERLAP_MS,
        "from a little before the newest line"
    );
    // The poll brings the newest line again, a late one, and a new one.
    answer(
        &mut app,
        &poll[0],
        vec![
            line(2, "c", "INFO"),
            line(0, "a", "INFO"),
            line(3, "d", "ERROR"),
        ],
    );
    let texts: Vec<&str> = feed(&app)
        .lines
        .iter()
        .map(|l| l.message.as_str())
        .collect();
    assert_eq!(texts, ["a", "b", "c", "d"]);
    assert_eq!(
        (feed(&app).scanned.requests, feed(&app).scanned.bytes),
        (2, 200)
    );
    // The first search's answer arriving late again changes nothing.
    answer(&mut app, &first, vec![line(9, "stale", "INFO")]);
    assert_eq!(feed(&app).lines.len(), 4);
}

#[test]
fn a_feed_keeps_its_newest_lines_only() {
    let mut feed = Feed::new("x".into(), Vec::new(), FeedKind::Lines { start_ms: 0 });
    let lines: Vec<LogLine> = (0..MAX_FEED_LINES as u64 + 10)
        .map(|i| line(i, &format!("{i}"), "INFO"))
        .collect();
    assert_eq!(feed.merge(lines), MAX_FEED_LINES + 10);
    assert_eq!(feed.lines.len(), MAX_FEED_LINES);
    assert_eq!(feed.lines[0].message, "10", "the oldest went");
}

#[test]
fn following_polls_every_two_seconds_on_top_only_and_f_stops_it() {
    let (mut app, first) = opened();
    app.logs.budget.0.remember_live_tail(false);
    answer(&mut app, &first, vec![line(0, "a", "INFO")]);
    assert!(
        logs_jobs(&update(&mut app, Action::Tick(t(1)))).is_empty(),
        "too soon"
    );
    let poll = logs_jobs(&update(&mut app, Action::Tick(t(2))));
    assert_eq!(poll.len(), 1);
    assert!(
        logs_jobs(&update(&mut app, Action::Tick(t(5)))).is_empty(),
        "one poll at a time"
    );
    answer(&mut app, &poll[0], Vec::new());
    press(&mut app, KeyCode::Char('f'));
    assert!(
        logs_jobs(&update(&mut app, Action::Tick(t(9)))).is_empty(),
        "stopped"
    );
    press(&mut app, KeyCode::Char('f'));
    assert_eq!(logs_jobs(&update(&mut app, Action::Tick(t(10)))).len(), 1);
    press(&mut app, KeyCode::Esc);
    let _ = update(&mut app, Action::Tick(t(20)));
    assert!(app.view_as::<LogsView>().is_none());
    assert_eq!(app.logs.feeds.len(), 1, "kept until its poll answers");
    let _ = update(
        &mut app,
        Action::JobEnded {
            id: JobId(u64::MAX),
            end: JobEnd::Cancelled,
        },
    );
    for (_, feed) in app.logs.feeds.iter_mut() {
        feed.job = None;
    }
    assert!(logs_jobs(&update(&mut app, Action::Tick(t(30)))).is_empty());
    assert!(
        app.logs.feeds.is_empty(),
        "a feed no view shows is forgotten"
    );
}

#[test]
fn a_search_over_the_bound_waits_for_enter_and_a_yes() {
    let (mut app, (id, job)) = opened();
    let _ = update(
        &mut app,
        Action::LogsRead {
            job: id,
            to: job.to.clone(),
            generation: job.generation,
            answer: Box::new(LogsAnswer::TooLarge {
                estimate_bytes: 2_000_000_000,
            }),
        },
    );
    assert!(
        logs_jobs(&update(&mut app, Action::Tick(t(5)))).is_empty(),
        "nothing read, nothing polled"
    );
    press(&mut app, KeyCode::Enter);
    let Some(Modal::Confirm(dialog)) = &app.modal else {
        panic!("the confirm dialog, got {:?}", app.modal);
    };
    assert!(
        dialog.pending.effects[0].contains("about 2.0 GB"),
        "{:?}",
        dialog.pending
    );
    let effects = press(&mut app, KeyCode::Char('y'));
    let Some(Effect::Start {
        work: Work::Dangerous(op),
        ..
    }) = effects.first()
    else {
        panic!("{effects:?}");
    };
    let DangerousOp::LogsSearch(confirmed) = op.op() else {
        panic!("{op:?}");
    };
    assert!(matches!(
        &confirmed.query,
        LogsQuery::Lines { estimate_first: false, request } if request.max_bytes == u64::MAX
    ));
    assert_eq!(feed(&app).state, FeedState::Searching);
}

#[test]
fn an_endpoint_without_logs_says_unavailable_and_the_board_shows_no_signature() {
    let (mut app, (id, job)) = opened();
    let scanned = Scanned {
        unavailable: Some("FilterLogEvents: not implemented".into()),
        ..Scanned::default()
    };
    let _ = update(
        &mut app,
        Action::LogsRead {
            job: id,
            to: job.to,
            generation: job.generation,
            answer: Box::new(LogsAnswer::Lines {
                lines: Vec::new(),
                scanned: scanned.clone(),
            }),
        },
    );
    assert!(matches!(feed(&app).state, FeedState::Unavailable(_)));
    let mut board = board::BoardSignatures::default();
    board.read(
        "worker",
        JobId(1),
        LogsAnswer::Signatures { top: None, scanned },
        t(0),
    );
    assert_eq!(board.top("worker"), None);
}

#[test]
fn logs_alone_takes_the_selected_row_and_an_unknown_name_is_said_so() {
    let mut app = loaded_app();
    // The queues table, orders first: consumed by worker.
    press(&mut app, KeyCode::Char(':'));
    type_text(&mut app, "logs");
    let effects = press(&mut app, KeyCode::Enter);
    let jobs = logs_jobs(&effects);
    assert_eq!(jobs.len(), 1, "{:?}", app.message);
    assert_eq!(feed(&app).title, "orders");
    press(&mut app, KeyCode::Esc);
    press(&mut app, KeyCode::Char(':'));
    type_text(&mut app, "logs nothing");
    assert!(logs_jobs(&press(&mut app, KeyCode::Enter)).is_empty());
    assert!(
        app.message
            .as_ref()
            .is_some_and(|m| m.text.contains("no function, queue or topic named nothing")),
        "{:?}",
        app.message
    );
    // L on the payments row: its queue has no consumer, the view says so and reads nothing.
    press(&mut app, KeyCode::Char('j'));
    press(&mut app, KeyCode::Char('j'));
    assert!(logs_jobs(&press(&mut app, KeyCode::Char('L'))).is_empty());
    assert_eq!(feed(&app).state, FeedState::NoConsumers);
}

#[tokio::test]
async fn cost_says_what_this_sessions_logs_searches_asked() {
    let mut app = loaded_app();
    let backend = crate::sim::backend(crate::sim::SimFleet::demo().frozen());
    let request = SearchRequest {
        groups: vec![GroupTarget {
            function: "search-indexer-fn".into(),
            log_group: "/aws/lambda/search-indexer-fn".into(),
        }],
        start_ms: 0,
        end_ms: epoch_ms(std::time::SystemTime::now()) + 60_000,
        pattern: None,
        max_bytes: u64::MAX,
        max_lines: 100,
    };
    let outcome = crate::logs::search(backend.logs.as_ref(), &app.logs.budget.0, &request).await;
    assert_eq!(outcome.requests, 1);
    press(&mut app, KeyCode::Char(':'));
    type_text(&mut app, "cost");
    press(&mut app, KeyCode::Enter);
    let text = &app.message.as_ref().expect("a message").text;
    assert!(text.contains("GetMetricData"), "{text}");
    assert!(text.contains("CloudWatch Logs: 1 calls"), "{text}");
}

#[test]
fn logs_name_looks_in_every_context_switches_to_the_one_that_has_it_and_clears_old_errors() {
    let mut app = loaded_app();
    let eu = app.add_context(
        crate::aws::ConnectionInfo {
            region: "eu-west-1".into(),
            ..crate::aws::ConnectionInfo::default()
        },
        None,
        false,
    );
    let parked = app.fleet.parked.iter_mut().find(|c| c.id == eu);
    let parked = parked.expect("parked");
    parked.inventory.upsert_queues(
        vec![crate::inventory::model::tests::queue("eu-orders", 2, None)],
        1,
    );
    press(&mut app, KeyCode::Char(':'));
    type_text(&mut app, "logs nothing");
    press(&mut app, KeyCode::Enter);
    let said = app
        .message
        .as_ref()
        .map(|m| m.text.clone())
        .unwrap_or_default();
    assert!(
        said.contains("us-east-1") && said.contains("eu-west-1"),
        "{said}"
    );
    press(&mut app, KeyCode::Char(':'));
    type_text(&mut app, "logs eu-orders");
    press(&mut app, KeyCode::Enter);
    assert_eq!(
        app.fleet.active, eu,
        "the context that has it is the active one"
    );
    assert_eq!(feed(&app).title, "eu-orders");
    let said = app
        .message
        .as_ref()
        .map(|m| m.text.clone())
        .unwrap_or_default();
    assert!(
        !said.contains("no function"),
        "the old error is gone: {said}"
    );
    press(&mut app, KeyCode::Esc);
    // orders is us-east-1's: asked from eu-west-1, it is found there and opens.
    press(&mut app, KeyCode::Char(':'));
    type_text(&mut app, "logs orders");
    assert_eq!(logs_jobs(&press(&mut app, KeyCode::Enter)).len(), 1);
    assert_eq!(app.fleet.active, 0);
    assert_eq!(feed(&app).title, "orders");
}
