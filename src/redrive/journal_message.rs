//! What the journal says about one DLQ message, built up line by line as the journal is
//! read back and merged across the journals of one DLQ: whether it was sent, deleted, or
//! possibly sent (an attempt without an answer) and when each such attempt started.

use super::journal::Entry;

/// What the journal says about one DLQ message.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct MessageState {
    pub body_md5: String,
    /// MD5 of the message attributes (SQS's algorithm), when the journal recorded it.
    pub attributes_md5: Option<String>,
    pub receipt: String,
    pub destination: String,
    /// The last attempt went out and no answer is recorded (the run was killed meanwhile).
    pub sending: bool,
    /// Attempts whose answer was lost: each may have made a copy.
    pub unanswered: u32,
    pub destination_id: Option<String>,
    pub deleted: bool,
    /// When the attempt now going out started (its "sending" line), if known.
    pub sending_ms: Option<u64>,
    /// When each attempt whose answer was lost started (`None`: a journal without times).
    pub unanswered_ms: Vec<Option<u64>>,
}

impl MessageState {
    /// Sent for sure and not yet deleted from the DLQ: delete, never send again.
    pub fn sent_not_deleted(&self) -> bool {
        self.destination_id.is_some() && !self.deleted
    }

    /// An attempt without a known answer: sending again may make a duplicate.
    pub fn possibly_sent(&self) -> bool {
        self.possible_copies() > 0 && self.destination_id.is_none() && !self.deleted
    }

    /// Copies that attempts without an answer may have made.
    pub fn possible_copies(&self) -> u32 {
        self.unanswered + u32::from(self.sending)
    }

    /// When each attempt that may have made a copy started (`None`: not known), one per
    /// [`MessageState::possible_copies`].
    pub fn copy_times(&self) -> Vec<Option<u64>> {
        let mut times = self.unanswered_ms.clone();
        // Lines of an older squall counted lost answers without times.
        let untimed = (self.unanswered as usize).saturating_sub(times.len());
        times.extend(std::iter::repeat_n(None, untimed));
        if self.sending {
            times.push(self.sending_ms);
        }
        times
    }

    /// Whether `body` is the body this state was recorded for (or none was recorded).
    pub fn same_body(&self, body: &str) -> bool {
        self.body_md5.is_empty() || self.body_md5 == crate::domain::md5::md5_hex(body.as_bytes())
    }

    /// This state followed by `later` (a later journal of the same DLQ): a message sent by
    /// either was sent; every lost answer counts; a message received again after it was
    /// deleted was not deleted after all.
    pub fn merge(&mut self, later: &MessageState) {
        let received_again = !later.body_md5.is_empty();
        if received_again {
            self.body_md5.clone_from(&later.body_md5);
            self.attributes_md5.clone_from(&later.attributes_md5);
            self.receipt.clone_from(&later.receipt);
            self.destination.clone_from(&later.destination);
        }
        if later.destination_id.is_some() {
            self.destination_id.clone_from(&later.destination_id);
        }
        self.unanswered += later.unanswered;
        self.unanswered_ms.extend(
            later
                .copy_times()
                .into_iter()
                .take(later.unanswered as usize),
        );
        if later.sending {
            self.sending_ms = later.sending_ms;
        }
        self.sending |= later.sending;
        self.deleted = later.deleted || (self.deleted && !received_again);
    }

    /// Applies one journal line about this message (its time not known).
    pub fn apply(&mut self, entry: &Entry) {
        self.apply_at(entry, None);
    }

    /// Applies one journal line about this message, written at `at_ms`.
    pub fn apply_at(&mut self, entry: &Entry, at_ms: Option<u64>) {
        match entry {
            Entry::Received {
                body_md5,
                receipt,
                destination,
                attributes_md5,
                ..
            } => {
                self.body_md5.clone_from(body_md5);
                self.attributes_md5.clone_from(attributes_md5);
                self.receipt.clone_from(receipt);
                self.destination.clone_from(destination);
            }
            Entry::Sending { .. } => {
                self.sending = true;
                self.sending_ms = at_ms;
            }
            Entry::Unanswered { .. } => {
                // The copy may have reached SQS as soon as the attempt went out: its
                // deduplication window is counted from then (the later, the fewer copies).
                let started = if self.sending { self.sending_ms } else { None };
                self.unanswered_ms.push(started.or(at_ms));
                self.sending = false;
                self.unanswered += 1;
            }
            Entry::Sent { destination_id, .. } => {
                self.sending = false;
                self.destination_id = Some(destination_id.clone());
            }
            Entry::Deleted { .. } => self.deleted = true,
            Entry::Plan { .. } | Entry::End { .. } => {}
        }
    }
}
