//! The redrive progress view, driven through `update`: rate and ETA, leaving it and finding
//! it again, cancelling, a canary's summary and `c` moving the rest once.

use super::*;

pub(super) fn layout(app: &App) -> crate::app::redrive::view::ProgressLayout {
    app.view_as::<RedriveView>()
        .map(|v| v.layout.clone())
        .unwrap_or_else(|| panic!("expected the progress view, got {:?}", app.view()))
}

pub(super) fn text_of(app: &App) -> String {
    let layout = layout(app);
    let mut text = format!("{} {} {}\n", layout.state, layout.gauge_label, layout.hint);
    for (_, line) in layout.lines {
        text.push_str(&line);
        text.push('\n');
    }
    text
}

pub(super) fn summary(end: &str, moved: u64) -> Summary {
    Summary {
        mode: Mode::Manual,
        end: end.into(),
        moved,
        failed: 0,
        duplicates_suspected: 0,
        released: 0,
        sent_not_deleted: 0,
        left_in_dlq: Some(9 - moved),
        hidden_in_dlq: Some(0),
        destination_change: None,
        journal: Some("/data/redrive/orders-dlq.jsonl".into()),
        fell_back: None,
        error: None,
        finished_from_earlier: 0,
        possibly_invoked: 0,
        kept: Default::default(),
    }
}

#[test]
fn progress_shows_rate_and_eta_and_the_view_can_be_left_and_found_again() {
    let mut app = opened(9, Mode::Native);
    let (id, _) = started_redrive(&confirm_effects(&mut app));
    for (ms, moved) in [(0, 0), (1000, 2), (2000, 4)] {
        let _ = update(
            &mut app,
            Action::RedriveProgress {
                id,
                snapshot: Box::new(RedriveSnapshot {
                    elapsed_ms: ms,
                    mode: Some(Mode::Native),
                    moved,
                    expected: Some(9),
                    ..RedriveSnapshot::default()
                }),
            },
        );
    }
    let text = text_of(&app);
    assert!(text.contains("running 4 / 9 (44%)"), "{text}");
    assert!(text.contains("rate 2.0 msgs/s   ETA 3s"), "{text}");
    assert!(text.contains("left in DLQ ~9"), "{text}");
    press(&mut app, KeyCode::Esc);
    assert!(app.view_as::<RedriveView>().is_none(), "Esc leaves it");
    assert!(
        app.jobs.get(id).expect("job").is_running(),
        "the job goes on"
    );
    press(&mut app, KeyCode::Char('R'));
    assert!(
        app.view_as::<RedriveView>().is_some(),
        "R on the DLQ comes back to it"
    );
    assert_eq!(app.modal, None, "no second dialog while it runs");
    press(&mut app, KeyCode::Esc);
    press(&mut app, KeyCode::Char(':'));
    type_text(&mut app, "jobs");
    press(&mut app, KeyCode::Enter);
    press(&mut app, KeyCode::Enter);
    assert!(
        app.view_as::<RedriveView>().is_some(),
        ":jobs Enter opens it too"
    );
    let effects = press(&mut app, KeyCode::Char('x'));
    assert_eq!(effects, vec![Effect::Cancel(id)]);
    assert!(text_of(&app).starts_with("cancelling"));
}

/// The dialog on a DLQ of 9 with a limit of 8 and a canary of 3, planned.
pub(super) fn canary_of_three() -> App {
    let mut app = opened(9, Mode::Native);
    for _ in 0..3 {
        press(&mut app, KeyCode::Down);
    }
    let effects = press(&mut app, KeyCode::Char('8')); // limit 8
    let (job, _) = plan_job(&effects).expect("plan");
    answer(&mut app, job, plan(9, Mode::Manual));
    for _ in 0..2 {
        press(&mut app, KeyCode::Down);
    }
    let effects = press(&mut app, KeyCode::Char('3')); // canary 3
    assert_eq!(plan_job(&effects), None, "selective already: the same plan");
    app
}

#[test]
fn a_canary_ends_with_a_summary_and_c_moves_the_rest_once() {
    let mut app = canary_of_three();
    assert_eq!(
        open_dialog(&app)
            .settings()
            .and_then(RedriveSettings::run_limit),
        Some(3)
    );
    let said = {
        press(&mut app, KeyCode::Enter);
        match &app.modal {
            Some(Modal::Confirm(c)) => c.pending.effects.join("\n"),
            other => panic!("{other:?}"),
        }
    };
    assert!(said.contains("Canary: moves 3 first"), "{said}");
    let (id, op) = started_redrive(&press(&mut app, KeyCode::Char('y')));
    assert_eq!(op.settings.canary, Some(3));
    let _ = update(
        &mut app,
        Action::RedriveFinished {
            id,
            result: Ok(Box::new(summary("limit_reached", 3))),
        },
    );
    let effects = update(
        &mut app,
        Action::JobEnded {
            id,
            end: crate::app::jobs::JobEnd::Done(None),
        },
    );
    assert!(
        !loads(&effects).is_empty(),
        "the counts reload after a redrive"
    );
    let text = text_of(&app);
    assert!(
        text.contains("Ended limit reached: moved 3, failed 0"),
        "{text}"
    );
    assert!(
        text.contains("Canary moved 3; watch the consumer, then press c"),
        "{text}"
    );
    super::canary::judge(&mut app, id, crate::redrive::canary::Outcome::Safe);
    let (rest_id, rest) = started_redrive(&press(&mut app, KeyCode::Char('c')));
    assert_ne!(rest_id, id);
    assert_eq!(rest.settings.canary, None);
    assert_eq!(
        rest.settings.limit,
        Some(5),
        "the limit counts what the canary moved"
    );
    assert_eq!(rest.plan, None, "the rest plans again: it may go native");
    assert!(app.jobs.get(rest_id).expect("job").changes_state);
    assert!(
        text_of(&app).starts_with("running"),
        "the view follows the rest"
    );
    assert!(app.redrives.get(id).is_some_and(|r| r.continued));
    let _ = update(
        &mut app,
        Action::RedriveFinished {
            id: rest_id,
            result: Ok(Box::new(summary("drained", 5))),
        },
    );
    assert!(
        press(&mut app, KeyCode::Char('c')).is_empty(),
        "no canary waits now"
    );
}

/// A plan of 9 on the invoke route: orders-dlq is orders-notify's function DLQ.
fn invoking_plan() -> Plan {
    use crate::domain::{LambdaDeadLetter, LambdaDeadLetterKind};
    let target = crate::redrive::InvokeTarget::of(&LambdaDeadLetter {
        kind: LambdaDeadLetterKind::FunctionDlq,
        target_arn: "arn:aws:sqs:us-east-1:1:orders-dlq".into(),
        function: "orders-notify".into(),
        subscription_arn: None,
    });
    let mut invoking = plan(9, Mode::Manual);
    invoking.destinations.clear();
    invoking.invoke = Some(target.clone());
    invoking.routes.invoke = Some(target);
    invoking
}

const INVOKING: &str =
    "mode manual (receive, invoke asynchronously, delete)   to orders-notify (invoked)";

#[test]
fn a_run_on_the_invoke_route_names_the_function_it_invokes() {
    let mut app = loaded_app();
    dlq_view(&mut app);
    let effects = press(&mut app, KeyCode::Char('R'));
    let (job, _) = plan_job(&effects).expect("a plan job");
    answer(&mut app, job, invoking_plan());
    let empty_to = open_dialog(&app).placeholder(crate::app::redrive::Field::Destination);
    assert!(empty_to.starts_with("orders-notify, invoked"), "{empty_to}");
    let _ = started_redrive(&confirm_effects(&mut app));
    let text = text_of(&app);
    assert!(text.contains(INVOKING), "{text}");
}

#[test]
fn the_summary_says_what_stayed_in_the_dlq_and_why_and_what_may_have_run() {
    let mut app = opened(9, Mode::Native);
    let (id, _) = started_redrive(&confirm_effects(&mut app));
    let mut ended = summary("drained", 6);
    ended.failed = 3;
    ended.possibly_invoked = 1;
    ended.kept = [
        ("the invoke was refused: TooManyRequests".to_string(), 2),
        (
            "invoke still failing after retries; 1 of its answers were lost".into(),
            1,
        ),
    ]
    .into();
    let _ = update(
        &mut app,
        Action::RedriveFinished {
            id,
            result: Ok(Box::new(ended)),
        },
    );
    let text = text_of(&app);
    assert!(text.contains("Ended drained: moved 6, failed 3"), "{text}");
    assert!(
        text.contains("possibly invoked 1 (kept in the DLQ: every invoke's answer was lost"),
        "{text}"
    );
    assert!(
        text.contains("kept in the DLQ 2: the invoke was refused: TooManyRequests"),
        "{text}"
    );
    assert!(
        text.contains("kept in the DLQ 1: invoke still failing after retries; 1 of its"),
        "{text}"
    );
}

/// A canary of 3 on the invoke route, ended: its job.
fn invoking_canary_ended(app: &mut App) -> JobId {
    for _ in 0..5 {
        press(app, KeyCode::Down);
    }
    let effects = press(app, KeyCode::Char('3')); // canary 3
    let (job, _) = plan_job(&effects).expect("a canary plans again: it chooses");
    answer(app, job, invoking_plan());
    let (id, _) = started_redrive(&confirm_effects(app));
    let _ = update(
        app,
        Action::RedriveFinished {
            id,
            result: Ok(Box::new(summary("limit_reached", 3))),
        },
    );
    id
}

#[test]
fn continuing_after_an_unsafe_canary_on_the_invoke_route_says_it_invokes() {
    let mut app = opened(9, Mode::Native);
    let id = invoking_canary_ended(&mut app);
    super::canary::judge(&mut app, id, crate::redrive::canary::Outcome::NotSafe);
    assert!(press(&mut app, KeyCode::Char('c')).is_empty(), "it asks");
    let said = match &app.modal {
        Some(Modal::Confirm(c)) => c.pending.effects.join("\n"),
        other => panic!("{other:?}"),
    };
    assert!(
        said.contains("Invokes orders-notify asynchronously with the rest of orders-dlq"),
        "{said}"
    );
}

#[test]
fn a_canarys_rest_on_the_invoke_route_names_the_function_its_run_invokes() {
    let mut app = opened(9, Mode::Native);
    let id = invoking_canary_ended(&mut app);
    assert!(text_of(&app).contains(INVOKING), "{}", text_of(&app));
    super::canary::judge(&mut app, id, crate::redrive::canary::Outcome::Safe);
    let (rest_id, rest) = started_redrive(&press(&mut app, KeyCode::Char('c')));
    assert_eq!(rest.plan, None, "the rest plans again");
    let text = text_of(&app);
    assert!(text.contains("mode planning\n"), "not yet known: {text}");
    assert!(!text.contains("own source"), "{text}");
    let _ = update(
        &mut app,
        Action::RedriveProgress {
            id: rest_id,
            snapshot: Box::new(RedriveSnapshot {
                mode: Some(Mode::Manual),
                moved: 2,
                expected: Some(6),
                invoked: Some("orders-notify".into()),
                ..RedriveSnapshot::default()
            }),
        },
    );
    assert!(text_of(&app).contains(INVOKING), "{}", text_of(&app));
    let _ = update(
        &mut app,
        Action::RedriveFinished {
            id: rest_id,
            result: Ok(Box::new(summary("drained", 6))),
        },
    );
    assert!(text_of(&app).contains(INVOKING), "{}", text_of(&app));
}
