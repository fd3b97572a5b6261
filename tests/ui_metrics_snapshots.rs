//! Snapshot tests of the charts: the queue detail view (queue, DLQ, consumer), the
//! function view, UTF-8 and ASCII, 80x24 and 200x50, and charts where CloudWatch is
//! unavailable (they say why; live counts still draw). The data is the demo world on a
//! frozen clock; the metric calls are run here the way the runtime runs the jobs.

mod support;

use std::sync::Arc;

use ratatui::crossterm::event::{KeyCode, KeyEvent, KeyModifiers};
use squall::app::effect::Work;
use squall::app::{Action, App, Effect, update};
use squall::aws::Backend;
use squall::aws::cloudwatch::NoMetrics;
use support::sim_app::*;

/// The orders queue's detail view, charted.
fn orders_view(backend: &Backend) -> App {
    let mut app = loaded_app(backend);
    type_keys(&mut app, "/^orders$");
    press(&mut app, KeyCode::Enter);
    press(&mut app, KeyCode::Enter);
    let jobs = tick(&mut app, backend, t(12));
    assert_eq!(jobs, 1, "one call for the queue, its DLQ and its consumer");
    app
}

#[test]
fn queue_detail_view_utf8_80x24() {
    let backend = backend();
    let mut app = orders_view(&backend);
    insta::assert_snapshot!(render(&mut app, 80, 24, false));
}

#[test]
fn queue_detail_view_utf8_200x50() {
    let backend = backend();
    let mut app = orders_view(&backend);
    insta::assert_snapshot!(render(&mut app, 200, 50, false));
}

#[test]
fn queue_detail_view_ascii_80x24() {
    let backend = backend();
    let mut app = orders_view(&backend);
    let screen = render(&mut app, 80, 24, true);
    assert!(screen.is_ascii(), "{screen}");
    insta::assert_snapshot!(screen);
}

#[test]
fn queue_detail_view_ascii_200x50() {
    let backend = backend();
    let mut app = orders_view(&backend);
    let screen = render(&mut app, 200, 50, true);
    assert!(screen.is_ascii(), "{screen}");
    insta::assert_snapshot!(screen);
}

#[test]
fn consumer_charts_below_and_the_window_keys() {
    let backend = backend();
    let mut app = orders_view(&backend);
    // Inside the period nothing is asked again; `]` asks at once for the longer window.
    assert_eq!(tick(&mut app, &backend, t(20)), 0);
    for _ in 0..4 {
        press(&mut app, KeyCode::Char('j'));
    }
    let effects = update(
        &mut app,
        Action::Key(KeyEvent::new(KeyCode::Char(']'), KeyModifiers::NONE)),
    );
    assert_eq!(run(&mut app, &backend, effects), 1);
    assert_eq!(app.metrics.engine.window(), squall::metrics::Window::H3);
    insta::assert_snapshot!(render(&mut app, 100, 30, false));
}

#[test]
fn function_detail_view() {
    let backend = backend();
    let mut app = loaded_app(&backend);
    type_keys(&mut app, ":lambdas");
    press(&mut app, KeyCode::Enter);
    type_keys(&mut app, "/^orders-worker");
    press(&mut app, KeyCode::Enter);
    press(&mut app, KeyCode::Enter);
    assert_eq!(tick(&mut app, &backend, t(12)), 1);
    insta::assert_snapshot!(render(&mut app, 100, 30, false));
}

#[test]
fn charts_say_why_when_cloudwatch_is_unavailable_and_live_counts_still_draw() {
    let backend = backend().with_metrics(Arc::new(NoMetrics));
    let mut app = orders_view(&backend);
    // The counts refresh (every 5 s here) brings a live point.
    tick(&mut app, &backend, t(18));
    let screen = render(&mut app, 100, 30, false);
    assert!(screen.contains("metrics unavailable"), "{screen}");
    insta::assert_snapshot!(screen);
}

/// The queues table at 200 columns gets a depth sparkline per row on screen, from one
/// call; at 120 it has no room for it.
#[test]
fn sparkline_depth_column_for_rows_on_screen() {
    let backend = backend();
    let mut app = loaded_app(&backend);
    let _ = render(&mut app, 200, 50, false);
    let effects = update(&mut app, Action::Tick(t(12)));
    let planned: Vec<usize> = effects
        .iter()
        .filter_map(|e| match e {
            Effect::Start {
                work: Work::Metrics(batch),
                ..
            } => Some(batch.resources.len()),
            _ => None,
        })
        .collect();
    assert_eq!(planned.len(), 1, "one call");
    assert_eq!(planned[0], app.table_rows.min(app.inventory.queues().len()));
    run(&mut app, &backend, effects);
    let screen = render(&mut app, 200, 50, false);
    assert!(screen.contains("DEPTH 1h"), "{screen}");
    insta::assert_snapshot!(screen);
    let ascii = render(&mut app, 200, 50, true);
    assert!(ascii.is_ascii(), "{ascii}");
    insta::assert_snapshot!("sparkline_depth_column_ascii", ascii);
    assert!(!render(&mut app, 120, 30, false).contains("DEPTH"));
}
