//! The redrive job on the simulated world (tokio's clock paused, the world's following it):
//! its progress reports, their rate, and the summary it sends before it ends.

use tokio::sync::mpsc;
use tokio_util::sync::CancellationToken;

use super::*;
use crate::app::jobs::JobId;
use crate::domain::message::{OutgoingMessage, ReceiveRequest};
use crate::sim::{FleetSpec, ManualClock, QueueSpec, SimFleet, WorldSettings};

fn world() -> Backend {
    let clock = ManualClock::following_tokio(ManualClock::DEFAULT_START_MS);
    let settings = WorldSettings {
        max_catch_up_ms: 24 * 3600 * 1000,
        ..WorldSettings::default()
    };
    let spec = FleetSpec {
        queues: vec![
            QueueSpec::new("a").with_dlq("a-dlq", 1),
            QueueSpec::new("a-dlq"),
        ],
        ..FleetSpec::default()
    };
    crate::sim::backend(SimFleet::with_settings(spec, 1, clock, settings))
}

/// `n` messages in a-dlq, dead-lettered from a the way SQS does it.
async fn dead_letters(backend: &Backend, n: usize) -> (String, String) {
    let a = crate::aws::resolve::queue(backend, "a").await.expect("a");
    let dlq = crate::aws::resolve::queue(backend, "a-dlq")
        .await
        .expect("dlq");
    let writers = backend.writers("test").expect("writers");
    let messages: Vec<OutgoingMessage> = (0..n)
        .map(|i| OutgoingMessage {
            id: i.to_string(),
            body: format!("m{i}"),
            message_attributes: Default::default(),
            delay_seconds: None,
            group_id: None,
            deduplication_id: None,
            trace_header: None,
        })
        .collect();
    for chunk in messages.chunks(10) {
        writers
            .queues
            .send_messages(&a.url, chunk)
            .await
            .expect("send");
    }
    let request = ReceiveRequest {
        max_messages: 10,
        wait_seconds: 0,
        visibility_timeout_seconds: Some(0),
    };
    while !backend
        .messages
        .receive_messages(&a.url, request)
        .await
        .expect("receive")
        .is_empty()
    {}
    (a.url, dlq.url)
}

fn context(backend: &Backend) -> (JobContext, mpsc::UnboundedReceiver<Action>) {
    let (tx, rx) = mpsc::unbounded_channel();
    let job = JobContext {
        id: JobId(7),
        backend: backend.clone(),
        tx: tx.into(),
        cancel: CancellationToken::new(),
        concurrency: 4,
    };
    (job, rx)
}

#[test]
fn a_snapshot_is_reported_only_when_more_than_its_time_changed() {
    let mut reporter = Reporter::default();
    let first = RedriveSnapshot {
        elapsed_ms: 250,
        moved: 3,
        ..RedriveSnapshot::default()
    };
    assert!(reporter.offer(first.clone()).is_some());
    let later = RedriveSnapshot {
        elapsed_ms: 500,
        ..first.clone()
    };
    assert_eq!(reporter.offer(later), None, "nothing new: nothing sent");
    let moved = RedriveSnapshot {
        elapsed_ms: 750,
        moved: 4,
        ..first
    };
    assert_eq!(reporter.offer(moved).map(|s| s.moved), Some(4));
}

#[tokio::test(start_paused = true)]
async fn a_native_run_reports_progress_a_few_times_a_second_then_its_summary() {
    let backend = world();
    let (source, dlq) = dead_letters(&backend, 40).await;
    let (job, mut rx) = context(&backend);
    let op = RedriveOp {
        dlq_url: dlq.clone(),
        dlq_name: "a-dlq".into(),
        settings: RedriveSettings {
            rate: Some(10),
            ..RedriveSettings::default()
        },
        plan: None,
    };
    let started = Instant::now();
    let end = run(op, job).await;
    let took = started.elapsed();
    assert!(
        matches!(&end, JobEnd::Done(Some(text)) if text.starts_with("moved 40")),
        "{end:?}"
    );
    let mut progress = Vec::new();
    let mut finished = None;
    while let Ok(action) = rx.try_recv() {
        match action {
            Action::RedriveProgress { snapshot, .. } => progress.push(*snapshot),
            Action::RedriveFinished { result, .. } => finished = Some(result),
            _ => {}
        }
    }
    let summary = finished.expect("the summary").expect("a run");
    assert_eq!((summary.mode, summary.moved), (Mode::Native, 40));
    assert_eq!(summary.left_in_dlq, Some(0));
    let most = (took.as_millis() as usize / 250) + 2;
    assert!(
        !progress.is_empty() && progress.len() <= most,
        "{} reports in {took:?}",
        progress.len()
    );
    assert_eq!(
        progress.last().map(|s| (s.moved, s.expected)),
        Some((40, Some(40)))
    );
    let source = backend.queues.describe_queue(&source).await.expect("a");
    assert_eq!(
        source.counts.visible, 40,
        "every message back at its source"
    );
}

#[tokio::test(start_paused = true)]
async fn a_run_whose_plan_fails_says_why_in_its_summary_and_its_end() {
    let backend = world();
    let (source, _) = dead_letters(&backend, 1).await;
    let (job, mut rx) = context(&backend);
    // "a" is nobody's DLQ: the plan finds no destination.
    let op = RedriveOp {
        dlq_url: source,
        dlq_name: "a".into(),
        settings: RedriveSettings::default(),
        plan: None,
    };
    let end = run(op, job).await;
    assert!(
        matches!(&end, JobEnd::Failed(why) if why.contains("no queue or subscription")),
        "{end:?}"
    );
    let finished = std::iter::from_fn(|| rx.try_recv().ok()).find_map(|a| match a {
        Action::RedriveFinished { result, .. } => Some(result),
        _ => None,
    });
    assert!(matches!(finished, Some(Err(_))));
}

/// After a canary the job watches (reporting its status), sends the verdict and ends with
/// its line. Here a "consumer" fails every message it gets (receives it twice:
/// maxReceiveCount 1), so the moved messages come back and it is not safe. The canary runs
/// through the engine with a journal folder of the test's own.
#[tokio::test(start_paused = true)]
async fn a_canary_job_watches_and_ends_with_its_verdict() {
    use crate::redrive::canary::{CanaryRun, Outcome, WatchClock};
    let backend = world();
    let (source, dlq) = dead_letters(&backend, 8).await;
    let failing = backend.clone();
    let source_url = source.clone();
    tokio::spawn(async move {
        let request = ReceiveRequest {
            max_messages: 10,
            wait_seconds: 0,
            visibility_timeout_seconds: Some(0),
        };
        loop {
            tokio::time::sleep(std::time::Duration::from_secs(5)).await;
            let _ = failing
                .messages
                .receive_messages(&source_url, request)
                .await;
        }
    });
    let settings = RedriveSettings {
        canary: Some(3),
        ..RedriveSettings::default()
    };
    let plan = plan_for(&backend, &dlq, &settings, None, None)
        .await
        .expect("plan");
    let clock = WatchClock::start();
    let started_ms = clock.now_ms();
    let dir = std::env::temp_dir().join(format!("squall-canary-job-{}", std::process::id()));
    let options = RunOptions {
        moves: MoveOptions {
            limit: settings.run_limit(),
            ..MoveOptions::default()
        },
        journal_dir: dir.clone(),
        resume: None,
    };
    let summary = execute(
        &backend,
        &plan,
        &options,
        &RunProgress::default(),
        &CancellationToken::new(),
    )
    .await
    .expect("the canary");
    let op = RedriveOp {
        dlq_url: dlq,
        dlq_name: "a-dlq".into(),
        settings,
        plan: None,
    };
    assert!(canary_to_watch(&op, &summary), "{summary:?}");
    let canary = CanaryRun::from_journal(
        &plan,
        summary.journal.as_deref().expect("journal"),
        started_ms,
    )
    .expect("canary");
    let (job, mut rx) = context(&backend);
    let end = super::super::redrive_canary::watch_canary(
        &canary,
        &job,
        &clock,
        JobEnd::Done(None),
        &crate::redrive::canary::WatchOptions::default(),
    )
    .await;
    let _ = std::fs::remove_dir_all(&dir);
    assert!(
        matches!(&end, JobEnd::Done(Some(line)) if line.ends_with("→ do not continue")),
        "{end:?}"
    );
    let (mut watched, mut verdict) = (0, None);
    while let Ok(action) = rx.try_recv() {
        match action {
            Action::CanaryWatch { status, .. } => {
                watched += 1;
                assert_eq!(
                    status.length_s, 120,
                    "maxReceiveCount 1 × 30 s, at least 2 minutes"
                );
            }
            Action::CanaryVerdict { verdict: v, .. } => verdict = Some(*v),
            _ => {}
        }
    }
    assert!(watched > 0, "the watch is reported");
    let verdict = verdict.expect("a verdict");
    assert_eq!(verdict.verdict, Outcome::NotSafe);
    assert!(verdict.back_in_dlq.is_some_and(|b| b > 0), "{verdict:?}");
    let native = RedriveOp {
        settings: RedriveSettings::default(),
        ..op
    };
    assert!(!canary_to_watch(&native, &summary), "no canary, no watch");
}
