//! Operating-system plumbing for emulator processes: a free loopback port, a process group that
//! is always stopped (explicitly, or by a watchdog once the test process is gone), and a minimal
//! HTTP/1.0 client for readiness probes and the odd raw request.
//!
//! Used by [`super::emulator`], which knows nothing of signals and sockets.

use std::fs::{self, File};
use std::io::{Read, Write};
use std::net::{SocketAddr, TcpListener, TcpStream};
use std::os::unix::process::CommandExt;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, ExitStatus, Stdio};
use std::sync::{Mutex, PoisonError};
use std::time::{Duration, Instant};

const STOP_GRACE: Duration = Duration::from_secs(5);

/// A child process leading its own process group (it may spawn children), watched by a
/// detached watchdog, with its stdout/stderr in a log file.
///
/// Stopped by [`GroupProcess::stop`] or on drop; if the test process dies first, the watchdog
/// kills the group (and removes the state dir, if any).
pub struct GroupProcess {
    pgid: i32,
    log_path: PathBuf,
    running: Mutex<Option<Running>>,
}

struct Running {
    child: Child,
    watchdog: Option<Child>,
    /// Removed when stopped (by us, or by the watchdog).
    _state_dir: Option<tempfile::TempDir>,
}

impl GroupProcess {
    /// Spawns `command` (stdin null, stdout and stderr to `log_path`) as the leader of a new
    /// process group, plus its watchdog. `what` names it in messages.
    pub fn spawn(
        what: &str,
        mut command: Command,
        log_path: PathBuf,
        state_dir: Option<tempfile::TempDir>,
    ) -> GroupProcess {
        let log = File::create(&log_path)
            .unwrap_or_else(|e| panic!("creating {}: {e}", log_path.display()));
        let log_err = log.try_clone().expect("cloning log file handle");
        let child = command
            .stdin(Stdio::null())
            .stdout(log)
            .stderr(log_err)
            .process_group(0)
            .spawn()
            .unwrap_or_else(|e| panic!("starting {what} ({command:?}): {e}"));
        let pgid = i32::try_from(child.id()).expect("pid fits in i32");
        let watchdog = spawn_watchdog(what, pgid, state_dir.as_ref().map(|d| d.path()));
        GroupProcess {
            pgid,
            log_path,
            running: Mutex::new(Some(Running {
                child,
                watchdog,
                _state_dir: state_dir,
            })),
        }
    }

    /// The exit status, if the group leader has exited.
    pub fn exit_status(&self) -> Option<ExitStatus> {
        let mut guard = self.running.lock().unwrap_or_else(PoisonError::into_inner);
        guard
            .as_mut()
            .and_then(|r| r.child.try_wait().ok().flatten())
    }

    /// The combined stdout/stderr log.
    pub fn log_path(&self) -> &Path {
        &self.log_path
    }

    /// The last `lines` lines of the log, with a header, for failure messages.
    pub fn log_tail(&self, lines: usize) -> String {
        let text = fs::read_to_string(&self.log_path).unwrap_or_default();
        let all: Vec<&str> = text.lines().collect();
        let tail = all[all.len().saturating_sub(lines)..].join("\n");
        format!(
            "--- last {lines} lines of {} ---\n{tail}",
            self.log_path.display()
        )
    }

    /// Stops the process group: SIGTERM, up to 5 s grace, then SIGKILL. Idempotent.
    pub fn stop(&self) {
        let mut guard = self.running.lock().unwrap_or_else(PoisonError::into_inner);
        let Some(mut running) = guard.take() else {
            return;
        };
        signal_group(self.pgid, libc::SIGTERM);
        let deadline = Instant::now() + STOP_GRACE;
        let mut leader_exited = false;
        loop {
            if !leader_exited {
                leader_exited = !matches!(running.child.try_wait(), Ok(None));
            }
            if leader_exited && !group_has_live_members(self.pgid) {
                break;
            }
            if Instant::now() >= deadline {
                signal_group(self.pgid, libc::SIGKILL);
                let _ = running.child.wait();
                break;
            }
            std::thread::sleep(Duration::from_millis(50));
        }
        // The process is gone: retire the watchdog so it can never signal a reused pgid.
        if let Some(mut watchdog) = running.watchdog.take() {
            let _ = watchdog.kill();
            let _ = watchdog.wait();
        }
        // `running` (and with it the state dir) is dropped here.
    }
}

impl Drop for GroupProcess {
    fn drop(&mut self) {
        self.stop();
    }
}

/// A loopback port that was free a moment ago (callers retry if somebody takes it meanwhile).
pub fn free_port() -> u16 {
    let listener = TcpListener::bind("127.0.0.1:0").expect("binding a probe port on 127.0.0.1");
    listener.local_addr().expect("probe port address").port()
}

/// One HTTP/1.0 request to `127.0.0.1:port`; returns the status code and the body.
pub fn http_request(
    port: u16,
    method: &str,
    path: &str,
    headers: &[(&str, &str)],
    body: &[u8],
) -> Result<(u16, String), String> {
    let addr = SocketAddr::from(([127, 0, 0, 1], port));
    let mut stream =
        TcpStream::connect_timeout(&addr, Duration::from_secs(1)).map_err(|e| e.to_string())?;
    stream
        .set_read_timeout(Some(Duration::from_secs(5)))
        .and_then(|()| stream.set_write_timeout(Some(Duration::from_secs(5))))
        .map_err(|e| e.to_string())?;
    let mut request = format!("{method} {path} HTTP/1.0\r\nHost: 127.0.0.1:{port}\r\n");
    for (name, value) in headers {
        request.push_str(&format!("{name}: {value}\r\n"));
    }
    request.push_str(&format!("Content-Length: {}\r\n\r\n", body.len()));
    stream
        .write_all(request.as_bytes())
        .and_then(|()| stream.write_all(body))
        .map_err(|e| e.to_string())?;
    let mut response = Vec::new();
    stream
        .read_to_end(&mut response)
        .map_err(|e| e.to_string())?;
    let response = String::from_utf8_lossy(&response);
    let (head, body) = response
        .split_once("\r\n\r\n")
        .ok_or_else(|| format!("malformed response: {response:?}"))?;
    let status_line = head.lines().next().unwrap_or_default();
    let status = status_line
        .split_whitespace()
        .nth(1)
        .and_then(|s| s.parse::<u16>().ok())
        .ok_or_else(|| format!("bad status line: {status_line:?}"))?;
    Ok((status, body.to_string()))
}

/// Starts a detached shell (own process group, so terminal signals to the test don't reach it)
/// that waits for this test process to disappear, then kills the emulator's group and removes
/// its state dir. The normal path (`stop`) kills the watchdog first.
///
/// `kill -SIG -PGID`, not `kill -SIG -- -PGID`: dash (Debian's `sh`) rejects the `--`.
fn spawn_watchdog(what: &str, pgid: i32, state_dir: Option<&Path>) -> Option<Child> {
    let me = std::process::id();
    let cleanup = state_dir
        .map(|dir| format!("; rm -rf {}", shell_quote(&dir.to_string_lossy())))
        .unwrap_or_default();
    let script = format!(
        "while kill -0 {me} 2>/dev/null; do sleep 1; done; \
         kill -TERM -{pgid} 2>/dev/null; sleep 3; kill -KILL -{pgid} 2>/dev/null{cleanup}"
    );
    match Command::new("sh")
        .arg("-c")
        .arg(script)
        .stdin(Stdio::null())
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .process_group(0)
        .spawn()
    {
        Ok(child) => Some(child),
        Err(e) => {
            eprintln!("squall tests: could not start the {what} watchdog: {e}");
            None
        }
    }
}

fn shell_quote(s: &str) -> String {
    format!("'{}'", s.replace('\'', r"'\''"))
}

fn signal_group(pgid: i32, signal: i32) {
    // SAFETY: kill(2) has no memory-safety preconditions.
    unsafe {
        libc::kill(-pgid, signal);
    }
}

/// Whether any non-zombie process is left in the group. (`kill(-pgid, 0)` alone also counts
/// zombies, and orphaned zombies may never be reaped when PID 1 is not an init.)
fn group_has_live_members(pgid: i32) -> bool {
    // SAFETY: kill(2) with signal 0 only checks for existence/permission.
    if unsafe { libc::kill(-pgid, 0) } != 0 {
        return false;
    }
    let Ok(entries) = fs::read_dir("/proc") else {
        return true;
    };
    entries.flatten().any(|entry| {
        let Ok(stat) = fs::read_to_string(entry.path().join("stat")) else {
            return false;
        };
        // Fields after the parenthesised command: state ppid pgrp ...
        let Some((_, rest)) = stat.rsplit_once(')') else {
            return false;
        };
        let mut fields = rest.split_whitespace();
        let state = fields.next();
        let pgrp = fields.nth(1);
        state != Some("Z") && pgrp == Some(pgid.to_string().as_str())
    })
}
