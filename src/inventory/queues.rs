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
    /// One queue could not be described (deleted meanwhile, no permission, still throttled
    /// on the second try); the rest go on.
    QueueFailed { url: String, error: ApiError },
    /// The listing is complete: `listed` URLs were found, `failed` of them not described.
    Finished { listed: usize, failed: usize },
}

/// How many described queues to hold back at most before emitting a batch.
const MAX_BATCH: usize = 200;

/// Lists every queue (all pages) and describes each with at most `concurrency` calls in
/// flight, calling `emit` as results arrive. A describe that fails in a way that may pass
/// (throttled, 5xx, timeout: `ApiError::retryable`) after the SDK's own retries is tried
/// once more at the end of the load, when a burst of throttling has usually passed; only
/// then is it reported as failed. Returns the listing error, if the listing itself failed;
/// per-queue failures are reported through `emit` and do not stop the load.
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
    let first = describe_all(
        urls,
        &directory,
        concurrency,
        &cancel,
        Pass::First,
        &mut emit,
    )
    .await;
    if cancel.is_cancelled() {
        lister.abort();
        return Ok(());
    }
    match lister.await {
        Ok(Ok(())) => {}
        Ok(Err(error)) => return Err(error),
        Err(join_error) => {
            return Err(ApiError::client(
                "ListQueues",
                format!("queue listing stopped: {join_error}"),
            ));
        }
    }
    let again = first.retry_later;
    if !again.is_empty() {
        tracing::info!(
            count = again.len(),
            "describing again the queues whose describe failed with a retryable error"
        );
    }
    let last = describe_all(
        futures::stream::iter(again),
        &directory,
        concurrency,
        &cancel,
        Pass::Last,
        &mut emit,
    )
    .await;
    if cancel.is_cancelled() {
        return Ok(());
    }
    emit(QueueLoadEvent::Finished {
        listed: first.described,
        failed: first.failed + last.failed,
    });
    Ok(())
}

/// Whether a retryable failure may still be tried again later.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Pass {
    First,
    Last,
}

#[derive(Debug, Default)]
struct Tally {
    /// Describes attempted (each URL once).
    described: usize,
    /// Reported through `QueueFailed`.
    failed: usize,
    /// Retryable failures of the first pass, to describe again.
    retry_later: Vec<String>,
}

/// Describes every URL of `urls` with at most `concurrency` calls in flight, emitting
/// batches and failures, until `urls` ends or the load is cancelled.
async fn describe_all(
    urls: impl futures::Stream<Item = String>,
    directory: &Arc<dyn QueueDirectory>,
    concurrency: usize,
    cancel: &CancellationToken,
    pass: Pass,
    emit: &mut (impl FnMut(QueueLoadEvent) + Send),
) -> Tally {
    let described = urls
        .map(|url| {
            let directory = Arc::clone(directory);
            async move {
                let result = directory.describe_queue(&url).await;
                (url, result)
            }
        })
        .buffer_unordered(concurrency.max(1))
        .ready_chunks(MAX_BATCH);
    let mut described = std::pin::pin!(described);
    let mut tally = Tally::default();
    loop {
        let chunk = tokio::select! {
            _ = cancel.cancelled() => break,
            chunk = described.next() => chunk,
        };
        let Some(chunk) = chunk else { break };
        let mut batch = Vec::with_capacity(chunk.len());
        for (url, result) in chunk {
            tally.described += 1;
            match result {
                Ok(queue) => batch.push(queue),
                Err(error) if pass == Pass::First && error.retryable() => {
                    tally.retry_later.push(url);
                }
                Err(error) => {
                    tally.failed += 1;
                    emit(QueueLoadEvent::QueueFailed { url, error });
                }
            }
        }
        if !batch.is_empty() {
            emit(QueueLoadEvent::Batch(batch));
        }
    }
    tally
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
    use std::collections::HashMap;
    use std::sync::Mutex;

    use async_trait::async_trait;

    use super::*;
    use crate::aws::Page;
    use crate::sim::SimFleet;

    /// The simulated fleet, but `fails(url, attempt)` (attempt 1, 2, ...) decides which
    /// describes fail; counts the describe calls per URL.
    struct Scripted {
        fleet: SimFleet,
        fails: fn(&str, usize) -> Option<ApiError>,
        attempts: Mutex<HashMap<String, usize>>,
    }

    impl Scripted {
        fn new(count: usize, fails: fn(&str, usize) -> Option<ApiError>) -> Arc<Scripted> {
            Arc::new(Scripted {
                fleet: SimFleet::with_queue_count(count, 30),
                fails,
                attempts: Mutex::default(),
            })
        }

        fn attempts(&self, url_suffix: &str) -> Vec<usize> {
            let attempts = self.attempts.lock().expect("lock");
            let mut matching: Vec<usize> = attempts
                .iter()
                .filter(|(url, _)| url.ends_with(url_suffix))
                .map(|(_, n)| *n)
                .collect();
            matching.sort_unstable();
            matching
        }
    }

    #[async_trait]
    impl QueueDirectory for Scripted {
        async fn list_queue_urls(
            &self,
            prefix: Option<&str>,
            token: Option<String>,
        ) -> Result<Page<String>, ApiError> {
            self.fleet.list_queue_urls(prefix, token).await
        }

        async fn paginates_queue_listing(&self) -> Result<bool, ApiError> {
            self.fleet.paginates_queue_listing().await
        }

        async fn describe_queue(&self, url: &str) -> Result<Queue, ApiError> {
            let attempt = {
                let mut attempts = self.attempts.lock().expect("lock");
                let n = attempts.entry(url.to_string()).or_default();
                *n += 1;
                *n
            };
            match (self.fails)(url, attempt) {
                Some(error) => Err(error),
                None => self.fleet.describe_queue(url).await,
            }
        }

        async fn list_dead_letter_source_queues(
            &self,
            url: &str,
            token: Option<String>,
        ) -> Result<Page<String>, ApiError> {
            self.fleet.list_dead_letter_source_queues(url, token).await
        }
    }

    async fn load(directory: Arc<Scripted>) -> Vec<QueueLoadEvent> {
        let mut events = Vec::new();
        load_queues(directory, 4, CancellationToken::new(), |e| events.push(e))
            .await
            .expect("load");
        events
    }

    fn described(events: &[QueueLoadEvent]) -> usize {
        events
            .iter()
            .map(|e| match e {
                QueueLoadEvent::Batch(batch) => batch.len(),
                _ => 0,
            })
            .sum()
    }

    fn failed_urls(events: &[QueueLoadEvent]) -> Vec<&str> {
        events
            .iter()
            .filter_map(|e| match e {
                QueueLoadEvent::QueueFailed { url, .. } => Some(url.as_str()),
                _ => None,
            })
            .collect()
    }

    #[tokio::test]
    async fn a_retryable_failure_is_described_again_at_the_end_and_comes_back() {
        let directory = Scripted::new(100, |url, attempt| {
            (url.ends_with('7') && attempt == 1)
                .then(|| ApiError::throttled("GetQueueAttributes", "Rate exceeded"))
        });
        let events = load(Arc::clone(&directory)).await;
        assert_eq!(described(&events), 100);
        assert!(failed_urls(&events).is_empty());
        assert_eq!(directory.attempts("7"), vec![2; 10]);
        assert_eq!(directory.attempts("1"), vec![1; 10]);
        assert_eq!(
            events.last(),
            Some(&QueueLoadEvent::Finished {
                listed: 100,
                failed: 0
            })
        );
    }

    #[tokio::test]
    async fn a_queue_still_failing_on_the_second_try_is_reported_once() {
        let directory = Scripted::new(20, |url, _| {
            url.ends_with("-00003")
                .then(|| ApiError::server("GetQueueAttributes", "").with_status(503))
        });
        let events = load(Arc::clone(&directory)).await;
        assert_eq!(described(&events), 19);
        let failed = failed_urls(&events);
        assert_eq!(failed.len(), 1);
        assert!(failed[0].ends_with("-00003"));
        assert_eq!(directory.attempts("-00003"), vec![2]);
        assert_eq!(
            events.last(),
            Some(&QueueLoadEvent::Finished {
                listed: 20,
                failed: 1
            })
        );
    }

    #[tokio::test]
    async fn a_queue_that_cannot_be_described_does_not_stop_the_rest() {
        // Access denied does not pass by asking again: one describe each, reported at once.
        let directory = Scripted::new(100, |url, _| {
            url.ends_with('0')
                .then(|| ApiError::access_denied("GetQueueAttributes", url.to_string()))
        });
        let events = load(Arc::clone(&directory)).await;
        assert_eq!((described(&events), failed_urls(&events).len()), (90, 10));
        assert_eq!(directory.attempts("0"), vec![1; 10]);
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
