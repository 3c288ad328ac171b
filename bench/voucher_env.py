"""The throwaway environment of bench/voucher_flash_sale.py: a PostgreSQL database it creates
and drops (the flash sale is about PostgreSQL's row locks; SQLite serialises writers, so it is
refused), a Redis database of its own (flushed before and after), and real multi-process HTTP
servers (gunicorn from the lock, bench/server.py) on free 127.0.0.1 ports.

Nothing here imports Django models: the constructor runs before django.setup()."""

import os
import shutil
import sys
from pathlib import Path

from bench import throwaway_db
from bench.server import Server

SETTINGS = "bench.settings_voucher"
DEFAULT_URL = "postgres://postgres@127.0.0.1:5432/zhijia_bench_voucher"
DEFAULT_REDIS = "redis://127.0.0.1:6379/5"
# Nothing listens on port 1 of the loopback: connections are refused at once ("Redis is down").
DOWN_REDIS = "redis://127.0.0.1:1/0"


class VoucherEnv:
    """Created before Django is set up (it sets DATABASE_URL and REDIS_URL for the bench process
    and the servers it starts); `cleanup()` removes whatever it created. Refuses to reuse (and so
    never drops) a database it did not create."""

    def __init__(self) -> None:
        self.database_url = os.environ.setdefault("DATABASE_URL", DEFAULT_URL)
        if not throwaway_db.is_postgres(self.database_url):
            sys.exit(
                "voucher_flash_sale runs on PostgreSQL only (SQLite serialises writers, so a flash "
                f"sale shows nothing about locking). Set DATABASE_URL, e.g. {DEFAULT_URL}"
            )
        self.redis_url = os.environ.setdefault("REDIS_URL", DEFAULT_REDIS)
        self.tmp = throwaway_db.temp_dir("zhijia-bench-voucher-", SETTINGS)
        self.servers: list[Server] = []
        self.created_pg_db = throwaway_db.create_postgres(self.database_url)
        if not self.created_pg_db:
            shutil.rmtree(self.tmp, ignore_errors=True)
            name = throwaway_db.database_name(self.database_url)
            sys.exit(f"database {name!r} exists; the bench creates and drops its own: pick another name")
        self.flush_redis()

    def flush_redis(self) -> None:
        """Empties the bench's own Redis database (REDIS_URL, db 5 by default) — never another."""
        import redis

        try:
            redis.Redis.from_url(self.redis_url, socket_timeout=2).flushdb()
        except redis.RedisError as exc:
            print(f"  (redis {self.redis_url}: {exc})")

    def start_server(self, workers: int, *, redis_url: str | None = None, name: str = "server") -> int:
        """gunicorn config.wsgi -w <workers> (sync workers: one request at a time each, the rest
        wait in the listen backlog), DEBUG off, loopback only; `redis_url` overrides the cache
        location for this server (DOWN_REDIS: a Redis that refuses connections). Stops the
        server started before, if any."""
        self.stop_servers()
        options = ["--workers", str(workers), "--backlog", "4096", "--timeout", "120"]
        saved = os.environ.get("REDIS_URL")
        os.environ["REDIS_URL"] = redis_url or self.redis_url
        try:
            server = Server(SETTINGS, Path(self.tmp) / f"{name}.log", options, 30)
            self.servers.append(server)
            return server.start()
        finally:
            if saved is None:
                os.environ.pop("REDIS_URL", None)
            else:
                os.environ["REDIS_URL"] = saved

    def stop_servers(self) -> None:
        for server in self.servers:
            server.stop()

    def server_log_tail(self) -> str:
        return self.servers[-1].log_tail() if self.servers else ""

    def cleanup(self) -> None:
        """Stops the servers, closes Django's connections (and pool), drops the database this run
        created, empties the Redis database, removes the temporary directory."""
        self.stop_servers()
        throwaway_db.close_django_connections()
        if self.created_pg_db:
            throwaway_db.drop_postgres(self.database_url)
        self.flush_redis()
        shutil.rmtree(self.tmp, ignore_errors=True)
