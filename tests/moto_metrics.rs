//! Metrics against moto's server, which does not speak the current CloudWatch protocol:
//! `squall metrics` says "metrics unavailable" for each resource, still prints the queue's
//! live counts, and exits 4 (incomplete); the rest of squall works on the same endpoint.

mod support;

use serde_json::Value;
use squall::metrics::{Availability, MetricsEngine, Resource, Window};
use support::*;

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn metrics_are_unavailable_and_live_counts_and_everything_else_still_work() {
    let sqs = moto().sqs().await;
    let name = unique_name("mmet");
    let (url, _) = create_queue(&sqs, &name, &[]).await;
    send_messages(&sqs, &url, 3).await;

    // The engine over the SDK backend: unavailable, said in the chart's words.
    let backend = sdk_backend(moto()).await;
    let queue = Resource::Queue(name.clone());
    let mut engine = MetricsEngine::new(Window::H1);
    let report = engine
        .refresh(backend.metrics.as_ref(), std::slice::from_ref(&queue), 0)
        .await;
    assert_eq!(report.errors.len(), 1);
    let availability = engine.availability(&queue);
    assert!(
        matches!(&availability, Availability::Failed(e) if e.is_unavailable()),
        "{availability:?}"
    );
    assert_eq!(
        availability.reason().as_deref(),
        Some("metrics unavailable: GetMetricData not implemented by this endpoint")
    );

    let (code, stdout, stderr) = run_squall_status(moto(), &["metrics", &name, "--json"]).await;
    assert_eq!(code, 4, "stdout:\n{stdout}\nstderr:\n{stderr}");
    assert!(
        stderr.contains("metrics unavailable: GetMetricData not implemented by this endpoint"),
        "{stderr}"
    );
    let value: Value = serde_json::from_str(&stdout).expect("JSON");
    let depth = value["series"]
        .as_array()
        .expect("series")
        .iter()
        .find(|s| s["key"] == "visible")
        .unwrap_or_else(|| panic!("the live depth in {stdout}"));
    assert_eq!(depth["points"][0]["v"], 3.0, "{depth}");
    assert_eq!(depth["points"][0]["live"], true);

    let (code, table, _) = run_squall_status(moto(), &["metrics", &name]).await;
    assert_eq!(code, 4);
    assert!(table.contains(&format!("{name} visible")), "{table}");

    // Everything else on the same endpoint.
    let (stdout, _) = run_squall(moto(), &["ls", "queues", "--json"]).await;
    assert!(stdout.contains(&name), "{stdout}");
}
