//! `squall redrive DLQ [--to QUEUE] [--mode auto|native|manual] [--rate N] [--limit N]
//! [--filter EXPR] [--older-than D] [--newer-than D] [--canary N] [--dry-run] [--yes]
//! [--json] [--resume JOURNAL] [--journal JOURNAL] [--cancel]`: the redrive engine from the
//! command line. The plan is printed first; nothing moves without `--yes`.

use std::path::PathBuf;
use std::process::ExitCode;
use std::time::{Duration, SystemTime};

use color_eyre::eyre::{Result, eyre};
use tokio_util::sync::CancellationToken;

use super::human::one_line;
use super::redrive_output as output;
use super::{cancel_on_ctrl_c, exit, stderr_is_terminal};
use crate::aws::Backend;
use crate::aws::resolve;
use crate::cli::{RedriveArgs, RedriveMode};
use crate::domain::Queue;
use crate::gate::{ProgressLine, Shown};
use crate::redrive::canary::WatchClock;
use crate::redrive::journal::{self, JournalState};
use crate::redrive::{
    Filter, ModeChoice, MoveOptions, Plan, PlanRequest, RunOptions, RunProgress, Summary,
};

pub async fn run(
    backend: &Backend,
    config: &crate::config::Config,
    args: RedriveArgs,
) -> Result<ExitCode> {
    let resumed = match &args.resume {
        Some(path) => Some(JournalState::read(path).map_err(|e| eyre!("squall: {e}"))?),
        None => None,
    };
    let given = match (&args.dlq, &resumed) {
        (Some(dlq), _) => dlq.clone(),
        (None, Some(state)) => state.dlq_url.clone(),
        (None, None) => return Err(eyre!("squall: name the DLQ (or give --resume JOURNAL)")),
    };
    if args.cancel {
        return cancel_task(backend, &given).await;
    }
    let moves = move_options(&args)?;
    super::redrive_canary::watch_length(&args)?;
    let what = format!("redrive {}", one_line(&given));
    if !args.dry_run
        && let Err(refused) = backend.writers(&what)
    {
        return Ok(exit::refuse(exit::READ_ONLY, &[refused.to_string()]));
    }
    let dlq = resolve::queue(backend, &given).await.map_err(failed)?;
    let to_name = args.to.clone().or_else(|| resumed.as_ref()?.to_url.clone());
    let to = match &to_name {
        Some(to) => Some(resolve::queue(backend, to).await.map_err(failed)?),
        None => None,
    };
    let request = PlanRequest {
        to: to.as_ref(),
        mode: if args.resume.is_some() {
            ModeChoice::Manual
        } else {
            mode_choice(args.mode)
        },
        selective: moves.is_selective(),
        filtered: moves.filter.is_some()
            || moves.sent_before_ms.is_some()
            || moves.sent_after_ms.is_some(),
        rate: args.rate,
        subscriptions: None,
        functions: None,
    };
    let plan = crate::redrive::plan(backend, &dlq, request)
        .await
        .map_err(failed)?;
    if args.dry_run {
        return dry_run(backend, &args, &dlq, &plan, &moves).await;
    }
    if !args.yes {
        return without_yes(backend, &plan, &moves);
    }
    for warning in &plan.warnings {
        crate::gate::say(&format!("warning: {}", one_line(warning)));
    }
    let clock = WatchClock::start();
    let started_ms = clock.now_ms();
    let summary = execute(backend, &plan, moves, args.resume.clone()).await?;
    let run_exit = exit_code(&summary, chose(&args));
    if super::redrive_canary::wanted(&args, &summary, run_exit) {
        return super::redrive_canary::watch_and_finish(
            backend, &args, &plan, &summary, clock, started_ms, config,
        )
        .await;
    }
    finish(&args, &plan, &summary)
}

/// Without `--yes`: the plan on stderr, nothing moved, and the exit that asks for `--yes`.
fn without_yes(backend: &Backend, plan: &Plan, moves: &MoveOptions) -> Result<ExitCode> {
    crate::gate::err(&output::plan_text(&backend.info, plan, moves, None, false)?);
    Ok(exit::refuse(
        exit::NEEDS_YES,
        &[
            format!("not redriving {} without --yes.", one_line(&plan.dlq)),
            "The plan above changes nothing; run again with --yes to move the messages."
                .to_string(),
        ],
    ))
}

/// `--dry-run`: the plan, and with `--filter` how many of a sample match; nothing moves.
async fn dry_run(
    backend: &Backend,
    args: &RedriveArgs,
    dlq: &Queue,
    plan: &Plan,
    moves: &MoveOptions,
) -> Result<ExitCode> {
    let sample = match &moves.filter {
        Some(_) if dlq.redrive.is_some() && !args.yes => {
            return Ok(exit::refuse(
                exit::NEEDS_YES,
                &[
                    format!(
                        "not sampling {} for --dry-run --filter: it has a redrive policy of \
                         its own, and reading a message is a receive that counts toward its \
                         maxReceiveCount.",
                        one_line(&dlq.name)
                    ),
                    "Run again with --yes to sample up to 10 messages anyway (each one's \
                     receive count rises by one; nothing is moved)."
                        .to_string(),
                ],
            ));
        }
        Some(_) => Some(output::sample_matches(backend, dlq, moves).await),
        None => None,
    };
    super::print(&output::plan_text(
        &backend.info,
        plan,
        moves,
        sample.as_ref(),
        args.json,
    )?)?;
    Ok(ExitCode::SUCCESS)
}

fn failed(error: impl std::fmt::Display) -> color_eyre::Report {
    eyre!("squall: {}", one_line(&error.to_string()))
}

fn mode_choice(mode: RedriveMode) -> ModeChoice {
    match mode {
        RedriveMode::Auto => ModeChoice::Auto,
        RedriveMode::Native => ModeChoice::Native,
        RedriveMode::Manual => ModeChoice::Manual,
    }
}

/// The mover's options from the flags; bad input is refused before anything is asked.
fn move_options(args: &RedriveArgs) -> Result<MoveOptions> {
    let filter = match &args.filter {
        Some(expr) => Some(Filter::parse(expr).map_err(failed)?),
        None => None,
    };
    let now = SystemTime::now();
    let bound = |flag: &str, text: &Option<String>| -> Result<Option<u64>> {
        let Some(text) = text else {
            return Ok(None);
        };
        let age = humantime::parse_duration(text)
            .map_err(|e| eyre!("squall: {flag} {}: {e} (say 30m, 2h or 1d)", one_line(text)))?;
        let at = now.checked_sub(age).unwrap_or(SystemTime::UNIX_EPOCH);
        Ok(Some(
            at.duration_since(SystemTime::UNIX_EPOCH)
                .map(|d| u64::try_from(d.as_millis()).unwrap_or(u64::MAX))
                .unwrap_or(0),
        ))
    };
    Ok(MoveOptions {
        limit: args.canary.or(args.limit),
        rate: args.rate,
        concurrency: usize::from(args.concurrency),
        visibility_s: args.visibility_timeout,
        filter,
        sent_before_ms: bound("--older-than", &args.older_than)?,
        sent_after_ms: bound("--newer-than", &args.newer_than)?,
        ..MoveOptions::default()
    })
}

/// Runs the plan with progress on stderr (when someone watches it) and Ctrl-C as cancel.
async fn execute(
    backend: &Backend,
    plan: &Plan,
    moves: MoveOptions,
    resume: Option<PathBuf>,
) -> Result<Summary> {
    let journal_dir = journal::data_dir().ok_or_else(|| {
        eyre!("squall: no data directory for the journal: set SQUALL_DATA_DIR to one")
    })?;
    // Journals hold receipt handles: a data dir left open to others is closed, once, aloud.
    let resumed = resume
        .as_ref()
        .and_then(|path| crate::private_files::tighten_all(std::slice::from_ref(path)));
    for told in [crate::redrive::journal_files::secure(&journal_dir), resumed]
        .into_iter()
        .flatten()
    {
        crate::gate::say(&told);
    }
    let options = RunOptions {
        moves,
        journal_dir,
        resume,
    };
    let progress = RunProgress::default();
    let cancel = cancel_on_ctrl_c();
    let run = crate::redrive::execute(backend, plan, &options, &progress, &cancel);
    let watch = watch(plan, &progress, &cancel);
    let done = CancellationToken::new();
    let (result, ()) = tokio::join!(
        async {
            let result = run.await;
            done.cancel();
            result
        },
        async {
            tokio::select! {
                () = watch => {}
                () = done.cancelled() => {}
            }
        }
    );
    result.map_err(failed)
}

/// Prints where the journal is as soon as there is one, then a progress line.
async fn watch(plan: &Plan, progress: &RunProgress, cancel: &CancellationToken) {
    let mut line = ProgressLine::new(stderr_is_terminal());
    let mut told_journal = false;
    let started = tokio::time::Instant::now();
    loop {
        if !told_journal && let Some(path) = progress.journal() {
            line.finish();
            crate::gate::say(&format!("journal {}", path.display()));
            told_journal = true;
        }
        line.show(&output::progress_line(
            plan,
            progress,
            started.elapsed(),
            cancel.is_cancelled(),
        ));
        tokio::time::sleep(Duration::from_millis(250)).await;
    }
}

fn finish(args: &RedriveArgs, plan: &Plan, summary: &Summary) -> Result<ExitCode> {
    if args.json {
        super::print(&Shown::json(summary)?)?;
    } else {
        super::print(&Shown::text(&output::summary_text(plan, summary)))?;
    }
    if let Some(canary) = args.canary
        && summary.end == "limit_reached"
    {
        crate::gate::say(&format!(
            "the canary of {canary} moved (not watched); watch the consumer, then move the rest with:\n  {}",
            output::continue_command(args)
        ));
    }
    Ok(ExitCode::from(exit_code(summary, chose(args))))
}

/// Whether a filter or an age bound chose the messages (the rest stays on purpose).
fn chose(args: &RedriveArgs) -> bool {
    args.filter.is_some() || args.older_than.is_some() || args.newer_than.is_some()
}

/// 0 only when the DLQ is empty, or what the user asked for stopped the run (a limit or
/// canary reached; a filter or age bound left the rest); messages left otherwise: 4.
fn exit_code(summary: &Summary, chose: bool) -> u8 {
    match summary.end.as_str() {
        "cancelled" => exit::CANCELLED,
        "failed" => crate::commands::exit::FAILED,
        "hidden" | "groups_stopped" => exit::INCOMPLETE,
        _ if summary.failed > 0 || summary.sent_not_deleted > 0 => exit::INCOMPLETE,
        "limit_reached" => 0,
        _ if chose => 0,
        _ if summary.left_in_dlq == Some(0) => 0,
        _ => exit::INCOMPLETE,
    }
}

/// `--journal JOURNAL`: what a run did, from its journal alone.
pub fn show_journal(path: &std::path::Path, json: bool) -> Result<ExitCode> {
    let state = JournalState::read(path).map_err(failed)?;
    super::print(&output::journal_text(path, &state, json)?)?;
    Ok(ExitCode::SUCCESS)
}

/// `--cancel`: stops the move task running on the DLQ.
async fn cancel_task(backend: &Backend, given: &str) -> Result<ExitCode> {
    let writers = match backend.writers(&format!("cancel the move task of {}", one_line(given))) {
        Ok(writers) => writers,
        Err(refused) => return Ok(exit::refuse(exit::READ_ONLY, &[refused.to_string()])),
    };
    let dlq: Queue = resolve::queue(backend, given).await.map_err(failed)?;
    let task = crate::redrive::native::running_task(backend.messages.as_ref(), &dlq.arn)
        .await
        .map_err(failed)?;
    let Some(handle) = task.as_ref().and_then(|t| t.task_handle.clone()) else {
        return Err(eyre!(
            "squall: no move task is running on {}",
            one_line(&dlq.name)
        ));
    };
    let moved = writers
        .moves
        .cancel_move_task(&handle)
        .await
        .map_err(failed)?;
    super::print(&Shown::text(&format!(
        "cancelled the move task on {}: {moved} moved before it stopped (they stay moved)\n",
        one_line(&dlq.name)
    )))?;
    Ok(ExitCode::SUCCESS)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::redrive::Mode;

    fn summary(end: &str, left: Option<u64>) -> Summary {
        Summary {
            mode: Mode::Manual,
            end: end.to_string(),
            moved: 5,
            failed: 0,
            duplicates_suspected: 0,
            released: 0,
            sent_not_deleted: 0,
            left_in_dlq: left,
            hidden_in_dlq: Some(0),
            journal: None,
            fell_back: None,
            error: None,
            finished_from_earlier: 0,
            possibly_invoked: 0,
            kept: Default::default(),
            destination_change: None,
        }
    }

    #[test]
    fn exit_0_only_when_the_dlq_is_empty_or_what_was_asked_for_stopped_the_run() {
        assert_eq!(exit_code(&summary("drained", Some(0)), false), 0);
        assert_eq!(exit_code(&summary("completed", Some(0)), false), 0);
        assert_eq!(exit_code(&summary("limit_reached", Some(7)), false), 0);
        assert_eq!(exit_code(&summary("drained", Some(7)), true), 0, "a filter");
        assert_eq!(exit_code(&summary("drained", Some(7)), false), 4);
        assert_eq!(exit_code(&summary("completed", Some(3)), false), 4);
        assert_eq!(exit_code(&summary("drained", None), false), 4, "unknown");
        assert_eq!(exit_code(&summary("hidden", Some(2)), false), 4);
        assert_eq!(exit_code(&summary("failed", Some(0)), false), 1);
        assert_eq!(exit_code(&summary("cancelled", Some(0)), false), 130);
    }
}
