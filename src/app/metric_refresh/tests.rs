//! The app's metrics wiring: refreshes as jobs that do not reload the listing when they
//! end, the window keys and commands, `:cost`, `:charts`, live counts.

use crate::aws::ConnectionInfo;
use crate::config::Config;

use ratatui::crossterm::event::{KeyCode, KeyEvent, KeyModifiers};

use crate::app::effect::{Effect, Work};
use crate::app::jobs::JobEnd;
use crate::app::test_app::t;
use crate::app::views::charts::{ChartsView, Subject};
use crate::app::{Action, App, update};
use crate::metrics::{Resource, Window};

fn app_on_function_charts() -> App {
    let mut app = crate::app::test_app::app();
    app.push(Box::new(ChartsView::new(Subject::Function(
        "worker".into(),
    ))));
    app
}

fn metric_jobs(effects: &[Effect]) -> Vec<(crate::app::jobs::JobId, usize)> {
    effects
        .iter()
        .filter_map(|e| match e {
            Effect::Start {
                id,
                work: Work::Metrics(batch),
            } => Some((*id, batch.resources.len())),
            _ => None,
        })
        .collect()
}

#[test]
fn a_tick_starts_one_metrics_job_per_period_and_its_end_reloads_nothing() {
    let mut app = app_on_function_charts();
    let jobs = metric_jobs(&update(&mut app, Action::Tick(t(1))));
    assert_eq!(jobs.len(), 1);
    assert!(
        metric_jobs(&update(&mut app, Action::Tick(t(2)))).is_empty(),
        "inside the period"
    );
    let effects = update(
        &mut app,
        Action::JobEnded {
            id: jobs[0].0,
            end: JobEnd::Done(None),
        },
    );
    assert!(effects.is_empty(), "no listing reload: {effects:?}");
    assert!(
        app.message.is_none(),
        "no 'done' message for a routine refresh"
    );
    assert_eq!(metric_jobs(&update(&mut app, Action::Tick(t(61)))).len(), 1);
}

#[test]
fn window_keys_and_command_change_the_window_and_ask_at_once() {
    let mut app = app_on_function_charts();
    let _ = update(&mut app, Action::Tick(t(1)));
    let effects = update(
        &mut app,
        Action::Key(KeyEvent::new(KeyCode::Char(']'), KeyModifiers::NONE)),
    );
    assert_eq!(app.metrics.engine.window(), Window::H3);
    assert_eq!(metric_jobs(&effects).len(), 1);
    let _ = update(
        &mut app,
        Action::Key(KeyEvent::new(KeyCode::Char('['), KeyModifiers::NONE)),
    );
    assert_eq!(app.metrics.engine.window(), Window::H1);
    let effects = run_command(&mut app, "window 1d");
    assert_eq!(app.metrics.engine.window(), Window::D1);
    assert_eq!(metric_jobs(&effects).len(), 1);
    let _ = run_command(&mut app, "window 2h");
    assert_eq!(
        app.metrics.engine.window(),
        Window::D1,
        "a bad window changes nothing"
    );
    assert!(
        app.message
            .as_ref()
            .is_some_and(|m| m.text.contains("15m, 1h"))
    );
}

#[test]
fn cost_says_metrics_requested_in_the_last_hour() {
    let mut app = app_on_function_charts();
    let effects = update(&mut app, Action::Tick(t(1)));
    let Some(Effect::Start {
        work: Work::Metrics(batch),
        ..
    }) = effects.into_iter().find(|e| {
        matches!(
            e,
            Effect::Start {
                work: Work::Metrics(_),
                ..
            }
        )
    })
    else {
        panic!("a metrics job");
    };
    let outcome = crate::metrics::FetchOutcome {
        batch,
        result: Ok(Vec::new()),
        math_refused: None,
        calls: 1,
    };
    let _ = update(&mut app, Action::MetricsFetched(Box::new(outcome)));
    let _ = run_command(&mut app, "cost");
    let text = &app.message.as_ref().expect("a message").text;
    assert!(
        text.contains("1 GetMetricData calls, 6 metrics requested"),
        "{text}"
    );
}

#[test]
fn counts_on_screen_become_live_points_of_charted_queues() {
    let mut app = app_on_function_charts();
    app.push(Box::new(ChartsView::new(Subject::Topic("t".into()))));
    let _ = update(&mut app, Action::Tick(t(1)));
    let queue = crate::inventory::model::tests::queue("orders", 9, None);
    app.metrics
        .engine
        .plan(&[Resource::Queue("orders".into())], 1_800_000_001_000);
    let _ = update(
        &mut app,
        Action::CountsRefreshed {
            generation: 0,
            queues: vec![queue],
        },
    );
    let depth = app
        .metrics
        .engine
        .series(&Resource::Queue("orders".into()), "visible")
        .and_then(crate::metrics::Series::latest);
    assert_eq!(depth.map(|p| p.1), Some(9.0));
}

#[test]
fn charts_command_opens_the_selected_rows_charts_or_says_why_not() {
    let mut app = app_on_function_charts();
    app.pop();
    run_command(&mut app, "charts");
    assert!(
        app.message
            .as_ref()
            .is_some_and(|m| m.text.contains("select a queue"))
    );
}

#[test]
fn table_depths_are_asked_only_when_the_sparkline_column_is_drawn() {
    let config = Config::defaults().expect("defaults");
    let mut app = App::new(ConnectionInfo::default(), false, config.keymap, None, t(0));
    let queues = vec![
        crate::inventory::model::tests::queue("a", 1, None),
        crate::inventory::model::tests::queue("b", 2, None),
    ];
    app.inventory.upsert_queues(queues, 1);
    app.sync_top();
    app.metrics.screen_width = 120;
    assert!(
        metric_jobs(&update(&mut app, Action::Tick(t(1)))).is_empty(),
        "no column, no cost"
    );
    app.metrics.screen_width = 200;
    let jobs = metric_jobs(&update(&mut app, Action::Tick(t(2))));
    assert_eq!(jobs.len(), 1);
    assert_eq!(jobs[0].1, 2, "one depth per row on screen");
}

/// Runs a `:` command line as typed.
fn run_command(app: &mut App, line: &str) -> Vec<Effect> {
    let command = crate::app::command_mode::parse(line).unwrap_or_else(|e| panic!("{e}"));
    crate::app::command_mode::run(app, command)
}
