//! A cancel during a rate-limited manual run: every worker waiting for the rate stops at
//! once, so the run ends well inside the job's grace, and nothing is left hidden or lost.

use super::*;

#[tokio::test(start_paused = true)]
async fn a_cancel_with_a_rate_ends_the_run_at_once_and_loses_nothing() {
    let backend = world(one_source("orders", "orders-dlq"));
    send(
        &backend,
        "orders",
        (0..200)
            .map(|i| message(i, &format!("order-{i}")))
            .collect(),
    )
    .await;
    dead_letter_all(&backend, "orders").await;
    let plan = plan_for(&backend, "orders-dlq", manual()).await;
    let opts = options(
        journal_dir("cancel-rate"),
        MoveOptions {
            rate: Some(1),
            ..moves()
        },
    );
    let cancel = CancellationToken::new();
    let stopper = cancel.clone();
    tokio::spawn(async move {
        tokio::time::sleep(Duration::from_secs(3)).await;
        stopper.cancel();
    });
    let start = tokio::time::Instant::now();
    let summary = execute(&backend, &plan, &opts, &RunProgress::default(), &cancel)
        .await
        .expect("run");
    let took = start.elapsed();
    assert_eq!(summary.end, "cancelled", "{summary:?}");
    // 16 workers each waiting for 10 messages at 1 a second would take 160 s.
    assert!(took < Duration::from_secs(6), "took {took:?}: {summary:?}");
    let dlq = queue(&backend, "orders-dlq").await.counts;
    assert_eq!(dlq.in_flight, 0, "nothing left hidden: {summary:?}");
    assert_eq!(
        dlq.visible + summary.moved,
        200,
        "nothing lost: {summary:?}"
    );
}
