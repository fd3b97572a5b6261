"""moto_server on a free loopback port, in its own process group, stopped with the group."""

import os
import signal
import socket
import subprocess
import time
import urllib.error
import urllib.request
from pathlib import Path


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def clean_env(**extra):
    """This process's environment without any AWS setting of the user, plus `extra`."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("AWS_")}
    env.update(extra)
    return env


class Moto:
    def __init__(self, venv: Path, log_path: Path, attempts=3):
        self.venv = venv
        last = None
        for _ in range(attempts):
            # The port may be taken between free_port() and the bind: try another.
            self.port = free_port()
            self.log = open(log_path, "ab")
            self.process = subprocess.Popen(
                [str(venv / "bin/moto_server"), "-H", "127.0.0.1", "-p", str(self.port)],
                stdin=subprocess.DEVNULL,
                stdout=self.log,
                stderr=subprocess.STDOUT,
                env=clean_env(),
                start_new_session=True,
            )
            try:
                self._wait_ready(timeout=60)
                return
            except RuntimeError as err:
                last = err
                self.stop()
        raise RuntimeError(f"moto_server did not start ({last}); see {log_path}")

    @property
    def endpoint(self):
        return f"http://127.0.0.1:{self.port}"

    def _wait_ready(self, timeout):
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(f"exited with {self.process.returncode}")
            try:
                # Any HTTP answer means the server is up (moto answers GET / as S3).
                urllib.request.urlopen(self.endpoint + "/", timeout=2).read()
                return
            except urllib.error.HTTPError:
                return
            except OSError:
                time.sleep(0.1)
        raise RuntimeError(f"not ready after {timeout} s")

    def stop(self):
        if self.process.poll() is None:
            for sig, wait in ((signal.SIGTERM, 5), (signal.SIGKILL, 5)):
                try:
                    os.killpg(self.process.pid, sig)
                    self.process.wait(wait)
                    break
                except (ProcessLookupError, subprocess.TimeoutExpired):
                    continue
        self.log.close()

    def seed(self, script: Path, count: int, threads: int):
        """Creates `count` queues with seed_queues.py under the venv's Python (boto3)."""
        result = subprocess.run(
            [str(self.venv / "bin/python"), "-B", str(script), "--endpoint", self.endpoint,
             "--count", str(count), "--threads", str(threads)],
            stdout=subprocess.PIPE, text=True, env=clean_env(), check=True,
        )
        created = int(result.stdout.strip())
        if created != count:
            raise RuntimeError(f"seeding created {created} queues, not {count}")
