//! `:health`: the health board, one row per live problem, worst first. It asks the metrics
//! engine only for what its rules read, and judges again whenever the inventory or the
//! series change. Enter opens the resource's charts, `p` peeks its queue, `R` redrives it
//! when it is a DLQ (a global key acting on `selected_target`). Below the live
//! problems, "will burn" lists the doctor's configuration findings for the same inventory.

use super::{Ctx, Outcome, View};
use crate::app::fleet::{ContextId, ContextRef};
use crate::app::keymap::KeyAction;
use crate::app::row_filter::RowFilter;
use crate::app::table_state::scrolled_offset;
use crate::app::target::Target;
use crate::doctor::Finding;
use crate::domain::Queue;
use crate::health::{Affected, Kind, Problem, Severity, Thresholds, assess, facts, wanted};
use crate::inventory::{Inventory, Source};
use crate::metrics::Resource;

#[derive(Debug, Clone, Default, PartialEq)]
pub struct HealthView {
    pub thresholds: Thresholds,
    /// The problems of every context, ranked together, worst first.
    pub problems: Vec<Problem>,
    /// Each problem's context (as `problems`, row by row).
    pub contexts: Vec<ContextId>,
    /// Each row's context label, shown in the CONTEXT column when a fleet is loaded.
    pub context_labels: Vec<String>,
    pub selected: usize,
    pub offset: usize,
    /// The doctor's findings, worst first: what is wired to burn next.
    pub findings: Vec<Finding>,
    /// Each finding's context label (as `findings`), shown when a fleet is loaded.
    pub finding_labels: Vec<String>,
    /// What the rules read from each context's metrics engine, worked out in `sync` (when
    /// an inventory or the series change), not on every tick.
    wanted: Vec<(ContextId, Resource)>,
    /// The DLQs whose move tasks the board shows, by context (worked out in `sync`).
    move_task_sources: Vec<(ContextId, String)>,
    /// The configuration revisions the findings were computed for (metrics and counts do
    /// not change the configuration, so they do not recompute them).
    findings_revision: Option<u64>,
    /// Each row's resource as the rest of the app names it, and whether it is a DLQ
    /// (worked out in `sync`: the global keys, `R` and `y`, read them without a `Ctx`).
    rows: Vec<(Option<Target>, bool)>,
    /// Each row's queue URL when the row is about a queue or a DLQ (worked out in `sync`):
    /// the live counts of those on screen refresh every few seconds.
    row_queues: Vec<Option<String>>,
    /// The user moved the cursor: from then on it follows its problem as rows re-rank;
    /// until then it stays on the top (worst) row.
    cursor_moved: bool,
    /// The `/` filter: the rows whose resource or text match (and `ctx:`'s context).
    pub filter: Option<RowFilter>,
}

/// Rows of a table panel that hold no problem: two borders and the column header.
const PANEL_CHROME: u16 = 3;

/// The height of the "will burn" panel in a board `height` rows high. The live problems
/// come first: they take what they need, and at least two thirds of the height when both
/// lists are long; the findings take the rest. The drawing and the scrolling share it.
pub fn findings_height(height: u16, problems: usize, findings: usize) -> u16 {
    if findings == 0 || height < 12 {
        return 0;
    }
    let problems_need = (problems.max(1) as u16).saturating_add(PANEL_CHROME);
    let findings_need = (findings as u16).saturating_add(PANEL_CHROME);
    let problems_height =
        problems_need.min((height * 2 / 3).max(height.saturating_sub(findings_need)));
    height.saturating_sub(problems_height).min(findings_need)
}

impl HealthView {
    pub fn new(thresholds: Thresholds) -> HealthView {
        HealthView {
            thresholds,
            ..HealthView::default()
        }
    }

    /// How many problem rows the board shows when a full-height table would show
    /// `table_rows`: the findings panel takes part of the height.
    pub fn visible_rows(&self, table_rows: usize) -> usize {
        let height = (table_rows as u16).saturating_add(PANEL_CHROME);
        let findings = findings_height(height, self.problems.len(), self.findings.len());
        table_rows.saturating_sub(findings as usize).max(1)
    }

    fn move_selection(&mut self, delta: isize, rows: usize) {
        self.cursor_moved = true;
        self.selected = super::moved(self.selected, delta, self.problems.len());
        self.offset = scrolled_offset(self.selected, self.offset, rows, self.problems.len());
    }

    /// The resource of the selected row as the rest of the app names it. The router made
    /// the row's context the active one before the key came here.
    fn target(&self, ctx: &Ctx) -> Option<Target> {
        self.problems
            .get(self.selected)
            .and_then(|p| row_target(p, ctx.inventory))
    }

    /// Whether the selected row is on a DLQ (`R` redrives it).
    fn selected_is_dlq(&self) -> bool {
        self.rows.get(self.selected).is_some_and(|(_, dlq)| *dlq)
    }

    /// The doctor's findings of every context, worked out again only when a configuration
    /// changed, and not while queues are being listed: a listing half done would show every
    /// queue whose DLQ has not come in yet as pointing at a missing one. Until it ends, the
    /// board keeps the findings of the last whole listing.
    fn refresh_findings(&mut self, contexts: &[ContextRef]) {
        let revision = contexts
            .iter()
            .fold(0u64, |sum, c| sum.wrapping_add(c.inventory.config_revision));
        let listing = contexts
            .iter()
            .any(|c| c.loads.get(Source::Queues).in_flight);
        if self.findings_revision == Some(revision) || listing {
            return;
        }
        let mut findings: Vec<(String, Finding)> = contexts
            .iter()
            .flat_map(|c| {
                crate::doctor::diagnose(c.inventory)
                    .into_iter()
                    .map(|f| (c.label.to_string(), f))
            })
            .collect();
        // Worst first across contexts; each context's own order kept within a severity.
        findings.sort_by_key(|(_, f)| std::cmp::Reverse(f.severity));
        (self.finding_labels, self.findings) = findings.into_iter().unzip();
        self.findings_revision = Some(revision);
    }

    /// Every context's problems, and a row for each context that could not be read, ranked
    /// together; with what each context's rules read.
    fn assess_all(&mut self, ctx: &Ctx, contexts: &[ContextRef]) -> Vec<(ContextId, Problem)> {
        let now = crate::app::metric_refresh::epoch_ms(ctx.now);
        let mut ranked = Vec::new();
        self.wanted.clear();
        self.move_task_sources.clear();
        for context in contexts {
            let facts = facts(context.inventory);
            let problems = assess(&facts, context.metrics, &self.thresholds, now);
            ranked.extend(problems.into_iter().map(|p| (context.id, p)));
            self.wanted
                .extend(wanted(&facts).into_iter().map(|r| (context.id, r)));
            self.move_task_sources.extend(
                facts
                    .move_task_sources()
                    .into_iter()
                    .map(|arn| (context.id, arn)),
            );
            if ctx.is_fleet()
                && let Some(error) = &context.inventory.status(Source::Queues).error
            {
                ranked.push((
                    context.id,
                    context_down(context.label, format!("cannot list queues: {error}")),
                ));
            }
        }
        for entry in ctx.fleet.entries.iter().filter(|e| e.failed.is_some()) {
            let why = entry.failed.clone().unwrap_or_default();
            ranked.push((entry.id, context_down(&entry.label, why)));
        }
        ranked.sort_by(|(_, a), (_, b)| crate::health::problem::worse_first(a, b));
        ranked
    }
}

/// A board row for a context that could not be read: the rest of the fleet goes on.
fn context_down(label: &str, why: String) -> Problem {
    Problem {
        severity: Severity::Critical,
        resource: Affected {
            kind: Kind::Context,
            name: label.to_string(),
            address: label.to_string(),
        },
        what: why,
        since_ms: None,
        since_lower_bound: false,
        value: 0.0,
        sparkline: None,
    }
}

/// The resource a board row is about, in its context's inventory.
fn row_target(problem: &Problem, inventory: &Inventory) -> Option<Target> {
    let (resource, _) = problem.sparkline.as_ref()?;
    match resource {
        Resource::Queue(name)
        | Resource::FifoQueue(name)
        | Resource::Dlq(name)
        | Resource::Depth(name) => queue_named(inventory, name, &problem.resource.address)
            .map(|q| Target::Queue(q.url.clone())),
        Resource::Function(name) | Resource::AsyncDelivery(name) => {
            Some(Target::Function(name.clone()))
        }
        Resource::Topic(_) => Some(Target::Topic(problem.resource.address.clone())),
    }
}

/// The queue a board row names: by its address (the ARN, or the URL when the ARN is not
/// known), which is indexed, else by name.
fn queue_named<'a>(inventory: &'a Inventory, name: &str, address: &str) -> Option<&'a Queue> {
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
        let rows = self.visible_rows(ctx.rows);
        if let Some(delta) = super::navigation_delta(key, rows) {
            self.move_selection(delta, rows);
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
        ctx.fleet_revision()
    }

    fn sync(&mut self, ctx: &Ctx) {
        let contexts = ctx.contexts();
        let selected = self
            .problems
            .get(self.selected)
            .filter(|_| self.cursor_moved)
            .cloned();
        let selected_context = self.contexts.get(self.selected).copied();
        let mut ranked = self.assess_all(ctx, &contexts);
        if let Some(filter) = &self.filter {
            let fleet = ctx.is_fleet();
            ranked.retain(|(id, p)| {
                let text = format!("{} {} {}", p.resource.name, p.resource.address, p.what);
                filter.matches_row(&text, fleet.then(|| ctx.fleet.label(*id)))
            });
        }
        let inventory_of =
            |id: ContextId| contexts.iter().find(|c| c.id == id).map(|c| c.inventory);
        self.rows = ranked
            .iter()
            .map(|(id, p)| {
                let Some(inventory) = inventory_of(*id) else {
                    return (None, false);
                };
                let target = row_target(p, inventory);
                let dlq = match &target {
                    Some(Target::Queue(url)) => inventory
                        .queue_by_url(url)
                        .is_some_and(|q| inventory.is_dlq(&q.arn)),
                    _ => false,
                };
                (target, dlq)
            })
            .collect();
        self.row_queues = ranked
            .iter()
            .map(|(id, p)| match (p.resource.kind, inventory_of(*id)) {
                (Kind::Queue | Kind::Dlq, Some(inventory)) => {
                    queue_named(inventory, &p.resource.name, &p.resource.address)
                        .map(|q| q.url.clone())
                }
                _ => None,
            })
            .collect();
        self.context_labels = ranked
            .iter()
            .map(|(id, _)| ctx.fleet.label(*id).to_string())
            .collect();
        (self.contexts, self.problems) = ranked.into_iter().unzip();
        self.refresh_findings(&contexts);
        self.selected = selected
            .and_then(|s| {
                self.problems.iter().zip(&self.contexts).position(|(p, c)| {
                    p.resource == s.resource
                        && p.sparkline == s.sparkline
                        && Some(*c) == selected_context
                })
            })
            .unwrap_or(0);
        let rows = self.visible_rows(ctx.rows);
        self.offset = scrolled_offset(self.selected, self.offset, rows, self.problems.len());
    }

    fn filter_text(&self) -> Option<String> {
        Some(
            self.filter
                .as_ref()
                .map(|f| f.text.clone())
                .unwrap_or_default(),
        )
    }

    /// The rules still read every context's metrics: a filter hides rows, it does not stop
    /// the judging.
    fn set_filter(&mut self, filter: Option<RowFilter>, ctx: &Ctx) {
        self.filter = filter;
        self.selected = 0;
        self.offset = 0;
        self.cursor_moved = false;
        self.sync(ctx);
    }

    fn fit(&mut self, rows: usize) {
        let rows = self.visible_rows(rows);
        self.offset = scrolled_offset(self.selected, self.offset, rows, self.problems.len());
    }

    fn fleet_wide(&self) -> bool {
        true
    }

    fn selected_context(&self) -> Option<ContextId> {
        self.contexts.get(self.selected).copied()
    }

    fn metric_resources(&self, ctx: &Ctx) -> Vec<Resource> {
        let active = ctx.context();
        self.wanted
            .iter()
            .filter(|(id, _)| *id == active)
            .map(|(_, r)| r.clone())
            .collect()
    }

    fn signals_shown(&self, ctx: &Ctx) -> crate::app::signal_refresh::SignalsWanted {
        let active = ctx.context();
        crate::app::signal_refresh::SignalsWanted {
            alarms: true,
            move_task_sources: self
                .move_task_sources
                .iter()
                .filter(|(id, _)| *id == active)
                .map(|(_, arn)| arn.clone())
                .collect(),
        }
    }

    /// `R` (a global key) redrives the selected row's DLQ, like on `:dlq`.
    fn selected_target(&self) -> Option<Target> {
        self.rows.get(self.selected).and_then(|(t, _)| t.clone())
    }

    /// The queues of the rows on screen: their counts refresh every few seconds, so a DLQ
    /// that fills shows it on the board between CloudWatch's one-minute points.
    fn on_screen_queues(&self, rows: usize) -> Vec<String> {
        self.queues_on_screen(rows, None)
    }

    fn on_screen_queues_in(&self, rows: usize, ctx: &Ctx) -> Vec<String> {
        self.queues_on_screen(rows, Some(ctx.context()))
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

impl HealthView {
    /// The queues of the rows on screen, of one context or of all.
    fn queues_on_screen(&self, rows: usize, context: Option<ContextId>) -> Vec<String> {
        let mut urls: Vec<String> = self
            .row_queues
            .iter()
            .zip(&self.contexts)
            .skip(self.offset)
            // No table rows, no queues on screen (`visible_rows` keeps one row to select).
            .take(if rows == 0 {
                0
            } else {
                self.visible_rows(rows)
            })
            .filter(|(_, id)| context.is_none_or(|c| c == **id))
            .filter_map(|(url, _)| url.clone())
            .collect();
        urls.sort();
        urls.dedup();
        urls
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
