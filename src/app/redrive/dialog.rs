//! The redrive dialog: the plan (computed by a read-only job) and the settings that shape
//! it. Editing mode, destination or anything that makes the run selective plans again;
//! Enter turns a current plan into the `PendingOp` the confirm dialog shows.

use ratatui::crossterm::event::{KeyCode, KeyEvent};

use super::{PlanJob, QueueRef, RedriveOp, RedriveSettings};
use crate::app::jobs::JobId;
use crate::app::modals::confirm::PendingOp;
use crate::app::prompt::Prompt;
use crate::app::views::Ctx;
use crate::domain::untrusted::escape_owned;
use crate::redrive::plan::NATIVE_MAX_RATE;
use crate::redrive::{Filter, ModeChoice, Plan};

/// The dialog's fields, top to bottom.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Field {
    Mode,
    Destination,
    Rate,
    Limit,
    Filter,
    Canary,
}

impl Field {
    pub const ALL: [Field; 6] = [
        Field::Mode,
        Field::Destination,
        Field::Rate,
        Field::Limit,
        Field::Filter,
        Field::Canary,
    ];

    pub fn label(self) -> &'static str {
        match self {
            Field::Mode => "mode",
            Field::Destination => "to",
            Field::Rate => "rate/s",
            Field::Limit => "limit",
            Field::Filter => "filter",
            Field::Canary => "canary",
        }
    }

    /// What an empty field means.
    pub fn placeholder(self) -> &'static str {
        match self {
            Field::Mode => "",
            Field::Destination => "each message's own source (Tab completes a queue name)",
            Field::Rate => "no limit (native: AWS's pace)",
            Field::Limit => "every message",
            Field::Filter => "none  (text, /regex/, attr.NAME == \"v\", .json.path == \"v\")",
            Field::Canary => "none  (move N, watch them for a verdict, then c)",
        }
    }

    fn step(self, delta: isize) -> Field {
        let at = Field::ALL.iter().position(|&f| f == self).unwrap_or(0) as isize;
        Field::ALL[(at + delta).rem_euclid(Field::ALL.len() as isize) as usize]
    }
}

/// Where the plan stands.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum PlanState {
    Computing {
        job: JobId,
    },
    Ready(Box<Plan>),
    Failed(String),
    /// A field does not parse: no plan until it does.
    Invalid,
}

/// What the plan depends on: a change here plans again; a change elsewhere (a bigger
/// limit, another filter) only changes what the confirmation says.
#[derive(Debug, Clone, PartialEq, Eq)]
struct PlanInputs {
    mode: ModeChoice,
    to: Option<String>,
    selective: bool,
    /// A filter: the plan warns about what does not match.
    filtered: bool,
    /// Above what a move task can go.
    too_fast_for_native: bool,
}

impl PlanInputs {
    fn of(settings: &RedriveSettings) -> PlanInputs {
        PlanInputs {
            mode: settings.mode,
            to: settings.to.as_ref().map(|t| t.url.clone()),
            selective: settings.selective(),
            filtered: settings.filter.is_some(),
            too_fast_for_native: settings.rate.is_some_and(|r| r > NATIVE_MAX_RATE),
        }
    }
}

pub use super::plan_text::{PlanLine, at_most, describe, pending};

#[derive(Debug, Clone, PartialEq)]
pub struct RedriveDialog {
    pub dlq_url: String,
    pub dlq_name: String,
    pub field: Field,
    pub mode: ModeChoice,
    pub destination: Prompt,
    pub rate: Prompt,
    pub limit: Prompt,
    pub filter: Prompt,
    pub canary: Prompt,
    pub plan: PlanState,
    /// The plan described, escaped, laid out when it arrives.
    pub plan_lines: Vec<PlanLine>,
    /// Says why Enter did not confirm (the plan is still coming, or failed).
    pub notice: Option<String>,
    /// The settings as last validated (`None`: a field does not parse).
    settings: Option<RedriveSettings>,
    /// What the plan shown, or the one being computed, was asked with.
    planned_for: Option<PlanInputs>,
    /// The fleet context the DLQ is in, named in the title and the confirmation when
    /// more than one is loaded (a redrive never leaves it).
    pub context: Option<String>,
    /// How a canary is watched: the configured length shows on the canary line.
    pub watch: crate::redrive::canary::WatchOptions,
}

/// What a key did.
#[derive(Debug)]
pub enum Step {
    Open(Box<RedriveDialog>),
    Closed,
    Confirm(Box<PendingOp>),
}

impl RedriveDialog {
    pub fn new(dlq_url: String, dlq_name: String) -> RedriveDialog {
        RedriveDialog {
            dlq_url,
            dlq_name,
            field: Field::Mode,
            mode: ModeChoice::Auto,
            destination: Prompt::default(),
            rate: Prompt::default(),
            limit: Prompt::default(),
            filter: Prompt::default(),
            canary: Prompt::default(),
            plan: PlanState::Invalid,
            plan_lines: Vec::new(),
            notice: None,
            settings: Some(RedriveSettings::default()),
            planned_for: None,
            context: None,
            watch: crate::redrive::canary::WatchOptions::default(),
        }
    }

    /// How long a canary is watched, as the canary line says it (`redrive.canary_watch`).
    pub fn canary_watch_text(&self) -> String {
        match self.watch.length {
            Some(length) => format!(
                "watched {}",
                crate::redrive::canary::duration_text(length.as_secs())
            ),
            // The computed default: maxReceiveCount × the visibility timeout, 2 to 15 minutes.
            None => "watched 2–15m".to_string(),
        }
    }

    pub fn prompt(&self, field: Field) -> Option<&Prompt> {
        match field {
            Field::Mode => None,
            Field::Destination => Some(&self.destination),
            Field::Rate => Some(&self.rate),
            Field::Limit => Some(&self.limit),
            Field::Filter => Some(&self.filter),
            Field::Canary => Some(&self.canary),
        }
    }

    /// What an empty field means here: on the invoke route, an empty `to` is the function.
    pub fn placeholder(&self, field: Field) -> String {
        match (&self.plan, field) {
            (PlanState::Ready(plan), Field::Destination) => match &plan.invoke {
                Some(target) => format!(
                    "{}, invoked (Tab completes a queue name)",
                    crate::domain::untrusted::escape_owned(target.function.clone())
                ),
                None => field.placeholder().to_string(),
            },
            _ => field.placeholder().to_string(),
        }
    }

    fn prompt_mut(&mut self, field: Field) -> Option<&mut Prompt> {
        match field {
            Field::Mode => None,
            Field::Destination => Some(&mut self.destination),
            Field::Rate => Some(&mut self.rate),
            Field::Limit => Some(&mut self.limit),
            Field::Filter => Some(&mut self.filter),
            Field::Canary => Some(&mut self.canary),
        }
    }

    pub fn settings(&self) -> Option<&RedriveSettings> {
        self.settings.as_ref()
    }

    /// The plan job the current settings need: none while they do not parse, or when the
    /// plan shown (or coming) was asked with the same inputs.
    pub fn plan_needed(&self) -> Option<PlanJob> {
        let settings = self.settings.as_ref()?;
        if self.planned_for.as_ref() == Some(&PlanInputs::of(settings)) {
            return None;
        }
        Some(PlanJob {
            dlq_url: self.dlq_url.clone(),
            dlq_name: self.dlq_name.clone(),
            settings: settings.clone(),
            subscriptions: None,
            functions: None,
        })
    }

    /// A plan job `job` was started for `settings`.
    pub fn planning(&mut self, job: JobId, settings: &RedriveSettings) {
        self.plan = PlanState::Computing { job };
        self.planned_for = Some(PlanInputs::of(settings));
        self.plan_lines.clear();
        self.notice = None;
    }

    /// The answer of plan job `job`; an answer to an older job is dropped.
    pub fn planned(&mut self, job: JobId, result: Result<Box<Plan>, String>, _threshold: u64) {
        if self.plan != (PlanState::Computing { job }) {
            return;
        }
        match result {
            Ok(plan) => {
                self.plan_lines = describe(&plan);
                self.plan = PlanState::Ready(plan);
            }
            Err(error) => {
                let error = escape_owned(error);
                self.plan_lines = vec![PlanLine::Error(format!("no plan: {error}"))];
                self.plan = PlanState::Failed(error);
            }
        }
    }

    /// Checks every field (errors shown under them) and keeps the settings if all parse.
    fn validate(&mut self, ctx: &Ctx) {
        let to = match self.destination.text().trim() {
            "" => Ok(None),
            name => ctx
                .inventory
                .queues()
                .iter()
                .find(|q| q.name == name)
                .map(|q| {
                    Some(QueueRef {
                        url: q.url.clone(),
                        name: q.name.clone(),
                    })
                })
                .ok_or_else(|| {
                    format!(
                        "no queue named {} in the listing",
                        escape_owned(name.into())
                    )
                }),
        };
        let rate = number::<u32>(&self.rate).and_then(|rate| match rate {
            Some(r) if self.mode == ModeChoice::Native && r > NATIVE_MAX_RATE => Err(format!(
                "a move task goes at most {NATIVE_MAX_RATE} a second"
            )),
            other => Ok(other),
        });
        let limit = number::<u64>(&self.limit);
        let canary = number::<u64>(&self.canary);
        let filter = match self.filter.text().trim() {
            "" => Ok(None),
            // The reason alone: the expression is on screen just above it.
            expr => Filter::parse(expr).map(|_| Some(expr.to_string())).map_err(
                |crate::redrive::filter::FilterError::Bad { reason, .. }| {
                    escape_owned(last_line(&reason))
                },
            ),
        };
        self.destination.error = to.as_ref().err().cloned();
        self.rate.error = rate.as_ref().err().cloned();
        self.limit.error = limit.as_ref().err().cloned();
        self.canary.error = canary.as_ref().err().cloned();
        self.filter.error = filter.as_ref().err().cloned();
        self.settings = match (to, rate, limit, filter, canary) {
            (Ok(to), Ok(rate), Ok(limit), Ok(filter), Ok(canary)) => Some(RedriveSettings {
                mode: self.mode,
                to,
                rate,
                limit,
                filter,
                canary,
                watch: self.watch.clone(),
            }),
            _ => None,
        };
        if self.settings.is_none() {
            self.plan = PlanState::Invalid;
            self.planned_for = None;
            self.plan_lines.clear();
        }
    }

    pub fn key(mut self, key: KeyEvent, ctx: &Ctx, threshold: u64) -> Step {
        self.notice = None;
        match key.code {
            KeyCode::Esc => return Step::Closed,
            KeyCode::Enter => return self.confirm(threshold),
            KeyCode::Tab if self.field == Field::Destination && self.complete(ctx) => {}
            KeyCode::Tab | KeyCode::Down => self.field = self.field.step(1),
            KeyCode::BackTab | KeyCode::Up => self.field = self.field.step(-1),
            KeyCode::Left | KeyCode::Right | KeyCode::Char(' ') if self.field == Field::Mode => {
                let forward = key.code != KeyCode::Left;
                self.mode = cycle(self.mode, forward);
            }
            _ => {
                let field = self.field;
                if let Some(prompt) = self.prompt_mut(field) {
                    prompt.edit(key);
                }
            }
        }
        self.validate(ctx);
        Step::Open(Box::new(self))
    }

    /// Tab in the destination: the first queue name that starts with what is typed.
    /// Returns false when there is nothing to complete, so Tab moves on.
    fn complete(&mut self, ctx: &Ctx) -> bool {
        let typed = self.destination.text().to_string();
        // A name complete already moves on, though longer names start with it.
        if typed.is_empty() || ctx.inventory.queues().iter().any(|q| q.name == typed) {
            return false;
        }
        let mut names: Vec<&str> = ctx
            .inventory
            .queues()
            .iter()
            .map(|q| q.name.as_str())
            .filter(|n| n.starts_with(&typed) && *n != typed && *n != self.dlq_name)
            .collect();
        names.sort_unstable();
        match names.first() {
            Some(name) => {
                self.destination.set_text(name);
                true
            }
            None => false,
        }
    }

    fn confirm(mut self, threshold: u64) -> Step {
        let Some(settings) = self.settings.clone() else {
            self.notice = Some("fix the fields marked in red first".into());
            return Step::Open(Box::new(self));
        };
        let plan = match &self.plan {
            PlanState::Ready(plan) if self.planned_for == Some(PlanInputs::of(&settings)) => {
                plan.clone()
            }
            PlanState::Failed(_) => {
                self.notice = Some("there is no plan to run: change the settings".into());
                return Step::Open(Box::new(self));
            }
            _ => {
                self.notice = Some("the plan is still being computed".into());
                return Step::Open(Box::new(self));
            }
        };
        let op = RedriveOp {
            dlq_url: self.dlq_url.clone(),
            dlq_name: self.dlq_name.clone(),
            settings,
            plan: Some(plan.clone()),
        };
        let mut confirm = pending(&plan, op, threshold);
        if let Some(context) = &self.context {
            let context = crate::domain::untrusted::escape(context);
            confirm.title = format!("{} in {context}", confirm.title);
            confirm.effects.insert(
                0,
                format!("In context {context} only: its DLQ, its sources, its account and region."),
            );
        }
        Step::Confirm(Box::new(confirm))
    }
}

/// A regex error's last line says what is wrong ("error: unclosed group"); the lines
/// above draw the pattern with a caret, which one row cannot show.
fn last_line(reason: &str) -> String {
    let last = reason
        .lines()
        .rev()
        .find(|l| !l.trim().is_empty())
        .unwrap_or(reason);
    last.trim().trim_start_matches("error: ").to_string()
}

fn cycle(mode: ModeChoice, forward: bool) -> ModeChoice {
    let all = [ModeChoice::Auto, ModeChoice::Native, ModeChoice::Manual];
    let at = all.iter().position(|&m| m == mode).unwrap_or(0) as isize;
    all[(at + if forward { 1 } else { -1 }).rem_euclid(3) as usize]
}

pub fn mode_name(mode: ModeChoice) -> &'static str {
    match mode {
        ModeChoice::Auto => "auto",
        ModeChoice::Native => "native",
        ModeChoice::Manual => "manual",
    }
}

/// A whole number above 0, or nothing.
fn number<T: std::str::FromStr + PartialEq + From<u8>>(
    prompt: &Prompt,
) -> Result<Option<T>, String> {
    match prompt.text().trim() {
        "" => Ok(None),
        text => match text.parse::<T>() {
            Ok(n) if n != T::from(0) => Ok(Some(n)),
            _ => Err("a whole number above 0".to_string()),
        },
    }
}
