//! The fleet journey, headless, as the runtime runs it (the real supervisor, each context's
//! jobs on its own backend, their answers wrapped in their context): a us-east-1 world, the
//! demo's eu-west-1 checkout fleet, and a staging context that could not be reached. On the
//! board, Enter, `p` and `R` on eu-west-1's filling DLQ act in eu-west-1 (its charts, its
//! messages, a redrive plan and confirmation naming eu-west-1, run on its backend); the
//! unreachable context's row acts nowhere; us-east-1 is left as it was.

mod support;

use std::sync::Arc;

use ratatui::crossterm::event::KeyCode;
use squall::app::App;
use squall::app::modals::Modal;
use squall::app::redrive::PlanState;
use squall::app::views::charts::ChartsView;
use squall::app::views::health::HealthView;
use squall::app::views::viewer::MessagesView;
use squall::aws::Backend;
use squall::health::Kind;
use squall::sim::{FleetSpec, QueueSpec, SimFleet};
use support::sim_app::render;
use support::sim_driver::*;

const EU_DLQ: &str = squall::sim::EU_CHECKOUT_DLQ;

fn us_world(clock: Arc<squall::sim::ManualClock>) -> Backend {
    let spec = FleetSpec {
        queues: vec![
            QueueSpec::new("orders").with_dlq("orders-dlq", 3),
            QueueSpec::new("orders-dlq"),
        ],
        ..FleetSpec::default()
    };
    squall::sim::backend(SimFleet::from_spec(spec, 1, clock))
}

fn board(app: &App) -> &HealthView {
    app.view_as::<HealthView>().expect("the board on top")
}

/// Moves the board's selection to the row of `name` in context `context`.
fn select(driver: &mut Driver, context: usize, name: &str) {
    driver.press(KeyCode::Char('g'));
    for _ in 0..board(&driver.app).problems.len() {
        let view = board(&driver.app);
        if view.contexts[view.selected] == context
            && view.problems[view.selected].resource.name == name
        {
            return;
        }
        driver.press(KeyCode::Char('j'));
    }
    panic!(
        "no row {name} in context {context}: {:?}",
        board(&driver.app)
    );
}

#[test]
fn enter_p_and_r_on_an_eu_west_1_row_act_in_eu_west_1() {
    paused_runtime().block_on(async {
        let clock = following_clock();
        let us = us_world(clock.clone());
        let eu = squall::sim::backend(SimFleet::demo_eu(7, clock.clone()));
        let dlq_before = held(&eu, EU_DLQ).await;
        let mut driver = Driver::start_fleet(
            &[("us-east-1", us.clone()), ("eu-west-1", eu.clone())],
            &[("staging/us-west-2", "ExpiredToken: the SSO session has expired")],
            system_time(&clock),
        );
        driver.settle("every context's listings").await;
        driver.command("health");
        driver.act(squall::app::Action::Tick(system_time(&clock)));
        driver.settle("the board's reads").await;

        // The unreachable context is a row of its own, first; keys on it act nowhere.
        assert_eq!(board(&driver.app).problems[0].resource.kind, Kind::Context);
        let region = driver.app.info.region.clone();
        driver.press(KeyCode::Enter);
        assert!(driver.app.view_as::<HealthView>().is_some());
        assert_eq!(driver.app.info.region, region, "still where it was");

        select(&mut driver, 1, EU_DLQ);
        assert_eq!(driver.app.info.region, "eu-west-1", "the row's context");
        let screen = render(&mut driver.app, 160, 40, false);
        assert!(screen.contains("region eu-west-1 | fleet 3 contexts"), "{screen}");

        // Enter: the DLQ's charts, its live counts asked of eu-west-1.
        driver.press(KeyCode::Enter);
        let charts = driver.app.view_as::<ChartsView>().expect("the charts");
        assert!(
            charts.live_urls.iter().all(|u| u.contains("sqs.eu-west-1.")),
            "{:?}",
            charts.live_urls
        );
        driver.press(KeyCode::Esc);

        // p: a sample of the DLQ's messages, read from eu-west-1's queue.
        driver.press(KeyCode::Char('p'));
        driver
            .until("the sample", |app| app.view_as::<MessagesView>().is_some())
            .await;
        let viewer = driver.app.view_as::<MessagesView>().expect("the viewer");
        assert!(viewer.request.queue_url.contains("sqs.eu-west-1."));
        assert!(!viewer.messages.is_empty());
        driver.settle("the peek's release").await;
        driver.press(KeyCode::Esc);
        assert!(driver.app.view_as::<HealthView>().is_some());

        // R: the plan and its confirmation name eu-west-1, and the redrive runs there.
        select(&mut driver, 1, EU_DLQ);
        driver.press(KeyCode::Char('R'));
        driver
            .until("the plan", |app| {
                matches!(&app.modal, Some(Modal::Redrive(d)) if matches!(d.plan, PlanState::Ready(_)))
            })
            .await;
        let Some(Modal::Redrive(dialog)) = &driver.app.modal else {
            panic!("the redrive dialog")
        };
        assert_eq!(dialog.context.as_deref(), Some("eu-west-1"));
        assert!(dialog.dlq_url.contains("sqs.eu-west-1."), "{}", dialog.dlq_url);
        let screen = render(&mut driver.app, 160, 40, false);
        assert!(screen.contains(&format!("Redrive {EU_DLQ} in eu-west-1")), "{screen}");
        driver.press(KeyCode::Enter);
        let Some(Modal::Confirm(confirm)) = &driver.app.modal else {
            panic!("the confirmation, got {:?}", driver.app.modal)
        };
        assert!(confirm.pending.title.ends_with("in eu-west-1"), "{}", confirm.pending.title);
        assert!(confirm.pending.effects[0].contains("In context eu-west-1 only"));
        driver.press(KeyCode::Char('y'));
        driver.until("the redrive", redrive_ended).await;
        driver.settle("the redrive's end").await;
        let after = held(&eu, EU_DLQ).await;
        assert!(after < dlq_before, "eu-west-1's DLQ drained: {dlq_before} -> {after}");
        assert_eq!(held(&us, "orders-dlq").await, 0, "us-east-1 untouched");
        assert_eq!(held(&us, "orders").await, 0, "us-east-1 untouched");
    });
}
