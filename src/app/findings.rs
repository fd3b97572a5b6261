//! Doctor findings for one resource, as describe-pane lines: what is miswired about the
//! thing being looked at, right under its identity.

use crate::app::target::Target;
use crate::doctor::{diagnose, findings_for};
use crate::inventory::Inventory;

/// The label of a finding line (the pane colours these).
pub const FINDING_LABEL: &str = "Finding";

/// One `(label, value)` line per finding that names `target`, worst first:
/// `severity rule: what goes wrong`, then `fix: ...` under it.
pub fn finding_lines(inventory: &Inventory, target: &Target) -> Vec<(String, String)> {
    let arn = match target {
        Target::Queue(url) => match inventory.queue_by_url(url) {
            Some(queue) => queue.arn.clone(),
            None => return Vec::new(),
        },
        Target::MissingQueue(arn)
        | Target::Topic(arn)
        | Target::Subscription(arn)
        | Target::Function(arn) => arn.clone(),
    };
    let findings = diagnose(inventory);
    findings_for(&findings, &arn)
        .flat_map(|f| {
            [
                (
                    FINDING_LABEL.to_string(),
                    format!("{} {}: {}", f.severity.label(), f.rule, f.message),
                ),
                (String::new(), format!("fix: {}", f.fix)),
            ]
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::inventory::model::tests::queue;

    #[test]
    fn a_queue_shows_the_findings_that_name_it_and_no_others() {
        let mut inventory = Inventory::default();
        // `a` dead-letters into a queue that does not exist; `b` is fine.
        inventory.upsert_queues(vec![queue("a", 0, Some("gone")), queue("b", 0, None)], 1);
        inventory.finish_queues(1);
        let lines = finding_lines(&inventory, &Target::Queue("https://sqs/1/a".into()));
        assert_eq!(lines.len(), 2);
        assert_eq!(lines[0].0, FINDING_LABEL);
        assert!(
            lines[0]
                .1
                .starts_with("error dlq-missing: queue a's redrive policy")
        );
        assert!(lines[1].1.starts_with("fix: create the dead-letter queue"));
        assert!(finding_lines(&inventory, &Target::Queue("https://sqs/1/b".into())).is_empty());
    }
}
