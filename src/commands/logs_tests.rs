//! `squall logs` on the simulated world: what a target resolves to, the demo's consumers'
//! lines, and an endpoint without CloudWatch Logs.

use super::*;

fn args(target: &str) -> LogsArgs {
    LogsArgs {
        target: target.to_string(),
        since: "1h".to_string(),
        grep: None,
        message_id: None,
        errors: false,
        follow: false,
        json: false,
        yes: false,
    }
}

/// The demo `skip_s` into its story (shipping-notifier fails its first ten minutes).
fn demo_after(skip_s: u64) -> Backend {
    let options = crate::sim::DemoOptions {
        skip_s,
        ..crate::sim::DemoOptions::default()
    };
    let clock = std::sync::Arc::new(crate::sim::ManualClock::default());
    crate::sim::backend(crate::sim::SimFleet::demo_with_options(7, clock, options).frozen())
}

#[tokio::test]
async fn a_lambda_side_dlq_and_destination_lead_to_the_function_that_feeds_them() {
    let backend = demo_after(0);
    for dlq in ["shipping-notifier-dlq", "shipping-notifier-failures"] {
        let groups = groups_of(&backend, dlq).await.expect("groups");
        let names: Vec<&str> = groups.iter().map(|g| g.function.as_str()).collect();
        assert_eq!(names, ["shipping-notifier"], "{dlq}");
        assert_eq!(groups[0].log_group, "/aws/lambda/shipping-notifier");
    }
    let plain = groups_of(&backend, "audit-log-dlq").await.expect("groups");
    assert!(plain.iter().all(|g| g.function != "shipping-notifier"));
}

#[tokio::test]
async fn the_demo_notifier_logs_its_failing_async_invokes() {
    let backend = demo_after(300);
    let groups = groups_of(&backend, "shipping-notifier-dlq")
        .await
        .expect("groups");
    let request = SearchRequest {
        groups,
        start_ms: 0,
        end_ms: i64::MAX / 2,
        pattern: None,
        max_bytes: 50_000_000,
        max_lines: MAX_LINES,
    };
    let budget = RequestBudget::new(1000.0);
    let outcome = search(backend.logs.as_ref(), &budget, &request).await;
    assert!(outcome.missing_groups.is_empty(), "{outcome:?}");
    let texts: Vec<&str> = outcome.lines.iter().map(|l| l.message.as_str()).collect();
    for start in ["START RequestId", "END RequestId", "REPORT RequestId"] {
        assert!(texts.iter().any(|t| t.starts_with(start)), "{start}");
    }
    let (found, _) = error_signatures_of(backend.logs.as_ref(), &budget, request).await;
    let top = found.first().expect("an error signature");
    assert!(
        top.signature.contains("connect ETIMEDOUT"),
        "the DLQ's ErrorMessage: {top:?}"
    );
}

#[tokio::test]
async fn at_the_demo_start_the_consumers_have_logged_already() {
    let backend = demo_after(0);
    for function in ["shipping-dispatcher", "shipping-notifier", "orders-worker"] {
        let groups = groups_of(&backend, function).await.expect("groups");
        let request = SearchRequest {
            groups,
            start_ms: 0,
            end_ms: i64::MAX / 2,
            pattern: None,
            max_bytes: 50_000_000,
            max_lines: MAX_LINES,
        };
        let budget = RequestBudget::new(1000.0);
        let outcome = search(backend.logs.as_ref(), &budget, &request).await;
        assert!(outcome.missing_groups.is_empty(), "{function}: {outcome:?}");
        assert!(
            outcome.lines.len() > 20,
            "{function}: {}",
            outcome.lines.len()
        );
    }
}

#[tokio::test]
async fn an_endpoint_without_cloudwatch_logs_is_said_so() {
    let backend = crate::sim::backend(crate::sim::SimFleet::demo().frozen())
        .with_logs(std::sync::Arc::new(crate::aws::logs::NoLogs));
    let config = Config::defaults().expect("config");
    let error = run(&backend, &config, args("orders-worker"))
        .await
        .expect_err("no logs");
    assert!(
        error
            .to_string()
            .contains("CloudWatch Logs is unavailable on this endpoint"),
        "{error}"
    );
    let error = run(&backend, &config, args("orders"))
        .await
        .expect_err("no logs");
    assert!(error.to_string().contains("unavailable"), "{error}");
}
