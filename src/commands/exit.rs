//! Exit codes of the message verbs, as their `--help` lists them.
// The lead unifies these with `cli::exit_code` at merge (same numbers).

use std::process::ExitCode;

/// A change was refused because squall is read-only here; nothing was changed.
pub const READ_ONLY: u8 = 3;
/// Printed what could be read; a call failed part-way.
pub const INCOMPLETE: u8 = 4;
/// Refused because the risk needs `--yes` (peek of a queue with a redrive policy, purge).
pub const NEEDS_YES: u8 = 5;
/// Stopped by Ctrl-C (128 + SIGINT, as shells report it).
pub const CANCELLED: u8 = 130;

/// Says why on stderr (the first line after `squall:`, the rest indented) and returns the
/// exit code.
pub fn refuse(code: u8, lines: &[String]) -> ExitCode {
    for (i, line) in lines.iter().enumerate() {
        if i == 0 && line.starts_with("squall ") {
            eprintln!("{line}");
        } else if i == 0 {
            eprintln!("squall: {line}");
        } else {
            eprintln!("  {line}");
        }
    }
    ExitCode::from(code)
}
