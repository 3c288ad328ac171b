"""Tests: the same stack as dev, faster hashing, local SMS outbox, fixed keys."""

from .base import env
from .dev import *  # noqa: F403
from .var_secrets import DEV_KEYS

# Fixed keys, whatever `make run` generated under var/.
SECRET_KEY = env("SECRET_KEY", DEV_KEYS["SECRET_KEY"])
FIELD_ENCRYPTION_KEYS = env("FIELD_ENCRYPTION_KEYS", DEV_KEYS["FIELD_ENCRYPTION_KEYS"])
BLIND_INDEX_KEY = env("BLIND_INDEX_KEY", DEV_KEYS["BLIND_INDEX_KEY"])
AUDIT_HMAC_KEY = env("AUDIT_HMAC_KEY", DEV_KEYS["AUDIT_HMAC_KEY"])

PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
SMS_BACKEND = "zhijia.accounts.sms.LocmemBackend"
SMS_SEND_INTERVAL_SECONDS = 0
LOG_FORMAT = "text"
LOGGING["handlers"]["console"]["formatter"] = "text"  # type: ignore[index]  # noqa: F405
# Every record of the suite (INFO and up) is scanned for unmasked ID numbers and phones, in the
# JSON form production writes (tests.support.LogScanHandler); the console shows WARNING and up.
LOGGING["root"]["level"] = "INFO"  # type: ignore[index]  # noqa: F405
LOGGING["handlers"]["console"]["level"] = "WARNING"  # type: ignore[index]  # noqa: F405
LOGGING["handlers"]["scan"] = {  # type: ignore[index]  # noqa: F405
    "class": "tests.support.LogScanHandler",
    "formatter": "json",
    "filters": ["mask_pii"],
}
LOGGING["root"]["handlers"] = ["console", "scan"]  # type: ignore[index]  # noqa: F405
for _name, _logger in LOGGING["loggers"].items():  # type: ignore[attr-defined]  # noqa: F405
    if "handlers" in _logger:
        _logger["handlers"] = [*_logger["handlers"], "scan"]
CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}  # Redis-free by default
CELERY_TASK_ALWAYS_EAGER = True
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
WHITENOISE_AUTOREFRESH = True

# Every response in the suite is scanned for unmasked ID numbers and phone numbers.
MIDDLEWARE = ["tests.support.ResponseScanMiddleware", *MIDDLEWARE]  # noqa: F405

# Tests read English messages; the product default (zh-hans) is pinned by
# tests/core/test_translations.py::test_the_product_speaks_simplified_chinese_by_default.
LANGUAGE_CODE = "en"
DEMO_HISTORY_DAYS = 20  # seed_demo in tests: a few weeks of generated ledger history is enough

# No anchor file by default (tests/core/test_audit_anchor.py turns it on in a temporary directory).
AUDIT_ANCHOR_FILE = ""
