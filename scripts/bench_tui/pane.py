"""squall in a detached tmux pane of a fixed size, on a private tmux server, and the
process figures read from outside: CPU seconds from /proc, the bytes it writes to its pane."""

import os
import shlex
import subprocess
import sys
import time
from pathlib import Path

CLOCK_TICKS = os.sysconf("SC_CLK_TCK")
RECORDER = Path(__file__).with_name("pane_recorder.py")


def cpu_seconds(pid):
    """User + system CPU seconds of process `pid` (all its threads) so far."""
    with open(f"/proc/{pid}/stat") as f:
        # Fields after the command name (which may hold spaces): state is field 3, so
        # utime (14) and stime (15) are at 11 and 12.
        fields = f.read().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / CLOCK_TICKS


class Tmux:
    """A tmux server of our own (-L), so the user's sessions are never touched."""

    def __init__(self, socket_name, env):
        self.base = ["tmux", "-L", socket_name, "-f", "/dev/null"]
        self.env = env
        self.socket_path = None
        # The server outlives the sessions: one ending while the next starts must not race
        # with the server shutting down.
        self.run("start-server", ";", "set-option", "-g", "exit-empty", "off")

    def run(self, *args):
        result = subprocess.run(self.base + list(args), env=self.env, capture_output=True, text=True)
        if result.returncode != 0:
            raise RuntimeError(f"tmux {' '.join(args)}: {result.stderr.strip()}")
        return result.stdout

    def kill_server(self):
        subprocess.run(self.base + ["kill-server"], env=self.env, capture_output=True)
        if self.socket_path:  # tmux leaves it behind
            Path(self.socket_path).unlink(missing_ok=True)


class Pane:
    """One session running `command` (exec'd, so the pane's process is squall itself)."""

    def __init__(self, tmux, name, command, env, width, height):
        self.tmux = tmux
        self.name = name
        environment = " ".join(shlex.quote(f"{k}={v}") for k, v in env.items())
        tmux.run("new-session", "-d", "-s", name, "-x", str(width), "-y", str(height),
                 f"exec env {environment} {shlex.join(command)}")
        tmux.socket_path = tmux.run("display-message", "-p", "-t", name, "#{socket_path}").strip()
        # Keep the pane after squall exits, so what it printed can be shown.
        tmux.run("set-option", "-t", name, "remain-on-exit", "on")
        self.pid = int(tmux.run("display-message", "-p", "-t", name, "#{pane_pid}").strip())
        self.recording = None
        # Captures go through one control client: fast enough to poll every few ms (a state
        # that lasts one tick, 250 ms, must not be missed).
        self.control = Control(tmux, name)

    def capture(self):
        return self.control.capture()

    def send(self, *keys):
        self.control.send(*keys)

    def alive(self):
        return self.control.command("display-message", "-p", "-t", self.name, "#{pane_dead}").strip() == "0"

    def cpu_seconds(self):
        return cpu_seconds(self.pid)

    def start_recording(self, path: Path):
        """From now on, everything squall writes to its pane goes to `path` (and a log of
        the chunks tmux read, one "seconds bytes" line each, to `path`.chunks)."""
        self.recording = path
        command = shlex.join([sys.executable, "-B", str(RECORDER), str(path)])
        self.tmux.run("pipe-pane", "-o", "-t", self.name, command)

    def stop_recording(self):
        """Stops the pipe and returns (bytes written, chunk times) once the recorder is done."""
        self.tmux.run("pipe-pane", "-t", self.name)
        done = self.recording.with_suffix(".done")
        deadline = time.monotonic() + 5
        while not done.exists() and time.monotonic() < deadline:
            time.sleep(0.02)
        chunks = [line.split() for line in self.recording.with_suffix(".chunks").read_text().splitlines()]
        return self.recording.stat().st_size, [float(t) for t, _ in chunks]

    def kill(self):
        self.control.close()
        self.tmux.run("kill-session", "-t", self.name)

    def wait_for(self, predicate, timeout, interval=0.01, what="the pane"):
        """Captures the pane until predicate(text) holds; returns that text."""
        deadline = time.monotonic() + timeout
        while True:
            text = self.capture()
            if predicate(text):
                return text
            if not self.alive():
                raise RuntimeError(f"squall exited while waiting for {what}; its pane:\n{text}")
            if time.monotonic() >= deadline:
                raise RuntimeError(f"timed out after {timeout} s waiting for {what}; the pane:\n{text}")
            time.sleep(interval)


class Control:
    """One tmux control-mode client (`tmux -C attach`): commands go over its stdin and
    answers come back as %begin/%end blocks. This avoids starting a tmux process per
    capture, which alone takes milliseconds (tens on a busy machine)."""

    def __init__(self, tmux, name):
        self.name = name
        # no-output: no %output stream of the pane; ignore-size: the pane keeps its size.
        self.process = subprocess.Popen(
            tmux.base + ["-C", "attach-session", "-f", "no-output,ignore-size", "-t", name], env=tmux.env,
            stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True, bufsize=1)
        # The attach answers with a block of its own first: read up to a marker of ours.
        self._write("display-message", "-p", "-t", name, "bench-tui-ready")
        while "bench-tui-ready" not in self._block():
            pass

    def command(self, *args):
        self._write(*args)
        return self._block()

    def _write(self, *args):
        self.process.stdin.write(" ".join(shlex.quote(a) for a in args) + "\n")
        self.process.stdin.flush()

    def _block(self):
        """The text of the next block answering a command of ours. Notifications between
        blocks are skipped, and so are blocks flagged 0: commands tmux ran for itself (the
        attach), which may come after the answer to our first command."""
        lines, inside = [], False
        for line in self.process.stdout:
            if line.startswith("%begin"):
                inside = line.split()[-1] != "0"
            elif inside and line.startswith(("%end", "%error")):
                if line.startswith("%error"):
                    raise RuntimeError(f"tmux control: {''.join(lines).strip()}")
                return "".join(lines)
            elif inside:
                lines.append(line)
        raise RuntimeError("the tmux control client ended")

    def capture(self):
        return self.command("capture-pane", "-p", "-t", self.name)

    def send(self, *keys):
        self.command("send-keys", "-t", self.name, *keys)

    def close(self):
        self.process.stdin.close()
        self.process.wait(5)
