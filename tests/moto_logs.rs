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
