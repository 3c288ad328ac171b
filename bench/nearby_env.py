"""The throwaway environment of bench/nearby.py: its own database (a SQLite file in a temporary
directory, or a PostgreSQL database it creates and drops) and a real HTTP server process
(gunicorn from the lock, one gthread worker, keep-alive) on a free 127.0.0.1 port.

Nothing here imports Django models: the environment is prepared before django.setup()."""

import os
import shutil

from bench import throwaway_db
from bench.server import Server

SETTINGS = "bench.settings_nearby"
GUNICORN = ["--workers", "1", "--worker-class", "gthread", "--threads", "1", "--keep-alive", "75"]


class BenchEnv:
    """Created before Django is set up; `cleanup()` removes whatever it created. An existing
    PostgreSQL database is reused (and then not dropped)."""

    def __init__(self) -> None:
        self.tmp = throwaway_db.temp_dir("zhijia-bench-nearby-", SETTINGS)
        self.created_pg_db = False
        os.environ.setdefault("DATABASE_URL", f"sqlite:///{self.tmp / 'nearby.sqlite3'}")
        self.database_url = os.environ["DATABASE_URL"]
        self.server = Server(SETTINGS, self.tmp / "server.log", GUNICORN, 20)
        if throwaway_db.is_postgres(self.database_url):
            self.created_pg_db = throwaway_db.create_postgres(self.database_url)

    def start_server(self) -> int:
        return self.server.start()

    def server_log_tail(self) -> str:
        return self.server.log_tail()

    def cleanup(self) -> None:
        """Stops the server, closes Django's connections (and pool), drops the PostgreSQL database
        if this run created it, removes the temporary directory (the SQLite file lives there)."""
        self.server.stop()
        throwaway_db.close_django_connections()
        if self.created_pg_db:
            throwaway_db.drop_postgres(self.database_url)
        shutil.rmtree(self.tmp, ignore_errors=True)
