//! The interactive event loop: terminal events, ticks and background results become
//! Actions; `update` turns them into Effects, which run here as tokio tasks.

use std::time::{Duration, SystemTime};

use futures::StreamExt;
use ratatui::DefaultTerminal;
use ratatui::crossterm::event::{Event, EventStream};
use tokio::sync::mpsc;
use tokio_util::sync::CancellationToken;

use crate::app::{Action, App, Effect, update};
use crate::aws::{ApiError, Backend};
use crate::inventory::{QueueLoadEvent, Source, lambdas, load_queues, topics};
use crate::ui::{self, Theme};

/// How often the clock and spinner advance.
const TICK: Duration = Duration::from_millis(250);
/// Actions handled between two frames at most, so a flood of results cannot starve input.
const MAX_ACTIONS_PER_FRAME: usize = 256;

/// Runs the TUI until the user quits. The terminal is restored on every path: normal
/// return, error, and panic (ratatui::init wraps the panic hook).
pub async fn run(
    app: App,
    backend: Backend,
    theme: Theme,
    concurrency: usize,
) -> std::io::Result<()> {
    let mut terminal = ratatui::init();
    let result = event_loop(&mut terminal, app, backend, theme, concurrency).await;
    ratatui::restore();
    result
}

async fn event_loop(
    terminal: &mut DefaultTerminal,
    mut app: App,
    backend: Backend,
    theme: Theme,
    concurrency: usize,
) -> std::io::Result<()> {
    let (tx, mut rx) = mpsc::unbounded_channel::<Action>();
    let cancel = CancellationToken::new();
    let runner = EffectRunner {
        backend,
        tx,
        cancel: cancel.clone(),
        concurrency,
    };
    let mut events = EventStream::new();
    let mut ticker = tokio::time::interval(TICK);
    let mut height = terminal.size()?.height;

    update(&mut app, Action::Tick(SystemTime::now()));
    let effects = crate::app::update::start(&mut app);
    if runner.run(effects) {
        return Ok(());
    }

    loop {
        // The table height depends on whether a message line is showing.
        let rows = ui::table_rows_for(height, &app);
        if rows != app.table_rows {
            update(&mut app, Action::Resize { table_rows: rows });
        }
        terminal.draw(|frame| ui::draw(frame, &app, &theme))?;

        let action = tokio::select! {
            event = events.next() => match event {
                Some(Ok(Event::Key(key))) => Action::Key(key),
                Some(Ok(Event::Resize(_, h))) => {
                    height = h;
                    Action::Resize { table_rows: ui::table_rows_for(h, &app) }
                }
                Some(Ok(_)) => continue,
                Some(Err(err)) => return Err(err),
                None => break,
            },
            _ = ticker.tick() => Action::Tick(SystemTime::now()),
            Some(action) = rx.recv() => action,
        };
        if runner.run(update(&mut app, action)) {
            break;
        }
        // Take whatever else is already waiting before drawing again, merging streamed
        // queue batches so thousands of rows cost one rebuild, not hundreds.
        let mut waiting = Vec::new();
        while waiting.len() < MAX_ACTIONS_PER_FRAME {
            let Ok(action) = rx.try_recv() else { break };
            waiting.push(action);
        }
        for action in coalesce(waiting) {
            if runner.run(update(&mut app, action)) {
                cancel.cancel();
                return Ok(());
            }
        }
    }
    cancel.cancel();
    Ok(())
}

/// Merges consecutive `QueuesLoaded` batches of the same load into one action; the order
/// of everything else is kept.
fn coalesce(actions: Vec<Action>) -> Vec<Action> {
    let mut merged: Vec<Action> = Vec::with_capacity(actions.len());
    for action in actions {
        match (merged.last_mut(), action) {
            (
                Some(Action::QueuesLoaded {
                    generation: last,
                    queues: into,
                }),
                Action::QueuesLoaded { generation, queues },
            ) if *last == generation => into.extend(queues),
            (_, action) => merged.push(action),
        }
    }
    merged
}

struct EffectRunner {
    backend: Backend,
    tx: mpsc::UnboundedSender<Action>,
    cancel: CancellationToken,
    concurrency: usize,
}

impl EffectRunner {
    /// Starts each effect; returns true when one of them is Quit.
    fn run(&self, effects: Vec<Effect>) -> bool {
        let mut quit = false;
        for effect in effects {
            match effect {
                Effect::Quit => {
                    self.cancel.cancel();
                    quit = true;
                }
                Effect::Copy(text) => copy_to_clipboard(&text),
                Effect::Load { source, generation } => self.load(source, generation),
            }
        }
        quit
    }

    fn load_queues(&self, generation: u64) {
        let directory = self.backend.queues.clone();
        let tx = self.tx.clone();
        let cancel = self.cancel.child_token();
        let concurrency = self.concurrency;
        tokio::spawn(async move {
            let events = tx.clone();
            let result = load_queues(directory, concurrency, cancel, move |event| {
                let action = match event {
                    QueueLoadEvent::Batch(queues) => Action::QueuesLoaded { generation, queues },
                    QueueLoadEvent::QueueFailed { url, error } => Action::QueueFailed {
                        generation,
                        url,
                        error,
                    },
                    QueueLoadEvent::Finished { listed, failed } => Action::QueuesFinished {
                        generation,
                        listed,
                        failed,
                    },
                };
                // The loop has ended when the receiver is gone; nothing to report to.
                let _ = events.send(action);
            })
            .await;
            if let Err(error) = result {
                tracing::warn!(%error, "queue load failed");
                let _ = tx.send(Action::SourceFailed {
                    source: Source::Queues,
                    generation,
                    error,
                });
            }
        });
    }

    /// Queues stream in; topics, subscriptions and Lambda listings arrive whole.
    fn load(&self, source: Source, generation: u64) {
        let (backend, concurrency) = (self.backend.clone(), self.concurrency);
        match source {
            Source::Queues => self.load_queues(generation),
            Source::Topics => self.spawn_listing(source, generation, async move {
                let topics = topics::load_topics(backend.topics, concurrency).await?;
                Ok(Action::TopicsLoaded { generation, topics })
            }),
            Source::Subscriptions => self.spawn_listing(source, generation, async move {
                let subscriptions = topics::load_subscriptions(backend.topics, concurrency).await?;
                Ok(Action::SubscriptionsLoaded {
                    generation,
                    subscriptions,
                })
            }),
            Source::EventSourceMappings => self.spawn_listing(source, generation, async move {
                let mappings = lambdas::load_event_source_mappings(backend.lambdas).await?;
                Ok(Action::MappingsLoaded {
                    generation,
                    mappings,
                })
            }),
            Source::Functions => self.spawn_listing(source, generation, async move {
                let functions = lambdas::load_functions(backend.lambdas).await?;
                Ok(Action::FunctionsLoaded {
                    generation,
                    functions,
                })
            }),
        }
    }

    /// Runs one whole listing as a cancellable task and reports its result as an Action.
    fn spawn_listing(
        &self,
        source: Source,
        generation: u64,
        work: impl std::future::Future<Output = Result<Action, ApiError>> + Send + 'static,
    ) {
        let tx = self.tx.clone();
        let cancel = self.cancel.child_token();
        tokio::spawn(async move {
            let result = tokio::select! {
                _ = cancel.cancelled() => return,
                result = work => result,
            };
            let action = result.unwrap_or_else(|error| {
                tracing::warn!(%error, source = source.label(), "load failed");
                Action::SourceFailed {
                    source,
                    generation,
                    error,
                }
            });
            // The loop has ended when the receiver is gone; nothing to report to.
            let _ = tx.send(action);
        });
    }
}

/// OSC 52 asks the terminal itself to set the clipboard, so `y` works over SSH and in
/// tmux (with `set-clipboard on`), where no local clipboard tool could.
fn copy_to_clipboard(text: &str) {
    use base64::Engine;
    use std::io::Write;
    let encoded = base64::engine::general_purpose::STANDARD.encode(text);
    let mut stdout = std::io::stdout();
    let _ = write!(stdout, "\x1b]52;c;{encoded}\x07");
    let _ = stdout.flush();
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::Queue;

    fn batch(generation: u64, names: &[&str]) -> Action {
        let queues = names
            .iter()
            .map(|n| {
                Queue::from_attributes(
                    &format!("https://sqs/1/{n}"),
                    Default::default(),
                    "us-east-1",
                )
            })
            .collect();
        Action::QueuesLoaded { generation, queues }
    }

    #[test]
    fn coalesce_merges_adjacent_batches_of_one_load_only() {
        let tick = Action::Tick(std::time::SystemTime::UNIX_EPOCH);
        let merged = coalesce(vec![
            batch(1, &["a"]),
            batch(1, &["b", "c"]),
            batch(2, &["d"]),
            tick.clone(),
            batch(2, &["e"]),
        ]);
        assert_eq!(merged.len(), 4);
        assert!(
            matches!(&merged[0], Action::QueuesLoaded { generation: 1, queues } if queues.len() == 3)
        );
        assert!(
            matches!(&merged[1], Action::QueuesLoaded { generation: 2, queues } if queues.len() == 1)
        );
        assert_eq!(merged[2], tick);
        assert!(
            matches!(&merged[3], Action::QueuesLoaded { generation: 2, queues } if queues.len() == 1)
        );
    }
}
