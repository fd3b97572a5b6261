//! "Why did it fail?", headless, through the demo ten minutes into its story: the health
//! board names the shipping consumer's top error signature → the shipping DLQ's row → `p`
//! peeks it → `L` on a message shows the invocations that handled it, the line naming it
//! marked, the error and its stack trace with them. Every job runs in the real supervisor
//! on a paused clock the world follows.

mod support;

use ratatui::crossterm::event::KeyCode;
use squall::app::logs::FeedState;
use squall::app::views::health::HealthView;
use squall::app::views::logs::LogsView;
use squall::app::views::viewer::MessagesView;
use squall::health::Kind;
use squall::sim::{self, DemoOptions, SHIPPING_DLQ, SHIPPING_FUNCTION, SimFleet};
use support::sim_app::render;
use support::sim_driver::*;

fn board(driver: &Driver) -> &HealthView {
    driver
        .app
        .view_as::<HealthView>()
        .expect("the board on top")
}

#[test]
fn board_to_dlq_to_message_to_the_error_that_failed_it() {
    paused_runtime().block_on(async {
        let clock = following_clock();
        let options = DemoOptions {
            skip_s: 600,
            ..DemoOptions::default()
        };
        let fleet = SimFleet::demo_with_options(sim::DEFAULT_SEED, clock.clone(), options);
        let backend = sim::backend(fleet);
        let mut driver = Driver::start(&backend, false, system_time(&clock));
        driver
            .until("the listing", |app| {
                !app.loading() && !app.inventory.queues().is_empty()
            })
            .await;
        driver.command("health");
        // The first tick reads the board's metrics; each next one, one erring consumer's
        // top error signature (one search at a time: the budget is shared).
        for _ in 0..4 {
            driver.act(squall::app::Action::Tick(system_time(&clock)));
            driver.settle("the board's reads").await;
        }
        let signature = driver
            .app
            .logs
            .board
            .top(SHIPPING_FUNCTION)
            .expect("read")
            .clone();
        assert!(signature.count > 0);
        let screen = render(&mut driver.app, 200, 50, false);
        assert!(
            screen.contains(&format!(
                "consumer error rate 100.0%: TypeError: Cannot read properties of undefined \
                 (reading '<*>') ×{} in 15m",
                signature.count
            )),
            "the consumer's row names its top error signature:\n{screen}"
        );
        let rows = board(&driver).problems.len();
        for _ in 0..rows {
            let selected = &board(&driver).problems[board(&driver).selected];
            if selected.resource.name == SHIPPING_DLQ && selected.resource.kind == Kind::Dlq {
                break;
            }
            driver.press(KeyCode::Char('j'));
        }
        let selected = &board(&driver).problems[board(&driver).selected];
        assert_eq!(
            selected.resource.name, SHIPPING_DLQ,
            "the DLQ is on the board"
        );
        driver.press(KeyCode::Char('p'));
        driver
            .until("the sample", |app| app.view_as::<MessagesView>().is_some())
            .await;
        driver.settle("the peek's release").await;
        let viewer = driver.app.view_as::<MessagesView>().expect("viewer");
        assert_eq!(viewer.request.queue_name, SHIPPING_DLQ);
        let id = viewer.messages[viewer.selected].message_id.clone();
        driver.press(KeyCode::Char('L'));
        driver.settle("the join").await;
        let view = driver.app.view_as::<LogsView>().expect("the logs view");
        let feed = driver.app.logs.feed(view.feed).expect("its feed");
        assert_eq!(feed.state, FeedState::Ready, "{feed:?}");
        assert!(
            feed.invocations
                .iter()
                .all(|i| i.function == SHIPPING_FUNCTION),
            "searched in the source queue's consumer"
        );
        assert!(
            feed.naming
                .iter()
                .any(|l| l.message_ids.contains(&id) || l.message.contains(&id)),
            "a line names {id}"
        );
        let screen = render(&mut driver.app, 160, 40, false);
        for expected in [
            &format!("Logs message {}", &id[..8]),
            "── invocation ",
            "START RequestId:",
            ">> processing record",
            "TypeError: Cannot read properties of undefined (reading 'carrier')",
            "at dispatch (/var/task/dispatch.js:42:17)",
        ] {
            assert!(screen.contains(expected), "{expected}:\n{screen}");
        }
        driver.press(KeyCode::Esc);
        assert!(driver.app.view_as::<MessagesView>().is_some(), "Esc back");
    });
}
