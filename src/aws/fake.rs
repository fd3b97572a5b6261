//! Test-only: a `Backend` (or one reader) whose chosen calls misbehave the way AWS can
//! (fail, lose the answer after acting, answer slowly, panic) while every other call goes
//! to the world underneath unchanged. One forwarding of each trait here, instead of a
//! hand-written fake per test that forwards the whole trait to change one call.

use std::collections::HashMap;
use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::Duration;

use async_trait::async_trait;

use super::{
    ApiError, Backend, FunctionInvoker, MessageReader, Page, QueueDirectory, QueueWriter, Writers,
};
use crate::domain::Queue;
use crate::domain::message::{
    BatchOutcome, HandleEntry, MoveTask, OutgoingMessage, ReceiveRequest, ReceivedMessage,
};

/// The calls a test can make misbehave.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub(crate) enum Call {
    ListQueues,
    SendMessageBatch,
    DeleteMessageBatch,
    ReceiveMessage,
    Invoke,
}

/// What one call does, decided before it reaches the world.
pub(crate) enum Answer {
    /// Goes to the world as usual.
    Forward,
    /// Answers this error without reaching the world.
    Fail(ApiError),
    /// Reaches the world, then answers this error instead of the world's answer.
    ActThenFail(ApiError),
    /// Sleeps this long on tokio's clock, then goes to the world.
    AfterSleep(Duration),
    /// Moves tokio's paused clock on this far (a slow answer), then goes to the world.
    AfterAdvance(Duration),
}

/// Decides each call's `Answer` from its number (0 for the first call of its kind).
pub(crate) type Rule = Arc<dyn Fn(usize) -> Answer + Send + Sync>;

/// The rules and a call counter per misbehaving call.
#[derive(Clone)]
struct Rules(Arc<HashMap<Call, (Rule, AtomicUsize)>>);

impl Rules {
    fn new(rules: HashMap<Call, Rule>) -> Rules {
        let counted = rules
            .into_iter()
            .map(|(call, rule)| (call, (rule, AtomicUsize::new(0))))
            .collect();
        Rules(Arc::new(counted))
    }

    /// `world` (the real call), run as `call`'s rule says.
    async fn apply<T>(
        &self,
        call: Call,
        world: impl Future<Output = Result<T, ApiError>>,
    ) -> Result<T, ApiError> {
        let Some((rule, calls)) = self.0.get(&call) else {
            return world.await;
        };
        match rule(calls.fetch_add(1, Ordering::SeqCst)) {
            Answer::Forward => world.await,
            Answer::Fail(error) => Err(error),
            Answer::ActThenFail(error) => {
                let _ = world.await;
                Err(error)
            }
            Answer::AfterSleep(wait) => {
                tokio::time::sleep(wait).await;
                world.await
            }
            Answer::AfterAdvance(wait) => {
                tokio::time::advance(wait).await;
                world.await
            }
        }
    }
}

/// `inner`, with the misbehaving calls of `rules`.
struct Faulty<T: ?Sized> {
    inner: Arc<T>,
    rules: Rules,
}

/// A backend whose chosen calls misbehave. Every part it does not touch is the world's own.
pub(crate) struct FakeBackend {
    backend: Backend,
    rules: HashMap<Call, Rule>,
}

impl FakeBackend {
    pub(crate) fn over(backend: &Backend) -> FakeBackend {
        FakeBackend {
            backend: backend.clone(),
            rules: HashMap::new(),
        }
    }

    /// `call` answers as `rule` says from now on.
    pub(crate) fn on(
        mut self,
        call: Call,
        rule: impl Fn(usize) -> Answer + Send + Sync + 'static,
    ) -> FakeBackend {
        self.rules.insert(call, Arc::new(rule));
        self
    }

    pub(crate) fn build(self) -> Backend {
        let mut backend = self.backend;
        let rules = Rules::new(self.rules);
        backend.queues = Arc::new(Faulty {
            inner: backend.queues.clone(),
            rules: rules.clone(),
        });
        backend.messages = Arc::new(Faulty {
            inner: backend.messages.clone(),
            rules: rules.clone(),
        });
        backend.writers = backend.writers.take().map(|writers| Writers {
            queues: Arc::new(Faulty {
                inner: writers.queues,
                rules: rules.clone(),
            }),
            functions: Arc::new(Faulty {
                inner: writers.functions,
                rules,
            }),
            ..writers
        });
        backend
    }
}

/// A reader (an in-memory queue, say) whose chosen calls misbehave.
pub(crate) fn faulty_reader(
    inner: Arc<dyn MessageReader>,
    call: Call,
    rule: impl Fn(usize) -> Answer + Send + Sync + 'static,
) -> Arc<dyn MessageReader> {
    Arc::new(Faulty {
        inner,
        rules: Rules::new(HashMap::from([(call, Arc::new(rule) as Rule)])),
    })
}

#[async_trait]
impl QueueDirectory for Faulty<dyn QueueDirectory> {
    async fn list_queue_urls(
        &self,
        prefix: Option<&str>,
        next_token: Option<String>,
    ) -> Result<Page<String>, ApiError> {
        let world = self.inner.list_queue_urls(prefix, next_token);
        self.rules.apply(Call::ListQueues, world).await
    }

    async fn paginates_queue_listing(&self) -> Result<bool, ApiError> {
        self.inner.paginates_queue_listing().await
    }

    async fn describe_queue(&self, url: &str) -> Result<Queue, ApiError> {
        self.inner.describe_queue(url).await
    }

    async fn list_dead_letter_source_queues(
        &self,
        dlq_url: &str,
        next_token: Option<String>,
    ) -> Result<Page<String>, ApiError> {
        self.inner
            .list_dead_letter_source_queues(dlq_url, next_token)
            .await
    }
}

/// `send_messages_once` keeps its default (through `send_messages`), so a rule on
/// `SendMessageBatch` covers both.
#[async_trait]
impl QueueWriter for Faulty<dyn QueueWriter> {
    async fn send_messages(
        &self,
        queue_url: &str,
        entries: &[OutgoingMessage],
    ) -> Result<BatchOutcome, ApiError> {
        let world = self.inner.send_messages(queue_url, entries);
        self.rules.apply(Call::SendMessageBatch, world).await
    }

    async fn delete_messages(
        &self,
        queue_url: &str,
        entries: &[HandleEntry],
    ) -> Result<BatchOutcome, ApiError> {
        let world = self.inner.delete_messages(queue_url, entries);
        self.rules.apply(Call::DeleteMessageBatch, world).await
    }

    async fn purge_queue(&self, queue_url: &str) -> Result<(), ApiError> {
        self.inner.purge_queue(queue_url).await
    }
}

#[async_trait]
impl FunctionInvoker for Faulty<dyn FunctionInvoker> {
    async fn invoke_async(&self, function: &str, payload: &str) -> Result<String, ApiError> {
        let world = self.inner.invoke_async(function, payload);
        self.rules.apply(Call::Invoke, world).await
    }
}

#[async_trait]
impl MessageReader for Faulty<dyn MessageReader> {
    async fn receive_messages(
        &self,
        queue_url: &str,
        request: ReceiveRequest,
    ) -> Result<Vec<ReceivedMessage>, ApiError> {
        let world = self.inner.receive_messages(queue_url, request);
        self.rules.apply(Call::ReceiveMessage, world).await
    }

    async fn change_visibility(
        &self,
        queue_url: &str,
        entries: &[HandleEntry],
        timeout_seconds: u32,
    ) -> Result<BatchOutcome, ApiError> {
        self.inner
            .change_visibility(queue_url, entries, timeout_seconds)
            .await
    }

    async fn list_move_tasks(&self, source_arn: &str) -> Result<Vec<MoveTask>, ApiError> {
        self.inner.list_move_tasks(source_arn).await
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::messages::fifo_reach::test_world::fifo_queue;

    fn message(i: usize) -> OutgoingMessage {
        OutgoingMessage {
            id: format!("extra-{i}"),
            body: format!("extra {i}"),
            message_attributes: Default::default(),
            delay_seconds: None,
            group_id: Some("extra".into()),
            deduplication_id: Some(format!("extra-{i}")),
            trace_header: None,
        }
    }

    #[tokio::test(start_paused = true)]
    async fn a_lost_answer_acts_a_failed_call_does_not_and_the_rest_reach_the_world() {
        let (world, url) = fifo_queue(1, 2).await;
        let fake = FakeBackend::over(&world)
            .on(Call::SendMessageBatch, |n| match n {
                0 => Answer::ActThenFail(ApiError::connection("SendMessageBatch", "lost")),
                1 => Answer::Fail(ApiError::server("SendMessageBatch", "we had a problem")),
                _ => Answer::Forward,
            })
            .build();
        let queues = &fake.writers("test").expect("writers").queues;
        for i in 0..3 {
            let sent = queues.send_messages(&url, &[message(i)]).await;
            assert_eq!(sent.is_ok(), i == 2, "call {i}: {sent:?}");
        }
        let counts = fake
            .queues
            .describe_queue(&url)
            .await
            .expect("describe")
            .counts;
        // The two the world held, the lost answer's and the third; not the failed one.
        assert_eq!(counts.visible, 4);
    }
}
