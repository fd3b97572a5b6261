//! One budget of concurrent AWS calls for the whole fleet: each discovery call of every
//! context's backend (listings, describes, metrics, alarms, move tasks) holds a permit while
//! it runs (a receive of a peek does not: it acts on one queue, and may wait 20 s),
//! so N contexts together make no more calls at once than one context does alone
//! (`aws.concurrency`). A permit is held for one call only, never while waiting for
//! another, so no context can starve the others for longer than a call.

use std::collections::BTreeMap;
use std::sync::Arc;

use async_trait::async_trait;
use tokio::sync::{Semaphore, SemaphorePermit};

use crate::aws::alarms::AlarmSource;
use crate::aws::cloudwatch::{MetricQuery, MetricSeries, MetricSource};
use crate::aws::metric_math::MathSupport;
use crate::aws::{
    ApiError, Backend, LambdaDirectory, MessageReader, Page, QueueDirectory, TopicDirectory,
};
use crate::domain::message::{
    BatchOutcome, HandleEntry, MoveTask, ReceiveRequest, ReceivedMessage,
};
use crate::domain::{
    Alarm, EventInvokeConfig, EventSourceMapping, LambdaFunction, Queue, Subscription, Topic,
};

/// The shared permits; cloning shares them.
#[derive(Clone)]
pub struct Budget {
    permits: Arc<Semaphore>,
}

impl Budget {
    /// At most `calls` calls at once (at least one).
    pub fn new(calls: usize) -> Budget {
        Budget {
            permits: Arc::new(Semaphore::new(calls.max(1))),
        }
    }

    /// The same backend, its reading calls drawn from this budget.
    pub fn apply(&self, mut backend: Backend) -> Backend {
        backend.queues = Arc::new(Budgeted {
            budget: self.clone(),
            inner: backend.queues.clone(),
        });
        backend.topics = Arc::new(Budgeted {
            budget: self.clone(),
            inner: backend.topics.clone(),
        });
        backend.lambdas = Arc::new(Budgeted {
            budget: self.clone(),
            inner: backend.lambdas.clone(),
        });
        backend.metrics = Arc::new(Budgeted {
            budget: self.clone(),
            inner: backend.metrics.clone(),
        });
        backend.alarms = Arc::new(Budgeted {
            budget: self.clone(),
            inner: backend.alarms.clone(),
        });
        backend.messages = Arc::new(Budgeted {
            budget: self.clone(),
            inner: backend.messages.clone(),
        });
        backend
    }

    /// Calls that may start now without waiting.
    pub fn available(&self) -> usize {
        self.permits.available_permits()
    }

    async fn permit(&self) -> Option<SemaphorePermit<'_>> {
        // The semaphore is never closed; if it were, calls would run unbudgeted, not fail.
        self.permits.acquire().await.ok()
    }
}

/// A capability whose calls each hold a permit of the budget.
struct Budgeted<T: ?Sized> {
    budget: Budget,
    inner: Arc<T>,
}

#[async_trait]
impl QueueDirectory for Budgeted<dyn QueueDirectory> {
    async fn list_queue_urls(
        &self,
        prefix: Option<&str>,
        next_token: Option<String>,
    ) -> Result<Page<String>, ApiError> {
        let _permit = self.budget.permit().await;
        self.inner.list_queue_urls(prefix, next_token).await
    }

    async fn paginates_queue_listing(&self) -> Result<bool, ApiError> {
        let _permit = self.budget.permit().await;
        self.inner.paginates_queue_listing().await
    }

    async fn describe_queue(&self, url: &str) -> Result<Queue, ApiError> {
        let _permit = self.budget.permit().await;
        self.inner.describe_queue(url).await
    }

    async fn list_dead_letter_source_queues(
        &self,
        dlq_url: &str,
        next_token: Option<String>,
    ) -> Result<Page<String>, ApiError> {
        let _permit = self.budget.permit().await;
        self.inner
            .list_dead_letter_source_queues(dlq_url, next_token)
            .await
    }
}

#[async_trait]
impl TopicDirectory for Budgeted<dyn TopicDirectory> {
    async fn list_topics(&self, next_token: Option<String>) -> Result<Page<String>, ApiError> {
        let _permit = self.budget.permit().await;
        self.inner.list_topics(next_token).await
    }

    async fn describe_topic(&self, topic_arn: &str) -> Result<Topic, ApiError> {
        let _permit = self.budget.permit().await;
        self.inner.describe_topic(topic_arn).await
    }

    async fn list_subscriptions(
        &self,
        next_token: Option<String>,
    ) -> Result<Page<Subscription>, ApiError> {
        let _permit = self.budget.permit().await;
        self.inner.list_subscriptions(next_token).await
    }

    async fn subscription_attributes(
        &self,
        subscription_arn: &str,
    ) -> Result<BTreeMap<String, String>, ApiError> {
        let _permit = self.budget.permit().await;
        self.inner.subscription_attributes(subscription_arn).await
    }
}

#[async_trait]
impl LambdaDirectory for Budgeted<dyn LambdaDirectory> {
    async fn list_event_source_mappings(
        &self,
        marker: Option<String>,
    ) -> Result<Page<EventSourceMapping>, ApiError> {
        let _permit = self.budget.permit().await;
        self.inner.list_event_source_mappings(marker).await
    }

    async fn list_functions(
        &self,
        marker: Option<String>,
    ) -> Result<Page<LambdaFunction>, ApiError> {
        let _permit = self.budget.permit().await;
        self.inner.list_functions(marker).await
    }

    async fn event_invoke_config(
        &self,
        function_name: &str,
    ) -> Result<Option<EventInvokeConfig>, ApiError> {
        let _permit = self.budget.permit().await;
        self.inner.event_invoke_config(function_name).await
    }
}

#[async_trait]
impl MetricSource for Budgeted<dyn MetricSource> {
    async fn get_metric_data(
        &self,
        queries: &[MetricQuery],
        start_ms: i64,
        end_ms: i64,
    ) -> Result<Vec<MetricSeries>, ApiError> {
        let _permit = self.budget.permit().await;
        self.inner.get_metric_data(queries, start_ms, end_ms).await
    }

    async fn get_metric_data_once(
        &self,
        queries: &[MetricQuery],
        start_ms: i64,
        end_ms: i64,
    ) -> Result<Vec<MetricSeries>, ApiError> {
        let _permit = self.budget.permit().await;
        self.inner
            .get_metric_data_once(queries, start_ms, end_ms)
            .await
    }

    fn math_support(&self) -> Option<&MathSupport> {
        self.inner.math_support()
    }
}

#[async_trait]
impl AlarmSource for Budgeted<dyn AlarmSource> {
    async fn alarms_in_alarm(&self) -> Result<Vec<Alarm>, ApiError> {
        let _permit = self.budget.permit().await;
        self.inner.alarms_in_alarm().await
    }
}

/// Only the move tasks are discovery (the health board reads them for every DLQ).
#[async_trait]
impl MessageReader for Budgeted<dyn MessageReader> {
    async fn receive_messages(
        &self,
        queue_url: &str,
        request: ReceiveRequest,
    ) -> Result<Vec<ReceivedMessage>, ApiError> {
        self.inner.receive_messages(queue_url, request).await
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
        let _permit = self.budget.permit().await;
        self.inner.list_move_tasks(source_arn).await
    }
}
