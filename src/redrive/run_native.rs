//! The native side of a run: a move task where the plan chose one, with its summary, and
//! whether an endpoint's refusal hands the work to the manual mover instead.

use tokio_util::sync::CancellationToken;

use super::native;
use super::plan::{Mode, Plan};
use super::run::{RunError, RunOptions, RunProgress, Summary, dlq_counts};
use crate::aws::{ApiError, Backend, ErrorKind};

/// How a run starts: done by a native move task, or handed to the manual mover.
pub(super) enum Native {
    Done(Box<Summary>),
    /// `fell_back`: why the manual mover does what the plan gave a move task.
    Manual {
        fell_back: Option<String>,
    },
}

/// The native move task, when the plan chose it (and no journal is resumed).
pub(super) async fn native_first(
    backend: &Backend,
    moves: &dyn crate::aws::MoveTaskRunner,
    plan: &Plan,
    options: &RunOptions,
    progress: &RunProgress,
    cancel: &CancellationToken,
) -> Result<Native, RunError> {
    if plan.mode != Mode::Native || options.resume.is_some() {
        return Ok(Native::Manual { fell_back: None });
    }
    progress.set_mode(Mode::Native);
    match native::running_task(backend.messages.as_ref(), &plan.dlq_arn).await {
        Ok(Some(task)) => {
            return Err(RunError::TaskRunning {
                dlq: plan.dlq.clone(),
                moved: task.moved,
            });
        }
        Ok(None) => {}
        Err(error) => return refused(plan, error),
    }
    let before = destination_depth(backend, plan).await;
    let end = match native::run(
        backend.messages.as_ref(),
        moves,
        &plan.dlq_arn,
        plan.routes.to.as_ref().map(|d| d.arn.as_str()),
        options.moves.rate,
        &progress.native,
        cancel,
    )
    .await
    {
        Ok(end) => end,
        Err(error) => return refused(plan, error),
    };
    Ok(Native::Done(Box::new(Summary {
        mode: Mode::Native,
        end: end.status.to_ascii_lowercase(),
        moved: end.moved,
        failed: 0,
        duplicates_suspected: 0,
        released: 0,
        sent_not_deleted: 0,
        left_in_dlq: left_in(backend, &plan.dlq_url).await,
        hidden_in_dlq: None,
        destination_change: match (before, destination_depth(backend, plan).await) {
            (Some(before), Some(after)) => Some(after as i64 - before as i64),
            _ => None,
        },
        journal: None,
        fell_back: None,
        error: end.failure_reason,
        finished_from_earlier: 0,
        possibly_invoked: 0,
        kept: Default::default(),
    })))
}

/// A move task refused: the manual mover takes over where the endpoint has no move tasks
/// and the user did not ask for one; otherwise the run fails with the refusal.
fn refused(plan: &Plan, error: ApiError) -> Result<Native, RunError> {
    if falls_back(&error) && !plan.native_asked {
        return Ok(Native::Manual {
            fell_back: Some(format!(
                "the endpoint refused a move task ({error}); the manual mover did it"
            )),
        });
    }
    Err(RunError::NativeRefused(error))
}

/// Whether a refused start means "no move tasks here" (moto, or AWS refusing this DLQ),
/// so that the manual mover does the work, rather than a failure to report.
fn falls_back(error: &ApiError) -> bool {
    error.kind == ErrorKind::Unavailable
        || (error.kind == ErrorKind::Client
            && error.code.as_deref().is_some_and(|c| {
                c.contains("InvalidParameterValue") || c.contains("UnsupportedOperation")
            }))
}

async fn left_in(backend: &Backend, dlq_url: &str) -> Option<u64> {
    dlq_counts(backend, dlq_url)
        .await
        .map(|c| c.visible + c.in_flight + c.delayed)
}

/// The destinations' depth now (visible, in flight, delayed), summed.
async fn destination_depth(backend: &Backend, plan: &Plan) -> Option<u64> {
    let mut depth = 0;
    for destination in &plan.destinations {
        let counts = dlq_counts(backend, &destination.url).await?;
        depth += counts.visible + counts.in_flight + counts.delayed;
    }
    Some(depth)
}
