//! The view's follow by Live Tail: the session's job, its lines, its end when the follow
//! stops, and the turn to polling where the endpoint has no Live Tail.

use super::tests::{answer, line, logs_jobs, opened};
use super::*;
use crate::app::test_app::*;
use crate::logs::live::FollowMode;

fn tailed(app: &mut App, (id, job): &(JobId, LogsJob), lines: Vec<LogLine>, mode: FollowMode) {
    let _ = update(
        app,
        Action::LogsRead {
            job: *id,
            to: job.to.clone(),
            generation: job.generation,
            answer: Box::new(LogsAnswer::Tailed {
                lines,
                bytes: 10,
                mode,
            }),
        },
    );
}

fn feed(app: &App) -> &Feed {
    app.logs.feeds.values().next().expect("the feed")
}

#[test]
fn a_follow_opens_one_session_and_stopping_it_ends_the_session() {
    let (mut app, first) = opened();
    answer(&mut app, &first, vec![line(0, "a", "INFO")]);
    let tail = logs_jobs(&update(&mut app, Action::Tick(t(2))));
    assert_eq!(tail.len(), 1);
    assert!(
        matches!(tail[0].1.query, LogsQuery::Tail { .. }),
        "{tail:?}"
    );
    assert!(
        logs_jobs(&update(&mut app, Action::Tick(t(5)))).is_empty(),
        "one session, no polls beside it"
    );
    tailed(
        &mut app,
        &tail[0],
        vec![line(4, "b", "INFO")],
        FollowMode::LiveTail,
    );
    assert_eq!(feed(&app).lines.len(), 2);
    assert_eq!(feed(&app).mode, Some(FollowMode::LiveTail));
    press(&mut app, KeyCode::Char('f'));
    let effects = update(&mut app, Action::Tick(t(6)));
    assert!(
        effects.contains(&Effect::Cancel(tail[0].0)),
        "follow stopped: the session (billed per minute) ends: {effects:?}"
    );
    press(&mut app, KeyCode::Char('f'));
    let again = logs_jobs(&update(&mut app, Action::Tick(t(8))));
    assert!(
        matches!(again[0].1.query, LogsQuery::Tail { .. }),
        "{again:?}"
    );
    press(&mut app, KeyCode::Esc);
    let effects = update(&mut app, Action::Tick(t(9)));
    assert!(
        effects.contains(&Effect::Cancel(again[0].0)),
        "the view left: the session ends: {effects:?}"
    );
}

#[test]
fn without_live_tail_the_view_polls_and_says_so() {
    let (mut app, first) = opened();
    answer(&mut app, &first, vec![line(0, "a", "INFO")]);
    let tail = logs_jobs(&update(&mut app, Action::Tick(t(2))));
    tailed(&mut app, &tail[0], Vec::new(), FollowMode::Polling);
    let _ = update(
        &mut app,
        Action::JobEnded {
            id: tail[0].0,
            end: JobEnd::Done(None),
        },
    );
    assert_eq!(feed(&app).mode, Some(FollowMode::Polling));
    let poll = logs_jobs(&update(&mut app, Action::Tick(t(4))));
    assert!(
        matches!(poll[0].1.query, LogsQuery::Lines { .. }),
        "{poll:?}"
    );
    assert_eq!(app.message, None, "no error shown, only the title's note");
}

#[test]
fn the_cost_line_says_live_tail_is_billed_per_minute() {
    let logs = LogsState::default();
    logs.budget
        .0
        .add_live_tail(std::time::Duration::from_secs(90));
    assert!(
        cost_text(&logs).contains("Live Tail 1m 30s of session (billed per minute)"),
        "{}",
        cost_text(&logs)
    );
}
