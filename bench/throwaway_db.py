"""The throwaway parts of a benchmark run: a temporary directory, a PostgreSQL database the run
creates and drops, and closing Django's connections before the drop.

Nothing here imports Django models: `temp_dir` and `create_postgres` run before django.setup()."""

import os
import tempfile
from pathlib import Path
from urllib.parse import urlsplit


def temp_dir(prefix: str, settings: str) -> Path:
    """A new temporary directory; sets (unless already set) DJANGO_SETTINGS_MODULE=`settings`,
    LOG_LEVEL=WARNING and ZHIJIA_VAR_DIR=<dir>/var, and creates <dir>/var/static (whitenoise
    warns when it is missing). The caller removes the directory."""
    tmp = Path(tempfile.mkdtemp(prefix=prefix))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", settings)
    os.environ.setdefault("LOG_LEVEL", "WARNING")
    os.environ.setdefault("ZHIJIA_VAR_DIR", str(tmp / "var"))
    (tmp / "var" / "static").mkdir(parents=True)
    return tmp


def is_postgres(database_url: str) -> bool:
    return database_url.split(":")[0] in {"postgres", "postgresql"}


def database_name(database_url: str) -> str:
    return urlsplit(database_url).path.lstrip("/")


def _maintenance_conninfo(database_url: str) -> tuple[str, str]:
    parts = urlsplit(database_url)
    return parts._replace(path="/postgres").geturl(), database_name(database_url)  # libpq takes URIs


def create_postgres(database_url: str) -> bool:
    """Creates the database named in `database_url` unless it exists; True when this call
    created it (only such a database should be dropped), False when it was already there."""
    import psycopg

    conninfo, name = _maintenance_conninfo(database_url)
    with psycopg.connect(conninfo, autocommit=True) as conn:
        if conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name]).fetchone():
            return False
        conn.execute(f'CREATE DATABASE "{name}"')
        return True


def drop_postgres(database_url: str) -> None:
    """Drops the database named in `database_url` (if it exists), forcing other sessions off."""
    import psycopg

    conninfo, name = _maintenance_conninfo(database_url)
    with psycopg.connect(conninfo, autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def close_django_connections() -> None:
    """Closes Django's open connections (and their pools); never raises — cleanup must go on."""
    try:
        from django.db import connections

        for conn in connections.all(initialized_only=True):
            conn.close()
            if hasattr(conn, "close_pool"):
                conn.close_pool()
    except Exception as exc:
        print(f"  (closing connections: {exc})")
