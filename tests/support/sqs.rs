//! SQS fixtures on any emulator: queues with attributes and redrive policies, and messages.

use std::sync::atomic::{AtomicU64, Ordering};

use aws_sdk_sqs::error::DisplayErrorContext;
use aws_sdk_sqs::types::{QueueAttributeName, SendMessageBatchRequestEntry};

/// Creates a queue (FIFO when `name` ends in `.fifo`) with the given attributes and returns
/// `(queue_url, queue_arn)`.
pub async fn create_queue(
    sqs: &aws_sdk_sqs::Client,
    name: &str,
    attrs: &[(&str, &str)],
) -> (String, String) {
    let mut req = sqs.create_queue().queue_name(name);
    if name.ends_with(".fifo") && !attrs.iter().any(|(k, _)| *k == "FifoQueue") {
        req = req.attributes(QueueAttributeName::FifoQueue, "true");
    }
    for (k, v) in attrs {
        req = req.attributes(QueueAttributeName::from(*k), *v);
    }
    let url = req
        .send()
        .await
        .unwrap_or_else(|e| panic!("CreateQueue {name}: {}", DisplayErrorContext(&e)))
        .queue_url
        .unwrap_or_else(|| panic!("CreateQueue {name}: no QueueUrl"));
    let arn = queue_attribute(sqs, &url, QueueAttributeName::QueueArn)
        .await
        .unwrap_or_else(|| panic!("{url}: no QueueArn"));
    (url, arn)
}

/// Reads one queue attribute (None when the queue does not report it).
pub async fn queue_attribute(
    sqs: &aws_sdk_sqs::Client,
    url: &str,
    name: QueueAttributeName,
) -> Option<String> {
    let out = sqs
        .get_queue_attributes()
        .queue_url(url)
        .attribute_names(name.clone())
        .send()
        .await
        .unwrap_or_else(|e| panic!("GetQueueAttributes {url}: {}", DisplayErrorContext(&e)));
    out.attributes.and_then(|mut a| a.remove(&name))
}

/// Sets the RedrivePolicy of `source_url` to move messages to `dlq_arn` after
/// `max_receive_count` receives.
pub async fn set_redrive(
    sqs: &aws_sdk_sqs::Client,
    source_url: &str,
    dlq_arn: &str,
    max_receive_count: u32,
) {
    let policy = serde_json::json!({
        "deadLetterTargetArn": dlq_arn,
        "maxReceiveCount": max_receive_count,
    })
    .to_string();
    sqs.set_queue_attributes()
        .queue_url(source_url)
        .attributes(QueueAttributeName::RedrivePolicy, policy)
        .send()
        .await
        .unwrap_or_else(|e| {
            panic!(
                "SetQueueAttributes {source_url}: {}",
                DisplayErrorContext(&e)
            )
        });
}

/// Sends `n` messages with bodies `message-0` … `message-{n-1}`, in batches of 10, and returns
/// their message ids in order. For FIFO queues (URL ends in `.fifo`) all messages go to message
/// group `group-0` with unique deduplication ids.
pub async fn send_messages(sqs: &aws_sdk_sqs::Client, url: &str, n: usize) -> Vec<String> {
    static DEDUP: AtomicU64 = AtomicU64::new(0);
    let fifo = url.ends_with(".fifo");
    let mut ids = Vec::with_capacity(n);
    for start in (0..n).step_by(10) {
        let end = (start + 10).min(n);
        let mut req = sqs.send_message_batch().queue_url(url);
        for i in start..end {
            let mut entry = SendMessageBatchRequestEntry::builder()
                .id(format!("m{i}"))
                .message_body(format!("message-{i}"));
            if fifo {
                let dedup = DEDUP.fetch_add(1, Ordering::Relaxed);
                entry = entry
                    .message_group_id("group-0")
                    .message_deduplication_id(format!("{}-{dedup}", std::process::id()));
            }
            req = req.entries(entry.build().expect("batch entry"));
        }
        let out = req
            .send()
            .await
            .unwrap_or_else(|e| panic!("SendMessageBatch {url}: {}", DisplayErrorContext(&e)));
        assert!(
            out.failed.is_empty(),
            "SendMessageBatch {url}: failures {:?}",
            out.failed
        );
        let mut ok = out.successful;
        // Entries may come back in any order; ids are `m{i}`.
        ok.sort_by_key(|e| e.id[1..].parse::<usize>().unwrap_or(usize::MAX));
        ids.extend(ok.into_iter().map(|e| e.message_id));
    }
    ids
}
