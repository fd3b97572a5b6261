//! Views are components: each owns its state, answers its own keys and draws itself
//! (drawing is implemented in `ui/`, which reads the view and never changes it). The
//! router in `update` offers a key to the top view first and handles what it ignores.
//!
//! Adding a view: a file here with a type implementing `View`, its `Draw` in `ui/`, and
//! one registration: a `:command` in `commands.rs` or a key in another view.

pub mod charts;
pub mod describe;
pub mod health;
pub mod jobs;
pub mod logs;
pub mod peek;
pub mod resource_table;
pub mod topology;
pub mod viewer;
pub mod whoami;

use std::any::Any;
use std::time::SystemTime;

use ratatui::Frame;
use ratatui::layout::Rect;

use super::effect::Effect;
use super::jobs::Jobs;
use super::keymap::{KeyAction, Keymap};
use super::loads::Loads;
use super::modals::confirm::PendingOp;
use super::row_filter::RowFilter;
use super::state::Level;
use super::target::Target;
use crate::inventory::Inventory;
use crate::theme::Theme;

/// What a view may read of the rest of the app while it handles a key, refreshes or draws.
#[derive(Clone, Copy)]
pub struct Ctx<'a> {
    pub inventory: &'a Inventory,
    pub loads: &'a Loads,
    pub jobs: &'a Jobs,
    pub keymap: &'a Keymap,
    pub now: SystemTime,
    /// Rows of the body that fit on screen (for paging and scrolling).
    pub rows: usize,
    pub read_only: bool,
    pub spinner_frame: usize,
    /// The metrics engine's series (charts read them).
    pub metrics: &'a crate::metrics::MetricsEngine,
    /// Redrive runs: their progress and summaries.
    pub redrives: &'a super::redrive::Redrives,
    /// The last `:whoami` probe.
    pub whoami: &'a super::whoami::WhoamiState,
    /// The logs views' feeds and the board's error signatures.
    pub logs: &'a super::logs::LogsState,
    /// The fleet's contexts: fleet views (the board, the tables) read them all.
    pub fleet: &'a super::fleet::Fleet,
}

impl<'a> Ctx<'a> {
    /// The active context (the one `inventory`, `loads` and `metrics` are of).
    pub fn context(&self) -> super::fleet::ContextId {
        self.fleet.active
    }

    /// More than one context is loaded.
    pub fn is_fleet(&self) -> bool {
        self.fleet.is_fleet()
    }

    /// Every reachable context, in id order, the active one included.
    pub fn contexts(&self) -> Vec<super::fleet::ContextRef<'a>> {
        let fleet: &'a super::fleet::Fleet = self.fleet;
        fleet.contexts(super::fleet::ContextRef {
            id: fleet.active,
            label: fleet.label(fleet.active),
            inventory: self.inventory,
            loads: self.loads,
            metrics: self.metrics,
        })
    }

    /// The sum of every context's inventory revision: it moves when any listing or count
    /// changes.
    pub fn inventories_revision(&self) -> u64 {
        self.contexts()
            .iter()
            .fold(0u64, |sum, c| sum.wrapping_add(c.inventory.revision))
    }

    /// The sum of every context's configuration revision (listings, not counts).
    pub fn config_revision(&self) -> u64 {
        self.contexts()
            .iter()
            .fold(0u64, |sum, c| sum.wrapping_add(c.inventory.config_revision))
    }

    /// The sum of every context's inventory revision: it moves when any of them changes.
    pub fn fleet_revision(&self) -> u64 {
        self.contexts().iter().fold(0u64, |sum, c| {
            sum.wrapping_add(c.inventory.revision)
                .wrapping_add(c.metrics.revision().wrapping_mul(1_000_003))
        })
    }
}

/// What a view did with a key.
#[derive(Debug)]
pub enum Outcome {
    /// Not a key for this view: the router handles it (global keys).
    Ignored,
    Handled,
    Push(Box<dyn View>),
    Pop,
    Effects(Vec<Effect>),
    /// An operation that needs the confirm dialog.
    Confirm(PendingOp),
    /// Work to run as a job at once (it needs no confirmation): the router registers it.
    Job {
        label: String,
        work: super::effect::Work,
    },
    Message(Level, String),
    /// Ask for a line of text in the prompt bar, starting with `text`; the answer comes
    /// back to the view's [`View::answer`].
    Ask {
        ask: Ask,
        text: String,
    },
    /// Open the send / publish form (a modal: it takes typed text, not keymap actions).
    Form(Box<super::modals::send_form::SendForm>),
    /// An operation confirmed earlier (a canary's rest, confirmed with the canary): the
    /// router starts it as it starts one just confirmed.
    Start(super::modals::confirm::ConfirmedOp),
}

/// What a view asked for in the prompt bar.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Ask {
    /// The viewer's `/` search pattern.
    Search,
    /// The file `e` exports to. The view gives a file name; the router puts it in the
    /// directory squall started in (the view cannot know it: reading it is I/O).
    ExportPath,
}

/// Drawing, implemented in `ui/` for each view.
pub trait Draw {
    fn draw(&self, frame: &mut Frame, area: Rect, ctx: &Ctx, theme: &Theme);
}

pub trait View: Draw + std::fmt::Debug + Send {
    /// The name on the breadcrumb.
    fn crumb(&self) -> String;

    /// Answers a key of the normal mode.
    fn handle(&mut self, key: KeyAction, ctx: &Ctx) -> Outcome;

    /// The text typed for an [`Outcome::Ask`] (`None`: Esc). An error keeps the prompt
    /// open with the text as typed, showing the error.
    fn answer(&mut self, _ask: Ask, _text: Option<&str>, _ctx: &Ctx) -> Result<Outcome, String> {
        Ok(Outcome::Handled)
    }

    /// Brings what the view shows up to date. The router calls it only when the data it
    /// reads changed (see `revision`), never per frame.
    fn sync(&mut self, _ctx: &Ctx) {}

    /// A number that changes whenever the data this view shows may have changed; the
    /// router syncs the view when it differs from the one seen at the last sync.
    fn revision(&self, ctx: &Ctx) -> u64 {
        ctx.inventory.revision
    }

    /// The resource `y` copies and `d` / `t` act on.
    fn selected_target(&self) -> Option<Target> {
        None
    }

    /// The current `/` filter text; `None` for views that do not filter.
    fn filter_text(&self) -> Option<String> {
        None
    }

    fn set_filter(&mut self, _filter: Option<RowFilter>, _ctx: &Ctx) {}

    /// Keeps the selection on screen after the screen size changed.
    fn fit(&mut self, _rows: usize) {}

    /// Whether the view shows every context (the board, the tables): the refreshes it
    /// asks for run in each, and a key on a row acts in the row's context.
    fn fleet_wide(&self) -> bool {
        false
    }

    /// The context of the selected row, in a fleet view.
    fn selected_context(&self) -> Option<super::fleet::ContextId> {
        None
    }

    /// The queues on screen that are in the active context (`ctx`); a fleet view leaves
    /// out the others' (their counts are asked in their own context).
    fn on_screen_queues_in(&self, rows: usize, _ctx: &Ctx) -> Vec<String> {
        self.on_screen_queues(rows)
    }

    /// URLs of the queues whose rows are on screen (`rows` high), for the frequent
    /// counts refresh.
    fn on_screen_queues(&self, _rows: usize) -> Vec<String> {
        Vec::new()
    }

    /// The resources this view charts: the metrics engine asks CloudWatch for them.
    fn metric_resources(&self, _ctx: &Ctx) -> Vec<crate::metrics::Resource> {
        Vec::new()
    }

    /// The signals this view shows (alarms, DLQ move tasks): the app asks for them at
    /// most once a minute, and only while a view shows them.
    fn signals_shown(&self, _ctx: &Ctx) -> super::signal_refresh::SignalsWanted {
        super::signal_refresh::SignalsWanted::default()
    }

    /// Extra key hints for the header: `(action, label)`.
    fn hints(&self) -> Vec<(KeyAction, &'static str)> {
        Vec::new()
    }

    fn as_any(&self) -> &dyn Any;
}

/// A scroll position for text views (describe, help): `delta` applied, clamped so the
/// last line stays at the bottom of a `rows`-high window, never past it.
pub fn scroll_text(scroll: usize, delta: isize, lines: usize, rows: usize) -> usize {
    let max = lines.saturating_sub(rows.max(1));
    (scroll as isize)
        .saturating_add(delta)
        .clamp(0, max as isize) as usize
}

/// A list's selection moved by `delta` rows, kept on one of its `len` rows.
pub fn moved(selected: usize, delta: isize, len: usize) -> usize {
    let last = len.saturating_sub(1) as isize;
    (selected as isize).saturating_add(delta).clamp(0, last) as usize
}

/// The step of a navigation key (a line, half a page, either end), for the text views'
/// scroll and the lists' selection alike.
pub fn navigation_delta(key: KeyAction, rows: usize) -> Option<isize> {
    let half = (rows / 2).max(1) as isize;
    match key {
        KeyAction::Down => Some(1),
        KeyAction::Up => Some(-1),
        KeyAction::PageDown => Some(half),
        KeyAction::PageUp => Some(-half),
        KeyAction::Top => Some(isize::MIN),
        KeyAction::Bottom => Some(isize::MAX),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn text_scroll_stops_with_the_last_line_at_the_bottom() {
        // 30 lines in a 10-row window: G shows lines 20..30, never one line alone.
        assert_eq!(scroll_text(0, isize::MAX, 30, 10), 20);
        assert_eq!(scroll_text(20, 1, 30, 10), 20);
        assert_eq!(scroll_text(20, -1, 30, 10), 19, "k comes back at once");
        assert_eq!(scroll_text(5, isize::MIN, 30, 10), 0);
        assert_eq!(scroll_text(0, 5, 4, 10), 0, "short text never scrolls");
    }
}
