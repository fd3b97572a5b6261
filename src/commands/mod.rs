//! The non-interactive verbs (`peek`, `export`, `send`, `publish`, `purge`, `redrive`,
//! `metrics`, `health`, `doctor`, `whoami`, `iam-policy`). Each resolves its queue or topic
//! (`aws::resolve`), asks the engine the TUI uses too, and prints through the output gate
//! (`crate::gate`); exit codes come from `exit`. Verbs that change state take their
//! capabilities from `Backend::writers`, so in read-only mode they stop before any call,
//! with exit code 3.

pub mod doctor;
pub mod exit;
pub mod export;
pub mod fleet;
pub mod fleet_doctor;
pub mod fleet_health;
pub mod fleet_ls;
pub mod health;
pub mod iam_policy;
pub mod logs;
pub mod logs_output;
pub mod metrics;
pub mod metrics_output;
pub mod peek;
pub mod publish;
pub mod purge;
pub mod redrive;
pub mod redrive_journals;
pub mod send;
pub mod whoami;

mod human;
mod redrive_output;

use tokio_util::sync::CancellationToken;

/// A token cancelled by Ctrl-C, so that a sweep or a send stops between calls and releases
/// what it holds instead of dying with messages hidden.
fn cancel_on_ctrl_c() -> CancellationToken {
    let token = CancellationToken::new();
    let cancel = token.clone();
    tokio::spawn(async move {
        if tokio::signal::ctrl_c().await.is_ok() {
            cancel.cancel();
        }
    });
    token
}

/// Whether progress lines make sense (a person watching stderr).
fn stderr_is_terminal() -> bool {
    crate::gate::stderr_is_terminal()
}

/// Prints a command's output through the one output gate.
fn print(text: &crate::gate::Shown) -> color_eyre::eyre::Result<()> {
    crate::gate::out(text)
        .map_err(|e| color_eyre::eyre::eyre!("squall: cannot write the output: {e}"))
}

#[cfg(test)]
mod fleet_tests;
#[cfg(test)]
mod gate_tests;
