//! The one place state changes. Pure: no I/O, no clock reads, no drawing.

use ratatui::crossterm::event::{KeyCode, KeyEvent, KeyEventKind, KeyModifiers};

use super::action::Action;
use super::commands::{self, Command};
use super::effect::Effect;
use super::keymap::KeyAction;
use super::prompt::Prompt;
use super::queue_table::RowFilter;
use super::state::{App, Level, Mode, StatusMessage, View};

/// Effects to run when the app starts.
pub fn start(app: &mut App) -> Vec<Effect> {
    start_queue_load(app)
}

pub fn update(app: &mut App, action: Action) -> Vec<Effect> {
    match action {
        Action::Key(key) => {
            if key.kind == KeyEventKind::Release {
                return Vec::new();
            }
            handle_key(app, key)
        }
        Action::Tick(now) => {
            app.now = now;
            app.spinner_frame = app.spinner_frame.wrapping_add(1);
            if refresh_due(app) {
                start_queue_load(app)
            } else {
                Vec::new()
            }
        }
        Action::Resize { table_rows } => {
            app.table_rows = table_rows.max(1);
            app.queues.scroll_into_view(app.table_rows);
            Vec::new()
        }
        Action::QueuesLoaded { generation, queues } => {
            if generation == app.load.generation {
                app.load.received += queues.len();
                app.queues.upsert(queues, generation);
                app.queues.scroll_into_view(app.table_rows);
            }
            Vec::new()
        }
        Action::QueueFailed {
            generation,
            url,
            error,
        } => {
            if generation == app.load.generation {
                let name = crate::domain::arn::queue_name_from_url(&url).to_string();
                set_message(app, Level::Warning, format!("{name}: {error}"));
            }
            Vec::new()
        }
        Action::QueuesFinished {
            generation,
            listed,
            failed,
        } => {
            if generation == app.load.generation {
                app.load.in_flight = false;
                app.load.last_finished = Some(app.now);
                app.queues.prune_unseen(generation);
                app.queues.scroll_into_view(app.table_rows);
                if failed > 0 {
                    set_message(
                        app,
                        Level::Warning,
                        format!(
                            "{failed} of {listed} queues could not be described; the rest are shown"
                        ),
                    );
                } else if matches!(&app.message, Some(m) if m.level == Level::Error) {
                    // A successful load clears a stale connection error.
                    app.message = None;
                }
            }
            Vec::new()
        }
        Action::QueueLoadFailed { generation, error } => {
            if generation == app.load.generation {
                app.load.in_flight = false;
                app.load.last_finished = Some(app.now);
                set_message(app, Level::Error, format!("loading queues failed: {error}"));
            }
            Vec::new()
        }
    }
}

fn set_message(app: &mut App, level: Level, text: String) {
    app.message = Some(StatusMessage { level, text });
}

fn refresh_due(app: &App) -> bool {
    let (Some(interval), Some(last)) = (app.queues_refresh, app.load.last_finished) else {
        return false;
    };
    !app.load.in_flight
        && app
            .now
            .duration_since(last)
            .is_ok_and(|elapsed| elapsed >= interval)
}

/// Starts a queue load unless one is already running (collapse duplicate work).
fn start_queue_load(app: &mut App) -> Vec<Effect> {
    if app.load.in_flight {
        return Vec::new();
    }
    app.load.generation += 1;
    app.load.in_flight = true;
    app.load.received = 0;
    vec![Effect::LoadQueues {
        generation: app.load.generation,
    }]
}

fn handle_key(app: &mut App, key: KeyEvent) -> Vec<Effect> {
    // ctrl-c quits from every mode.
    if key.code == KeyCode::Char('c') && key.modifiers.contains(KeyModifiers::CONTROL) {
        return quit(app);
    }
    match app.mode.clone() {
        Mode::Normal => handle_normal_key(app, key),
        Mode::Command(prompt) => handle_command_key(app, prompt, key),
        Mode::Filter(prompt) => handle_filter_key(app, prompt, key),
        Mode::Help { scroll } => {
            handle_help_key(app, scroll, key);
            Vec::new()
        }
    }
}

fn quit(app: &mut App) -> Vec<Effect> {
    app.quitting = true;
    vec![Effect::Quit]
}

fn handle_normal_key(app: &mut App, key: KeyEvent) -> Vec<Effect> {
    let Some(action) = app.keymap.action_for(&key) else {
        return Vec::new();
    };
    let half_page = (app.table_rows / 2).max(1) as isize;
    match action {
        KeyAction::Quit => return quit(app),
        KeyAction::Help => app.mode = Mode::Help { scroll: 0 },
        KeyAction::Command => app.mode = Mode::Command(Prompt::default()),
        KeyAction::Filter => {
            if matches!(app.view(), View::Queues) {
                let current = app
                    .queues
                    .filter
                    .as_ref()
                    .map(|f| f.text.clone())
                    .unwrap_or_default();
                app.mode = Mode::Filter(Prompt::with_text(&current));
            }
        }
        KeyAction::Back => go_back(app),
        KeyAction::Refresh => {
            if app.load.in_flight {
                set_message(app, Level::Info, "a refresh is already running".to_string());
            }
            return start_queue_load(app);
        }
        KeyAction::Down => move_by(app, 1),
        KeyAction::Up => move_by(app, -1),
        KeyAction::PageDown => move_by(app, half_page),
        KeyAction::PageUp => move_by(app, -half_page),
        KeyAction::Top => move_by(app, isize::MIN / 2),
        KeyAction::Bottom => move_by(app, isize::MAX / 2),
        KeyAction::Open => open_selected(app),
        KeyAction::SortNext => app.queues.shift_sort(1),
        KeyAction::SortPrevious => app.queues.shift_sort(-1),
        KeyAction::SortReverse => app.queues.reverse_sort(),
    }
    Vec::new()
}

fn move_by(app: &mut App, delta: isize) {
    let rows = app.table_rows;
    match app.stack.last_mut() {
        Some(View::QueueDetail { scroll, .. }) => {
            *scroll = (*scroll as isize + delta).max(0) as usize;
        }
        _ => app.queues.move_selection(delta, rows),
    }
}

fn go_back(app: &mut App) {
    if matches!(app.view(), View::Queues) && app.queues.filter.is_some() {
        app.queues.set_filter(None);
        return;
    }
    if app.stack.len() > 1 {
        app.stack.pop();
    }
}

fn open_selected(app: &mut App) {
    if !matches!(app.view(), View::Queues) {
        return;
    }
    if let Some(queue) = app.queues.selected_queue() {
        let url = queue.url.clone();
        app.stack.push(View::QueueDetail { url, scroll: 0 });
    }
}

fn handle_command_key(app: &mut App, mut prompt: Prompt, key: KeyEvent) -> Vec<Effect> {
    match key.code {
        KeyCode::Esc => app.mode = Mode::Normal,
        KeyCode::Enter => {
            app.mode = Mode::Normal;
            if prompt.text().trim().is_empty() {
                return Vec::new();
            }
            return match commands::parse(prompt.text()) {
                Ok(command) => run_command(app, command),
                Err(error) => {
                    set_message(app, Level::Error, error);
                    Vec::new()
                }
            };
        }
        KeyCode::Tab => {
            if let Some(completed) = commands::complete(prompt.text()) {
                prompt.set_text(&completed);
            }
            app.mode = Mode::Command(prompt);
        }
        _ => {
            prompt.edit(key);
            app.mode = Mode::Command(prompt);
        }
    }
    Vec::new()
}

fn run_command(app: &mut App, command: Command) -> Vec<Effect> {
    match command {
        Command::Quit => quit(app),
        Command::Help => {
            app.mode = Mode::Help { scroll: 0 };
            Vec::new()
        }
        Command::Queues => {
            app.stack.truncate(1);
            app.stack[0] = View::Queues;
            Vec::new()
        }
    }
}

fn handle_filter_key(app: &mut App, mut prompt: Prompt, key: KeyEvent) -> Vec<Effect> {
    match key.code {
        KeyCode::Esc => {
            app.queues.set_filter(None);
            app.queues.scroll_into_view(app.table_rows);
            app.mode = Mode::Normal;
        }
        KeyCode::Enter => {
            // A bad pattern leaves the last good filter in place; nothing typed is lost
            // until the user leaves the prompt.
            if prompt.error.is_some() {
                app.mode = Mode::Filter(prompt);
            } else {
                app.mode = Mode::Normal;
            }
        }
        _ => {
            if prompt.edit(key) {
                match RowFilter::parse(prompt.text()) {
                    Ok(filter) => {
                        prompt.error = None;
                        app.queues.set_filter(filter);
                        app.queues.scroll_into_view(app.table_rows);
                    }
                    Err(error) => prompt.error = Some(error),
                }
            }
            app.mode = Mode::Filter(prompt);
        }
    }
    Vec::new()
}

fn handle_help_key(app: &mut App, scroll: usize, key: KeyEvent) {
    let action = app.keymap.action_for(&key);
    let close = matches!(key.code, KeyCode::Esc)
        || matches!(
            action,
            Some(KeyAction::Help) | Some(KeyAction::Quit) | Some(KeyAction::Back)
        );
    app.mode = if close {
        Mode::Normal
    } else {
        let scroll = match action {
            Some(KeyAction::Down) => scroll + 1,
            Some(KeyAction::Up) => scroll.saturating_sub(1),
            Some(KeyAction::PageDown) => scroll + 10,
            Some(KeyAction::PageUp) => scroll.saturating_sub(10),
            Some(KeyAction::Top) => 0,
            _ => scroll,
        };
        Mode::Help { scroll }
    };
}

#[cfg(test)]
#[path = "update_tests.rs"]
mod tests;
