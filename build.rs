//! Build facts for `squall --version`: the commit the binary was built from and the target
//! triple. Outside a git checkout (a source tarball) the commit is "unknown".

use std::path::{Path, PathBuf};
use std::process::Command;

fn main() {
    let target = std::env::var("TARGET").unwrap_or_else(|_| "unknown".to_string());
    println!("cargo:rustc-env=SQUALL_BUILD_TARGET={target}");
    println!("cargo:rustc-env=SQUALL_BUILD_COMMIT={}", commit());
    // Rebuild when HEAD moves (a commit, a checkout), not on every source change.
    println!("cargo:rerun-if-changed=build.rs");
    for path in git_files_that_move_with_head() {
        println!("cargo:rerun-if-changed={}", path.display());
    }
}

/// The short hash of HEAD. (No "modified" mark: this script reruns when HEAD moves, not on
/// every edit, so such a mark would go stale; scripts/dist refuses a modified tree instead.)
fn commit() -> String {
    git(&["rev-parse", "--short=12", "HEAD"]).unwrap_or_else(|| "unknown".to_string())
}

/// HEAD, the branch ref it points to and packed-refs: whichever of them exist (cargo reruns a
/// build script on every build when a watched path is missing).
fn git_files_that_move_with_head() -> Vec<PathBuf> {
    let mut paths = Vec::new();
    if let Some(git_dir) = git(&["rev-parse", "--git-dir"]) {
        paths.push(Path::new(&git_dir).join("HEAD"));
    }
    if let Some(common) = git(&["rev-parse", "--git-common-dir"]) {
        let common = PathBuf::from(common);
        paths.push(common.join("packed-refs"));
        if let Some(branch) = git(&["symbolic-ref", "-q", "HEAD"]) {
            paths.push(common.join(branch));
        }
    }
    paths.into_iter().filter(|path| path.exists()).collect()
}

/// A git command's trimmed stdout, run in the crate's directory; None when git is missing or
/// this is no checkout.
fn git(args: &[&str]) -> Option<String> {
    let dir = std::env::var("CARGO_MANIFEST_DIR").ok()?;
    let output = Command::new("git")
        .args(args)
        .current_dir(dir)
        .output()
        .ok()?;
    if !output.status.success() {
        return None;
    }
    Some(String::from_utf8_lossy(&output.stdout).trim().to_string())
}
