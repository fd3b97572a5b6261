//! What squall reads beside the listings for the health board: CloudWatch alarms in ALARM
//! and each DLQ's most recent native move task. They sit in the inventory so that the
//! board, the `:dlq` table and `squall health` read one picture, and a change to them bumps
//! the same revision the views already follow. Asking for them is paced elsewhere (the
//! app's signals refresh, once a minute and only while a view shows them).

use std::collections::BTreeMap;

use super::Inventory;
use crate::aws::ApiError;
use crate::domain::Alarm;
use crate::domain::message::MoveTask;

#[derive(Debug, Clone, Default, PartialEq)]
pub struct Signals {
    /// `None` until asked once.
    alarms: Option<Result<Vec<Alarm>, ApiError>>,
    /// DLQ ARN → its most recent move task (`None`: it never had one), or why it could
    /// not be read.
    move_tasks: BTreeMap<String, Result<Option<MoveTask>, ApiError>>,
}

impl Signals {
    /// The alarms in ALARM, as last read (none when never read or the read failed).
    pub fn alarms(&self) -> &[Alarm] {
        match &self.alarms {
            Some(Ok(alarms)) => alarms,
            _ => &[],
        }
    }

    pub fn alarms_error(&self) -> Option<&ApiError> {
        self.alarms.as_ref().and_then(|r| r.as_ref().err())
    }

    /// The DLQ's move task if the last read said it is running.
    pub fn running_move_task(&self, dlq_arn: &str) -> Option<&MoveTask> {
        match self.move_tasks.get(dlq_arn) {
            Some(Ok(Some(task))) if task.status == "RUNNING" => Some(task),
            _ => None,
        }
    }

    /// Whether the DLQ's move tasks were read (and the read did not fail).
    pub fn move_tasks_known(&self, dlq_arn: &str) -> bool {
        matches!(self.move_tasks.get(dlq_arn), Some(Ok(_)))
    }

    /// Failed move-task reads, one per distinct error (an endpoint without the call fails
    /// the same way for every DLQ).
    pub fn move_task_errors(&self) -> Vec<&ApiError> {
        let mut errors: Vec<&ApiError> = Vec::new();
        for error in self.move_tasks.values().filter_map(|r| r.as_ref().err()) {
            if !errors
                .iter()
                .any(|e| e.kind == error.kind && e.code == error.code)
            {
                errors.push(error);
            }
        }
        errors
    }
}

impl Inventory {
    pub fn signals(&self) -> &Signals {
        &self.signals
    }

    /// Takes a `DescribeAlarms` answer; the revision moves only if something changed.
    pub fn set_alarms(&mut self, alarms: Result<Vec<Alarm>, ApiError>) {
        let alarms = Some(alarms);
        if self.signals.alarms != alarms {
            self.signals.alarms = alarms;
            self.revision += 1;
        }
    }

    /// Takes `ListMessageMoveTasks` answers (most recent first), DLQ by DLQ.
    pub fn set_move_tasks(&mut self, answers: Vec<(String, Result<Vec<MoveTask>, ApiError>)>) {
        let mut changed = false;
        for (dlq_arn, answer) in answers {
            let newest = answer.map(|tasks| tasks.into_iter().next());
            if self.signals.move_tasks.get(&dlq_arn) != Some(&newest) {
                self.signals.move_tasks.insert(dlq_arn, newest);
                changed = true;
            }
        }
        if changed {
            self.revision += 1;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn task(status: &str, moved: u64) -> MoveTask {
        MoveTask {
            task_handle: None,
            source_arn: "arn:aws:sqs:us-east-1:1:dlq".to_string(),
            destination_arn: None,
            status: status.to_string(),
            max_messages_per_second: Some(1),
            moved,
            to_move: Some(10),
            failure_reason: None,
            started_ms: Some(0),
        }
    }

    #[test]
    fn only_the_newest_task_counts_and_an_unchanged_answer_keeps_the_revision() {
        let mut inventory = Inventory::default();
        let dlq = "arn:aws:sqs:us-east-1:1:dlq".to_string();
        inventory.set_move_tasks(vec![(
            dlq.clone(),
            Ok(vec![task("RUNNING", 3), task("COMPLETED", 10)]),
        )]);
        let revision = inventory.revision;
        assert_eq!(
            inventory.signals().running_move_task(&dlq).map(|t| t.moved),
            Some(3)
        );
        inventory.set_move_tasks(vec![(dlq.clone(), Ok(vec![task("RUNNING", 3)]))]);
        assert_eq!(inventory.revision, revision, "nothing changed");
        inventory.set_move_tasks(vec![(dlq.clone(), Ok(vec![task("COMPLETED", 10)]))]);
        assert!(inventory.revision > revision);
        assert!(inventory.signals().running_move_task(&dlq).is_none());
    }

    #[test]
    fn a_failed_read_is_kept_as_the_reason_once_per_kind() {
        let mut inventory = Inventory::default();
        let unavailable = ApiError::unavailable("ListMessageMoveTasks", "not implemented");
        inventory.set_move_tasks(vec![
            ("a".to_string(), Err(unavailable.clone())),
            ("b".to_string(), Err(unavailable)),
        ]);
        assert_eq!(inventory.signals().move_task_errors().len(), 1);
        inventory.set_alarms(Err(ApiError::unavailable("DescribeAlarms", "no")));
        assert!(inventory.signals().alarms().is_empty());
        assert!(inventory.signals().alarms_error().is_some());
    }
}
