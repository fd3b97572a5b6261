//! `:region` and `:profile` against a real endpoint: moto's server is multi-region, so a
//! switch must show the other region's queues, and switching back the first region's,
//! with nothing of the old region left on screen. Drives the app headless: the router,
//! the job supervisor and the same connector the TUI uses.

mod support;

use std::time::SystemTime;

use ratatui::crossterm::event::{KeyCode, KeyEvent};
use squall::app::effect::ContextRequest;
use squall::app::{Action, App, Effect, update};
use squall::aws::{Backend, ConnectionInfo};
use squall::config::Config;
use squall::runtime::{Connector, Supervisor};
use tokio::sync::mpsc;

fn press(app: &mut App, code: KeyCode) -> Vec<Effect> {
    update(app, Action::Key(KeyEvent::from(code)))
}

fn command(app: &mut App, line: &str) -> Vec<Effect> {
    let _ = press(app, KeyCode::Char(':'));
    for c in line.chars() {
        let _ = press(app, KeyCode::Char(c));
    }
    press(app, KeyCode::Enter)
}

struct Harness {
    app: App,
    supervisor: Supervisor,
    rx: mpsc::UnboundedReceiver<Action>,
    connector: Connector,
}

impl Harness {
    /// Runs effects until every job has ended and every result is in the app; a context
    /// switch goes through the connector as the runtime does it.
    async fn run(&mut self, effects: Vec<Effect>) {
        let mut pending = effects;
        loop {
            for effect in std::mem::take(&mut pending) {
                match effect {
                    Effect::Start { id, work } => self.supervisor.start(id, work),
                    Effect::Cancel(id) => self.supervisor.cancel(id),
                    Effect::SwitchContext(request) => {
                        let result = (self.connector)(self.app.info.clone(), request).await;
                        let action = match result {
                            Ok((backend, read_only)) => {
                                let info = backend.info.clone();
                                self.supervisor.replace_backend(backend);
                                Action::ContextSwitched { info, read_only }
                            }
                            Err(error) => Action::ContextFailed { error },
                        };
                        pending.extend(update(&mut self.app, action));
                    }
                    Effect::Copy(_) | Effect::Quit => {}
                }
            }
            while let Ok(action) = self.rx.try_recv() {
                pending.extend(update(&mut self.app, action));
            }
            if !pending.is_empty() {
                continue;
            }
            match self.supervisor.next_end().await {
                Some(ended) => {
                    while let Ok(action) = self.rx.try_recv() {
                        pending.extend(update(&mut self.app, action));
                    }
                    pending.extend(update(&mut self.app, ended));
                }
                None => break,
            }
        }
    }

    fn queue_names(&self) -> Vec<String> {
        self.app
            .inventory
            .queues()
            .iter()
            .map(|q| q.name.clone())
            .collect()
    }
}

async fn connect(connector: &Connector, region: &str) -> Backend {
    let start = ConnectionInfo {
        region: region.to_string(),
        ..ConnectionInfo::default()
    };
    let request = ContextRequest {
        profile: None,
        region: Some(region.to_string()),
    };
    connector(start, request).await.expect("connects").0
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn region_switch_shows_the_other_regions_queues_and_back() {
    // The connector reads credentials from the default chain, as squall does.
    // SAFETY: set before any thread of this test binary reads the environment.
    unsafe {
        std::env::set_var("AWS_ACCESS_KEY_ID", "test");
        std::env::set_var("AWS_SECRET_ACCESS_KEY", "test");
    }
    let moto = support::moto();
    let suffix = std::process::id();
    let east_name = format!("ctx-east-{suffix}");
    let west_name = format!("ctx-west-{suffix}");
    let base = moto.sdk_config().await;
    for (region, name) in [("us-east-1", &east_name), ("us-west-2", &west_name)] {
        let config = aws_sdk_sqs::config::Builder::from(&base)
            .region(aws_sdk_sqs::config::Region::new(region.to_string()))
            .build();
        aws_sdk_sqs::Client::from_conf(config)
            .create_queue()
            .queue_name(name)
            .send()
            .await
            .expect("create queue");
    }

    let config = Config::defaults().expect("defaults");
    let connector = squall::interactive::connector(config.clone(), false, Some(moto.endpoint()));
    let backend = connect(&connector, "us-east-1").await;
    let (tx, rx) = mpsc::unbounded_channel();
    let mut app = App::new(
        backend.info.clone(),
        false,
        config.keymap.clone(),
        None,
        SystemTime::now(),
    );
    app.refresh.listing = None;
    let mut harness = Harness {
        app,
        supervisor: Supervisor::new(backend, tx, 4),
        rx,
        connector,
    };
    let effects = squall::app::update::start(&mut harness.app);
    harness.run(effects).await;
    let names = harness.queue_names();
    assert!(names.contains(&east_name), "{names:?}");
    assert!(!names.contains(&west_name), "{names:?}");

    let effects = command(&mut harness.app, "region us-west-2");
    harness.run(effects).await;
    assert_eq!(harness.app.info.region, "us-west-2");
    let names = harness.queue_names();
    assert!(names.contains(&west_name), "{names:?}");
    assert!(
        !names.contains(&east_name),
        "nothing of the old region stays: {names:?}"
    );

    let effects = command(&mut harness.app, "region us-east-1");
    harness.run(effects).await;
    let names = harness.queue_names();
    assert!(names.contains(&east_name), "{names:?}");
    assert!(!names.contains(&west_name), "{names:?}");
    assert!(harness.app.jobs.running().next().is_none());
}
