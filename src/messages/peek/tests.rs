//! The peek engine against an in-memory queue: messages stay, receive counts rise by exactly
//! one, everything read is visible again at the end, on cancel and on error.

use std::sync::Arc;
use std::time::Duration;

use tokio_util::sync::CancellationToken;

use super::super::fake_queue::{FakeQueue, URL};
use super::super::peek::*;
use crate::aws::MessageReader;
use crate::aws::fake::{Answer, Call, faulty_reader};
use crate::domain::message::ReceivedMessage;

fn bodies(n: usize) -> Vec<String> {
    (0..n).map(|i| format!("body-{i}")).collect()
}

fn queue_of(n: usize) -> FakeQueue {
    let bodies = bodies(n);
    let refs: Vec<&str> = bodies.iter().map(String::as_str).collect();
    FakeQueue::with_bodies(&refs)
}

async fn run(queue: &dyn MessageReader, count: usize) -> (PeekReport, Vec<ReceivedMessage>) {
    let mut seen = Vec::new();
    let report = peek(
        queue,
        URL,
        &PeekOptions::new(count, DEFAULT_SWEEP_CAP),
        &CancellationToken::new(),
        &mut seen,
    )
    .await;
    (report, seen)
}

#[tokio::test]
async fn a_sample_reads_once_and_resets_visibility_right_away() {
    let queue = queue_of(5);
    let (report, seen) = run(&queue, 3).await;
    assert_eq!(report.shape, PeekShape::Sample);
    assert_eq!(report.end, PeekEnd::Reached);
    assert_eq!(seen.len(), 3);
    assert_eq!(queue.visible(), 5, "every message visible again");
    assert_eq!(queue.receive_counts(), vec![1, 1, 1, 0, 0]);
    let state = queue.lock();
    assert_eq!(state.receive_calls, 1);
    assert_eq!(state.visibility_calls, vec![(3, 0)]);
    assert!(report.release.complete());
    assert_eq!(report.release.released, 3);
}

#[tokio::test]
async fn a_sample_of_a_nearly_empty_queue_shows_what_is_there() {
    let queue = queue_of(2);
    let (report, seen) = run(&queue, 10).await;
    assert_eq!(report.end, PeekEnd::Drained);
    assert_eq!(seen.len(), 2);
    assert_eq!(queue.visible(), 2);
}

#[tokio::test]
async fn a_sweep_reads_distinct_messages_and_releases_them_all_at_the_end() {
    let queue = queue_of(35);
    let (report, seen) = run(&queue, 25).await;
    assert_eq!(report.shape, PeekShape::Sweep);
    assert_eq!(report.end, PeekEnd::Reached);
    let mut ids: Vec<&str> = seen.iter().map(|m| m.message_id.as_str()).collect();
    ids.sort_unstable();
    ids.dedup();
    assert_eq!(ids.len(), 25, "distinct");
    assert_eq!(queue.visible(), 35);
    let counts = queue.receive_counts();
    assert_eq!(counts.iter().filter(|&&c| c == 1).count(), 25);
    assert!(counts.iter().all(|&c| c <= 1), "{counts:?}");
    let state = queue.lock();
    assert_eq!(state.receive_calls, 3);
    // Held while the sweep ran: released only at the end, 10 entries per call.
    assert_eq!(state.visibility_calls, vec![(10, 0), (10, 0), (5, 0)]);
}

#[tokio::test]
async fn a_sweep_stops_when_the_queue_runs_dry() {
    let queue = queue_of(12);
    let (report, seen) = run(&queue, 100).await;
    assert_eq!(report.end, PeekEnd::Drained);
    assert_eq!(seen.len(), 12);
    assert_eq!(report.progress.receives, 3, "two with messages, one empty");
    assert_eq!(queue.visible(), 12);
}

/// Cancels its token once it has `after` messages.
struct CancellingSink {
    seen: Vec<ReceivedMessage>,
    after: usize,
    cancel: CancellationToken,
    progress: Vec<PeekProgress>,
}

impl PeekSink for CancellingSink {
    fn accept(&mut self, message: ReceivedMessage) -> Result<(), String> {
        self.seen.push(message);
        if self.seen.len() >= self.after {
            self.cancel.cancel();
        }
        Ok(())
    }

    fn progress(&mut self, progress: &PeekProgress) {
        self.progress.push(*progress);
    }
}

#[tokio::test]
async fn a_cancelled_sweep_releases_what_it_read() {
    let queue = queue_of(50);
    let cancel = CancellationToken::new();
    let mut sink = CancellingSink {
        seen: Vec::new(),
        after: 15,
        cancel: cancel.clone(),
        progress: Vec::new(),
    };
    let report = peek(&queue, URL, &PeekOptions::new(40, 100), &cancel, &mut sink).await;
    assert_eq!(report.end, PeekEnd::Cancelled);
    assert_eq!(sink.seen.len(), 20, "the receive in flight finished");
    assert_eq!(report.release.released, 20);
    assert_eq!(queue.visible(), 50);
    let reads: Vec<usize> = sink.progress.iter().map(|p| p.read).collect();
    assert_eq!(reads, vec![10, 20]);
}

#[tokio::test]
async fn a_failed_receive_ends_the_sweep_and_releases_what_it_read() {
    let queue = queue_of(30);
    queue.lock().fail_receive = Some(2);
    let (report, seen) = run(&queue, 30).await;
    assert!(matches!(report.end, PeekEnd::Failed(ref e) if e.operation == "ReceiveMessage"));
    assert_eq!(seen.len(), 10);
    assert_eq!(report.release.released, 10);
    assert_eq!(queue.visible(), 30);
}

struct FailingSink {
    accepted: usize,
    fail_at: usize,
}

impl PeekSink for FailingSink {
    fn accept(&mut self, _message: ReceivedMessage) -> Result<(), String> {
        if self.accepted + 1 == self.fail_at {
            return Err("disk full".to_string());
        }
        self.accepted += 1;
        Ok(())
    }
}

#[tokio::test]
async fn a_sink_failure_ends_the_sweep_and_releases_what_it_read() {
    let queue = queue_of(30);
    let mut sink = FailingSink {
        accepted: 0,
        fail_at: 15,
    };
    let options = PeekOptions::new(30, 100);
    let report = peek(&queue, URL, &options, &CancellationToken::new(), &mut sink).await;
    assert_eq!(report.end, PeekEnd::SinkFailed("disk full".to_string()));
    assert_eq!(sink.accepted, 14);
    assert_eq!(report.release.released, 20);
    assert_eq!(queue.visible(), 30);
}

#[tokio::test]
async fn a_message_handed_out_twice_is_shown_once_and_released_with_its_latest_handle() {
    let queue = Arc::new(queue_of(20));
    let (first, _) = {
        // First receive of a sweep, then at-least-once delivery of one held message.
        let redelivering = queue.clone();
        let reader = faulty_reader(queue.clone(), Call::ReceiveMessage, move |n| {
            if n == 1 {
                redelivering.lock().redeliver_held = true;
            }
            Answer::Forward
        });
        run(reader.as_ref(), 20).await
    };
    assert_eq!(first.progress.read, 20);
    assert_eq!(first.progress.duplicates, 1);
    assert!(first.release.complete(), "{:?}", first.release);
    assert_eq!(
        queue.visible(),
        20,
        "released with the latest receipt handle"
    );
}

#[tokio::test(start_paused = true)]
async fn a_long_sweep_extends_its_hold_so_no_message_is_read_twice() {
    let queue = Arc::new(queue_of(80));
    // Each receive takes 10 s (a slow network, a long poll).
    let reader = faulty_reader(queue.clone(), Call::ReceiveMessage, |_| {
        Answer::AfterAdvance(Duration::from_secs(10))
    });
    let (report, seen) = run(reader.as_ref(), 80).await;
    assert_eq!(seen.len(), 80);
    assert_eq!(report.progress.duplicates, 0);
    assert!(
        queue.receive_counts().iter().all(|&c| c == 1),
        "{:?}",
        queue.receive_counts()
    );
    let extensions = queue
        .lock()
        .visibility_calls
        .iter()
        .filter(|(_, timeout)| *timeout == DEFAULT_HOLD_SECONDS)
        .count();
    assert!(extensions > 0, "the hold was extended");
    assert_eq!(queue.visible(), 80);
}

#[tokio::test(start_paused = true)]
async fn a_failed_release_is_reported_and_the_hold_runs_out_by_itself() {
    let queue = queue_of(4);
    queue.lock().fail_release = true;
    let (report, seen) = run(&queue, 4).await;
    assert_eq!(seen.len(), 4, "the messages read are still shown");
    assert!(!report.release.complete());
    assert_eq!(report.release.not_released, 4);
    assert_eq!(queue.visible(), 0);
    tokio::time::advance(Duration::from_secs(u64::from(DEFAULT_HOLD_SECONDS) + 1)).await;
    assert_eq!(queue.visible(), 4);
}

#[test]
fn options_pick_the_shape_and_refuse_what_cannot_run() {
    assert_eq!(PeekOptions::new(10, 100).shape(), PeekShape::Sample);
    assert_eq!(PeekOptions::new(11, 100).shape(), PeekShape::Sweep);
    assert_eq!(PeekOptions::new(25, 100).planned_receives(), 3);
    assert_eq!(
        PeekOptions::new(0, 100).check(),
        Err(PeekOptionsError::Nothing)
    );
    assert_eq!(
        PeekOptions::new(101, 100).check(),
        Err(PeekOptionsError::OverCap {
            requested: 101,
            cap: 100
        })
    );
    // A sample is always allowed, whatever the sweep cap.
    assert_eq!(PeekOptions::new(10, 0).check(), Ok(()));
    let mut options = PeekOptions::new(5, 100);
    options.hold_seconds = 0;
    assert_eq!(options.check(), Err(PeekOptionsError::Hold(0)));
}

/// The TUI runs a peek as a job on the tokio runtime: the future must be `Send`.
#[test]
fn a_peek_can_run_as_a_spawned_job() {
    fn spawnable<F: std::future::Future + Send>(_: F) {}
    let queue = queue_of(1);
    let mut sink: Vec<ReceivedMessage> = Vec::new();
    let cancel = CancellationToken::new();
    let options = PeekOptions::new(1, DEFAULT_SWEEP_CAP);
    spawnable(peek(&queue, URL, &options, &cancel, &mut sink));
    let mut on_progress = |_: &crate::messages::send::SendProgress| {};
    spawnable(crate::messages::send::send_all(
        &queue,
        URL,
        &[],
        1,
        &cancel,
        &mut on_progress,
    ));
}

#[tokio::test(start_paused = true)]
async fn a_cancel_during_a_long_poll_waits_for_it_and_releases_what_it_returned_too() {
    let queue = Arc::new(queue_of(50));
    // Receives after the first take three seconds (a long poll under way).
    let reader = faulty_reader(queue.clone(), Call::ReceiveMessage, |n| {
        if n > 0 {
            Answer::AfterSleep(Duration::from_secs(3))
        } else {
            Answer::Forward
        }
    });
    let cancel = CancellationToken::new();
    let canceller = cancel.clone();
    tokio::spawn(async move {
        tokio::time::sleep(Duration::from_secs(1)).await;
        canceller.cancel();
    });
    let mut seen: Vec<ReceivedMessage> = Vec::new();
    let report = tokio::time::timeout(
        Duration::from_secs(10),
        peek(
            reader.as_ref(),
            URL,
            &PeekOptions::new(40, 100),
            &cancel,
            &mut seen,
        ),
    )
    .await
    .expect("the peek ends once the receive under way answers");
    assert_eq!(report.end, PeekEnd::Cancelled);
    // The receive sent before the cancel handed out 10 more: they are released too,
    // instead of staying hidden for the hold.
    assert_eq!(seen.len(), 20);
    assert_eq!(report.release.released, 20);
    assert_eq!(
        queue.visible(),
        50,
        "visible again right away, not after the hold"
    );
}
