//! What a manual run's end says when it is not simply done: a failure and the messages it
//! left in both queues, messages still hidden in the DLQ, FIFO groups stopped.

use super::mover::MoveOptions;

/// A failure's text with what it leaves behind: messages sent and still in the DLQ.
pub(super) fn in_both_queues(why: String, sent_not_deleted: u64) -> String {
    if sent_not_deleted == 0 {
        return why;
    }
    format!(
        "{why}. {sent_not_deleted} messages are now in both queues (sent, still in the DLQ): \
         once squall may delete, the same redrive run again deletes them without sending them \
         again"
    )
}

/// What a run whose FIFO groups stopped left behind.
pub(super) fn groups_stopped(groups: &[(String, u64)]) -> String {
    let names: Vec<&str> = groups.iter().map(|(g, _)| g.as_str()).collect();
    let matching: u64 = groups.iter().map(|(_, n)| n).sum();
    format!(
        "FIFO groups stopped at a message that must stay (not matching, or no destination): \
         {}; the rest of each group stayed behind it in the DLQ, in order ({matching} of them \
         seen matching; SQS hands out no more of a group while its head is held)",
        names.join(", ")
    )
}

/// Why a run that found nothing more to receive is not done: messages still hidden.
pub(super) fn still_hidden(hidden: u64, moves: &MoveOptions) -> String {
    let hold = moves.visibility_s.max(moves.earlier_hold_s);
    format!(
        "{hidden} messages are still hidden in the DLQ (in flight: received by another \
         consumer, by an earlier run, or by this run with the answer lost); the run waited \
         {hold} s for them. They come back when their visibility timeout ends: run the same \
         redrive again then"
    )
}
