//! squall's exit codes, one table for every command (the `--help` texts list them), and the
//! one way a command says why it refused.

use std::process::ExitCode;

/// Everything asked for was done or printed.
pub const OK: u8 = 0;
/// It failed: bad input, no credentials, the main listing failed.
pub const FAILED: u8 = 1;
/// The command line itself was wrong (clap's own code).
pub const USAGE: u8 = 2;
/// A change was refused because squall is read-only here; nothing was changed.
pub const READ_ONLY: u8 = 3;
/// The output is incomplete: something could not be read even after retries (or a call
/// failed part-way); stderr says what.
pub const INCOMPLETE: u8 = 4;
/// Refused because the risk needs `--yes` (peek of a queue with a redrive policy, purge).
pub const NEEDS_YES: u8 = 5;
/// A canary's watch saw the fix not holding: a moved message came back to the DLQ, the
/// consumers reported errors, or their logs error signatures. Do not move the rest.
pub const CANARY_NOT_SAFE: u8 = 6;
/// A canary's watch could check nothing (the DLQ could not be read and the consumers'
/// metrics did not answer): not 0, so that a script never takes it for safe.
pub const CANARY_UNKNOWN: u8 = 7;
/// Stopped by Ctrl-C (128 + SIGINT, as shells report it).
pub const CANCELLED: u8 = 130;

/// Says why on stderr (the first line after `squall:`, the rest indented) and returns the
/// exit code.
pub fn refuse(code: u8, lines: &[String]) -> ExitCode {
    let mut text = String::new();
    for (i, line) in lines.iter().enumerate() {
        if i == 0 && line.starts_with("squall ") {
            text.push_str(line);
        } else if i == 0 {
            text.push_str(&format!("squall: {line}"));
        } else {
            text.push_str(&format!("\n  {line}"));
        }
    }
    crate::gate::err(&crate::gate::Shown::text(&text));
    ExitCode::from(code)
}
