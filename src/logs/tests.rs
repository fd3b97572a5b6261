//! The logs engine on the simulated world, past the demo's shipping incident: a DLQ message
//! joined to the invocations that failed it, and the consumer's error signatures.

use std::sync::Arc;

use super::targets::{Consumers, dlq_source_arns};
use super::*;
use crate::domain::message::ReceiveRequest;
use crate::sim::{DemoOptions, ManualClock, SHIPPING_DLQ, SHIPPING_FUNCTION, SimFleet};

const URL: &str = "https://sqs.us-east-1.amazonaws.com/123456789012";

fn incident() -> crate::aws::Backend {
    let options = DemoOptions {
        incident_after_s: 0,
        skip_s: 420,
        ..DemoOptions::default()
    };
    let clock = Arc::new(ManualClock::default());
    crate::sim::backend(SimFleet::demo_with_options(7, clock, options).frozen())
}

async fn shipping_groups(backend: &crate::aws::Backend) -> Vec<GroupTarget> {
    let consumers = Consumers::load(backend).await.expect("consumers");
    let dlq_url = format!("{URL}/{SHIPPING_DLQ}");
    let sources = dlq_source_arns(backend, &dlq_url).await.expect("sources");
    consumers.of_queues(sources.iter().map(String::as_str))
}

#[tokio::test]
async fn a_dead_lettered_message_is_joined_to_the_invocations_that_failed_it() {
    let backend = incident();
    let groups = shipping_groups(&backend).await;
    assert_eq!(groups.len(), 1, "{groups:?}");
    let received = backend
        .messages
        .receive_messages(
            &format!("{URL}/{SHIPPING_DLQ}"),
            ReceiveRequest {
                max_messages: 1,
                wait_seconds: 0,
                visibility_timeout_seconds: Some(0),
            },
        )
        .await
        .expect("receive");
    let message = received.first().expect("a message in the DLQ");
    let sent = message.sent_timestamp_ms().expect("sent") as i64;
    let reference = MessageRef::from_received(message, sent + 3_600_000);
    assert_eq!(
        reference.ids.len(),
        2,
        "the SQS id and the SNS envelope's id"
    );
    let budget = RequestBudget::new(1000.0);
    let joined = find_message(
        backend.logs.as_ref(),
        &budget,
        &groups,
        &reference,
        50_000_000,
    )
    .await
    .expect("join");
    assert!(
        !joined.naming.is_empty(),
        "lines naming {:?}",
        reference.ids
    );
    assert!(!joined.invocations.is_empty());
    // Each receive that failed is an invocation: START, its lines, the ERROR, REPORT.
    for invocation in &joined.invocations {
        assert_eq!(invocation.function, SHIPPING_FUNCTION);
        let kinds: Vec<LineKind> = invocation.lines.iter().map(|l| l.kind).collect();
        assert_eq!(kinds.first(), Some(&LineKind::Start), "{invocation:?}");
        assert_eq!(kinds.last(), Some(&LineKind::Report), "{invocation:?}");
    }
    let failed: Vec<&Invocation> = joined.invocations.iter().filter(|i| i.failed()).collect();
    assert!(!failed.is_empty(), "{:?}", joined.invocations);
    let error = failed[0]
        .lines
        .iter()
        .find(|l| l.is_error())
        .expect("the error");
    assert!(error.message.contains("TypeError"), "{}", error.message);
    assert!(
        error.message.contains("at dispatch"),
        "the stack trace: {}",
        error.message
    );
    assert_eq!(
        joined.requests(),
        2,
        "one search for the ids, one for the request ids"
    );
    assert!(joined.bytes_read() > 0);
    assert_eq!(budget.requests(), 2);
}

#[tokio::test]
async fn the_shipping_consumers_errors_make_one_signature() {
    let backend = incident();
    let groups = shipping_groups(&backend).await;
    let budget = RequestBudget::new(1000.0);
    let request = SearchRequest {
        groups,
        start_ms: 0,
        end_ms: i64::MAX / 2,
        pattern: None,
        max_bytes: 50_000_000,
        max_lines: 1,
    };
    let (found, outcome) = error_signatures_of(backend.logs.as_ref(), &budget, request).await;
    assert!(outcome.failures.is_empty(), "{:?}", outcome.failures);
    let top = found.first().expect("a signature");
    assert_eq!(
        top.signature,
        "TypeError: Cannot read properties of undefined (reading '<*>')"
    );
    assert!(top.count > 10, "{top:?}");
    assert!(top.first_ms < top.last_ms);
    assert!(
        outcome
            .lines
            .iter()
            .all(|l| l.level.as_deref() == Some("ERROR"))
    );
}

#[tokio::test]
async fn a_group_that_does_not_exist_is_missing_and_no_source_is_unavailable() {
    let backend = incident();
    let groups = vec![GroupTarget {
        function: "gone".into(),
        log_group: "/aws/lambda/gone".into(),
    }];
    let request = SearchRequest {
        groups,
        start_ms: 0,
        end_ms: 1,
        pattern: None,
        max_bytes: 1,
        max_lines: 1,
    };
    let budget = RequestBudget::new(1000.0);
    let missing = search(backend.logs.as_ref(), &budget, &request).await;
    assert_eq!(missing.missing_groups, ["/aws/lambda/gone"]);
    assert!(missing.unavailable().is_none());
    let none = search(&crate::aws::logs::NoLogs, &budget, &request).await;
    assert!(none.unavailable().is_some());
}
