//! The modal layer above the view stack: help, the `:` and `/` prompts, and the confirm
//! dialog. While one is open it gets every key.

pub mod confirm;
pub mod send_form;

use ratatui::crossterm::event::{KeyCode, KeyEvent};

use super::command_mode;
use super::effect::{Effect, Work};
use super::keymap::KeyAction;
use super::prompt::Prompt;
use super::row_filter::RowFilter;
use super::state::{App, Level};
use super::views::{Ask, scroll_text};
use confirm::{ConfirmDialog, ConfirmStep};

#[derive(Debug, Clone, PartialEq)]
pub enum Modal {
    Help {
        scroll: usize,
    },
    Command(Prompt),
    Filter(Prompt),
    Confirm(ConfirmDialog),
    /// A line of text a view asked for (the viewer's search, an export's file).
    Ask {
        ask: Ask,
        prompt: Prompt,
    },
    /// The send / publish form.
    Form(Box<send_form::SendForm>),
    /// The redrive dialog: plan and settings, before the confirm dialog.
    Redrive(Box<super::redrive::RedriveDialog>),
}

/// A key while `modal` is open (it has been taken out of `app.modal`; put it back to
/// keep it open).
pub fn handle_key(app: &mut App, modal: Modal, key: KeyEvent) -> Vec<Effect> {
    match modal {
        Modal::Help { scroll } => {
            help_key(app, scroll, key);
            Vec::new()
        }
        Modal::Command(prompt) => command_key(app, prompt, key),
        Modal::Filter(prompt) => {
            filter_key(app, prompt, key);
            Vec::new()
        }
        Modal::Confirm(dialog) => confirm_key(app, dialog, key),
        Modal::Ask { ask, prompt } => ask_key(app, ask, prompt, key),
        Modal::Form(form) => send_form::key(app, *form, key),
        Modal::Redrive(dialog) => super::redrive::dialog_key(app, *dialog, key),
    }
}

/// A key in a prompt a view asked for: Enter and Esc hand the text back to the view.
fn ask_key(app: &mut App, ask: Ask, mut prompt: Prompt, key: KeyEvent) -> Vec<Effect> {
    let text = match key.code {
        KeyCode::Esc => None,
        KeyCode::Enter => Some(prompt.text().to_string()),
        _ => {
            if prompt.edit(key) {
                prompt.error = None;
            }
            app.modal = Some(Modal::Ask { ask, prompt });
            return Vec::new();
        }
    };
    let (top, ctx) = app.top_and_ctx();
    match top.view.answer(ask, text.as_deref(), &ctx) {
        Ok(outcome) => super::update::apply(app, None, outcome),
        Err(error) => {
            // Nothing typed is lost: the prompt stays open with the error beside it.
            prompt.error = Some(error);
            app.modal = Some(Modal::Ask { ask, prompt });
            Vec::new()
        }
    }
}

/// The help text's line count, for scrolling (the help screen is generated from these).
pub fn help_line_count(app: &App) -> usize {
    super::help::help_lines(&app.keymap, app.read_only).len()
}

fn help_key(app: &mut App, scroll: usize, key: KeyEvent) {
    let action = app.keymap.action_for(&key);
    let close = key.code == KeyCode::Esc
        || matches!(
            action,
            Some(KeyAction::Help) | Some(KeyAction::Quit) | Some(KeyAction::Back)
        );
    if close {
        return;
    }
    let rows = app.help_rows;
    let scroll = match action.and_then(|a| super::views::navigation_delta(a, rows)) {
        Some(delta) => scroll_text(scroll, delta, help_line_count(app), rows),
        None => scroll,
    };
    app.modal = Some(Modal::Help { scroll });
}

fn command_key(app: &mut App, mut prompt: Prompt, key: KeyEvent) -> Vec<Effect> {
    match key.code {
        KeyCode::Esc => {}
        KeyCode::Enter => {
            if prompt.text().trim().is_empty() {
                return Vec::new();
            }
            return match command_mode::parse(prompt.text()) {
                Ok(command) => command_mode::run(app, command),
                Err(error) => {
                    app.set_message(Level::Error, error);
                    Vec::new()
                }
            };
        }
        KeyCode::Tab => {
            if let Some(completed) = command_mode::complete(prompt.text(), &app.profiles) {
                prompt.set_text(&completed);
            }
            app.modal = Some(Modal::Command(prompt));
        }
        _ => {
            prompt.edit(key);
            app.modal = Some(Modal::Command(prompt));
        }
    }
    Vec::new()
}

fn set_filter(app: &mut App, filter: Option<RowFilter>) {
    let (top, ctx) = app.top_and_ctx();
    top.view.set_filter(filter, &ctx);
}

fn filter_key(app: &mut App, mut prompt: Prompt, key: KeyEvent) {
    match key.code {
        KeyCode::Esc => set_filter(app, None),
        KeyCode::Enter => {
            // A bad pattern keeps the prompt open with the text as typed: nothing is lost.
            if prompt.error.is_some() {
                app.modal = Some(Modal::Filter(prompt));
            }
        }
        _ => {
            if prompt.edit(key) {
                match RowFilter::parse(prompt.text()) {
                    Ok(filter) => {
                        prompt.error = None;
                        set_filter(app, filter);
                    }
                    Err(error) => prompt.error = Some(error),
                }
            }
            app.modal = Some(Modal::Filter(prompt));
        }
    }
}

fn confirm_key(app: &mut App, dialog: ConfirmDialog, key: KeyEvent) -> Vec<Effect> {
    match dialog.key(key) {
        ConfirmStep::Open(dialog) => {
            app.modal = Some(Modal::Confirm(dialog));
            Vec::new()
        }
        ConfirmStep::Cancelled => {
            app.set_message(Level::Info, "cancelled: nothing was changed".to_string());
            Vec::new()
        }
        ConfirmStep::Confirmed(op) => start_confirmed(app, op),
    }
}

/// Starts a confirmed operation as a job (a redrive also gets its progress view).
pub fn start_confirmed(app: &mut App, op: confirm::ConfirmedOp) -> Vec<Effect> {
    // Read-only is checked again here: the dialog may have opened before a switch to a
    // read-only profile. Operations that only read (a peek) stay allowed.
    if app.read_only && op.op().writes() {
        app.set_message(
            Level::Error,
            format!("read-only: refusing to {}", op.op().label()),
        );
        return Vec::new();
    }
    if matches!(
        op.op(),
        confirm::DangerousOp::Send { .. } | confirm::DangerousOp::Publish { .. }
    ) {
        // Sent: the next form starts empty.
        app.send_draft = None;
    }
    let id = app.jobs.start(op.op().label(), app.now);
    if op.op().writes() {
        app.jobs.mark_changes_state(id);
    }
    app.set_message(Level::Info, format!("{} started (:jobs)", op.op().label()));
    super::redrive::started(app, id, &op);
    if let confirm::DangerousOp::LogsSearch(logs) = op.op() {
        super::logs::confirmed(app, id, logs);
    }
    vec![Effect::Start {
        id,
        work: Work::Dangerous(op),
    }]
}
