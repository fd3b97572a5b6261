//! One emulator server for integration tests, whichever emulator it is: installed by its
//! script, started on a free loopback port (again on another port if somebody took that one
//! meanwhile), polled until ready, handed out as SDK clients, and always stopped.
//!
//! What differs between emulators is an [`EmulatorSpec`]: see [`super::localstack`] and
//! [`super::moto`]. Everything else lives here once.
//!
//! An emulator runs in its own process group and is stopped
//! * when an [`Emulator`] from [`Emulator::start`] is dropped,
//! * at process exit, for the one shared by a test binary ([`shared`]; statics are never
//!   dropped), by an `atexit` handler (covers normal exit and `std::process::exit`),
//! * by a detached watchdog shell once the test process is gone, however it died (SIGKILL,
//!   abort, crash).
//!
//! The shared emulator serves every test of a binary: tests must use [`unique_name`] for every
//! resource they create. SDK clients hold connection pools bound to the tokio runtime that
//! created them, and every `#[tokio::test]` has its own runtime: build clients inside each test
//! (`emulator.sqs().await`), never share them through statics.

use std::future::Future;
use std::marker::PhantomData;
use std::path::{Path, PathBuf};
use std::process::{Command, ExitStatus, Stdio};
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Mutex, Once, OnceLock, PoisonError};
use std::time::{Duration, Instant, SystemTime, UNIX_EPOCH};

use aws_config::SdkConfig;
use aws_config::retry::RetryConfig;

use super::process::{self, GroupProcess};

/// The region every emulator test uses.
pub const REGION: &str = "us-east-1";

const START_ATTEMPTS: u32 = 3;
const READY_POLL: Duration = Duration::from_millis(50);

/// What one emulator does differently from another.
pub trait EmulatorSpec {
    /// Names the emulator in messages; lower-cased, it names the log files.
    const NAME: &'static str;
    /// The idempotent installer under `scripts/`.
    const INSTALL_SCRIPT: &'static str;
    /// The environment variable that overrides the venv, and the venv otherwise (relative to
    /// the repo root): the install script's rule.
    const VENV_VAR: &'static str;
    const DEFAULT_VENV: &'static str;
    /// How long a start may take before it counts as failed.
    const STARTUP_TIMEOUT: Duration;

    /// The server, to listen on `127.0.0.1:port`, run from the installed `venv`.
    fn launch(venv: &Path, port: u16) -> Launch;

    /// One readiness probe: Ok once the server on `port` serves, else what it answered.
    fn probe(port: u16) -> Result<(), String>;
}

/// A command to start, and the state directory it writes to (removed once it is stopped).
pub struct Launch {
    pub command: Command,
    pub state_dir: Option<tempfile::TempDir>,
}

/// A running emulator of kind `S`.
pub struct Emulator<S> {
    port: u16,
    process: GroupProcess,
    spec: PhantomData<fn() -> S>,
}

/// The emulator kept in `cell`, started on first use and stopped at process exit.
///
/// Blocks while it starts; safe to call from any thread or async test.
pub fn shared<S: EmulatorSpec>(cell: &'static OnceLock<Emulator<S>>) -> &'static Emulator<S> {
    let mut started_here = false;
    let emulator = cell.get_or_init(|| {
        started_here = true;
        Emulator::start()
    });
    if started_here {
        stop_at_exit(&emulator.process);
    }
    emulator
}

impl<S: EmulatorSpec> Emulator<S> {
    /// Installs (when needed) and starts a private emulator, stopped when dropped. Most tests
    /// want the binary's shared one instead; this is for a test that needs a pristine server.
    pub fn start() -> Emulator<S> {
        let root = repo_root();
        run_install_script(&root, S::INSTALL_SCRIPT);
        let venv = venv_dir(&root, S::VENV_VAR, S::DEFAULT_VENV);
        let logs_dir = logs_dir(&root);

        for attempt in 1..=START_ATTEMPTS {
            let port = process::free_port();
            let launch = S::launch(&venv, port);
            let log_path = logs_dir.join(format!("{}-{port}.log", S::NAME.to_lowercase()));
            let process = GroupProcess::spawn(S::NAME, launch.command, log_path, launch.state_dir);
            let emulator = Emulator {
                port,
                process,
                spec: PhantomData,
            };
            match emulator.wait_ready() {
                Ok(took) => {
                    eprintln!(
                        "squall tests: {} ready at {} in {:.1} s (log: {})",
                        S::NAME,
                        emulator.endpoint(),
                        took.as_secs_f64(),
                        emulator.log_path().display()
                    );
                    return emulator;
                }
                // Most likely somebody else took the port between probing and binding.
                Err(NotReady::Exited(status)) if attempt < START_ATTEMPTS => {
                    eprintln!(
                        "squall tests: {} on port {port} exited early ({status}); retrying\n{}",
                        S::NAME,
                        emulator.log_tail(20)
                    );
                }
                Err(err) => {
                    let tail = emulator.log_tail(60);
                    drop(emulator);
                    panic!("{} did not become ready: {err}\n{tail}", S::NAME);
                }
            }
        }
        unreachable!("the last attempt either returns or panics")
    }

    fn wait_ready(&self) -> Result<Duration, NotReady> {
        let started = Instant::now();
        loop {
            if let Some(status) = self.process.exit_status() {
                return Err(NotReady::Exited(status));
            }
            let last = match S::probe(self.port) {
                Ok(()) => return Ok(started.elapsed()),
                Err(e) => e,
            };
            if started.elapsed() >= S::STARTUP_TIMEOUT {
                return Err(NotReady::Timeout(S::STARTUP_TIMEOUT, last));
            }
            std::thread::sleep(READY_POLL);
        }
    }
}

impl<S> Emulator<S> {
    /// The loopback port the emulator listens on.
    pub fn port(&self) -> u16 {
        self.port
    }

    /// `http://127.0.0.1:PORT`.
    pub fn endpoint(&self) -> String {
        format!("http://127.0.0.1:{}", self.port)
    }

    /// The emulator's combined stdout/stderr (`target/emulators/logs/NAME-PORT.log`).
    pub fn log_path(&self) -> &Path {
        self.process.log_path()
    }

    /// The last `lines` lines of the log, with a header, for failure messages.
    pub fn log_tail(&self, lines: usize) -> String {
        self.process.log_tail(lines)
    }

    /// SDK configuration pointing at this emulator: region us-east-1, static credentials
    /// `test`/`test`, latest behavior version.
    pub async fn sdk_config(&self) -> SdkConfig {
        sdk_config_loader(self.endpoint()).load().await
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

    /// Stops the process group: SIGTERM, up to 5 s grace, then SIGKILL. Idempotent. (Also
    /// done on drop.)
    pub fn stop(&self) {
        self.process.stop();
    }
}

/// SDK configuration for a loopback port nothing listens on, with retries off: every call
/// fails at once with a connection error.
pub async fn unreachable_sdk_config() -> SdkConfig {
    let endpoint = format!("http://127.0.0.1:{}", process::free_port());
    sdk_config_loader(endpoint)
        .retry_config(RetryConfig::disabled())
        .load()
        .await
}

/// SDK configuration for any loopback endpoint (a test's own server or proxy).
pub async fn emulator_sdk_config(endpoint: String) -> SdkConfig {
    sdk_config_loader(endpoint).load().await
}

fn sdk_config_loader(endpoint: String) -> aws_config::ConfigLoader {
    aws_config::defaults(aws_config::BehaviorVersion::latest())
        .region(aws_config::Region::new(REGION))
        .credentials_provider(aws_sdk_sqs::config::Credentials::new(
            "test",
            "test",
            None,
            None,
            "squall-tests",
        ))
        .endpoint_url(endpoint)
}

#[derive(Debug)]
enum NotReady {
    Exited(ExitStatus),
    Timeout(Duration, String),
}

impl std::fmt::Display for NotReady {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            NotReady::Exited(status) => write!(f, "it exited during startup ({status})"),
            NotReady::Timeout(t, last) => {
                write!(f, "not ready within {} s (last: {last})", t.as_secs())
            }
        }
    }
}

/// Shared emulators to stop when the process exits.
static STOP_AT_EXIT: Mutex<Vec<&'static GroupProcess>> = Mutex::new(Vec::new());

fn stop_at_exit(process: &'static GroupProcess) {
    static REGISTER: Once = Once::new();
    REGISTER.call_once(|| {
        // SAFETY: registers a plain `extern "C" fn()` that captures nothing.
        if unsafe { libc::atexit(stop_shared_at_exit) } != 0 {
            eprintln!("squall tests: atexit registration failed; the watchdog will stop emulators");
        }
    });
    STOP_AT_EXIT
        .lock()
        .unwrap_or_else(PoisonError::into_inner)
        .push(process);
}

extern "C" fn stop_shared_at_exit() {
    // Unwinding out of an `extern "C"` fn aborts; never let a panic escape.
    let _ = std::panic::catch_unwind(|| {
        let processes =
            std::mem::take(&mut *STOP_AT_EXIT.lock().unwrap_or_else(PoisonError::into_inner));
        for process in processes {
            process.stop();
        }
    });
}

/// The repository root (where Cargo.toml is).
pub fn repo_root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

/// `target/emulators/logs`, created if missing.
fn logs_dir(root: &Path) -> PathBuf {
    let dir = root.join("target/emulators/logs");
    std::fs::create_dir_all(&dir).unwrap_or_else(|e| panic!("creating {}: {e}", dir.display()));
    dir
}

/// A venv directory from `var` (relative to the repo root if relative), else `default` under
/// the repo root: the same rule as the install scripts (scripts/lib/venv.sh).
fn venv_dir(root: &Path, var: &str, default: &str) -> PathBuf {
    match std::env::var_os(var) {
        Some(v) if !v.is_empty() => root.join(v),
        _ => root.join(default),
    }
}

/// Runs an idempotent install script from `scripts/` (instant when already installed;
/// flock-safe).
fn run_install_script(root: &Path, name: &str) {
    let script = root.join("scripts").join(name);
    let status = Command::new("bash")
        .arg(&script)
        .current_dir(root)
        .stdin(Stdio::null())
        .status()
        .unwrap_or_else(|e| panic!("running {}: {e}", script.display()));
    assert!(status.success(), "{} failed ({status})", script.display());
}

/// A name unique per test and per run, made of SQS-safe characters (ASCII alphanumerics, `-`,
/// `_`), at most 70 characters (room to append `.fifo`): `PREFIX-PID-COUNTER-TIME`.
pub fn unique_name(prefix: &str) -> String {
    static COUNTER: AtomicU64 = AtomicU64::new(0);
    let n = COUNTER.fetch_add(1, Ordering::Relaxed);
    let millis = SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .unwrap_or_default()
        .as_millis();
    // Six base-36 digits of the millisecond clock: wraps every ~25 days.
    let tail = format!(
        "-{}-{n}-{}",
        std::process::id(),
        base36((millis % 36u128.pow(6)) as u64, 6)
    );
    let mut prefix: String = prefix
        .chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() || c == '-' || c == '_' {
                c
            } else {
                '-'
            }
        })
        .collect();
    if prefix.is_empty() {
        prefix.push('t');
    }
    prefix.truncate(70usize.saturating_sub(tail.len()));
    prefix + &tail
}

fn base36(mut v: u64, width: usize) -> String {
    const DIGITS: &[u8; 36] = b"0123456789abcdefghijklmnopqrstuvwxyz";
    let mut out = vec![b'0'; width];
    for slot in out.iter_mut().rev() {
        *slot = DIGITS[(v % 36) as usize];
        v /= 36;
    }
    String::from_utf8(out).expect("ascii")
}

/// Polls `f` every 200 ms until it returns true (→ true) or `timeout` passes (→ false).
pub async fn wait_until<F, Fut>(timeout: Duration, mut f: F) -> bool
where
    F: FnMut() -> Fut,
    Fut: Future<Output = bool>,
{
    let deadline = tokio::time::Instant::now() + timeout;
    loop {
        if f().await {
            return true;
        }
        if tokio::time::Instant::now() >= deadline {
            return false;
        }
        tokio::time::sleep(Duration::from_millis(200)).await;
    }
}
