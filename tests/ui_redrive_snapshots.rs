//! Snapshot tests of redrive in the TUI over the demo world on a frozen clock: the dialog
//! with its plan (computed here by the engine, as the plan job does), with settings and an
//! inline filter error, the confirmation, the progress view and a canary's summary, its
//! watch and verdict, and the live charts fed by the world's metrics. The progress is made
//! up (the journey on a running world is tests/ui_redrive_journey.rs).

mod support;

use ratatui::crossterm::event::KeyCode;
use squall::app::effect::Work;
use squall::app::jobs::{JobEnd, JobId};
use squall::app::modals::Modal;
use squall::app::modals::confirm::DangerousOp;
use squall::app::redrive::{RedriveSettings, RedriveSnapshot};
use squall::app::{Action, App, Effect, update};
use squall::aws::Backend;
use squall::redrive::canary::{Outcome, SignatureSeen, Verdict, WatchStatus};
use squall::redrive::{Mode, Summary};
use support::sim_app::*;

/// Answers the plan job among `effects` with the engine's plan, as the job would.
fn answer_plan(app: &mut App, backend: &Backend, effects: &[Effect]) {
    let Some((job, request)) = effects.iter().find_map(|e| match e {
        Effect::Start {
            id,
            work: Work::RedrivePlan(request),
        } => Some((*id, (**request).clone())),
        _ => None,
    }) else {
        panic!("expected a plan job in {effects:?}");
    };
    let dlq = app
        .inventory
        .queue_by_url(&request.dlq_url)
        .expect("the DLQ")
        .clone();
    let settings: &RedriveSettings = &request.settings;
    let plan = runtime().block_on(squall::redrive::plan(
        backend,
        &dlq,
        settings.plan_request(None, None),
    ));
    let _ = update(
        app,
        Action::RedrivePlanned {
            job,
            result: plan.map(Box::new).map_err(|e| e.to_string()),
        },
    );
}

fn key(app: &mut App, code: KeyCode) -> Vec<Effect> {
    update(
        app,
        Action::Key(ratatui::crossterm::event::KeyEvent::new(
            code,
            ratatui::crossterm::event::KeyModifiers::NONE,
        )),
    )
}

/// `:dlq`, `R` on the deepest DLQ, its plan answered.
fn dialog(backend: &Backend) -> App {
    let mut app = loaded_app(backend);
    type_keys(&mut app, ":dlq");
    press(&mut app, KeyCode::Enter);
    let effects = key(&mut app, KeyCode::Char('R'));
    answer_plan(&mut app, backend, &effects);
    app
}

/// A canary of 10 confirmed (typing the name when asked): the redrive job's id.
fn confirmed_canary(app: &mut App, backend: &Backend) -> JobId {
    for _ in 0..5 {
        press(app, KeyCode::Down);
    }
    let effects = key(app, KeyCode::Char('1'));
    answer_plan(app, backend, &effects);
    press(app, KeyCode::Char('0'));
    press(app, KeyCode::Enter);
    let typed = match &app.modal {
        Some(Modal::Confirm(c)) => c.pending.typed.clone(),
        other => panic!("expected the confirm dialog, got {other:?}"),
    };
    let effects = match typed {
        Some(name) => {
            type_keys(app, &name);
            key(app, KeyCode::Enter)
        }
        None => key(app, KeyCode::Char('y')),
    };
    effects
        .iter()
        .find_map(|e| match e {
            Effect::Start {
                id,
                work: Work::Dangerous(op),
            } if matches!(op.op(), DangerousOp::Redrive(_)) => Some(*id),
            _ => None,
        })
        .expect("the redrive job")
}

fn progress(app: &mut App, id: JobId, elapsed_ms: u64, moved: u64) {
    let _ = update(
        app,
        Action::RedriveProgress {
            id,
            snapshot: Box::new(RedriveSnapshot {
                elapsed_ms,
                mode: Some(Mode::Manual),
                moved,
                received: moved,
                expected: Some(10),
                journal: Some(
                    "/home/oncall/.local/share/squall/redrive/webhooks-outbound-dlq-1800000000000.jsonl"
                        .into(),
                ),
                ..RedriveSnapshot::default()
            }),
        },
    );
}

#[test]
fn redrive_dialog_80x24() {
    let backend = backend();
    let mut app = dialog(&backend);
    let screen = render(&mut app, 80, 24, false);
    assert!(screen.contains("mode: native"), "{screen}");
    insta::assert_snapshot!(screen);
}

#[test]
fn redrive_dialog_with_settings_and_a_bad_filter_120x30() {
    let backend = backend();
    let mut app = dialog(&backend);
    press(&mut app, KeyCode::Down);
    press(&mut app, KeyCode::Down);
    type_keys(&mut app, "50");
    press(&mut app, KeyCode::Down);
    press(&mut app, KeyCode::Down);
    type_keys(&mut app, "/(timeout/");
    let screen = render(&mut app, 120, 30, false);
    assert!(screen.contains("unclosed group"), "{screen}");
    insta::assert_snapshot!(screen);
}

#[test]
fn redrive_confirm_80x24() {
    let backend = backend();
    let mut app = dialog(&backend);
    press(&mut app, KeyCode::Enter);
    let screen = render(&mut app, 80, 24, false);
    assert!(screen.contains("Moves about"), "{screen}");
    insta::assert_snapshot!(screen);
}

#[test]
fn redrive_progress_80x24_and_120x30() {
    let backend = backend();
    let mut app = dialog(&backend);
    let id = confirmed_canary(&mut app, &backend);
    progress(&mut app, id, 0, 0);
    progress(&mut app, id, 1000, 3);
    progress(&mut app, id, 2000, 6);
    let screen = render(&mut app, 80, 24, false);
    assert!(screen.contains("6 / 10"), "{screen}");
    insta::assert_snapshot!("redrive_progress_80x24", screen);
    let screen = render(&mut app, 120, 30, true);
    insta::assert_snapshot!("redrive_progress_ascii_120x30", screen);
}

#[test]
fn redrive_canary_summary_80x24() {
    let backend = backend();
    let mut app = dialog(&backend);
    let id = confirmed_canary(&mut app, &backend);
    canary_ended(&mut app, id);
    let screen = render(&mut app, 80, 24, false);
    assert!(screen.contains("press c to continue"), "{screen}");
    insta::assert_snapshot!(screen);
}

/// The canary of 10 moved and ended, as its job reports it.
fn canary_ended(app: &mut App, id: JobId) {
    progress(app, id, 0, 0);
    progress(app, id, 1500, 10);
    let summary = Summary {
        mode: Mode::Manual,
        end: "limit_reached".into(),
        moved: 10,
        failed: 0,
        duplicates_suspected: 0,
        released: 0,
        sent_not_deleted: 0,
        left_in_dlq: Some(1_230),
        hidden_in_dlq: Some(0),
        destination_change: None,
        journal: Some(
            "/home/oncall/.local/share/squall/redrive/webhooks-outbound-dlq-1800000000000.jsonl"
                .into(),
        ),
        fell_back: None,
        error: None,
        finished_from_earlier: 0,
        possibly_invoked: 0,
        kept: Default::default(),
    };
    let _ = update(
        app,
        Action::RedriveFinished {
            id,
            result: Ok(Box::new(summary)),
        },
    );
}

fn watch_status(elapsed_s: u64, count: u64, back: u64) -> Box<WatchStatus> {
    Box::new(WatchStatus {
        elapsed_s,
        length_s: 150,
        doing: "counting the DLQ".into(),
        dlq_count: Some(count),
        dlq_count_at_start: Some(1_279),
        back: Some(back),
        consumers: vec!["webhooks-sender".into()],
    })
}

fn not_safe() -> Box<Verdict> {
    Box::new(Verdict {
        verdict: Outcome::NotSafe,
        moved: 10,
        back_in_dlq: Some(3),
        dlq_check: "read 1,000 messages in the DLQ (all made visible again)".into(),
        dlq_change: Some(3),
        watched_s: 95,
        watch_length_s: 150,
        ended_early: true,
        cancelled: false,
        consumers: vec!["webhooks-sender".into()],
        not_polling: Vec::new(),
        errors: Some(3),
        throttles: Some(0),
        metrics_note: None,
        signatures: vec![SignatureSeen {
            signature: "TypeError: Cannot read properties of undefined (reading '<*>')".into(),
            count: 3,
            functions: vec!["webhooks-sender".into()],
        }],
        logs_note: None,
        line: "canary: 3 of 10 back in the DLQ, consumer errors 3 in 1m 35s; TypeError: \
               Cannot read properties of undefined (reading '<*>') ×3 → do not continue"
            .into(),
    })
}

#[test]
fn redrive_canary_watching_80x24() {
    let backend = backend();
    let mut app = dialog(&backend);
    let id = confirmed_canary(&mut app, &backend);
    canary_ended(&mut app, id);
    let _ = tick(&mut app, &backend, t(20));
    let _ = update(
        &mut app,
        Action::CanaryWatch {
            id,
            status: watch_status(35, 1_280, 0),
        },
    );
    let screen = render(&mut app, 80, 24, false);
    assert!(
        screen.contains("Watching the canary: 1m 55s left"),
        "{screen}"
    );
    assert!(screen.contains("[watching]"), "{screen}");
    insta::assert_snapshot!(screen);
}

#[test]
fn redrive_canary_not_safe_80x24_and_live_120x40() {
    let backend = backend();
    let mut app = dialog(&backend);
    let id = confirmed_canary(&mut app, &backend);
    canary_ended(&mut app, id);
    let _ = tick(&mut app, &backend, t(20));
    for (s, count, back) in [(10, 1_279, 0), (30, 1_281, 0), (60, 1_282, 3)] {
        app.now = t(20 + s);
        let _ = update(
            &mut app,
            Action::CanaryWatch {
                id,
                status: watch_status(s, count, back),
            },
        );
    }
    let _ = update(
        &mut app,
        Action::CanaryVerdict {
            id,
            verdict: not_safe(),
        },
    );
    let _ = update(
        &mut app,
        Action::JobEnded {
            id,
            end: JobEnd::Done(Some("canary: 3 of 10 back in the DLQ".into())),
        },
    );
    let screen = render(&mut app, 80, 24, false);
    assert!(screen.contains("3 of 10 back in the DLQ"), "{screen}");
    assert!(screen.contains("c continue anyway (asks)"), "{screen}");
    insta::assert_snapshot!("redrive_canary_not_safe_80x24", screen);
    let screen = render(&mut app, 120, 40, false);
    assert!(screen.contains("live, last 15 min"), "{screen}");
    assert!(screen.contains("new in the DLQ"), "{screen}");
    insta::assert_snapshot!("redrive_canary_not_safe_live_120x40", screen);
}
