//! Queue discovery against LocalStack: pagination past 1,000, DLQ links, FIFO, counts,
//! per-queue failures, and `squall ls queues --json` end to end.

mod support;

use std::sync::Arc;
use std::time::Duration;

use futures::StreamExt;
use squall::aws::sqs::SdkQueues;
use squall::aws::{ErrorKind, QueueDirectory};
use squall::inventory::Inventory;
use squall::inventory::collect_queues;
use support::{
    REGION, create_queue, localstack, run_squall, send_messages, set_redrive, unique_name,
    unreachable_sdk_config, wait_until,
};

async fn directory() -> Arc<dyn QueueDirectory> {
    let sqs = localstack().sqs().await;
    Arc::new(SdkQueues::new(sqs, REGION.to_string()))
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn listing_crosses_the_1000_queue_page_boundary() {
    let sqs = localstack().sqs().await;
    let prefix = unique_name("page");
    let names: Vec<String> = (0..1_100).map(|i| format!("{prefix}-{i:04}")).collect();
    futures::stream::iter(names.iter())
        .for_each_concurrent(32, |name| {
            let sqs = sqs.clone();
            async move {
                create_queue(&sqs, name, &[]).await;
            }
        })
        .await;

    let directory = directory().await;
    let first_page = directory
        .list_queue_urls(None, None)
        .await
        .expect("ListQueues");
    assert_eq!(first_page.items.len(), 1000, "a full first page");
    assert!(
        directory.paginates_queue_listing().await.expect("probe"),
        "LocalStack honours MaxResults"
    );
    assert!(
        first_page.next_token.is_some(),
        "MaxResults must make SQS return a NextToken"
    );

    let (queues, failures) = collect_queues(directory, 16).await.expect("load");
    assert!(failures.is_empty(), "{failures:?}");
    let found = queues
        .iter()
        .filter(|q| q.name.starts_with(&prefix))
        .count();
    assert_eq!(found, 1_100, "every queue past the first page is listed");
    let mut urls: Vec<&str> = queues.iter().map(|q| q.url.as_str()).collect();
    urls.sort_unstable();
    urls.dedup();
    assert_eq!(urls.len(), queues.len(), "no queue is listed twice");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn dlq_links_fifo_and_counts_are_read() {
    let sqs = localstack().sqs().await;
    let base = unique_name("links");
    let (dlq_url, dlq_arn) = create_queue(&sqs, &format!("{base}-dlq"), &[]).await;
    let (source_url, source_arn) = create_queue(&sqs, &base, &[]).await;
    set_redrive(&sqs, &source_url, &dlq_arn, 3).await;
    let (_fifo_dlq_url, fifo_dlq_arn) = create_queue(&sqs, &format!("{base}-dlq.fifo"), &[]).await;
    let (fifo_url, _) = create_queue(
        &sqs,
        &format!("{base}.fifo"),
        &[("ContentBasedDeduplication", "false")],
    )
    .await;
    set_redrive(&sqs, &fifo_url, &fifo_dlq_arn, 2).await;
    send_messages(&sqs, &source_url, 5).await;
    send_messages(&sqs, &dlq_url, 2).await;
    send_messages(&sqs, &fifo_url, 3).await;

    let directory = directory().await;
    let counts_settled = wait_until(Duration::from_secs(20), || {
        let directory = directory.clone();
        let source_url = source_url.clone();
        async move {
            directory
                .describe_queue(&source_url)
                .await
                .is_ok_and(|q| q.counts.visible == 5)
        }
    })
    .await;
    assert!(counts_settled, "ApproximateNumberOfMessages reaches 5");

    let (queues, _) = collect_queues(directory, 8).await.expect("load");
    let by_name = |name: &str| {
        queues
            .iter()
            .find(|q| q.name == name)
            .unwrap_or_else(|| panic!("{name} not listed"))
            .clone()
    };
    let source = by_name(&base);
    assert_eq!(source.arn, source_arn);
    assert!(!source.fifo);
    assert_eq!(source.counts.visible, 5);
    assert_eq!(source.counts.in_flight, 0);
    assert_eq!(source.dlq_arn(), Some(dlq_arn.as_str()));
    assert_eq!(source.max_receive_count(), Some(3));

    let dlq = by_name(&format!("{base}-dlq"));
    assert_eq!(dlq.counts.visible, 2);
    assert_eq!(dlq.dlq_arn(), None);

    let fifo = by_name(&format!("{base}.fifo"));
    assert!(fifo.fifo);
    assert_eq!(fifo.counts.visible, 3);
    assert_eq!(fifo.dlq_arn(), Some(fifo_dlq_arn.as_str()));
    assert_eq!(fifo.max_receive_count(), Some(2));
    assert!(by_name(&format!("{base}-dlq.fifo")).fifo);

    // The inventory marks the targets of redrive policies as DLQs, and only those.
    let mut inventory = Inventory::default();
    inventory.upsert_queues(queues.clone(), 1);
    assert!(inventory.is_dlq(&dlq.arn));
    assert!(inventory.is_dlq(&by_name(&format!("{base}-dlq.fifo")).arn));
    assert!(!inventory.is_dlq(&source.arn));
    assert!(!inventory.is_dlq(&fifo.arn));
    assert_eq!(
        inventory.dlq_sources(&dlq_arn),
        std::slice::from_ref(&source_arn)
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn in_flight_messages_are_counted() {
    let sqs = localstack().sqs().await;
    let (url, _) = create_queue(
        &sqs,
        &unique_name("inflight"),
        &[("VisibilityTimeout", "300")],
    )
    .await;
    send_messages(&sqs, &url, 4).await;
    let received = sqs
        .receive_message()
        .queue_url(&url)
        .max_number_of_messages(2)
        .send()
        .await
        .expect("receive");
    let taken = received.messages.unwrap_or_default().len() as u64;
    assert!(taken > 0);
    let queue = directory()
        .await
        .describe_queue(&url)
        .await
        .expect("describe");
    assert_eq!(queue.counts.in_flight, taken);
    assert_eq!(queue.counts.visible, 4 - taken);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_deleted_queue_is_reported_as_not_found() {
    let sqs = localstack().sqs().await;
    let (url, _) = create_queue(&sqs, &unique_name("gone"), &[]).await;
    sqs.delete_queue()
        .queue_url(&url)
        .send()
        .await
        .expect("delete");
    let error = directory()
        .await
        .describe_queue(&url)
        .await
        .expect_err("deleted");
    assert!(error.kind == ErrorKind::NotFound, "{error:?}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_unreachable_endpoint_is_a_connection_error() {
    let config = unreachable_sdk_config().await;
    let directory = SdkQueues::new(aws_sdk_sqs::Client::new(&config), REGION.to_string());
    let error = directory
        .list_queue_urls(None, None)
        .await
        .expect_err("nothing listens");
    assert!(error.kind == ErrorKind::Connection, "{error:?}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn ls_queues_json_against_localstack() {
    let ls = localstack();
    let sqs = ls.sqs().await;
    let base = unique_name("lsjson");
    let (_, dlq_arn) = create_queue(&sqs, &format!("{base}-dlq"), &[]).await;
    let (url, _) = create_queue(&sqs, &base, &[]).await;
    set_redrive(&sqs, &url, &dlq_arn, 7).await;

    let (stdout, _) = run_squall(ls, &["ls", "queues", "--json"]).await;
    let queues: serde_json::Value = serde_json::from_str(&stdout).expect("json");
    let queue = queues
        .as_array()
        .expect("array")
        .iter()
        .find(|q| q["name"] == base.as_str())
        .expect("our queue");
    assert_eq!(queue["url"], url.as_str());
    assert_eq!(queue["dlq_arn"], dlq_arn.as_str());
    assert_eq!(queue["max_receive_count"], 7);
    assert_eq!(queue["fifo"], false);
}
