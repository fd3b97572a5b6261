//! The logs view (`:logs`, `L`) over the demo world opened seven minutes into its story
//! (the shipping consumer failing), on a frozen clock, its searches run here the way the
//! runtime runs them: the DLQ's consumer lines, the signatures pane and its examples, an
//! endpoint without CloudWatch Logs, and a search over `logs.max_scan_mb` that asks first.

mod support;

use std::sync::Arc;

use ratatui::crossterm::event::{KeyCode, KeyEvent, KeyModifiers};
use squall::app::modals::Modal;
use squall::app::views::logs::LogsView;
use squall::app::{Action, App, update};
use squall::aws::Backend;
use squall::sim::{self, DemoOptions, ManualClock, SHIPPING_DLQ, SimFleet};
use support::sim_app::*;

/// The demo seven minutes in: the shipping consumer has been failing for four.
fn backend() -> Backend {
    let clock = Arc::new(ManualClock::at_ms(START_S as i64 * 1000));
    let options = DemoOptions {
        skip_s: 420,
        ..DemoOptions::default()
    };
    sim::backend(SimFleet::demo_with_options(
        sim::DEFAULT_SEED,
        clock,
        options,
    ))
}

/// A key pressed and the jobs it starts run to the end.
fn key(app: &mut App, backend: &Backend, code: KeyCode) {
    let effects = update(app, Action::Key(KeyEvent::new(code, KeyModifiers::NONE)));
    run(app, backend, effects);
}

/// `:logs NAME` typed and run.
fn logs_of(app: &mut App, backend: &Backend, name: &str) {
    type_keys(app, &format!(":logs {name}"));
    key(app, backend, KeyCode::Enter);
    assert!(app.view_as::<LogsView>().is_some(), "{:?}", app.message);
}

#[test]
fn logs_view_of_the_shipping_dlq_80x24() {
    let backend = backend();
    let mut app = loaded_app(&backend);
    logs_of(&mut app, &backend, SHIPPING_DLQ);
    let screen = render(&mut app, 80, 24, false);
    assert!(screen.contains("Logs shipping-dispatch-dlq"), "{screen}");
    assert!(screen.contains("FilterLogEvents requests"), "{screen}");
    insta::assert_snapshot!(screen);
}

#[test]
fn logs_view_errors_only_120x40() {
    let backend = backend();
    let mut app = loaded_app(&backend);
    logs_of(&mut app, &backend, "shipping-dispatcher");
    key(&mut app, &backend, KeyCode::Char('e'));
    let screen = render(&mut app, 120, 40, false);
    assert!(screen.contains("errors only"), "{screen}");
    assert!(screen.contains("(reading 'carrier')"), "{screen}");
    assert!(!screen.contains("INFO"), "{screen}");
    insta::assert_snapshot!(screen);
}

#[test]
fn logs_signatures_pane_and_its_examples_120x30() {
    let backend = backend();
    let mut app = loaded_app(&backend);
    logs_of(&mut app, &backend, SHIPPING_DLQ);
    key(&mut app, &backend, KeyCode::Tab);
    let signatures = render(&mut app, 120, 30, false);
    assert!(signatures.contains("COUNT  SIGNATURE"), "{signatures}");
    assert!(
        signatures.contains("TypeError: Cannot read properties of undefined"),
        "{signatures}"
    );
    insta::assert_snapshot!("logs_signatures_pane_120x30", signatures);
    key(&mut app, &backend, KeyCode::Enter);
    let examples = render(&mut app, 120, 30, false);
    assert!(
        examples.contains("at dispatch (/var/task/dispatch.js:42:17)"),
        "{examples}"
    );
    insta::assert_snapshot!("logs_signature_examples_120x30", examples);
}

#[test]
fn without_cloudwatch_logs_the_view_says_unavailable_and_the_rest_works() {
    let backend = backend().with_logs(Arc::new(squall::aws::logs::NoLogs));
    let mut app = loaded_app(&backend);
    logs_of(&mut app, &backend, SHIPPING_DLQ);
    let screen = render(&mut app, 100, 20, false);
    assert!(
        screen.contains("logs unavailable on this endpoint"),
        "{screen}"
    );
    press(&mut app, KeyCode::Esc);
    let queues = render(&mut app, 100, 20, false);
    assert!(queues.contains("Queues [33]"), "{queues}");
}

#[test]
fn a_search_over_max_scan_mb_asks_first_and_reads_nothing_until_yes() {
    let backend = backend();
    let mut app = loaded_app(&backend);
    app.logs.max_scan_bytes = 1_000;
    logs_of(&mut app, &backend, SHIPPING_DLQ);
    let screen = render(&mut app, 100, 20, false);
    assert!(screen.contains("Enter to search anyway"), "{screen}");
    assert!(!screen.contains("ERROR"), "nothing read: {screen}");
    key(&mut app, &backend, KeyCode::Enter);
    assert!(matches!(app.modal, Some(Modal::Confirm(_))));
    let dialog = render(&mut app, 100, 20, false);
    assert!(dialog.contains("Search the logs of"), "{dialog}");
    assert!(dialog.contains("logs.max_scan_mb"), "{dialog}");
    key(&mut app, &backend, KeyCode::Char('y'));
    let screen = render(&mut app, 100, 20, false);
    assert!(screen.contains("ERROR"), "read after the yes: {screen}");
}
