//! A canary's watch and verdict in the progress view, driven through `update`: the watch's
//! countdown while the job runs on, the verdict's line, `c` moving the rest at once only
//! when the verdict is safe, asking otherwise (the DLQ's name typed when not safe), and the
//! live chart of what came back.

use super::progress::{canary_of_three, layout, summary};
use super::*;
use crate::redrive::canary::{Outcome, Verdict, WatchStatus};

/// The canary of three confirmed and ended: its job id.
fn canary_ended(app: &mut App) -> JobId {
    press(app, KeyCode::Enter);
    let (id, _) = started_redrive(&press(app, KeyCode::Char('y')));
    let _ = update(
        app,
        Action::RedriveFinished {
            id,
            result: Ok(Box::new(summary("limit_reached", 3))),
        },
    );
    id
}

fn watching(app: &mut App, id: JobId, elapsed_s: u64, count: u64, back: u64) {
    let _ = update(
        app,
        Action::CanaryWatch {
            id,
            status: Box::new(WatchStatus {
                elapsed_s,
                length_s: 150,
                doing: "counting the DLQ".into(),
                dlq_count: Some(count),
                dlq_count_at_start: Some(6),
                back: Some(back),
                consumers: vec!["orders-worker".into()],
            }),
        },
    );
}

/// The job's verdict, as the watch would send it.
pub(super) fn judge(app: &mut App, id: JobId, outcome: Outcome) {
    let (back, line) = match outcome {
        Outcome::NotSafe => (
            2,
            "canary: 2 of 3 back in the DLQ, consumer errors 4 in 2m 30s; TypeError: x ×4 → do not continue",
        ),
        _ => (
            0,
            "canary: 3 moved, 0 back in the DLQ, consumer errors 0 in 2m 30s → safe to continue",
        ),
    };
    let verdict = Verdict {
        verdict: outcome,
        moved: 3,
        back_in_dlq: Some(back),
        dlq_check: "read 8 messages in the DLQ (all made visible again)".into(),
        dlq_change: Some(2),
        watched_s: 150,
        watch_length_s: 150,
        ended_early: false,
        cancelled: false,
        consumers: vec!["orders-worker".into()],
        not_polling: Vec::new(),
        errors: Some(0),
        throttles: Some(0),
        metrics_note: None,
        signatures: Vec::new(),
        logs_note: None,
        line: line.into(),
    };
    let _ = update(
        app,
        Action::CanaryVerdict {
            id,
            verdict: Box::new(verdict),
        },
    );
}

fn canary_text(app: &App) -> String {
    let layout = layout(app);
    let mut text = format!("{} | {}\n", layout.state, layout.hint);
    for (_, line) in layout.canary {
        text.push_str(&line);
        text.push('\n');
    }
    text
}

#[test]
fn the_watch_counts_down_and_c_asks_while_it_runs() {
    let mut app = canary_of_three();
    let id = canary_ended(&mut app);
    watching(&mut app, id, 35, 6, 0);
    let text = canary_text(&app);
    assert!(text.starts_with("watching | x stop the watch"), "{text}");
    assert!(
        text.contains("Watching the canary: 1m 55s left of 2m 30s · counting the DLQ"),
        "{text}"
    );
    assert!(text.contains("orders-worker: errors, logs"), "{text}");
    assert!(
        !layout(&app)
            .lines
            .iter()
            .any(|(_, l)| l.contains("watch the consumer")),
        "the watch replaces the old advice"
    );
    press(&mut app, KeyCode::Char('c'));
    match &app.modal {
        Some(Modal::Confirm(c)) => {
            assert_eq!(c.pending.typed, None, "y is enough while nothing is known");
            assert!(
                c.pending.risks[0].contains("watch has not ended"),
                "{:?}",
                c.pending.risks
            );
        }
        other => panic!("expected a confirm, got {other:?}"),
    }
    assert!(app.redrives.get(id).is_some_and(|r| !r.continued));
}

#[test]
fn not_safe_asks_for_the_name_before_the_rest() {
    let mut app = canary_of_three();
    let id = canary_ended(&mut app);
    watching(&mut app, id, 40, 8, 2);
    judge(&mut app, id, Outcome::NotSafe);
    let text = canary_text(&app);
    assert!(
        text.contains("2 of 3 back in the DLQ") && text.contains("→ do not continue"),
        "{text}"
    );
    assert!(text.contains("c continue anyway (asks)"), "{text}");
    let chart = layout(&app)
        .charts
        .into_iter()
        .find(|c| c.label == "new in the DLQ")
        .expect("the chart of what came back");
    assert_eq!(chart.now, "2 of 3 canary");
    assert_eq!(chart.values.iter().flatten().last(), Some(&2.0), "8 - 6");
    press(&mut app, KeyCode::Char('c'));
    let pending = match &app.modal {
        Some(Modal::Confirm(c)) => c.pending.clone(),
        other => panic!("expected a confirm, got {other:?}"),
    };
    assert_eq!(pending.typed.as_deref(), Some("orders-dlq"));
    assert!(pending.risks[0].contains("do not continue"), "{pending:?}");
    match pending.op {
        DangerousOp::Redrive(rest) => assert_eq!(rest.settings.canary, None),
        other => panic!("{other:?}"),
    }
}

#[test]
fn safe_moves_the_rest_at_once() {
    let mut app = canary_of_three();
    let id = canary_ended(&mut app);
    judge(&mut app, id, Outcome::Safe);
    let text = canary_text(&app);
    assert!(text.contains("→ safe to continue (c)"), "{text}");
    assert!(text.contains("c continue with the rest"), "{text}");
    let (rest_id, rest) = started_redrive(&press(&mut app, KeyCode::Char('c')));
    assert_ne!(rest_id, id);
    assert_eq!(rest.settings.canary, None);
    assert_eq!(app.modal, None, "no second question");
}

/// `redrive.canary_watch` (and the sweep and log limits) reach the dialog, its canary line
/// and the settings the run is started with.
#[test]
fn the_configured_canary_watch_is_shown_and_used() {
    let dialog = RedriveDialog::new("url".into(), "orders-dlq".into());
    assert_eq!(
        dialog.canary_watch_text(),
        "watched 2–15m",
        "unset: the computed default"
    );
    let mut app = loaded_app();
    app.canary_watch = crate::redrive::canary::WatchOptions::configured(
        Some(std::time::Duration::from_secs(300)),
        5000,
        7,
    );
    dlq_view(&mut app);
    let effects = press(&mut app, KeyCode::Char('R'));
    let (job, _) = plan_job(&effects).expect("a plan job");
    answer(&mut app, job, plan(9, Mode::Manual));
    assert_eq!(open_dialog(&app).canary_watch_text(), "watched 5m");
    for _ in 0..5 {
        press(&mut app, KeyCode::Down);
    }
    type_text(&mut app, "3");
    let settings = open_dialog(&app)
        .settings()
        .cloned()
        .expect("valid settings");
    assert_eq!(settings.canary, Some(3));
    assert_eq!(
        settings.watch, app.canary_watch,
        "the run is watched as configured"
    );
}
