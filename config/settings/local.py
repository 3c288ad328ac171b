"""`make run`: the production stack on the embedded default, on one machine.

What differs from config.settings.dev: DEBUG off, gunicorn in front (config/gunicorn.py), static
files collected under var/static and served compressed with far-future caching by whitenoise,
the periodic jobs run by `manage.py scheduler` instead of inside requests, and keys generated
once into var/secrets.json instead of fixed ones. What differs from config.settings.production:
SQLite and no broker are allowed, plain HTTP on the loopback (no secure-only cookies, no HSTS,
no SSL redirect), staff log in without a TOTP code, the demo may be seeded, and uploads under
/media/ are served by the application (production: by nginx, deploy/nginx/zhijia.conf).
"""

from .base import *  # noqa: F403
from .base import VAR_DIR, env, env_bool
from .var_secrets import var_secrets

DEBUG = False
ZHIJIA_DEMO = True
_keys = var_secrets(VAR_DIR, create=True) or {}
SECRET_KEY = env("SECRET_KEY", _keys["SECRET_KEY"])
FIELD_ENCRYPTION_KEYS = env("FIELD_ENCRYPTION_KEYS", _keys["FIELD_ENCRYPTION_KEYS"])
BLIND_INDEX_KEY = env("BLIND_INDEX_KEY", _keys["BLIND_INDEX_KEY"])
AUDIT_HMAC_KEY = env("AUDIT_HMAC_KEY", _keys["AUDIT_HMAC_KEY"])

STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "zhijia.core.staticfiles.StaticFilesStorage"},
}
# The scheduler process seals every 10 s (CELERY_BEAT_SCHEDULE["audit-seal"]); requests only
# write their entries.
AUDIT_SEAL_INLINE = env_bool("AUDIT_SEAL_INLINE", False)
# Station and report photos under /media/ (nosniff, as attachments; never var/media/exports/).
ZHIJIA_SERVE_MEDIA = True
