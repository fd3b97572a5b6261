//! The invoke route's half of a batch: each message's event handed back to its function by
//! an asynchronous `Invoke` (journaled before it goes out), then the messages Lambda
//! accepted (HTTP 202) deleted from the DLQ, as `batch.rs` deletes what SQS took. A refused
//! invoke keeps its message (counted, with the reason); a refusal every later invoke would
//! get too (no permission, no such function) stops the run; a lost answer is tried again and
//! counted, since Lambda may have taken the event.

use tokio::time::Instant;

use super::batch::{Item, MAX_ATTEMPTS, backoff, delete_sent, suspected_copies};
use super::journal::Entry;
use super::lambda_route::InvokeTarget;
use super::shared::Shared;
use crate::aws::{ApiError, ErrorKind};
use crate::domain::message::{HandleEntry, ReceivedMessage};

/// How one message's invokes ended.
enum Invoked {
    /// Lambda accepted it; the attempt started at this time (ms).
    Accepted(u64),
    /// Not accepted: the message stays in the DLQ.
    Kept,
}

/// Invokes `target` with each item's event, one message at a time, and deletes from the
/// DLQ those Lambda accepted.
pub(super) async fn invoke_and_delete(
    shared: &Shared<'_>,
    target: &InvokeTarget,
    items: Vec<(Item, String)>,
    received_at: Instant,
) {
    let mut accepted = Vec::new();
    let mut duplicates = 0;
    let mut items = items.into_iter();
    for (mut item, event) in items.by_ref() {
        if shared.fatal().is_some() {
            shared.release(std::slice::from_ref(&item.message)).await;
            continue;
        }
        match invoke_one(shared, target, &mut item, &event, received_at).await {
            Some(Invoked::Accepted(at_ms)) => {
                duplicates += suspected_copies(&item.possible, at_ms, false);
                accepted.push(item.message);
            }
            Some(Invoked::Kept) => {}
            // The journal could not take the attempt: nothing more goes out.
            None => break,
        }
    }
    let rest: Vec<ReceivedMessage> = items.map(|(item, _)| item.message).collect();
    shared.release(&rest).await;
    shared.progress.add_duplicates(duplicates);
    if !accepted.is_empty() {
        delete_sent(shared, accepted, false).await;
    }
}

/// One message's invoke, tried again on throttling, 5xx and lost answers; `None` when the
/// journal could not take an attempt (it was not made).
async fn invoke_one(
    shared: &Shared<'_>,
    target: &InvokeTarget,
    item: &mut Item,
    event: &str,
    received_at: Instant,
) -> Option<Invoked> {
    let id = item.message.message_id.clone();
    let mut lost = 0;
    for attempt in 1..=MAX_ATTEMPTS {
        if attempt > 1 {
            tokio::time::sleep(backoff(attempt - 1)).await;
            shared
                .keep_hidden(&[handle(&item.message)], received_at)
                .await;
            if shared.fatal().is_some() {
                shared.release(std::slice::from_ref(&item.message)).await;
                return Some(Invoked::Kept);
            }
        }
        if !shared
            .record_durably(&[Entry::Sending { dlq_id: id.clone() }])
            .await
        {
            return None;
        }
        let at_ms = shared.now_ms();
        let error = match shared.invoker.invoke_async(&target.function, event).await {
            Ok(request_id) => {
                shared.record(&[Entry::Sent {
                    dlq_id: id,
                    destination_id: accepted_id(request_id),
                }]);
                return Some(Invoked::Accepted(at_ms));
            }
            Err(error) => error,
        };
        if error.answer_may_be_lost() {
            // Lambda may have taken the event: counted when it is invoked again.
            lost += 1;
            item.possible.push(Some(at_ms));
            shared.record(&[Entry::Unanswered { dlq_id: id.clone() }]);
        }
        if error.retryable() || error.answer_may_be_lost() {
            tracing::warn!(%error, attempt, "Invoke failed; retrying");
            continue;
        }
        if stops_the_run(&error) {
            shared.stop_run(invoke_refused(&error, &target.function));
            shared.fail(&item.message, &error.to_string());
            shared.release(std::slice::from_ref(&item.message)).await;
            return Some(Invoked::Kept);
        }
        keep(
            shared,
            &item.message,
            &format!("the invoke was refused: {error}"),
        )
        .await;
        return Some(Invoked::Kept);
    }
    let why = if lost > 0 {
        shared.progress.add_possibly_invoked(1);
        format!(
            "invoke still failing after retries; {lost} of its answers were lost, so {} may \
             have run it (a later run counts a new invoke of it as a suspected duplicate)",
            target.function
        )
    } else {
        "invoke still failing after retries".to_string()
    };
    keep(shared, &item.message, &why).await;
    Some(Invoked::Kept)
}

/// A message whose invoke was refused stays in the DLQ, held there for the rest of the run
/// (so that it is not tried again and again), and counted.
async fn keep(shared: &Shared<'_>, message: &ReceivedMessage, why: &str) {
    if shared.leave(std::slice::from_ref(message)).await == 1 {
        shared.fail(message, why);
    }
}

/// What the journal records as the invoke's id: Lambda's request id, or a mark that it
/// was accepted when the endpoint gave none (the line must say "sent" either way).
fn accepted_id(request_id: String) -> String {
    if request_id.is_empty() {
        "accepted".to_string()
    } else {
        request_id
    }
}

fn handle(message: &ReceivedMessage) -> HandleEntry {
    HandleEntry {
        id: "0".to_string(),
        receipt_handle: message.receipt_handle.clone(),
    }
}

/// A refusal every later invoke of the function gets too.
fn stops_the_run(error: &ApiError) -> bool {
    matches!(
        error.kind,
        ErrorKind::AccessDenied | ErrorKind::NotFound | ErrorKind::Unavailable
    )
}

/// Why a run stops at a refused invoke, naming the permission when it is one.
pub(super) fn invoke_refused(error: &ApiError, function: &str) -> String {
    match error.kind {
        ErrorKind::AccessDenied => format!(
            "the function refused the invoke ({error}): squall needs lambda:InvokeFunction on \
             {function}; the run stopped at the first refused invoke, and the messages it held \
             are back in the DLQ"
        ),
        ErrorKind::NotFound => format!(
            "the function {function} is not there ({error}); the run stopped at the first \
             refused invoke, and the messages it held are back in the DLQ"
        ),
        _ => format!(
            "the function {function} cannot be invoked here ({error}); the run stopped at the \
             first refused invoke, and the messages it held are back in the DLQ"
        ),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_refusal_names_the_permission_and_the_function() {
        let denied = ApiError::access_denied("Invoke", "not authorized");
        let text = invoke_refused(&denied, "shipping-notifier");
        assert!(
            text.contains("lambda:InvokeFunction on shipping-notifier"),
            "{text}"
        );
        assert!(stops_the_run(&denied));
        let missing = ApiError::not_found("Invoke", "Function not found");
        assert!(invoke_refused(&missing, "gone").contains("gone is not there"));
        assert!(stops_the_run(&missing));
        let conflict = ApiError::client("Invoke", "state Failed").with_code("ResourceConflict");
        assert!(
            !stops_the_run(&conflict),
            "one message's refusal: kept, counted"
        );
    }
}
