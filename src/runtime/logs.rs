//! The logs jobs: a view's search (its size estimated first, and nothing read when it may
//! scan more than `logs.max_scan_mb`), a follow poll, a message's join, a board
//! signature; every call through the session's one request budget. The answer goes back
//! as `Action::LogsRead`; an endpoint without CloudWatch Logs answers "unavailable".

use super::work::JobContext;
use crate::app::Action;
use crate::app::jobs::JobEnd;
use crate::app::logs::{LogsAnswer, LogsJob, LogsQuery, Scanned};
use crate::aws::Backend;
use crate::logs::search::human_bytes;
use crate::logs::{error_signatures_of, estimate_scan, find_message, search};

pub async fn run(logs: LogsJob, job: JobContext) -> JobEnd {
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
        LogsQuery::Signatures { request } => {
            let (found, outcome) = error_signatures_of(source, budget, request.clone()).await;
            LogsAnswer::Signatures {
                top: found.into_iter().next(),
                scanned: Scanned::of(&[&outcome]),
            }
        }
    }
}
