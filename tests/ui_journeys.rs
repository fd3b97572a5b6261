//! The on-call journeys, headless, on a simulated fan-out: the health board names the
//! burning DLQ → Enter charts it → back → `p` peeks it (SNS envelopes) → `R` with a canary
//! → `c` moves the rest → the DLQ is empty and its row leaves the board. And read-only: the
//! same journey offers no redrive and the DLQ keeps its messages. Every job runs in the real
//! supervisor; tokio's clock is paused and the world's clock follows it, so the redrive's
//! pacing takes virtual time only. Assertions are on the rendered screen (`TestBackend`).
//! Alone in its binary for the journal directory it sets through the environment.

mod support;

use std::sync::Arc;

use ratatui::crossterm::event::KeyCode;
use squall::app::App;
use squall::app::modals::Modal;
use squall::app::redrive::view::RedriveView;
use squall::app::views::charts::ChartsView;
use squall::app::views::health::HealthView;
use squall::app::views::viewer::MessagesView;
use squall::aws::Backend;
use squall::domain::message::{OutgoingNotification, ReceiveRequest};
use squall::sim::{FleetSpec, ManualClock, QueueSpec, SimFleet, SubscriptionSpec, WorldSettings};
use support::sim_app::render;
use support::sim_driver::*;

const TOPIC: &str = "payment-complete";
const QUEUE: &str = "shipping";
const DLQ: &str = "shipping-dlq";
const MESSAGES: u64 = 20;
const CANARY: u64 = 5;
const WIDTH: u16 = 160;
const HEIGHT: u16 = 40;

/// A topic fanning out to `shipping` (SNS envelopes: no raw delivery), whose DLQ takes a
/// message at its first failed receive.
fn world() -> (Backend, Arc<ManualClock>) {
    let clock = following_clock();
    let settings = WorldSettings {
        max_catch_up_ms: 24 * 3600 * 1000,
        ..WorldSettings::default()
    };
    let spec = FleetSpec {
        queues: vec![QueueSpec::new(QUEUE).with_dlq(DLQ, 1), QueueSpec::new(DLQ)],
        topics: vec![TOPIC.into()],
        subscriptions: vec![SubscriptionSpec::new(TOPIC, "sqs", QUEUE)],
        ..FleetSpec::default()
    };
    let fleet = SimFleet::with_settings(spec, 1, clock.clone(), settings);
    (squall::sim::backend(fleet), clock)
}

/// `MESSAGES` published to the topic, each received twice from `shipping` without being
/// deleted (maxReceiveCount 1): SQS moves them, envelopes and all, to the DLQ.
async fn dead_letter(backend: &Backend) {
    let topic = backend
        .topics
        .list_topics(None)
        .await
        .expect("topics")
        .items
        .into_iter()
        .find(|arn| arn.ends_with(&format!(":{TOPIC}")))
        .expect("the topic");
    let writers = backend.writers("test").expect("writers");
    for i in 0..MESSAGES {
        let notification = OutgoingNotification {
            message: format!(r#"{{"order":{i},"carrier":"parcelco"}}"#),
            subject: Some("payment complete".into()),
            message_attributes: Default::default(),
            group_id: None,
            deduplication_id: None,
        };
        writers
            .topics
            .publish(&topic, &notification)
            .await
            .expect("publish");
    }
    let url = url_of(backend, QUEUE).await;
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
    assert_eq!(held(backend, DLQ).await, MESSAGES, "the DLQ filled");
    assert_eq!(held(backend, QUEUE).await, 0);
}

fn board(app: &App) -> &HealthView {
    app.view_as::<HealthView>()
        .expect("the health board on top")
}

/// The listing loaded, the board open, a tick's metric and signal reads done; the DLQ's
/// row selected. Returns the rendered board.
async fn open_board(driver: &mut Driver, clock: &ManualClock) -> String {
    driver
        .until("the listing", |app| {
            !app.loading() && app.inventory.queues().len() == 2
        })
        .await;
    driver.command("health");
    driver.act(squall::app::Action::Tick(system_time(clock)));
    driver.settle("the board's reads").await;
    let rows = board(&driver.app).problems.len();
    for _ in 0..rows {
        if board(&driver.app).problems[board(&driver.app).selected]
            .resource
            .name
            == DLQ
        {
            break;
        }
        driver.press(KeyCode::Char('j'));
    }
    let screen = render(&mut driver.app, WIDTH, HEIGHT, false);
    assert!(
        screen.contains(&format!("critical  dlq {DLQ}")),
        "the board names the burning DLQ:\n{screen}"
    );
    assert!(
        screen.contains(&format!("DLQ holds {MESSAGES} messages")),
        "{screen}"
    );
    let selected = &board(&driver.app).problems[board(&driver.app).selected];
    assert_eq!(selected.resource.name, DLQ, "its row is selected");
    screen
}

/// Enter charts the selected row's DLQ; Esc comes back to the board.
fn charts_and_back(driver: &mut Driver) {
    driver.press(KeyCode::Enter);
    assert!(driver.app.view_as::<ChartsView>().is_some(), "the charts");
    let charts = render(&mut driver.app, WIDTH, HEIGHT, false);
    assert!(
        charts.contains(&format!("metrics {DLQ}")),
        "the breadcrumb names the charts:\n{charts}"
    );
    assert!(charts.contains(&format!("{DLQ} depth")), "{charts}");
    driver.press(KeyCode::Esc);
    assert!(
        driver.app.view_as::<HealthView>().is_some(),
        "back on the board"
    );
}

/// `p` peeks the DLQ: the viewer shows its messages, SNS envelopes unwrapped; Esc leaves.
async fn peek_and_back(driver: &mut Driver) {
    driver.press(KeyCode::Char('p'));
    driver
        .until("the sample", |app| app.view_as::<MessagesView>().is_some())
        .await;
    let viewer = render(&mut driver.app, WIDTH, HEIGHT, false);
    assert!(
        viewer.contains(&format!("sample of 10 from {DLQ}")),
        "{viewer}"
    );
    assert!(viewer.contains("SNS envelope"), "{viewer}");
    assert!(viewer.contains(TOPIC), "{viewer}");
    assert!(viewer.contains(r#""carrier": "parcelco""#), "{viewer}");
    driver.settle("the peek's release").await;
    driver.press(KeyCode::Esc);
    assert!(
        driver.app.view_as::<HealthView>().is_some(),
        "back on the board"
    );
}

#[test]
fn the_board_names_the_burning_dlq_a_canary_then_the_rest_drains_it_and_its_row_goes() {
    let journals = std::env::temp_dir().join(format!("squall-ui-journeys-{}", std::process::id()));
    // SAFETY: set before any test of this binary starts a job (the other one only reads).
    unsafe { std::env::set_var("SQUALL_DATA_DIR", &journals) };
    paused_runtime().block_on(async {
        let (backend, clock) = world();
        dead_letter(&backend).await;
        let mut driver = Driver::start(&backend, false, system_time(&clock));
        let screen = open_board(&mut driver, &clock).await;
        assert!(
            screen.contains("<R> redrive"),
            "the DLQ row offers R:\n{screen}"
        );
        charts_and_back(&mut driver);
        peek_and_back(&mut driver).await;

        driver.redrive_with_canary(CANARY).await;
        driver.until("the canary", redrive_ended).await;
        // Then its watch (minutes, in the paused clock's time) and the verdict: nothing came
        // back to the DLQ.
        driver
            .until("the canary's verdict", |app| {
                app.view_as::<RedriveView>().is_some_and(|v| {
                    v.layout
                        .canary
                        .iter()
                        .any(|(_, l)| l.starts_with("canary:"))
                })
            })
            .await;
        let progress = render(&mut driver.app, WIDTH, HEIGHT, false);
        assert!(
            progress.contains(&format!("canary: {CANARY} moved, 0 back in the DLQ")),
            "{progress}"
        );
        // This world has no Lambda consumer to judge by: a quiet DLQ alone proves nothing.
        assert!(
            progress.contains("unknown: no Lambda consumer"),
            "{progress}"
        );
        assert_eq!(held(&backend, QUEUE).await, CANARY, "the canary went home");
        assert_eq!(held(&backend, DLQ).await, MESSAGES - CANARY);
        driver.until("the reload", |app| !app.loading()).await;
        // Not "safe": c asks first.
        driver.press(KeyCode::Char('c'));
        assert!(
            driver.app.modal.is_some(),
            "c after an unknown verdict asks"
        );
        driver.press(KeyCode::Char('y'));
        driver.until("the rest", redrive_ended).await;
        let text = redrive_text(&driver.app);
        assert!(text.contains("left in DLQ 0"), "{text}");
        assert_eq!(held(&backend, DLQ).await, 0, "the DLQ is empty");
        assert_eq!(
            held(&backend, QUEUE).await,
            MESSAGES,
            "shipping has them all"
        );

        // The job's end reloads the queues; the board judges again: its row is gone.
        driver.until("the reload", |app| !app.loading()).await;
        driver.press(KeyCode::Esc);
        assert!(
            driver.app.view_as::<HealthView>().is_some(),
            "back on the board"
        );
        driver.act(squall::app::Action::Tick(system_time(&clock)));
        driver.settle("the board's reads").await;
        let screen = render(&mut driver.app, WIDTH, HEIGHT, false);
        assert!(
            !screen.contains(&format!("dlq {DLQ}")),
            "the DLQ's row left the board:\n{screen}"
        );
        assert!(!screen.contains("DLQ holds"), "{screen}");
        assert!(
            screen.contains("All is well"),
            "its only problem:\n{screen}"
        );
        assert!(
            !board(&driver.app)
                .problems
                .iter()
                .any(|p| p.resource.name == DLQ),
            "{:?}",
            board(&driver.app).problems
        );
    });
    let _ = std::fs::remove_dir_all(&journals);
}

#[test]
fn read_only_the_same_journey_offers_no_redrive_and_the_dlq_keeps_its_messages() {
    paused_runtime().block_on(async {
        let (backend, clock) = world();
        dead_letter(&backend).await;
        // As `--read-only` runs it: the app refuses, and the backend has no writers.
        let mut driver = Driver::start(&backend.clone().read_only(), true, system_time(&clock));
        let screen = open_board(&mut driver, &clock).await;
        assert!(!screen.contains("<R>"), "no R hint:\n{screen}");
        charts_and_back(&mut driver);
        peek_and_back(&mut driver).await;

        driver.press(KeyCode::Char('R'));
        assert_eq!(driver.app.modal, None, "no redrive dialog");
        assert!(!driver.supervisor.has_jobs(), "no plan job");
        let screen = render(&mut driver.app, WIDTH, HEIGHT, false);
        assert!(
            screen.contains("read-only: nothing that changes state is available"),
            "R is refused, and says why:\n{screen}"
        );
        driver.press(KeyCode::Char('?'));
        assert!(matches!(driver.app.modal, Some(Modal::Help { .. })));
        let help = render(&mut driver.app, WIDTH, HEIGHT, false);
        assert!(help.contains("peek"), "the help lists the keys:\n{help}");
        assert!(!help.contains("Redrive"), "but no redrive:\n{help}");
        driver.press(KeyCode::Esc);

        assert_eq!(held(&backend, DLQ).await, MESSAGES, "the DLQ keeps them");
        driver.act(squall::app::Action::Tick(system_time(&clock)));
        driver.settle("the board's reads").await;
        let screen = render(&mut driver.app, WIDTH, HEIGHT, false);
        assert!(
            screen.contains(&format!("DLQ holds {MESSAGES} messages")),
            "{screen}"
        );
    });
}
