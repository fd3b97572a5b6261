//! The whole application state. `update` changes it; the UI only reads it.

use std::collections::HashMap;
use std::time::{Duration, SystemTime};

use super::keymap::Keymap;
use super::prompt::Prompt;
use super::table::TableState;
use super::tables::TableKind;
use super::target::Target;
use super::topology_view::TopologyView;
use crate::aws::ConnectionInfo;
use crate::inventory::{Inventory, Source};

/// A table on the view stack: what it lists, an optional scope, and its own state.
#[derive(Debug, Clone, PartialEq)]
pub struct TableView {
    pub kind: TableKind,
    /// Narrows the rows: a topic ARN for a topic's subscriptions.
    pub scope: Option<String>,
    pub state: TableState,
}

impl TableView {
    pub fn new(kind: TableKind, scope: Option<String>, inventory: &Inventory) -> TableView {
        let (column, descending) = kind.default_sort();
        let mut state = TableState::new(column, descending);
        state.set_rows(kind.rows(inventory, scope.as_deref()));
        TableView { kind, scope, state }
    }

    pub fn refresh(&mut self, inventory: &Inventory) {
        self.state
            .set_rows(self.kind.rows(inventory, self.scope.as_deref()));
    }
}

/// One screen on the view stack; the breadcrumb is the stack.
#[derive(Debug, Clone, PartialEq)]
pub enum View {
    Table(TableView),
    Topology(TopologyView),
    /// Every attribute of one resource.
    Describe {
        target: Target,
        scroll: usize,
    },
}

/// What keys go to.
#[derive(Debug, Clone, PartialEq)]
pub enum Mode {
    Normal,
    Command(Prompt),
    Filter(Prompt),
    Help { scroll: usize },
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Level {
    Info,
    Warning,
    Error,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StatusMessage {
    pub level: Level,
    pub text: String,
}

/// One source's loader: which load is current and whether it is running.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct SourceLoad {
    pub generation: u64,
    pub in_flight: bool,
    /// Rows received by the load in flight (queues stream in).
    pub received: usize,
}

#[derive(Debug, Clone, PartialEq)]
pub struct App {
    pub info: ConnectionInfo,
    pub read_only: bool,
    pub keymap: Keymap,
    pub queues_refresh: Option<Duration>,
    pub stack: Vec<View>,
    pub mode: Mode,
    pub inventory: Inventory,
    pub loads: HashMap<Source, SourceLoad>,
    /// When the last queue load ended: the status bar's "refreshed 5s ago" and the timer
    /// for the periodic refresh.
    pub queues_refreshed: Option<SystemTime>,
    pub now: SystemTime,
    pub spinner_frame: usize,
    pub message: Option<StatusMessage>,
    /// Table rows that fit on screen, for paging and scrolling.
    pub table_rows: usize,
    pub quitting: bool,
}

impl App {
    pub fn new(
        info: ConnectionInfo,
        read_only: bool,
        keymap: Keymap,
        queues_refresh: Option<Duration>,
        now: SystemTime,
    ) -> App {
        let inventory = Inventory::default();
        App {
            info,
            read_only,
            keymap,
            queues_refresh,
            stack: vec![View::Table(TableView::new(
                TableKind::Queues,
                None,
                &inventory,
            ))],
            mode: Mode::Normal,
            inventory,
            loads: HashMap::new(),
            queues_refreshed: None,
            now,
            spinner_frame: 0,
            message: None,
            table_rows: 20,
            quitting: false,
        }
    }

    pub fn view(&self) -> &View {
        // The stack is never empty: `update` never pops the root.
        &self.stack[self.stack.len() - 1]
    }

    pub fn view_mut(&mut self) -> &mut View {
        let last = self.stack.len() - 1;
        &mut self.stack[last]
    }

    pub fn load(&self, source: Source) -> SourceLoad {
        self.loads.get(&source).cloned().unwrap_or_default()
    }

    pub fn loading(&self) -> bool {
        self.loads.values().any(|l| l.in_flight)
    }

    /// The names on the breadcrumb, root first.
    pub fn breadcrumb(&self) -> Vec<String> {
        self.stack
            .iter()
            .map(|view| match view {
                View::Table(table) => match &table.scope {
                    Some(scope) => crate::domain::arn::resource_name(scope).to_string(),
                    None => table.kind.command_name().to_string(),
                },
                View::Topology(_) => "topology".to_string(),
                View::Describe { target, .. } => target.label(),
            })
            .collect()
    }
}
