//! Supervised jobs: every background task runs as a job with its own cancellation token
//! and a handle in one `JoinSet`. Whatever way a task ends (done, cancelled, failed, or
//! panicked) the supervisor reports `JobEnded`, so nothing stays "in flight" for good.

use std::collections::{BTreeMap, HashMap};

use tokio::sync::mpsc;
use tokio::task::JoinSet;
use tokio_util::sync::CancellationToken;

use super::work;
use crate::app::Action;
use crate::app::effect::Work;
use crate::app::jobs::{JobEnd, JobId};
use crate::aws::Backend;

pub struct Supervisor {
    /// Each fleet context's backend, by context id (one unless a fleet was asked for).
    backends: BTreeMap<usize, Backend>,
    tx: mpsc::UnboundedSender<Action>,
    concurrency: usize,
    root: CancellationToken,
    tasks: JoinSet<JobEnd>,
    job_of_task: HashMap<tokio::task::Id, JobId>,
    tokens: HashMap<JobId, CancellationToken>,
}

impl Supervisor {
    pub fn new(
        backend: Backend,
        tx: mpsc::UnboundedSender<Action>,
        concurrency: usize,
    ) -> Supervisor {
        Supervisor {
            backends: BTreeMap::from([(0, backend)]),
            tx,
            concurrency,
            root: CancellationToken::new(),
            tasks: JoinSet::new(),
            job_of_task: HashMap::new(),
            tokens: HashMap::new(),
        }
    }

    /// The first context's backend.
    pub fn backend(&self) -> &Backend {
        self.backends
            .values()
            .next()
            .unwrap_or_else(|| unreachable!("the supervisor always holds a backend"))
    }

    /// Fleet context `context` runs its jobs on `backend`.
    pub fn add_backend(&mut self, context: usize, backend: Backend) {
        self.backends.insert(context, backend);
    }

    /// Jobs started from now on use `backend` (after `:profile` / `:region` with one
    /// context).
    pub fn replace_backend(&mut self, backend: Backend) {
        let first = self.backends.keys().next().copied().unwrap_or_default();
        self.replace_backend_in(first, backend);
    }

    /// Jobs started from now on use `backend`, as context `context`, the only one (after
    /// `:profile` / `:region`, which narrow a fleet to one context).
    pub fn replace_backend_in(&mut self, context: usize, backend: Backend) {
        self.backends = BTreeMap::from([(context, backend)]);
    }

    /// Starts job `id` in the first context (see [`Supervisor::start_in`]).
    pub fn start(&mut self, id: JobId, work: Work) {
        let first = self.backends.keys().next().copied().unwrap_or_default();
        self.start_in(first, id, work);
    }

    /// Starts job `id` on the backend of fleet context `context`. With several contexts
    /// its answers say which one they are of. A context without a backend (dropped by a
    /// switch meanwhile) fails the job.
    pub fn start_in(&mut self, context: usize, id: JobId, work: Work) {
        let token = self.root.child_token();
        let Some(backend) = self.backends.get(&context).cloned() else {
            let handle = self
                .tasks
                .spawn(async { JobEnd::Failed("its context is no longer loaded".to_string()) });
            self.job_of_task.insert(handle.id(), id);
            self.tokens.insert(id, token);
            return;
        };
        let tag = (self.backends.len() > 1).then_some(context);
        let work::Started { mut future, grace } = work::start(
            work,
            work::JobContext {
                id,
                backend,
                tx: work::ActionSender::new(self.tx.clone(), tag),
                cancel: token.clone(),
                concurrency: self.concurrency,
            },
        );
        let cancelled = token.clone();
        let handle = self.tasks.spawn(async move {
            tokio::select! {
                // A job that was asked to stop ended because of it, whatever it returns.
                biased;
                _ = cancelled.cancelled() => {}
                end = &mut future => return end,
            }
            // Dropping a peek here would leave what it holds invisible until its hold runs
            // out, and a redrive mid-batch would leave sent messages undeleted: they watch
            // the token and finish first, within the grace.
            if let Some(grace) = grace {
                let _ = tokio::time::timeout(grace, future).await;
            }
            JobEnd::Cancelled
        });
        self.job_of_task.insert(handle.id(), id);
        self.tokens.insert(id, token);
    }

    pub fn cancel(&mut self, id: JobId) {
        if let Some(token) = self.tokens.get(&id) {
            token.cancel();
        }
    }

    /// Stops every job (on quit).
    pub fn cancel_all(&self) {
        self.root.cancel();
    }

    pub fn has_jobs(&self) -> bool {
        !self.tasks.is_empty()
    }

    pub fn job_count(&self) -> usize {
        self.tasks.len()
    }

    /// After [`Supervisor::cancel_all`]: waits, at most `limit`, for the jobs still ending
    /// (those with a grace finish what they started); returns how many did not end.
    pub async fn drain(&mut self, limit: std::time::Duration) -> usize {
        let _ = tokio::time::timeout(limit, async {
            while self.tasks.join_next().await.is_some() {}
        })
        .await;
        self.tasks.len()
    }

    /// Waits for the next job to end and says how it ended; `None` when none is running.
    pub async fn next_end(&mut self) -> Option<Action> {
        let joined = self.tasks.join_next_with_id().await?;
        let (task, end) = match joined {
            Ok((task, end)) => (task, end),
            // A panic is caught here, in the task's own join handle: it ends the job as
            // failed and nothing else.
            Err(error) => {
                let task = error.id();
                let end = if error.is_panic() {
                    JobEnd::Failed(format!("{PANICKED}: {}", panic_text(error.into_panic())))
                } else {
                    JobEnd::Cancelled
                };
                (task, end)
            }
        };
        self.ended(task, end)
    }

    fn ended(&mut self, task: tokio::task::Id, end: JobEnd) -> Option<Action> {
        let id = self.job_of_task.remove(&task)?;
        self.tokens.remove(&id);
        if let JobEnd::Failed(reason) = &end {
            // A panic's message can quote what it was handling (a body): the screen shows
            // it, the log does not.
            let reason = if reason.starts_with(PANICKED) {
                PANICKED
            } else {
                reason.as_str()
            };
            tracing::warn!(job = id.0, reason, "job failed");
        }
        Some(Action::JobEnded { id, end })
    }
}

/// How a job that panicked is said to have failed.
const PANICKED: &str = "panicked";

fn panic_text(payload: Box<dyn std::any::Any + Send>) -> String {
    if let Some(text) = payload.downcast_ref::<&str>() {
        text.to_string()
    } else if let Some(text) = payload.downcast_ref::<String>() {
        text.clone()
    } else {
        "unknown panic".to_string()
    }
}
