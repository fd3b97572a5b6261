//! Snapshot tests of the health board (`:health`): the demo world on a frozen clock, its
//! metric calls run here the way the runtime runs them, at 80x24 and 160x40; the first
//! row is a DLQ holding messages and Enter opens its charts; an empty world says all is
//! well.

use std::sync::Arc;
use std::time::{Duration, SystemTime};

use ratatui::Terminal;
use ratatui::backend::TestBackend;
use ratatui::crossterm::event::{KeyCode, KeyEvent, KeyModifiers};
use squall::app::effect::Work;
use squall::app::{Action, App, Effect, update};
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

/// The health board over the demo world, its metrics fetched.
fn board(backend: &Backend) -> App {
    let mut app = loaded_app(backend);
    type_keys(&mut app, ":health");
    press(&mut app, KeyCode::Enter);
    let jobs = tick(&mut app, backend, t(12));
    assert!(jobs >= 1, "the board asks for what its rules read");
    app
}

#[test]
fn health_board_80x24() {
    let backend = backend();
    let mut app = board(&backend);
    let screen = render(&mut app, 80, 24, false);
    assert!(screen.contains("critical  dlq "), "{screen}");
    insta::assert_snapshot!(screen);
}

#[test]
fn health_board_160x40() {
    let backend = backend();
    let mut app = board(&backend);
    let screen = render(&mut app, 160, 40, false);
    assert!(screen.contains("TREND"), "{screen}");
    insta::assert_snapshot!(screen);
}

#[test]
fn enter_on_the_first_row_opens_the_dlq_charts() {
    let backend = backend();
    let mut app = board(&backend);
    let board = render(&mut app, 160, 40, false);
    press(&mut app, KeyCode::Enter);
    let charts = render(&mut app, 160, 40, false);
    assert_ne!(board, charts);
    assert!(charts.contains("-dlq"), "{charts}");
}

#[test]
fn an_empty_world_says_all_is_well() {
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
    for action in [
        Action::QueuesLoaded {
            generation: 1,
            queues: Vec::new(),
        },
        Action::QueuesFinished {
            generation: 1,
            listed: 0,
            failed: 0,
        },
    ] {
        let _ = update(&mut app, action);
    }
    type_keys(&mut app, ":health");
    press(&mut app, KeyCode::Enter);
    let screen = render(&mut app, 80, 24, false);
    assert!(screen.contains("All is well"), "{screen}");
    insta::assert_snapshot!(screen);
}

#[test]
fn the_board_judges_with_the_configured_thresholds() {
    let backend = backend();
    let mut app = loaded_app(&backend);
    app.health_thresholds = squall::health::Thresholds {
        oldest_age_warning_s: 1e9,
        oldest_age_critical_s: 1e9,
        growth_per_minute: 1e9,
        ..squall::health::Thresholds::default()
    };
    type_keys(&mut app, ":health");
    press(&mut app, KeyCode::Enter);
    tick(&mut app, &backend, t(12));
    let screen = render(&mut app, 160, 40, false);
    assert!(screen.contains("DLQ holds"), "{screen}");
    assert!(!screen.contains("oldest message"), "{screen}");
    assert!(!screen.contains("depth growing"), "{screen}");
}
