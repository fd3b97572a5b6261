//! Background work as jobs: each has an id, a label, progress and an end state. The list
//! lives in `App` beside the view stack, so jobs survive navigation; `:jobs` shows it.
//! The runtime owns the tasks and their cancellation tokens and reports back by id.

use std::collections::VecDeque;
use std::time::SystemTime;

/// How many ended jobs stay listed.
const KEEP_ENDED: usize = 50;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct JobId(pub u64);

impl std::fmt::Display for JobId {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "#{}", self.0)
    }
}

/// How a job ended, as its task reports it (a panic becomes `Failed`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum JobEnd {
    Done(Option<String>),
    Cancelled,
    Failed(String),
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum JobState {
    Running,
    /// Cancel asked; the task has not stopped yet.
    Cancelling,
    Ended(JobEnd),
}

#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Progress {
    pub done: u64,
    pub total: Option<u64>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Job {
    pub id: JobId,
    pub label: String,
    pub started: SystemTime,
    pub ended: Option<SystemTime>,
    pub state: JobState,
    pub progress: Option<Progress>,
    /// Whether the job changes state in AWS (a purge): what it changed is reloaded when it
    /// ends. A peek only reads, so its end reloads nothing.
    pub changes_state: bool,
    /// The fleet context it runs in (its backend, and where its answers go).
    pub context: usize,
}

impl Job {
    pub fn is_running(&self) -> bool {
        !matches!(self.state, JobState::Ended(_))
    }
}

#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Jobs {
    next: u64,
    /// Oldest first.
    list: VecDeque<Job>,
    /// Bumped on every change, so the jobs view refreshes only when something happened.
    pub revision: u64,
    /// The fleet context jobs started now run in: the active one (`app::fleet`).
    pub context: usize,
}

impl Jobs {
    /// Registers a new running job and returns its id.
    /// Notes that a job changes state in AWS, so that its end reloads what it changed.
    pub fn mark_changes_state(&mut self, id: JobId) {
        if let Some(job) = self.list.iter_mut().find(|j| j.id == id) {
            job.changes_state = true;
        }
    }

    pub fn start(&mut self, label: impl Into<String>, now: SystemTime) -> JobId {
        self.next += 1;
        let id = JobId(self.next);
        self.list.push_back(Job {
            id,
            label: label.into(),
            started: now,
            ended: None,
            state: JobState::Running,
            progress: None,
            changes_state: false,
            context: self.context,
        });
        self.revision += 1;
        id
    }

    /// The fleet context job `id` runs in (the first one for a job not known).
    pub fn context_of(&self, id: JobId) -> Option<usize> {
        self.get(id).map(|j| j.context)
    }

    pub fn get(&self, id: JobId) -> Option<&Job> {
        self.list.iter().find(|j| j.id == id)
    }

    fn get_mut(&mut self, id: JobId) -> Option<&mut Job> {
        self.list.iter_mut().find(|j| j.id == id)
    }

    pub fn progress(&mut self, id: JobId, progress: Progress) {
        if let Some(job) = self.get_mut(id).filter(|j| j.is_running()) {
            job.progress = Some(progress);
            self.revision += 1;
        }
    }

    /// Marks a cancel as asked; false when the job is not running.
    pub fn cancelling(&mut self, id: JobId) -> bool {
        match self.get_mut(id) {
            Some(job) if job.state == JobState::Running => {
                job.state = JobState::Cancelling;
                self.revision += 1;
                true
            }
            _ => false,
        }
    }

    /// Records the end of a job; ended jobs beyond the last `KEEP_ENDED` are forgotten.
    pub fn end(&mut self, id: JobId, end: JobEnd, now: SystemTime) {
        if let Some(job) = self.get_mut(id).filter(|j| j.is_running()) {
            job.state = JobState::Ended(end);
            job.ended = Some(now);
            self.revision += 1;
        }
        let ended = self.list.iter().filter(|j| !j.is_running()).count();
        let mut excess = ended.saturating_sub(KEEP_ENDED);
        self.list.retain(|j| {
            if excess > 0 && !j.is_running() {
                excess -= 1;
                false
            } else {
                true
            }
        });
    }

    /// Running jobs first (newest first), then ended ones (newest first).
    pub fn listed(&self) -> Vec<&Job> {
        let mut jobs: Vec<&Job> = self.list.iter().collect();
        jobs.sort_by_key(|j| (!j.is_running(), std::cmp::Reverse(j.id)));
        jobs
    }

    pub fn running(&self) -> impl Iterator<Item = &Job> + '_ {
        self.list.iter().filter(|j| j.is_running())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn t(s: u64) -> SystemTime {
        SystemTime::UNIX_EPOCH + std::time::Duration::from_secs(s)
    }

    #[test]
    fn jobs_run_report_progress_and_end() {
        let mut jobs = Jobs::default();
        let a = jobs.start("load queues", t(0));
        let b = jobs.start("purge orders", t(1));
        assert_ne!(a, b);
        jobs.progress(
            a,
            Progress {
                done: 5,
                total: Some(10),
            },
        );
        assert_eq!(
            jobs.get(a).and_then(|j| j.progress).map(|p| p.done),
            Some(5)
        );
        assert!(jobs.cancelling(b));
        assert!(!jobs.cancelling(b), "a cancel is asked once");
        jobs.end(b, JobEnd::Cancelled, t(2));
        jobs.end(a, JobEnd::Failed("boom".into()), t(3));
        assert_eq!(
            jobs.get(a).map(|j| j.state.clone()),
            Some(JobState::Ended(JobEnd::Failed("boom".into())))
        );
        // An end cannot be overwritten by a late report.
        jobs.end(a, JobEnd::Done(None), t(4));
        assert_eq!(jobs.get(a).and_then(|j| j.ended), Some(t(3)));
        assert_eq!(jobs.running().count(), 0);
    }

    #[test]
    fn running_jobs_list_first_and_old_ended_ones_are_forgotten() {
        let mut jobs = Jobs::default();
        let first = jobs.start("first", t(0));
        for i in 0..(KEEP_ENDED as u64 + 5) {
            let id = jobs.start(format!("job {i}"), t(i));
            jobs.end(id, JobEnd::Done(None), t(i));
        }
        assert_eq!(jobs.listed()[0].id, first);
        assert_eq!(jobs.listed().len(), KEEP_ENDED + 1);
    }
}
