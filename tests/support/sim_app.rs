//! The demo world on a frozen clock, and an app driven over it the way the runtime drives
//! it: keys, ticks, and the metric and counts jobs those start, run to the end; then a
//! frame drawn into a test backend. Shared by the UI snapshot tests: the one way they start
//! an app, load a world into it, open the message viewer and draw a frame.

use std::sync::Arc;
use std::time::{Duration, SystemTime};

use ratatui::Terminal;
use ratatui::backend::TestBackend;
use ratatui::crossterm::event::{KeyCode, KeyEvent, KeyModifiers};
use squall::app::action::PeekResult;
use squall::app::effect::{PeekRequest, Work};
use squall::app::jobs::{JobEnd, JobId};
use squall::app::logs::LogsJob;
use squall::app::modals::confirm::DangerousOp;
use squall::app::{Action, App, Effect, update};
use squall::aws::{Backend, ConnectionInfo};
use squall::config::Config;
use squall::domain::message::ReceivedMessage;
use squall::inventory::{Inventory, Source, collect_inventory};
use squall::messages::{PeekEnd, PeekProgress, PeekReport, PeekShape};
use squall::sim::{self, ManualClock, SimFleet};
use squall::ui::{self, Theme};

pub const START_S: u64 = 1_800_000_000;

pub fn t(seconds: u64) -> SystemTime {
    SystemTime::UNIX_EPOCH + Duration::from_secs(START_S + seconds)
}

pub fn runtime() -> tokio::runtime::Runtime {
    tokio::runtime::Builder::new_current_thread()
        .enable_time()
        .build()
        .expect("runtime")
}

pub fn backend() -> Backend {
    let clock = Arc::new(ManualClock::at_ms(START_S as i64 * 1000));
    sim::backend(SimFleet::demo_with(sim::DEFAULT_SEED, clock))
}

/// The connection the snapshots show in the status bar: the `prod-ops` profile in `region`.
pub fn prod_ops(region: &str) -> ConnectionInfo {
    ConnectionInfo {
        profile: Some("prod-ops".into()),
        region: region.into(),
        endpoint: None,
        demo: false,
    }
}

/// An app on the default keymap, started at `now` as the runtime starts it: its first
/// listings are in flight (generation 1), so a load or a failure fed next is a current one.
pub fn started_app(
    info: ConnectionInfo,
    read_only: bool,
    refresh: Option<Duration>,
    now: SystemTime,
) -> App {
    let config = Config::defaults().expect("defaults");
    let mut app = App::new(info, read_only, config.keymap, refresh, now);
    let _ = squall::app::update::start(&mut app);
    app
}

/// An app that loaded the demo world from `backend`.
pub fn loaded_app(backend: &Backend) -> App {
    let mut app = started_app(
        prod_ops("us-east-1"),
        false,
        Some(Duration::from_secs(5)),
        t(0),
    );
    let inventory = runtime()
        .block_on(collect_inventory(backend, 4, &Source::ALL))
        .inventory;
    load(&mut app, &inventory);
    app
}

/// Every listing of `inventory`, fed to the app as the first load (generation 1) finishing.
pub fn load(app: &mut App, inventory: &Inventory) {
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
        let _ = update(app, action);
    }
}

/// The message viewer opened on `messages`, as a sample peek of orders (maxReceiveCount 5,
/// DLQ orders-dlq) ending drained.
pub fn open_viewer(app: &mut App, messages: Vec<ReceivedMessage>) {
    let _ = update(
        app,
        Action::Peeked(Box::new(PeekResult {
            job: JobId(1),
            request: PeekRequest {
                queue_url: "https://sqs/1/orders".into(),
                queue_name: "orders".into(),
                count: 10,
                max_receive_count: Some(5),
                dlq_name: Some("orders-dlq".into()),
            },
            messages,
            report: PeekReport {
                shape: PeekShape::Sample,
                progress: PeekProgress::default(),
                end: PeekEnd::Drained,
                hold_lost: Vec::new(),
                release: Default::default(),
            },
        })),
    );
}

pub fn press(app: &mut App, code: KeyCode) {
    let _ = update(app, Action::Key(KeyEvent::new(code, KeyModifiers::NONE)));
}

pub fn type_keys(app: &mut App, text: &str) {
    for c in text.chars() {
        press(app, KeyCode::Char(c));
    }
}

/// A tick at `at`, with the metric and counts jobs it starts run to the end. Returns
/// how many GetMetricData jobs ran.
pub fn tick(app: &mut App, backend: &Backend, at: SystemTime) -> usize {
    let effects = update(app, Action::Tick(at));
    run(app, backend, effects)
}

/// A `:` command typed and entered.
pub fn command(app: &mut App, name: &str) {
    press(app, KeyCode::Char(':'));
    type_keys(app, name);
    press(app, KeyCode::Enter);
}

pub fn run(app: &mut App, backend: &Backend, effects: Vec<Effect>) -> usize {
    let runtime = runtime();
    let mut metric_jobs = 0;
    for effect in effects {
        let Effect::Start { id, work } = effect else {
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
            Work::Alarms => {
                let alarms = runtime.block_on(backend.alarms.alarms_in_alarm());
                let _ = update(app, Action::AlarmsRead { job: id, alarms });
                job_done(app, id);
            }
            Work::MoveTasks(dlqs) => {
                let answers =
                    runtime.block_on(squall::health::observe::read_move_tasks(backend, dlqs, 4));
                let _ = update(app, Action::MoveTasksRead { job: id, answers });
                job_done(app, id);
            }
            Work::Logs(logs) => logs_job(app, backend, &runtime, id, logs),
            Work::Dangerous(op) => {
                if let DangerousOp::LogsSearch(logs) = op.op() {
                    logs_job(app, backend, &runtime, id, (**logs).clone());
                }
            }
            Work::Whoami => {
                let whoami = Box::new(runtime.block_on(squall::whoami::probe(backend)));
                let _ = update(app, Action::WhoamiRead { job: id, whoami });
                job_done(app, id);
            }
            _ => {}
        }
    }
    metric_jobs
}

/// A logs search, its answer and its end.
fn logs_job(
    app: &mut App,
    backend: &Backend,
    runtime: &tokio::runtime::Runtime,
    id: JobId,
    logs: LogsJob,
) {
    let answer = runtime.block_on(squall::runtime::logs::answer(&logs, backend));
    let _ = update(
        app,
        Action::LogsRead {
            job: id,
            to: logs.to,
            generation: logs.generation,
            answer: Box::new(answer),
        },
    );
    job_done(app, id);
}

/// The job's end, as the runtime reports it after the job's answer.
fn job_done(app: &mut App, id: JobId) {
    let _ = update(
        app,
        Action::JobEnded {
            id,
            end: JobEnd::Done(None),
        },
    );
}

pub fn render(app: &mut App, width: u16, height: u16, ascii: bool) -> String {
    let theme = Theme::new(Config::defaults().expect("defaults").colors, false, ascii);
    app.metrics.screen_width = width;
    draw(app, width, height, &theme)
}

/// The app told its rows for a `width` x `height` terminal, then one frame drawn in `theme`.
pub fn draw(app: &mut App, width: u16, height: u16, theme: &Theme) -> String {
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
        .draw(|frame| ui::draw(frame, app, theme))
        .expect("draw");
    terminal.backend().to_string()
}
