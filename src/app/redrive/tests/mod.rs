//! The redrive dialog, its confirmation, and the progress view, driven through `update`
//! with plans and progress made up here (the journey on the simulated world is in
//! tests/ui_redrive.rs).

use crate::app::jobs::JobId;
use crate::app::modals::Modal;
use crate::app::modals::confirm::DangerousOp;
use crate::app::redrive::view::RedriveView;
use crate::app::redrive::{
    PlanJob, PlanState, RedriveDialog, RedriveOp, RedriveSettings, RedriveSnapshot, dialog,
};
use crate::app::test_app::*;
use crate::redrive::{Destination, Mode, ModeChoice, Plan, Routes, Summary};

fn dlq_view(app: &mut App) {
    press(app, KeyCode::Char(':'));
    type_text(app, "dlq");
    press(app, KeyCode::Enter);
}

fn destination(name: &str) -> Destination {
    Destination {
        name: name.into(),
        url: format!("https://sqs/1/{name}"),
        arn: format!("arn:aws:sqs:us-east-1:1:{name}"),
        fifo: false,
        max_bytes: 1_048_576,
    }
}

fn plan(visible: u64, mode: Mode) -> Plan {
    Plan {
        dlq: "orders-dlq".into(),
        dlq_url: "https://sqs/1/orders-dlq".into(),
        dlq_arn: "arn:aws:sqs:us-east-1:1:orders-dlq".into(),
        dlq_fifo: false,
        mode,
        native_asked: false,
        native_unavailable: (mode == Mode::Manual)
            .then(|| "a filter, limit or canary chooses messages".to_string()),
        sources: vec!["orders".into()],
        subscriptions: Vec::new(),
        destinations: vec![destination("orders")],
        invoke: None,
        visible,
        in_flight: 0,
        delayed: 0,
        warnings: vec!["the consumer of orders is disabled".into()],
        routes: Routes::default(),
    }
}

fn open_dialog(app: &App) -> &RedriveDialog {
    match &app.modal {
        Some(Modal::Redrive(dialog)) => dialog,
        other => panic!("expected the redrive dialog, got {other:?}"),
    }
}

/// The plan job among `effects`.
fn plan_job(effects: &[Effect]) -> Option<(JobId, PlanJob)> {
    effects.iter().find_map(|e| match e {
        Effect::Start {
            id,
            work: Work::RedrivePlan(job),
        } => Some((*id, (**job).clone())),
        _ => None,
    })
}

fn answer(app: &mut App, job: JobId, plan: Plan) {
    let _ = update(
        app,
        Action::RedrivePlanned {
            job,
            result: Ok(Box::new(plan)),
        },
    );
}

/// `R` on orders-dlq (9 visible) in `:dlq`, its plan answered with `visible` messages.
fn opened(visible: u64, mode: Mode) -> App {
    let mut app = loaded_app();
    dlq_view(&mut app);
    let effects = press(&mut app, KeyCode::Char('R'));
    let (job, request) = plan_job(&effects).expect("a plan job");
    assert_eq!(request.dlq_name, "orders-dlq");
    answer(&mut app, job, plan(visible, mode));
    app
}

fn confirm_effects(app: &mut App) -> Vec<Effect> {
    let effects = press(app, KeyCode::Enter);
    assert!(effects.is_empty(), "the confirm dialog first: {effects:?}");
    let typed = match &app.modal {
        Some(Modal::Confirm(dialog)) => dialog.pending.typed.clone(),
        other => panic!("expected the confirm dialog, got {other:?}"),
    };
    match typed {
        Some(name) => {
            type_text(app, &name);
            press(app, KeyCode::Enter)
        }
        None => press(app, KeyCode::Char('y')),
    }
}

fn started_redrive(effects: &[Effect]) -> (JobId, RedriveOp) {
    effects
        .iter()
        .find_map(|e| match e {
            Effect::Start {
                id,
                work: Work::Dangerous(op),
            } => match op.op() {
                DangerousOp::Redrive(r) => Some((*id, (**r).clone())),
                _ => None,
            },
            _ => None,
        })
        .unwrap_or_else(|| panic!("expected a redrive job in {effects:?}"))
}

#[test]
fn r_on_a_dlq_opens_the_dialog_and_plans_it_without_changing_anything() {
    let mut app = loaded_app();
    dlq_view(&mut app);
    let effects = press(&mut app, KeyCode::Char('R'));
    let (job, request) = plan_job(&effects).expect("a plan job");
    assert_eq!(request.settings, RedriveSettings::default());
    assert!(
        !app.jobs.get(job).expect("job").changes_state,
        "a plan only reads"
    );
    assert_eq!(open_dialog(&app).plan, PlanState::Computing { job });
    answer(&mut app, job, plan(9, Mode::Native));
    let dialog = open_dialog(&app);
    assert!(matches!(dialog.plan, PlanState::Ready(_)));
    let lines = format!("{:?}", dialog.plan_lines);
    assert!(lines.contains("orders-dlq: 9 visible"), "{lines}");
    assert!(lines.contains("mode: native"), "{lines}");
    assert!(lines.contains("consumer of orders is disabled"), "{lines}");
}

#[test]
fn r_on_a_queue_that_is_no_dlq_says_so_and_opens_nothing() {
    let mut app = loaded_app();
    // The queues table opens on "orders" (sorted by name), which is no DLQ.
    let effects = press(&mut app, KeyCode::Char('R'));
    assert!(effects.is_empty());
    assert_eq!(app.modal, None);
    let message = app
        .message
        .as_ref()
        .map(|m| m.text.clone())
        .unwrap_or_default();
    assert!(message.contains("no dead-letter queue"), "{message}");
}

/// The health board, whose worst row is orders-dlq (9 messages), then orders (4).
fn board(app: &mut App) {
    press(app, KeyCode::Char(':'));
    type_text(app, "health");
    press(app, KeyCode::Enter);
    let board = app
        .view_as::<crate::app::views::health::HealthView>()
        .expect("the board");
    assert!(
        board.problems[0].what.starts_with("DLQ holds 9"),
        "{:?}",
        board.problems
    );
}

#[test]
fn the_plan_job_takes_the_inventorys_subscriptions_instead_of_listing_them_again() {
    let mut app = loaded_app();
    dlq_view(&mut app);
    let (_, request) = plan_job(&press(&mut app, KeyCode::Char('R'))).expect("a plan job");
    // The one subscription loaded (to orders) neither dead-letters into orders-dlq nor
    // failed to read: none matters, and the plan is told so rather than listing them.
    assert_eq!(request.subscriptions, Some(Vec::new()));
    // Its functions (with their invoke settings): a plan needs them to know whether a
    // function's failed invokes land in the DLQ too.
    assert_eq!(
        request.functions.as_deref(),
        Some(app.inventory.functions())
    );
}

#[test]
fn the_board_asks_for_live_counts_of_the_queues_on_its_rows() {
    let mut app = loaded_app();
    board(&mut app);
    let on_screen = app.view().on_screen_queues(20);
    let names: Vec<&str> = on_screen
        .iter()
        .map(|url| url.rsplit('/').next().unwrap_or_default())
        .collect();
    assert!(names.contains(&"orders-dlq"), "{names:?}");
    let board = app
        .view_as::<crate::app::views::health::HealthView>()
        .expect("the board");
    let queue_rows = board
        .problems
        .iter()
        .filter(|p| {
            matches!(
                p.resource.kind,
                crate::health::Kind::Queue | crate::health::Kind::Dlq
            )
        })
        .count();
    assert!(queue_rows >= 1, "{:?}", board.problems);
    assert!(names.len() <= queue_rows, "one URL per queue row at most");
    assert!(
        app.view().on_screen_queues(0).is_empty(),
        "no rows, no queues"
    );
}

#[test]
fn r_on_a_board_row_on_a_dlq_opens_the_dialog_and_the_row_offers_it() {
    let mut app = loaded_app();
    board(&mut app);
    let hints = app.view().hints();
    assert!(
        hints.contains(&(KeyAction::Redrive, "redrive")),
        "{hints:?}"
    );
    let effects = press(&mut app, KeyCode::Char('R'));
    let (_, request) = plan_job(&effects).expect("a plan job");
    assert_eq!(request.dlq_name, "orders-dlq");
    assert_eq!(open_dialog(&app).dlq_name, "orders-dlq");
}

#[test]
fn read_only_board_rows_offer_no_redrive_and_r_is_refused() {
    let mut app = loaded_app();
    app.read_only = true;
    board(&mut app);
    // The view still names the row's DLQ; the header drops dangerous hints in read-only.
    assert!(app.view().selected_target().is_some());
    let effects = press(&mut app, KeyCode::Char('R'));
    assert!(effects.is_empty());
    assert_eq!(app.modal, None);
    let message = app
        .message
        .as_ref()
        .map(|m| m.text.clone())
        .unwrap_or_default();
    assert!(message.starts_with("read-only"), "{message}");
}

#[test]
fn read_only_has_no_r_in_help_hints_or_keys() {
    let config = crate::config::Config::defaults().expect("defaults");
    let mut app = loaded_app();
    app.read_only = true;
    dlq_view(&mut app);
    let effects = press(&mut app, KeyCode::Char('R'));
    assert!(effects.is_empty());
    assert_eq!(app.modal, None);
    let help = crate::app::help::help_lines(&config.keymap, true);
    assert!(!help.iter().any(|(_, d)| d.starts_with("Redrive")));
    let help = crate::app::help::help_lines(&config.keymap, false);
    assert!(help.iter().any(|(_, d)| d.starts_with("Redrive")));
}

#[test]
fn a_plan_answer_for_an_older_job_is_dropped_and_a_failed_plan_says_why() {
    let mut app = loaded_app();
    dlq_view(&mut app);
    let first = plan_job(&press(&mut app, KeyCode::Char('R')))
        .expect("plan")
        .0;
    // Switching the mode plans again; the first answer comes too late to count.
    let second = plan_job(&press(&mut app, KeyCode::Right))
        .expect("replan")
        .0;
    assert_ne!(first, second);
    assert_eq!(open_dialog(&app).mode, ModeChoice::Native);
    answer(&mut app, first, plan(9, Mode::Manual));
    assert_eq!(open_dialog(&app).plan, PlanState::Computing { job: second });
    let _ = update(
        &mut app,
        Action::RedrivePlanned {
            job: second,
            result: Err("--mode native cannot do this redrive: no move tasks".into()),
        },
    );
    assert!(matches!(open_dialog(&app).plan, PlanState::Failed(_)));
    assert!(press(&mut app, KeyCode::Enter).is_empty());
    assert!(
        open_dialog(&app)
            .notice
            .as_deref()
            .is_some_and(|n| n.contains("no plan")),
        "Enter does not confirm without a plan"
    );
}

#[test]
fn fields_are_validated_inline_and_only_what_the_plan_depends_on_plans_again() {
    let mut app = opened(9, Mode::Native);
    press(&mut app, KeyCode::Down); // to
    type_text(&mut app, "nope");
    assert!(
        open_dialog(&app)
            .destination
            .error
            .as_deref()
            .is_some_and(|e| e.contains("no queue"))
    );
    assert_eq!(open_dialog(&app).plan, PlanState::Invalid);
    for _ in 0..4 {
        press(&mut app, KeyCode::Backspace);
    }
    type_text(&mut app, "pay");
    let effects = press(&mut app, KeyCode::Tab);
    assert_eq!(
        open_dialog(&app).destination.text(),
        "payments",
        "Tab completes"
    );
    let (job, request) = plan_job(&effects).expect("a new destination plans again");
    assert_eq!(request.settings.to.map(|t| t.name), Some("payments".into()));
    answer(&mut app, job, plan(9, Mode::Native));
    press(&mut app, KeyCode::Tab); // rate: a focus move without an edit plans nothing
    type_text(&mut app, "0");
    assert!(open_dialog(&app).rate.error.is_some(), "0 is no rate");
    press(&mut app, KeyCode::Backspace);
    type_text(&mut app, "50");
    press(&mut app, KeyCode::Tab); // limit
    let effects = press(&mut app, KeyCode::Char('5'));
    let (job, request) = plan_job(&effects).expect("a limit makes it selective");
    assert!(request.settings.selective());
    answer(&mut app, job, plan(9, Mode::Manual));
    let effects = press(&mut app, KeyCode::Char('0'));
    assert_eq!(plan_job(&effects), None, "a larger limit changes no plan");
    assert_eq!(open_dialog(&app).settings().and_then(|s| s.limit), Some(50));
    press(&mut app, KeyCode::Tab); // filter
    type_text(&mut app, "/[/");
    assert!(
        open_dialog(&app)
            .filter
            .error
            .as_deref()
            .is_some_and(|e| e.contains("unclosed")),
        "Filter::parse's error, inline: {:?}",
        open_dialog(&app).filter.error
    );
    for _ in 0..3 {
        press(&mut app, KeyCode::Backspace);
    }
    type_text(&mut app, ".order.status == \"failed\"");
    assert_eq!(open_dialog(&app).filter.error, None);
    assert_eq!(
        open_dialog(&app).settings().and_then(|s| s.filter.clone()),
        Some(".order.status == \"failed\"".into())
    );
}

#[test]
fn above_the_threshold_the_dlq_name_must_be_typed() {
    let mut app = opened(150, Mode::Native);
    press(&mut app, KeyCode::Enter);
    let Some(Modal::Confirm(confirm)) = &app.modal else {
        panic!("expected the confirm dialog, got {:?}", app.modal);
    };
    assert_eq!(confirm.pending.typed.as_deref(), Some("orders-dlq"));
    let said = confirm.pending.effects.join("\n");
    assert!(
        said.contains("Moves about 150 messages from orders-dlq to each message's own source"),
        "{said}"
    );
    assert!(said.contains("Mode native"), "{said}");
    // y is only a character here.
    assert!(press(&mut app, KeyCode::Char('y')).is_empty());
    press(&mut app, KeyCode::Backspace);
    let effects = confirm_effects(&mut app);
    let (id, op) = started_redrive(&effects);
    assert!(app.jobs.get(id).expect("job").changes_state);
    assert_eq!(
        op.plan.map(|p| p.visible),
        Some(150),
        "what was shown is what runs"
    );
    assert!(app.view_as::<RedriveView>().is_some(), "its progress shows");
}

#[test]
fn at_or_below_the_threshold_y_confirms_and_a_limit_counts() {
    let mut app = opened(9, Mode::Native);
    press(&mut app, KeyCode::Enter);
    let Some(Modal::Confirm(confirm)) = &app.modal else {
        panic!("expected the confirm dialog");
    };
    assert_eq!(confirm.pending.typed, None);
    // A limit brings a large DLQ under the threshold, and the filter's cost is said.
    let plan_big = plan(5000, Mode::Manual);
    let op = RedriveOp {
        dlq_url: plan_big.dlq_url.clone(),
        dlq_name: plan_big.dlq.clone(),
        settings: RedriveSettings {
            limit: Some(100),
            filter: Some("timeout".into()),
            ..RedriveSettings::default()
        },
        plan: Some(Box::new(plan_big.clone())),
    };
    let pending = dialog::pending(&plan_big, op, 100);
    assert_eq!(pending.typed, None);
    let said = pending.effects.join("\n");
    assert!(said.contains("Moves up to 100 messages"), "{said}");
    assert!(said.contains("receive count +1"), "{said}");
    assert!(pending.risks.iter().any(|r| r.contains("duplicate")));
}

#[test]
fn enter_before_the_plan_arrives_waits_for_it() {
    let mut app = loaded_app();
    dlq_view(&mut app);
    let _ = press(&mut app, KeyCode::Char('R'));
    assert!(press(&mut app, KeyCode::Enter).is_empty());
    assert!(matches!(app.modal, Some(Modal::Redrive(_))));
    assert_eq!(
        open_dialog(&app).notice.as_deref(),
        Some("the plan is still being computed")
    );
    press(&mut app, KeyCode::Esc);
    assert_eq!(app.modal, None);
}

mod canary;
mod progress;
