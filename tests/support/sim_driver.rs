//! The app driven headless the way the runtime drives it, on a simulated world: keys go
//! through `update`, the effects' jobs run in the real supervisor, and their results and
//! ends are fed back as actions. Meant for a current-thread tokio runtime with a paused
//! clock (`paused_runtime`), the world's clock following tokio's (`following_clock`), so
//! a redrive's pacing and a move task's progress take virtual time only.
//! Shared by the redrive journey and the journeys of `tests/ui_journeys.rs`.

use std::sync::Arc;
use std::time::{Duration, SystemTime};

use ratatui::crossterm::event::{KeyCode, KeyEvent, KeyModifiers};
use squall::app::modals::Modal;
use squall::app::redrive::PlanState;
use squall::app::redrive::view::RedriveView;
use squall::app::{Action, App, Effect, update};
use squall::aws::{Backend, ConnectionInfo};
use squall::config::Config;
use squall::runtime::Supervisor;
use squall::sim::{Clock, ManualClock};
use tokio::sync::mpsc;

/// The worlds start here (ms since the epoch).
pub const WORLD_START_MS: i64 = 1_800_000_000_000;

/// A current-thread runtime on a paused clock: sleeps end as soon as nothing else can run.
pub fn paused_runtime() -> tokio::runtime::Runtime {
    tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .start_paused(true)
        .build()
        .expect("runtime")
}

/// A world clock that follows tokio's (paused) clock in 100 ms steps. Call inside the
/// runtime.
pub fn following_clock() -> Arc<ManualClock> {
    ManualClock::following_tokio(WORLD_START_MS)
}

pub fn system_time(clock: &ManualClock) -> SystemTime {
    SystemTime::UNIX_EPOCH + Duration::from_millis(clock.now_ms() as u64)
}

async fn resolve(backend: &Backend, name: &str) -> squall::domain::queue::Queue {
    squall::aws::resolve::queue(backend, name)
        .await
        .expect("queue")
}

pub async fn url_of(backend: &Backend, name: &str) -> String {
    resolve(backend, name).await.url
}

/// Visible and in flight: what the queue holds, whoever is reading it.
pub async fn held(backend: &Backend, name: &str) -> u64 {
    let queue = resolve(backend, name).await;
    queue.counts.visible + queue.counts.in_flight
}

pub struct Driver {
    pub app: App,
    pub supervisor: Supervisor,
    rx: mpsc::UnboundedReceiver<Action>,
}

impl Driver {
    /// An app on `backend` (read-only or not), its first loads started.
    pub fn start(backend: &Backend, read_only: bool, now: SystemTime) -> Driver {
        let config = Config::defaults().expect("defaults");
        let app = App::new(
            ConnectionInfo {
                region: "us-east-1".into(),
                ..ConnectionInfo::default()
            },
            read_only,
            config.keymap,
            None,
            now,
        );
        let (tx, rx) = mpsc::unbounded_channel();
        let mut driver = Driver {
            app,
            supervisor: Supervisor::new(backend.clone(), tx, 4),
            rx,
        };
        let effects = squall::app::update::start(&mut driver.app);
        driver.run(effects);
        driver
    }

    /// An app over a fleet: `members` (label, backend) are its contexts in order, the
    /// first the one it starts in; `failed` (label, why) could not be reached.
    pub fn start_fleet(
        members: &[(&str, Backend)],
        failed: &[(&str, &str)],
        now: SystemTime,
    ) -> Driver {
        let config = Config::defaults().expect("defaults");
        let (first_label, first) = &members[0];
        let mut app = App::new(first.info.clone(), false, config.keymap, None, now);
        app.set_label(0, first_label.to_string());
        let (tx, rx) = mpsc::unbounded_channel();
        let mut supervisor = Supervisor::new(first.clone(), tx, 4);
        for (label, backend) in &members[1..] {
            let id = app.add_context(backend.info.clone(), Some(label.to_string()), false);
            supervisor.add_backend(id, backend.clone());
        }
        for (label, why) in failed {
            app.add_failed_context(label.to_string(), why.to_string());
        }
        let mut driver = Driver {
            app,
            supervisor,
            rx,
        };
        let effects = squall::app::update::start(&mut driver.app);
        driver.run(effects);
        driver
    }

    pub fn run(&mut self, effects: Vec<Effect>) {
        for effect in effects {
            match effect {
                // Each job on the backend of its fleet context, as the runtime runs it.
                Effect::Start { id, work } => {
                    let context = self.app.jobs.context_of(id).unwrap_or_default();
                    self.supervisor.start_in(context, id, work);
                }
                Effect::Cancel(id) => self.supervisor.cancel(id),
                _ => {}
            }
        }
    }

    pub fn act(&mut self, action: Action) {
        let effects = update(&mut self.app, action);
        self.run(effects);
    }

    pub fn press(&mut self, code: KeyCode) {
        self.act(Action::Key(KeyEvent::new(code, KeyModifiers::NONE)));
    }

    pub fn type_text(&mut self, text: &str) {
        for c in text.chars() {
            self.press(KeyCode::Char(c));
        }
    }

    /// `:command` Enter.
    pub fn command(&mut self, command: &str) {
        self.press(KeyCode::Char(':'));
        self.type_text(command);
        self.press(KeyCode::Enter);
    }

    /// Results and job ends, fed to the app, until `done` says so (virtual time).
    pub async fn until(&mut self, what: &str, done: impl Fn(&App) -> bool) {
        let deadline = tokio::time::Instant::now() + Duration::from_secs(900);
        while !done(&self.app) {
            let action = tokio::select! {
                // Results before job ends, as the runtime takes them.
                biased;
                Some(action) = self.rx.recv() => action,
                Some(action) = self.supervisor.next_end(), if self.supervisor.has_jobs() => action,
                _ = tokio::time::sleep_until(deadline) => panic!(
                    "timed out waiting for {what}: {} queues, loading {}, {:?}",
                    self.app.inventory.queues().len(),
                    self.app.loading(),
                    self.app.message
                ),
            };
            self.act(action);
        }
    }

    /// Every job started so far run to its end (and what their ends start, too).
    pub async fn settle(&mut self, what: &str) {
        let deadline = tokio::time::Instant::now() + Duration::from_secs(900);
        loop {
            let action = tokio::select! {
                biased;
                Some(action) = self.rx.recv() => action,
                Some(action) = self.supervisor.next_end(), if self.supervisor.has_jobs() => action,
                _ = tokio::time::sleep_until(deadline) => panic!("timed out settling {what}"),
                // Nothing waiting and no job left: settled.
                _ = std::future::ready(()), if !self.supervisor.has_jobs() => break,
            };
            self.act(action);
        }
    }

    /// `R` on the selected DLQ, the canary field set to `canary`, the plan (manual: a
    /// canary chooses messages) confirmed with `y`. Returns with the progress view on top.
    pub async fn redrive_with_canary(&mut self, canary: u64) {
        self.press(KeyCode::Char('R'));
        self.until("the plan", |app| {
            matches!(&app.modal, Some(Modal::Redrive(d)) if matches!(d.plan, PlanState::Ready(_)))
        })
        .await;
        // mode, to, rate, limit, filter, canary
        for _ in 0..5 {
            self.press(KeyCode::Down);
        }
        self.type_text(&canary.to_string());
        self.until("the canary's plan", |app| {
            matches!(&app.modal, Some(Modal::Redrive(d))
                if matches!(&d.plan, PlanState::Ready(p) if p.mode == squall::redrive::Mode::Manual))
        })
        .await;
        self.press(KeyCode::Enter);
        assert!(
            matches!(&self.app.modal, Some(Modal::Confirm(c)) if c.pending.typed.is_none()),
            "under the threshold: y confirms, got {:?}",
            self.app.modal
        );
        self.press(KeyCode::Char('y'));
        assert!(
            self.app.view_as::<RedriveView>().is_some(),
            "the progress view"
        );
    }
}

/// The redrive on top has ended (not running, not cancelling).
pub fn redrive_ended(app: &App) -> bool {
    app.view_as::<RedriveView>()
        .is_some_and(|v| !["running", "cancelling"].contains(&v.layout.state.as_str()))
}

/// The progress view's state, gauge and lines, as text.
pub fn redrive_text(app: &App) -> String {
    let view = app.view_as::<RedriveView>().expect("the progress view");
    let mut text = format!("{} {}\n", view.layout.state, view.layout.gauge_label);
    for (_, line) in &view.layout.lines {
        text.push_str(line);
        text.push('\n');
    }
    text
}
