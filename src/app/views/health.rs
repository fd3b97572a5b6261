//! `:health`: the health board, one row per live problem, worst first. It asks the metrics
//! engine only for what its rules read, and judges again whenever the inventory or the
//! series change. Enter opens the resource's charts, `p` peeks its queue, `R` redrives it
//! when it is a DLQ (a global key acting on `selected_target`). Below the live
//! problems, "will burn" lists the doctor's configuration findings for the same inventory.

use super::{Ctx, Outcome, View};
use crate::app::keymap::KeyAction;
use crate::app::table_state::scrolled_offset;
use crate::app::target::Target;
use crate::doctor::Finding;
use crate::domain::Queue;
use crate::health::{Kind, Problem, Thresholds, assess, facts, wanted};
use crate::inventory::Source;
use crate::metrics::Resource;

#[derive(Debug, Clone, Default, PartialEq)]
pub struct HealthView {
    pub thresholds: Thresholds,
    pub problems: Vec<Problem>,
    pub selected: usize,
    pub offset: usize,
    /// The doctor's findings, worst first: what is wired to burn next.
    pub findings: Vec<Finding>,
    /// What the rules read from the metrics engine, worked out in `sync` (when the
    /// inventory or the series change), not on every tick.
    wanted: Vec<Resource>,
    /// The DLQs whose move tasks the board shows (worked out in `sync`, like `wanted`).
    move_task_sources: Vec<String>,
    /// The inventory's configuration revision the findings were computed for (metrics
    /// and counts do not change the configuration, so they do not recompute them).
    findings_revision: Option<u64>,
    /// Each row's resource as the rest of the app names it, and whether it is a DLQ
    /// (worked out in `sync`: the global keys, `R` and `y`, read them without a `Ctx`).
    rows: Vec<(Option<Target>, bool)>,
    /// Each row's queue URL when the row is about a queue or a DLQ (worked out in `sync`):
    /// the live counts of those on screen refresh every few seconds.
    row_queues: Vec<Option<String>>,
}

impl HealthView {
    pub fn new(thresholds: Thresholds) -> HealthView {
        HealthView {
            thresholds,
            ..HealthView::default()
        }
    }

    fn move_selection(&mut self, delta: isize, rows: usize) {
        self.selected = super::moved(self.selected, delta, self.problems.len());
        self.offset = scrolled_offset(self.selected, self.offset, rows, self.problems.len());
    }

    /// The resource of the selected row as the rest of the app names it.
    fn target(&self, ctx: &Ctx) -> Option<Target> {
        self.row_target(self.selected, ctx)
    }

    /// Whether the selected row is on a DLQ (`R` redrives it).
    fn selected_is_dlq(&self) -> bool {
        self.rows.get(self.selected).is_some_and(|(_, dlq)| *dlq)
    }

    fn row_target(&self, row: usize, ctx: &Ctx) -> Option<Target> {
        let problem = self.problems.get(row)?;
        let (resource, _) = problem.sparkline.as_ref()?;
        match resource {
            Resource::Queue(name)
            | Resource::FifoQueue(name)
            | Resource::Dlq(name)
            | Resource::Depth(name) => queue_named(ctx, name, &problem.resource.address)
                .map(|q| Target::Queue(q.url.clone())),
            Resource::Function(name) | Resource::AsyncDelivery(name) => {
                Some(Target::Function(name.clone()))
            }
            Resource::Topic(_) => Some(Target::Topic(problem.resource.address.clone())),
        }
    }

    /// The doctor's findings, worked out again only when the configuration changed, and
    /// not while the queues are being listed: a listing half done would show every queue
    /// whose DLQ has not come in yet as pointing at a missing one. Until it ends, the board
    /// keeps the findings of the last whole listing.
    fn refresh_findings(&mut self, ctx: &Ctx) {
        let revision = ctx.inventory.config_revision;
        if self.findings_revision == Some(revision) || ctx.loads.get(Source::Queues).in_flight {
            return;
        }
        self.findings = crate::doctor::diagnose(ctx.inventory);
        self.findings_revision = Some(revision);
    }
}

/// The queue a board row names: by its address (the ARN, or the URL when the ARN is not
/// known), which is indexed, else by name.
fn queue_named<'a>(ctx: &Ctx<'a>, name: &str, address: &str) -> Option<&'a Queue> {
    let inventory = ctx.inventory;
    inventory
        .queue_by_arn(address)
        .or_else(|| inventory.queue_by_url(address))
        .filter(|q| q.name == name)
        .or_else(|| inventory.queues().iter().find(|q| q.name == name))
}

impl View for HealthView {
    fn crumb(&self) -> String {
        "health".to_string()
    }

    fn handle(&mut self, key: KeyAction, ctx: &Ctx) -> Outcome {
        if let Some(delta) = super::navigation_delta(key, ctx.rows) {
            self.move_selection(delta, ctx.rows);
            return Outcome::Handled;
        }
        match key {
            KeyAction::Open => match self
                .target(ctx)
                .and_then(|t| super::charts::ChartsView::for_target(&t))
            {
                Some(view) => Outcome::Push(Box::new(view)),
                None => Outcome::Handled,
            },
            KeyAction::Peek => match self.target(ctx) {
                Some(Target::Queue(url)) => super::peek::peek_queue(ctx, &url),
                _ => Outcome::Ignored,
            },
            _ => Outcome::Ignored,
        }
    }

    fn revision(&self, ctx: &Ctx) -> u64 {
        ctx.inventory
            .revision
            .wrapping_mul(1_000_003)
            .wrapping_add(ctx.metrics.revision())
    }

    fn sync(&mut self, ctx: &Ctx) {
        let facts = facts(ctx.inventory);
        let now = crate::app::metric_refresh::epoch_ms(ctx.now);
        let selected = self.problems.get(self.selected).cloned();
        self.problems = assess(&facts, ctx.metrics, &self.thresholds, now);
        self.wanted = wanted(&facts);
        self.move_task_sources = facts.move_task_sources();
        self.rows = (0..self.problems.len())
            .map(|i| {
                let target = self.row_target(i, ctx);
                let dlq = match &target {
                    Some(Target::Queue(url)) => ctx
                        .inventory
                        .queue_by_url(url)
                        .is_some_and(|q| ctx.inventory.is_dlq(&q.arn)),
                    _ => false,
                };
                (target, dlq)
            })
            .collect();
        self.row_queues = self
            .problems
            .iter()
            .map(|p| match p.resource.kind {
                Kind::Queue | Kind::Dlq => {
                    queue_named(ctx, &p.resource.name, &p.resource.address).map(|q| q.url.clone())
                }
                _ => None,
            })
            .collect();
        self.refresh_findings(ctx);
        self.selected = selected
            .and_then(|s| {
                self.problems
                    .iter()
                    .position(|p| p.resource == s.resource && p.sparkline == s.sparkline)
            })
            .unwrap_or(0);
        self.offset = scrolled_offset(self.selected, self.offset, ctx.rows, self.problems.len());
    }

    fn fit(&mut self, rows: usize) {
        self.offset = scrolled_offset(self.selected, self.offset, rows, self.problems.len());
    }

    fn metric_resources(&self, _ctx: &Ctx) -> Vec<Resource> {
        self.wanted.clone()
    }

    fn signals_shown(&self, _ctx: &Ctx) -> crate::app::signal_refresh::SignalsWanted {
        crate::app::signal_refresh::SignalsWanted {
            alarms: true,
            move_task_sources: self.move_task_sources.clone(),
        }
    }

    /// `R` (a global key) redrives the selected row's DLQ, like on `:dlq`.
    fn selected_target(&self) -> Option<Target> {
        self.rows.get(self.selected).and_then(|(t, _)| t.clone())
    }

    /// The queues of the rows on screen: their counts refresh every few seconds, so a DLQ
    /// that fills shows it on the board between CloudWatch's one-minute points.
    fn on_screen_queues(&self, rows: usize) -> Vec<String> {
        let mut urls: Vec<String> = self
            .row_queues
            .iter()
            .skip(self.offset)
            .take(rows)
            .flatten()
            .cloned()
            .collect();
        urls.sort();
        urls.dedup();
        urls
    }

    fn hints(&self) -> Vec<(KeyAction, &'static str)> {
        let mut hints = vec![
            (KeyAction::Open, "charts"),
            (KeyAction::Peek, "peek"),
            (KeyAction::Logs, "logs"),
        ];
        if self.selected_is_dlq() {
            hints.push((KeyAction::Redrive, "redrive"));
        }
        hints
    }

    fn as_any(&self) -> &dyn std::any::Any {
        self
    }
}

#[cfg(test)]
pub(crate) mod tests {
    use std::time::{Duration, SystemTime};

    use super::*;
    use crate::app::action::Action;
    use crate::app::state::App;
    use crate::app::update::{start, update};
    use crate::aws::ConnectionInfo;
    use crate::config::Config;
    use crate::inventory::model::tests::queue;

    /// An app on the health board at the start of its loads.
    pub(crate) fn board() -> App {
        let config = Config::defaults().expect("defaults");
        let mut app = App::new(
            ConnectionInfo::default(),
            false,
            config.keymap,
            Some(Duration::from_secs(30)),
            SystemTime::UNIX_EPOCH,
        );
        app.push(Box::new(HealthView::new(Thresholds::default())));
        let _ = start(&mut app);
        app
    }

    fn findings(app: &App) -> Vec<&'static str> {
        let view = app.view_as::<HealthView>().expect("the board on top");
        view.findings.iter().map(|f| f.rule).collect()
    }

    #[test]
    fn the_doctor_waits_for_the_listing_to_end() {
        let mut app = board();
        // The source arrives before its DLQ: mid-listing that is no finding.
        let _ = update(
            &mut app,
            Action::QueuesLoaded {
                generation: 1,
                queues: vec![queue("orders", 0, Some("orders-dlq"))],
            },
        );
        assert!(findings(&app).is_empty(), "{:?}", findings(&app));
        let _ = update(
            &mut app,
            Action::QueuesLoaded {
                generation: 1,
                queues: vec![queue("loops", 0, Some("loops"))],
            },
        );
        let _ = update(
            &mut app,
            Action::QueuesFinished {
                generation: 1,
                listed: 2,
                failed: 0,
            },
        );
        assert_eq!(findings(&app), ["dlq-cycle", "dlq-missing"]);
    }
}
