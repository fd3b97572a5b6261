// Output leaves through `squall::gate` only (see src/gate.rs).
#![deny(clippy::print_stdout, clippy::print_stderr, clippy::disallowed_methods)]

use std::process::ExitCode;

use clap::{CommandFactory, FromArgMatches};
use squall::cli::Cli;

fn main() -> ExitCode {
    let cli = parse_command_line();
    match squall::launch::run(cli) {
        Ok(code) => code,
        Err(report) => {
            // Plain text: the message names the fix; a backtrace would only hide it.
            // AWS error text can be in it: out through the one output gate.
            let text = format!("{report:#}");
            match text.strip_prefix("squall: ") {
                Some(text) => squall::gate::say(text),
                None => squall::gate::say(&text),
            }
            ExitCode::from(squall::commands::exit::FAILED)
        }
    }
}

/// The command line. `--version` says more than the crate version (commit, target, the glibc
/// this binary needs): clap prints that text, and `-V` the short one.
fn parse_command_line() -> Cli {
    let long_version: &'static str = squall::version::long_version().leak();
    let command = Cli::command().long_version(long_version);
    Cli::from_arg_matches(&command.get_matches()).unwrap_or_else(|error| error.exit())
}
