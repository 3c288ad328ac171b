"""A real HTTP server process for the benchmarks: gunicorn (from the lock) serving
config.wsgi on a free 127.0.0.1 port, its stderr in a log file the caller chooses.

Nothing here imports Django: it runs in the benchmark process before or after django.setup()."""

import os
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


class Server:
    """One gunicorn process at a time. `options` are gunicorn's own flags (workers, worker
    class, backlog, …) after `config.wsgi:application --bind 127.0.0.1:<port> --log-level
    warning`; the process inherits os.environ with DJANGO_SETTINGS_MODULE=`settings` and the
    repository on PYTHONPATH. `stop_timeout` is how long `stop()` waits after SIGTERM before it kills."""

    def __init__(self, settings: str, log: Path, options: list[str], stop_timeout: float) -> None:
        self.settings = settings
        self.log = log
        self.options = options
        self.stop_timeout = stop_timeout
        self.process: subprocess.Popen | None = None
        self.port = 0

    def start(self) -> int:
        """Starts gunicorn on a free loopback port and returns the port once GET /healthz
        answers 200; raises RuntimeError (with the log's tail) if the process exits first, or
        if it is not up within 60 s."""
        with socket.socket() as sock:
            sock.bind(("127.0.0.1", 0))
            self.port = sock.getsockname()[1]
        env = dict(os.environ, DJANGO_SETTINGS_MODULE=self.settings, PYTHONPATH=str(ROOT))
        command = [sys.executable, "-m", "gunicorn", "config.wsgi:application"]
        command += ["--bind", f"127.0.0.1:{self.port}", "--log-level", "warning", *self.options]
        self.process = subprocess.Popen(
            command,
            cwd=ROOT,
            env=env,
            stdout=subprocess.DEVNULL,
            stderr=open(self.log, "wb"),  # noqa: SIM115 (closed with the process)
        )
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(f"server exited: {self.log_tail()}")
            try:
                with urllib.request.urlopen(f"http://127.0.0.1:{self.port}/healthz", timeout=2) as r:
                    if r.status == 200:
                        return self.port
            except (urllib.error.URLError, ConnectionError, TimeoutError):
                time.sleep(0.2)
        raise RuntimeError("server did not come up within 60 s")

    def stop(self) -> None:
        """SIGTERM, then a kill after `stop_timeout` seconds; a no-op if not running."""
        if self.process is None or self.process.poll() is not None:
            return
        self.process.send_signal(signal.SIGTERM)
        try:
            self.process.wait(timeout=self.stop_timeout)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait()

    def log_tail(self) -> str:
        """The last 3,000 characters of the server's log ("" before it was started)."""
        return self.log.read_text(errors="replace")[-3000:] if self.log.exists() else ""
