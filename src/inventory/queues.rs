//! Paginated discovery. Rows are emitted as soon as they are described, so the first
//! queues show while the listing of thousands is still running.

use std::collections::HashSet;
use std::sync::Arc;

use futures::StreamExt;
use tokio::sync::mpsc;
use tokio_util::sync::CancellationToken;

use crate::aws::sqs::LIST_QUEUES_PAGE_SIZE;
use crate::aws::{ApiError, QueueDirectory};
use crate::domain::Queue;

/// Progress of one queue load, in the order it happens.
#[derive(Debug, Clone, PartialEq)]
pub enum QueueLoadEvent {
    /// Queues described since the last batch.
    Batch(Vec<Queue>),
    /// One queue could not be described (deleted meanwhile, no permission); the rest go on.
    QueueFailed { url: String, error: ApiError },
    /// The listing is complete: `listed` URLs were found, `failed` of them not described.
    Finished { listed: usize, failed: usize },
}

/// How many described queues to hold back at most before emitting a batch.
const MAX_BATCH: usize = 200;

/// Lists every queue (all pages) and describes each with at most `concurrency` calls in
/// flight, calling `emit` as results arrive. Returns the listing error, if the listing
/// itself failed; per-queue failures are reported through `emit` and do not stop the load.
pub async fn load_queues(
    directory: Arc<dyn QueueDirectory>,
    concurrency: usize,
    cancel: CancellationToken,
    mut emit: impl FnMut(QueueLoadEvent) + Send,
) -> Result<(), ApiError> {
    let (url_tx, mut url_rx) = mpsc::channel::<String>(2 * LIST_QUEUES_PAGE_SIZE as usize);
    let lister = {
        let directory = Arc::clone(&directory);
        let cancel = cancel.clone();
        tokio::spawn(async move { list_all_urls(directory.as_ref(), url_tx, cancel).await })
    };

    let urls = futures::stream::poll_fn(move |cx| url_rx.poll_recv(cx));
    let mut described = urls
        .map(|url| {
            let directory = Arc::clone(&directory);
            async move {
                let result = directory.describe_queue(&url).await;
                (url, result)
            }
        })
        .buffer_unordered(concurrency.max(1))
        .ready_chunks(MAX_BATCH);

    let mut listed = 0usize;
    let mut failed = 0usize;
    loop {
        let chunk = tokio::select! {
            _ = cancel.cancelled() => break,
            chunk = described.next() => chunk,
        };
        let Some(chunk) = chunk else { break };
        let mut batch = Vec::with_capacity(chunk.len());
        for (url, result) in chunk {
            listed += 1;
            match result {
                Ok(queue) => batch.push(queue),
                Err(error) => {
                    failed += 1;
                    emit(QueueLoadEvent::QueueFailed { url, error });
                }
            }
        }
        if !batch.is_empty() {
            emit(QueueLoadEvent::Batch(batch));
        }
    }
    if cancel.is_cancelled() {
        lister.abort();
        return Ok(());
    }
    match lister.await {
        Ok(Ok(())) => {
            emit(QueueLoadEvent::Finished { listed, failed });
            Ok(())
        }
        Ok(Err(error)) => Err(error),
        Err(join_error) => Err(ApiError::client(
            "ListQueues",
            format!("queue listing stopped: {join_error}"),
        )),
    }
}

/// Characters a queue name may start with, for listing by prefix.
const NAME_CHARS: &str = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz-_";
/// Longest queue name SQS allows; a prefix this long cannot be split further.
const MAX_NAME_LEN: usize = 80;

async fn list_all_urls(
    directory: &dyn QueueDirectory,
    urls: mpsc::Sender<String>,
    cancel: CancellationToken,
) -> Result<(), ApiError> {
    let mut sent = HashSet::new();
    let truncated = list_prefix(directory, None, &urls, &mut sent, &cancel).await?;
    // A full last page without NextToken is either exactly a multiple of 1,000 queues, or
    // an endpoint that does not paginate (older moto). One cheap probe tells which.
    if !truncated || directory.paginates_queue_listing().await? {
        return Ok(());
    }
    // The endpoint does not paginate: list by name prefix instead, splitting any prefix
    // that still fills a page, so nothing is missed.
    tracing::info!("ListQueues returned a full page without NextToken; listing by name prefix");
    let mut prefixes: Vec<String> = NAME_CHARS.chars().rev().map(String::from).collect();
    while let Some(prefix) = prefixes.pop() {
        let truncated = list_prefix(directory, Some(&prefix), &urls, &mut sent, &cancel).await?;
        if truncated && prefix.len() < MAX_NAME_LEN {
            prefixes.extend(NAME_CHARS.chars().rev().map(|c| format!("{prefix}{c}")));
        }
    }
    Ok(())
}

/// Lists every page under `prefix`, sending URLs not sent before. Returns whether the
/// listing looked truncated: a last page that was full yet came without a NextToken.
async fn list_prefix(
    directory: &dyn QueueDirectory,
    prefix: Option<&str>,
    urls: &mpsc::Sender<String>,
    sent: &mut HashSet<String>,
    cancel: &CancellationToken,
) -> Result<bool, ApiError> {
    let mut token = None;
    loop {
        if cancel.is_cancelled() {
            return Ok(false);
        }
        let page = directory.list_queue_urls(prefix, token).await?;
        let full = page.items.len() >= LIST_QUEUES_PAGE_SIZE as usize;
        for url in page.items {
            if sent.insert(url.clone()) && urls.send(url).await.is_err() {
                return Ok(false);
            }
        }
        match page.next_token {
            Some(next) => token = Some(next),
            None => return Ok(full),
        }
    }
}

/// Loads every queue and returns them sorted by name: the non-interactive path.
pub async fn collect_queues(
    directory: Arc<dyn QueueDirectory>,
    concurrency: usize,
) -> Result<(Vec<Queue>, Vec<(String, ApiError)>), ApiError> {
    let mut queues = Vec::new();
    let mut failures = Vec::new();
    load_queues(
        directory,
        concurrency,
        CancellationToken::new(),
        |event| match event {
            QueueLoadEvent::Batch(batch) => queues.extend(batch),
            QueueLoadEvent::QueueFailed { url, error } => failures.push((url, error)),
            QueueLoadEvent::Finished { .. } => {}
        },
    )
    .await?;
    queues.sort_by(|a, b| a.name.cmp(&b.name));
    Ok((queues, failures))
}

#[cfg(test)]
mod tests {
    use async_trait::async_trait;

    use super::*;
    use crate::aws::Page;
    use crate::sim::SimFleet;

    /// The simulated fleet, but every 10th queue refuses to be described.
    struct Flaky(SimFleet);

    #[async_trait]
    impl QueueDirectory for Flaky {
        async fn list_queue_urls(
            &self,
            prefix: Option<&str>,
            token: Option<String>,
        ) -> Result<Page<String>, ApiError> {
            self.0.list_queue_urls(prefix, token).await
        }

        async fn paginates_queue_listing(&self) -> Result<bool, ApiError> {
            self.0.paginates_queue_listing().await
        }

        async fn describe_queue(&self, url: &str) -> Result<Queue, ApiError> {
            if url.ends_with('0') {
                return Err(ApiError::access_denied(
                    "GetQueueAttributes",
                    url.to_string(),
                ));
            }
            self.0.describe_queue(url).await
        }

        async fn list_dead_letter_source_queues(
            &self,
            url: &str,
            token: Option<String>,
        ) -> Result<Page<String>, ApiError> {
            self.0.list_dead_letter_source_queues(url, token).await
        }
    }

    #[tokio::test]
    async fn a_queue_that_cannot_be_described_does_not_stop_the_rest() {
        let mut events = Vec::new();
        let directory = Arc::new(Flaky(SimFleet::with_queue_count(100, 30)));
        load_queues(directory, 4, CancellationToken::new(), |e| events.push(e))
            .await
            .expect("load");
        let described: usize = events
            .iter()
            .map(|e| match e {
                QueueLoadEvent::Batch(batch) => batch.len(),
                _ => 0,
            })
            .sum();
        let failed = events
            .iter()
            .filter(|e| matches!(e, QueueLoadEvent::QueueFailed { .. }))
            .count();
        assert_eq!((described, failed), (90, 10));
        assert_eq!(
            events.last(),
            Some(&QueueLoadEvent::Finished {
                listed: 100,
                failed: 10
            })
        );
    }

    #[tokio::test]
    async fn a_cancelled_load_stops_without_finishing() {
        let cancel = CancellationToken::new();
        cancel.cancel();
        let mut events = Vec::new();
        let directory = Arc::new(SimFleet::with_queue_count(50, 10));
        load_queues(directory, 4, cancel, |e| events.push(e))
            .await
            .expect("load");
        assert!(
            !events
                .iter()
                .any(|e| matches!(e, QueueLoadEvent::Finished { .. }))
        );
    }
}
