//! Files and folders squall writes on a shared host (a bastion several engineers use, often
//! with a permissive umask): exports hold message bodies, redrive journals hold receipt
//! handles, the debug log holds queue names and errors. Every one of them is created here,
//! owner-only (files 0600, folders 0700) whatever the umask; and where squall finds one of its
//! own open to others, `tighten` closes it (never the other way). Non-Unix systems get plain
//! creation: their permissions do not follow this model.

use std::fs::{File, OpenOptions};
use std::io;
use std::path::Path;

/// Owner read and write.
pub const FILE_MODE: u32 = 0o600;
/// Owner read, write and enter.
pub const DIR_MODE: u32 = 0o700;

/// A new file at `path`, owner-only; an existing one is an `AlreadyExists` error.
pub fn create_new(path: &Path) -> io::Result<File> {
    let mut options = OpenOptions::new();
    options.write(true).create_new(true);
    owner_only(&mut options);
    options.open(path)
}

/// `path` opened for appending, and for reading (a journal looks at its own last line);
/// created owner-only when missing (an existing file keeps its mode: see `tighten`).
pub fn open_append(path: &Path) -> io::Result<File> {
    let mut options = OpenOptions::new();
    options.create(true).read(true).append(true);
    owner_only(&mut options);
    options.open(path)
}

/// `path` and any missing parents, each created owner-only (existing ones are left as
/// they are).
pub fn create_dir_all(path: &Path) -> io::Result<()> {
    let mut builder = std::fs::DirBuilder::new();
    builder.recursive(true);
    #[cfg(unix)]
    {
        use std::os::unix::fs::DirBuilderExt;
        builder.mode(DIR_MODE);
    }
    builder.create(path)
}

#[cfg(unix)]
fn owner_only(options: &mut OpenOptions) {
    use std::os::unix::fs::OpenOptionsExt;
    options.mode(FILE_MODE);
}

#[cfg(not(unix))]
fn owner_only(_options: &mut OpenOptions) {}

/// A file or folder whose group and other bits `tighten` took away.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Tightened {
    pub was: u32,
    pub now: u32,
}

/// Takes the group and other bits off `path` when it is squall's to change (owned by the
/// user running squall) and has any: the owner's own bits stay, so a stricter mode is never
/// widened. `Ok(None)` when there was nothing to do, the path is missing or is someone
/// else's.
#[cfg(unix)]
pub fn tighten(path: &Path) -> io::Result<Option<Tightened>> {
    use std::os::unix::fs::{MetadataExt, PermissionsExt};
    let metadata = match std::fs::symlink_metadata(path) {
        Ok(metadata) => metadata,
        Err(e) if e.kind() == io::ErrorKind::NotFound => return Ok(None),
        Err(e) => return Err(e),
    };
    let was = metadata.mode() & 0o7777;
    // A symlink's own mode means nothing; another user's file is not squall's to change.
    if metadata.file_type().is_symlink() || !runs_as(metadata.uid()) || was & 0o077 == 0 {
        return Ok(None);
    }
    let now = was & 0o700;
    match std::fs::set_permissions(path, std::fs::Permissions::from_mode(now)) {
        Ok(()) => Ok(Some(Tightened { was, now })),
        // Only the owner may change a mode: refused means it is not squall's.
        Err(e) if e.kind() == io::ErrorKind::PermissionDenied => Ok(None),
        Err(e) => Err(e),
    }
}

#[cfg(not(unix))]
pub fn tighten(_path: &Path) -> io::Result<Option<Tightened>> {
    Ok(None)
}

/// A folder of the running user's own under the system's temporary directory, for when
/// there is no data dir: `PREFIX-UID`, created owner-only. On a shared host another user can
/// create that name first (to read or swap what squall writes there), so a folder that is not
/// a plain folder of the running user's is passed over for a new one with a unique name.
pub fn own_temp_dir(prefix: &str) -> io::Result<std::path::PathBuf> {
    let base = std::env::temp_dir();
    let shared_name = base.join(format!("{prefix}-{}", user_tag()));
    match create_dir_all(&shared_name) {
        Ok(()) if is_own_plain_dir(&shared_name) => {
            tighten(&shared_name)?;
            return Ok(shared_name);
        }
        Ok(()) => {}
        Err(e) if e.kind() == io::ErrorKind::AlreadyExists => {}
        Err(e) => return Err(e),
    }
    let nanos = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| d.as_nanos());
    let unique = base.join(format!(
        "{prefix}-{}-{}-{nanos}",
        user_tag(),
        std::process::id()
    ));
    let mut builder = std::fs::DirBuilder::new();
    #[cfg(unix)]
    {
        use std::os::unix::fs::DirBuilderExt;
        builder.mode(DIR_MODE);
    }
    // Not recursive: it fails rather than take a folder somebody made under this name.
    builder.create(&unique)?;
    Ok(unique)
}

/// Names the running user in a file name: the uid where /proc tells it, else `$USER`.
fn user_tag() -> String {
    #[cfg(unix)]
    {
        use std::os::unix::fs::MetadataExt;
        if let Ok(metadata) = std::fs::metadata("/proc/self") {
            return metadata.uid().to_string();
        }
    }
    std::env::var("USER").unwrap_or_else(|_| "user".to_string())
}

/// Whether `path` is a folder (not a link to one) that belongs to the running user.
fn is_own_plain_dir(path: &Path) -> bool {
    let Ok(metadata) = std::fs::symlink_metadata(path) else {
        return false;
    };
    #[cfg(unix)]
    {
        use std::os::unix::fs::MetadataExt;
        metadata.is_dir() && runs_as(metadata.uid())
    }
    #[cfg(not(unix))]
    {
        metadata.is_dir()
    }
}

/// Whether squall runs as `uid`: `/proc/self` belongs to the running process's user (std
/// has no getuid). Where there is no /proc, the chmod itself answers (only the owner may).
#[cfg(unix)]
fn runs_as(uid: u32) -> bool {
    use std::os::unix::fs::MetadataExt;
    std::fs::metadata("/proc/self").map_or(true, |m| m.uid() == uid)
}

/// Tightens each of `paths` (see `tighten`) and says what changed in one line, for the
/// user to read once: `None` when everything was already owner-only.
pub fn tighten_all(paths: &[std::path::PathBuf]) -> Option<String> {
    let mut changed = Vec::new();
    let mut failed = Vec::new();
    for path in paths {
        match tighten(path) {
            Ok(Some(tightened)) => changed.push((path, tightened)),
            Ok(None) => {}
            Err(e) => failed.push(format!("cannot make {} owner-only: {e}", path.display())),
        }
    }
    let mut parts = Vec::new();
    if let Some((first, tightened)) = changed.first() {
        let more = match changed.len() {
            1 => String::new(),
            n => format!(" and {} more", n - 1),
        };
        parts.push(format!(
            "{}{more} could be read by other users of this host (mode {:04o}); made owner-only \
             ({:04o})",
            first.display(),
            tightened.was,
            tightened.now
        ));
    }
    parts.extend(failed);
    (!parts.is_empty()).then(|| parts.join("; "))
}

#[cfg(all(test, unix))]
mod tests {
    use super::*;
    use std::os::unix::fs::PermissionsExt;

    fn mode(path: &Path) -> u32 {
        std::fs::metadata(path)
            .expect("metadata")
            .permissions()
            .mode()
            & 0o7777
    }

    fn set_mode(path: &Path, mode: u32) {
        std::fs::set_permissions(path, std::fs::Permissions::from_mode(mode)).expect("chmod");
    }

    #[test]
    fn files_and_folders_are_created_owner_only() {
        permissive_umask();
        let dir = tempfile::tempdir().expect("tempdir");
        let nested = dir.path().join("a").join("b");
        create_dir_all(&nested).expect("dirs");
        assert_eq!(mode(&dir.path().join("a")), 0o700);
        assert_eq!(mode(&nested), 0o700);
        let new = nested.join("export.ndjson");
        drop(create_new(&new).expect("create"));
        assert_eq!(mode(&new), 0o600);
        assert_eq!(
            create_new(&new).map(|_| ()).map_err(|e| e.kind()),
            Err(io::ErrorKind::AlreadyExists),
            "never overwritten"
        );
        let log = nested.join("squall.log");
        drop(open_append(&log).expect("append"));
        assert_eq!(mode(&log), 0o600);
    }

    #[test]
    fn tighten_takes_away_group_and_other_and_never_widens() {
        let dir = tempfile::tempdir().expect("tempdir");
        let open = dir.path().join("open");
        let strict = dir.path().join("strict");
        std::fs::write(&open, "x").expect("write");
        std::fs::write(&strict, "x").expect("write");
        set_mode(&open, 0o644);
        set_mode(&strict, 0o400);
        assert_eq!(
            tighten(&open).expect("tighten"),
            Some(Tightened {
                was: 0o644,
                now: 0o600
            })
        );
        assert_eq!(mode(&open), 0o600);
        assert_eq!(tighten(&strict).expect("tighten"), None);
        assert_eq!(mode(&strict), 0o400, "a stricter mode stays");
        assert_eq!(tighten(&dir.path().join("missing")).expect("missing"), None);
    }

    #[test]
    fn own_temp_dir_is_owner_only_and_passes_over_a_link_in_its_place() {
        let prefix = format!("squall-own-temp-test-{}", std::process::id());
        let dir = own_temp_dir(&prefix).expect("own temp dir");
        assert_eq!(mode(&dir), 0o700);
        assert_eq!(
            own_temp_dir(&prefix).expect("again"),
            dir,
            "the same one next time"
        );
        std::fs::remove_dir(&dir).expect("remove");
        // Somebody's link where squall's folder would be: squall makes a folder of its own.
        let elsewhere = tempfile::tempdir().expect("tempdir");
        std::os::unix::fs::symlink(elsewhere.path(), &dir).expect("symlink");
        let chosen = own_temp_dir(&prefix).expect("a fresh one");
        assert_ne!(chosen, dir);
        assert!(chosen.starts_with(std::env::temp_dir()));
        assert_eq!(mode(&chosen), 0o700);
        std::fs::remove_file(&dir).expect("remove link");
        std::fs::remove_dir(&chosen).expect("remove fresh");
    }

    #[test]
    fn tighten_all_says_it_once() {
        let dir = tempfile::tempdir().expect("tempdir");
        let a = dir.path().join("a");
        let b = dir.path().join("b");
        std::fs::create_dir(&a).expect("dir");
        std::fs::write(&b, "x").expect("write");
        set_mode(&a, 0o755);
        set_mode(&b, 0o640);
        let told = tighten_all(&[a.clone(), b.clone()]).expect("a warning");
        assert!(told.contains("and 1 more"), "{told}");
        assert!(told.contains("0755") && told.contains("0700"), "{told}");
        assert_eq!((mode(&a), mode(&b)), (0o700, 0o600));
        assert_eq!(
            tighten_all(&[a, b]),
            None,
            "already owner-only: nothing to say"
        );
    }
}

/// Sets the umask most hosts start with (022), so that a test of a mode squall sets would
/// fail if squall left it to the umask. The umask is process-wide and never restored:
/// 022 is what every other test expects anyway.
#[cfg(all(test, unix))]
pub fn permissive_umask() {
    // SAFETY: umask(2) only swaps the process's creation mask; it cannot fail.
    unsafe {
        libc::umask(0o022);
    }
}
