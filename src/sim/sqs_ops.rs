//! The SQS calls on the world: receive (with dead-lettering), send, delete, change
//! visibility, purge — with the batch rules and the per-entry failures SQS answers with.

use std::collections::BTreeSet;

use super::queue::{Received, Receiver, Refusal};
use super::stored::Incoming;
use super::world::{World, aws_error};
use crate::aws::ApiError;
use crate::domain::message::{
    BatchOutcome, BatchSuccess, EntryFailure, HandleEntry, OutgoingMessage,
};

const MAX_BATCH: usize = 10;

/// The checks SQS makes on a whole batch before looking at any entry.
fn check_batch<'a>(
    operation: &str,
    ids: impl ExactSizeIterator<Item = &'a str>,
) -> Result<(), ApiError> {
    if ids.len() > MAX_BATCH {
        return Err(aws_error(
            operation,
            "AWS.SimpleQueueService.TooManyEntriesInBatchRequest",
            400,
            "Maximum number of entries per request are 10.",
        ));
    }
    let mut seen = BTreeSet::new();
    for id in ids {
        let well_formed = !id.is_empty()
            && id.len() <= 80
            && id
                .chars()
                .all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '_');
        if !well_formed {
            return Err(aws_error(
                operation,
                "AWS.SimpleQueueService.InvalidBatchEntryId",
                400,
                "A batch entry id can only contain alphanumeric characters, hyphens and underscores. It can be at most 80 letters long.",
            ));
        }
        if !seen.insert(id) {
            return Err(aws_error(
                operation,
                "AWS.SimpleQueueService.BatchEntryIdsNotDistinct",
                400,
                &format!("Id {id} repeated."),
            ));
        }
    }
    Ok(())
}

fn failure(id: &str, refusal: Refusal) -> EntryFailure {
    EntryFailure {
        id: id.to_string(),
        code: refusal.code.to_string(),
        message: refusal.message,
        sender_fault: true,
    }
}

fn success(id: &str, message_id: Option<String>) -> BatchSuccess {
    BatchSuccess {
        id: id.to_string(),
        message_id,
    }
}

impl World {
    /// `ReceiveMessage`. Messages past `maxReceiveCount` move to the DLQ instead of
    /// being returned, with `DeadLetterQueueSourceArn`.
    pub fn receive(
        &mut self,
        queue: usize,
        max: usize,
        visibility_s: Option<u32>,
        receiver: Receiver,
    ) -> Received {
        let now = self.now_ms;
        let target = self.dead_letter_target(queue);
        let visibility = visibility_s.unwrap_or(self.queues[queue].spec.visibility_timeout_s);
        let mut received = self.queues[queue].receive(
            now,
            max,
            visibility,
            target.map(|(_, max_receive)| max_receive),
            &mut self.rng,
            receiver,
        );
        if let Some((dlq, _)) = target {
            for message in std::mem::take(&mut received.dead_letters) {
                self.dead_letter(queue, dlq, message);
            }
        }
        received
    }

    /// What SQS does when a receive exceeds `maxReceiveCount`: the same message (id,
    /// body, attributes) in the DLQ, naming its source. A standard queue keeps the
    /// original enqueue time (retention runs on; `SentTimestamp` unchanged); a FIFO
    /// queue's DLQ restarts it (SQS developer guide, dead-letter queue retention). The
    /// receive count carries on: SQS does not document it, and carrying it on is what
    /// peeks at real DLQs show (maxReceiveCount + 1 on the first receive there).
    fn dead_letter(&mut self, source: usize, dlq: usize, mut message: Incoming) {
        let now = self.now_ms;
        message.dlq_source_arn = Some(self.queues[source].arn.clone());
        message.delay_s = Some(0);
        if self.queues[dlq].spec.fifo {
            message.sent_ms = now;
        }
        // Not a send: NumberOfMessagesSent does not count it, as in SQS.
        self.queues[dlq].enqueue(message, now, false);
    }

    /// `SendMessageBatch`.
    pub fn send(
        &mut self,
        queue: usize,
        entries: &[OutgoingMessage],
    ) -> Result<BatchOutcome, ApiError> {
        const OPERATION: &str = "SendMessageBatch";
        check_batch(OPERATION, entries.iter().map(|e| e.id.as_str()))?;
        let limit = self.queues[queue].spec.max_message_size;
        let total: usize = entries
            .iter()
            .map(|e| crate::domain::message::sqs_size(&e.body, &e.message_attributes))
            .sum();
        if total > limit {
            return Err(aws_error(
                OPERATION,
                "AWS.SimpleQueueService.BatchRequestTooLong",
                400,
                &format!("Batch requests cannot be longer than {limit} bytes."),
            ));
        }
        let mut outcome = BatchOutcome::default();
        for entry in entries {
            let id = self.rng.uuid();
            match self.send_one(queue, incoming(entry, self.now_ms, id)) {
                Ok(message_id) => outcome
                    .successful
                    .push(success(&entry.id, Some(message_id))),
                Err(refusal) => outcome.failed.push(failure(&entry.id, refusal)),
            }
        }
        Ok(outcome)
    }

    /// One message into a queue, as a send: validated, deduplicated, counted.
    pub(super) fn send_one(&mut self, queue: usize, message: Incoming) -> Result<String, Refusal> {
        let now = self.now_ms;
        let target = &mut self.queues[queue];
        target.validate(&message)?;
        let enqueued = target.enqueue(message, now, true);
        if matches!(enqueued, super::queue::Enqueued::Added(_)) {
            target.metrics.counters.sent += 1;
        }
        target.metrics.touched(now);
        Ok(enqueued.message_id().to_string())
    }

    /// `DeleteMessageBatch`.
    pub fn delete(
        &mut self,
        queue: usize,
        entries: &[HandleEntry],
    ) -> Result<BatchOutcome, ApiError> {
        check_batch("DeleteMessageBatch", entries.iter().map(|e| e.id.as_str()))?;
        let now = self.now_ms;
        let mut outcome = BatchOutcome::default();
        for entry in entries {
            match self.queues[queue].delete(&entry.receipt_handle, now) {
                Ok(_) => outcome.successful.push(success(&entry.id, None)),
                Err(refusal) => outcome.failed.push(failure(&entry.id, refusal)),
            }
        }
        Ok(outcome)
    }

    /// `ChangeMessageVisibilityBatch`.
    pub fn change_visibility(
        &mut self,
        queue: usize,
        entries: &[HandleEntry],
        timeout_s: u32,
    ) -> Result<BatchOutcome, ApiError> {
        check_batch(
            "ChangeMessageVisibilityBatch",
            entries.iter().map(|e| e.id.as_str()),
        )?;
        let now = self.now_ms;
        let mut outcome = BatchOutcome::default();
        for entry in entries {
            match self.queues[queue].change_visibility(&entry.receipt_handle, timeout_s, now) {
                Ok(()) => outcome.successful.push(success(&entry.id, None)),
                Err(refusal) => outcome.failed.push(failure(&entry.id, refusal)),
            }
        }
        Ok(outcome)
    }

    /// `PurgeQueue`.
    pub fn purge(&mut self, queue: usize) -> Result<usize, ApiError> {
        let now = self.now_ms;
        self.queues[queue]
            .purge(now)
            .map_err(|r| aws_error("PurgeQueue", r.code, 403, &r.message))
    }
}

fn incoming(entry: &OutgoingMessage, now_ms: i64, id: String) -> Incoming {
    Incoming {
        message_attributes: entry.message_attributes.clone(),
        delay_s: entry.delay_seconds,
        group_id: entry.group_id.clone(),
        dedup_id: entry.deduplication_id.clone(),
        trace_header: entry.trace_header.clone(),
        ..Incoming::new(id, entry.body.clone(), now_ms)
    }
}
