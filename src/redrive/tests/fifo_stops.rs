//! A FIFO DLQ with a filter: a message that must stay locks its group (SQS hands out no
//! later message of a group while one is held). The group stops at that message and stays
//! whole, in order; the run ends instead of waiting for the locked messages, and says which
//! groups stopped and that messages stayed behind.

use super::*;

#[tokio::test(start_paused = true)]
async fn a_fifo_group_stops_at_its_first_message_that_must_stay_and_the_run_ends() {
    let backend = world(one_source("pay.fifo", "pay-dlq.fifo"));
    let mut entries = Vec::new();
    for i in 0..24 {
        // Group a: all move. Group b: its first message does not match, the rest do.
        let group = if i < 12 { "a" } else { "b" };
        let body = if i == 12 {
            "hold".to_string()
        } else {
            format!("move-{i}")
        };
        entries.push(OutgoingMessage {
            group_id: Some(group.to_string()),
            deduplication_id: Some(format!("d{i}")),
            ..message(i, &body)
        });
    }
    send(&backend, "pay.fifo", entries).await;
    dead_letter_all(&backend, "pay.fifo").await;
    let request = PlanRequest {
        mode: ModeChoice::Manual,
        filtered: true,
        selective: true,
        ..PlanRequest::default()
    };
    let plan = plan_for(&backend, "pay-dlq.fifo", request).await;
    let opts = options(
        journal_dir("fifo-stop"),
        MoveOptions {
            filter: Some(parse_filter("move")),
            ..moves()
        },
    );
    let summary = tokio::time::timeout(Duration::from_secs(900), run(&backend, &plan, opts))
        .await
        .expect("the run ends, it does not wait for locked groups");
    assert_eq!(summary.moved, 12, "{summary:?}");
    assert_eq!(summary.end, "groups_stopped", "{summary:?}");
    let error = summary.error.clone().unwrap_or_default();
    assert!(error.contains("b"), "names the group: {summary:?}");
    // Group b is whole in the DLQ, in order, its first message first.
    let left: Vec<String> = take_all(&backend, "pay-dlq.fifo")
        .await
        .into_iter()
        .map(|m| m.body)
        .collect();
    let expected: Vec<String> = std::iter::once("hold".to_string())
        .chain((13..24).map(|i| format!("move-{i}")))
        .collect();
    assert_eq!(left, expected);
}
