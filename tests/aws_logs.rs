//! `squall logs` and the CloudWatch Logs adapter against LocalStack: log groups and events
//! put by the test (functions cannot run there), read back through FilterLogEvents with
//! the engine's filter patterns.

mod logs_suite;
mod support;

use support::{LAMBDA_ROLE, localstack};

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn localstack_serves_lines_invocations_signatures_and_pages() {
    let seeded = logs_suite::seed(localstack(), LAMBDA_ROLE).await;
    logs_suite::lines_are_read_and_parsed(localstack(), &seeded).await;
    logs_suite::a_message_leads_to_its_invocation(localstack(), &seeded).await;
    logs_suite::errors_make_signatures(localstack(), &seeded).await;
    logs_suite::pages_follow_the_token(localstack(), &seeded, logs_suite::PatternSupport::Ignored)
        .await;
}

/// LocalStack answers StartLiveTail "not implemented": `--follow` and the view poll.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn localstack_follows_by_polling() {
    let seeded = logs_suite::seed(localstack(), LAMBDA_ROLE).await;
    logs_suite::follow::following_falls_back_to_polling(
        localstack(),
        &seeded,
        squall::logs::live::FollowMode::Polling,
    )
    .await;
}
