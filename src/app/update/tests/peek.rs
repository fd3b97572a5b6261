//! `p` through the router: the confirm dialog on a queue with a redrive policy, a job at
//! once on a DLQ without one, still there in read-only mode; the viewer opening on results.

use super::*;
use crate::app::action::PeekResult;
use crate::app::effect::PeekRequest;
use crate::app::modals::confirm::DangerousOp;
use crate::app::views::viewer::MessagesView;
use crate::domain::message::ReceivedMessage;
use crate::messages::{PeekEnd, PeekProgress, PeekReport, PeekShape};

/// Moves the table's selection to the queue named `name`.
fn select_queue(app: &mut App, name: &str) {
    press(app, KeyCode::Char('g'));
    let url = format!("https://sqs/1/{name}");
    for _ in 0..20 {
        if table(app).state.selected_row().map(|r| &r.target) == Some(&Target::Queue(url.clone())) {
            return;
        }
        press(app, KeyCode::Char('j'));
    }
    panic!("no row for {name}");
}

fn peek_request(name: &str, max: Option<u32>) -> PeekRequest {
    PeekRequest {
        queue_url: format!("https://sqs/1/{name}"),
        queue_name: name.into(),
        count: 10,
        max_receive_count: max,
        dlq_name: max.map(|_| format!("{name}-dlq")),
    }
}

#[test]
fn p_on_a_queue_with_a_redrive_policy_asks_first_and_states_the_risk() {
    let mut app = loaded_app();
    select_queue(&mut app, "orders");
    assert_eq!(press(&mut app, KeyCode::Char('p')), Vec::new());
    let Some(Modal::Confirm(dialog)) = &app.modal else {
        panic!("expected the confirm dialog, got {:?}", app.modal);
    };
    assert_eq!(dialog.pending.typed, None, "y confirms a peek");
    let risks = dialog.pending.risks.join(" ");
    assert!(risks.contains("maxReceiveCount"), "{risks}");
    assert!(risks.contains("orders-dlq"), "{risks}");
    let effects = press(&mut app, KeyCode::Char('y'));
    match effects.as_slice() {
        [
            Effect::Start {
                id,
                work: Work::Dangerous(op),
            },
        ] => {
            assert_eq!(op.op(), &DangerousOp::Peek(peek_request("orders", Some(5))));
            assert_eq!(
                app.jobs.get(*id).map(|j| j.label.as_str()),
                Some("peek orders")
            );
        }
        other => panic!("expected the peek job, got {other:?}"),
    }
}

#[test]
fn p_on_a_dlq_without_its_own_policy_starts_the_job_at_once() {
    let mut app = loaded_app();
    select_queue(&mut app, "orders-dlq");
    let effects = press(&mut app, KeyCode::Char('p'));
    assert_eq!(app.modal, None, "no dialog");
    match effects.as_slice() {
        [Effect::Start { id, work }] => {
            assert_eq!(work, &Work::Peek(peek_request("orders-dlq", None)));
            assert!(app.jobs.get(*id).is_some_and(|j| j.is_running()));
        }
        other => panic!("expected the peek job, got {other:?}"),
    }
}

#[test]
fn p_in_the_dlq_table_and_on_a_topology_line_peeks_too() {
    let mut app = loaded_app();
    select_queue(&mut app, "orders-dlq");
    press(&mut app, KeyCode::Char('t'));
    assert!(app.view_as::<TopologyView>().is_some());
    assert!(matches!(
        press(&mut app, KeyCode::Char('p')).as_slice(),
        [Effect::Start { work: Work::Peek(request), .. }] if request.queue_name == "orders-dlq"
    ));

    let mut app = loaded_app();
    type_text(&mut app, ":dlq");
    press(&mut app, KeyCode::Enter);
    assert_eq!(table(&app).kind, TableKind::Dlqs);
    // Both DLQs here have no redrive policy of their own: a job at once.
    assert!(matches!(
        press(&mut app, KeyCode::Char('p')).as_slice(),
        [Effect::Start { work: Work::Peek(request), .. }] if request.queue_name.ends_with("-dlq")
    ));
}

#[test]
fn read_only_still_offers_peek_but_not_purge() {
    let mut app = loaded_app();
    app.read_only = true;
    select_queue(&mut app, "orders");
    assert_eq!(press(&mut app, KeyCode::Char('P')), Vec::new());
    assert_eq!(app.modal, None, "purge does not exist here");

    press(&mut app, KeyCode::Char('p'));
    assert!(matches!(&app.modal, Some(Modal::Confirm(_))), "peek asks");
    let effects = press(&mut app, KeyCode::Char('y'));
    assert!(
        matches!(effects.as_slice(), [Effect::Start { work: Work::Dangerous(op), .. }] if !op.op().writes()),
        "{effects:?}"
    );

    let help = crate::app::help::help_lines(&app.keymap, true);
    assert!(help.iter().any(|(_, d)| d.starts_with("Peek")));
    assert!(!help.iter().any(|(_, d)| d.starts_with("Purge")));
}

fn peeked(messages: Vec<ReceivedMessage>, end: PeekEnd) -> Action {
    Action::Peeked(Box::new(PeekResult {
        job: crate::app::jobs::JobId(1),
        request: peek_request("orders-dlq", None),
        messages,
        report: PeekReport {
            shape: PeekShape::Sample,
            progress: PeekProgress::default(),
            end,
            hold_lost: Vec::new(),
            release: Default::default(),
        },
    }))
}

#[test]
fn a_peek_result_opens_the_viewer_and_an_empty_one_says_why() {
    let mut app = loaded_app();
    let _ = update(&mut app, peeked(Vec::new(), PeekEnd::Drained));
    assert!(app.view_as::<TableView>().is_some(), "nothing to view");
    assert!(
        app.message
            .as_ref()
            .is_some_and(|m| m.text.contains("no message came back")),
        "{:?}",
        app.message
    );

    let message = crate::app::views::viewer::detail::tests::message("m-1", "{}", 1);
    let _ = update(&mut app, peeked(vec![message], PeekEnd::Drained));
    let viewer = app.view_as::<MessagesView>().expect("the viewer");
    assert_eq!(viewer.messages.len(), 1);
    assert_eq!(
        app.breadcrumb().last().map(String::as_str),
        Some("sample orders-dlq")
    );
    // y copies the body and says so; Esc goes back to the table.
    let effects = press(&mut app, KeyCode::Char('y'));
    assert_eq!(effects, vec![Effect::Copy("{}".into())]);
    assert!(
        app.message
            .as_ref()
            .is_some_and(|m| m.text == "copied 2 bytes")
    );
    press(&mut app, KeyCode::Esc);
    assert!(app.view_as::<TableView>().is_some());
}
