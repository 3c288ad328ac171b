"""The throwaway environment of bench/enrolment_storm.py: a PostgreSQL database it creates and
drops (the storm is about PostgreSQL's row locks; SQLite serialises writers, so it is refused),
and a real multi-process HTTP server (gunicorn from the lock, `-w WORKERS` sync workers as in
docs/configuration.md) on a free 127.0.0.1 port.

Nothing here imports Django models: the constructor runs before django.setup()."""

import os
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request
from pathlib import Path
from urllib.parse import urlsplit

ROOT = Path(__file__).resolve().parent.parent
SETTINGS = "bench.settings_storm"
DEFAULT_URL = "postgres://postgres@127.0.0.1:5432/zhijia_bench_storm"


class StormEnv:
    """Created before Django is set up; `cleanup()` removes whatever it created."""

    def __init__(self) -> None:
        self.database_url = os.environ.setdefault("DATABASE_URL", DEFAULT_URL)
        if self.database_url.split(":")[0] not in {"postgres", "postgresql"}:
            sys.exit(
                "enrolment_storm runs on PostgreSQL only (SQLite serialises writers, so a storm "
                f"shows nothing about locking). Set DATABASE_URL, e.g. {DEFAULT_URL}"
            )
        self.tmp = Path(tempfile.mkdtemp(prefix="zhijia-bench-storm-"))
        self.created_pg_db: str | None = None
        self.server: subprocess.Popen | None = None
        self.port = 0
        os.environ.setdefault("DJANGO_SETTINGS_MODULE", SETTINGS)
        os.environ.setdefault("LOG_LEVEL", "WARNING")
        os.environ.setdefault("ZHIJIA_VAR_DIR", str(self.tmp / "var"))
        (self.tmp / "var" / "static").mkdir(parents=True)  # whitenoise warns when it is missing
        self._create_pg_database()

    def _maintenance_conninfo(self) -> tuple[str, str]:
        parts = urlsplit(self.database_url)
        return parts._replace(path="/postgres").geturl(), parts.path.lstrip("/")

    def _create_pg_database(self) -> None:
        """Creates the database; refuses to reuse (and so never drops) one it did not create."""
        import psycopg

        conninfo, name = self._maintenance_conninfo()
        with psycopg.connect(conninfo, autocommit=True) as conn:
            if conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name]).fetchone():
                shutil.rmtree(self.tmp, ignore_errors=True)
                sys.exit(f"database {name!r} exists; the storm creates and drops its own: pick another name")
            conn.execute(f'CREATE DATABASE "{name}"')
            self.created_pg_db = name

    def _drop_pg_database(self) -> None:
        import psycopg

        conninfo, name = self._maintenance_conninfo()
        with psycopg.connect(conninfo, autocommit=True) as conn:
            conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')

    def start_server(self, workers: int) -> int:
        """gunicorn config.wsgi -w <workers> (sync workers: one request at a time each, the
        rest wait in the listen backlog), DEBUG off, loopback only."""
        with socket.socket() as sock:
            sock.bind(("127.0.0.1", 0))
            self.port = sock.getsockname()[1]
        env = dict(os.environ, DJANGO_SETTINGS_MODULE=SETTINGS, PYTHONPATH=str(ROOT))
        command = [sys.executable, "-m", "gunicorn", "config.wsgi:application"]
        command += ["--bind", f"127.0.0.1:{self.port}", "--workers", str(workers), "--backlog", "4096"]
        command += ["--timeout", "120", "--log-level", "warning"]
        self.server = subprocess.Popen(
            command,
            cwd=ROOT,
            env=env,
            stdout=subprocess.DEVNULL,
            stderr=open(self.tmp / "server.log", "wb"),  # noqa: SIM115 (closed with the process)
        )
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            if self.server.poll() is not None:
                raise RuntimeError(f"server exited: {self.server_log_tail()}")
            try:
                with urllib.request.urlopen(f"http://127.0.0.1:{self.port}/healthz", timeout=2) as r:
                    if r.status == 200:
                        return self.port
            except (urllib.error.URLError, ConnectionError, TimeoutError):
                time.sleep(0.2)
        raise RuntimeError("server did not come up within 60 s")

    def stop_server(self) -> None:
        if self.server is None or self.server.poll() is not None:
            return
        self.server.send_signal(signal.SIGTERM)
        try:
            self.server.wait(timeout=30)
        except subprocess.TimeoutExpired:
            self.server.kill()
            self.server.wait()

    def server_log_tail(self) -> str:
        path = self.tmp / "server.log"
        return path.read_text(errors="replace")[-3000:] if path.exists() else ""

    def cleanup(self) -> None:
        """Stops the server, closes Django's connections (and pool), drops the database this run
        created, removes the temporary directory."""
        self.stop_server()
        try:
            from django.db import connections

            for conn in connections.all(initialized_only=True):
                conn.close()
                if hasattr(conn, "close_pool"):
                    conn.close_pool()
        except Exception as exc:  # cleanup must go on
            print(f"  (closing connections: {exc})")
        if self.created_pg_db:
            self._drop_pg_database()
        shutil.rmtree(self.tmp, ignore_errors=True)
