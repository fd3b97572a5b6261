//! Headless: `p` through the router, the supervisor and the simulated world, read-only,
//! to the viewer; the queue still holds every message afterwards, each received once more.

use std::collections::BTreeMap;

use ratatui::crossterm::event::{KeyCode, KeyEvent};
use tokio::sync::mpsc;
use tokio_util::sync::CancellationToken;

use super::tests::{new_app, settle};
use super::*;
use crate::app::effect::{PeekRequest, Work};
use crate::app::jobs::{JobEnd, JobId};
use crate::app::modals::Modal;
use crate::app::target::Target;
use crate::app::views::resource_table::TableView;
use crate::app::views::viewer::MessagesView;
use crate::domain::Queue;
use crate::messages::risk::at_receive_limit;
use crate::messages::{PeekOptions, peek};
use crate::sim::{self, SimFleet};

async fn press(
    app: &mut App,
    supervisor: &mut Supervisor,
    rx: &mut mpsc::UnboundedReceiver<Action>,
    code: KeyCode,
) {
    let effects = update(app, Action::Key(KeyEvent::from(code)));
    settle(app, supervisor, rx, effects).await;
}

/// Moves the table's selection to `url`.
async fn select(
    app: &mut App,
    supervisor: &mut Supervisor,
    rx: &mut mpsc::UnboundedReceiver<Action>,
    url: &str,
) {
    let target = Target::Queue(url.to_string());
    for _ in 0..200 {
        let table = app.view_as::<TableView>().expect("a table");
        if table.state.selected_row().map(|r| &r.target) == Some(&target) {
            return;
        }
        press(app, supervisor, rx, KeyCode::Char('j')).await;
    }
    panic!("no row for {url}");
}

/// Receive counts by message id, read with a sample of the queue (one more receive each).
async fn receive_counts(backend: &Backend, url: &str) -> BTreeMap<String, u64> {
    let mut read = Vec::new();
    peek(
        backend.messages.as_ref(),
        url,
        &PeekOptions::new(10, 1000),
        &CancellationToken::new(),
        &mut read,
    )
    .await;
    read.into_iter()
        .map(|m| (m.message_id.clone(), m.receive_count().unwrap_or(0)))
        .collect()
}

async fn held(backend: &Backend, url: &str) -> u64 {
    let queue = backend.queues.describe_queue(url).await.expect("describe");
    queue.counts.visible + queue.counts.in_flight
}

/// Drives `p` on `queue` in a read-only app over a read-only backend, confirming with `y`
/// when the dialog opens; returns the viewer's messages.
async fn peek_through_the_tui(
    queue: fn(&Queue, &App) -> bool,
    table: &str,
) -> (Queue, Vec<String>, bool) {
    let backend = sim::backend(SimFleet::demo().frozen()).read_only();
    let (tx, mut rx) = mpsc::unbounded_channel();
    let mut supervisor = Supervisor::new(backend.clone(), tx, 4);
    let mut app = new_app();
    app.read_only = true;
    let effects = crate::app::update::start(&mut app);
    settle(&mut app, &mut supervisor, &mut rx, effects).await;
    let queue = app
        .inventory
        .queues()
        .iter()
        .find(|q| queue(q, &app))
        .cloned()
        .expect("a demo queue holding messages");
    let before = held(&backend, &queue.url).await;
    assert!(before > 0);

    let effects = update(&mut app, Action::Key(KeyEvent::from(KeyCode::Char(':'))));
    settle(&mut app, &mut supervisor, &mut rx, effects).await;
    for c in table.chars() {
        press(&mut app, &mut supervisor, &mut rx, KeyCode::Char(c)).await;
    }
    press(&mut app, &mut supervisor, &mut rx, KeyCode::Enter).await;
    select(&mut app, &mut supervisor, &mut rx, &queue.url).await;
    press(&mut app, &mut supervisor, &mut rx, KeyCode::Char('p')).await;
    let asked = matches!(app.modal, Some(Modal::Confirm(_)));
    if asked {
        press(&mut app, &mut supervisor, &mut rx, KeyCode::Char('y')).await;
    }

    let viewer = app
        .view_as::<MessagesView>()
        .unwrap_or_else(|| panic!("the viewer, got {:?} ({:?})", app.view(), app.message));
    let ids: Vec<String> = viewer
        .messages
        .iter()
        .map(|m| m.message_id.clone())
        .collect();
    assert!(!ids.is_empty() && ids.len() <= 10, "{ids:?}");
    assert!(
        viewer
            .title
            .starts_with(&format!("sample of {} from {}", ids.len(), queue.name))
    );
    assert!(
        app.message
            .as_ref()
            .is_some_and(|m| m.text.contains("all visible again")),
        "{:?}",
        app.message
    );

    // Nothing was deleted, everything is visible again, and the peek counted as one receive.
    assert_eq!(held(&backend, &queue.url).await, before);
    let after = receive_counts(&backend, &queue.url).await;
    let max = queue.max_receive_count();
    for (id, message) in ids.iter().zip(&viewer.messages) {
        let shown = message.receive_count().expect("a receive count");
        if at_receive_limit(message, max) {
            // Flagged in the viewer: the next receive (this check's) moved it to the DLQ.
            assert_eq!(after.get(id), None, "{id} was at its limit");
        } else {
            assert_eq!(after.get(id), Some(&(shown + 1)), "{id} is still there");
        }
    }
    (queue, ids, asked)
}

#[tokio::test]
async fn p_on_a_demo_dlq_peeks_at_once_in_read_only_and_the_messages_stay() {
    let (queue, _, asked) = peek_through_the_tui(
        |q, app| {
            q.max_receive_count().is_none() && app.inventory.is_dlq(&q.arn) && q.counts.visible > 0
        },
        "dlq",
    )
    .await;
    assert!(!asked, "{} has no redrive policy: no dialog", queue.name);
}

#[tokio::test]
async fn p_on_a_demo_source_queue_asks_then_peeks_in_read_only() {
    let (queue, _, asked) = peek_through_the_tui(
        |q, _| q.max_receive_count().is_some() && q.counts.visible > 0,
        "queues",
    )
    .await;
    assert!(
        asked,
        "{} has a redrive policy: the dialog asks",
        queue.name
    );
}

/// The world's reader, except that every receive after the first long-polls forever; says
/// when one starts to.
struct SlowAfterFirst {
    inner: std::sync::Arc<dyn crate::aws::MessageReader>,
    receives: std::sync::atomic::AtomicUsize,
    stuck: std::sync::Arc<tokio::sync::Notify>,
}

#[async_trait::async_trait]
impl crate::aws::MessageReader for SlowAfterFirst {
    async fn receive_messages(
        &self,
        url: &str,
        request: crate::domain::message::ReceiveRequest,
    ) -> Result<Vec<crate::domain::message::ReceivedMessage>, crate::aws::ApiError> {
        if self
            .receives
            .fetch_add(1, std::sync::atomic::Ordering::SeqCst)
            > 0
        {
            // A long poll under way when the job is cancelled: it answers a moment later,
            // with messages that must be released too.
            self.stuck.notify_one();
            tokio::time::sleep(std::time::Duration::from_millis(500)).await;
        }
        self.inner.receive_messages(url, request).await
    }

    async fn change_visibility(
        &self,
        url: &str,
        entries: &[crate::domain::message::HandleEntry],
        timeout: u32,
    ) -> Result<crate::domain::message::BatchOutcome, crate::aws::ApiError> {
        self.inner.change_visibility(url, entries, timeout).await
    }

    async fn list_move_tasks(
        &self,
        arn: &str,
    ) -> Result<Vec<crate::domain::message::MoveTask>, crate::aws::ApiError> {
        self.inner.list_move_tasks(arn).await
    }
}

/// A sweep job (job 99) on a demo queue, stopped in its second long poll; returns the world,
/// the queue, its counts before, and the supervisor running the job.
async fn a_sweep_stuck_in_a_long_poll() -> (
    crate::aws::Backend,
    crate::domain::Queue,
    crate::domain::QueueCounts,
    Supervisor,
) {
    let world = sim::backend(SimFleet::demo().frozen()).read_only();
    let (tx, mut rx) = mpsc::unbounded_channel();
    let mut supervisor = Supervisor::new(world.clone(), tx.clone(), 4);
    let mut app = new_app();
    let effects = crate::app::update::start(&mut app);
    settle(&mut app, &mut supervisor, &mut rx, effects).await;
    let queue = app
        .inventory
        .queues()
        .iter()
        .find(|q| q.counts.visible > 0)
        .cloned()
        .expect("a demo queue holding messages");
    let before = world
        .queues
        .describe_queue(&queue.url)
        .await
        .expect("describe")
        .counts;

    let stuck = std::sync::Arc::new(tokio::sync::Notify::new());
    let mut backend = world.clone();
    backend.messages = std::sync::Arc::new(SlowAfterFirst {
        inner: world.messages.clone(),
        receives: Default::default(),
        stuck: stuck.clone(),
    });
    let mut supervisor = Supervisor::new(backend, tx, 1);
    supervisor.start(
        JobId(99),
        Work::Peek(PeekRequest {
            queue_url: queue.url.clone(),
            queue_name: queue.name.clone(),
            // A sweep: what it reads stays held while it goes on.
            count: 40,
            max_receive_count: None,
            dlq_name: None,
        }),
    );
    stuck.notified().await;
    let held_during = world
        .queues
        .describe_queue(&queue.url)
        .await
        .expect("describe");
    assert!(
        held_during.counts.in_flight > before.in_flight,
        "the sweep holds messages"
    );
    (world, queue, before, supervisor)
}

#[tokio::test]
async fn cancelling_a_peek_job_lets_it_release_what_it_holds() {
    let (world, queue, before, mut supervisor) = a_sweep_stuck_in_a_long_poll().await;
    supervisor.cancel(JobId(99));
    assert_eq!(
        supervisor.next_end().await,
        Some(Action::JobEnded {
            id: JobId(99),
            end: JobEnd::Cancelled
        })
    );
    let after = world
        .queues
        .describe_queue(&queue.url)
        .await
        .expect("describe");
    assert_eq!(
        after.counts.in_flight, before.in_flight,
        "released on cancel"
    );
    assert_eq!(after.counts.visible, before.visible);
}

/// Quitting cancels every job and then waits for those that finish what they started.
#[tokio::test]
async fn quitting_waits_for_a_cancelled_job_to_finish_what_it_started() {
    let (world, queue, before, mut supervisor) = a_sweep_stuck_in_a_long_poll().await;
    supervisor.cancel_all();
    let left = supervisor.drain(std::time::Duration::from_secs(5)).await;
    assert_eq!(left, 0, "the sweep ended within its grace");
    let after = world
        .queues
        .describe_queue(&queue.url)
        .await
        .expect("describe");
    assert_eq!(
        after.counts.in_flight, before.in_flight,
        "what it held is visible again: it was not dropped mid-sweep"
    );
}
