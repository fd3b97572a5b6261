//! What each kind of job does, against the backend; results go back as Actions.

use std::future::Future;
use std::pin::Pin;

use futures::StreamExt;
use tokio::sync::mpsc;
use tokio_util::sync::CancellationToken;

use crate::app::Action;
use crate::app::effect::Work;
use crate::app::jobs::{JobEnd, JobId, Progress};
use crate::aws::{ApiError, Backend};
use crate::inventory::{QueueLoadEvent, Source, lambdas, load_queues, topics};

pub type JobFuture = Pin<Box<dyn Future<Output = JobEnd> + Send>>;

/// The way back to the app for one job. In a fleet its answers are wrapped in
/// `Action::InContext`, so the app applies them to the context whose backend read them.
#[derive(Debug, Clone)]
pub struct ActionSender {
    tx: mpsc::UnboundedSender<Action>,
    context: Option<usize>,
}

impl ActionSender {
    pub fn new(tx: mpsc::UnboundedSender<Action>, context: Option<usize>) -> ActionSender {
        ActionSender { tx, context }
    }

    pub fn send(&self, action: Action) -> Result<(), mpsc::error::SendError<Action>> {
        let action = match self.context {
            Some(context) => Action::InContext {
                context,
                action: Box::new(action),
            },
            None => action,
        };
        self.tx.send(action)
    }
}

impl From<mpsc::UnboundedSender<Action>> for ActionSender {
    fn from(tx: mpsc::UnboundedSender<Action>) -> ActionSender {
        ActionSender::new(tx, None)
    }
}

/// What every job gets: its id, the backend, the way back to the app, its own
/// cancellation token, and how many AWS calls it may have in flight.
pub struct JobContext {
    pub id: JobId,
    pub backend: Backend,
    pub tx: ActionSender,
    pub cancel: CancellationToken,
    pub concurrency: usize,
}

/// A job started: its future, and how long it may take to end by itself once cancelled
/// (`None`: it is dropped at once). Such jobs watch their token and have something to
/// finish first: a peek makes what it holds visible again; a redrive finishes the batches
/// in flight (send, then delete) and closes its journal, which dropping it mid-batch would
/// not.
pub struct Started {
    pub future: JobFuture,
    pub grace: Option<std::time::Duration>,
}

pub fn start(work: Work, job: JobContext) -> Started {
    let future: JobFuture = match work {
        Work::Load { source, generation } => Box::pin(load(source, generation, job)),
        Work::RefreshCounts { urls, generation } => Box::pin(refresh_counts(urls, generation, job)),
        Work::Peek(request) => {
            return Started {
                future: Box::pin(super::peek::run(request, job)),
                grace: Some(CANCEL_GRACE),
            };
        }
        Work::Dangerous(op) => return super::dangerous::start(op, job),
        Work::RedrivePlan(request) => Box::pin(super::redrive::plan_job(*request, job)),
        Work::Metrics(batch) => Box::pin(metrics(batch, job)),
        Work::Export(request) => Box::pin(super::export::run(request)),
        Work::Alarms => Box::pin(alarms(job)),
        Work::MoveTasks(dlqs) => Box::pin(move_tasks(dlqs, job)),
        Work::Whoami => Box::pin(whoami(job)),
        Work::Logs(logs) => Box::pin(super::logs::run(logs, job)),
    };
    Started {
        future,
        grace: None,
    }
}

/// The caller and a harmless probe of each capability (`:whoami`).
async fn whoami(job: JobContext) -> JobEnd {
    let whoami = crate::whoami::probe(&job.backend).await;
    let _ = job.tx.send(Action::WhoamiRead {
        job: job.id,
        whoami: Box::new(whoami),
    });
    JobEnd::Done(None)
}

/// `DescribeAlarms`; the answer, good or bad, goes to the inventory (the board says
/// "alarms unavailable" on an endpoint without the call).
async fn alarms(job: JobContext) -> JobEnd {
    let alarms = job.backend.alarms.alarms_in_alarm().await;
    let end = match &alarms {
        Ok(_) => JobEnd::Done(None),
        Err(error) => JobEnd::Failed(error.to_string()),
    };
    let _ = job.tx.send(Action::AlarmsRead {
        job: job.id,
        alarms,
    });
    end
}

/// `ListMessageMoveTasks` for each DLQ, `concurrency` at a time.
async fn move_tasks(dlqs: Vec<String>, job: JobContext) -> JobEnd {
    let answers =
        crate::health::observe::read_move_tasks(&job.backend, dlqs, job.concurrency).await;
    let failed = answers.iter().filter(|(_, a)| a.is_err()).count();
    let _ = job.tx.send(Action::MoveTasksRead {
        job: job.id,
        answers,
    });
    if failed > 0 {
        JobEnd::Done(Some(format!("{failed} DLQs' move tasks could not be read")))
    } else {
        JobEnd::Done(None)
    }
}

/// One GetMetricData call; the answer, good or bad, goes to the engine.
async fn metrics(batch: crate::metrics::batch::FetchBatch, job: JobContext) -> JobEnd {
    let outcome = crate::metrics::fetch(job.backend.metrics.as_ref(), batch).await;
    let end = match &outcome.result {
        Ok(_) => JobEnd::Done(None),
        Err(error) => JobEnd::Failed(error.to_string()),
    };
    let _ = job.tx.send(Action::MetricsFetched(Box::new(outcome)));
    end
}

/// How long a cancelled job that cleans up may take to do so (a peek's release is one
/// batch call per 10 messages it holds).
pub const CANCEL_GRACE: std::time::Duration = std::time::Duration::from_secs(10);

/// Queues stream in as they are described; progress counts them.
async fn load_all_queues(generation: u64, job: JobContext) -> JobEnd {
    let JobContext {
        id,
        backend,
        tx,
        cancel,
        concurrency,
    } = job;
    let events = tx.clone();
    let mut received = 0u64;
    let mut total = None;
    let result = load_queues(backend.queues.clone(), concurrency, cancel, move |event| {
        let action = match event {
            QueueLoadEvent::Batch(queues) => {
                received += queues.len() as u64;
                // The loop has ended when the receiver is gone; nothing to report to.
                let _ = events.send(Action::JobProgress {
                    id,
                    progress: Progress {
                        done: received,
                        total,
                    },
                });
                Action::QueuesLoaded { generation, queues }
            }
            QueueLoadEvent::QueueFailed { url, error } => Action::QueueFailed {
                generation,
                url,
                error,
            },
            QueueLoadEvent::Finished { listed, failed } => {
                total = Some(listed as u64);
                Action::QueuesFinished {
                    generation,
                    listed,
                    failed,
                }
            }
        };
        let _ = events.send(action);
    })
    .await;
    match result {
        Ok(()) => JobEnd::Done(None),
        Err(error) => listing_failed(&tx, Source::Queues, generation, error),
    }
}

/// Reports a failed listing to the app; the job fails with it.
fn listing_failed(tx: &ActionSender, source: Source, generation: u64, error: ApiError) -> JobEnd {
    let text = error.to_string();
    // The loop has ended when the receiver is gone; nothing to report to.
    let _ = tx.send(Action::SourceFailed {
        source,
        generation,
        error,
    });
    JobEnd::Failed(text)
}

/// Queues stream in; topics, subscriptions and Lambda listings arrive whole.
async fn load(source: Source, generation: u64, job: JobContext) -> JobEnd {
    let backend = job.backend.clone();
    let concurrency = job.concurrency;
    let result: Result<Action, ApiError> = match source {
        Source::Queues => return load_all_queues(generation, job).await,
        Source::Topics => topics::load_topics(backend.topics, concurrency)
            .await
            .map(|topics| Action::TopicsLoaded { generation, topics }),
        Source::Subscriptions => topics::load_subscriptions(backend.topics, concurrency)
            .await
            .map(|subscriptions| Action::SubscriptionsLoaded {
                generation,
                subscriptions,
            }),
        Source::EventSourceMappings => lambdas::load_event_source_mappings(backend.lambdas)
            .await
            .map(|mappings| Action::MappingsLoaded {
                generation,
                mappings,
            }),
        Source::Functions => lambdas::load_functions(backend.lambdas, backend.roles)
            .await
            .map(|functions| Action::FunctionsLoaded {
                generation,
                functions,
            }),
    };
    match result {
        Ok(action) => {
            // The loop has ended when the receiver is gone; nothing to report to.
            let _ = job.tx.send(action);
            JobEnd::Done(None)
        }
        Err(error) => listing_failed(&job.tx, source, generation, error),
    }
}

/// Describes the queues on screen again (one call each, bounded), for fresh counts.
async fn refresh_counts(urls: Vec<String>, generation: u64, job: JobContext) -> JobEnd {
    let JobContext {
        backend,
        tx,
        concurrency,
        ..
    } = job;
    let directory = backend.queues.clone();
    let results: Vec<_> = futures::stream::iter(urls)
        .map(|url| {
            let directory = directory.clone();
            async move { directory.describe_queue(&url).await }
        })
        .buffer_unordered(concurrency.max(1))
        .collect()
        .await;
    let failed = results.iter().filter(|r| r.is_err()).count();
    let queues = results.into_iter().filter_map(Result::ok).collect();
    let _ = tx.send(Action::CountsRefreshed { generation, queues });
    if failed > 0 {
        JobEnd::Done(Some(format!("{failed} queues could not be described")))
    } else {
        JobEnd::Done(None)
    }
}
