"""The throwaway environment of bench/enrolment_storm.py: a PostgreSQL database it creates and
drops (the storm is about PostgreSQL's row locks; SQLite serialises writers, so it is refused),
and a real multi-process HTTP server (gunicorn from the lock, `-w WORKERS` sync workers as in
docs/configuration.md) on a free 127.0.0.1 port.

Nothing here imports Django models: the constructor runs before django.setup()."""

import os
import shutil
import sys

from bench import throwaway_db
from bench.server import Server

SETTINGS = "bench.settings_storm"
DEFAULT_URL = "postgres://postgres@127.0.0.1:5432/zhijia_bench_storm"


class StormEnv:
    """Created before Django is set up; `cleanup()` removes whatever it created. Refuses to
    reuse (and so never drops) a database it did not create."""

    def __init__(self) -> None:
        self.database_url = os.environ.setdefault("DATABASE_URL", DEFAULT_URL)
        if not throwaway_db.is_postgres(self.database_url):
            sys.exit(
                "enrolment_storm runs on PostgreSQL only (SQLite serialises writers, so a storm "
                f"shows nothing about locking). Set DATABASE_URL, e.g. {DEFAULT_URL}"
            )
        self.tmp = throwaway_db.temp_dir("zhijia-bench-storm-", SETTINGS)
        self.server: Server | None = None
        self.created_pg_db = throwaway_db.create_postgres(self.database_url)
        if not self.created_pg_db:
            shutil.rmtree(self.tmp, ignore_errors=True)
            name = throwaway_db.database_name(self.database_url)
            sys.exit(f"database {name!r} exists; the storm creates and drops its own: pick another name")

    def start_server(self, workers: int) -> int:
        """gunicorn config.wsgi -w <workers> (sync workers: one request at a time each, the
        rest wait in the listen backlog), DEBUG off, loopback only."""
        options = ["--workers", str(workers), "--backlog", "4096", "--timeout", "120"]
        self.server = Server(SETTINGS, self.tmp / "server.log", options, 30)
        return self.server.start()

    def server_log_tail(self) -> str:
        return self.server.log_tail() if self.server else ""

    def cleanup(self) -> None:
        """Stops the server, closes Django's connections (and pool), drops the database this run
        created, removes the temporary directory."""
        if self.server:
            self.server.stop()
        throwaway_db.close_django_connections()
        if self.created_pg_db:
            throwaway_db.drop_postgres(self.database_url)
        shutil.rmtree(self.tmp, ignore_errors=True)
