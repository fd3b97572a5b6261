//! The logs jobs: a view's search (its size estimated first, and nothing read when it may
//! scan more than `logs.max_scan_mb`), a follow poll, a message's join, a board
//! signature; every call through the session's one request budget. The answer goes back
//! as `Action::LogsRead`; an endpoint without CloudWatch Logs answers "unavailable".

use super::work::JobContext;
use crate::app::Action;
use crate::app::jobs::JobEnd;
use crate::app::logs::{LogsAnswer, LogsJob, LogsQuery, Scanned};
use crate::aws::Backend;
use crate::logs::live::{FollowMode, Following};
use crate::logs::search::human_bytes;
use crate::logs::{SearchRequest, error_signatures_of, estimate_scan, find_message, search};

pub async fn run(logs: LogsJob, job: JobContext) -> JobEnd {
    if let LogsQuery::Tail { request } = &logs.query {
        return tail(request.clone(), &logs, &job).await;
    }
    let answer = answer(&logs, &job.backend).await;
    let end = match &answer {
        LogsAnswer::Failed(error) => JobEnd::Failed(error.clone()),
        LogsAnswer::Lines { scanned, .. }
        | LogsAnswer::Invocations { scanned, .. }
        | LogsAnswer::Signatures { scanned, .. } => JobEnd::Done(Some(format!(
            "read {} in {} requests",
            human_bytes(scanned.bytes),
            scanned.requests
        ))),
        LogsAnswer::Tailed { .. } => JobEnd::Done(None),
        LogsAnswer::TooLarge { estimate_bytes } => JobEnd::Done(Some(format!(
            "may scan about {}: waiting for a yes",
            human_bytes(*estimate_bytes)
        ))),
    };
    let _ = job.tx.send(Action::LogsRead {
        job: job.id,
        to: logs.to,
        generation: logs.generation,
        answer: Box::new(answer),
    });
    end
}

/// A follow by Live Tail: each batch of the session goes back as it comes, until the job
/// is cancelled (dropping the session ends it) or the follow turns to polling, which the
/// app then does every 2 s.
async fn tail(request: SearchRequest, logs: &LogsJob, job: &JobContext) -> JobEnd {
    let source = job.backend.logs.as_ref();
    let mut following = Following::start(source, logs.budget.0.clone(), request, &[]).await;
    let send = |answer: LogsAnswer| {
        job.tx.send(Action::LogsRead {
            job: job.id,
            to: logs.to.clone(),
            generation: logs.generation,
            answer: Box::new(answer),
        })
    };
    loop {
        let mode = following.mode();
        if mode == FollowMode::Polling {
            let _ = send(LogsAnswer::Tailed {
                lines: Vec::new(),
                bytes: 0,
                mode,
            });
            return JobEnd::Done(Some(mode.note().to_string()));
        }
        let outcome = following.next(source, crate::logs::live::wall_ms).await;
        let _ = send(LogsAnswer::Tailed {
            lines: outcome.lines,
            bytes: outcome.bytes_read,
            mode: FollowMode::LiveTail,
        });
    }
}

/// What `logs` finds on `backend` (the job's work; tests run it as the runtime does).
pub async fn answer(logs: &LogsJob, backend: &Backend) -> LogsAnswer {
    let source = backend.logs.as_ref();
    let budget = logs.budget.0.as_ref();
    match &logs.query {
        LogsQuery::Lines {
            request,
            estimate_first,
        } => {
            if *estimate_first {
                match estimate_scan(
                    source,
                    budget,
                    &request.groups,
                    request.start_ms,
                    request.end_ms,
                    logs.now_ms,
                )
                .await
                {
                    Ok(estimate) if estimate.bytes > request.max_bytes => {
                        return LogsAnswer::TooLarge {
                            estimate_bytes: estimate.bytes,
                        };
                    }
                    // Without DescribeLogGroups (unavailable, or not allowed) the search
                    // still runs, bounded by what it reads.
                    _ => {}
                }
            }
            let outcome = search(source, budget, request).await;
            let scanned = Scanned::of(&[&outcome]);
            LogsAnswer::Lines {
                lines: outcome.lines,
                scanned,
            }
        }
        LogsQuery::Message {
            groups,
            message,
            max_bytes,
        } => match find_message(source, budget, groups, message, *max_bytes).await {
            Ok(joined) => {
                let searches: Vec<_> = joined.searches.iter().collect();
                LogsAnswer::Invocations {
                    scanned: Scanned::of(&searches),
                    naming: joined.naming,
                    invocations: joined.invocations,
                }
            }
            Err(error) => LogsAnswer::Failed(error),
        },
        LogsQuery::Tail { .. } => LogsAnswer::Failed("a follow is not a search".to_string()),
        LogsQuery::Signatures { request } => {
            let (found, outcome) = error_signatures_of(source, budget, request.clone()).await;
            LogsAnswer::Signatures {
                top: found.into_iter().next(),
                scanned: Scanned::of(&[&outcome]),
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::app::jobs::JobId;
    use crate::app::logs::{Destination, LogsBudget};
    use crate::logs::GroupTarget;

    /// The simulated world has no Live Tail: the tail job says "polling" and ends, and the
    /// session's budget remembers it.
    #[tokio::test]
    async fn a_tail_job_without_live_tail_turns_to_polling() {
        let backend = crate::sim::backend(crate::sim::SimFleet::demo().frozen());
        let (tx, mut rx) = tokio::sync::mpsc::unbounded_channel();
        let budget = LogsBudget::default();
        let logs = LogsJob {
            to: Destination::Feed(1),
            generation: 1,
            query: LogsQuery::Tail {
                request: SearchRequest {
                    groups: vec![GroupTarget {
                        function: "orders-worker".into(),
                        log_group: "/aws/lambda/orders-worker".into(),
                    }],
                    start_ms: 0,
                    end_ms: 0,
                    pattern: None,
                    max_bytes: u64::MAX,
                    max_lines: 10,
                },
            },
            budget: budget.clone(),
            now_ms: 0,
            label: "tail".into(),
        };
        let job = JobContext {
            id: JobId(7),
            backend,
            tx: tx.into(),
            cancel: tokio_util::sync::CancellationToken::new(),
            concurrency: 1,
        };
        let end = run(logs, job).await;
        assert_eq!(
            end,
            JobEnd::Done(Some(FollowMode::Polling.note().to_string()))
        );
        let Some(Action::LogsRead { answer, .. }) = rx.recv().await else {
            panic!("an answer");
        };
        assert!(
            matches!(
                *answer,
                LogsAnswer::Tailed {
                    mode: FollowMode::Polling,
                    ..
                }
            ),
            "{answer:?}"
        );
        assert_eq!(budget.0.live_tail_works(), Some(false));
    }
}
