//! The built `squall` binary run the way a user runs it against an emulator: endpoint and
//! region on the command line, test credentials in the environment, and nothing from the AWS
//! settings or the home directory of whoever runs the tests.

use super::emulator::{Emulator, REGION};

/// Runs `squall --endpoint-url ENDPOINT --region us-east-1 ARGS…` against `emulator` and
/// returns the (stdout, stderr) of a successful run; any other run fails the test with both.
pub async fn run_squall<S>(emulator: &Emulator<S>, args: &[&str]) -> (String, String) {
    let (code, stdout, stderr) = run_squall_status(emulator, args).await;
    assert!(
        code == 0,
        "squall {args:?} against {}: exit {code}\nstdout:\n{stdout}\nstderr:\n{stderr}",
        emulator.endpoint(),
    );
    (stdout, stderr)
}

/// Like [`run_squall`], but for verbs whose exit code carries a result (`squall doctor`,
/// `squall health`, an incomplete `squall metrics`): returns `(exit code, stdout, stderr)`
/// and fails only if squall did not exit normally.
pub async fn run_squall_status<S>(emulator: &Emulator<S>, args: &[&str]) -> (i32, String, String) {
    run_squall_at(&emulator.endpoint(), args).await
}

/// [`run_squall_status`] against any endpoint (a proxy in front of an emulator).
pub async fn run_squall_at(endpoint: &str, args: &[&str]) -> (i32, String, String) {
    let home = tempfile::tempdir().expect("tempdir");
    let mut command = tokio::process::Command::new(env!("CARGO_BIN_EXE_squall"));
    for (name, _) in std::env::vars_os() {
        if name.to_string_lossy().starts_with("AWS_") {
            command.env_remove(name);
        }
    }
    let output = command
        .args(["--endpoint-url", endpoint, "--region", REGION])
        .args(args)
        .env("HOME", home.path())
        .env_remove("XDG_CONFIG_HOME")
        .env("AWS_ACCESS_KEY_ID", "test")
        .env("AWS_SECRET_ACCESS_KEY", "test")
        .env("AWS_EC2_METADATA_DISABLED", "true")
        .kill_on_drop(true)
        .output()
        .await
        .expect("running squall");
    let stdout = String::from_utf8_lossy(&output.stdout).into_owned();
    let stderr = String::from_utf8_lossy(&output.stderr).into_owned();
    let code = output
        .status
        .code()
        .unwrap_or_else(|| panic!("squall {args:?} was killed\nstderr:\n{stderr}"));
    (code, stdout, stderr)
}
