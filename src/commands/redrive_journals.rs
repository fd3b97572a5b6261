//! `squall redrive --journal` (no path: the journals in the data dir, one line each) and
//! `squall redrive --prune-journals [--yes]` (removes those of runs that ended and left
//! nothing to finish; without `--yes` it names them and changes nothing). Local files only:
//! no AWS call.

use std::fmt::Write as _;
use std::path::{Path, PathBuf};
use std::process::ExitCode;

use color_eyre::eyre::{Result, eyre};
use serde::Serialize;

use super::exit;
use super::human::one_line;
use crate::gate::Shown;
use crate::redrive::journal;
use crate::redrive::journal_files::{self, Listed};

#[derive(Serialize)]
struct JournalLine<'a> {
    journal: &'a Path,
    dlq_url: Option<&'a str>,
    finished: bool,
    moved: usize,
    /// Why it stays on `--prune-journals`; absent when it may go.
    keep_because: Option<&'static str>,
}

fn data_dir() -> Result<PathBuf> {
    journal::data_dir()
        .ok_or_else(|| eyre!("squall: no data directory for journals: set SQUALL_DATA_DIR to one"))
}

/// The data dir is tightened first (once, said on stderr): listing is often the first thing
/// run on a host where it was left open.
fn listed() -> Result<(PathBuf, Vec<Listed>)> {
    let dir = data_dir()?;
    if let Some(told) = journal_files::secure(&dir) {
        crate::gate::say(&told);
    }
    let listed = journal_files::list(&dir);
    Ok((dir, listed))
}

fn line(listed: &Listed) -> JournalLine<'_> {
    let state = listed.state.as_ref().ok();
    JournalLine {
        journal: &listed.path,
        dlq_url: state.map(|s| s.dlq_url.as_str()),
        finished: state.is_some_and(|s| s.finished),
        moved: state.map_or(0, |s| s.moved()),
        keep_because: listed.keep_because(),
    }
}

fn text(lines: &[JournalLine<'_>]) -> String {
    let mut out = String::new();
    for l in lines {
        let what = match (l.dlq_url, l.keep_because) {
            (None, _) => "unreadable".to_string(),
            (Some(dlq), None) => format!("{} finished, {} moved", one_line(dlq), l.moved),
            (Some(dlq), Some(why)) => format!("{} kept: {why}", one_line(dlq)),
        };
        let _ = writeln!(
            out,
            "{}  {what}",
            one_line(&l.journal.display().to_string())
        );
    }
    out
}

fn print(lines: &[JournalLine<'_>], json: bool) -> Result<()> {
    let text = if json {
        Shown::json(lines)?
    } else {
        Shown::text(&text(lines))
    };
    super::print(&text)
}

/// `--journal` without a path.
pub fn list(json: bool) -> Result<ExitCode> {
    let (dir, listed) = listed()?;
    if listed.is_empty() && !json {
        crate::gate::say(&format!(
            "no journals in {}",
            journal_files::journals_dir(&dir).display()
        ));
        return Ok(ExitCode::SUCCESS);
    }
    print(&listed.iter().map(line).collect::<Vec<_>>(), json)?;
    Ok(ExitCode::SUCCESS)
}

/// `--prune-journals [--yes]`.
pub fn prune(yes: bool, json: bool) -> Result<ExitCode> {
    let (dir, listed) = listed()?;
    let removable: Vec<JournalLine<'_>> = listed
        .iter()
        .map(line)
        .filter(|l| l.keep_because.is_none())
        .collect();
    let kept = listed.len() - removable.len();
    if removable.is_empty() {
        crate::gate::say(&format!("no finished journals to remove ({kept} kept)"));
        return Ok(ExitCode::SUCCESS);
    }
    if !yes {
        print(&removable, json)?;
        return Ok(exit::refuse(
            exit::NEEDS_YES,
            &[
                format!(
                    "not removing these {} finished journals without --yes ({kept} kept).",
                    removable.len()
                ),
                "Run again with --yes to remove them.".to_string(),
            ],
        ));
    }
    let (removed, failed) = journal_files::prune(&dir);
    for failure in &failed {
        crate::gate::say(failure);
    }
    crate::gate::say(&format!(
        "removed {} finished journals ({kept} kept)",
        removed.len()
    ));
    Ok(ExitCode::from(if failed.is_empty() {
        0
    } else {
        crate::commands::exit::FAILED
    }))
}
