//! The router's newer duties: components that sync only when their data changed, the
//! confirm path, read-only, jobs, and context switches.

use super::*;
use crate::app::jobs::{JobEnd, JobState};
use crate::app::modals::confirm::DangerousOp;
use crate::app::views::jobs::JobsView;

fn ctrl(app: &mut App, c: char) -> Vec<Effect> {
    update(
        app,
        Action::Key(KeyEvent::new(KeyCode::Char(c), KeyModifiers::CONTROL)),
    )
}

#[test]
fn views_below_the_top_sync_only_when_they_come_back() {
    let mut app = loaded_app();
    press(&mut app, KeyCode::Char('d'));
    let described_revision = app.inventory.revision;
    let _ = update(
        &mut app,
        Action::QueuesLoaded {
            generation: 1,
            queues: vec![queue("zeta", 1, None)],
        },
    );
    // The load is over (generation 1 finished), so this batch is stale and dropped.
    assert_eq!(app.inventory.revision, described_revision);
    press(&mut app, KeyCode::Char('r'));
    let _ = update(
        &mut app,
        Action::QueuesLoaded {
            generation: 2,
            queues: vec![queue("zeta", 1, None)],
        },
    );
    let below = app.stack[0]
        .view
        .as_any()
        .downcast_ref::<TableView>()
        .expect("table");
    assert_eq!(below.state.total(), 4, "not rebuilt while covered");
    press(&mut app, KeyCode::Esc);
    assert_eq!(shown(&app), 5, "rebuilt once it is on top again");
}

#[test]
fn d_in_describe_and_t_in_topology_do_not_stack_copies() {
    let mut app = loaded_app();
    press(&mut app, KeyCode::Char('d'));
    press(&mut app, KeyCode::Char('d'));
    press(&mut app, KeyCode::Enter);
    assert_eq!(app.breadcrumb(), ["queues", "orders"]);
    press(&mut app, KeyCode::Char('t'));
    press(&mut app, KeyCode::Char('t'));
    assert_eq!(app.breadcrumb(), ["queues", "orders", "topology"]);
}

#[test]
fn g_in_describe_stops_at_the_last_line_and_k_comes_back() {
    let mut app = loaded_app();
    app.table_rows = 1;
    press(&mut app, KeyCode::Char('d'));
    let lines = app
        .view_as::<DescribeView>()
        .and_then(|d| d.lines.as_ref().map(Vec::len))
        .expect("lines");
    assert!(lines > 2, "the test needs more lines than fit: {lines}");
    press(&mut app, KeyCode::Char('G'));
    let bottom = lines - 2; // 1 table row + the column header row of a table
    assert_eq!(
        app.view_as::<DescribeView>().map(|d| d.scroll),
        Some(bottom)
    );
    press(&mut app, KeyCode::Char('k'));
    assert_eq!(
        app.view_as::<DescribeView>().map(|d| d.scroll),
        Some(bottom - 1)
    );
}

#[test]
fn d_in_subscriptions_describes_the_subscription_and_enter_goes_to_the_queue() {
    let mut app = loaded_app();
    press(&mut app, KeyCode::Char(':'));
    type_text(&mut app, "subs");
    press(&mut app, KeyCode::Enter);
    press(&mut app, KeyCode::Char('d'));
    assert_eq!(
        described(&app),
        Some(Target::Subscription(
            "arn:aws:sns:us-east-1:1:events:1".into()
        ))
    );
    press(&mut app, KeyCode::Esc);
    press(&mut app, KeyCode::Enter);
    assert_eq!(
        described(&app),
        Some(Target::Queue("https://sqs/1/orders".into()))
    );
}

#[test]
fn purge_goes_through_the_typed_confirm_dialog_only() {
    let mut app = loaded_app();
    assert_eq!(press(&mut app, KeyCode::Char('P')), Vec::new());
    assert!(matches!(app.modal, Some(Modal::Confirm(_))));
    type_text(&mut app, "order");
    assert_eq!(
        press(&mut app, KeyCode::Enter),
        Vec::new(),
        "not the name yet"
    );
    type_text(&mut app, "s");
    let effects = press(&mut app, KeyCode::Enter);
    match effects.as_slice() {
        [
            Effect::Start {
                id,
                work: Work::Dangerous(op),
            },
        ] => {
            assert_eq!(
                op.op(),
                &DangerousOp::Purge {
                    queue_url: "https://sqs/1/orders".into(),
                    queue_name: "orders".into()
                }
            );
            assert_eq!(
                app.jobs.get(*id).map(|j| j.label.as_str()),
                Some("purge orders")
            );
        }
        other => panic!("expected the purge job, got {other:?}"),
    }
    assert_eq!(app.modal, None);
}

#[test]
fn esc_cancels_a_confirm_and_nothing_runs() {
    let mut app = loaded_app();
    press(&mut app, KeyCode::Char('P'));
    assert_eq!(press(&mut app, KeyCode::Esc), Vec::new());
    assert_eq!(app.modal, None);
    assert!(
        app.message
            .as_ref()
            .is_some_and(|m| m.text.contains("nothing was changed"))
    );
}

#[test]
fn read_only_offers_nothing_that_changes_state() {
    let mut app = loaded_app();
    app.read_only = true;
    assert_eq!(press(&mut app, KeyCode::Char('P')), Vec::new());
    assert_eq!(app.modal, None, "no dialog opens");
    assert_eq!(app.message.as_ref().map(|m| m.level), Some(Level::Error));
    let help = crate::app::help::help_lines(&app.keymap, true);
    assert!(!help.iter().any(|(_, d)| d.contains("Purge")));
    let help = crate::app::help::help_lines(&app.keymap, false);
    assert!(help.iter().any(|(_, d)| d.contains("Purge")));
}

#[test]
fn jobs_view_lists_loads_and_cancels_the_selected_one() {
    let mut app = app();
    let _ = start(&mut app);
    press(&mut app, KeyCode::Char(':'));
    type_text(&mut app, "jobs");
    press(&mut app, KeyCode::Enter);
    let view = app.view_as::<JobsView>().expect("jobs view");
    assert_eq!(view.ids.len(), 5, "the five loads");
    let effects = press(&mut app, KeyCode::Char('x'));
    let [Effect::Cancel(id)] = effects.as_slice() else {
        panic!("expected a cancel, got {effects:?}");
    };
    assert_eq!(
        app.jobs.get(*id).map(|j| j.state.clone()),
        Some(JobState::Cancelling)
    );
    // The cancelled load reports its end without results: it is no longer in flight.
    let source = Source::ALL
        .into_iter()
        .find(|&s| app.load(s).job == Some(*id))
        .expect("a load");
    let _ = update(
        &mut app,
        Action::JobEnded {
            id: *id,
            end: JobEnd::Cancelled,
        },
    );
    assert!(!app.load(source).in_flight);
    assert!(
        ctrl(&mut app, 'k').is_empty(),
        "an ended job is not cancelled again"
    );
}

#[test]
fn a_load_whose_job_died_without_results_is_not_stuck() {
    let mut app = app();
    let _ = start(&mut app);
    let id = app.load(Source::Topics).job.expect("job");
    let _ = update(
        &mut app,
        Action::JobEnded {
            id,
            end: JobEnd::Failed("panicked: boom".into()),
        },
    );
    assert!(!app.load(Source::Topics).in_flight);
    assert!(app.inventory.status(Source::Topics).error.is_some());
    assert_eq!(
        loads(&press(&mut app, KeyCode::Char('r'))),
        vec![(Source::Topics, 2)]
    );
}

#[test]
fn a_context_switch_forgets_the_old_account_and_reloads_everything() {
    let mut app = loaded_app();
    app.profiles = vec!["prod".into()];
    press(&mut app, KeyCode::Char(':'));
    type_text(&mut app, "region us-west-2");
    let effects = press(&mut app, KeyCode::Enter);
    assert_eq!(
        effects,
        vec![Effect::SwitchContext(crate::app::effect::ContextRequest {
            profile: None,
            region: Some("us-west-2".into())
        })]
    );
    press(&mut app, KeyCode::Char('r')); // a load in flight when the switch lands
    let effects = update(
        &mut app,
        Action::ContextSwitched {
            info: ConnectionInfo {
                region: "us-west-2".into(),
                ..ConnectionInfo::default()
            },
            read_only: true,
        },
    );
    assert!(
        effects.iter().any(|e| matches!(e, Effect::Cancel(_))),
        "old loads stop"
    );
    assert_eq!(loads(&effects), all_loads(3));
    assert!(app.inventory.queues().is_empty());
    assert!(app.read_only, "the profile's read-only setting applies");
    assert_eq!(app.info.region, "us-west-2");
    // A late batch from the old account is dropped.
    let _ = update(
        &mut app,
        Action::QueuesLoaded {
            generation: 2,
            queues: vec![queue("old", 1, None)],
        },
    );
    assert!(app.inventory.queues().is_empty());
}

#[test]
fn an_unknown_profile_or_a_failed_switch_stays_where_it_was() {
    let mut app = loaded_app();
    app.profiles = vec!["prod".into()];
    press(&mut app, KeyCode::Char(':'));
    type_text(&mut app, "profile nope");
    assert_eq!(press(&mut app, KeyCode::Enter), Vec::new());
    assert!(
        app.message
            .as_ref()
            .is_some_and(|m| m.text.contains("no profile nope"))
    );
    let _ = update(
        &mut app,
        Action::ContextFailed {
            error: "no credentials".into(),
        },
    );
    assert_eq!(app.message.as_ref().map(|m| m.level), Some(Level::Error));
    assert_eq!(shown(&app), 4);
}

/// The load effects among `effects`.
fn queue_reloads(effects: &[Effect]) -> usize {
    effects
        .iter()
        .filter(|e| {
            matches!(
                e,
                Effect::Start {
                    work: Work::Load {
                        source: Source::Queues,
                        ..
                    },
                    ..
                }
            )
        })
        .count()
}

#[test]
fn a_finished_purge_reloads_the_queues_and_a_finished_peek_does_not() {
    let mut app = loaded_app();
    // The peek first: a reload started by the purge would still be in flight and
    // absorb a second one.
    let mut effects = press(&mut app, KeyCode::Char('p'));
    if matches!(app.modal, Some(Modal::Confirm(_))) {
        effects = press(&mut app, KeyCode::Char('y'));
    }
    let peek = effects
        .iter()
        .find_map(|e| match e {
            Effect::Start { id, work } if !matches!(work, Work::Load { .. }) => Some(*id),
            _ => None,
        })
        .expect("the peek job");
    let ended = update(
        &mut app,
        Action::JobEnded {
            id: peek,
            end: JobEnd::Done(Some("3 messages read".into())),
        },
    );
    assert_eq!(queue_reloads(&ended), 0, "a peek changed nothing to reload");

    press(&mut app, KeyCode::Char('P'));
    type_text(&mut app, "orders");
    let confirmed = press(&mut app, KeyCode::Enter);
    let [Effect::Start { id: purge, .. }] = confirmed.as_slice() else {
        panic!("expected the purge job");
    };
    let purge = *purge;
    let ended = update(
        &mut app,
        Action::JobEnded {
            id: purge,
            end: JobEnd::Done(None),
        },
    );
    assert_eq!(
        queue_reloads(&ended),
        1,
        "what the purge changed shows at once"
    );
}
