//! The peek job: a sample read through the messages engine (`messages::peek`) with the
//! backend's `MessageReader`, which read-only backends have too. The messages go back to
//! the app as `Action::Peeked`; the job ends with what the peek cost.

use crate::app::Action;
use crate::app::action::PeekResult;
use crate::app::effect::PeekRequest;
use crate::app::jobs::JobEnd;
use crate::messages::fifo_reach::{groups_read, unreached};
use crate::messages::peek::DEFAULT_SWEEP_CAP;
use crate::messages::{PeekEnd, PeekOptions, PeekReport, peek};

use super::work::JobContext;

pub async fn run(request: PeekRequest, job: JobContext) -> JobEnd {
    let options = PeekOptions::new(request.count, DEFAULT_SWEEP_CAP);
    if let Err(error) = options.check() {
        return JobEnd::Failed(error.to_string());
    }
    let mut messages = Vec::new();
    let report = peek(
        job.backend.messages.as_ref(),
        &request.queue_url,
        &options,
        &job.cancel,
        &mut messages,
    )
    .await;
    let groups = groups_read(&messages);
    let unreached = unreached(
        job.backend.queues.as_ref(),
        &request.queue_url,
        &report,
        groups,
    )
    .await;
    let end = match unreached {
        // The status line says the sweep is not the queue: later messages of its groups were
        // out of reach.
        Some(unreached) => JobEnd::Failed(format!(
            "{} messages read; {}",
            messages.len(),
            unreached.describe()
        )),
        None => job_end(&report, messages.len(), options.hold_seconds),
    };
    // The loop has ended when the receiver is gone; nothing to report to.
    let _ = job.tx.send(Action::Peeked(Box::new(PeekResult {
        job: job.id,
        request,
        messages,
        report,
    })));
    end
}

/// How the job ends: what was read, and whether every message is visible again.
fn job_end(report: &PeekReport, read: usize, hold_seconds: u32) -> JobEnd {
    let release = &report.release;
    let visibility = if release.complete() {
        "all visible again".to_string()
    } else {
        let stuck = release.failed.len() + release.not_released;
        format!("{stuck} could not be made visible again: they reappear within {hold_seconds} s")
    };
    match &report.end {
        // The job's end is the last word on the status line: say why the viewer did not open.
        PeekEnd::Reached | PeekEnd::Drained if read == 0 => JobEnd::Done(Some(
            "no message came back (the queue is empty, or its messages are in flight or \
             delayed)"
                .to_string(),
        )),
        PeekEnd::Reached | PeekEnd::Drained => {
            JobEnd::Done(Some(format!("{read} messages read, {visibility}")))
        }
        PeekEnd::Cancelled => JobEnd::Cancelled,
        PeekEnd::Failed(error) if read > 0 => JobEnd::Failed(format!(
            "{error}; the {read} messages read before it are shown, {visibility}"
        )),
        PeekEnd::Failed(error) => JobEnd::Failed(error.to_string()),
        PeekEnd::SinkFailed(error) => JobEnd::Failed(error.clone()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::aws::ApiError;
    use crate::messages::{PeekProgress, PeekShape, Release};

    fn report(end: PeekEnd, release: Release) -> PeekReport {
        PeekReport {
            shape: PeekShape::Sample,
            progress: PeekProgress::default(),
            end,
            hold_lost: Vec::new(),
            release,
        }
    }

    #[tokio::test(start_paused = true)]
    async fn a_fifo_sweep_ends_saying_what_its_held_groups_kept_out_of_reach() {
        let (backend, queue_url) = crate::messages::fifo_reach::test_world::fifo_queue(3, 20).await;
        let (tx, _rx) = tokio::sync::mpsc::unbounded_channel();
        let job = JobContext {
            id: crate::app::jobs::JobId(1),
            backend,
            tx: tx.into(),
            cancel: tokio_util::sync::CancellationToken::new(),
            concurrency: 1,
        };
        let request = PeekRequest {
            queue_url,
            queue_name: "jobs.fifo".into(),
            count: 100,
            max_receive_count: None,
            dlq_name: None,
        };
        let JobEnd::Failed(line) = run(request, job).await else {
            panic!("the job must not end as if the queue was read");
        };
        assert!(line.contains("messages were not reached"), "{line}");
        assert!(line.contains("groups g0, g1, g2"), "{line}");
    }

    #[test]
    fn the_job_says_what_was_read_and_whether_all_are_visible_again() {
        assert_eq!(
            job_end(&report(PeekEnd::Drained, Release::default()), 3, 30),
            JobEnd::Done(Some("3 messages read, all visible again".into()))
        );
        assert!(matches!(
            job_end(&report(PeekEnd::Drained, Release::default()), 0, 30),
            JobEnd::Done(Some(text)) if text.starts_with("no message came back")
        ));
        let stuck = Release {
            not_released: 2,
            error: Some(ApiError::throttled(
                "ChangeMessageVisibilityBatch",
                "slow down",
            )),
            ..Release::default()
        };
        assert_eq!(
            job_end(&report(PeekEnd::Reached, stuck), 10, 30),
            JobEnd::Done(Some(
                "10 messages read, 2 could not be made visible again: they reappear within 30 s"
                    .into()
            ))
        );
        let failed = PeekEnd::Failed(ApiError::unavailable("ReceiveMessage", "down"));
        assert!(matches!(
            job_end(&report(failed, Release::default()), 0, 30),
            JobEnd::Failed(text) if text.contains("down")
        ));
    }
}
