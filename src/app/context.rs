//! Switching context (`:profile`, `:region`): the runtime connects; once it has, the app
//! forgets the old account's data, stops its loads and loads everything anew.

use super::effect::Effect;
use super::loads;
use super::state::{App, Level};
use super::views::resource_table::TableView;
use crate::aws::ConnectionInfo;
use crate::inventory::Inventory;

pub fn switched(app: &mut App, info: ConnectionInfo, read_only: bool) -> Vec<Effect> {
    super::whoami::forget(app);
    super::logs::forget(app);
    // A fleet narrows to the one context switched (documented in the README).
    let dropped = super::fleet::narrow_to_active(app);
    let mut effects: Vec<Effect> = app
        .loads
        .running_jobs()
        .into_iter()
        .chain(dropped)
        .map(Effect::Cancel)
        .collect();
    for effect in &effects {
        if let Effect::Cancel(id) = effect {
            app.jobs.cancelling(*id);
        }
    }
    app.loads.forget_running();
    app.inventory = Inventory::default();
    // Answers still coming from the old account are dropped: their jobs are no longer known.
    app.signals = super::signal_refresh::SignalsState::default();
    app.read_only = read_only;
    app.modal = None;
    let place = format!(
        "now on profile {} in {}{}",
        info.profile.as_deref().unwrap_or("default"),
        info.region,
        if read_only { " (read-only)" } else { "" }
    );
    let label = super::fleet::default_label(&info);
    app.set_label(app.fleet.active, label);
    app.info = info;
    app.message = None;
    app.set_message(Level::Info, place);
    app.reset_stack(Box::new(TableView::new(
        crate::resource_rows::TableKind::Queues,
        None,
    )));
    effects.extend(loads::start_all(app));
    effects
}
