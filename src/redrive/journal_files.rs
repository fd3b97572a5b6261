//! The journals in squall's data dir as files on a shared host: where they go and their
//! names, kept owner-only (the data dir and its journals are tightened, with one line
//! saying so, when another user could read them: they hold receipt handles), listed
//! (`squall redrive --journal`), and the finished ones removed (`squall redrive
//! --prune-journals`). A journal a re-run still needs is never removed: a re-run resumes
//! from it.

use std::path::{Path, PathBuf};

use super::journal::JournalState;

/// A `--demo` process's own data folder, once it entered it (`enter_demo`).
static DEMO_DIR: std::sync::OnceLock<PathBuf> = std::sync::OnceLock::new();

/// Where journals go: a demo process's own folder; else `$SQUALL_DATA_DIR`, else the
/// platform's data dir for squall.
pub fn data_dir() -> Option<PathBuf> {
    if let Some(dir) = DEMO_DIR.get() {
        return Some(dir.clone());
    }
    shared_data_dir()
}

/// A demo process's data folder, `DATA/demo/PID-START_MS`: the demo's message ids repeat
/// from run to run, so a demo must never resume or read a real run's journals nor another
/// demo's. Created (owner-only) only when a journal is written; removed at exit when
/// nothing is left in it (a journal a run printed the path of stays readable).
#[derive(Debug)]
pub struct DemoDataDir(PathBuf);

impl DemoDataDir {
    pub fn under(base: &Path, now_ms: u128) -> DemoDataDir {
        DemoDataDir(
            base.join("demo")
                .join(format!("{}-{now_ms}", std::process::id())),
        )
    }

    pub fn path(&self) -> &Path {
        &self.0
    }
}

impl Drop for DemoDataDir {
    fn drop(&mut self) {
        // `remove_dir` removes empty folders only: journals are never lost here.
        let _ = std::fs::remove_dir(self.0.join("redrive"));
        let _ = std::fs::remove_dir(&self.0);
        if let Some(parent) = self.0.parent() {
            let _ = std::fs::remove_dir(parent);
        }
    }
}

/// This process is a demo: its journals go to a folder of its own from now on.
pub fn enter_demo() -> Option<DemoDataDir> {
    let base = shared_data_dir().unwrap_or_else(std::env::temp_dir);
    let now_ms = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| d.as_millis())
        .unwrap_or(0);
    let dir = DemoDataDir::under(&base, now_ms);
    DEMO_DIR.set(dir.path().to_path_buf()).ok()?;
    Some(dir)
}

/// `$SQUALL_DATA_DIR`, else the platform's data dir for squall.
fn shared_data_dir() -> Option<PathBuf> {
    if let Some(dir) = std::env::var_os("SQUALL_DATA_DIR").filter(|d| !d.is_empty()) {
        return Some(PathBuf::from(dir));
    }
    directories::ProjectDirs::from("", "", "squall").map(|d| d.data_dir().to_path_buf())
}

/// A new journal's path for a run on `dlq_name` started at `now_ms`.
pub fn new_journal_path(dir: &Path, dlq_name: &str, now_ms: u64) -> PathBuf {
    let safe: String = dlq_name
        .chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() || c == '-' || c == '_' || c == '.' {
                c
            } else {
                '_'
            }
        })
        .collect();
    dir.join("redrive")
        .join(format!("{safe}-{now_ms}-{}.jsonl", std::process::id()))
}

/// The folder of journals inside the data dir.
pub fn journals_dir(data_dir: &Path) -> PathBuf {
    data_dir.join("redrive")
}

/// The journal files in the data dir (`redrive/*.jsonl`), by name; none when the folder is
/// missing or unreadable.
pub fn journal_paths(data_dir: &Path) -> Vec<PathBuf> {
    let Ok(entries) = std::fs::read_dir(journals_dir(data_dir)) else {
        return Vec::new();
    };
    let mut paths: Vec<PathBuf> = entries
        .filter_map(Result::ok)
        .map(|e| e.path())
        .filter(|p| p.extension().is_some_and(|x| x == "jsonl") && p.is_file())
        .collect();
    paths.sort();
    paths
}

/// Makes the data dir, its journal folder and every journal in it owner-only where another
/// user could read them; the line to show once, `None` when all was already tight.
pub fn secure(data_dir: &Path) -> Option<String> {
    let mut paths = vec![data_dir.to_path_buf(), journals_dir(data_dir)];
    paths.extend(journal_paths(data_dir));
    crate::private_files::tighten_all(&paths)
}

/// One journal of the data dir, read back (or why it could not be).
#[derive(Debug)]
pub struct Listed {
    pub path: PathBuf,
    pub state: Result<JournalState, String>,
}

impl Listed {
    /// Why the journal must stay, or `None` when it may go: its last run ended and it holds
    /// nothing a re-run of the DLQ needs (a message sent and not deleted, a send whose
    /// answer was lost). An unreadable file is not known to be a finished journal: it stays.
    pub fn keep_because(&self) -> Option<&'static str> {
        let state = match &self.state {
            Ok(state) => state,
            Err(_) => return Some("unreadable"),
        };
        if !state.finished {
            return Some("its run did not end: a re-run resumes from it");
        }
        let needed = state
            .messages
            .values()
            .any(|m| m.sent_not_deleted() || m.possibly_sent());
        needed.then_some("a re-run needs it: a message sent and not deleted, or possibly sent")
    }
}

/// Every journal in the data dir, read back.
pub fn list(data_dir: &Path) -> Vec<Listed> {
    journal_paths(data_dir)
        .into_iter()
        .map(|path| {
            let state = JournalState::read(&path).map_err(|e| e.to_string());
            Listed { path, state }
        })
        .collect()
}

/// Removes the journals that may go (see `Listed::keep_because`); what was removed, and
/// each failure.
pub fn prune(data_dir: &Path) -> (Vec<PathBuf>, Vec<String>) {
    let mut removed = Vec::new();
    let mut failed = Vec::new();
    for listed in list(data_dir) {
        if listed.keep_because().is_some() {
            continue;
        }
        match std::fs::remove_file(&listed.path) {
            Ok(()) => removed.push(listed.path),
            Err(e) => failed.push(format!("cannot remove {}: {e}", listed.path.display())),
        }
    }
    (removed, failed)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_demo_folder_is_its_own_and_goes_when_empty_keeping_journals() {
        let base = tempfile::tempdir().expect("tempdir");
        let one = DemoDataDir::under(base.path(), 1);
        let two = DemoDataDir::under(base.path(), 2);
        assert_ne!(one.path(), two.path());
        assert!(one.path().starts_with(base.path().join("demo")));
        assert!(!journals_dir(one.path()).starts_with(journals_dir(base.path())));
        crate::private_files::create_dir_all(&journals_dir(one.path())).expect("mkdir");
        crate::private_files::create_dir_all(&journals_dir(two.path())).expect("mkdir");
        let kept = new_journal_path(two.path(), "dlq", 1);
        std::fs::write(&kept, "{}\n").expect("write");
        let (one_path, two_path) = (one.path().to_path_buf(), two.path().to_path_buf());
        drop(one);
        assert!(!one_path.exists(), "an empty demo folder goes at exit");
        drop(two);
        assert!(
            kept.exists() && two_path.exists(),
            "a journal is never removed"
        );
    }
    use crate::redrive::journal::{Entry, Journal};

    fn plan() -> Entry {
        Entry::Plan {
            dlq_url: "u".into(),
            dlq_arn: "a".into(),
            to_url: None,
            started_ms: 1,
            visibility_s: Some(30),
        }
    }

    fn received(id: &str) -> Entry {
        Entry::Received {
            dlq_id: id.into(),
            body_md5: "h".into(),
            receipt: format!("r-{id}"),
            destination: "d".into(),
            attributes_md5: None,
        }
    }

    fn end() -> Entry {
        Entry::End {
            moved: 1,
            failed: 0,
            duplicates_suspected: 0,
        }
    }

    fn write(data: &Path, name: &str, entries: &[Entry]) -> PathBuf {
        let path = journals_dir(data).join(name);
        let mut journal = Journal::append_to(&path).expect("open");
        journal.record(entries).expect("record");
        path
    }

    #[test]
    fn prune_removes_only_finished_journals_nothing_depends_on() {
        let data = tempfile::tempdir().expect("tempdir");
        let data = data.path();
        let done = write(
            data,
            "done.jsonl",
            &[
                plan(),
                received("m"),
                Entry::Sending { dlq_id: "m".into() },
                Entry::Sent {
                    dlq_id: "m".into(),
                    destination_id: "n".into(),
                },
                Entry::Deleted { dlq_id: "m".into() },
                end(),
            ],
        );
        let running = write(data, "running.jsonl", &[plan(), received("m")]);
        let sent_not_deleted = write(
            data,
            "sent.jsonl",
            &[
                plan(),
                received("m"),
                Entry::Sent {
                    dlq_id: "m".into(),
                    destination_id: "n".into(),
                },
                end(),
            ],
        );
        let stranger = journals_dir(data).join("notes.jsonl");
        std::fs::write(&stranger, "not a journal\n").expect("write");

        let (removed, failed) = prune(data);
        assert_eq!(removed, vec![done.clone()]);
        assert!(failed.is_empty(), "{failed:?}");
        assert!(!done.exists());
        for kept in [&running, &sent_not_deleted, &stranger] {
            assert!(kept.exists(), "{} must stay", kept.display());
        }
        let reasons: Vec<_> = list(data).iter().map(Listed::keep_because).collect();
        assert!(reasons.iter().all(Option::is_some), "{reasons:?}");
    }

    #[cfg(unix)]
    #[test]
    fn a_new_journal_and_its_folders_are_owner_only() {
        use std::os::unix::fs::PermissionsExt;
        crate::private_files::permissive_umask();
        let home = tempfile::tempdir().expect("tempdir");
        let data = home.path().join("data");
        let journal = write(&data, "new.jsonl", &[plan()]);
        let mode = |p: &Path| std::fs::metadata(p).expect("meta").permissions().mode() & 0o777;
        assert_eq!(mode(&data), 0o700);
        assert_eq!(mode(&journals_dir(&data)), 0o700);
        assert_eq!(mode(&journal), 0o600);
    }

    #[cfg(unix)]
    #[test]
    fn secure_tightens_the_data_dir_and_its_journals_once() {
        use std::os::unix::fs::PermissionsExt;
        let data = tempfile::tempdir().expect("tempdir");
        let data = data.path();
        let journal = write(data, "open.jsonl", &[plan()]);
        for (path, mode) in [
            (data, 0o755),
            (&journals_dir(data), 0o755),
            (&journal, 0o644),
        ] {
            std::fs::set_permissions(path, std::fs::Permissions::from_mode(mode)).expect("chmod");
        }
        let told = secure(data).expect("a warning");
        assert!(told.contains("other users"), "{told}");
        let mode = |p: &Path| std::fs::metadata(p).expect("meta").permissions().mode() & 0o777;
        assert_eq!(mode(data), 0o700);
        assert_eq!(mode(&journals_dir(data)), 0o700);
        assert_eq!(mode(&journal), 0o600);
        assert_eq!(secure(data), None, "said once");
    }
}
