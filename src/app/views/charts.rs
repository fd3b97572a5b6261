//! The detail view with charts: a queue with its DLQ and its Lambda consumers, a topic, or
//! a function. It names the resources it charts (the metrics engine asks CloudWatch for
//! them on each tick, at most once per period), the queues whose live counts extend its
//! depth charts, and the panels to draw; drawing is `ui/charts.rs`.

use std::any::Any;

use super::describe::DescribeView;
use super::{Ctx, Outcome, View};
use crate::app::keymap::KeyAction;
use crate::app::target::Target;
use crate::domain::arn;
use crate::metrics::Resource;
use crate::metrics::catalog::Unit;
use crate::metrics::subject::queue_resources;

/// What the view is about.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Subject {
    /// A queue by URL.
    Queue(String),
    Topic(String),
    Function(String),
}

/// One chart: a title, a unit and the series drawn on it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Panel {
    pub title: String,
    pub unit: Unit,
    pub resource: Resource,
    pub keys: Vec<&'static str>,
}

#[derive(Debug, Clone, PartialEq)]
pub struct ChartsView {
    pub subject: Subject,
    pub resources: Vec<Resource>,
    /// URLs of the queue and its DLQ, for the live counts.
    pub live_urls: Vec<String>,
    /// The first panel on screen.
    pub scroll: usize,
}

fn panel(resource: &Resource, title: &str, unit: Unit, keys: &[&'static str]) -> Panel {
    Panel {
        title: format!("{} {title}", resource.name()),
        unit,
        resource: resource.clone(),
        keys: keys.to_vec(),
    }
}

/// One chart: its title, unit and series.
type PanelSpec = (&'static str, Unit, &'static [&'static str]);

const AGE: PanelSpec = ("age of oldest", Unit::Seconds, &["oldest"]);
const THROUGHPUT: PanelSpec = (
    "throughput",
    Unit::Count,
    &["sent", "received", "deleted", "empty"],
);
const QUEUE: &[PanelSpec] = &[
    ("depth", Unit::Count, &["visible", "in_flight", "delayed"]),
    AGE,
    THROUGHPUT,
];
const FIFO_QUEUE: &[PanelSpec] = &[
    (
        "depth",
        Unit::Count,
        &["visible", "in_flight", "delayed", "groups"],
    ),
    AGE,
    THROUGHPUT,
];
const DLQ: &[PanelSpec] = &[("DLQ depth and arrivals", Unit::Count, &["visible", "sent"])];
const FUNCTION: &[PanelSpec] = &[
    (
        "invocations",
        Unit::Count,
        &["invocations", "errors", "throttles"],
    ),
    ("error rate", Unit::Percent, &["error_rate"]),
    (
        "duration",
        Unit::Milliseconds,
        &["duration_avg", "duration_max"],
    ),
    ("concurrency", Unit::Count, &["concurrency"]),
];
const ASYNC_DELIVERY: &[PanelSpec] = &[(
    "failed events not delivered",
    Unit::Count,
    &["dead_letter_errors", "destination_failures"],
)];
const TOPIC: &[PanelSpec] = &[
    (
        "deliveries",
        Unit::Count,
        &["published", "delivered", "failed"],
    ),
    (
        "filtered out",
        Unit::Count,
        &["filtered", "filtered_invalid", "filtered_no_attrs"],
    ),
    (
        "redrive to DLQ",
        Unit::Count,
        &["redriven", "redrive_failed"],
    ),
];

/// The charts for a set of resources, in reading order: what is on fire first.
pub fn panels(resources: &[Resource]) -> Vec<Panel> {
    let mut out = Vec::new();
    for r in resources {
        let specs = match r {
            Resource::Queue(_) => QUEUE,
            Resource::FifoQueue(_) => FIFO_QUEUE,
            Resource::Dlq(_) | Resource::Depth(_) => DLQ,
            Resource::Function(_) => FUNCTION,
            Resource::AsyncDelivery(_) => ASYNC_DELIVERY,
            Resource::Topic(_) => TOPIC,
        };
        out.extend(
            specs
                .iter()
                .map(|&(title, unit, keys)| panel(r, title, unit, keys)),
        );
    }
    out
}

/// A function's resources: itself, and the delivery of its failed events when it has a DLQ
/// or an on-failure destination (only then: the metrics of others would be asked for nothing).
pub fn function_resources(inventory: &crate::inventory::Inventory, name: &str) -> Vec<Resource> {
    let mut resources = vec![Resource::Function(name.to_string())];
    if inventory.functions_with_async_targets().contains(&name) {
        resources.push(Resource::AsyncDelivery(name.to_string()));
    }
    resources
}

impl ChartsView {
    pub fn new(subject: Subject) -> ChartsView {
        let resources = match &subject {
            Subject::Queue(_) => Vec::new(),
            Subject::Topic(name) => vec![Resource::Topic(name.clone())],
            Subject::Function(name) => vec![Resource::Function(name.clone())],
        };
        ChartsView {
            subject,
            resources,
            live_urls: Vec::new(),
            scroll: 0,
        }
    }

    /// For a table row: queues, topics and functions have charts.
    pub fn for_target(target: &Target) -> Option<ChartsView> {
        let subject = match target {
            Target::Queue(url) => Subject::Queue(url.clone()),
            Target::Topic(arn) => Subject::Topic(arn::resource_name(arn).to_string()),
            Target::Function(arn) => Subject::Function(
                arn::resource_name(arn)
                    .trim_start_matches("function:")
                    .to_string(),
            ),
            _ => return None,
        };
        Some(ChartsView::new(subject))
    }

    pub fn panels(&self) -> Vec<Panel> {
        panels(&self.resources)
    }

    fn target(&self) -> Option<Target> {
        match &self.subject {
            Subject::Queue(url) => Some(Target::Queue(url.clone())),
            _ => None,
        }
    }
}

impl View for ChartsView {
    fn crumb(&self) -> String {
        match &self.subject {
            Subject::Queue(url) => format!("metrics {}", arn::queue_name_from_url(url)),
            Subject::Topic(name) | Subject::Function(name) => format!("metrics {name}"),
        }
    }

    fn handle(&mut self, key: KeyAction, ctx: &Ctx) -> Outcome {
        let last = self.panels().len().saturating_sub(1);
        match key {
            KeyAction::Down => self.scroll = (self.scroll + 1).min(last),
            KeyAction::Up => self.scroll = self.scroll.saturating_sub(1),
            KeyAction::Top => self.scroll = 0,
            KeyAction::Bottom => self.scroll = last,
            KeyAction::Describe => {
                return match self.target() {
                    Some(target) => Outcome::Push(Box::new(DescribeView::new(target))),
                    None => Outcome::Ignored,
                };
            }
            KeyAction::Peek => {
                return match &self.subject {
                    Subject::Queue(url) => super::peek::peek_queue(ctx, url),
                    _ => Outcome::Ignored,
                };
            }
            _ => return Outcome::Ignored,
        }
        Outcome::Handled
    }

    /// A queue's DLQ and consumers, and whether a function has a DLQ or destination, come
    /// from the inventory, as it loads.
    fn sync(&mut self, ctx: &Ctx) {
        if let Subject::Function(name) = &self.subject {
            self.resources = function_resources(ctx.inventory, name);
            return;
        }
        let Subject::Queue(url) = &self.subject else {
            return;
        };
        let Some(queue) = ctx.inventory.queue_by_url(url) else {
            return;
        };
        let consumers: Vec<String> = ctx
            .inventory
            .consumers_of(&queue.arn)
            .map(|m| m.function_name().to_string())
            .collect();
        self.resources = queue_resources(queue, consumers.iter().map(String::as_str));
        self.live_urls = vec![queue.url.clone()];
        if let Some(dlq) = queue.dlq_arn().and_then(|a| ctx.inventory.queue_by_arn(a)) {
            self.live_urls.push(dlq.url.clone());
        }
    }

    fn selected_target(&self) -> Option<Target> {
        self.target()
    }

    fn on_screen_queues(&self, _rows: usize) -> Vec<String> {
        self.live_urls.clone()
    }

    fn metric_resources(&self, _ctx: &Ctx) -> Vec<Resource> {
        self.resources.clone()
    }

    fn hints(&self) -> Vec<(KeyAction, &'static str)> {
        vec![
            (KeyAction::WindowShorter, "shorter"),
            (KeyAction::WindowLonger, "longer"),
            (KeyAction::Describe, "describe"),
        ]
    }

    fn as_any(&self) -> &dyn Any {
        self
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_queue_charts_itself_its_dlq_and_each_consumer() {
        let resources = vec![
            Resource::Queue("orders".into()),
            Resource::Dlq("orders-dlq".into()),
            Resource::Function("worker".into()),
        ];
        let titles: Vec<String> = panels(&resources).into_iter().map(|p| p.title).collect();
        assert_eq!(titles[0], "orders depth");
        assert!(titles.contains(&"orders-dlq DLQ depth and arrivals".to_string()));
        assert!(titles.contains(&"worker error rate".to_string()));
        // Every key drawn is a series of its resource.
        for p in panels(&resources) {
            for key in &p.keys {
                assert!(p.resource.series().iter().any(|d| d.key == *key), "{key}");
            }
        }
    }

    #[test]
    fn a_function_with_a_dlq_or_destination_charts_the_delivery_of_its_failed_events() {
        use crate::inventory::Inventory;
        use crate::inventory::model::tests::async_function;
        let mut inventory = Inventory::default();
        inventory.set_functions(vec![
            async_function("notify", Some("notify-dlq"), None),
            async_function("quiet", None, None),
        ]);
        let delivery = Resource::AsyncDelivery("notify".into());
        assert_eq!(
            function_resources(&inventory, "notify"),
            [Resource::Function("notify".into()), delivery.clone()]
        );
        assert_eq!(
            function_resources(&inventory, "quiet"),
            [Resource::Function("quiet".into())]
        );
        let titles: Vec<String> = panels(&[delivery]).into_iter().map(|p| p.title).collect();
        assert_eq!(titles, ["notify failed events not delivered"]);
    }

    #[test]
    fn rows_open_charts_for_queues_topics_and_functions_only() {
        let function = Target::Function("arn:aws:lambda:us-east-1:1:function:worker".into());
        let view = ChartsView::for_target(&function).expect("function");
        assert_eq!(view.resources, vec![Resource::Function("worker".into())]);
        assert!(ChartsView::for_target(&Target::Subscription("s".into())).is_none());
    }
}
