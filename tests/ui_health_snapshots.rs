//! Snapshot tests of the health board (`:health`): the demo world on a frozen clock, its
//! metric calls run here the way the runtime runs them, at 80x24 and 160x40; the first
//! row is a DLQ holding messages and Enter opens its charts; an empty world says all is
//! well.

mod support;

use std::time::Duration;

use ratatui::crossterm::event::KeyCode;
use squall::app::{Action, App, update};
use squall::aws::Backend;
use support::sim_app::*;

/// The health board over the demo world, its metrics fetched.
fn board(backend: &Backend) -> App {
    let mut app = loaded_app(backend);
    type_keys(&mut app, ":health");
    press(&mut app, KeyCode::Enter);
    let jobs = tick(&mut app, backend, t(12));
    assert!(jobs >= 1, "the board asks for what its rules read");
    app
}

#[test]
fn health_board_80x24() {
    let backend = backend();
    let mut app = board(&backend);
    let screen = render(&mut app, 80, 24, false);
    assert!(screen.contains("critical  dlq "), "{screen}");
    insta::assert_snapshot!(screen);
}

#[test]
fn health_board_160x40() {
    let backend = backend();
    let mut app = board(&backend);
    let screen = render(&mut app, 160, 40, false);
    assert!(screen.contains("TREND"), "{screen}");
    insta::assert_snapshot!(screen);
}

#[test]
fn enter_on_the_first_row_opens_the_dlq_charts() {
    let backend = backend();
    let mut app = board(&backend);
    let board = render(&mut app, 160, 40, false);
    press(&mut app, KeyCode::Enter);
    let charts = render(&mut app, 160, 40, false);
    assert_ne!(board, charts);
    assert!(charts.contains("-dlq"), "{charts}");
}

#[test]
fn an_empty_world_says_all_is_well() {
    let mut app = started_app(
        prod_ops("us-east-1"),
        false,
        Some(Duration::from_secs(5)),
        t(0),
    );
    for action in [
        Action::QueuesLoaded {
            generation: 1,
            queues: Vec::new(),
        },
        Action::QueuesFinished {
            generation: 1,
            listed: 0,
            failed: 0,
        },
    ] {
        let _ = update(&mut app, action);
    }
    type_keys(&mut app, ":health");
    press(&mut app, KeyCode::Enter);
    let screen = render(&mut app, 80, 24, false);
    assert!(screen.contains("All is well"), "{screen}");
    insta::assert_snapshot!(screen);
}

#[test]
fn the_board_judges_with_the_configured_thresholds() {
    let backend = backend();
    let mut app = loaded_app(&backend);
    app.health_thresholds = squall::health::Thresholds {
        oldest_age_warning_s: 1e9,
        oldest_age_critical_s: 1e9,
        growth_per_minute: 1e9,
        ..squall::health::Thresholds::default()
    };
    type_keys(&mut app, ":health");
    press(&mut app, KeyCode::Enter);
    tick(&mut app, &backend, t(12));
    let screen = render(&mut app, 160, 40, false);
    assert!(screen.contains("DLQ holds"), "{screen}");
    assert!(!screen.contains("oldest message"), "{screen}");
    assert!(!screen.contains("depth growing"), "{screen}");
}

#[test]
fn a_running_redrive_is_an_info_row_and_the_dlq_table_shows_its_progress() {
    let backend = backend();
    let dlq = "arn:aws:sqs:us-east-1:123456789012:search-indexer-dlq";
    let moves = backend.writers("redrive").expect("writable").moves.clone();
    runtime()
        .block_on(moves.start_move_task(dlq, None, Some(1)))
        .expect("a move task starts on a DLQ of an SQS queue");
    let mut app = board(&backend);
    let screen = render(&mut app, 160, 40, false);
    assert!(
        screen.contains(
            "info      dlq search-indexer-dlq             \
             redrive running: moved 0 of 431 back to their sources at 1/s"
        ),
        "{screen}"
    );
    type_keys(&mut app, ":dlq");
    press(&mut app, KeyCode::Enter);
    tick(&mut app, &backend, t(13));
    let table = render(&mut app, 100, 18, false);
    insta::assert_snapshot!(table);
}

/// Each row's identity: what it is about and which rule raised it (not its counts).
fn row_identities(app: &App) -> Vec<String> {
    let view = app
        .view_as::<squall::app::views::health::HealthView>()
        .expect("the board on top");
    view.problems
        .iter()
        .map(|p| {
            let rule: String = p.what.chars().take_while(|c| !c.is_ascii_digit()).collect();
            format!("{} {rule}", p.resource.name)
        })
        .collect()
}

#[test]
fn rows_stay_while_the_metrics_they_read_are_due_again() {
    // The board asks once a minute (here at 12 s past): until that ask is answered, the
    // newest one-minute point it holds is over two minutes old from 0 s to 12 s past the
    // minute, and the rows read from it must not vanish meanwhile.
    let clock = std::sync::Arc::new(squall::sim::ManualClock::at_ms(
        (START_S as i64 + 12) * 1000,
    ));
    let backend = squall::sim::backend(squall::sim::SimFleet::demo_with(
        squall::sim::DEFAULT_SEED,
        clock.clone(),
    ));
    let mut app = board(&backend);
    let mut seen = Vec::new();
    for second in (14..=130).step_by(2) {
        clock.set_ms((START_S as i64 + second) * 1000);
        tick(&mut app, &backend, t(second as u64));
        seen.push((second, row_identities(&app)));
    }
    let rows_at = |s: i64| &seen.iter().find(|(at, _)| *at == s).expect("ticked").1;
    assert!(rows_at(118).len() > 10, "{:?}", rows_at(118));
    // No answer came between 74 s and 130 s (asked at 72 s, due again at 132 s).
    for second in (74..=130).step_by(2) {
        assert_eq!(rows_at(second), rows_at(74), "at {second} s");
    }
}

/// Whether the selected row is drawn: a line holding its resource and the start of what.
fn selected_row_drawn(app: &App, screen: &str) -> bool {
    let view = app
        .view_as::<squall::app::views::health::HealthView>()
        .expect("the board on top");
    let problem = &view.problems[view.selected];
    let what: String = problem.what.chars().take(8).collect();
    let name: String = problem.resource.name.chars().take(12).collect();
    screen
        .lines()
        .any(|line| line.contains(&name) && line.contains(&what))
}

#[test]
fn the_cursor_starts_on_the_worst_row_and_stays_on_screen_to_the_last() {
    let backend = backend();
    let mut app = board(&backend);
    let view = app
        .view_as::<squall::app::views::health::HealthView>()
        .expect("the board on top");
    assert_eq!(view.selected, 0, "the top row, not the first one loaded");
    let len = view.problems.len();
    assert!(!view.findings.is_empty(), "the findings panel takes room");
    for (width, height) in [(80, 24), (120, 40)] {
        press(&mut app, KeyCode::Char('g'));
        for step in 0..len - 1 {
            press(&mut app, KeyCode::Char('j'));
            let screen = render(&mut app, width, height, false);
            assert!(
                selected_row_drawn(&app, &screen),
                "{width}x{height}, after {} j:\n{screen}",
                step + 1
            );
        }
        let view = app
            .view_as::<squall::app::views::health::HealthView>()
            .expect("the board on top");
        assert_eq!(view.selected, len - 1);
    }
}

#[test]
fn slash_filters_the_board_and_keys_typed_into_it_do_not_run() {
    let backend = backend();
    let mut app = board(&backend);
    let window = app.metrics.engine.window();
    type_keys(&mut app, "/[abc");
    press(&mut app, KeyCode::Enter);
    assert_eq!(
        app.metrics.engine.window(),
        window,
        "'[' went to the filter"
    );
    assert!(
        app.view_as::<squall::app::views::health::HealthView>()
            .is_some()
    );
    press(&mut app, KeyCode::Esc);
    type_keys(&mut app, "/search-indexer");
    press(&mut app, KeyCode::Enter);
    let screen = render(&mut app, 160, 40, false);
    let view = app
        .view_as::<squall::app::views::health::HealthView>()
        .expect("the board on top");
    assert!(view.problems.len() >= 2, "{screen}");
    assert!(
        view.problems.iter().all(
            |p| p.resource.name.contains("search-indexer") || p.what.contains("search-indexer")
        ),
        "{screen}"
    );
    assert!(screen.contains("/search-indexer"), "{screen}");
    press(&mut app, KeyCode::Esc);
    let view = app
        .view_as::<squall::app::views::health::HealthView>()
        .expect("Esc clears the filter, the board stays");
    assert!(view.filter.is_none());
    assert!(view.problems.len() > 10);
}
