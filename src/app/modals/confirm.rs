//! The one confirm path. A dangerous operation starts as a `PendingOp` that says what will
//! happen and what can go wrong; only confirming it here turns it into a `ConfirmedOp`,
//! the only form in which the runtime will run it. Operations that can destroy data ask
//! for the resource's name to be typed.

use super::super::effect::PeekRequest;
use super::super::prompt::Prompt;
use super::super::redrive::RedriveOp;

/// Declares every dangerous operation once: its variant and payload, its job label, and
/// whether it writes (a writing operation does not exist in read-only mode). What runs it
/// is one entry in `runtime/work.rs::runner`.
macro_rules! dangerous_ops {
    ($(
        $(#[doc = $doc:literal])*
        $variant:ident $payload:tt,
        writes: $writes:literal,
        label($pattern:pat) => $label:expr;
    )*) => {
        /// An operation that needs the user's yes, with everything the runtime needs to do
        /// it. Most write; a peek only reads, but its receives can push messages into a DLQ.
        #[derive(Debug, Clone, PartialEq, Eq)]
        pub enum DangerousOp {
            $($(#[doc = $doc])* $variant $payload,)*
        }

        impl DangerousOp {
            /// The job's label.
            pub fn label(&self) -> String {
                match self {
                    $($pattern => $label,)*
                }
            }

            /// Changes state in AWS: refused in read-only mode.
            #[allow(unused_variables)] // the label's bindings
            pub fn writes(&self) -> bool {
                match self {
                    $($pattern => $writes,)*
                }
            }
        }
    };
}

dangerous_ops! {
    /// Delete every message in a queue.
    Purge {
        queue_url: String,
        queue_name: String,
    },
    writes: true,
    label(DangerousOp::Purge { queue_name, .. }) => format!("purge {queue_name}");

    /// Read a sample of a queue with a redrive policy (every receive counts toward
    /// `maxReceiveCount`). Changes no message, so read-only mode keeps it.
    Peek(PeekRequest),
    writes: false,
    label(DangerousOp::Peek(request)) => request.label();

    /// Send one message (the send form), as `squall send` does.
    Send {
        queue_url: String,
        queue_name: String,
        /// The queue's `MaximumMessageSize`, for the send engine's batching.
        max_batch_bytes: usize,
        message: Box<crate::domain::message::OutgoingMessage>,
    },
    writes: true,
    label(DangerousOp::Send { queue_name, .. }) => format!("send to {queue_name}");

    /// Publish one message to a topic (the publish form), as `squall publish` does.
    Publish {
        topic_arn: String,
        topic_name: String,
        notification: Box<crate::domain::message::OutgoingNotification>,
    },
    writes: true,
    label(DangerousOp::Publish { topic_name, .. }) => format!("publish to {topic_name}");

    /// A logs search that may scan more than `logs.max_scan_mb` (CloudWatch throttles
    /// it, and it takes a while). Reads only, so read-only mode keeps it.
    LogsSearch(Box<crate::app::logs::LogsJob>),
    writes: false,
    label(DangerousOp::LogsSearch(job)) => job.label.clone();

    /// Move a DLQ's messages back to their sources (or a chosen queue), by the plan shown.
    Redrive(Box<RedriveOp>),
    writes: true,
    label(DangerousOp::Redrive(op)) => op.label();
}

/// A dangerous operation waiting for the user's yes.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PendingOp {
    pub op: DangerousOp,
    pub title: String,
    /// What will happen, one line each.
    pub effects: Vec<String>,
    /// What can go wrong, one line each.
    pub risks: Vec<String>,
    /// The text to type to confirm (a queue's name); `None`: `y` confirms.
    pub typed: Option<String>,
}

/// A confirmed operation. Its field is private and `confirm` is the only constructor
/// outside tests, so a dangerous effect cannot be made without the dialog.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ConfirmedOp(DangerousOp);

impl ConfirmedOp {
    pub fn op(&self) -> &DangerousOp {
        &self.0
    }

    /// The rest of a canary redrive that moved `moved`. The dialog confirmed both at once
    /// (it says that `c` moves the rest), so the rest needs no second confirmation.
    pub fn canary_rest(&self, moved: u64) -> Option<ConfirmedOp> {
        match &self.0 {
            DangerousOp::Redrive(op) => op
                .rest(moved)
                .map(|rest| ConfirmedOp(DangerousOp::Redrive(Box::new(rest)))),
            _ => None,
        }
    }

    /// For tests elsewhere that need a confirmed operation without driving the dialog.
    #[cfg(test)]
    pub fn for_tests(op: DangerousOp) -> ConfirmedOp {
        ConfirmedOp(op)
    }
}

/// The dialog's state: the pending operation and what has been typed so far.
#[derive(Debug, Clone, PartialEq)]
pub struct ConfirmDialog {
    pub pending: PendingOp,
    pub input: Prompt,
}

/// What a key did to the dialog.
#[derive(Debug, Clone, PartialEq)]
pub enum ConfirmStep {
    Open(ConfirmDialog),
    Cancelled,
    Confirmed(ConfirmedOp),
}

impl ConfirmDialog {
    pub fn new(pending: PendingOp) -> ConfirmDialog {
        ConfirmDialog {
            pending,
            input: Prompt::default(),
        }
    }

    /// Whether what is typed matches (always true when nothing needs typing).
    pub fn typed_matches(&self) -> bool {
        self.pending
            .typed
            .as_deref()
            .is_none_or(|name| self.input.text() == name)
    }

    pub fn key(mut self, key: ratatui::crossterm::event::KeyEvent) -> ConfirmStep {
        use ratatui::crossterm::event::KeyCode;
        match (key.code, self.pending.typed.is_some()) {
            (KeyCode::Esc, _) => ConfirmStep::Cancelled,
            (KeyCode::Enter, true) if self.typed_matches() => {
                ConfirmStep::Confirmed(ConfirmedOp(self.pending.op))
            }
            (KeyCode::Enter, true) => {
                self.input.error = Some(format!(
                    "type {} exactly to confirm, Esc cancels",
                    self.pending.typed.as_deref().unwrap_or_default()
                ));
                ConfirmStep::Open(self)
            }
            (_, true) => {
                if self.input.edit(key) {
                    self.input.error = None;
                }
                ConfirmStep::Open(self)
            }
            (KeyCode::Char('y') | KeyCode::Char('Y'), false) => {
                ConfirmStep::Confirmed(ConfirmedOp(self.pending.op))
            }
            (KeyCode::Char('n') | KeyCode::Char('N'), false) => ConfirmStep::Cancelled,
            (_, false) => ConfirmStep::Open(self),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use ratatui::crossterm::event::{KeyCode, KeyEvent, KeyModifiers};

    fn key(code: KeyCode) -> KeyEvent {
        KeyEvent::new(code, KeyModifiers::NONE)
    }

    fn purge(typed: Option<&str>) -> ConfirmDialog {
        ConfirmDialog::new(PendingOp {
            op: DangerousOp::Purge {
                queue_url: "https://sqs/1/orders".into(),
                queue_name: "orders".into(),
            },
            title: "Purge orders".into(),
            effects: vec![],
            risks: vec![],
            typed: typed.map(str::to_string),
        })
    }

    #[test]
    fn typed_confirmation_needs_the_exact_name() {
        let mut dialog = purge(Some("orders"));
        for c in "order".chars() {
            dialog = match dialog.key(key(KeyCode::Char(c))) {
                ConfirmStep::Open(d) => d,
                other => panic!("{other:?}"),
            };
        }
        // "y" is just a character here, and Enter with the wrong text keeps the dialog.
        let dialog = match dialog.key(key(KeyCode::Enter)) {
            ConfirmStep::Open(d) => d,
            other => panic!("{other:?}"),
        };
        assert!(dialog.input.error.is_some());
        let dialog = match dialog.key(key(KeyCode::Char('s'))) {
            ConfirmStep::Open(d) => d,
            other => panic!("{other:?}"),
        };
        assert!(matches!(
            dialog.key(key(KeyCode::Enter)),
            ConfirmStep::Confirmed(op) if op.op().label() == "purge orders"
        ));
    }

    #[test]
    fn y_confirms_and_esc_or_n_cancel_when_nothing_is_typed() {
        assert!(matches!(
            purge(None).key(key(KeyCode::Char('y'))),
            ConfirmStep::Confirmed(_)
        ));
        assert_eq!(
            purge(None).key(key(KeyCode::Char('n'))),
            ConfirmStep::Cancelled
        );
        assert_eq!(
            purge(Some("orders")).key(key(KeyCode::Esc)),
            ConfirmStep::Cancelled
        );
        assert!(matches!(
            purge(None).key(key(KeyCode::Char('x'))),
            ConfirmStep::Open(_)
        ));
    }
}
