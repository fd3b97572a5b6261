//! Honest peek. SQS has no true peek: every receive counts toward `maxReceiveCount` and hides
//! the message from its consumers while squall holds it. So a peek never deletes, holds
//! messages as briefly as its shape allows, and always gives them back:
//!
//! * **sample** (at most 10): one long-poll receive, and visibility reset to 0 right after;
//! * **sweep** (more than 10, up to a cap): to see distinct messages, the ones already read
//!   stay invisible (a short hold, extended while the sweep runs) and are all released at the
//!   end, on cancel and on error.
//!
//! The result is a sample of what the queue holds, not a listing: which messages SQS hands
//! out cannot be chosen.

use std::time::Duration;

use tokio::time::Instant;
use tokio_util::sync::CancellationToken;

use super::held::{Held, Release};
use crate::aws::{ApiError, MessageReader};
use crate::domain::message::{EntryFailure, ReceiveRequest, ReceivedMessage};

/// SQS hands out at most 10 messages per receive.
pub const MAX_PER_RECEIVE: usize = 10;
/// The most messages one sweep reads unless the configuration says otherwise.
pub const DEFAULT_SWEEP_CAP: usize = 1_000;
/// How long a sweep holds the messages it read (extended while it runs). Short, so that
/// messages squall cannot release (it was killed) come back soon by themselves.
pub const DEFAULT_HOLD_SECONDS: u32 = 30;
/// Long polling: SQS asks all its servers and answers as soon as messages are there.
pub const DEFAULT_WAIT_SECONDS: u8 = 2;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PeekShape {
    Sample,
    Sweep,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct PeekOptions {
    /// How many distinct messages to read.
    pub count: usize,
    pub wait_seconds: u8,
    pub hold_seconds: u32,
    pub sweep_cap: usize,
}

/// Asked for a peek that cannot be run.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum PeekOptionsError {
    #[error("a peek reads at least one message")]
    Nothing,
    #[error(
        "{requested} messages is more than the sweep cap of {cap} (messages.sweep_cap in the config)"
    )]
    OverCap { requested: usize, cap: usize },
    #[error("the hold must be between 1 and 43200 seconds (SQS's visibility limit), not {0}")]
    Hold(u32),
}

impl PeekOptions {
    pub fn new(count: usize, sweep_cap: usize) -> PeekOptions {
        PeekOptions {
            count,
            wait_seconds: DEFAULT_WAIT_SECONDS,
            hold_seconds: DEFAULT_HOLD_SECONDS,
            sweep_cap,
        }
    }

    pub fn shape(&self) -> PeekShape {
        if self.count <= MAX_PER_RECEIVE {
            PeekShape::Sample
        } else {
            PeekShape::Sweep
        }
    }

    pub fn check(&self) -> Result<(), PeekOptionsError> {
        if self.count == 0 {
            return Err(PeekOptionsError::Nothing);
        }
        if self.count > self.sweep_cap.max(MAX_PER_RECEIVE) {
            return Err(PeekOptionsError::OverCap {
                requested: self.count,
                cap: self.sweep_cap,
            });
        }
        if self.hold_seconds == 0 || self.hold_seconds > 43_200 {
            return Err(PeekOptionsError::Hold(self.hold_seconds));
        }
        Ok(())
    }

    /// Receive calls needed when every receive returns 10 new messages.
    pub fn planned_receives(&self) -> usize {
        self.count.div_ceil(MAX_PER_RECEIVE)
    }

    fn hold(&self) -> Duration {
        Duration::from_secs(u64::from(self.hold_seconds))
    }
}

/// Where a peek's messages go as they are read: a list for the viewer, a file for export.
pub trait PeekSink: Send {
    /// One distinct message. An error stops the peek (the held messages are released).
    fn accept(&mut self, message: ReceivedMessage) -> Result<(), String>;

    /// Called after every receive.
    fn progress(&mut self, _progress: &PeekProgress) {}
}

impl PeekSink for Vec<ReceivedMessage> {
    fn accept(&mut self, message: ReceivedMessage) -> Result<(), String> {
        self.push(message);
        Ok(())
    }
}

#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct PeekProgress {
    /// Distinct messages read so far.
    pub read: usize,
    pub wanted: usize,
    pub receives: usize,
    /// Messages handed out again while held (SQS is at-least-once): their receive count rose
    /// once more, they are not shown twice.
    pub duplicates: usize,
}

/// Why a peek stopped.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum PeekEnd {
    /// As many messages as asked for were read.
    Reached,
    /// A receive came back empty: no more visible messages (or a sample found fewer).
    Drained,
    Cancelled,
    /// A call failed; the messages read before it were kept and released.
    Failed(ApiError),
    /// The sink refused a message (say, the export file could not be written).
    SinkFailed(String),
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PeekReport {
    pub shape: PeekShape,
    pub progress: PeekProgress,
    pub end: PeekEnd,
    /// Messages SQS refused to keep holding during a sweep (deleted by a consumer meanwhile).
    pub hold_lost: Vec<EntryFailure>,
    pub release: Release,
}

/// How a peek takes each batch it receives.
struct Taken {
    shape: PeekShape,
    hold: Duration,
}

impl Taken {
    /// Holds each new message of `batch` (a duplicate is only counted); a sweep hands it to
    /// `sink` at once, a sample keeps it for after the release. Returns the sink's first
    /// error (the rest of the batch is still held, so that it is released).
    fn accept(
        &self,
        batch: Vec<ReceivedMessage>,
        now: Instant,
        held: &mut Held,
        progress: &mut PeekProgress,
        sample: &mut Vec<ReceivedMessage>,
        sink: &mut dyn PeekSink,
    ) -> Option<String> {
        let mut sink_error = None;
        for message in batch {
            if !held.insert(&message.message_id, &message.receipt_handle, now, self.hold) {
                progress.duplicates += 1;
                continue;
            }
            progress.read += 1;
            match self.shape {
                PeekShape::Sample => sample.push(message),
                PeekShape::Sweep => {
                    if sink_error.is_none()
                        && let Err(error) = sink.accept(message)
                    {
                        sink_error = Some(error);
                    }
                }
            }
        }
        sink_error
    }
}

/// Reads up to `options.count` distinct messages from `queue_url` into `sink`, never deleting,
/// and makes every message it read visible again before returning, whatever happened.
///
/// Cancellation is checked between receives (a receive in flight is let finish, so that the
/// messages it returns are released too, not left hidden).
pub async fn peek(
    reader: &dyn MessageReader,
    queue_url: &str,
    options: &PeekOptions,
    cancel: &CancellationToken,
    sink: &mut dyn PeekSink,
) -> PeekReport {
    let shape = options.shape();
    let hold = options.hold();
    let mut held = Held::default();
    let mut progress = PeekProgress {
        wanted: options.count,
        ..PeekProgress::default()
    };
    let mut hold_lost = Vec::new();
    // A sample hands its messages over only after releasing them ("reset right after reading").
    let mut sample: Vec<ReceivedMessage> = Vec::new();

    let end = loop {
        if cancel.is_cancelled() {
            break PeekEnd::Cancelled;
        }
        if progress.read >= options.count {
            break PeekEnd::Reached;
        }
        if shape == PeekShape::Sweep && held.expires_within(Instant::now(), hold / 2) {
            match held.extend(reader, queue_url, hold, Instant::now()).await {
                Ok(lost) => hold_lost.extend(lost),
                Err(error) => break PeekEnd::Failed(error),
            }
        }
        let want = (options.count - progress.read).min(MAX_PER_RECEIVE);
        let request = ReceiveRequest {
            max_messages: u8::try_from(want).unwrap_or(10),
            wait_seconds: options.wait_seconds,
            visibility_timeout_seconds: Some(options.hold_seconds),
        };
        // A receive already sent is never abandoned on cancel: the server may have handed
        // out messages in it, and dropping the answer would strand them, hidden, for the
        // whole hold. The wait is a short long poll (`wait_seconds`), so a cancel waits at
        // most that long; the loop then stops and everything read is released.
        let batch = match reader.receive_messages(queue_url, request).await {
            Ok(batch) => batch,
            Err(error) => break PeekEnd::Failed(error),
        };
        progress.receives += 1;
        if batch.is_empty() {
            break PeekEnd::Drained;
        }
        let (now, taken) = (Instant::now(), Taken { shape, hold });
        let sink_error = taken.accept(batch, now, &mut held, &mut progress, &mut sample, sink);
        sink.progress(&progress);
        if let Some(error) = sink_error {
            break PeekEnd::SinkFailed(error);
        }
        if shape == PeekShape::Sample {
            break if progress.read >= options.count {
                PeekEnd::Reached
            } else {
                PeekEnd::Drained
            };
        }
    };

    let release = held.release(reader, queue_url).await;
    let mut end = end;
    for message in sample {
        if let Err(error) = sink.accept(message) {
            end = PeekEnd::SinkFailed(error);
            break;
        }
    }
    PeekReport {
        shape,
        progress,
        end,
        hold_lost,
        release,
    }
}

#[cfg(test)]
mod tests;
