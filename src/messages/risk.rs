//! What a peek costs, stated before it runs (the confirm dialog, the CLI's refusal without
//! `--yes`) and flagged after (messages now at their receive limit).
//!
//! The risk cannot be avoided, only stated: which messages a receive returns cannot be chosen,
//! and every receive counts toward `maxReceiveCount`.

use std::time::Duration;

use super::peek::{PeekOptions, PeekShape};
use crate::domain::Queue;
use crate::domain::arn;
use crate::domain::message::ReceivedMessage;

/// Assumed time of one receive call when estimating how long a sweep holds messages.
const ASSUMED_RECEIVE_TIME: Duration = Duration::from_millis(250);

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PeekRisk {
    pub queue_name: String,
    pub shape: PeekShape,
    pub count: usize,
    /// The queue's redrive policy: receives beyond it move messages to `dlq_name`.
    pub max_receive_count: Option<u32>,
    pub dlq_name: Option<String>,
    pub fifo: bool,
    pub hold_seconds: u32,
    pub wait_seconds: u8,
    pub planned_receives: usize,
}

impl PeekRisk {
    pub fn assess(queue: &Queue, options: &PeekOptions) -> PeekRisk {
        PeekRisk {
            queue_name: queue.name.clone(),
            shape: options.shape(),
            count: options.count,
            max_receive_count: queue.max_receive_count(),
            dlq_name: queue.dlq_arn().map(|a| arn::resource_name(a).to_string()),
            fifo: queue.fifo,
            hold_seconds: options.hold_seconds,
            wait_seconds: options.wait_seconds,
            planned_receives: options.planned_receives(),
        }
    }

    /// A queue with a redrive policy: a peek may push messages into its DLQ. A DLQ without a
    /// redrive policy of its own peeks without asking.
    pub fn needs_confirmation(&self) -> bool {
        self.max_receive_count.is_some()
    }

    /// How long the messages read stay hidden from consumers while the peek runs (a sweep's
    /// estimate assumes a quarter second per receive, plus one long poll at the end).
    pub fn hidden_while_running(&self) -> Duration {
        let wait = Duration::from_secs(u64::from(self.wait_seconds));
        match self.shape {
            PeekShape::Sample => wait,
            PeekShape::Sweep => {
                ASSUMED_RECEIVE_TIME * u32::try_from(self.planned_receives).unwrap_or(u32::MAX)
                    + wait
            }
        }
    }

    /// The risk in sentences, most important first, for the confirm dialog and the CLI.
    pub fn statements(&self) -> Vec<String> {
        let mut lines = Vec::new();
        match (self.max_receive_count, &self.dlq_name) {
            (Some(max), dlq) => {
                let dlq = dlq.as_deref().unwrap_or("its dead-letter queue");
                lines.push(format!(
                    "{} has a redrive policy (maxReceiveCount {max}): every message this peek \
                     receives has its receive count raised by 1, exactly as a consumer's receive \
                     would, and SQS moves a message to {dlq} once its receives exceed {max}.",
                    self.queue_name
                ));
                lines.push(format!(
                    "A message already received {max} times is moved to {dlq} by this peek \
                     instead of being shown; one shown at {max}/{max} is moved by its next \
                     receive, the consumer's. Which messages SQS hands out cannot be chosen."
                ));
            }
            (None, _) => lines.push(format!(
                "{} has no redrive policy: receive counts rise by 1, but nothing is moved.",
                self.queue_name
            )),
        }
        let hold = self.hold_seconds;
        lines.push(match self.shape {
            PeekShape::Sample => format!(
                "Consumers do not see the messages read until squall makes them visible again, \
                 right after reading (within about {} s; at most {hold} s if squall is stopped \
                 first).",
                self.hidden_while_running().as_secs().max(1)
            ),
            PeekShape::Sweep => format!(
                "A sweep of up to {} messages keeps every message it read hidden from consumers \
                 until it ends (about {} receive calls, roughly {} s), then makes them all \
                 visible again, also when cancelled or failing; at most {hold} s after squall \
                 is stopped if it cannot.",
                self.count,
                self.planned_receives,
                self.hidden_while_running().as_secs().max(1)
            ),
        });
        if self.fifo {
            lines.push(
                "FIFO: while squall holds messages, their message groups are blocked: consumers \
                 get no further message of those groups until they are released (and a sweep \
                 sees at most what one receive returns per group)."
                    .to_string(),
            );
        }
        lines.push(
            "The result is a sample of the queue, not a listing; nothing is deleted.".to_string(),
        );
        lines
    }
}

/// The message's receive count reached the queue's `maxReceiveCount`: its next receive moves
/// it to the DLQ.
pub fn at_receive_limit(message: &ReceivedMessage, max_receive_count: Option<u32>) -> bool {
    match (message.receive_count(), max_receive_count) {
        (Some(count), Some(max)) => count >= u64::from(max),
        _ => false,
    }
}

#[cfg(test)]
mod tests {
    use std::collections::BTreeMap;

    use super::*;

    fn queue(name: &str, redrive: Option<u32>) -> Queue {
        let mut attributes = BTreeMap::new();
        if let Some(max) = redrive {
            attributes.insert(
                "RedrivePolicy".to_string(),
                format!(
                    r#"{{"deadLetterTargetArn":"arn:aws:sqs:us-east-1:1:{name}-dlq","maxReceiveCount":{max}}}"#
                ),
            );
        }
        Queue::from_attributes(&format!("https://sqs/1/{name}"), attributes, "us-east-1")
    }

    fn message_with_count(count: u64) -> ReceivedMessage {
        let mut attributes = BTreeMap::new();
        attributes.insert("ApproximateReceiveCount".to_string(), count.to_string());
        ReceivedMessage {
            message_id: "m".into(),
            receipt_handle: "r".into(),
            body: String::new(),
            md5_of_body: None,
            attributes,
            message_attributes: BTreeMap::new(),
        }
    }

    #[test]
    fn a_queue_with_a_redrive_policy_needs_confirmation_and_says_why() {
        let risk = PeekRisk::assess(&queue("orders", Some(5)), &PeekOptions::new(10, 1000));
        assert!(risk.needs_confirmation());
        let text = risk.statements().join(" ");
        assert!(text.contains("maxReceiveCount 5"), "{text}");
        assert!(text.contains("orders-dlq"), "{text}");
        assert!(text.contains("raised by 1"), "{text}");
        assert!(text.contains("right after reading"), "{text}");
        assert!(!text.contains("FIFO"), "{text}");
    }

    #[test]
    fn a_dlq_without_its_own_policy_peeks_without_asking() {
        let risk = PeekRisk::assess(&queue("orders-dlq", None), &PeekOptions::new(3, 1000));
        assert!(!risk.needs_confirmation());
        assert!(risk.statements()[0].contains("no redrive policy"));
    }

    #[test]
    fn a_sweep_says_how_long_consumers_lose_sight_and_fifo_groups_block() {
        let fifo = queue("jobs.fifo", Some(3));
        assert!(fifo.fifo);
        let risk = PeekRisk::assess(&fifo, &PeekOptions::new(200, 1000));
        assert_eq!(risk.shape, PeekShape::Sweep);
        assert_eq!(risk.planned_receives, 20);
        // 20 receives at a quarter second, plus one 2 s long poll.
        assert_eq!(risk.hidden_while_running(), Duration::from_secs(7));
        let text = risk.statements().join(" ");
        assert!(
            text.contains("about 20 receive calls, roughly 7 s"),
            "{text}"
        );
        assert!(text.contains("at most 30 s"), "{text}");
        assert!(text.contains("message groups are blocked"), "{text}");
    }

    #[test]
    fn messages_at_the_limit_are_flagged() {
        assert!(at_receive_limit(&message_with_count(5), Some(5)));
        assert!(at_receive_limit(&message_with_count(6), Some(5)));
        assert!(!at_receive_limit(&message_with_count(4), Some(5)));
        assert!(!at_receive_limit(&message_with_count(50), None));
    }
}
