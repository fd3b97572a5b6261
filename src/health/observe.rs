//! Reading the board's signals from a backend: alarms in ALARM (one paginated call) and
//! the move tasks of some DLQs (one call each, bounded concurrency). The CLI calls these
//! once; the TUI runs them as jobs, paced by the app's signals refresh.

use futures::StreamExt;

use crate::aws::{ApiError, Backend};
use crate::domain::message::MoveTask;

/// `ListMessageMoveTasks` for each DLQ ARN, at most `concurrency` in flight; answers
/// come back beside their DLQ, in any order.
pub async fn read_move_tasks(
    backend: &Backend,
    dlq_arns: Vec<String>,
    concurrency: usize,
) -> Vec<(String, Result<Vec<MoveTask>, ApiError>)> {
    let reader = backend.messages.clone();
    futures::stream::iter(dlq_arns)
        .map(|arn| {
            let reader = reader.clone();
            async move {
                let answer = reader.list_move_tasks(&arn).await;
                (arn, answer)
            }
        })
        .buffer_unordered(concurrency.max(1))
        .collect()
        .await
}

/// What the board could not read, in the words a status line shows.
pub fn unavailable(signals: &crate::inventory::Signals) -> Vec<String> {
    let mut out: Vec<String> = signals
        .alarms_error()
        .map(|e| format!("alarms: {e}"))
        .into_iter()
        .collect();
    out.extend(
        signals
            .move_task_errors()
            .into_iter()
            .map(|e| format!("move tasks: {e}")),
    );
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::sim::{self, SimFleet};

    #[tokio::test]
    async fn every_dlq_asked_gets_its_answer_and_a_missing_one_its_error() {
        let backend = sim::backend(SimFleet::demo().frozen());
        let dlq = "arn:aws:sqs:us-east-1:123456789012:search-indexer-dlq".to_string();
        let missing = "arn:aws:sqs:us-east-1:123456789012:no-such-dlq".to_string();
        let mut answers = read_move_tasks(&backend, vec![dlq.clone(), missing.clone()], 1).await;
        answers.sort_by(|a, b| a.0.cmp(&b.0));
        assert_eq!(answers.len(), 2);
        assert_eq!(answers[0].0, missing);
        assert!(answers[0].1.is_err());
        assert_eq!(answers[1].0, dlq);
        assert!(answers[1].1.is_ok());
    }
}
