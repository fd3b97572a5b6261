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
    let to = match (&plan.routes.to, &plan.invoke) {
        (Some(_), _) => to.join(", "),
        (None, Some(target)) => e(&target.describe()),
        (None, None) => format!("each message's source: {}", to.join(", ")),
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
    let to = match (&settings.to, &plan.invoke) {
        (Some(to), _) => e(&to.name),
        (None, Some(target)) => format!(
            "{} (an asynchronous invoke each: Lambda accepts with 202, then the message is \
             deleted)",
            e(&target.function)
        ),
        (None, None) => "each message's own source".to_string(),
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
    let invoking = plan.invoke.is_some() && settings.to.is_none();
    effects.push(match plan.mode {
        Mode::Native => {
            "Mode native: an SQS move task; cancelling stops it, it does not undo.".into()
        }
        Mode::Manual if invoking => "Mode manual: receive, invoke, then delete only what \
                                     Lambda accepted; a journal records each message so a \
                                     crash can be resumed."
            .into(),
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
    match (plan.mode, &plan.invoke, &settings.to) {
        (Mode::Manual, Some(target), None) => risks.push(format!(
            "At least once: an invoke whose answer is lost can run an event twice on {} \
             (counted, never hidden).",
            e(&target.function)
        )),
        (Mode::Manual, _, _) => risks.push(
            "At least once: a send whose answer is lost can duplicate a message (counted, \
             never hidden)."
                .into(),
        ),
        (Mode::Native, _, _) => {}
    }
    PendingOp {
        title: format!("Redrive {}", e(&op.dlq_name)),
        effects,
        risks,
        typed: (count > threshold).then(|| op.dlq_name.clone()),
        op: DangerousOp::Redrive(Box::new(op)),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::{LambdaDeadLetter, LambdaDeadLetterKind};
    use crate::redrive::{InvokeTarget, Routes};

    fn invoke_plan() -> Plan {
        let target = InvokeTarget::of(&LambdaDeadLetter {
            kind: LambdaDeadLetterKind::FunctionDlq,
            target_arn: "arn:aws:sqs:us-east-1:1:notifier-dlq".into(),
            function: "notifier".into(),
            subscription_arn: None,
        });
        Plan {
            dlq: "notifier-dlq".into(),
            dlq_url: "https://sqs/1/notifier-dlq".into(),
            dlq_arn: "arn:aws:sqs:us-east-1:1:notifier-dlq".into(),
            dlq_fifo: false,
            mode: Mode::Manual,
            native_asked: false,
            native_unavailable: Some("no SQS queue's DLQ".into()),
            sources: Vec::new(),
            subscriptions: Vec::new(),
            destinations: Vec::new(),
            invoke: Some(target.clone()),
            visible: 12,
            in_flight: 0,
            delayed: 0,
            warnings: vec!["the invokes add to the function's concurrency".into()],
            routes: Routes {
                invoke: Some(target),
                ..Routes::default()
            },
        }
    }

    #[test]
    fn an_invoke_plan_names_the_function_and_its_risks() {
        let plan = invoke_plan();
        let lines = describe(&plan);
        assert!(
            lines.contains(&PlanLine::Fact(
                "to: invoke notifier asynchronously (InvocationType=Event) with each message's \
             original event; this DLQ is its function DLQ"
                    .into()
            ))
        );
        assert!(lines.contains(&PlanLine::Warning(
            "the invokes add to the function's concurrency".into()
        )));
        let op = RedriveOp {
            dlq_url: plan.dlq_url.clone(),
            dlq_name: plan.dlq.clone(),
            settings: RedriveSettings::default(),
            plan: Some(Box::new(plan.clone())),
        };
        let pending = pending(&plan, op, 100);
        let said = pending.effects.join("\n");
        assert!(
            said.contains("to notifier (an asynchronous invoke each"),
            "{said}"
        );
        assert!(
            pending
                .risks
                .iter()
                .any(|r| r.contains("run an event twice on notifier")),
            "{:?}",
            pending.risks
        );
    }
}
