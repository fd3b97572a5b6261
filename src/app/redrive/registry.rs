//! The redrives started in this session, by job: the confirmed operation (for a canary's
//! rest), the progress samples the rate is measured from, and the summary at the end.

use std::collections::VecDeque;

use super::{RedriveOp, RedriveSnapshot};
use crate::app::jobs::JobId;
use crate::app::modals::confirm::{ConfirmedOp, DangerousOp};
use crate::redrive::Summary;
use crate::redrive::canary::{Verdict, WatchStatus};

/// The rate is measured over this much of the recent past.
const RATE_WINDOW_MS: u64 = 10_000;
/// Runs kept (the newest); older ones are forgotten like old jobs.
const KEEP: usize = 20;

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RedriveRun {
    pub job: JobId,
    pub op: ConfirmedOp,
    pub latest: Option<RedriveSnapshot>,
    /// (elapsed ms, moved), oldest first, within the rate window.
    samples: VecDeque<(u64, u64)>,
    pub summary: Option<Result<Summary, String>>,
    /// A later run of the same DLQ started (a canary's rest): `c` does nothing more here.
    pub continued: bool,
    /// A canary's watch, while it runs (its last status stays after the verdict).
    pub watch: Option<WatchStatus>,
    /// The DLQ's count at each watch status, (ms since the epoch, count): the chart of what
    /// comes back.
    pub watch_counts: Vec<(i64, u64)>,
    pub verdict: Option<Verdict>,
}

impl RedriveRun {
    pub fn redrive(&self) -> Option<&RedriveOp> {
        match self.op.op() {
            DangerousOp::Redrive(op) => Some(op),
            _ => None,
        }
    }

    pub fn dlq_url(&self) -> &str {
        self.redrive().map_or("", |r| r.dlq_url.as_str())
    }

    /// Messages a second over the last seconds; `None` until two samples span some time.
    pub fn rate(&self) -> Option<f64> {
        let (&(t0, m0), &(t1, m1)) = (self.samples.front()?, self.samples.back()?);
        (t1 > t0).then(|| (m1.saturating_sub(m0)) as f64 * 1000.0 / (t1 - t0) as f64)
    }

    /// Seconds left at the current rate, when both are known.
    pub fn eta_seconds(&self) -> Option<u64> {
        let latest = self.latest.as_ref()?;
        let left = latest.expected?.saturating_sub(latest.moved);
        let rate = self.rate().filter(|r| *r > 0.0)?;
        Some((left as f64 / rate).ceil() as u64)
    }

    /// After a canary that ended well and was not continued: the rest, confirmed with it.
    pub fn rest(&self) -> Option<ConfirmedOp> {
        if self.continued {
            return None;
        }
        let moved = match &self.summary {
            Some(Ok(summary)) if summary.end != "failed" => summary.moved,
            _ => return None,
        };
        self.op.canary_rest(moved)
    }
}

#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Redrives {
    runs: Vec<RedriveRun>,
    /// Bumped on every change, so the progress view refreshes only when something happened.
    pub revision: u64,
}

impl Redrives {
    pub fn start(&mut self, job: JobId, op: ConfirmedOp) {
        let url = match op.op() {
            DangerousOp::Redrive(r) => r.dlq_url.clone(),
            _ => return,
        };
        for run in self.runs.iter_mut().filter(|r| r.dlq_url() == url) {
            run.continued = true;
        }
        self.runs.push(RedriveRun {
            job,
            op,
            latest: None,
            samples: VecDeque::new(),
            summary: None,
            continued: false,
            watch: None,
            watch_counts: Vec::new(),
            verdict: None,
        });
        if self.runs.len() > KEEP {
            self.runs.remove(0);
        }
        self.revision += 1;
    }

    pub fn get(&self, job: JobId) -> Option<&RedriveRun> {
        self.runs.iter().find(|r| r.job == job)
    }

    /// The newest run on a DLQ.
    pub fn latest_for(&self, dlq_url: &str) -> Option<&RedriveRun> {
        self.runs.iter().rev().find(|r| r.dlq_url() == dlq_url)
    }

    pub fn progress(&mut self, job: JobId, snapshot: RedriveSnapshot) {
        let Some(run) = self.runs.iter_mut().find(|r| r.job == job) else {
            return;
        };
        // The rate needs a sample kept from before the window's start as its base.
        let now = snapshot.elapsed_ms;
        run.samples.push_back((now, snapshot.moved));
        while run.samples.len() > 2
            && run
                .samples
                .get(1)
                .is_some_and(|&(t, _)| now.saturating_sub(t) >= RATE_WINDOW_MS)
        {
            run.samples.pop_front();
        }
        run.latest = Some(snapshot);
        self.revision += 1;
    }

    /// A canary's watch says where it stands.
    pub fn watching(&mut self, job: JobId, status: WatchStatus, now_ms: i64) {
        if let Some(run) = self.runs.iter_mut().find(|r| r.job == job) {
            if let Some(count) = status.dlq_count {
                run.watch_counts.push((now_ms, count));
                // 15 minutes at most, at a status a second.
                if run.watch_counts.len() > 1000 {
                    run.watch_counts.remove(0);
                }
            }
            run.watch = Some(status);
            self.revision += 1;
        }
    }

    /// A canary's watch ended with its verdict.
    pub fn judged(&mut self, job: JobId, verdict: Verdict) {
        if let Some(run) = self.runs.iter_mut().find(|r| r.job == job) {
            run.verdict = Some(verdict);
            self.revision += 1;
        }
    }

    pub fn finished(&mut self, job: JobId, result: Result<Summary, String>) {
        if let Some(run) = self.runs.iter_mut().find(|r| r.job == job) {
            run.summary = Some(result);
            self.revision += 1;
        }
    }
}
