//! The board's signals refresh: asked only while a view shows them, at most once a
//! minute, one job of each kind at a time; answers land in the inventory unless they come
//! from a job the app no longer knows.

use super::*;
use crate::app::jobs::JobEnd;
use crate::app::test_app::t;
use crate::app::views::health::HealthView;
use crate::app::{Action, update};
use crate::domain::AlarmMetric;
use crate::health::Thresholds;
use crate::inventory::model::tests::queue;

const DLQ_ARN: &str = "arn:aws:sqs:us-east-1:1:orders-dlq";

/// An app whose inventory holds `orders` and its DLQ (holding 4 messages).
fn app() -> App {
    let mut app = crate::app::test_app::app_refreshing(None);
    app.inventory.upsert_queues(
        vec![
            queue("orders", 0, Some("orders-dlq")),
            queue("orders-dlq", 4, None),
        ],
        1,
    );
    app
}

fn on_board() -> App {
    let mut app = app();
    app.push(Box::new(HealthView::new(Thresholds::default())));
    app
}

/// `(job, what it reads)` of every signal job started.
fn signal_jobs(effects: &[Effect]) -> Vec<(JobId, Work)> {
    effects
        .iter()
        .filter_map(|e| match e {
            Effect::Start { id, work } if matches!(work, Work::Alarms | Work::MoveTasks(_)) => {
                Some((*id, work.clone()))
            }
            _ => None,
        })
        .collect()
}

fn end_all(app: &mut App, jobs: &[(JobId, Work)]) {
    for (id, _) in jobs {
        let _ = update(
            app,
            Action::JobEnded {
                id: *id,
                end: JobEnd::Done(None),
            },
        );
    }
}

#[test]
fn nothing_is_asked_while_no_view_shows_the_signals() {
    let mut app = app();
    for second in [1, 61, 121] {
        assert!(signal_jobs(&update(&mut app, Action::Tick(t(second)))).is_empty());
    }
}

#[test]
fn the_board_asks_alarms_and_its_dlqs_move_tasks_once_a_minute() {
    let mut app = on_board();
    let jobs = signal_jobs(&update(&mut app, Action::Tick(t(1))));
    assert_eq!(
        jobs.iter().map(|(_, w)| w.clone()).collect::<Vec<_>>(),
        [Work::Alarms, Work::MoveTasks(vec![DLQ_ARN.to_string()])]
    );
    assert!(
        signal_jobs(&update(&mut app, Action::Tick(t(2)))).is_empty(),
        "still running"
    );
    end_all(&mut app, &jobs);
    assert!(app.message.is_none(), "a signal read ends quietly");
    assert!(
        signal_jobs(&update(&mut app, Action::Tick(t(59)))).is_empty(),
        "inside the minute"
    );
    assert_eq!(signal_jobs(&update(&mut app, Action::Tick(t(61)))).len(), 2);
}

#[test]
fn answers_reach_the_board_and_a_stale_job_s_answer_is_dropped() {
    let mut app = on_board();
    let jobs = signal_jobs(&update(&mut app, Action::Tick(t(1))));
    let alarm = Alarm {
        name: "orders-dlq-not-empty".into(),
        arn: "arn:aws:cloudwatch:us-east-1:1:alarm:orders-dlq-not-empty".into(),
        metrics: vec![AlarmMetric {
            namespace: "AWS/SQS".into(),
            name: "ApproximateNumberOfMessagesVisible".into(),
            dimensions: [("QueueName".to_string(), "orders-dlq".to_string())].into(),
        }],
        reason: "Threshold Crossed".into(),
        state_updated_ms: Some(1_799_999_000_000),
        threshold: Some(0.0),
    };
    let _ = update(
        &mut app,
        Action::AlarmsRead {
            job: JobId(999),
            alarms: Ok(vec![alarm.clone()]),
        },
    );
    assert!(app.inventory.signals().alarms().is_empty(), "not our job");
    let _ = update(
        &mut app,
        Action::AlarmsRead {
            job: jobs[0].0,
            alarms: Ok(vec![alarm]),
        },
    );
    let board = app.view_as::<HealthView>().expect("the board");
    assert!(
        board
            .problems
            .iter()
            .any(|p| p.what.starts_with("alarm orders-dlq-not-empty in ALARM")),
        "{:?}",
        board.problems
    );
}

#[test]
fn the_dlq_table_asks_only_for_the_dlqs_it_shows() {
    let mut app = app();
    app.push(Box::new(crate::app::views::resource_table::TableView::new(
        crate::resource_rows::TableKind::Dlqs,
        None,
    )));
    let jobs = signal_jobs(&update(&mut app, Action::Tick(t(1))));
    assert_eq!(
        jobs.iter().map(|(_, w)| w.clone()).collect::<Vec<_>>(),
        [Work::MoveTasks(vec![DLQ_ARN.to_string()])],
        "no alarms: the table does not show them"
    );
}
