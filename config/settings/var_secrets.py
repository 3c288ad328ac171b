"""Keys for the embedded default (`make run`, `make dev`) kept under var/, generated once.

A fresh clone's `make run` must not ship a known SECRET_KEY or field-encryption key, yet it must
need no setup: the first start writes random keys to var/secrets.json (mode 0600) and every later
start, and `make dev`, reads the same file, so the SQLite database under var/ stays readable.
A var/ database written before this file existed was encrypted with the old fixed development
keys; those are adopted into the file then, so an existing demo keeps working.
Real deployments set every key in the environment (config.settings.production requires it).
"""

import base64
import json
import os
import secrets
from pathlib import Path

# The fixed development keys (tests, and var/ databases created before var/secrets.json).
DEV_KEYS = {
    "SECRET_KEY": "dev-insecure-zhijia-secret-key-change-me-0123456789",
    "FIELD_ENCRYPTION_KEYS": "dev:ZGV2LWtleS0wMTIzNDU2Nzg5YWJjZGVmMDEyMzQ1Njc=",
    "BLIND_INDEX_KEY": "dev-blind-index-key",
    "AUDIT_HMAC_KEY": "dev-audit-hmac-key",
}


def _generated() -> dict[str, str]:
    return {
        "SECRET_KEY": secrets.token_urlsafe(50),
        "FIELD_ENCRYPTION_KEYS": "local1:" + base64.b64encode(os.urandom(32)).decode(),
        "BLIND_INDEX_KEY": secrets.token_urlsafe(32),
        "AUDIT_HMAC_KEY": secrets.token_urlsafe(32),
    }


def var_secrets(var_dir: Path, *, create: bool) -> dict[str, str] | None:
    """The keys in var/secrets.json; with `create`, written first if missing (random keys, or
    the development keys when var/ already holds a database written with them)."""
    path = var_dir / "secrets.json"
    if path.exists():
        return {**DEV_KEYS, **json.loads(path.read_text(encoding="utf-8"))}
    if not create:
        return None
    var_dir.mkdir(parents=True, exist_ok=True)
    keys = dict(DEV_KEYS) if (var_dir / "zhijia.sqlite3").exists() else _generated()
    # Written whole under a temporary name, then linked into place: of processes starting at
    # once, the first link wins and the others read the winner's keys.
    tmp = var_dir / f".secrets.{os.getpid()}.{secrets.token_hex(4)}"
    fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(fd, "w", encoding="utf-8") as handle:
        json.dump(keys, handle, indent=2)
    try:
        os.link(tmp, path)
    except FileExistsError:
        return var_secrets(var_dir, create=False)
    finally:
        tmp.unlink()
    return keys
