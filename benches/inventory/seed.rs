//! Seeding LocalStack with the benchmark's queues: some FIFO, some with a redrive policy,
//! some holding messages, so that describing them is not the trivial case.

use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::Instant;

use aws_sdk_sqs::error::DisplayErrorContext;
use aws_sdk_sqs::types::QueueAttributeName;
use futures::StreamExt;

use super::support::{self, ACCOUNT_ID, REGION};

/// Every 10th queue (i % 10 == 3) gets a RedrivePolicy to queue i - 3 (i % 10 == 0).
const REDRIVE_EVERY: usize = 10;
const REDRIVE_SOURCE: usize = 3;
/// Every 20th queue (i % 20 == 7) is FIFO (never a redrive source or target).
const FIFO_EVERY: usize = 20;
const FIFO_AT: usize = 7;
/// Every 7th queue gets a few messages.
const MESSAGES_EVERY: usize = 7;
const MESSAGES_PER_QUEUE: usize = 3;

fn queue_name(i: usize) -> String {
    if i % FIFO_EVERY == FIFO_AT {
        format!("inv-{i:05}.fifo")
    } else {
        format!("inv-{i:05}")
    }
}

fn queue_arn(name: &str) -> String {
    format!("arn:aws:sqs:{REGION}:{ACCOUNT_ID}:{name}")
}

/// Creates queues `from..to`, then sets the redrive policies and sends the messages of the new
/// ones, each step with at most `concurrency` calls in flight.
pub async fn seed(sqs: &aws_sdk_sqs::Client, from: usize, to: usize, concurrency: usize) {
    let created = AtomicUsize::new(0);
    let total = to - from;
    let started = Instant::now();
    let mut urls: Vec<(usize, String)> = futures::stream::iter(from..to)
        .map(|i| {
            let created = &created;
            async move {
                let name = queue_name(i);
                let mut req = sqs.create_queue().queue_name(&name);
                if name.ends_with(".fifo") {
                    req = req.attributes(QueueAttributeName::FifoQueue, "true");
                }
                let url = req
                    .send()
                    .await
                    .unwrap_or_else(|e| panic!("CreateQueue {name}: {}", DisplayErrorContext(&e)))
                    .queue_url
                    .unwrap_or_else(|| panic!("CreateQueue {name}: no QueueUrl"));
                let done = created.fetch_add(1, Ordering::Relaxed) + 1;
                if done.is_multiple_of(1000) || done == total {
                    eprintln!(
                        "  created {done}/{total} queues ({:.1} s)",
                        started.elapsed().as_secs_f64()
                    );
                }
                (i, url)
            }
        })
        .buffer_unordered(concurrency)
        .collect()
        .await;
    urls.sort_unstable();

    futures::stream::iter(
        urls.iter()
            .filter(|(i, _)| i % REDRIVE_EVERY == REDRIVE_SOURCE),
    )
    .for_each_concurrent(concurrency, |(i, url)| async move {
        let dlq_arn = queue_arn(&queue_name(i - REDRIVE_SOURCE));
        support::set_redrive(sqs, url, &dlq_arn, 5).await;
    })
    .await;

    futures::stream::iter(
        urls.iter()
            .filter(|(i, _)| i.is_multiple_of(MESSAGES_EVERY)),
    )
    .for_each_concurrent(concurrency, |(_, url)| async move {
        support::send_messages(sqs, url, MESSAGES_PER_QUEUE).await;
    })
    .await;
}
