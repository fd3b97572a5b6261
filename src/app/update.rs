//! The one place state changes. Pure: no I/O, no clock reads, no drawing.

use ratatui::crossterm::event::{KeyCode, KeyEvent, KeyEventKind, KeyModifiers};

use super::action::Action;
use super::commands::{self, Command};
use super::effect::Effect;
use super::keymap::KeyAction;
use super::prompt::Prompt;
use super::state::{App, Level, Mode, SourceLoad, StatusMessage, TableView, View};
use super::table::RowFilter;
use super::tables::TableKind;
use super::target::Target;
use super::topology_view::TopologyView;
use crate::inventory::Source;

/// Effects to run when the app starts: load everything.
pub fn start(app: &mut App) -> Vec<Effect> {
    Source::ALL
        .iter()
        .flat_map(|&source| start_load(app, source))
        .collect()
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
                start_load(app, Source::Queues)
            } else {
                Vec::new()
            }
        }
        Action::Resize { table_rows } => {
            app.table_rows = table_rows.max(1);
            scroll_current_into_view(app);
            Vec::new()
        }
        Action::QueuesLoaded { generation, queues } => {
            if let Some(load) = current_load(app, Source::Queues, generation) {
                load.received += queues.len();
                app.inventory.upsert_queues(queues, generation);
                inventory_changed(app);
            }
            Vec::new()
        }
        Action::QueueFailed {
            generation,
            url,
            error,
        } => {
            if current_load(app, Source::Queues, generation).is_some() {
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
            if finish_load(app, Source::Queues, generation) {
                app.queues_refreshed = Some(app.now);
                app.inventory.finish_queues(generation);
                inventory_changed(app);
                if failed > 0 {
                    set_message(
                        app,
                        Level::Warning,
                        format!(
                            "{failed} of {listed} queues could not be described; the rest are shown"
                        ),
                    );
                } else if app
                    .message
                    .as_ref()
                    .is_some_and(|m| m.level == Level::Error)
                {
                    // The queues loaded again: an earlier error (say, the endpoint was
                    // unreachable) no longer holds.
                    app.message = None;
                }
            }
            Vec::new()
        }
        Action::TopicsLoaded { generation, topics } => {
            if finish_load(app, Source::Topics, generation) {
                app.inventory.set_topics(topics);
                inventory_changed(app);
            }
            Vec::new()
        }
        Action::SubscriptionsLoaded {
            generation,
            subscriptions,
        } => {
            if finish_load(app, Source::Subscriptions, generation) {
                app.inventory.set_subscriptions(subscriptions);
                inventory_changed(app);
            }
            Vec::new()
        }
        Action::MappingsLoaded {
            generation,
            mappings,
        } => {
            if finish_load(app, Source::EventSourceMappings, generation) {
                app.inventory.set_mappings(mappings);
                inventory_changed(app);
            }
            Vec::new()
        }
        Action::FunctionsLoaded {
            generation,
            functions,
        } => {
            if finish_load(app, Source::Functions, generation) {
                app.inventory.set_functions(functions);
                inventory_changed(app);
            }
            Vec::new()
        }
        Action::SourceFailed {
            source,
            generation,
            error,
        } => {
            if finish_load(app, source, generation) {
                if source == Source::Queues {
                    app.queues_refreshed = Some(app.now);
                }
                let level = if source == Source::Queues {
                    Level::Error
                } else {
                    Level::Warning
                };
                set_message(
                    app,
                    level,
                    format!("loading {} failed: {error}", source.label()),
                );
                app.inventory.set_error(source, error);
                inventory_changed(app);
            }
            Vec::new()
        }
    }
}

/// The load record for `source` if `generation` is the current one (stale results are dropped).
fn current_load(app: &mut App, source: Source, generation: u64) -> Option<&mut SourceLoad> {
    app.loads
        .get_mut(&source)
        .filter(|l| l.generation == generation && l.in_flight)
}

/// Marks the current load of `source` done; false for a stale generation.
fn finish_load(app: &mut App, source: Source, generation: u64) -> bool {
    match current_load(app, source, generation) {
        Some(load) => {
            load.in_flight = false;
            true
        }
        None => false,
    }
}

/// Rows of every view are rebuilt from the inventory; selections follow their rows.
fn inventory_changed(app: &mut App) {
    let rows = app.table_rows;
    for view in &mut app.stack {
        match view {
            View::Table(table) => {
                table.refresh(&app.inventory);
                table.state.scroll_into_view(rows);
            }
            View::Topology(tree) => {
                tree.rebuild(&app.inventory);
                tree.scroll_into_view(rows);
            }
            View::Describe { .. } => {}
        }
    }
}

/// Shows a message; a warning never hides an error that is still on screen, since the
/// error is what the user needs to read (an unreachable endpoint fails every listing).
fn set_message(app: &mut App, level: Level, text: String) {
    if level == Level::Warning
        && app
            .message
            .as_ref()
            .is_some_and(|m| m.level == Level::Error)
    {
        return;
    }
    app.message = Some(StatusMessage { level, text });
}

fn refresh_due(app: &App) -> bool {
    let (Some(interval), Some(last)) = (app.queues_refresh, app.queues_refreshed) else {
        return false;
    };
    !app.load(Source::Queues).in_flight
        && app
            .now
            .duration_since(last)
            .is_ok_and(|elapsed| elapsed >= interval)
}

/// Starts a load of `source` unless one is already running (duplicate work collapses).
fn start_load(app: &mut App, source: Source) -> Vec<Effect> {
    let load = app.loads.entry(source).or_default();
    if load.in_flight {
        return Vec::new();
    }
    load.generation += 1;
    load.in_flight = true;
    load.received = 0;
    vec![Effect::Load {
        source,
        generation: load.generation,
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
        Mode::Filter(prompt) => {
            handle_filter_key(app, prompt, key);
            Vec::new()
        }
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
            if let Some(current) = current_filter(app) {
                app.mode = Mode::Filter(Prompt::with_text(&current));
            }
        }
        KeyAction::Back => go_back(app),
        KeyAction::Refresh => {
            // Listings still running are not started twice; say so only if nothing started.
            let effects = start(app);
            if effects.is_empty() {
                set_message(app, Level::Info, "a refresh is already running".to_string());
            }
            return effects;
        }
        KeyAction::Down => move_by(app, 1),
        KeyAction::Up => move_by(app, -1),
        KeyAction::PageDown => move_by(app, half_page),
        KeyAction::PageUp => move_by(app, -half_page),
        KeyAction::Top => move_by(app, isize::MIN),
        KeyAction::Bottom => move_by(app, isize::MAX),
        KeyAction::Open => open_selected(app),
        KeyAction::SortNext => shift_sort(app, 1),
        KeyAction::SortPrevious => shift_sort(app, -1),
        KeyAction::SortReverse => {
            if let View::Table(table) = app.view_mut() {
                table.state.reverse_sort();
            }
        }
        KeyAction::Describe => {
            if let Some(target) = selected_target(app) {
                app.stack.push(View::Describe { target, scroll: 0 });
            }
        }
        KeyAction::Yank => return yank(app),
        KeyAction::Topology => show_in_topology(app),
    }
    Vec::new()
}

fn selected_target(app: &App) -> Option<Target> {
    match app.view() {
        View::Table(table) => table.state.selected_row().map(|row| row.target.clone()),
        View::Topology(tree) => tree.selected_line().and_then(|line| line.target.clone()),
        View::Describe { target, .. } => Some(target.clone()),
    }
}

fn yank(app: &mut App) -> Vec<Effect> {
    match selected_target(app) {
        Some(target) => {
            let text = target.copy_text().to_string();
            set_message(app, Level::Info, format!("copied {text}"));
            vec![Effect::Copy(text)]
        }
        None => Vec::new(),
    }
}

fn show_in_topology(app: &mut App) {
    let target = selected_target(app);
    let mut tree = TopologyView::new(&app.inventory);
    if let Some(target) = &target {
        tree.focus(target, app.table_rows);
    }
    app.stack.push(View::Topology(tree));
}

fn shift_sort(app: &mut App, step: isize) {
    if let View::Table(table) = app.view_mut() {
        let columns = table.kind.columns();
        let next =
            (table.state.sort_column as isize + step).rem_euclid(columns.len() as isize) as usize;
        table.state.sort_by(next, columns[next].numeric);
    }
}

fn move_by(app: &mut App, delta: isize) {
    let rows = app.table_rows;
    match app.view_mut() {
        View::Table(table) => table.state.move_selection(delta, rows),
        View::Topology(tree) => tree.move_selection(delta, rows),
        View::Describe { scroll, .. } => {
            *scroll = (*scroll as isize).saturating_add(delta).max(0) as usize;
        }
    }
}

fn scroll_current_into_view(app: &mut App) {
    let rows = app.table_rows;
    match app.view_mut() {
        View::Table(table) => table.state.scroll_into_view(rows),
        View::Topology(tree) => tree.scroll_into_view(rows),
        View::Describe { .. } => {}
    }
}

fn current_filter(app: &App) -> Option<String> {
    let filter = match app.view() {
        View::Table(table) => &table.state.filter,
        View::Topology(tree) => &tree.filter,
        View::Describe { .. } => return None,
    };
    Some(filter.as_ref().map(|f| f.text.clone()).unwrap_or_default())
}

fn set_filter(app: &mut App, filter: Option<RowFilter>) {
    let rows = app.table_rows;
    match app.view_mut() {
        View::Table(table) => {
            table.state.set_filter(filter);
            table.state.scroll_into_view(rows);
        }
        View::Topology(tree) => {
            tree.set_filter(filter);
            tree.scroll_into_view(rows);
        }
        View::Describe { .. } => {}
    }
}

fn go_back(app: &mut App) {
    if current_filter(app).is_some_and(|f| !f.is_empty()) {
        set_filter(app, None);
        return;
    }
    if app.stack.len() > 1 {
        app.stack.pop();
    }
}

/// Enter: a topic opens its subscriptions; a row that points at a queue, function or
/// subscription opens its description.
fn open_selected(app: &mut App) {
    let Some(target) = selected_target(app) else {
        return;
    };
    if matches!(app.view(), View::Describe { .. }) {
        return;
    }
    let view = match target {
        Target::Topic(topic_arn) => View::Table(TableView::new(
            TableKind::Subscriptions,
            Some(topic_arn),
            &app.inventory,
        )),
        other => View::Describe {
            target: other,
            scroll: 0,
        },
    };
    app.stack.push(view);
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
    let root = match command {
        Command::Quit => return quit(app),
        Command::Help => {
            app.mode = Mode::Help { scroll: 0 };
            return Vec::new();
        }
        Command::Table(kind) => View::Table(TableView::new(kind, None, &app.inventory)),
        Command::Topology => View::Topology(TopologyView::new(&app.inventory)),
    };
    app.stack = vec![root];
    Vec::new()
}

fn handle_filter_key(app: &mut App, mut prompt: Prompt, key: KeyEvent) {
    match key.code {
        KeyCode::Esc => {
            set_filter(app, None);
            app.mode = Mode::Normal;
        }
        KeyCode::Enter => {
            // A bad pattern keeps the prompt open with the text as typed: nothing is lost.
            app.mode = if prompt.error.is_some() {
                Mode::Filter(prompt)
            } else {
                Mode::Normal
            };
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
            app.mode = Mode::Filter(prompt);
        }
    }
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
