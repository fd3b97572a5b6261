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

/// `DeadLetterErrors` and `DestinationDeliveryFailures` are asked for the functions with a DLQ
/// or destination only (two metrics each, in the board's calls), and any in the newest
/// period is a critical row: those events are lost.
#[test]
fn failed_event_delivery_is_read_for_functions_with_a_target_only_and_lost_events_are_critical() {
    use crate::aws::cloudwatch::MetricSeries;
    use crate::aws::cloudwatch::QueryKind;
    use crate::metrics::Resource;
    use crate::metrics::engine::FetchOutcome;
    let mut inventory = Inventory::default();
    inventory.upsert_queues(vec![queue("notify-dlq", 0, None)], 1);
    inventory.finish_queues(1);
    inventory.set_functions(vec![
        async_function("notify", Some("notify-dlq"), None),
        async_function("audit", None, Some("audit-failures")),
        async_function("quiet", None, None),
    ]);
    let facts = facts(&inventory);
    let wanted = super::wanted(&facts);
    let delivery: Vec<&Resource> = wanted
        .iter()
        .filter(|r| matches!(r, Resource::AsyncDelivery(_)))
        .collect();
    assert_eq!(
        delivery,
        [
            &Resource::AsyncDelivery("audit".into()),
            &Resource::AsyncDelivery("notify".into())
        ]
    );
    let minute = 60_000;
    let now = 10 * minute;
    let mut engine = crate::metrics::MetricsEngine::default();
    let batches = engine.plan(&wanted, now);
    let asked: Vec<(String, String)> = batches
        .iter()
        .flat_map(|b| b.queries.clone())
        .filter_map(|q| match q.kind {
            QueryKind::Stat(stat) if stat.namespace == "AWS/Lambda" => Some((
                stat.metric,
                stat.dimensions
                    .get("FunctionName")
                    .cloned()
                    .unwrap_or_default(),
            )),
            _ => None,
        })
        .collect();
    let pair = |m: &str, f: &str| (m.to_string(), f.to_string());
    assert_eq!(
        asked,
        [
            pair("DeadLetterErrors", "audit"),
            pair("DestinationDeliveryFailures", "audit"),
            pair("DeadLetterErrors", "notify"),
            pair("DestinationDeliveryFailures", "notify"),
        ],
        "nothing for quiet, and no other Lambda metric for functions nothing consumes with"
    );

    // CloudWatch answers: notify could not write 3 events to its DLQ in the newest minute.
    for batch in batches {
        let result = batch
            .targets
            .iter()
            .map(|(id, resource, key)| MetricSeries {
                id: id.clone(),
                points: if *resource == Resource::AsyncDelivery("notify".into())
                    && *key == "dead_letter_errors"
                {
                    vec![(8 * minute, 0.0), (9 * minute, 3.0)]
                } else {
                    vec![(9 * minute, 0.0)]
                },
            })
            .collect();
        let outcome = FetchOutcome {
            batch,
            result: Ok(result),
            math_refused: None,
            calls: 1,
        };
        engine.apply(outcome, now);
    }
    let problems = assess(&facts, &engine, &Thresholds::default(), now);
    let rows: Vec<(&str, Severity, &str)> = problems
        .iter()
        .filter(|p| p.resource.kind == super::Kind::Function)
        .map(|p| (p.resource.name.as_str(), p.severity, p.what.as_str()))
        .collect();
    assert_eq!(
        rows,
        [(
            "notify",
            Severity::Critical,
            "3 failed events could not be written to its DLQ (lost) in the last period"
        )]
    );
}
