//! What each confirmed dangerous operation does, one entry each: its job and how long it
//! may take to clean up when cancelled. The operations themselves (payload, label, whether
//! they write) are declared in `app/modals/confirm.rs`.

use super::work::{CANCEL_GRACE, JobContext, Started};
use crate::app::jobs::JobEnd;
use crate::app::modals::confirm::{ConfirmedOp, DangerousOp};
use crate::aws::{Backend, Writers};
use crate::domain::message::{OutgoingMessage, OutgoingNotification};

/// The job of a confirmed operation.
pub fn start(op: ConfirmedOp, job: JobContext) -> Started {
    let label = op.op().label();
    let backend = job.backend.clone();
    match op.op().clone() {
        // A confirmed peek only reads: it runs without the writing capabilities.
        DangerousOp::Peek(request) => Started {
            future: Box::pin(super::peek::run(request, job)),
            grace: Some(CANCEL_GRACE),
        },
        DangerousOp::Redrive(redrive) => Started {
            future: Box::pin(super::redrive::run(*redrive, job)),
            grace: Some(super::redrive::REDRIVE_CANCEL_GRACE),
        },
        DangerousOp::LogsSearch(logs) => dropped(super::logs::run(*logs, job)),
        DangerousOp::Purge { queue_url, .. } => dropped(purge(label, backend, queue_url)),
        DangerousOp::Send {
            queue_url,
            max_batch_bytes,
            message,
            ..
        } => dropped(send(label, backend, queue_url, max_batch_bytes, message)),
        DangerousOp::Publish {
            topic_arn,
            notification,
            ..
        } => dropped(publish(label, backend, topic_arn, notification)),
    }
}

/// A job with nothing to finish when cancelled: it is dropped at once.
fn dropped(future: impl Future<Output = JobEnd> + Send + 'static) -> Started {
    Started {
        future: Box::pin(future),
        grace: None,
    }
}

/// The writing capabilities: a read-only backend has none, so the operation fails rather
/// than writes.
fn writers(backend: &Backend, label: &str) -> Result<Writers, JobEnd> {
    backend
        .writers(label)
        .cloned()
        .map_err(|refused| JobEnd::Failed(refused.to_string()))
}

async fn purge(label: String, backend: Backend, queue_url: String) -> JobEnd {
    let writers = match writers(&backend, &label) {
        Ok(writers) => writers,
        Err(end) => return end,
    };
    match writers.queues.purge_queue(&queue_url).await {
        Ok(()) => JobEnd::Done(Some("purged (SQS may take up to 60 s)".to_string())),
        Err(error) => JobEnd::Failed(error.to_string()),
    }
}

/// The engine `squall send` uses: one message, retried as it retries.
async fn send(
    label: String,
    backend: Backend,
    queue_url: String,
    max_batch_bytes: usize,
    message: Box<OutgoingMessage>,
) -> JobEnd {
    let writers = match writers(&backend, &label) {
        Ok(writers) => writers,
        Err(end) => return end,
    };
    let report = crate::messages::send::send_all(
        writers.queues.as_ref(),
        &queue_url,
        std::slice::from_ref(message.as_ref()),
        max_batch_bytes,
        &tokio_util::sync::CancellationToken::new(),
        &mut |_| {},
    )
    .await;
    match (report.sent.first(), report.failed.first(), report.end) {
        (Some(sent), _, _) => JobEnd::Done(Some(format!("message id {}", sent.message_id))),
        (None, _, _) if !report.possibly_sent.is_empty() => JobEnd::Failed(
            "no answer came back: the message may or may not be in the queue".to_string(),
        ),
        (None, Some(refused), _) => {
            JobEnd::Failed(format!("{}: {}", refused.code, refused.message))
        }
        (None, None, crate::messages::send::SendEnd::Failed(error)) => {
            JobEnd::Failed(error.to_string())
        }
        (None, None, _) => JobEnd::Failed("the message was not sent".to_string()),
    }
}

async fn publish(
    label: String,
    backend: Backend,
    topic_arn: String,
    notification: Box<OutgoingNotification>,
) -> JobEnd {
    let writers = match writers(&backend, &label) {
        Ok(writers) => writers,
        Err(end) => return end,
    };
    match writers.topics.publish(&topic_arn, &notification).await {
        Ok(message_id) => JobEnd::Done(Some(format!("message id {message_id}"))),
        Err(error) => JobEnd::Failed(error.to_string()),
    }
}
