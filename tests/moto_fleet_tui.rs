//! The console (TUI) over a fleet against a real endpoint: moto's server is multi-region, so
//! us-east-1 and eu-west-1 are two contexts with queues of their own, and a third context
//! names a profile that does not exist. Drives the app headless with the router, the job
//! supervisor (each context's jobs on its own backend, their answers in their context) and
//! the connector the TUI uses: one board ranks both regions' DLQs, the failing context is
//! one row and hides nothing, the queue table lists both regions and `/ctx:` narrows it,
//! and `p` and `R` on eu-west-1's DLQ read and plan in eu-west-1 only.

mod support;

use std::time::SystemTime;

use ratatui::crossterm::event::{KeyCode, KeyEvent};
use squall::app::effect::ContextRequest;
use squall::app::modals::Modal;
use squall::app::redrive::PlanState;
use squall::app::views::health::HealthView;
use squall::app::views::resource_table::TableView;
use squall::app::views::viewer::MessagesView;
use squall::app::{Action, App, Effect, update};
use squall::aws::{Backend, ConnectionInfo};
use squall::config::Config;
use squall::health::Kind;
use squall::runtime::{Connector, Supervisor};
use tokio::sync::mpsc;

struct Harness {
    app: App,
    supervisor: Supervisor,
    rx: mpsc::UnboundedReceiver<Action>,
}

impl Harness {
    fn press(&mut self, code: KeyCode) -> Vec<Effect> {
        update(&mut self.app, Action::Key(KeyEvent::from(code)))
    }

    fn type_text(&mut self, text: &str) -> Vec<Effect> {
        text.chars()
            .flat_map(|c| self.press(KeyCode::Char(c)))
            .collect()
    }

    /// Runs effects until every job has ended and every answer is in the app, each job
    /// on the backend of its context, as the runtime runs them.
    async fn run(&mut self, effects: Vec<Effect>) {
        let mut pending = effects;
        loop {
            for effect in std::mem::take(&mut pending) {
                match effect {
                    Effect::Start { id, work } => {
                        let context = self.app.jobs.context_of(id).expect("a job's context");
                        self.supervisor.start_in(context, id, work);
                    }
                    Effect::Cancel(id) => self.supervisor.cancel(id),
                    _ => {}
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

    fn board(&self) -> &HealthView {
        self.app.view_as::<HealthView>().expect("the board on top")
    }

    /// Moves the board's selection to the row of `name` (in any context).
    async fn select(&mut self, name: &str) {
        let effects = self.press(KeyCode::Char('g'));
        self.run(effects).await;
        for _ in 0..self.board().problems.len() {
            if self.board().problems[self.board().selected].resource.name == name {
                return;
            }
            let effects = self.press(KeyCode::Char('j'));
            self.run(effects).await;
        }
        panic!("no row {name}: {:?}", self.board().problems);
    }
}

async fn connect(
    connector: &Connector,
    profile: Option<&str>,
    region: &str,
) -> Result<Backend, String> {
    let start = ConnectionInfo {
        region: region.to_string(),
        ..ConnectionInfo::default()
    };
    let request = ContextRequest {
        profile: profile.map(str::to_string),
        region: Some(region.to_string()),
    };
    connector(start, request).await.map(|(backend, _)| backend)
}

/// A source queue and its DLQ holding `messages` messages, in `region`.
async fn burning_dlq(moto: &support::Moto, region: &str, source: &str, dlq: &str, messages: usize) {
    let base = moto.sdk_config().await;
    let config = aws_sdk_sqs::config::Builder::from(&base)
        .region(aws_sdk_sqs::config::Region::new(region.to_string()))
        .build();
    let sqs = aws_sdk_sqs::Client::from_conf(config);
    let dlq_url = sqs
        .create_queue()
        .queue_name(dlq)
        .send()
        .await
        .expect("create dlq")
        .queue_url
        .expect("dlq url");
    let dlq_arn = format!("arn:aws:sqs:{region}:123456789012:{dlq}");
    let policy = format!(r#"{{"deadLetterTargetArn":"{dlq_arn}","maxReceiveCount":"3"}}"#);
    sqs.create_queue()
        .queue_name(source)
        .attributes(
            aws_sdk_sqs::types::QueueAttributeName::RedrivePolicy,
            policy,
        )
        .send()
        .await
        .expect("create source");
    for i in 0..messages {
        sqs.send_message()
            .queue_url(&dlq_url)
            .message_body(format!(r#"{{"region":"{region}","n":{i}}}"#))
            .send()
            .await
            .expect("send");
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn one_board_over_two_regions_and_a_failing_context_acting_in_the_rows_region() {
    // The connector reads credentials from the default chain, as squall does.
    // SAFETY: set before any thread of this test binary reads the environment.
    unsafe {
        std::env::set_var("AWS_ACCESS_KEY_ID", "test");
        std::env::set_var("AWS_SECRET_ACCESS_KEY", "test");
    }
    let moto = support::moto();
    let suffix = std::process::id();
    let (east_src, east_dlq) = (
        format!("fleet-east-{suffix}"),
        format!("fleet-east-{suffix}-dlq"),
    );
    let (west_src, west_dlq) = (
        format!("fleet-west-{suffix}"),
        format!("fleet-west-{suffix}-dlq"),
    );
    burning_dlq(moto, "us-east-1", &east_src, &east_dlq, 2).await;
    burning_dlq(moto, "eu-west-1", &west_src, &west_dlq, 5).await;

    let config = Config::defaults().expect("defaults");
    let connector = squall::interactive::connector(config.clone(), false, Some(moto.endpoint()));
    let east = connect(&connector, None, "us-east-1").await.expect("east");
    let west = connect(&connector, None, "eu-west-1").await.expect("west");
    let why = connect(&connector, Some("squall-no-such-profile"), "us-west-2")
        .await
        .err()
        .expect("an unknown profile does not connect");

    let (tx, rx) = mpsc::unbounded_channel();
    let mut app = App::new(
        east.info.clone(),
        false,
        config.keymap,
        None,
        SystemTime::now(),
    );
    app.refresh.listing = None;
    let mut supervisor = Supervisor::new(east.clone(), tx, 4);
    let west_id = app.add_context(west.info.clone(), None, false);
    supervisor.add_backend(west_id, west.clone());
    app.add_failed_context("squall-no-such-profile/us-west-2".into(), why);
    let mut harness = Harness {
        app,
        supervisor,
        rx,
    };
    let effects = squall::app::update::start(&mut harness.app);
    harness.run(effects).await;

    // The queue table lists both regions; /ctx: keeps one.
    let table = harness.app.view_as::<TableView>().expect("the queues");
    assert!(
        table.state.shown() >= 4,
        "both regions' queues: {}",
        table.state.shown()
    );
    let mut effects = harness.press(KeyCode::Char('/'));
    effects.extend(harness.type_text(&format!("ctx:eu-west-1 fleet-.*-{suffix}")));
    effects.extend(harness.press(KeyCode::Enter));
    harness.run(effects).await;
    let table = harness.app.view_as::<TableView>().expect("the queues");
    assert_eq!(table.state.shown(), 2, "eu-west-1's source and DLQ");

    // One board over both regions, ranked together; the failing context is one row.
    let mut effects = harness.press(KeyCode::Char(':'));
    effects.extend(harness.type_text("health"));
    effects.extend(harness.press(KeyCode::Enter));
    effects.extend(update(&mut harness.app, Action::Tick(SystemTime::now())));
    harness.run(effects).await;
    let board = harness.board();
    let row = |name: &str| board.problems.iter().position(|p| p.resource.name == name);
    let (west_row, east_row) = (row(&west_dlq), row(&east_dlq));
    assert!(
        west_row.is_some() && east_row.is_some() && west_row < east_row,
        "eu-west-1's 5 messages rank above us-east-1's 2: {:?}",
        board.problems
    );
    assert_eq!(board.problems[0].resource.kind, Kind::Context);
    assert!(
        board.problems[0].what.contains("squall-no-such-profile"),
        "{:?}",
        board.problems[0]
    );
    assert_eq!(board.contexts[west_row.unwrap_or_default()], west_id);

    // p on eu-west-1's DLQ reads eu-west-1's queue.
    harness.select(&west_dlq).await;
    assert_eq!(harness.app.info.region, "eu-west-1");
    let effects = harness.press(KeyCode::Char('p'));
    harness.run(effects).await;
    if matches!(harness.app.modal, Some(Modal::Confirm(_))) {
        let effects = harness.press(KeyCode::Char('y'));
        harness.run(effects).await;
    }
    let viewer = harness.app.view_as::<MessagesView>().expect("the sample");
    assert!(
        viewer.request.queue_url.ends_with(&west_dlq),
        "{}",
        viewer.request.queue_url
    );
    assert!(viewer.messages.iter().all(|m| m.body.contains("eu-west-1")));
    let effects = harness.press(KeyCode::Esc);
    harness.run(effects).await;

    // R plans in eu-west-1: its sources looked up there, the dialog naming it.
    harness.select(&west_dlq).await;
    let effects = harness.press(KeyCode::Char('R'));
    harness.run(effects).await;
    let Some(Modal::Redrive(dialog)) = &harness.app.modal else {
        panic!("the redrive dialog, got {:?}", harness.app.modal)
    };
    assert_eq!(dialog.context.as_deref(), Some("eu-west-1"));
    let PlanState::Ready(plan) = &dialog.plan else {
        panic!("a plan, got {:?}", dialog.plan)
    };
    assert_eq!(plan.sources.len(), 1, "{:?}", plan.sources);
    assert!(plan.sources[0].ends_with(&west_src), "{:?}", plan.sources);
    assert!(plan.dlq_arn.contains(":eu-west-1:"), "{}", plan.dlq_arn);
}
