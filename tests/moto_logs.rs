//! `squall logs` and the CloudWatch Logs adapter against moto: log groups and events put by
//! the test, read back through FilterLogEvents with the engine's filter patterns.

mod logs_suite;
mod support;

use support::{moto, unique_name};

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn moto_serves_lines_invocations_signatures_and_pages() {
    let role = moto().create_role(&unique_name("logs-role"));
    let seeded = logs_suite::seed(moto(), &role).await;
    logs_suite::lines_are_read_and_parsed(moto(), &seeded).await;
    logs_suite::a_message_leads_to_its_invocation(moto(), &seeded).await;
    logs_suite::errors_make_signatures(moto(), &seeded).await;
    logs_suite::pages_follow_the_token(moto(), &seeded, logs_suite::PatternSupport::TermsOnly)
        .await;
}

/// moto opens a Live Tail session, answers the events it holds and closes it at once: the
/// line put before the session comes by Live Tail, the next by polling.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn moto_follows_by_live_tail_then_polling() {
    let role = moto().create_role(&unique_name("logs-follow-role"));
    let seeded = logs_suite::seed(moto(), &role).await;
    logs_suite::follow::following_falls_back_to_polling(
        moto(),
        &seeded,
        squall::logs::live::FollowMode::LiveTail,
    )
    .await;
}

/// The console's logs jobs (what `:logs` and `L` run) on moto: a view's search, its size
/// asked first (DescribeLogGroups), the join of a message to its invocation, a board
/// signature; a group that does not exist is said missing, not an error.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn moto_serves_the_consoles_logs_jobs() {
    use squall::app::logs::{Destination, LogsAnswer, LogsBudget, LogsJob, LogsQuery};
    use squall::logs::{GroupTarget, MessageRef, SearchRequest};

    let role = moto().create_role(&unique_name("logs-view-role"));
    let seeded = logs_suite::seed(moto(), &role).await;
    let backend = support::sdk_backend(moto()).await;
    let now_ms = seeded.start_ms + 600_000;
    let group = GroupTarget {
        function: seeded.function.clone(),
        log_group: seeded.log_group.clone(),
    };
    let request = SearchRequest {
        groups: vec![
            group.clone(),
            GroupTarget {
                function: "nothing".into(),
                log_group: unique_name("/aws/lambda/none"),
            },
        ],
        start_ms: seeded.start_ms - 60_000,
        end_ms: now_ms,
        pattern: None,
        max_bytes: 100_000_000,
        max_lines: 5_000,
    };
    let job = |query| LogsJob {
        to: Destination::Feed(1),
        generation: 1,
        query,
        budget: LogsBudget::default(),
        now_ms,
        label: "logs".into(),
    };
    let lines = squall::runtime::logs::answer(
        &job(LogsQuery::Lines {
            request: request.clone(),
            estimate_first: true,
        }),
        &backend,
    )
    .await;
    let LogsAnswer::Lines { lines, scanned } = lines else {
        panic!("{lines:?}");
    };
    assert_eq!(lines.len(), 14, "{lines:?}");
    assert_eq!(scanned.missing.len(), 1, "{scanned:?}");
    assert!(scanned.unavailable.is_none() && scanned.failures.is_empty());
    let joined = squall::runtime::logs::answer(
        &job(LogsQuery::Message {
            groups: vec![group],
            message: MessageRef {
                ids: vec![seeded.failed_message.clone()],
                start_ms: seeded.start_ms,
                end_ms: now_ms,
            },
            max_bytes: 100_000_000,
        }),
        &backend,
    )
    .await;
    let LogsAnswer::Invocations { invocations, .. } = joined else {
        panic!("{joined:?}");
    };
    assert_eq!(invocations.len(), 1);
    assert_eq!(invocations[0].request_id, seeded.failed_request);
    assert!(invocations[0].failed());
    let board =
        squall::runtime::logs::answer(&job(LogsQuery::Signatures { request }), &backend).await;
    let LogsAnswer::Signatures { top: Some(top), .. } = board else {
        panic!("{board:?}");
    };
    assert_eq!(
        top.signature,
        "TypeError: Cannot read properties of undefined (reading '<*>')"
    );
}
