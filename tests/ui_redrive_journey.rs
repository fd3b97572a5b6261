//! The redrive journey, headless, as the runtime runs it: `:dlq`, `R` on a DLQ holding
//! messages, a canary of 5 confirmed, the jobs run by the real supervisor on the simulated
//! world (tokio's clock paused, the world's clock following it), `c` for the rest; the DLQ
//! ends empty and its source holds every message. Alone in its binary: it points the
//! journal at a temporary directory through the environment.

mod support;

use squall::aws::Backend;
use squall::domain::message::{OutgoingMessage, ReceiveRequest};
use squall::sim::{FleetSpec, QueueSpec, SimFleet, WorldSettings};
use support::sim_driver::*;

const MESSAGES: usize = 30;

fn world() -> (Backend, std::sync::Arc<squall::sim::ManualClock>) {
    let clock = following_clock();
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
    (squall::sim::backend(fleet), clock)
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

#[test]
fn from_dlq_a_canary_then_the_rest_empties_the_dlq_into_its_source() {
    let journals = std::env::temp_dir().join(format!("squall-ui-journey-{}", std::process::id()));
    // SAFETY: this binary holds this one test, and nothing else runs yet.
    unsafe { std::env::set_var("SQUALL_DATA_DIR", &journals) };
    paused_runtime().block_on(async {
        let (backend, _clock) = world();
        dead_letter(&backend).await;
        assert_eq!(held(&backend, "orders-dlq").await, MESSAGES as u64);
        let mut driver = Driver::start(&backend, false, std::time::SystemTime::UNIX_EPOCH);
        driver
            .until("the listing", |app| {
                !app.loading() && app.inventory.queues().len() == 2
            })
            .await;

        driver.command("dlq");
        driver.redrive_with_canary(5).await;
        driver.until("the canary", redrive_ended).await;
        let text = redrive_text(&driver.app);
        assert!(
            text.contains("Canary moved 5; watch the consumer"),
            "{text}"
        );
        assert!(
            text.contains("journal "),
            "a manual run keeps a journal: {text}"
        );
        assert_eq!(held(&backend, "orders").await, 5);
        // Then the canary's watch (minutes of the paused clock) and its verdict.
        driver
            .until("the canary's verdict", |app| {
                app.view_as::<squall::app::redrive::view::RedriveView>()
                    .is_some_and(|v| {
                        v.layout
                            .canary
                            .iter()
                            .any(|(_, l)| l.starts_with("canary:"))
                    })
            })
            .await;
        // The job's end reloads the counts; then the rest (confirmed when the verdict
        // was not "safe": this world has no consumer to judge).
        driver.until("the reload", |app| !app.loading()).await;
        driver.press(ratatui::crossterm::event::KeyCode::Char('c'));
        if driver.app.modal.is_some() {
            driver.press(ratatui::crossterm::event::KeyCode::Char('y'));
        }
        driver.until("the rest", redrive_ended).await;
        let text = redrive_text(&driver.app);
        assert!(text.contains("left in DLQ 0"), "{text}");
        assert_eq!(held(&backend, "orders-dlq").await, 0, "the DLQ is empty");
        assert_eq!(
            held(&backend, "orders").await,
            MESSAGES as u64,
            "its source holds every message"
        );
        // The job's end reloads the counts: the inventory shows the empty DLQ too.
        let dlq_visible = |app: &squall::app::App| {
            app.inventory
                .queues()
                .iter()
                .find(|q| q.name == "orders-dlq")
                .map(|q| q.counts.visible)
        };
        driver
            .until("the inventory to show the empty DLQ", |app| {
                dlq_visible(app) == Some(0)
            })
            .await;
    });
    let _ = std::fs::remove_dir_all(&journals);
}
