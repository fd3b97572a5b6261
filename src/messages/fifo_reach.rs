//! What a sweep of a FIFO queue cannot reach. SQS hands out no later message of a group
//! while an earlier one is in flight, and a sweep holds what it read (so that it reads
//! distinct messages): after the first messages of each group it gets nothing more, and an
//! empty receive does not mean the queue was read to its end. Only receiving and deleting
//! (a redrive) gets past a group's head; a read that deletes nothing must say what it left.

use std::collections::BTreeSet;

use super::peek::{PeekEnd, PeekReport, PeekShape};
use crate::aws::QueueDirectory;
use crate::domain::message::ReceivedMessage;

/// Messages a FIFO sweep did not reach, and the groups they sit in (among those read).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Unreached {
    pub messages: u64,
    /// The groups the sweep read (and so held): the messages not reached sit behind them.
    pub groups: Vec<String>,
}

impl Unreached {
    /// One line for the CLI and the status bar.
    pub fn describe(&self) -> String {
        format!(
            "{} message{} not reached: SQS hands out no later message of a FIFO group while \
             an earlier one is held, so a sweep reads only the first messages of each group; \
             they are behind what was read of group{} {} (only a redrive, which deletes, gets \
             past a group's head)",
            self.messages,
            if self.messages == 1 { " was" } else { "s were" },
            if self.groups.len() == 1 { "" } else { "s" },
            self.groups.join(", ")
        )
    }
}

/// The FIFO groups of the messages read.
pub fn groups_read<'a>(
    messages: impl IntoIterator<Item = &'a ReceivedMessage>,
) -> BTreeSet<String> {
    messages
        .into_iter()
        .filter_map(|m| m.group_id().map(str::to_string))
        .collect()
}

/// After a sweep of `queue_url` that found nothing more to receive, with every message it
/// read visible again: what the queue holds beyond them, when it read FIFO groups. None
/// when the sweep reached everything (or was not a sweep that ran dry, or the count could
/// not be read: the caller then says nothing it does not know).
pub async fn unreached(
    directory: &dyn QueueDirectory,
    queue_url: &str,
    report: &PeekReport,
    groups: BTreeSet<String>,
) -> Option<Unreached> {
    if groups.is_empty() || report.shape != PeekShape::Sweep || report.end != PeekEnd::Drained {
        return None;
    }
    let counts = directory.describe_queue(queue_url).await.ok()?.counts;
    let held = counts.visible + counts.in_flight + counts.delayed;
    let messages = held.saturating_sub(report.progress.read as u64);
    (messages > 0).then(|| Unreached {
        messages,
        groups: groups.into_iter().collect(),
    })
}

/// A FIFO queue of groups on the simulated world, for this module's tests and the TUI's.
#[cfg(test)]
pub(crate) mod test_world {
    use crate::domain::message::OutgoingMessage;
    use crate::sim::{FleetSpec, ManualClock, QueueSpec, SimFleet, WorldSettings};

    /// A FIFO queue of `groups` groups of `each` messages, on the simulated world.
    pub(crate) async fn fifo_queue(groups: usize, each: usize) -> (crate::aws::Backend, String) {
        let clock = ManualClock::following_tokio(ManualClock::DEFAULT_START_MS);
        let spec = FleetSpec {
            queues: vec![QueueSpec::new("jobs.fifo")],
            ..FleetSpec::default()
        };
        let fleet = SimFleet::with_settings(spec, 1, clock, WorldSettings::default());
        let backend = crate::sim::backend(fleet);
        let url = crate::aws::resolve::queue(&backend, "jobs.fifo")
            .await
            .expect("queue")
            .url;
        let writers = backend.writers("test").expect("writers");
        let all: Vec<OutgoingMessage> = (0..groups * each)
            .map(|i| OutgoingMessage {
                id: i.to_string(),
                body: format!("m{i}"),
                message_attributes: Default::default(),
                delay_seconds: None,
                group_id: Some(format!("g{}", i / each)),
                deduplication_id: Some(format!("d{i}")),
                trace_header: None,
            })
            .collect();
        for chunk in all.chunks(10) {
            writers
                .queues
                .send_messages(&url, chunk)
                .await
                .expect("send");
        }
        (backend, url)
    }
}

#[cfg(test)]
mod tests {
    use tokio_util::sync::CancellationToken;

    use super::test_world::fifo_queue;
    use super::*;
    use crate::messages::{PeekOptions, peek};

    async fn sweep(backend: &crate::aws::Backend, url: &str) -> (PeekReport, Vec<ReceivedMessage>) {
        let options = PeekOptions {
            wait_seconds: 0,
            ..PeekOptions::new(1_000, 1_000)
        };
        let mut read = Vec::new();
        let report = peek(
            backend.messages.as_ref(),
            url,
            &options,
            &CancellationToken::new(),
            &mut read,
        )
        .await;
        (report, read)
    }

    #[tokio::test(start_paused = true)]
    async fn a_fifo_sweep_says_how_many_it_did_not_reach_and_behind_which_groups() {
        let (backend, url) = fifo_queue(3, 20).await;
        let (report, read) = sweep(&backend, &url).await;
        assert_eq!(report.end, PeekEnd::Drained);
        let groups = groups_read(&read);
        let left = unreached(backend.queues.as_ref(), &url, &report, groups).await;
        let left = left.expect("not everything was reached");
        assert_eq!(left.messages, 60 - read.len() as u64, "{left:?}");
        assert!(left.messages > 0);
        assert_eq!(left.groups, vec!["g0", "g1", "g2"]);
        let line = left.describe();
        assert!(line.starts_with(&format!("{} messages were not reached", left.messages)));
        assert!(line.contains("groups g0, g1, g2"), "{line}");
    }

    #[tokio::test(start_paused = true)]
    async fn a_fifo_sweep_that_read_everything_says_nothing() {
        let (backend, url) = fifo_queue(3, 5).await;
        let (report, read) = sweep(&backend, &url).await;
        assert_eq!(read.len(), 15);
        let groups = groups_read(&read);
        assert_eq!(
            unreached(backend.queues.as_ref(), &url, &report, groups).await,
            None
        );
    }
}
