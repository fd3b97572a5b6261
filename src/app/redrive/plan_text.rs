//! What the redrive dialog says of a plan: its lines (counts, sources, destinations, mode,
//! warnings) and the confirm dialog's text for the run it would start. Every name from AWS
//! is escaped.

use super::{RedriveOp, RedriveSettings};
use crate::app::modals::confirm::{DangerousOp, PendingOp};
use crate::domain::untrusted::escape_owned;
use crate::redrive::{Mode, Plan};
use crate::resource_rows::group_thousands;

/// A line describing the plan, and how it reads.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum PlanLine {
    Fact(String),
    Warning(String),
    Error(String),
}

/// How many messages the whole confirmed redrive may move: the DLQ's count within the
/// limit (the canary's rest included: `c` needs no second confirmation).
pub fn at_most(settings: &RedriveSettings, plan: &Plan) -> u64 {
    let count = plan.visible + plan.in_flight + plan.delayed;
    settings.limit.map_or(count, |l| l.min(count))
}

/// The plan as lines: counts, sources, destinations, mode, warnings. Names are escaped.
pub fn describe(plan: &Plan) -> Vec<PlanLine> {
    let e = |s: &str| escape_owned(s.to_string());
    let mut lines = vec![PlanLine::Fact(format!(
        "{}: {} visible, {} in flight, {} delayed",
        e(&plan.dlq),
        group_thousands(plan.visible),
        group_thousands(plan.in_flight),
        group_thousands(plan.delayed)
    ))];
    let mut from: Vec<String> = plan.sources.iter().map(|s| e(s)).collect();
    from.extend(plan.subscriptions.iter().map(|s| {
        format!(
            "{} (subscription)",
            e(crate::domain::arn::resource_name(&s.topic_arn))
        )
    }));
    if !from.is_empty() {
        lines.push(PlanLine::Fact(format!("from: {}", from.join(", "))));
    }
    let to: Vec<String> = plan.destinations.iter().map(|d| e(&d.name)).collect();
    let to = match plan.routes.to {
        Some(_) => to.join(", "),
        None => format!("each message's source: {}", to.join(", ")),
    };
    lines.push(PlanLine::Fact(format!("to: {to}")));
    lines.push(PlanLine::Fact(
        match (&plan.mode, &plan.native_unavailable) {
            (Mode::Native, _) => "mode: native (an SQS move task: the work runs inside AWS)".into(),
            (Mode::Manual, Some(why)) => format!("mode: manual, since native cannot: {}", e(why)),
            (Mode::Manual, None) => "mode: manual (receive, send, delete; journaled)".into(),
        },
    ));
    lines.extend(plan.warnings.iter().map(|w| PlanLine::Warning(e(w))));
    lines
}

/// What the confirm dialog says, and whether the DLQ's name must be typed.
pub fn pending(plan: &Plan, op: RedriveOp, threshold: u64) -> PendingOp {
    let e = |s: &str| escape_owned(s.to_string());
    let count = at_most(&op.settings, plan);
    let settings = &op.settings;
    let to = match &settings.to {
        Some(to) => e(&to.name),
        None => "each message's own source".to_string(),
    };
    let how_many = match (settings.limit, &settings.filter) {
        (_, Some(_)) => format!("up to {}", group_thousands(count)),
        (Some(_), None) => group_thousands(count),
        (None, None) => format!("about {}", group_thousands(count)),
    };
    let mut effects = vec![format!(
        "Moves {how_many} messages from {} to {to}.",
        e(&op.dlq_name)
    )];
    effects.push(match plan.mode {
        Mode::Native => {
            "Mode native: an SQS move task; cancelling stops it, it does not undo.".into()
        }
        Mode::Manual => "Mode manual: receive, send, then delete only what was sent; a journal \
                         records each message so a crash can be resumed."
            .into(),
    });
    effects.push(match settings.rate {
        Some(rate) => format!("Rate: at most {rate} messages a second."),
        None => "Rate: no limit.".into(),
    });
    if let Some(filter) = &settings.filter {
        effects.push(format!(
            "Filter {}: messages that do not match stay in the DLQ, their receive count +1.",
            e(filter)
        ));
    }
    if let Some(canary) = settings.canary {
        effects.push(format!(
            "Canary: moves {canary} first, then watches them for a verdict; c in the progress \
             view moves the rest (at once when the verdict is safe, else it asks)."
        ));
    }
    let mut risks: Vec<String> = plan.warnings.iter().map(|w| e(w)).collect();
    if plan.mode == Mode::Manual {
        risks.push(
            "At least once: a send whose answer is lost can duplicate a message (counted, \
             never hidden)."
                .into(),
        );
    }
    PendingOp {
        title: format!("Redrive {}", e(&op.dlq_name)),
        effects,
        risks,
        typed: (count > threshold).then(|| op.dlq_name.clone()),
        op: DangerousOp::Redrive(Box::new(op)),
    }
}
