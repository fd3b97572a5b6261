//! Proves the LocalStack harness in `tests/support` works end to end.

mod support;

use std::time::Duration;

use aws_sdk_sqs::types::QueueAttributeName;
use support::{ACCOUNT_ID, REGION, create_queue, localstack, queue_attribute, send_messages};
use support::{unique_name, wait_until};

#[tokio::test]
async fn localstack_queue_counts_sent_messages() {
    let ls = localstack();
    let sqs = ls.sqs().await;
    let name = unique_name("smoke");

    let (url, arn) = create_queue(&sqs, &name, &[]).await;
    assert_eq!(
        url,
        format!("{}/queue/{REGION}/{ACCOUNT_ID}/{name}", ls.endpoint())
    );
    assert_eq!(arn, format!("arn:aws:sqs:{REGION}:{ACCOUNT_ID}:{name}"));

    let ids = send_messages(&sqs, &url, 3).await;
    assert_eq!(ids.len(), 3);

    let (sqs, url) = (&sqs, url.as_str());
    let counted = wait_until(Duration::from_secs(10), || async move {
        queue_attribute(sqs, url, QueueAttributeName::ApproximateNumberOfMessages)
            .await
            .as_deref()
            == Some("3")
    })
    .await;
    assert!(
        counted,
        "ApproximateNumberOfMessages never reached 3 (last: {:?})",
        queue_attribute(sqs, url, QueueAttributeName::ApproximateNumberOfMessages).await
    );
}
