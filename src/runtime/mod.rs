//! The interactive event loop: terminal events, ticks and background results become
//! Actions; `update` turns them into Effects, which run here: jobs through the
//! supervisor, context switches through the connector, the clipboard and quitting here.

mod dangerous;
mod export;
mod held;
pub mod logs;
mod peek;
mod quiet_frames;
mod redrive;
mod redrive_canary;
pub mod supervisor;
mod work;

use std::sync::Arc;
use std::time::{Duration, SystemTime};

use futures::StreamExt;
use futures::future::BoxFuture;
use ratatui::DefaultTerminal;
use ratatui::crossterm::event::{Event, EventStream};
use tokio::sync::mpsc;
use tokio::task::JoinHandle;
use tokio::time::Instant;

use crate::app::effect::ContextRequest;
use crate::app::{Action, App, Effect, update};
use crate::aws::{Backend, ConnectionInfo};
use crate::ui::{self, Theme};
use held::Held;
#[cfg(test)]
use held::coalesce;
use quiet_frames::QuietFrames;
pub use supervisor::Supervisor;

/// How often the clock and spinner advance.
const TICK: Duration = Duration::from_millis(250);
/// Actions handled between two frames at most, so a flood of results cannot starve input.
const MAX_ACTIONS_PER_FRAME: usize = 256;

/// Connects elsewhere for `:profile` / `:region`: from where squall is now and what was
/// asked, a new backend and whether it is read-only, or a message saying why not.
pub type Connector = Arc<
    dyn Fn(ConnectionInfo, ContextRequest) -> BoxFuture<'static, Result<(Backend, bool), String>>
        + Send
        + Sync,
>;

/// The terminal in raw mode on the alternate screen, or one line saying why not (ratatui's
/// `init` panics without a terminal): given back on failure.
fn take_terminal() -> std::io::Result<DefaultTerminal> {
    if !crate::gate::stdout_is_terminal() {
        return Err(std::io::Error::other(
            "the console needs a terminal and stdout is not one; in a script use a \
             subcommand, e.g. `squall ls queues`",
        ));
    }
    ratatui::try_init().map_err(|err| {
        ratatui::restore();
        std::io::Error::other(format!("cannot take the terminal: {err}"))
    })
}

/// Runs the TUI until the user quits. The terminal is restored on every path: normal
/// return, error, and a panic of the UI thread. A panic in a background job only fails
/// that job: it must not restore the terminal under a UI that goes on drawing.
pub async fn run(
    app: App,
    backend: Backend,
    theme: Theme,
    concurrency: usize,
    connector: Connector,
) -> std::io::Result<()> {
    run_fleet(app, vec![(0, backend)], theme, concurrency, connector).await
}

/// [`run`] over a fleet: each context's backend under the id `App::add_context` gave it
/// (the context squall started in is 0, and comes first).
pub async fn run_fleet(
    app: App,
    backends: Vec<(usize, Backend)>,
    theme: Theme,
    concurrency: usize,
    connector: Connector,
) -> std::io::Result<()> {
    let mut backends = backends.into_iter();
    let Some((_, first)) = backends.next() else {
        return Err(std::io::Error::other("no context to connect to"));
    };
    let mut terminal = take_terminal()?;
    install_panic_hook();
    let (tx, rx) = mpsc::unbounded_channel::<Action>();
    let mut supervisor = Supervisor::new(first, tx, concurrency);
    for (context, backend) in backends {
        supervisor.add_backend(context, backend);
    }
    let result = event_loop(&mut terminal, app, supervisor, rx, theme, connector).await;
    ratatui::restore();
    let mut supervisor = result?;
    // Every job was cancelled on quit. A redrive finishes the batches it has in flight
    // (send, then delete) and a peek releases what it holds, within their grace: wait for
    // them with the terminal given back, rather than cut them off mid-batch.
    if supervisor.has_jobs() {
        crate::gate::say(&format!(
            "letting {} job(s) finish what they started (a redrive's batches in \
             flight, a peek's release; at most {} s)…",
            supervisor.job_count(),
            QUIT_WAIT.as_secs()
        ));
        let left = supervisor.drain(QUIT_WAIT).await;
        if left > 0 {
            crate::gate::say(&format!(
                "{left} job(s) did not finish in time; a redrive's journal lets \
                 `squall redrive --resume JOURNAL` finish it"
            ));
        }
    }
    Ok(())
}

/// How long quitting waits for cancelled jobs that finish what they started: the longest
/// grace a job gets, and a little more.
const QUIT_WAIT: std::time::Duration =
    std::time::Duration::from_secs(redrive::REDRIVE_CANCEL_GRACE.as_secs() + 5);

fn install_panic_hook() {
    let ui_thread = std::thread::current().id();
    let restore_and_report = std::panic::take_hook();
    std::panic::set_hook(Box::new(move |info| {
        if std::thread::current().id() == ui_thread {
            restore_and_report(info);
        } else {
            // Printing would write over the screen; the job reports it as failed. Only where:
            // a panic's message can quote what it was handling (a message body).
            let location = info.location().map(ToString::to_string).unwrap_or_default();
            tracing::error!(location, "a background task panicked");
        }
    }));
}

async fn event_loop(
    terminal: &mut DefaultTerminal,
    mut app: App,
    supervisor: Supervisor,
    mut rx: mpsc::UnboundedReceiver<Action>,
    theme: Theme,
    connector: Connector,
) -> std::io::Result<Supervisor> {
    let mut runner = Runner {
        supervisor,
        connector,
        switching: None,
        switching_context: 0,
    };
    let mut events = EventStream::new();
    let mut ticker = tokio::time::interval(TICK);
    ticker.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Skip);
    let size = terminal.size()?;
    let mut height = size.height;
    let mut quiet = QuietFrames::new(size.width, size.height);
    app.metrics.screen_width = size.width;

    let mut quit = start(&mut app, &mut runner);
    let mut draw_now = true;
    let mut held = Held::default();

    while !quit {
        quit |= fit_rows(&mut app, &mut runner, &mut quiet, height);
        // A tick that changes nothing on screen writes nothing to the terminal.
        // (The off-screen frame is kept current even when drawing anyway.)
        // Only when an action reached the app (`touch`): held results change nothing.
        let changed = quiet.changed(&app, &theme);
        if draw_now || changed {
            terminal.draw(|frame| ui::draw(frame, &app, &theme))?;
        }

        let action = tokio::select! {
            // Keys first: typing stays responsive while results pour in.
            biased;
            event = events.next() => match event {
                Some(Ok(Event::Key(key))) => Some(Action::Key(key)),
                Some(Ok(Event::Resize(w, h))) => {
                    height = h;
                    Some(resized(&mut app, &mut quiet, w, h))
                }
                Some(Ok(_)) => continue,
                Some(Err(err)) => return Err(err),
                None => break,
            },
            Some(action) = rx.recv() => Some(action),
            Some(action) = runner.supervisor.next_end(), if runner.supervisor.has_jobs() => Some(action),
            Some(result) = wait_for_switch(&mut runner.switching), if runner.switching.is_some() => {
                runner.switching = None;
                Some(runner.finish_switch(result))
            }
            // What was held is due: released below.
            _ = tokio::time::sleep_until(held.deadline().unwrap_or_else(Instant::now)),
                if held.deadline().is_some() => None,
            _ = ticker.tick() => Some(Action::Tick(SystemTime::now())),
        };
        let (quits, draw) = apply(
            &mut app,
            &mut runner,
            &mut held,
            &mut quiet,
            action,
            &mut rx,
        );
        quit |= quits;
        draw_now = draw;
        if held.is_due(Instant::now()) {
            quit |= release(&mut app, &mut runner, &mut held);
            draw_now = true;
            quiet.touch();
        }
    }
    runner.supervisor.cancel_all();
    Ok(runner.supervisor)
}

/// The first tick, then the app's opening effects. Returns true when an effect was Quit.
fn start(app: &mut App, runner: &mut Runner) -> bool {
    let effects = update(app, Action::Tick(SystemTime::now()));
    let mut quit = runner.run(app, effects);
    let effects = crate::app::update::start(app);
    quit |= runner.run(app, effects);
    quit
}

/// The terminal's new size, told to the quiet-frame check and to the app (as the rows its
/// tables and help now have).
fn resized(app: &mut App, quiet: &mut QuietFrames, width: u16, height: u16) -> Action {
    quiet.resize(width, height);
    app.metrics.screen_width = width;
    Action::Resize {
        table_rows: ui::table_rows_for(height, app),
        help_rows: ui::help_rows_for(height),
    }
}

/// Takes what was held into the app, merged; records what that cost, which sets how long
/// the next results are held. Returns true when an effect was Quit.
fn release(app: &mut App, runner: &mut Runner, held: &mut Held) -> bool {
    let started = Instant::now();
    let mut quit = false;
    for action in held.release() {
        let effects = update(app, action);
        quit |= runner.run(app, effects);
    }
    held.took(started.elapsed());
    quit
}

/// Runs effects: jobs through the supervisor, context switches through the connector.
struct Runner {
    supervisor: Supervisor,
    connector: Connector,
    /// A switch in progress.
    switching: Option<JoinHandle<Result<(Backend, bool), String>>>,
    /// The context the switch replaces (the one active when it was asked): a fleet narrows
    /// to it.
    switching_context: usize,
}

impl Runner {
    /// Starts each effect; returns true when one of them is Quit.
    fn run(&mut self, app: &App, effects: Vec<Effect>) -> bool {
        let mut quit = false;
        for effect in effects {
            match effect {
                Effect::Quit => {
                    self.supervisor.cancel_all();
                    quit = true;
                }
                Effect::Copy(text) => copy_to_clipboard(&text),
                Effect::Start { id, work } => {
                    let context = app.jobs.context_of(id).unwrap_or(app.fleet.active);
                    self.supervisor.start_in(context, id, work);
                }
                Effect::Cancel(id) => self.supervisor.cancel(id),
                Effect::SwitchContext(request) => {
                    if let Some(previous) = self.switching.take() {
                        previous.abort();
                    }
                    let connect = (self.connector)(app.info.clone(), request);
                    self.switching = Some(tokio::spawn(connect));
                    self.switching_context = app.fleet.active;
                }
            }
        }
        quit
    }

    /// On success the supervisor uses the new backend before the app hears of it, so the
    /// loads it starts go to the new place.
    fn finish_switch(&mut self, result: SwitchResult) -> Action {
        match result {
            Ok(Ok((backend, read_only))) => {
                let info = backend.info.clone();
                self.supervisor
                    .replace_backend_in(self.switching_context, backend);
                Action::ContextSwitched { info, read_only }
            }
            Ok(Err(error)) => Action::ContextFailed { error },
            Err(join_error) => Action::ContextFailed {
                error: format!("the switch stopped: {join_error}"),
            },
        }
    }
}

type SwitchResult = Result<Result<(Backend, bool), String>, tokio::task::JoinError>;

/// The table height depends on whether a message line is showing: tells `update` when it
/// changed. Returns whether to quit.
fn fit_rows(app: &mut App, runner: &mut Runner, quiet: &mut QuietFrames, height: u16) -> bool {
    let rows = ui::table_rows_for(height, app);
    if rows == app.table_rows {
        return false;
    }
    quiet.touch();
    let effects = update(
        app,
        Action::Resize {
            table_rows: rows,
            help_rows: ui::help_rows_for(height),
        },
    );
    runner.run(app, effects)
}

/// Applies `action` and whatever else is already waiting (up to a frame's worth) before
/// drawing again. Returns whether to quit and whether to draw.
fn apply(
    app: &mut App,
    runner: &mut Runner,
    held: &mut Held,
    quiet: &mut QuietFrames,
    action: Option<Action>,
    rx: &mut mpsc::UnboundedReceiver<Action>,
) -> (bool, bool) {
    let mut incoming: Vec<Action> = action.into_iter().collect();
    while incoming.len() < MAX_ACTIONS_PER_FRAME {
        let Ok(action) = rx.try_recv() else { break };
        incoming.push(action);
    }
    let (mut quit, mut draw) = (false, false);
    for action in incoming {
        if Held::holds(&action) {
            held.hold(action, Instant::now());
            continue;
        }
        // Keys, ticks and resizes do not depend on what the held results say; every
        // other result comes after them, so the held ones go first.
        if !matches!(
            action,
            Action::Key(_) | Action::Tick(_) | Action::Resize { .. }
        ) {
            quit |= release(app, runner, held);
        }
        draw |= !matches!(action, Action::Tick(_));
        quiet.touch();
        let effects = update(app, action);
        quit |= runner.run(app, effects);
    }
    (quit, draw)
}

/// Waits for the switch in progress, if any.
async fn wait_for_switch(
    switching: &mut Option<JoinHandle<Result<(Backend, bool), String>>>,
) -> Option<SwitchResult> {
    Some(switching.as_mut()?.await)
}

/// OSC 52 asks the terminal itself to set the clipboard, so `y` works over SSH and in
/// tmux (with `set-clipboard on`), where no local clipboard tool could.
fn copy_to_clipboard(text: &str) {
    use base64::Engine;
    use std::io::Write;
    let encoded = base64::engine::general_purpose::STANDARD.encode(text);
    // The TUI's own terminal, like its frames: the copied text travels base64-encoded.
    #[allow(
        clippy::disallowed_methods,
        reason = "the TUI's terminal, not command output"
    )]
    let mut stdout = std::io::stdout();
    let _ = write!(stdout, "\x1b]52;c;{encoded}\x07");
    let _ = stdout.flush();
}

#[cfg(test)]
mod export_tests;
#[cfg(test)]
mod peek_tests;
#[cfg(test)]
mod tests;
