//! Snapshot tests of `:whoami` over the demo world: the probe runs the way the runtime
//! runs it; with Lambda listing refused (the SDK error AWS gives), the view says which
//! action is missing and the status bar names it once; a second `:whoami` while a probe
//! runs starts no other.

mod support;

use std::sync::Arc;

use async_trait::async_trait;
use ratatui::crossterm::event::{KeyCode, KeyEvent, KeyModifiers};
use squall::app::effect::Work;
use squall::app::{Action, App, Effect, update};
use squall::aws::{ApiError, Backend, LambdaDirectory, Page};
use squall::domain::{EventSourceMapping, LambdaFunction};
use support::sim_app::*;

/// Lambda listing refused as AWS refuses it.
struct RefusedLambdas;

#[async_trait]
impl LambdaDirectory for RefusedLambdas {
    async fn list_event_source_mappings(
        &self,
        _marker: Option<String>,
    ) -> Result<Page<EventSourceMapping>, ApiError> {
        Ok(Page {
            items: Vec::new(),
            next_token: None,
        })
    }

    async fn list_functions(
        &self,
        _marker: Option<String>,
    ) -> Result<Page<LambdaFunction>, ApiError> {
        Err(ApiError::access_denied("ListFunctions", "not authorized")
            .with_code("AccessDeniedException")
            .with_status(403))
    }
}

/// Types `:whoami` and Enter; returns what Enter asked the runtime to do.
fn open_whoami(app: &mut App) -> Vec<Effect> {
    type_keys(app, ":whoami");
    update(
        app,
        Action::Key(KeyEvent::new(KeyCode::Enter, KeyModifiers::NONE)),
    )
}

fn whoami_starts(effects: &[Effect]) -> usize {
    effects
        .iter()
        .filter(|e| {
            matches!(
                e,
                Effect::Start {
                    work: Work::Whoami,
                    ..
                }
            )
        })
        .count()
}

#[test]
fn whoami_view_with_every_capability_probed() {
    let backend = backend();
    let mut app = loaded_app(&backend);
    let effects = open_whoami(&mut app);
    assert_eq!(whoami_starts(&effects), 1);
    let probing = render(&mut app, 100, 24, false);
    assert!(probing.contains("probing with harmless calls"), "{probing}");
    run(&mut app, &backend, effects);
    let screen = render(&mut app, 100, 24, false);
    assert!(screen.contains("Lambda consumers"), "{screen}");
    assert!(screen.contains("works"), "{screen}");
    insta::assert_snapshot!(screen);
}

#[test]
fn whoami_view_names_the_missing_action_and_the_status_bar_names_it_once() {
    let mut backend: Backend = backend();
    backend.lambdas = Arc::new(RefusedLambdas);
    let mut app = loaded_app(&backend);
    let effects = open_whoami(&mut app);
    // A second :whoami while the first probe runs starts no other.
    assert_eq!(whoami_starts(&open_whoami(&mut app)), 0);
    run(&mut app, &backend, effects);
    let screen = render(&mut app, 100, 24, false);
    assert!(
        screen.contains("no permission (lambda:ListFunctions)"),
        "{screen}"
    );
    assert!(
        screen.contains("no permission for: Lambda consumers (lambda:ListFunctions)"),
        "the status bar names it: {screen}"
    );
    insta::assert_snapshot!(screen);

    // Once: probing again does not say it again.
    app.message = None;
    let effects = open_whoami(&mut app);
    assert_eq!(whoami_starts(&effects), 1);
    run(&mut app, &backend, effects);
    assert!(app.message.is_none(), "{:?}", app.message);
    let again = render(&mut app, 100, 24, false);
    assert!(
        again.contains("no permission (lambda:ListFunctions)"),
        "{again}"
    );
}
