"""The throwaway environment of bench/nearby.py: its own database (a SQLite file in a temporary
directory, or a PostgreSQL database it creates and drops) and a real HTTP server process
(gunicorn from the lock, one gthread worker, keep-alive) on a free 127.0.0.1 port.

Nothing here imports Django models: `prepare_database` runs before django.setup()."""

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
SETTINGS = "bench.settings_nearby"


class BenchEnv:
    """Created before Django is set up; `cleanup()` removes whatever it created."""

    def __init__(self) -> None:
        self.tmp = Path(tempfile.mkdtemp(prefix="zhijia-bench-nearby-"))
        self.created_pg_db: str | None = None
        self.server: subprocess.Popen | None = None
        self.port = 0
        os.environ.setdefault("DJANGO_SETTINGS_MODULE", SETTINGS)
        os.environ.setdefault("DATABASE_URL", f"sqlite:///{self.tmp / 'nearby.sqlite3'}")
        os.environ.setdefault("LOG_LEVEL", "WARNING")
        os.environ.setdefault("ZHIJIA_VAR_DIR", str(self.tmp / "var"))
        (self.tmp / "var" / "static").mkdir(parents=True)  # whitenoise warns when it is missing
        self.database_url = os.environ["DATABASE_URL"]
        if self.database_url.split(":")[0] in {"postgres", "postgresql"}:
            self._create_pg_database()

    # -- PostgreSQL database ------------------------------------------------------------------

    def _maintenance_conninfo(self) -> tuple[str, str]:
        parts = urlsplit(self.database_url)
        name = parts.path.lstrip("/")
        return parts._replace(path="/postgres").geturl(), name  # libpq takes postgres:// URIs

    def _create_pg_database(self) -> None:
        import psycopg

        conninfo, name = self._maintenance_conninfo()
        with psycopg.connect(conninfo, autocommit=True) as conn:
            exists = conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name]).fetchone()
            if not exists:
                conn.execute(f'CREATE DATABASE "{name}"')
                self.created_pg_db = name

    def _drop_pg_database(self) -> None:
        import psycopg

        conninfo, name = self._maintenance_conninfo()
        with psycopg.connect(conninfo, autocommit=True) as conn:
            conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')

    # -- HTTP server --------------------------------------------------------------------------

    def start_server(self) -> int:
        with socket.socket() as sock:
            sock.bind(("127.0.0.1", 0))
            self.port = sock.getsockname()[1]
        env = dict(os.environ, DJANGO_SETTINGS_MODULE=SETTINGS, PYTHONPATH=str(ROOT))
        self.server = subprocess.Popen(
            [
                sys.executable,
                "-m",
                "gunicorn",
                "config.wsgi:application",
                "--bind",
                f"127.0.0.1:{self.port}",
                "--workers",
                "1",
                "--worker-class",
                "gthread",
                "--threads",
                "1",
                "--keep-alive",
                "75",
                "--log-level",
                "warning",
            ],
            cwd=ROOT,
            env=env,
            stdout=subprocess.DEVNULL,
            stderr=open(self.tmp / "server.log", "wb"),  # noqa: SIM115 (closed with the process)
        )
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            if self.server.poll() is not None:
                raise RuntimeError(f"server exited: {(self.tmp / 'server.log').read_text()[-2000:]}")
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
            self.server.wait(timeout=20)
        except subprocess.TimeoutExpired:
            self.server.kill()
            self.server.wait()

    def server_log_tail(self) -> str:
        path = self.tmp / "server.log"
        return path.read_text(errors="replace")[-3000:] if path.exists() else ""

    # -- cleanup ------------------------------------------------------------------------------

    def cleanup(self) -> None:
        """Stops the server, closes Django's connections (and pool), drops the PostgreSQL database
        if this run created it, removes the temporary directory (the SQLite file lives there)."""
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
