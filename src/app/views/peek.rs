//! `p` on a queue, wherever a queue is shown (queues, DLQs, topology): a sample peek. A
//! queue with a redrive policy goes through the confirm dialog, which states the risk
//! (`PeekRisk`); a DLQ without a redrive policy of its own is peeked at once.

use super::{Ctx, Outcome};
use crate::app::effect::{PeekRequest, Work};
use crate::app::modals::confirm::{DangerousOp, PendingOp};
use crate::app::state::Level;
use crate::messages::peek::{DEFAULT_SWEEP_CAP, MAX_PER_RECEIVE};
use crate::messages::{PeekOptions, PeekRisk};

/// How many messages `p` reads: one receive's worth, so the peek is a sample (visibility
/// reset at once), never a sweep that holds messages.
pub const SAMPLE_SIZE: usize = MAX_PER_RECEIVE;

/// The outcome of `p` on the queue at `url`.
pub fn peek_queue(ctx: &Ctx, url: &str) -> Outcome {
    let Some(queue) = ctx.inventory.queue_by_url(url) else {
        return Outcome::Message(
            Level::Warning,
            "that queue is not in the last listing; refresh (r) and try again".to_string(),
        );
    };
    let options = PeekOptions::new(SAMPLE_SIZE, DEFAULT_SWEEP_CAP);
    let risk = PeekRisk::assess(queue, &options);
    let request = PeekRequest {
        queue_url: queue.url.clone(),
        queue_name: queue.name.clone(),
        count: options.count,
        max_receive_count: risk.max_receive_count,
        dlq_name: risk.dlq_name.clone(),
    };
    if !risk.needs_confirmation() {
        return Outcome::Job {
            label: request.label(),
            work: Work::Peek(request),
        };
    }
    // The risk statements end with what the result is (a sample, nothing deleted): that
    // is what happens, not what can go wrong.
    let mut risks = risk.statements();
    let mut effects = vec![format!(
        "Reads up to {} messages from {} and makes them visible again at once.",
        options.count, queue.name
    )];
    effects.extend(risks.pop());
    Outcome::Confirm(PendingOp {
        title: format!("Peek at {}", queue.name),
        effects,
        risks,
        typed: None,
        op: DangerousOp::Peek(request),
    })
}
