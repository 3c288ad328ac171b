"""Local development (`make dev`): SQLite, tasks inline, console SMS, DEBUG on.

Keys: the environment, else var/secrets.json when `make run` has written it (the two share the
database under var/), else the fixed development keys (never used in production: production.py
requires real ones from the environment)."""

from .base import *  # noqa: F403
from .base import VAR_DIR, env
from .var_secrets import DEV_KEYS, var_secrets

DEBUG = True
ZHIJIA_DEMO = True
_keys = var_secrets(VAR_DIR, create=False) or DEV_KEYS
SECRET_KEY = env("SECRET_KEY", _keys["SECRET_KEY"])
FIELD_ENCRYPTION_KEYS = env("FIELD_ENCRYPTION_KEYS", _keys["FIELD_ENCRYPTION_KEYS"])
BLIND_INDEX_KEY = env("BLIND_INDEX_KEY", _keys["BLIND_INDEX_KEY"])
AUDIT_HMAC_KEY = env("AUDIT_HMAC_KEY", _keys["AUDIT_HMAC_KEY"])
VAR_DIR.mkdir(parents=True, exist_ok=True)
# An {% icon %} missing from the sprite is an error here and in tests (scripts/icons.py build).
ZHIJIA_ICONS_STRICT = True
