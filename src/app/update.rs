//! The router: the one place state changes. Pure: no I/O, no clock reads, no drawing.
//! Keys go to the open modal, else to the top view, and what the view ignores to the
//! global keys; results go to the loads, jobs and contexts they belong to. After every
//! action the top view syncs, if the data it shows changed.

use ratatui::crossterm::event::{KeyCode, KeyEvent, KeyEventKind, KeyModifiers};

use super::action::Action;
use super::effect::Effect;
use super::fleet;
use super::jobs::JobEnd;
use super::keymap::KeyAction;
use super::loads;
use super::modals::confirm::ConfirmDialog;
use super::modals::{self, Modal};
use super::prompt::Prompt;
use super::state::{App, Level};
use super::views::viewer::MessagesView;
use super::views::{Ask, Outcome};
use crate::inventory::Source;

/// Effects to run when the app starts: load everything.
#[must_use]
pub fn start(app: &mut App) -> Vec<Effect> {
    every_context(app, loads::start_all)
}

/// `f` run in each reachable context, its effects together.
fn every_context(app: &mut App, f: fn(&mut App) -> Vec<Effect>) -> Vec<Effect> {
    app.fleet
        .live_ids()
        .into_iter()
        .filter_map(|id| fleet::in_context(app, id, f))
        .flatten()
        .collect()
}

#[must_use]
pub fn update(app: &mut App, action: Action) -> Vec<Effect> {
    let effects = route(app, action);
    app.sync_top();
    effects
}

fn route(app: &mut App, action: Action) -> Vec<Effect> {
    match action {
        Action::Key(key) if key.kind == KeyEventKind::Release => Vec::new(),
        Action::Key(key) => {
            let effects = handle_key(app, key);
            // The status bar names the selected row's context as the selection moves.
            app.sync_top();
            if app.modal.is_none()
                && let Some(context) = app.view().selected_context()
            {
                fleet::focus(app, context);
            }
            effects
        }
        Action::Tick(now) => tick(app, now),
        Action::InContext { context, action } => {
            fleet::in_context(app, context, |app| route(app, *action)).unwrap_or_default()
        }
        Action::Resize {
            table_rows,
            help_rows,
        } => {
            app.table_rows = table_rows.max(1);
            app.help_rows = help_rows.max(1);
            let rows = app.table_rows;
            if let Some(top) = app.stack.last_mut() {
                top.view.fit(rows);
            }
            Vec::new()
        }
        Action::JobEnded { id, end } => {
            let context = app.jobs.context_of(id).unwrap_or(app.fleet.active);
            match fleet::in_context(app, context, |app| job_ended(app, id, end.clone())) {
                Some(effects) => effects,
                // Its context was dropped (a switch narrowed the fleet): only `:jobs` hears.
                None => {
                    app.jobs.end(id, end, app.now);
                    Vec::new()
                }
            }
        }
        Action::ContextSwitched { info, read_only } => {
            super::context::switched(app, info, read_only)
        }
        Action::ContextFailed { error } => {
            app.fleet.switching_from = None;
            app.set_message(Level::Error, format!("switch failed, still here: {error}"));
            Vec::new()
        }
        listing @ (Action::QueuesLoaded { .. }
        | Action::QueueFailed { .. }
        | Action::QueuesFinished { .. }
        | Action::TopicsLoaded { .. }
        | Action::SubscriptionsLoaded { .. }
        | Action::MappingsLoaded { .. }
        | Action::FunctionsLoaded { .. }
        | Action::SourceFailed { .. }
        | Action::CountsRefreshed { .. }) => {
            listing_result(app, listing);
            Vec::new()
        }
        result => {
            job_result(app, result);
            Vec::new()
        }
    }
}

/// The refreshes due now in the active context: listings, counts of the rows on screen,
/// metrics and signals of what the top view shows.
fn due_refreshes(app: &mut App) -> Vec<Effect> {
    let on_screen = app.view().on_screen_queues_in(app.table_rows, &app.ctx());
    let mut effects = loads::due_refreshes(app, on_screen);
    effects.extend(super::metric_refresh::due(app));
    effects.extend(super::signal_refresh::due(app));
    effects
}

/// A second passed: every context a fleet view shows refreshes what it has on screen; the
/// logs (the active context's: its logs views and board signatures) once.
fn tick(app: &mut App, now: std::time::SystemTime) -> Vec<Effect> {
    app.now = now;
    app.spinner_frame = app.spinner_frame.wrapping_add(1);
    let contexts = if app.view().fleet_wide() {
        app.fleet.live_ids()
    } else {
        vec![app.fleet.active]
    };
    let mut effects: Vec<Effect> = contexts
        .into_iter()
        .filter_map(|id| fleet::in_context(app, id, due_refreshes))
        .flatten()
        .collect();
    effects.extend(super::logs::due(app));
    effects
}

/// A listing's answer: rows, a failure, the end of a listing, fresh counts.
fn listing_result(app: &mut App, action: Action) {
    match action {
        Action::QueuesLoaded { generation, queues } => {
            loads::queues_batch(app, generation, queues);
        }
        Action::QueueFailed {
            generation,
            url,
            error,
        } => {
            loads::queue_failed(app, generation, &url, &error);
        }
        Action::QueuesFinished {
            generation,
            listed,
            failed,
        } => {
            loads::queues_finished(app, generation, listed, failed);
        }
        Action::TopicsLoaded { generation, topics } => {
            loads::listing_loaded(app, Source::Topics, generation, |i| i.set_topics(topics));
        }
        Action::SubscriptionsLoaded {
            generation,
            subscriptions,
        } => {
            loads::listing_loaded(app, Source::Subscriptions, generation, |i| {
                i.set_subscriptions(subscriptions)
            });
        }
        Action::MappingsLoaded {
            generation,
            mappings,
        } => {
            loads::listing_loaded(app, Source::EventSourceMappings, generation, |i| {
                i.set_mappings(mappings)
            });
        }
        Action::FunctionsLoaded {
            generation,
            functions,
        } => {
            loads::listing_loaded(app, Source::Functions, generation, |i| {
                i.set_functions(functions)
            });
        }
        Action::SourceFailed {
            source,
            generation,
            error,
        } => {
            loads::source_failed(app, source, generation, error);
        }
        Action::CountsRefreshed { generation, queues } => {
            super::metric_refresh::record_counts(app, &queues);
            loads::counts_refreshed(app, generation, queues);
        }
        // The router sends only listing answers here.
        _ => {}
    }
}

/// What a background job read or did: progress, a peek, metrics, signals, whoami, a
/// redrive's plan, progress and end.
fn job_result(app: &mut App, action: Action) {
    match action {
        Action::JobProgress { id, progress } => {
            app.jobs.progress(id, progress);
        }
        Action::Peeked(result) => {
            peeked(app, *result);
        }
        Action::MetricsFetched(outcome) => {
            super::metric_refresh::fetched(app, *outcome);
        }
        Action::AlarmsRead { job, alarms } => {
            super::signal_refresh::alarms_read(app, job, alarms);
        }
        Action::MoveTasksRead { job, answers } => {
            super::signal_refresh::move_tasks_read(app, job, answers);
        }
        Action::WhoamiRead { job, whoami } => {
            super::whoami::read(app, job, *whoami);
        }
        Action::RedrivePlanned { job, result } => {
            super::redrive::planned(app, job, result);
        }
        Action::RedriveProgress { id, snapshot } => {
            super::redrive::progress(app, id, *snapshot);
        }
        Action::RedriveFinished { id, result } => {
            super::redrive::finished(app, id, result.map(|s| *s));
        }
        Action::LogsRead {
            job,
            to,
            generation,
            answer,
        } => {
            super::logs::read(app, job, to, generation, *answer);
        }
        Action::CanaryWatch { id, status } => {
            let now = super::metric_refresh::epoch_ms(app.now);
            app.redrives.watching(id, *status, now);
        }
        Action::CanaryVerdict { id, verdict } => app.redrives.judged(id, *verdict),
        // The router handles every other action itself.
        _ => {}
    }
}

/// A peek read its sample: the viewer opens on it (the job's end reports the rest).
fn peeked(app: &mut App, result: super::action::PeekResult) {
    if result.messages.is_empty() {
        let why = match &result.report.end {
            crate::messages::PeekEnd::Failed(error) => format!("failed: {error}"),
            _ => "no message came back (the queue is empty, or its messages are in flight \
                  or delayed)"
                .to_string(),
        };
        app.set_message(
            Level::Info,
            format!("peek {}: {why}", result.request.queue_name),
        );
        return;
    }
    app.push(Box::new(MessagesView::folded(result, app.fold_depth)));
}

fn job_ended(app: &mut App, id: super::jobs::JobId, end: JobEnd) -> Vec<Effect> {
    if app.metrics.owns_job(id) {
        app.metrics.job_ended(id);
        app.jobs.end(id, end, app.now);
        return Vec::new();
    }
    // Like metric refreshes, signal reads end quietly: the board shows what they read.
    if app.signals.owns_job(id) {
        app.signals.job_ended(id);
        app.jobs.end(id, end, app.now);
        return Vec::new();
    }
    if super::whoami::job_ended(app, id, &end) || super::logs::job_ended(app, id, &end) {
        app.jobs.end(id, end, app.now);
        return Vec::new();
    }
    let was_load = app.loads.owns_job(id);
    let label = app
        .jobs
        .get(id)
        .map(|j| j.label.clone())
        .unwrap_or_default();
    let changed_state = app.jobs.get(id).is_some_and(|j| j.changes_state);
    let failure = match &end {
        JobEnd::Failed(message) => Some(message.clone()),
        JobEnd::Cancelled => Some("cancelled".to_string()),
        JobEnd::Done(_) => None,
    };
    app.jobs.end(id, end.clone(), app.now);
    loads::job_ended(app, id, failure.as_deref());
    if was_load {
        return Vec::new();
    }
    match end {
        JobEnd::Done(summary) => {
            let text = match summary {
                Some(summary) => format!("{label}: {summary}"),
                None => format!("{label}: done"),
            };
            app.set_message(Level::Info, text);
        }
        JobEnd::Cancelled => app.set_message(Level::Info, format!("{label}: cancelled")),
        JobEnd::Failed(message) => {
            app.set_message(Level::Error, format!("{label} failed: {message}"))
        }
    }
    // What a job changed shows at once, not at the next refresh; a cancelled or failed
    // redrive may have moved some too. A job that only read (a peek) changed nothing: the
    // counts refresh shows its in-flight dip.
    if changed_state {
        loads::start_load(app, Source::Queues)
    } else {
        Vec::new()
    }
}

fn handle_key(app: &mut App, key: KeyEvent) -> Vec<Effect> {
    // ctrl-c quits from every mode.
    if key.code == KeyCode::Char('c') && key.modifiers.contains(KeyModifiers::CONTROL) {
        return quit(app);
    }
    if let Some(modal) = app.modal.take() {
        return modals::handle_key(app, modal, key);
    }
    let Some(action) = app.keymap.action_for(&key) else {
        return Vec::new();
    };
    // On a fleet view a key acts in the selected row's context, and nowhere else.
    if let Some(context) = app.view().selected_context() {
        fleet::focus(app, context);
    }
    if action.is_dangerous() && app.read_only {
        app.set_message(
            Level::Error,
            "read-only: nothing that changes state is available".to_string(),
        );
        return Vec::new();
    }
    let (top, ctx) = app.top_and_ctx();
    let outcome = top.view.handle(action, &ctx);
    apply(app, Some(action), outcome)
}

/// What a view answered: to a key (`action`; what it ignores goes to the global keys), or
/// to a prompt it asked for (`None`).
pub(super) fn apply(app: &mut App, action: Option<KeyAction>, outcome: Outcome) -> Vec<Effect> {
    match outcome {
        Outcome::Ignored => action.map(|a| global_key(app, a)).unwrap_or_default(),
        Outcome::Ask { ask, text } => {
            let text = match ask {
                Ask::ExportPath => app.export_dir.join(text).display().to_string(),
                Ask::Search => text,
            };
            app.modal = Some(Modal::Ask {
                ask,
                prompt: Prompt::with_text(&text),
            });
            Vec::new()
        }
        Outcome::Form(form) => {
            let form = modals::send_form::reopen(app, *form);
            app.modal = Some(Modal::Form(Box::new(form)));
            Vec::new()
        }
        Outcome::Handled => Vec::new(),
        Outcome::Push(view) => {
            app.push(view);
            Vec::new()
        }
        Outcome::Pop => {
            app.pop();
            Vec::new()
        }
        Outcome::Effects(effects) => {
            for effect in &effects {
                match effect {
                    Effect::Cancel(id) => {
                        app.jobs.cancelling(*id);
                    }
                    Effect::Copy(text) => {
                        app.set_message(Level::Info, format!("copied {} bytes", text.len()));
                    }
                    _ => {}
                }
            }
            effects
        }
        Outcome::Job { label, work } => {
            let id = app.jobs.start(label.clone(), app.now);
            app.set_message(Level::Info, format!("{label} started (:jobs)"));
            vec![Effect::Start { id, work }]
        }
        Outcome::Confirm(pending) => {
            // Read-only refuses what writes; a peek only reads, so it is still offered.
            if app.read_only && pending.op.writes() {
                app.set_message(
                    Level::Error,
                    format!("read-only: refusing to {}", pending.op.label()),
                );
            } else {
                app.modal = Some(Modal::Confirm(ConfirmDialog::new(pending)));
            }
            Vec::new()
        }
        Outcome::Message(level, text) => {
            app.set_message(level, text);
            Vec::new()
        }
        Outcome::Start(op) => modals::start_confirmed(app, op),
    }
}

/// `L`: in the message viewer, the invocations that handled the selected message; on a
/// row (a table, the board, the topology), its consumers' logs.
fn logs_key(app: &mut App) -> Vec<Effect> {
    let selected = app.view_as::<MessagesView>().and_then(|viewer| {
        let message = viewer.messages.get(viewer.selected)?;
        Some((viewer.request.queue_url.clone(), message.clone()))
    });
    match selected {
        Some((queue_url, message)) => super::logs::open::open_message(app, &queue_url, &message),
        None => super::logs::open::open_selected(app),
    }
}

fn quit(app: &mut App) -> Vec<Effect> {
    app.quitting = true;
    vec![Effect::Quit]
}

/// Keys no view took.
fn global_key(app: &mut App, action: KeyAction) -> Vec<Effect> {
    match action {
        KeyAction::Quit => return quit(app),
        KeyAction::Help => app.modal = Some(Modal::Help { scroll: 0 }),
        KeyAction::Command => app.modal = Some(Modal::Command(Prompt::default())),
        KeyAction::Filter => {
            if let Some(current) = app.view().filter_text() {
                app.modal = Some(Modal::Filter(Prompt::with_text(&current)));
            }
        }
        KeyAction::Back => {
            if app.view().filter_text().is_some_and(|f| !f.is_empty()) {
                let (top, ctx) = app.top_and_ctx();
                top.view.set_filter(None, &ctx);
            } else {
                app.pop();
            }
        }
        KeyAction::Refresh => {
            // Listings still running are not started twice; say so only if nothing started.
            // A fleet view refreshes every context it shows.
            let effects = if app.view().fleet_wide() {
                every_context(app, loads::start_all)
            } else {
                loads::start_all(app)
            };
            if effects.is_empty() {
                app.set_message(Level::Info, "a refresh is already running".to_string());
            }
            return effects;
        }
        KeyAction::WindowShorter => {
            let window = app.metrics.engine.window().shorter();
            return super::metric_refresh::set_window(app, window);
        }
        KeyAction::WindowLonger => {
            let window = app.metrics.engine.window().longer();
            return super::metric_refresh::set_window(app, window);
        }
        KeyAction::Redrive => return super::redrive::open(app),
        KeyAction::Logs => return logs_key(app),
        KeyAction::Yank => {
            if let Some(target) = app.view().selected_target() {
                let text = target.copy_text().to_string();
                app.set_message(Level::Info, format!("copied {text}"));
                return vec![Effect::Copy(text)];
            }
        }
        _ => {}
    }
    Vec::new()
}

#[cfg(test)]
mod tests;
