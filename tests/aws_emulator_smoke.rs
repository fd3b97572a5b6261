//! Proves the emulator harness in `tests/support` works end to end, for each emulator: it
//! starts, serves the SDK, and is gone once stopped.

mod support;

use std::time::Duration;

use aws_sdk_sqs::types::QueueAttributeName;
use support::process::http_request;
use support::{ACCOUNT_ID, MOTO_ACCOUNT_ID, Moto, REGION, create_queue, localstack, moto};
use support::{queue_attribute, send_messages, unique_name, wait_until};

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

#[tokio::test]
async fn moto_queue_counts_sent_messages() {
    let moto = moto();
    let sqs = moto.sqs().await;
    let name = unique_name("smoke");

    let (url, arn) = create_queue(&sqs, &name, &[]).await;
    assert_eq!(url, format!("{}/{MOTO_ACCOUNT_ID}/{name}", moto.endpoint()));
    assert_eq!(
        arn,
        format!("arn:aws:sqs:{REGION}:{MOTO_ACCOUNT_ID}:{name}")
    );

    assert_eq!(send_messages(&sqs, &url, 3).await.len(), 3);
    // moto counts at once.
    assert_eq!(
        queue_attribute(&sqs, &url, QueueAttributeName::ApproximateNumberOfMessages)
            .await
            .as_deref(),
        Some("3")
    );
}

/// A private emulator answers until stopped, and nothing answers on its port afterwards; a
/// second stop (and the drop) is harmless.
#[test]
fn a_stopped_emulator_no_longer_answers() {
    let private = Moto::start();
    let port = private.port();
    assert_ne!(port, moto().port(), "a private server has its own port");
    http_request(port, "GET", "/", &[], b"").expect("a running moto answers");

    private.stop();
    let after = http_request(port, "GET", "/", &[], b"");
    assert!(after.is_err(), "port {port} still answers: {after:?}");
    private.stop();
    let log = std::fs::read_to_string(private.log_path()).expect("the log is kept");
    assert!(!log.is_empty(), "moto's log is empty");
}
