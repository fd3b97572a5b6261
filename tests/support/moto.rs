//! A private moto server for compatibility tests.
//!
//! [`moto()`] starts one `moto_server` per test binary (installing the pinned moto into
//! `target/emulators/moto-venv` first, via `scripts/install-moto.sh`) on a free loopback port,
//! and shares it between all tests of that binary. Tests must therefore use unique names for
//! every resource they create.
//!
//! Like the LocalStack harness, the server runs in its own process group and is stopped when a
//! [`Moto`] from [`Moto::start`] is dropped, at process exit (`atexit`, for the shared one), and
//! by a watchdog once the test process is gone, however it died.
//!
//! moto facts (5.2.5): account 123456789012; queue URLs `http://127.0.0.1:PORT/ACCOUNT/NAME`;
//! CreateFunction needs an IAM role that exists in moto ([`Moto::create_role`]), and then
//! functions are `Active` at once; event source mappings work. SDK clients are bound to the
//! tokio runtime that created them: build them inside each test.

use std::path::{Path, PathBuf};
use std::process::{Command, ExitStatus};
use std::sync::OnceLock;
use std::time::{Duration, Instant};

use aws_config::SdkConfig;

use super::process::{self, GroupProcess};

/// moto's default account id (appears in ARNs and queue URLs).
pub const MOTO_ACCOUNT_ID: &str = "123456789012";

const STARTUP_TIMEOUT: Duration = Duration::from_secs(30);
const START_ATTEMPTS: u32 = 3;

/// A running `moto_server`.
pub struct Moto {
    port: u16,
    process: GroupProcess,
}

static SHARED: OnceLock<Moto> = OnceLock::new();

/// The moto server shared by all tests of this test binary, started on first use.
///
/// Blocks (about half a second) the first time; safe to call from any thread or async test.
pub fn moto() -> &'static Moto {
    SHARED.get_or_init(|| {
        let moto = Moto::start();
        // SAFETY: registers a plain `extern "C" fn()` that captures nothing.
        if unsafe { libc::atexit(stop_shared_at_exit) } != 0 {
            eprintln!("squall tests: atexit registration failed; the watchdog will stop moto");
        }
        moto
    })
}

extern "C" fn stop_shared_at_exit() {
    // Unwinding out of an `extern "C"` fn aborts; never let a panic escape.
    let _ = std::panic::catch_unwind(|| {
        if let Some(moto) = SHARED.get() {
            moto.stop();
        }
    });
}

impl Moto {
    /// Starts a new, private moto server (stopped when dropped). Most tests want the shared
    /// [`moto()`] instead.
    pub fn start() -> Moto {
        let root = process::repo_root();
        process::run_install_script(&root, "install-moto.sh");
        let venv = venv_dir(&root);
        let logs_dir = process::logs_dir(&root);

        for attempt in 1..=START_ATTEMPTS {
            let moto = Moto::spawn(&venv, process::free_port(), &logs_dir);
            match moto.wait_ready(STARTUP_TIMEOUT) {
                Ok(took) => {
                    eprintln!(
                        "squall tests: moto ready at {} in {:.1} s (log: {})",
                        moto.endpoint(),
                        took.as_secs_f64(),
                        moto.log_path().display()
                    );
                    return moto;
                }
                // Most likely somebody else took the port between probing and binding.
                Err(NotReady::Exited(status)) if attempt < START_ATTEMPTS => {
                    eprintln!(
                        "squall tests: moto on port {} exited early ({status}); retrying\n{}",
                        moto.port,
                        moto.log_tail(20)
                    );
                }
                Err(err) => {
                    let tail = moto.log_tail(60);
                    drop(moto);
                    panic!("moto did not become ready: {err}\n{tail}");
                }
            }
        }
        unreachable!("the last attempt either returns or panics")
    }

    fn spawn(venv: &Path, port: u16, logs_dir: &Path) -> Moto {
        let log_path = logs_dir.join(format!("moto-{port}.log"));
        let mut command = Command::new(venv.join("bin/moto_server"));
        command
            .args(["-H", "127.0.0.1", "-p", &port.to_string()])
            // Keep moto away from any real AWS configuration of the user running the tests.
            .env_remove("AWS_PROFILE")
            .env_remove("AWS_CONFIG_FILE")
            .env_remove("AWS_SHARED_CREDENTIALS_FILE");
        let process = GroupProcess::spawn("moto", command, log_path, None);
        Moto { port, process }
    }

    fn wait_ready(&self, timeout: Duration) -> Result<Duration, NotReady> {
        let started = Instant::now();
        loop {
            if let Some(status) = self.process.exit_status() {
                return Err(NotReady::Exited(status));
            }
            // Any HTTP answer to `GET /` means the server is up (moto answers it as S3
            // ListBuckets).
            let last = match process::http_request(self.port, "GET", "/", &[], b"") {
                Ok(_) => return Ok(started.elapsed()),
                Err(e) => e,
            };
            if started.elapsed() >= timeout {
                return Err(NotReady::Timeout(timeout, last));
            }
            std::thread::sleep(Duration::from_millis(50));
        }
    }

    /// The loopback port moto listens on.
    pub fn port(&self) -> u16 {
        self.port
    }

    /// `http://127.0.0.1:PORT`.
    pub fn endpoint(&self) -> String {
        format!("http://127.0.0.1:{}", self.port)
    }

    /// moto's combined stdout/stderr (`target/emulators/logs/moto-PORT.log`).
    pub fn log_path(&self) -> &Path {
        self.process.log_path()
    }

    /// The last `lines` lines of the log, with a header, for failure messages.
    pub fn log_tail(&self, lines: usize) -> String {
        self.process.log_tail(lines)
    }

    /// SDK configuration pointing at this server: region us-east-1, static credentials
    /// `test`/`test`, latest behavior version.
    pub async fn sdk_config(&self) -> SdkConfig {
        process::emulator_sdk_config(self.endpoint()).await
    }

    pub async fn sqs(&self) -> aws_sdk_sqs::Client {
        aws_sdk_sqs::Client::new(&self.sdk_config().await)
    }

    pub async fn sns(&self) -> aws_sdk_sns::Client {
        aws_sdk_sns::Client::new(&self.sdk_config().await)
    }

    pub async fn lambda(&self) -> aws_sdk_lambda::Client {
        aws_sdk_lambda::Client::new(&self.sdk_config().await)
    }

    pub async fn cloudwatch(&self) -> aws_sdk_cloudwatch::Client {
        aws_sdk_cloudwatch::Client::new(&self.sdk_config().await)
    }

    /// Creates an IAM role in moto (which checks that a function's role exists) and returns
    /// its ARN. There is no IAM SDK crate among the dependencies, so this is one raw IAM query
    /// request; moto routes it by the credential scope and does not check the signature.
    pub fn create_role(&self, name: &str) -> String {
        let trust = r#"{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"Service":"lambda.amazonaws.com"},"Action":"sts:AssumeRole"}]}"#;
        let body = format!(
            "Action=CreateRole&Version=2010-05-08&RoleName={}&AssumeRolePolicyDocument={}",
            form_encode(name),
            form_encode(trust)
        );
        let (status, response) = process::http_request(
            self.port,
            "POST",
            "/",
            &[
                (
                    "Content-Type",
                    "application/x-www-form-urlencoded; charset=utf-8",
                ),
                (
                    "Authorization",
                    "AWS4-HMAC-SHA256 Credential=test/20250101/us-east-1/iam/aws4_request, \
                     SignedHeaders=host, Signature=0",
                ),
            ],
            body.as_bytes(),
        )
        .unwrap_or_else(|e| panic!("IAM CreateRole {name}: {e}"));
        let arn = format!("arn:aws:iam::{MOTO_ACCOUNT_ID}:role/{name}");
        assert!(
            status == 200 && response.contains(&format!("<Arn>{arn}</Arn>")),
            "IAM CreateRole {name}: HTTP {status}: {response}"
        );
        arn
    }

    /// Stops the server: SIGTERM, up to 5 s grace, then SIGKILL. Idempotent. (Also done on
    /// drop.)
    pub fn stop(&self) {
        self.process.stop();
    }
}

#[derive(Debug)]
enum NotReady {
    Exited(ExitStatus),
    Timeout(Duration, String),
}

impl std::fmt::Display for NotReady {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            NotReady::Exited(status) => write!(f, "moto_server exited during startup ({status})"),
            NotReady::Timeout(t, last) => {
                write!(f, "no HTTP answer within {} s (last: {last})", t.as_secs())
            }
        }
    }
}

/// Same rule as scripts/install-moto.sh: `SQUALL_MOTO_VENV` (relative to the repo root if
/// relative), else `target/emulators/moto-venv`.
fn venv_dir(root: &Path) -> PathBuf {
    process::venv_dir(root, "SQUALL_MOTO_VENV", "target/emulators/moto-venv")
}

/// `application/x-www-form-urlencoded` value encoding.
fn form_encode(s: &str) -> String {
    s.bytes()
        .map(|b| match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'_' | b'.' | b'~' => {
                char::from(b).to_string()
            }
            _ => format!("%{b:02X}"),
        })
        .collect()
}
