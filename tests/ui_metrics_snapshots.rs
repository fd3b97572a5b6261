//! Snapshot tests of the charts: the queue detail view (queue, DLQ, consumer), the
//! function view, UTF-8 and ASCII, 80x24 and 200x50, and charts where CloudWatch is
//! unavailable (they say why; live counts still draw). The data is the demo world on a
//! frozen clock; the metric calls are run here the way the runtime runs the jobs.

use std::sync::Arc;
use std::time::{Duration, SystemTime};

use ratatui::Terminal;
use ratatui::backend::TestBackend;
use ratatui::crossterm::event::{KeyCode, KeyEvent, KeyModifiers};
use squall::app::effect::Work;
use squall::app::{Action, App, Effect, update};
use squall::aws::cloudwatch::NoMetrics;
use squall::aws::{Backend, ConnectionInfo};
use squall::config::Config;
use squall::inventory::{Source, collect_inventory};
use squall::sim::{self, ManualClock, SimFleet};
use squall::ui::{self, Theme};

const START_S: u64 = 1_800_000_000;

fn t(seconds: u64) -> SystemTime {
    SystemTime::UNIX_EPOCH + Duration::from_secs(START_S + seconds)
}

fn runtime() -> tokio::runtime::Runtime {
    tokio::runtime::Builder::new_current_thread()
        .build()
        .expect("runtime")
}

fn backend() -> Backend {
    let clock = Arc::new(ManualClock::at_ms(START_S as i64 * 1000));
    sim::backend(SimFleet::demo_with(sim::DEFAULT_SEED, clock))
}

/// An app that loaded the demo world from `backend`.
fn loaded_app(backend: &Backend) -> App {
    let config = Config::defaults().expect("defaults");
    let mut app = App::new(
        ConnectionInfo {
            profile: Some("prod-ops".into()),
            region: "us-east-1".into(),
            endpoint: None,
            demo: false,
        },
        false,
        config.keymap,
        Some(Duration::from_secs(5)),
        t(0),
    );
    let _ = squall::app::update::start(&mut app);
    let inventory = runtime()
        .block_on(collect_inventory(backend, 4, &Source::ALL))
        .inventory;
    let loaded = [
        Action::QueuesLoaded {
            generation: 1,
            queues: inventory.queues().to_vec(),
        },
        Action::QueuesFinished {
            generation: 1,
            listed: inventory.queues().len(),
            failed: 0,
        },
        Action::TopicsLoaded {
            generation: 1,
            topics: inventory.topics().to_vec(),
        },
        Action::SubscriptionsLoaded {
            generation: 1,
            subscriptions: inventory.subscriptions().to_vec(),
        },
        Action::MappingsLoaded {
            generation: 1,
            mappings: inventory.mappings().to_vec(),
        },
        Action::FunctionsLoaded {
            generation: 1,
            functions: inventory.functions().to_vec(),
        },
    ];
    for action in loaded {
        let _ = update(&mut app, action);
    }
    app
}

fn press(app: &mut App, code: KeyCode) {
    let _ = update(app, Action::Key(KeyEvent::new(code, KeyModifiers::NONE)));
}

fn type_keys(app: &mut App, text: &str) {
    for c in text.chars() {
        press(app, KeyCode::Char(c));
    }
}

/// A tick at `at`, with the metric and counts jobs it starts run to the end. Returns
/// how many GetMetricData jobs ran.
fn tick(app: &mut App, backend: &Backend, at: SystemTime) -> usize {
    let effects = update(app, Action::Tick(at));
    run(app, backend, effects)
}

fn run(app: &mut App, backend: &Backend, effects: Vec<Effect>) -> usize {
    let runtime = runtime();
    let mut metric_jobs = 0;
    for effect in effects {
        let Effect::Start { work, .. } = effect else {
            continue;
        };
        match work {
            Work::Metrics(batch) => {
                metric_jobs += 1;
                let outcome =
                    runtime.block_on(squall::metrics::fetch(backend.metrics.as_ref(), batch));
                let _ = update(app, Action::MetricsFetched(Box::new(outcome)));
            }
            Work::RefreshCounts { urls, generation } => {
                let queues = urls
                    .iter()
                    .filter_map(|u| runtime.block_on(backend.queues.describe_queue(u)).ok())
                    .collect();
                let _ = update(app, Action::CountsRefreshed { generation, queues });
            }
            _ => {}
        }
    }
    metric_jobs
}

fn render(app: &mut App, width: u16, height: u16, ascii: bool) -> String {
    let theme = Theme::new(Config::defaults().expect("defaults").colors, false, ascii);
    app.metrics.screen_width = width;
    let table_rows = ui::table_rows_for(height, app);
    let _ = update(
        app,
        Action::Resize {
            table_rows,
            help_rows: ui::help_rows_for(height),
        },
    );
    let mut terminal = Terminal::new(TestBackend::new(width, height)).expect("terminal");
    terminal
        .draw(|frame| ui::draw(frame, app, &theme))
        .expect("draw");
    terminal.backend().to_string()
}

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
