//! A private LocalStack for integration tests.
//!
//! [`localstack()`] starts one emulator per test binary (installing the pinned LocalStack into
//! `target/emulators/localstack-venv` first, via `scripts/install-localstack.sh`) on a free
//! loopback port, and shares it between all tests of that binary. Tests must therefore use
//! [`unique_name`] for every resource they create.
//!
//! The emulator runs in its own process group and is stopped
//! * when a [`LocalStack`] is dropped (only instances from [`LocalStack::start`]; the shared
//!   one lives in a static, which is never dropped),
//! * at process exit, by an `atexit` handler (covers normal exit and `std::process::exit`),
//! * by a detached watchdog shell that kills the group once the test process is gone, however
//!   it died (covers SIGKILL, aborts, crashes).
//!
//! SDK clients hold connection pools bound to the tokio runtime that created them, and every
//! `#[tokio::test]` has its own runtime: build clients inside each test (`ls.sqs().await`),
//! never share them through statics.

use std::fs;
use std::future::Future;
use std::path::{Path, PathBuf};
use std::process::{Command, ExitStatus};
use std::sync::OnceLock;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::{Duration, Instant, SystemTime, UNIX_EPOCH};

use aws_config::SdkConfig;
use aws_sdk_sqs::error::DisplayErrorContext;
use aws_sdk_sqs::types::{QueueAttributeName, SendMessageBatchRequestEntry};

use super::process::{self, GroupProcess};

/// Region every test client uses.
pub use super::process::REGION;
/// LocalStack's fixed account id (appears in ARNs and queue URLs).
pub const ACCOUNT_ID: &str = "000000000000";

const STARTUP_TIMEOUT: Duration = Duration::from_secs(120);
const START_ATTEMPTS: u32 = 3;

/// A running LocalStack process group.
pub struct LocalStack {
    port: u16,
    process: GroupProcess,
}

static SHARED: OnceLock<LocalStack> = OnceLock::new();

/// The LocalStack shared by all tests of this test binary, started on first use.
///
/// Blocks (a few seconds) the first time; safe to call from any thread or async test.
pub fn localstack() -> &'static LocalStack {
    SHARED.get_or_init(|| {
        let ls = LocalStack::start();
        // SAFETY: registers a plain `extern "C" fn()` that captures nothing.
        if unsafe { libc::atexit(stop_shared_at_exit) } != 0 {
            eprintln!(
                "squall tests: atexit registration failed; the watchdog will stop LocalStack"
            );
        }
        ls
    })
}

extern "C" fn stop_shared_at_exit() {
    // Unwinding out of an `extern "C"` fn aborts; never let a panic escape.
    let _ = std::panic::catch_unwind(|| {
        if let Some(ls) = SHARED.get() {
            ls.stop();
        }
    });
}

impl LocalStack {
    /// Starts a new, private LocalStack (stopped when dropped). Most tests want the shared
    /// [`localstack()`] instead; use this only when a test needs a pristine emulator.
    pub fn start() -> LocalStack {
        let root = process::repo_root();
        process::run_install_script(&root, "install-localstack.sh");
        let venv = venv_dir(&root);
        let logs_dir = process::logs_dir(&root);

        for attempt in 1..=START_ATTEMPTS {
            let ls = LocalStack::spawn(&venv, process::free_port(), &logs_dir);
            match ls.wait_ready(STARTUP_TIMEOUT) {
                Ok(took) => {
                    eprintln!(
                        "squall tests: LocalStack ready at {} in {:.1} s (log: {})",
                        ls.endpoint(),
                        took.as_secs_f64(),
                        ls.log_path().display()
                    );
                    return ls;
                }
                // Most likely somebody else took the port between probing and binding.
                Err(NotReady::Exited(status)) if attempt < START_ATTEMPTS => {
                    eprintln!(
                        "squall tests: LocalStack on port {} exited early ({status}); retrying\n{}",
                        ls.port,
                        ls.log_tail(20)
                    );
                }
                Err(err) => {
                    let tail = ls.log_tail(60);
                    drop(ls);
                    panic!("LocalStack did not become ready: {err}\n{tail}");
                }
            }
        }
        unreachable!("the last attempt either returns or panics")
    }

    fn spawn(venv: &Path, port: u16, logs_dir: &Path) -> LocalStack {
        let python = venv.join("bin/python");
        let state_dir = tempfile::Builder::new()
            .prefix("squall-localstack-")
            .tempdir()
            .expect("creating LocalStack state dir");
        let fs_root = state_dir.path().join("fs");
        link_static_libs(venv, &fs_root);
        let log_path = logs_dir.join(format!("{port}.log"));
        let listen = format!("127.0.0.1:{port}");

        let mut command = Command::new(&python);
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
        let process = GroupProcess::spawn("LocalStack", command, log_path, Some(state_dir));
        LocalStack { port, process }
    }

    fn wait_ready(&self, timeout: Duration) -> Result<Duration, NotReady> {
        let started = Instant::now();
        loop {
            if let Some(status) = self.process.exit_status() {
                return Err(NotReady::Exited(status));
            }
            let last = match health(self.port) {
                Ok(()) => return Ok(started.elapsed()),
                Err(e) => e,
            };
            if started.elapsed() >= timeout {
                return Err(NotReady::Timeout(timeout, last));
            }
            std::thread::sleep(Duration::from_millis(100));
        }
    }

    /// The loopback port LocalStack listens on.
    pub fn port(&self) -> u16 {
        self.port
    }

    /// `http://127.0.0.1:PORT`.
    pub fn endpoint(&self) -> String {
        format!("http://127.0.0.1:{}", self.port)
    }

    /// LocalStack's combined stdout/stderr (`target/emulators/logs/PORT.log`).
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

    /// Stops the process group: SIGTERM, up to 5 s grace, then SIGKILL. Idempotent.
    /// (Also done on drop.)
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
            NotReady::Exited(status) => write!(f, "LocalStack exited during startup ({status})"),
            NotReady::Timeout(t, last) => {
                write!(
                    f,
                    "no healthy answer within {} s (last: {last})",
                    t.as_secs()
                )
            }
        }
    }
}

/// Same rule as scripts/install-localstack.sh: `SQUALL_LOCALSTACK_VENV` (relative to the repo
/// root if relative), else `target/emulators/localstack-venv`.
fn venv_dir(root: &Path) -> PathBuf {
    process::venv_dir(
        root,
        "SQUALL_LOCALSTACK_VENV",
        "target/emulators/localstack-venv",
    )
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

/// One `GET /_localstack/health`; Ok when it answers 200 with SQS available.
fn health(port: u16) -> Result<(), String> {
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

/// Creates a queue (FIFO when `name` ends in `.fifo`) with the given attributes and returns
/// `(queue_url, queue_arn)`.
pub async fn create_queue(
    sqs: &aws_sdk_sqs::Client,
    name: &str,
    attrs: &[(&str, &str)],
) -> (String, String) {
    let mut req = sqs.create_queue().queue_name(name);
    if name.ends_with(".fifo") && !attrs.iter().any(|(k, _)| *k == "FifoQueue") {
        req = req.attributes(QueueAttributeName::FifoQueue, "true");
    }
    for (k, v) in attrs {
        req = req.attributes(QueueAttributeName::from(*k), *v);
    }
    let url = req
        .send()
        .await
        .unwrap_or_else(|e| panic!("CreateQueue {name}: {}", DisplayErrorContext(&e)))
        .queue_url
        .unwrap_or_else(|| panic!("CreateQueue {name}: no QueueUrl"));
    let arn = queue_attribute(sqs, &url, QueueAttributeName::QueueArn)
        .await
        .unwrap_or_else(|| panic!("{url}: no QueueArn"));
    (url, arn)
}

/// Reads one queue attribute (None when the queue does not report it).
pub async fn queue_attribute(
    sqs: &aws_sdk_sqs::Client,
    url: &str,
    name: QueueAttributeName,
) -> Option<String> {
    let out = sqs
        .get_queue_attributes()
        .queue_url(url)
        .attribute_names(name.clone())
        .send()
        .await
        .unwrap_or_else(|e| panic!("GetQueueAttributes {url}: {}", DisplayErrorContext(&e)));
    out.attributes.and_then(|mut a| a.remove(&name))
}

/// Sets the RedrivePolicy of `source_url` to move messages to `dlq_arn` after
/// `max_receive_count` receives.
pub async fn set_redrive(
    sqs: &aws_sdk_sqs::Client,
    source_url: &str,
    dlq_arn: &str,
    max_receive_count: u32,
) {
    let policy = serde_json::json!({
        "deadLetterTargetArn": dlq_arn,
        "maxReceiveCount": max_receive_count,
    })
    .to_string();
    sqs.set_queue_attributes()
        .queue_url(source_url)
        .attributes(QueueAttributeName::RedrivePolicy, policy)
        .send()
        .await
        .unwrap_or_else(|e| {
            panic!(
                "SetQueueAttributes {source_url}: {}",
                DisplayErrorContext(&e)
            )
        });
}

/// Sends `n` messages with bodies `message-0` … `message-{n-1}`, in batches of 10, and returns
/// their message ids in order. For FIFO queues (URL ends in `.fifo`) all messages go to message
/// group `group-0` with unique deduplication ids.
pub async fn send_messages(sqs: &aws_sdk_sqs::Client, url: &str, n: usize) -> Vec<String> {
    static DEDUP: AtomicU64 = AtomicU64::new(0);
    let fifo = url.ends_with(".fifo");
    let mut ids = Vec::with_capacity(n);
    for start in (0..n).step_by(10) {
        let end = (start + 10).min(n);
        let mut req = sqs.send_message_batch().queue_url(url);
        for i in start..end {
            let mut entry = SendMessageBatchRequestEntry::builder()
                .id(format!("m{i}"))
                .message_body(format!("message-{i}"));
            if fifo {
                let dedup = DEDUP.fetch_add(1, Ordering::Relaxed);
                entry = entry
                    .message_group_id("group-0")
                    .message_deduplication_id(format!("{}-{dedup}", std::process::id()));
            }
            req = req.entries(entry.build().expect("batch entry"));
        }
        let out = req
            .send()
            .await
            .unwrap_or_else(|e| panic!("SendMessageBatch {url}: {}", DisplayErrorContext(&e)));
        assert!(
            out.failed.is_empty(),
            "SendMessageBatch {url}: failures {:?}",
            out.failed
        );
        let mut ok = out.successful;
        // Entries may come back in any order; ids are `m{i}`.
        ok.sort_by_key(|e| e.id[1..].parse::<usize>().unwrap_or(usize::MAX));
        ids.extend(ok.into_iter().map(|e| e.message_id));
    }
    ids
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
