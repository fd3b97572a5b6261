//! The fleet in the TUI: several contexts (a profile in a region, each with a backend of
//! its own), each with its own inventory, loads, signals and metric series. The app's own
//! single-context fields (`info`, `read_only`, `inventory`, `loads`, `signals`,
//! `metrics.engine`) hold the *active* context; the others wait here, parked, in id order.
//! Everything written for one context (loads, refreshes, the redrive dialog, peeks) runs
//! unchanged on the active one: an answer of another context is applied with that context
//! made active for the time it takes ([`in_context`]), and a key on a row of a fleet view
//! makes the row's context active first ([`focus`]), so the key acts there and nowhere
//! else. With one context nothing here ever swaps: the app is what it always was.

use super::loads::Loads;
use super::signal_refresh::SignalsState;
use super::state::App;
use crate::aws::ConnectionInfo;
use crate::inventory::Inventory;
use crate::metrics::MetricsEngine;

/// A context's number, stable for the session (jobs and answers carry it).
pub type ContextId = usize;

/// One context's name and, if it could not be reached at all, why.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ContextEntry {
    pub id: ContextId,
    /// The config's label, else `profile/region` (or the region alone without a profile).
    pub label: String,
    /// Connecting failed (expired SSO, no such profile): it has no state and no backend.
    pub failed: Option<String>,
}

/// A context's state while another one is active.
#[derive(Debug)]
pub struct ContextState {
    pub id: ContextId,
    pub info: ConnectionInfo,
    pub read_only: bool,
    pub inventory: Inventory,
    pub loads: Loads,
    pub signals: SignalsState,
    pub metrics: MetricsEngine,
}

#[derive(Debug, Default)]
pub struct Fleet {
    /// Every context, in id order.
    pub entries: Vec<ContextEntry>,
    /// The context whose state the app's own fields hold.
    pub active: ContextId,
    /// The other reachable contexts' state, in id order.
    pub parked: Vec<ContextState>,
    /// The context a `:profile` / `:region` switch in progress replaces.
    pub switching_from: Option<ContextId>,
}

/// What a fleet view reads of one reachable context.
#[derive(Debug, Clone, Copy)]
pub struct ContextRef<'a> {
    pub id: ContextId,
    pub label: &'a str,
    pub inventory: &'a Inventory,
    pub loads: &'a Loads,
    pub metrics: &'a MetricsEngine,
}

/// `profile/region`, or the region alone when no profile is named (the demo, env keys).
pub fn default_label(info: &ConnectionInfo) -> String {
    match &info.profile {
        Some(profile) => format!("{profile}/{}", info.region),
        None => info.region.clone(),
    }
}

impl Fleet {
    /// A fleet of the one context squall started in.
    pub fn single(info: &ConnectionInfo) -> Fleet {
        Fleet {
            entries: vec![ContextEntry {
                id: 0,
                label: default_label(info),
                failed: None,
            }],
            active: 0,
            parked: Vec::new(),
            switching_from: None,
        }
    }

    /// More than one context: the views show a CONTEXT column and the board ranks them
    /// together.
    pub fn is_fleet(&self) -> bool {
        self.entries.len() > 1
    }

    pub fn label(&self, id: ContextId) -> &str {
        self.entries
            .iter()
            .find(|e| e.id == id)
            .map(|e| e.label.as_str())
            .unwrap_or("")
    }

    /// The contexts that could not be reached: `(label, why)`.
    pub fn failed(&self) -> impl Iterator<Item = (&str, &str)> + '_ {
        self.entries
            .iter()
            .filter_map(|e| e.failed.as_deref().map(|why| (e.label.as_str(), why)))
    }

    /// The reachable contexts' ids, in order.
    pub fn live_ids(&self) -> Vec<ContextId> {
        self.entries
            .iter()
            .filter(|e| e.failed.is_none())
            .map(|e| e.id)
            .collect()
    }

    fn next_id(&self) -> ContextId {
        self.entries.iter().map(|e| e.id + 1).max().unwrap_or(0)
    }

    /// Every reachable context as a fleet view reads it, in id order; `active` is the
    /// active context's state (the app's own fields).
    pub fn contexts<'a>(&'a self, active: ContextRef<'a>) -> Vec<ContextRef<'a>> {
        let mut all: Vec<ContextRef<'a>> = self
            .parked
            .iter()
            .map(|c| ContextRef {
                id: c.id,
                label: self.label(c.id),
                inventory: &c.inventory,
                loads: &c.loads,
                metrics: &c.metrics,
            })
            .collect();
        let at = all.partition_point(|c| c.id < active.id);
        all.insert(at, active);
        all
    }
}

impl App {
    /// Adds a reachable context (loaded by the next `start`), with its own backend in the
    /// runtime under the id returned.
    pub fn add_context(
        &mut self,
        info: ConnectionInfo,
        label: Option<String>,
        read_only: bool,
    ) -> ContextId {
        let id = self.fleet.next_id();
        self.fleet.entries.push(ContextEntry {
            id,
            label: label.unwrap_or_else(|| default_label(&info)),
            failed: None,
        });
        self.fleet.parked.push(ContextState {
            id,
            info,
            read_only,
            inventory: Inventory::default(),
            loads: Loads::default(),
            signals: SignalsState::default(),
            metrics: MetricsEngine::new(self.metrics.engine.window()),
        });
        id
    }

    /// Adds a context that could not be reached: the board shows it as one row saying why.
    pub fn add_failed_context(&mut self, label: String, why: String) -> ContextId {
        let id = self.fleet.next_id();
        self.fleet.entries.push(ContextEntry {
            id,
            label,
            failed: Some(why),
        });
        id
    }

    /// Names the context squall started in (the config's label).
    pub fn set_label(&mut self, id: ContextId, label: String) {
        if let Some(entry) = self.fleet.entries.iter_mut().find(|e| e.id == id) {
            entry.label = label;
        }
    }
}

/// Makes context `id` the active one; false when it has no state (unknown, or failed).
fn activate(app: &mut App, id: ContextId) -> bool {
    if app.fleet.active == id {
        return true;
    }
    let Some(index) = app.fleet.parked.iter().position(|c| c.id == id) else {
        return false;
    };
    let ContextState {
        id: _,
        info,
        read_only,
        inventory,
        loads,
        signals,
        metrics,
    } = app.fleet.parked.remove(index);
    let outgoing = ContextState {
        id: app.fleet.active,
        info: std::mem::replace(&mut app.info, info),
        read_only: std::mem::replace(&mut app.read_only, read_only),
        inventory: std::mem::replace(&mut app.inventory, inventory),
        loads: std::mem::replace(&mut app.loads, loads),
        signals: std::mem::replace(&mut app.signals, signals),
        metrics: std::mem::replace(&mut app.metrics.engine, metrics),
    };
    let at = app.fleet.parked.partition_point(|c| c.id < outgoing.id);
    app.fleet.parked.insert(at, outgoing);
    app.fleet.active = id;
    app.jobs.context = id;
    // A one-context view's revision counts the active inventory's changes: another
    // inventory's count may happen to be the same, so it syncs again whatever it says.
    // A fleet view's counts every context's, whichever is active.
    if let Some(top) = app.stack.last_mut()
        && !top.view.fleet_wide()
    {
        top.synced = None;
    }
    true
}

/// The user works in context `id` from now on (a key on one of its rows).
pub fn focus(app: &mut App, id: ContextId) {
    activate(app, id);
}

/// Runs `f` with context `id` active (an answer of its jobs), then goes back to the
/// context that was active, unless `f` opened a view (a peek's messages): that view is
/// the context's, so the user is in it now. `None` when the context is gone (a switch
/// narrowed the fleet to one): its late answers are dropped.
pub fn in_context<R>(app: &mut App, id: ContextId, f: impl FnOnce(&mut App) -> R) -> Option<R> {
    let previous = app.fleet.active;
    if !activate(app, id) {
        return None;
    }
    let depth = app.stack.len();
    let message = app.message.clone();
    let result = f(app);
    if previous != id {
        // A message about a context the user is not looking at says which one.
        if app.message != message
            && let Some(said) = app.message.as_mut()
        {
            said.text = format!("[{}] {}", app.fleet.label(id), said.text);
        }
        if app.stack.len() <= depth {
            activate(app, previous);
        }
    }
    Some(result)
}

/// `:profile` / `:region` connected with a fleet loaded: squall narrows to that one
/// context (the active one, its id kept), the others are dropped with their state.
/// Returns the running jobs of the dropped contexts, to cancel.
pub fn narrow_to_active(app: &mut App) -> Vec<super::jobs::JobId> {
    // The context the switch was asked from, which the runtime gave the new backend to.
    if let Some(from) = app.fleet.switching_from.take() {
        activate(app, from);
    }
    let active = app.fleet.active;
    let dropped: Vec<super::jobs::JobId> = app
        .fleet
        .parked
        .drain(..)
        .flat_map(|c| c.loads.running_jobs())
        .collect();
    app.fleet.entries.retain(|e| e.id == active);
    dropped
}

#[cfg(test)]
#[path = "fleet_tests.rs"]
mod tests;
