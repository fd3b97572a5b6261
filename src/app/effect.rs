//! Work `update` asks for; the runtime runs it and reports back with Actions.

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Effect {
    /// (Re)load every queue; results come back tagged with `generation`.
    LoadQueues { generation: u64 },
    /// Stop the event loop and restore the terminal.
    Quit,
}
