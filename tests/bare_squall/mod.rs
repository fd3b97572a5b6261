//! The built `squall` binary with an environment that has no AWS settings at all and a home
//! of its own: how the CLI tests meet squall as a user on a fresh machine would.

use assert_cmd::Command;

/// squall with an environment that has no AWS settings at all, and a home of its own.
pub fn squall(home: &tempfile::TempDir) -> Command {
    let mut cmd = Command::cargo_bin("squall").expect("binary");
    cmd.env_clear()
        .env("HOME", home.path())
        .env("XDG_CONFIG_HOME", home.path().join(".config"))
        .env("AWS_CONFIG_FILE", home.path().join("aws-config"))
        .env(
            "AWS_SHARED_CREDENTIALS_FILE",
            home.path().join("aws-credentials"),
        )
        .env("AWS_EC2_METADATA_DISABLED", "true");
    cmd
}
