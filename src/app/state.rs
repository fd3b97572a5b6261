//! The whole application state. `update` changes it; the UI only reads it.

use std::time::{Duration, SystemTime};

use super::jobs::Jobs;
use super::keymap::Keymap;
use super::loads::{Loads, RefreshSettings};
use super::modals::Modal;
use super::views::resource_table::TableView;
use super::views::{Ctx, View};
use crate::aws::ConnectionInfo;
use crate::inventory::{Inventory, Source};

/// The full listing's default interval (the config sets it; `r` forces one).
const DEFAULT_LISTING_INTERVAL: Duration = Duration::from_secs(300);

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

/// A view on the stack and the data revision it last synced with.
#[derive(Debug)]
pub struct StackEntry {
    pub view: Box<dyn View>,
    pub synced: Option<u64>,
}

/// A `Ctx` from the app's fields (a macro, so that it can borrow them beside a mutable
/// borrow of the stack).
macro_rules! ctx_of {
    ($app:expr) => {
        Ctx {
            inventory: &$app.inventory,
            loads: &$app.loads,
            jobs: &$app.jobs,
            keymap: &$app.keymap,
            now: $app.now,
            rows: $app.table_rows,
            read_only: $app.read_only,
            spinner_frame: $app.spinner_frame,
            metrics: &$app.metrics.engine,
            redrives: &$app.redrives,
            whoami: &$app.whoami,
            logs: &$app.logs,
            fleet: &$app.fleet,
        }
    };
}

#[derive(Debug)]
pub struct App {
    pub info: ConnectionInfo,
    pub read_only: bool,
    pub keymap: Keymap,
    pub refresh: RefreshSettings,
    /// Never empty: `update` never pops the root.
    pub stack: Vec<StackEntry>,
    /// Help, a prompt or a confirm dialog over the stack.
    pub modal: Option<Modal>,
    pub inventory: Inventory,
    pub loads: Loads,
    pub jobs: super::jobs::Jobs,
    /// Profiles from the AWS config files, for `:profile` completion.
    pub profiles: Vec<String>,
    pub now: SystemTime,
    pub spinner_frame: usize,
    pub message: Option<StatusMessage>,
    /// Body rows that fit on screen, for paging and scrolling.
    pub table_rows: usize,
    /// Rows inside the help overlay.
    pub help_rows: usize,
    pub quitting: bool,
    /// The metrics engine and its refresh jobs.
    pub metrics: super::metric_refresh::MetricsState,
    /// When the board's alarms and move tasks were last asked, and their jobs.
    pub signals: super::signal_refresh::SignalsState,
    /// The health board's thresholds (`[health]`), for `:health`.
    pub health_thresholds: crate::health::Thresholds,
    /// The viewer folds JSON spans opening this deep (`messages.fold_depth`).
    pub fold_depth: usize,
    /// Where `e` in the viewer offers to write (the directory squall started in).
    pub export_dir: std::path::PathBuf,
    /// The last send form submitted, so that a cancelled confirmation loses nothing:
    /// the same key on the same queue or topic opens it again as it was.
    pub send_draft: Option<super::modals::send_form::SendForm>,
    /// Redrives started in this session: progress and summaries, by job.
    pub redrives: super::redrive::Redrives,
    /// A redrive that may move more than this asks for the DLQ's name to be typed.
    pub redrive_confirm_typed_above: u64,
    /// How a canary is watched (from the config).
    pub canary_watch: crate::redrive::canary::WatchOptions,
    /// `:whoami`'s probe and its answer.
    pub whoami: super::whoami::WhoamiState,
    /// The consumers' logs: the shared budget, the logs views' feeds, board signatures.
    pub logs: super::logs::LogsState,
    /// The contexts loaded (one unless a fleet was asked for) and the parked state of
    /// those not active (`app/fleet.rs`).
    pub fleet: super::fleet::Fleet,
}

impl App {
    /// `counts_refresh`: how often the counts of the queues on screen refresh.
    pub fn new(
        info: ConnectionInfo,
        read_only: bool,
        keymap: Keymap,
        counts_refresh: Option<Duration>,
        now: SystemTime,
    ) -> App {
        let inventory = Inventory::default();
        let jobs = Jobs::default();
        let loads = Loads::default();
        let fleet = super::fleet::Fleet::single(&info);
        let mut app = App {
            fleet,
            info,
            read_only,
            keymap,
            refresh: RefreshSettings {
                counts: counts_refresh,
                listing: Some(DEFAULT_LISTING_INTERVAL),
            },
            stack: Vec::new(),
            modal: None,
            inventory,
            loads,
            jobs,
            profiles: Vec::new(),
            now,
            spinner_frame: 0,
            message: None,
            table_rows: 20,
            help_rows: 20,
            quitting: false,
            metrics: super::metric_refresh::MetricsState::default(),
            signals: super::signal_refresh::SignalsState::default(),
            health_thresholds: crate::health::Thresholds::default(),
            fold_depth: crate::config::DEFAULT_FOLD_DEPTH,
            export_dir: std::path::PathBuf::from("."),
            send_draft: None,
            whoami: super::whoami::WhoamiState::default(),
            logs: super::logs::LogsState::default(),
            redrives: super::redrive::Redrives::default(),
            redrive_confirm_typed_above: crate::config::DEFAULT_REDRIVE_CONFIRM_TYPED_ABOVE,
            canary_watch: crate::redrive::canary::WatchOptions::default(),
        };
        app.reset_stack(Box::new(TableView::new(
            crate::resource_rows::TableKind::Queues,
            None,
        )));
        app
    }

    /// Replaces the whole stack with one root view.
    pub fn reset_stack(&mut self, root: Box<dyn View>) {
        self.stack = vec![StackEntry {
            view: root,
            synced: None,
        }];
        self.sync_top();
    }

    pub fn push(&mut self, view: Box<dyn View>) {
        self.stack.push(StackEntry { view, synced: None });
        self.sync_top();
    }

    /// Goes back one view; the root stays.
    pub fn pop(&mut self) {
        if self.stack.len() > 1 {
            self.stack.pop();
            self.sync_top();
        }
    }

    pub fn view(&self) -> &dyn View {
        // The stack is never empty.
        self.stack[self.stack.len() - 1].view.as_ref()
    }

    /// The top view, if it is a `T` (for tests and view-specific commands).
    pub fn view_as<T: 'static>(&self) -> Option<&T> {
        self.view().as_any().downcast_ref::<T>()
    }

    pub fn ctx(&self) -> Ctx<'_> {
        ctx_of!(self)
    }

    /// The top view, mutable, beside a context borrowing the rest of the app.
    pub fn top_and_ctx(&mut self) -> (&mut StackEntry, Ctx<'_>) {
        let last = self.stack.len() - 1;
        let ctx = ctx_of!(self);
        (&mut self.stack[last], ctx)
    }

    /// Syncs the top view if the data it shows changed since its last sync. Views below
    /// the top sync when they come back to the top: only what is seen is rebuilt.
    pub fn sync_top(&mut self) {
        let (top, ctx) = self.top_and_ctx();
        let revision = top.view.revision(&ctx);
        if top.synced != Some(revision) {
            top.view.sync(&ctx);
            top.view.fit(ctx.rows);
            top.synced = Some(revision);
        }
    }

    pub fn loading(&self) -> bool {
        self.loads.any_in_flight()
    }

    pub fn load(&self, source: Source) -> super::loads::SourceLoad {
        self.loads.get(source)
    }

    /// The names on the breadcrumb, root first.
    pub fn breadcrumb(&self) -> Vec<String> {
        self.stack.iter().map(|e| e.view.crumb()).collect()
    }

    /// Shows a message; a warning never hides an error that is still on screen, since the
    /// error is what the user needs to read (an unreachable endpoint fails every listing).
    pub fn set_message(&mut self, level: Level, text: String) {
        if level == Level::Warning
            && self
                .message
                .as_ref()
                .is_some_and(|m| m.level == Level::Error)
        {
            return;
        }
        self.message = Some(StatusMessage { level, text });
    }
}
