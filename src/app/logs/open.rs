//! Opening a logs view: which log groups a row leads to, worked out from the inventory
//! the app already holds (a function → its own group; a queue → its consumers; a DLQ →
//! the consumers of its sources, and the functions whose failed invokes it keeps; a topic
//! → the functions subscribed, directly or through a queue), then the first search.

use super::feed::{Feed, FeedKind, FeedState};
use super::{LogsQuery, MAX_SEARCH_LINES, start};
use crate::app::effect::Effect;
use crate::app::metric_refresh::epoch_ms;
use crate::app::state::{App, Level};
use crate::app::target::Target;
use crate::app::views::logs::LogsView;
use crate::domain::arn;
use crate::domain::message::ReceivedMessage;
use crate::inventory::Inventory;
use crate::logs::targets::Consumers;
use crate::logs::{GroupTarget, MessageRef, SearchRequest};

/// How far back a logs view opens.
pub const WINDOW_MS: i64 = 3_600_000;

fn consumers(inventory: &Inventory) -> Consumers {
    Consumers::new(
        inventory.functions().to_vec(),
        inventory.mappings().to_vec(),
    )
}

/// The consumers of a queue, and for a DLQ those of its sources and the functions whose
/// failed invokes it keeps.
fn queue_groups(inventory: &Inventory, queue_arn: &str) -> Vec<GroupTarget> {
    let consumers = consumers(inventory);
    let mut arns = vec![queue_arn.to_string()];
    arns.extend(inventory.dlq_sources(queue_arn).iter().cloned());
    let mut groups = consumers.of_queues(arns.iter().map(String::as_str));
    groups.extend(
        inventory
            .lambda_dead_letters_to(queue_arn)
            .filter_map(|d| consumers.function(&d.function)),
    );
    groups.sort();
    groups.dedup();
    groups
}

/// The groups `target` leads to, and the name the view's title gives it.
pub fn groups_of(inventory: &Inventory, target: &Target) -> Option<(String, Vec<GroupTarget>)> {
    let consumers = consumers(inventory);
    let label = target.label();
    let groups = match target {
        Target::Function(function) => consumers.function(function).into_iter().collect::<Vec<_>>(),
        Target::Queue(url) => queue_groups(inventory, &inventory.queue_by_url(url)?.arn),
        Target::Topic(topic_arn) => {
            let mut groups: Vec<GroupTarget> = inventory
                .subscriptions_of_topic(topic_arn)
                .flat_map(|s| match s.protocol.as_str() {
                    "lambda" => consumers.function(&s.endpoint).into_iter().collect(),
                    "sqs" => consumers.of_queue(&s.endpoint),
                    _ => Vec::new(),
                })
                .collect();
            groups.sort();
            groups.dedup();
            groups
        }
        Target::Subscription(_) | Target::MissingQueue(_) => return None,
    };
    Some((label, groups))
}

/// A target by what `:logs NAME` typed: a function, queue or topic name (or ARN, URL).
pub fn target_named(inventory: &Inventory, given: &str) -> Option<Target> {
    let name = arn::resource_name(given);
    if let Some(function) = inventory.functions().iter().find(|f| f.name == name) {
        return Some(Target::Function(function.arn.clone()));
    }
    if let Some(queue) = inventory
        .queue_by_url(given)
        .or_else(|| inventory.queue_by_arn(given))
        .or_else(|| inventory.queues().iter().find(|q| q.name == name))
    {
        return Some(Target::Queue(queue.url.clone()));
    }
    inventory
        .topics()
        .iter()
        .find(|t| t.arn == given || t.name == name)
        .map(|t| Target::Topic(t.arn.clone()))
}

/// Pushes a logs view on `target`'s groups and starts its first search (its size asked
/// first: a larger one than `logs.max_scan_mb` waits for a yes).
pub fn open_target(app: &mut App, target: &Target) -> Vec<Effect> {
    let Some((label, groups)) = groups_of(&app.inventory, target) else {
        app.set_message(
            Level::Info,
            format!("no logs for a {}", target.kind().to_lowercase()),
        );
        return Vec::new();
    };
    let now_ms = epoch_ms(app.now);
    let start_ms = now_ms - WINDOW_MS;
    let mut feed = Feed::new(label, groups.clone(), FeedKind::Lines { start_ms });
    if groups.is_empty() {
        feed.state = FeedState::NoConsumers;
    }
    let id = app.logs.add(feed);
    app.push(Box::new(LogsView::new(id, true)));
    if groups.is_empty() {
        return Vec::new();
    }
    let request = SearchRequest {
        groups,
        start_ms,
        end_ms: now_ms,
        pattern: None,
        max_bytes: app.logs.max_scan_bytes,
        max_lines: MAX_SEARCH_LINES,
    };
    start(
        app,
        id,
        LogsQuery::Lines {
            request,
            estimate_first: true,
        },
    )
}

/// `:logs NAME`: looked up in the active context first, then in the others (the first
/// that has it becomes the active one, as a key on one of its rows would make it). A
/// success clears what an earlier failure said.
pub fn open_named(app: &mut App, given: &str) -> Vec<Effect> {
    if let Some(target) = target_named(&app.inventory, given) {
        app.message = None;
        return open_target(app, &target);
    }
    let elsewhere = app
        .fleet
        .parked
        .iter()
        .find_map(|c| target_named(&c.inventory, given).map(|t| (c.id, t)));
    if let Some((id, target)) = elsewhere {
        crate::app::fleet::focus(app, id);
        app.message = None;
        let effects = open_target(app, &target);
        if app.message.is_none() {
            app.set_message(
                Level::Info,
                format!(
                    "{} is in {}: working there now",
                    crate::domain::untrusted::escape(given),
                    app.fleet.label(id)
                ),
            );
        }
        return effects;
    }
    let mut searched = vec![app.fleet.label(app.fleet.active).to_string()];
    searched.extend(
        app.fleet
            .parked
            .iter()
            .map(|c| app.fleet.label(c.id).to_string()),
    );
    app.set_message(
        Level::Error,
        format!(
            "no function, queue or topic named {} in {} (in the last listing)",
            crate::domain::untrusted::escape(given),
            searched.join(", ")
        ),
    );
    Vec::new()
}

/// `:logs` alone: the selected row's.
pub fn open_selected(app: &mut App) -> Vec<Effect> {
    match app.view().selected_target() {
        Some(target) => open_target(app, &target),
        None => {
            app.set_message(
                Level::Info,
                ":logs NAME, or select a function, queue or topic first".to_string(),
            );
            Vec::new()
        }
    }
}

/// `L` in the message viewer: the consumer lines naming `message`, read from the queue at
/// `queue_url`, in the groups of the consumers of the queue it came from
/// (`DeadLetterQueueSourceArn`, else the queue itself), from its first receive to now.
pub fn open_message(app: &mut App, queue_url: &str, message: &ReceivedMessage) -> Vec<Effect> {
    let source = message
        .attributes
        .get("DeadLetterQueueSourceArn")
        .cloned()
        .or_else(|| app.inventory.queue_by_url(queue_url).map(|q| q.arn.clone()));
    let groups = source
        .map(|arn| queue_groups(&app.inventory, &arn))
        .unwrap_or_default();
    let reference = MessageRef::from_received(message, epoch_ms(app.now));
    let short: String = message.message_id.chars().take(8).collect();
    let mut feed = Feed::new(
        format!("message {short}"),
        groups.clone(),
        FeedKind::Message(reference.clone()),
    );
    if groups.is_empty() {
        feed.state = FeedState::NoConsumers;
    }
    let id = app.logs.add(feed);
    app.push(Box::new(LogsView::new(id, false)));
    if groups.is_empty() {
        return Vec::new();
    }
    let max_bytes = app.logs.max_scan_bytes;
    start(
        app,
        id,
        LogsQuery::Message {
            groups,
            message: reference,
            max_bytes,
        },
    )
}
