//! Work `update` asks for; the runtime runs it and reports back with Actions.

use super::jobs::JobId;
use super::modals::confirm::ConfirmedOp;
use crate::inventory::Source;

/// What a job does. Work that changes state exists only as a `ConfirmedOp`, which only
/// the confirm dialog can make.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Work {
    /// (Re)load one source; results come back tagged with `generation`.
    Load {
        source: Source,
        generation: u64,
    },
    /// Fresh counts for these queues (the rows on screen), between full listings.
    RefreshCounts {
        urls: Vec<String>,
        generation: u64,
    },
    Dangerous(ConfirmedOp),
}

/// Where `:profile` / `:region` ask to go; `None` keeps the current one.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ContextRequest {
    pub profile: Option<String>,
    pub region: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Effect {
    /// Run `work` as job `id` (already registered in `App::jobs`).
    Start { id: JobId, work: Work },
    /// Ask job `id` to stop; it reports `JobEnded` when it has.
    Cancel(JobId),
    /// Put text on the user's clipboard (OSC 52, which works over SSH).
    Copy(String),
    /// Connect elsewhere; the result comes back as `ContextSwitched` or `ContextFailed`.
    SwitchContext(ContextRequest),
    /// Stop the event loop and restore the terminal.
    Quit,
}
