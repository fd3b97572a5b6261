//! Refresh timing: counts on screen often, the whole listing rarely, timed from the end
//! of the last one.

use super::*;

#[test]
fn on_screen_counts_refresh_often_and_the_full_listing_rarely() {
    let mut app = loaded_app();
    assert_eq!(update(&mut app, Action::Tick(t(10))), Vec::new());
    // Every 30 s (this app's setting): only the queues on screen, a few calls.
    let effects = update(&mut app, Action::Tick(t(31)));
    let urls = match effects.as_slice() {
        [
            Effect::Start {
                work:
                    Work::RefreshCounts {
                        urls,
                        generation: 1,
                    },
                ..
            },
        ] => urls.clone(),
        other => panic!("expected a counts refresh, got {other:?}"),
    };
    assert_eq!(urls.len(), 4);
    assert_eq!(
        update(&mut app, Action::Tick(t(45))),
        Vec::new(),
        "one at a time"
    );
    let _ = update(
        &mut app,
        Action::CountsRefreshed {
            generation: 1,
            queues: vec![queue("orders", 77, Some("orders-dlq"))],
        },
    );
    assert_eq!(
        app.inventory
            .queue_by_url("https://sqs/1/orders")
            .map(|q| q.counts.visible),
        Some(77)
    );
    // The whole listing: after five minutes, timed from the end of the last one.
    assert_eq!(loads(&update(&mut app, Action::Tick(t(299)))), Vec::new());
    let _ = update(
        &mut app,
        Action::CountsRefreshed {
            generation: 2,
            queues: Vec::new(),
        },
    );
    assert_eq!(loads(&update(&mut app, Action::Tick(t(301)))), all_loads(2));
}

#[test]
fn a_slow_listing_pushes_the_next_one_back() {
    let mut app = app();
    let _ = start(&mut app);
    app.now = t(60);
    for action in [
        Action::QueuesFinished {
            generation: 1,
            listed: 0,
            failed: 0,
        },
        Action::TopicsLoaded {
            generation: 1,
            topics: vec![],
        },
        Action::SubscriptionsLoaded {
            generation: 1,
            subscriptions: vec![],
        },
        Action::MappingsLoaded {
            generation: 1,
            mappings: vec![],
        },
        Action::FunctionsLoaded {
            generation: 1,
            functions: vec![],
        },
    ] {
        let _ = update(&mut app, action);
    }
    // It took 60 s: the next one waits ten times that, not five minutes.
    assert_eq!(
        loads(&update(&mut app, Action::Tick(t(60 + 301)))),
        Vec::new()
    );
    assert_eq!(
        loads(&update(&mut app, Action::Tick(t(60 + 601)))),
        all_loads(2)
    );
}

#[test]
fn a_full_listing_prunes_deleted_queues() {
    let mut app = loaded_app();
    press(&mut app, KeyCode::Char('r'));
    let _ = update(
        &mut app,
        Action::QueuesLoaded {
            generation: 2,
            queues: vec![queue("orders", 5, Some("orders-dlq"))],
        },
    );
    let _ = update(
        &mut app,
        Action::QueuesFinished {
            generation: 2,
            listed: 1,
            failed: 0,
        },
    );
    assert_eq!(shown(&app), 1);
}
