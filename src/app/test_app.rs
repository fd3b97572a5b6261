//! The app the router's unit tests drive: a fresh one, one with a small fleet loaded (two
//! queues with their DLQs, a topic, a subscription, a consumer), and the keys and looks
//! they use. Unit tests of `update`, of redrive and of the views share it.

use std::collections::BTreeMap;
use std::time::{Duration, SystemTime};

pub(crate) use ratatui::crossterm::event::{KeyCode, KeyEvent, KeyModifiers};

pub(crate) use crate::app::effect::Effect;
pub(crate) use crate::app::effect::Work;
pub(crate) use crate::app::keymap::KeyAction;
pub(crate) use crate::app::state::{App, Level};
pub(crate) use crate::app::target::Target;
use crate::app::views::describe::DescribeView;
pub(crate) use crate::app::views::resource_table::TableView;
pub(crate) use crate::app::{Action, update};
use crate::aws::ConnectionInfo;
use crate::config::Config;
use crate::domain::{EventSourceMapping, Subscription, Topic};
pub(crate) use crate::inventory::Source;
use crate::inventory::model::tests::queue;

pub(crate) fn t(seconds: u64) -> SystemTime {
    SystemTime::UNIX_EPOCH + Duration::from_secs(1_800_000_000 + seconds)
}

/// A fresh app on us-east-1 that reloads its listings every 30 s.
pub(crate) fn app() -> App {
    app_refreshing(Some(Duration::from_secs(30)))
}

/// A fresh app on us-east-1 at `t(0)`, with the default keymap.
pub(crate) fn app_refreshing(listing_refresh: Option<Duration>) -> App {
    let config = Config::defaults().expect("defaults");
    App::new(
        ConnectionInfo {
            region: "us-east-1".into(),
            ..ConnectionInfo::default()
        },
        false,
        config.keymap,
        listing_refresh,
        t(0),
    )
}

pub(crate) fn press(app: &mut App, code: KeyCode) -> Vec<Effect> {
    update(app, Action::Key(KeyEvent::new(code, KeyModifiers::NONE)))
}

pub(crate) fn type_text(app: &mut App, text: &str) {
    for c in text.chars() {
        press(app, KeyCode::Char(c));
    }
}

/// The loads a list of effects starts: `(source, generation)`.
pub(crate) fn loads(effects: &[Effect]) -> Vec<(Source, u64)> {
    effects
        .iter()
        .filter_map(|e| match e {
            Effect::Start {
                work: Work::Load { source, generation },
                ..
            } => Some((*source, *generation)),
            _ => None,
        })
        .collect()
}

pub(crate) fn all_loads(generation: u64) -> Vec<(Source, u64)> {
    Source::ALL.iter().map(|&s| (s, generation)).collect()
}

pub(crate) const TOPIC: &str = "arn:aws:sns:us-east-1:1:events";

pub(crate) fn loaded_app() -> App {
    let mut app = app();
    assert_eq!(loads(&crate::app::update::start(&mut app)), all_loads(1));
    let _ = update(
        &mut app,
        Action::QueuesLoaded {
            generation: 1,
            queues: vec![
                queue("orders", 4, Some("orders-dlq")),
                queue("orders-dlq", 9, None),
                queue("payments", 0, Some("payments-dlq")),
                queue("payments-dlq", 0, None),
            ],
        },
    );
    let _ = update(
        &mut app,
        Action::QueuesFinished {
            generation: 1,
            listed: 4,
            failed: 0,
        },
    );
    let _ = update(
        &mut app,
        Action::TopicsLoaded {
            generation: 1,
            topics: vec![Topic::from_attributes(TOPIC, BTreeMap::new())],
        },
    );
    let _ = update(
        &mut app,
        Action::SubscriptionsLoaded {
            generation: 1,
            subscriptions: vec![Subscription::listed(
                "arn:aws:sns:us-east-1:1:events:1",
                TOPIC,
                "sqs",
                "arn:aws:sqs:us-east-1:1:orders",
                None,
            )],
        },
    );
    let _ = update(
        &mut app,
        Action::MappingsLoaded {
            generation: 1,
            mappings: vec![EventSourceMapping {
                uuid: "m".into(),
                function_arn: "arn:aws:lambda:us-east-1:1:function:worker".into(),
                event_source_arn: "arn:aws:sqs:us-east-1:1:orders".into(),
                state: "Enabled".into(),
                batch_size: Some(10),
                function_response_types: Vec::new(),
            }],
        },
    );
    let _ = update(
        &mut app,
        Action::FunctionsLoaded {
            generation: 1,
            functions: Vec::new(),
        },
    );
    assert!(!app.loading());
    app
}

pub(crate) fn table(app: &App) -> &TableView {
    app.view_as::<TableView>()
        .unwrap_or_else(|| panic!("expected a table, got {:?}", app.view()))
}

pub(crate) fn described(app: &App) -> Option<Target> {
    app.view_as::<DescribeView>().map(|d| d.target.clone())
}

pub(crate) fn selected(app: &App) -> Option<String> {
    table(app).state.selected_row().map(|r| r.cells[0].clone())
}

pub(crate) fn shown(app: &App) -> usize {
    table(app).state.shown()
}
