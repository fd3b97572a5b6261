//! A private LocalStack for integration tests: what LocalStack needs that other emulators do
//! not (its environment, a state directory, a pre-built service catalog, a health endpoint).
//! Starting, sharing and stopping are [`super::emulator`]'s.
//!
//! [`localstack()`] is the one LocalStack of a test binary, installed into
//! `target/emulators/localstack-venv` by `scripts/install-localstack.sh` on first use.

use std::fs;
use std::path::Path;
use std::process::Command;
use std::sync::OnceLock;
use std::time::Duration;

use super::emulator::{self, Emulator, EmulatorSpec, Launch};
use super::process;

/// LocalStack's fixed account id (appears in ARNs and queue URLs).
pub const ACCOUNT_ID: &str = "000000000000";

/// A running LocalStack.
pub type LocalStack = Emulator<LocalStackSpec>;

static SHARED: OnceLock<LocalStack> = OnceLock::new();

/// The LocalStack shared by all tests of this test binary, started on first use (a few
/// seconds).
pub fn localstack() -> &'static LocalStack {
    emulator::shared(&SHARED)
}

pub struct LocalStackSpec;

impl EmulatorSpec for LocalStackSpec {
    const NAME: &'static str = "LocalStack";
    const INSTALL_SCRIPT: &'static str = "install-localstack.sh";
    const VENV_VAR: &'static str = "SQUALL_LOCALSTACK_VENV";
    const DEFAULT_VENV: &'static str = "target/emulators/localstack-venv";
    const STARTUP_TIMEOUT: Duration = Duration::from_secs(120);

    fn launch(venv: &Path, port: u16) -> Launch {
        let state_dir = tempfile::Builder::new()
            .prefix("squall-localstack-")
            .tempdir()
            .expect("creating LocalStack state dir");
        let fs_root = state_dir.path().join("fs");
        link_static_libs(venv, &fs_root);
        let listen = format!("127.0.0.1:{port}");

        let mut command = Command::new(venv.join("bin/python"));
        command
            .args(["-m", "localstack.runtime.main"])
            .env("GATEWAY_LISTEN", &listen)
            .env("LOCALSTACK_HOST", &listen)
            .env("SQS_ENDPOINT_STRATEGY", "path")
            .env("DNS_ADDRESS", "0")
            .env("LOCALSTACK_VOLUME_DIR", state_dir.path())
            .env("SQS_CLOUDWATCH_METRICS_REPORT_INTERVAL", "60")
            // Run in "host mode" with every directory under our temp dir, also when the tests
            // themselves run inside a container (otherwise LocalStack would use the shared
            // /var/lib/localstack and /tmp/localstack).
            .env("OVERRIDE_IN_DOCKER", "0")
            .env("FILESYSTEM_ROOT", &fs_root)
            // No network calls home: no analytics, no certificate download.
            .env("DISABLE_EVENTS", "1")
            .env("SKIP_SSL_CERT_DOWNLOAD", "1")
            .current_dir(state_dir.path());
        Launch {
            command,
            state_dir: Some(state_dir),
        }
    }

    /// `GET /_localstack/health`: ready when it answers 200 with SQS available.
    fn probe(port: u16) -> Result<(), String> {
        let (status, body) = process::http_request(
            port,
            "GET",
            "/_localstack/health",
            &[("Accept", "application/json")],
            b"",
        )?;
        if status != 200 {
            return Err(format!("status: {status}"));
        }
        let json: serde_json::Value =
            serde_json::from_str(&body).map_err(|e| format!("bad health JSON ({e}): {body}"))?;
        match json.pointer("/services/sqs").and_then(|v| v.as_str()) {
            Some("available" | "running") => Ok(()),
            other => Err(format!("sqs not available yet: {other:?}")),
        }
    }
}

/// Links the service catalog index pre-built by the installer into the emulator's static-libs
/// dir, so it is loaded instead of being rebuilt (~3 s) on the first request. Best effort.
fn link_static_libs(venv: &Path, fs_root: &Path) {
    let Ok(entries) = fs::read_dir(venv.join("squall-static")) else {
        return;
    };
    let static_libs = fs_root.join("usr/lib/localstack");
    if fs::create_dir_all(&static_libs).is_err() {
        return;
    }
    for entry in entries.flatten() {
        let _ = std::os::unix::fs::symlink(entry.path(), static_libs.join(entry.file_name()));
    }
}
