//! Lambda-side DLQs on the board: a function's DLQ or on-failure destination holding
//! messages is a problem row like any DLQ, and no move task is asked about it (native
//! redrive does not serve it).

use super::{Severity, Thresholds, assess, facts};
use crate::domain::Subscription;
use crate::inventory::Inventory;
use crate::inventory::model::tests::{async_function, queue};

#[test]
fn messages_in_a_function_dlq_or_destination_are_problem_rows() {
    let mut inventory = Inventory::default();
    inventory.upsert_queues(
        vec![
            queue("notify-dlq", 4, None),
            queue("notify-failures", 2, None),
            queue("unrelated", 9, None),
        ],
        1,
    );
    inventory.finish_queues(1);
    inventory.set_functions(vec![async_function(
        "notify",
        Some("notify-dlq"),
        Some("notify-failures"),
    )]);
    inventory.set_subscriptions(vec![Subscription::listed(
        "arn:aws:sns:us-east-1:1:shipments:1",
        "arn:aws:sns:us-east-1:1:shipments",
        "lambda",
        "arn:aws:lambda:us-east-1:1:function:notify",
        None,
    )]);
    let facts = facts(&inventory);
    assert!(
        facts.move_task_sources().is_empty(),
        "no move task serves a Lambda DLQ"
    );
    let engine = crate::metrics::MetricsEngine::default();
    let problems = assess(&facts, &engine, &Thresholds::default(), 0);
    let dlq_rows: Vec<(&str, Severity, &str)> = problems
        .iter()
        .filter(|p| p.what.starts_with("DLQ holds"))
        .map(|p| (p.resource.name.as_str(), p.severity, p.what.as_str()))
        .collect();
    assert_eq!(
        dlq_rows,
        [
            (
                "notify-dlq",
                Severity::Critical,
                "DLQ holds 4 messages, not filling"
            ),
            (
                "notify-failures",
                Severity::Critical,
                "DLQ holds 2 messages, not filling"
            ),
        ]
    );
}
