//! Work `update` asks for; the runtime runs it and reports back with Actions.

use crate::inventory::Source;

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Effect {
    /// (Re)load one source; results come back tagged with `generation`.
    Load { source: Source, generation: u64 },
    /// Put text on the user's clipboard (OSC 52, which works over SSH).
    Copy(String),
    /// Stop the event loop and restore the terminal.
    Quit,
}
