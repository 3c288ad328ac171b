"""Local development and the demo (`make run`): SQLite, tasks inline, console SMS."""

from .base import *  # noqa: F403
from .base import VAR_DIR, env

DEBUG = True
ZHIJIA_DEMO = True
# Dev-only keys, never used in production (production.py requires real ones from the env).
SECRET_KEY = env("SECRET_KEY", "dev-insecure-zhijia-secret-key-change-me-0123456789")
FIELD_ENCRYPTION_KEYS = env("FIELD_ENCRYPTION_KEYS", "dev:ZGV2LWtleS0wMTIzNDU2Nzg5YWJjZGVmMDEyMzQ1Njc=")
BLIND_INDEX_KEY = env("BLIND_INDEX_KEY", "dev-blind-index-key")
AUDIT_HMAC_KEY = env("AUDIT_HMAC_KEY", "dev-audit-hmac-key")
VAR_DIR.mkdir(parents=True, exist_ok=True)
