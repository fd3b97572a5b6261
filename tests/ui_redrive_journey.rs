//! The redrive journey, headless, as the runtime runs it: `:dlq`, `R` on a DLQ holding
//! messages, a canary of 5 confirmed, the jobs run by the real supervisor on the simulated
//! world (tokio's clock paused, the world's clock following it), `c` for the rest; the DLQ
//! ends empty and its source holds every message. Alone in its binary: it points the
//! journal at a temporary directory through the environment.

use std::sync::Arc;
use std::time::{Duration, SystemTime};

use ratatui::crossterm::event::{KeyCode, KeyEvent, KeyModifiers};
use squall::app::modals::Modal;
use squall::app::views::redrive::RedriveView;
use squall::app::{Action, App, Effect, update};
use squall::aws::{Backend, ConnectionInfo};
use squall::config::Config;
use squall::domain::message::{OutgoingMessage, ReceiveRequest};
use squall::runtime::Supervisor;
use squall::sim::{FleetSpec, ManualClock, QueueSpec, SimFleet, WorldSettings};
use tokio::sync::mpsc;

const MESSAGES: usize = 30;

fn world() -> Backend {
    let clock = Arc::new(ManualClock::at_ms(1_800_000_000_000));
    let settings = WorldSettings {
        max_catch_up_ms: 24 * 3600 * 1000,
        ..WorldSettings::default()
    };
    let spec = FleetSpec {
        queues: vec![
            QueueSpec::new("orders").with_dlq("orders-dlq", 1),
            QueueSpec::new("orders-dlq"),
        ],
        ..FleetSpec::default()
    };
    let fleet = SimFleet::with_settings(spec, 1, clock.clone(), settings);
    tokio::spawn(async move {
        loop {
            tokio::time::sleep(Duration::from_millis(100)).await;
            clock.advance(Duration::from_millis(100));
        }
    });
    squall::sim::backend(fleet)
}

async fn url_of(backend: &Backend, name: &str) -> String {
    squall::commands::resolve::queue(backend, name)
        .await
        .expect("queue")
        .url
}

/// Visible and in flight: what the queue holds, whoever is reading it.
async fn visible(backend: &Backend, name: &str) -> u64 {
    let queue = squall::commands::resolve::queue(backend, name)
        .await
        .expect("queue");
    queue.counts.visible + queue.counts.in_flight
}

/// `MESSAGES` in orders, received twice (maxReceiveCount 1): SQS puts them in the DLQ.
async fn dead_letter(backend: &Backend) {
    let url = url_of(backend, "orders").await;
    let writers = backend.writers("test").expect("writers");
    let messages: Vec<OutgoingMessage> = (0..MESSAGES)
        .map(|i| OutgoingMessage {
            id: i.to_string(),
            body: format!("order {i}"),
            message_attributes: Default::default(),
            delay_seconds: None,
            group_id: None,
            deduplication_id: None,
            trace_header: None,
        })
        .collect();
    for chunk in messages.chunks(10) {
        writers
            .queues
            .send_messages(&url, chunk)
            .await
            .expect("send");
    }
    let request = ReceiveRequest {
        max_messages: 10,
        wait_seconds: 0,
        visibility_timeout_seconds: Some(0),
    };
    while !backend
        .messages
        .receive_messages(&url, request)
        .await
        .expect("receive")
        .is_empty()
    {}
}

struct Driver {
    app: App,
    supervisor: Supervisor,
    rx: mpsc::UnboundedReceiver<Action>,
}

impl Driver {
    fn run(&mut self, effects: Vec<Effect>) {
        for effect in effects {
            match effect {
                Effect::Start { id, work } => self.supervisor.start(id, work),
                Effect::Cancel(id) => self.supervisor.cancel(id),
                _ => {}
            }
        }
    }

    fn act(&mut self, action: Action) {
        let effects = update(&mut self.app, action);
        self.run(effects);
    }

    fn press(&mut self, code: KeyCode) {
        self.act(Action::Key(KeyEvent::new(code, KeyModifiers::NONE)));
    }

    fn type_text(&mut self, text: &str) {
        for c in text.chars() {
            self.press(KeyCode::Char(c));
        }
    }

    /// Results and job ends, fed to the app, until `done` says so (virtual time).
    async fn until(&mut self, what: &str, done: impl Fn(&App) -> bool) {
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
}

fn redrive_ended(app: &App) -> bool {
    app.view_as::<RedriveView>()
        .is_some_and(|v| !["running", "cancelling"].contains(&v.layout.state.as_str()))
}

fn layout_text(app: &App) -> String {
    let view = app.view_as::<RedriveView>().expect("the progress view");
    let mut text = format!("{} {}\n", view.layout.state, view.layout.gauge_label);
    for (_, line) in &view.layout.lines {
        text.push_str(line);
        text.push('\n');
    }
    text
}

#[test]
fn from_dlq_a_canary_then_the_rest_empties_the_dlq_into_its_source() {
    let journals = std::env::temp_dir().join(format!("squall-ui-journey-{}", std::process::id()));
    // SAFETY: this binary holds this one test, and nothing else runs yet.
    unsafe { std::env::set_var("SQUALL_DATA_DIR", &journals) };
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .start_paused(true)
        .build()
        .expect("runtime");
    runtime.block_on(async {
        let backend = world();
        dead_letter(&backend).await;
        assert_eq!(visible(&backend, "orders-dlq").await, MESSAGES as u64);
        let config = Config::defaults().expect("defaults");
        let app = App::new(
            ConnectionInfo {
                region: "us-east-1".into(),
                ..ConnectionInfo::default()
            },
            false,
            config.keymap,
            None,
            SystemTime::UNIX_EPOCH,
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
            .until("the listing", |app| {
                !app.loading() && app.inventory.queues().len() == 2
            })
            .await;

        driver.press(KeyCode::Char(':'));
        driver.type_text("dlq");
        driver.press(KeyCode::Enter);
        driver.press(KeyCode::Char('R'));
        driver
            .until("the plan", |app| {
                matches!(&app.modal, Some(Modal::Redrive(d))
                    if matches!(d.plan, squall::app::redrive::PlanState::Ready(_)))
            })
            .await;
        // mode, to, rate, limit, filter, canary
        for _ in 0..5 {
            driver.press(KeyCode::Down);
        }
        driver.type_text("5");
        driver
            .until("the canary's plan", |app| {
                matches!(&app.modal, Some(Modal::Redrive(d))
                    if matches!(&d.plan, squall::app::redrive::PlanState::Ready(p)
                        if p.mode == squall::redrive::Mode::Manual))
            })
            .await;
        driver.press(KeyCode::Enter);
        assert!(
            matches!(&driver.app.modal, Some(Modal::Confirm(c)) if c.pending.typed.is_none()),
            "30 is under the threshold: y confirms"
        );
        driver.press(KeyCode::Char('y'));
        assert!(driver.app.view_as::<RedriveView>().is_some());
        driver.until("the canary", redrive_ended).await;
        let text = layout_text(&driver.app);
        assert!(
            text.contains("Canary moved 5; watch the consumer"),
            "{text}"
        );
        assert!(
            text.contains("journal "),
            "a manual run keeps a journal: {text}"
        );
        assert_eq!(visible(&backend, "orders").await, 5);
        // The job's end reloads the counts; then the rest.
        driver.until("the reload", |app| !app.loading()).await;
        driver.press(KeyCode::Char('c'));
        driver.until("the rest", redrive_ended).await;
        let text = layout_text(&driver.app);
        assert!(text.contains("left in DLQ 0"), "{text}");
        assert_eq!(visible(&backend, "orders-dlq").await, 0, "the DLQ is empty");
        assert_eq!(
            visible(&backend, "orders").await,
            MESSAGES as u64,
            "its source holds every message"
        );
        driver.until("the reload", |app| !app.loading()).await;
        let dlq = driver
            .app
            .inventory
            .queues()
            .iter()
            .find(|q| q.name == "orders-dlq")
            .map(|q| q.counts.visible);
        assert_eq!(dlq, Some(0), "the inventory shows it too");
    });
    let _ = std::fs::remove_dir_all(&journals);
}
