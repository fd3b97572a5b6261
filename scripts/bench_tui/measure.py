"""The measurements: `ls queues` CPU, the TUI's load CPU, key echo during the load, and
what an idle TUI costs (CPU, bytes to the terminal, AWS calls)."""

import json
import os
import re
import statistics
import subprocess
import time

from .pane import Pane

PROMPT_HINT = "Tab completes, Enter runs, Esc cancels"  # the `:` prompt's line
REFRESHED = re.compile(r"\brefreshed \d+[smh] ago")
# The settling time after a load before an idle window starts (the other listings draw).
SETTLE_SECONDS = 3


def queues_title(n):
    return re.compile(rf"\bQueues \[{n}\]")


def loaded(text, n):
    """The queue table loaded: the status bar says refreshed and the title counts N queues."""
    return bool(REFRESHED.search(text) and queues_title(n).search(text)) and not loading(text)


def board_loaded(text):
    """The health board (the start view) loaded: the status bar says refreshed and the
    board no longer says how far the queue listing got."""
    return bool(REFRESHED.search(text) and "Health [" in text) and not loading(text)


def loading(text):
    """A queue listing is running: the table's title says "loading N", the board's title
    "loading N queues"."""
    return re.search(r"\bQueues \[\d+\].* loading|\bloading [\d,]+ queues", text) is not None


def rss_mb(pid):
    """Resident set size now and at its peak (VmHWM), in MB."""
    fields = {}
    with open(f"/proc/{pid}/status") as f:
        for line in f:
            key, _, value = line.partition(":")
            if key in ("VmRSS", "VmHWM"):
                fields[key] = int(value.split()[0]) / 1024
    return fields.get("VmRSS", 0.0), fields.get("VmHWM", 0.0)


def ls_queues(squall, env, proxy, out_path, n):
    """CPU (wait4 rusage), wall time and AWS calls of `squall ls queues --json`."""
    start = time.monotonic()
    with open(out_path, "wb") as out, open(out_path.with_suffix(".stderr"), "wb") as err:
        process = subprocess.Popen(
            [squall, "--endpoint-url", proxy.endpoint, "--region", "us-east-1", "ls", "queues", "--json"],
            stdin=subprocess.DEVNULL, stdout=out, stderr=err, env=env)
        _, status, usage = os.wait4(process.pid, 0)
    wall = time.monotonic() - start
    process.returncode = os.waitstatus_to_exitcode(status)
    if process.returncode != 0:
        raise RuntimeError(f"ls queues exited {process.returncode}: {out_path.with_suffix('.stderr').read_text()}")
    listed = len(json.loads(out_path.read_bytes()))
    if listed != n:
        raise RuntimeError(f"ls queues listed {listed} queues, not {n}")
    return {"cpu": usage.ru_utime + usage.ru_stime, "wall": wall, "calls": proxy.calls_between(start)}


def tui_load_only(tmux, command, env, size, proxy, load_timeout):
    """CPU and wall time of one TUI load (as in `tui_load_and_idle`), then the TUI is closed."""
    start = time.monotonic()
    pane = Pane(tmux, "pair", command, env, *size)
    pane.wait_for(board_loaded, load_timeout, what="the queue listing ended, on the health board")
    load = {"cpu": pane.cpu_seconds(), "wall": time.monotonic() - start, "calls": proxy.calls_between(start)}
    pane.kill()
    return load


def tui_load_and_idle(tmux, command, env, size, n, idle_seconds, proxy, workdir, load_timeout, listing_watch):
    """Starts the TUI (it opens on the health board), waits until the board says the load
    ended, watches it idle on the board, then goes to the queue table under it (Esc), checks
    that its title counts all N queues and watches it idle there; and then waits up to
    `listing_watch` seconds after the load for the next full listing to start."""
    start = time.monotonic()
    pane = Pane(tmux, "load", command, env, *size)
    pane.wait_for(board_loaded, load_timeout, what="the queue listing ended, on the health board")
    ended = time.monotonic()
    load = {"cpu": pane.cpu_seconds(), "wall": ended - start, "calls": proxy.calls_between(start)}
    load["rss_mb"], _ = rss_mb(pane.pid)
    time.sleep(SETTLE_SECONDS)
    board = idle(pane, idle_seconds, workdir / "idle-board.out", proxy)
    pane.send("Escape")
    pane.wait_for(lambda t: loaded(t, n), 60, what=f"the queue table counting {n} queues")
    time.sleep(SETTLE_SECONDS)
    idle_figures = idle(pane, idle_seconds, workdir / "idle-queues.out", proxy)
    idle_figures["board"] = board
    idle_figures["rss_mb"], idle_figures["peak_rss_mb"] = rss_mb(pane.pid)
    idle_figures["idle_ended_after_load"] = time.monotonic() - ended
    # A new full listing starts with ListQueues: when did the first one after the load come?
    next_listing = proxy.first_call("sqs:ListQueues", ended)
    while next_listing is None and time.monotonic() - ended < listing_watch:
        time.sleep(1)
        next_listing = proxy.first_call("sqs:ListQueues", ended)
    idle_figures["next_listing_after"] = next_listing - ended if next_listing else None
    idle_figures["watched_after_load"] = time.monotonic() - ended
    pane.kill()
    return load, idle_figures


def demo_idle(tmux, command, env, size, idle_seconds, workdir):
    pane = Pane(tmux, "demo", command, env, *size)
    # Its start view is the health board: measured with the board open.
    pane.wait_for(lambda t: REFRESHED.search(t) is not None and "Health [" in t, 60,
                  what="the demo fleet loaded, on the health board")
    time.sleep(SETTLE_SECONDS)
    figures = idle(pane, idle_seconds, workdir / "idle-demo.out", None)
    pane.kill()
    return figures


def idle(pane, seconds, record_path, proxy):
    """CPU, bytes written to the pane (and in how many chunks), and AWS calls over `seconds`."""
    started = time.monotonic()
    cpu_before = pane.cpu_seconds()
    pane.start_recording(record_path)
    time.sleep(seconds)
    written, chunk_times = pane.stop_recording()
    cpu = pane.cpu_seconds() - cpu_before
    window = time.monotonic() - started
    return {
        "seconds": window,
        "cpu": cpu,
        "bytes": written,
        "writes": len(chunk_times),
        "seconds_with_writes": len({int(t) for t in chunk_times}),
        "sample": record_path.read_bytes()[:160],
        "calls": proxy.calls_between(started, started + window) if proxy else None,
    }


def key_echo(tmux, command, env, size, n, load_wall, tries, after_tries, poll_seconds, load_timeout):
    """Presses `:` at times spread over the load (from its measured duration) and times
    until the prompt shows; then the same after the load, for comparison."""
    pane = Pane(tmux, "echo", command, env, *size)
    start = time.monotonic()
    during, missed = [], 0
    for i in range(tries):
        at = start + load_wall * (0.1 + 0.8 * i / max(tries - 1, 1))
        time.sleep(max(0.0, at - time.monotonic()))
        if board_loaded(pane.capture()):
            missed += tries - i
            break
        seconds, text = echo_once(pane, poll_seconds)
        if loading(text):
            during.append(seconds)
        else:
            missed += 1
    pane.wait_for(board_loaded, load_timeout, what="the queue listing ended, on the health board")
    after = []
    for _ in range(after_tries):
        time.sleep(0.2)
        after.append(echo_once(pane, poll_seconds)[0])
    capture_cost = timed_captures(pane, 20)
    pane.kill()
    return {"during": during, "missed": missed, "after": after, "capture_seconds": capture_cost}


def echo_once(pane, poll_seconds, timeout=120.0):
    """Seconds from sending `:` until capture-pane shows the prompt, and that capture; then
    Esc, and waits until the prompt is gone."""
    sent = time.monotonic()
    pane.send(":")
    while True:
        text = pane.capture()
        elapsed = time.monotonic() - sent
        if PROMPT_HINT in text:
            break
        if elapsed > timeout:
            raise RuntimeError(f"the `:` prompt did not show within {timeout} s; the pane:\n{text}")
        time.sleep(poll_seconds)
    pane.send("Escape")
    deadline = time.monotonic() + timeout
    while PROMPT_HINT in pane.capture():
        if time.monotonic() > deadline:
            raise RuntimeError(f"the `:` prompt did not close within {timeout} s after Esc")
        time.sleep(poll_seconds)
    return elapsed, text


def timed_captures(pane, count):
    """The median duration of one capture-pane call: the polling's resolution."""
    durations = []
    for _ in range(count):
        before = time.monotonic()
        pane.capture()
        durations.append(time.monotonic() - before)
    return statistics.median(durations)
