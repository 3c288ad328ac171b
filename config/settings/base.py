"""Settings shared by every environment. Everything deployment-specific comes from the environment.

See docs/configuration.md for each variable; .env.example lists them with safe defaults.
"""

import os
from pathlib import Path

import dj_database_url

BASE_DIR = Path(__file__).resolve().parent.parent.parent
VAR_DIR = Path(os.environ.get("ZHIJIA_VAR_DIR", BASE_DIR / "var"))


def env(name: str, default: str = "") -> str:
    return os.environ.get(name, default)


def env_bool(name: str, default: bool = False) -> bool:
    value = os.environ.get(name)
    if value is None or value == "":
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


def env_int(name: str, default: int) -> int:
    value = os.environ.get(name)
    return int(value) if value else default


def env_list(name: str, default: str = "") -> list[str]:
    return [item.strip() for item in env(name, default).split(",") if item.strip()]


SECRET_KEY = env("SECRET_KEY")
DEBUG = False
ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", "127.0.0.1,localhost")
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS")

INSTALLED_APPS = [
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "django_otp",
    "django_otp.plugins.otp_totp",
    "axes",
    "zhijia.core",
    "zhijia.orgs",
    "zhijia.accounts",
    "zhijia.members",
    "zhijia.records",
    "zhijia.positions",
    "zhijia.catalog",
    "zhijia.activities",
    "zhijia.dispatch",
    "zhijia.benefits",
    "zhijia.stats",
    "zhijia.elections",
    "zhijia.voice",
    "zhijia.contests",
    "zhijia.honours",
    "zhijia.labour",
    "zhijia.casework",
    "zhijia.api",
    "zhijia.staff",
    "zhijia.h5",
    "zhijia.demo",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "zhijia.core.middleware.ContentSecurityPolicyMiddleware",
    "zhijia.core.middleware.SafeErrorPagesMiddleware",  # no debug page to a non-local client, ever
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "zhijia.core.middleware.CompressPagesMiddleware",  # after whitenoise: static files come precompressed
    "zhijia.core.middleware.RequestContextMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django_otp.middleware.OTPMiddleware",
    "zhijia.core.middleware.NoStoreMiddleware",
    "zhijia.accounts.middleware.SecurityPolicyMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "axes.middleware.AxesMiddleware",
    "zhijia.core.middleware.ApplicationErrorMiddleware",
]

ROOT_URLCONF = "config.urls"
WSGI_APPLICATION = "config.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "zhijia" / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "zhijia.staff.context.console",
            ],
            # {% icon "name" %} on every page without a {% load %} (zhijia/core/templatetags/icons.py)
            "builtins": ["zhijia.core.templatetags.icons"],
        },
    }
]

# --- Database -------------------------------------------------------------------------------
# SQLite (WAL) under var/ by default; PostgreSQL through DATABASE_URL (psycopg 3, pooled).
DATABASE_URL = env("DATABASE_URL", f"sqlite:///{VAR_DIR / 'zhijia.sqlite3'}")
_db = dj_database_url.parse(DATABASE_URL)
if _db["ENGINE"] == "django.db.backends.sqlite3":
    _db["OPTIONS"] = {
        "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL; PRAGMA busy_timeout=20000;",
        "transaction_mode": "IMMEDIATE",
        "timeout": 20,
    }
else:
    _db["CONN_MAX_AGE"] = 0
    _db["OPTIONS"] = {
        "pool": {"min_size": 1, "max_size": env_int("DATABASE_POOL_SIZE", 10), "timeout": 10},
        # A lock wait ends cleanly (409 "busy, retry") rather than hanging a worker.
        "options": f"-c lock_timeout={env_int('DATABASE_LOCK_TIMEOUT_MS', 3000)}",
    }
DATABASES = {"default": _db}
# A streaming replica (PostgreSQL): reads that may be a moment stale go there, scarce stock,
# claims, sessions and anything inside a transaction never do (zhijia.core.dbrouter). A user
# who wrote reads from the primary for DATABASE_REPLICA_PIN_SECONDS (read-your-writes).
DATABASE_REPLICA_URL = env("DATABASE_REPLICA_URL")
DATABASE_REPLICA_PIN_SECONDS = env_int("DATABASE_REPLICA_PIN_SECONDS", 10)
DATABASE_ROUTERS: list[str] = []
if DATABASE_REPLICA_URL:
    _replica = dj_database_url.parse(DATABASE_REPLICA_URL)
    _replica["CONN_MAX_AGE"] = _db.get("CONN_MAX_AGE", 0)
    _replica["OPTIONS"] = dict(_db.get("OPTIONS", {}))
    if _replica["ENGINE"] != "django.db.backends.sqlite3":  # a misconfigured "replica" refuses writes
        _replica["OPTIONS"]["options"] = (
            _replica["OPTIONS"].get("options", "") + " -c default_transaction_read_only=on"
        )
    _replica["TEST"] = {"MIRROR": "default"}
    DATABASES["replica"] = _replica
    DATABASE_ROUTERS = ["zhijia.core.dbrouter.PrimaryReplicaRouter"]
    MIDDLEWARE.insert(
        MIDDLEWARE.index("zhijia.core.middleware.RequestContextMiddleware") + 1,
        "zhijia.core.dbrouter.ReplicaPinMiddleware",
    )
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# --- Cache, locks, rate limits --------------------------------------------------------------
REDIS_URL = env("REDIS_URL")
if REDIS_URL:
    CACHES = {
        "default": {
            "BACKEND": "zhijia.core.cache_backend.RedisCache",
            "LOCATION": REDIS_URL,
            "KEY_PREFIX": "zhijia",
        }
    }
else:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}

# --- Background work ------------------------------------------------------------------------
# No broker configured: tasks run inline (eagerly), so the embedded default needs nothing else.
CELERY_BROKER_URL = env("CELERY_BROKER_URL")
CELERY_TASK_ALWAYS_EAGER = not CELERY_BROKER_URL
CELERY_TASK_EAGER_PROPAGATES = True
CELERY_TIMEZONE = "Asia/Shanghai"
CELERY_TASK_ACKS_LATE = True
# Workers and beat log through LOGGING below (JSON lines, personal data masked), not Celery's own.
CELERY_WORKER_HIJACK_ROOT_LOGGER = False
# Seal the audit chain in the request after commit (the embedded default). Turn off to seal from
# the beat entry or from cron (`manage.py audit_seal`) on busy servers.
AUDIT_SEAL_INLINE = env_bool("AUDIT_SEAL_INLINE", CELERY_TASK_ALWAYS_EAGER)
CELERY_BEAT_SCHEDULE = {
    "audit-seal": {"task": "zhijia.core.tasks.audit_seal", "schedule": 10.0},
    "activities-offers-expire": {"task": "zhijia.activities.tasks.offers_expire", "schedule": 60.0},
    "activities-finish-due": {"task": "zhijia.activities.tasks.finish_due", "schedule": 3600.0},
    "dispatch-orders-tick": {"task": "zhijia.dispatch.tasks.orders_tick", "schedule": 300.0},
    "benefits-tick": {"task": "zhijia.benefits.tasks.benefits_tick", "schedule": 60.0},
    "stats-fold": {"task": "zhijia.stats.tasks.stats_fold", "schedule": 30.0},
    "members-exports-purge": {"task": "zhijia.members.tasks.exports_purge", "schedule": 60.0},
    "casework-cases-tick": {"task": "zhijia.casework.tasks.cases_tick", "schedule": 3600.0},
}
# Without a broker, `manage.py scheduler` (started by `make run`) runs every entry above inline
# on its schedule; with one, `celery beat` does. A new periodic job is one entry here.
# Seconds a stored (encrypted) member export waits for its one download before it is deleted.
MEMBERS_EXPORT_FILE_TTL = env_int("MEMBERS_EXPORT_FILE_TTL", 900)

# --- Service network ----------------------------------------------------------------------
# Map tiles for the station finder and the console map (Leaflet). Empty: no tiles — markers on a
# plain background, which is what an intranet without a tile server gets. 高德 example:
# https://webrd0{s}.is.autonavi.com/appmaptile?lang=zh_cn&size=1&scale=1&style=8&x={x}&y={y}&z={z}
# (高德 tiles are GCJ-02: set POSITIONS_TILE_DATUM=gcj02 so markers are shifted to match.)
POSITIONS_TILE_URL = env("POSITIONS_TILE_URL")
POSITIONS_TILE_DATUM = env("POSITIONS_TILE_DATUM", "wgs84")
POSITIONS_TILE_ATTRIBUTION = env("POSITIONS_TILE_ATTRIBUTION")
# More image sources for the Content-Security-Policy (e.g. a second tile host), comma-separated.
CSP_EXTRA_IMG_SRC = env_list("CSP_EXTRA_IMG_SRC")
# "lat,lng" (WGS-84) the finder offers as "the city centre" when the phone gives no location.
POSITIONS_DEFAULT_CENTER = tuple(
    float(v) for v in env("POSITIONS_DEFAULT_CENTER", "22.5412,114.0537").split(",")
)

# --- Expert services and benefits -----------------------------------------------------------
# Hours an expert has to accept a dispatched order before it goes back to the dispatcher (超时).
DISPATCH_ACCEPT_HOURS = env_int("DISPATCH_ACCEPT_HOURS", 48)
# Minutes after a redemption in which the merchant's cashier may reverse it (union staff with
# benefits.manage may reverse later, until the voucher expires).
BENEFITS_REVERSAL_MINUTES = env_int("BENEFITS_REVERSAL_MINUTES", 30)
# Voucher claim attempts per account per minute before 429.
BENEFITS_CLAIM_RATE = env_int("BENEFITS_CLAIM_RATE", 30)
# Wrong voucher codes one till (cashier account) may enter per minute before 429.
BENEFITS_BAD_CODE_RATE = env_int("BENEFITS_BAD_CODE_RATE", 20)

# --- Authentication -------------------------------------------------------------------------
AUTH_USER_MODEL = "accounts.User"
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]
LOGIN_URL = "staff:login"
LOGIN_REDIRECT_URL = "staff:home"

# Password policy profile: "dengbao" (GB/T 22239 practice) or "asvs" (OWASP ASVS 5.0).
PASSWORD_POLICY = env("PASSWORD_POLICY", "dengbao")
PASSWORD_MAX_AGE_DAYS = env_int("PASSWORD_MAX_AGE_DAYS", 90 if PASSWORD_POLICY == "dengbao" else 0)
PASSWORD_VALIDATORS_ASVS = [
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator", "OPTIONS": {"min_length": 12}},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {
        "NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator",
        "OPTIONS": {"user_attributes": ("username", "display_name")},
    },
]
PASSWORD_VALIDATORS_DENGBAO = [
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator", "OPTIONS": {"min_length": 8}},
    {"NAME": "zhijia.accounts.passwords.CharacterClassesValidator", "OPTIONS": {"min_classes": 3}},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {
        "NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator",
        "OPTIONS": {"user_attributes": ("username", "display_name")},
    },
]
AUTH_PASSWORD_VALIDATORS = (
    PASSWORD_VALIDATORS_ASVS if PASSWORD_POLICY == "asvs" else PASSWORD_VALIDATORS_DENGBAO
)

# Staff must present a TOTP code when this is on (always on in production settings).
TWO_FACTOR_REQUIRED = env_bool("TWO_FACTOR_REQUIRED", False)
OTP_TOTP_ISSUER = "Zhijia"

# Lockout (django-axes): 5 failures lock the pair (username, IP) for 30 minutes, so an attacker
# elsewhere cannot lock the real user out.
AXES_FAILURE_LIMIT = env_int("LOCKOUT_FAILURES", 5)
AXES_COOLOFF_TIME = env_int("LOCKOUT_MINUTES", 30) / 60
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_CALLABLE = "zhijia.accounts.lockout.lockout_response"
AXES_VERBOSE = False
AXES_IPWARE_META_PRECEDENCE_ORDER = ["REMOTE_ADDR"]

# Sessions: idle timeout (every request renews it), server-side store, HttpOnly cookies.
SESSION_IDLE_MINUTES = env_int("SESSION_IDLE_MINUTES", 30)
SESSION_COOKIE_AGE = SESSION_IDLE_MINUTES * 60
SESSION_SAVE_EVERY_REQUEST = True
SESSION_EXPIRE_AT_BROWSER_CLOSE = True
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
CSRF_COOKIE_SAMESITE = "Lax"
API_TOKEN_HOURS = env_int("API_TOKEN_HOURS", 12)

# SMS: pluggable backend; the console backend writes codes to the log so the demo works offline.
SMS_BACKEND = env("SMS_BACKEND", "zhijia.accounts.sms.ConsoleBackend")
SMS_CODE_TTL_SECONDS = 300
SMS_SEND_INTERVAL_SECONDS = env_int("SMS_SEND_INTERVAL_SECONDS", 60)
SMS_DAILY_LIMIT = env_int("SMS_DAILY_LIMIT", 10)
SMS_IP_HOURLY_LIMIT = env_int("SMS_IP_HOURLY_LIMIT", 30)

# Public endpoints that could be abused as oracles or scraped are rate-limited per minute.
IDENTITY_VALIDATE_PER_MINUTE = env_int("IDENTITY_VALIDATE_PER_MINUTE", 60)  # per client address
JOIN_APPLY_PER_MINUTE = env_int("JOIN_APPLY_PER_MINUTE", 10)  # per worker account
UNION_SEARCH_PER_MINUTE = env_int("UNION_SEARCH_PER_MINUTE", 120)  # per client address
# Where workers reach Zhijia (printed in scan-to-join QR codes); the request's host when empty.
PUBLIC_BASE_URL = env("PUBLIC_BASE_URL")

# --- Personal data ---------------------------------------------------------------------------
# Comma-separated "key-id:base64(32 bytes)" pairs; the first encrypts, all decrypt (rotation).
FIELD_ENCRYPTION_KEYS = env("FIELD_ENCRYPTION_KEYS")
BLIND_INDEX_KEY = env("BLIND_INDEX_KEY")
AUDIT_HMAC_KEY = env("AUDIT_HMAC_KEY")
AUDIT_RETENTION_DAYS = max(183, env_int("AUDIT_RETENTION_DAYS", 183))
# Each seal run appends the signed chain head here (append-only; ship it off the box, see
# docs/security.md); audit_verify checks the database chain against the last head. "" turns it off.
AUDIT_ANCHOR_FILE = env("AUDIT_ANCHOR_FILE", str(VAR_DIR / "audit-anchor.log"))

# --- Internationalisation -------------------------------------------------------------------
LANGUAGE_CODE = "zh-hans"
LANGUAGES = [("zh-hans", "简体中文"), ("zh-hant", "繁體中文"), ("en", "English")]
LOCALE_PATHS = [BASE_DIR / "zhijia" / "locale"]
USE_I18N = True
USE_TZ = True
TIME_ZONE = "Asia/Shanghai"
LANGUAGE_COOKIE_NAME = "zhijia_language"

# --- Static files ---------------------------------------------------------------------------
STATIC_URL = "/static/"
STATIC_ROOT = VAR_DIR / "static"
STATICFILES_DIRS = [BASE_DIR / "zhijia" / "static"]
MEDIA_ROOT = VAR_DIR / "media"
MEDIA_URL = "/media/"
# Serve MEDIA_ROOT from the application (`make run` only; otherwise the web server does, see
# deploy/nginx/zhijia.conf, and DEBUG's development server serves it).
ZHIJIA_SERVE_MEDIA = False
# An {% icon %} missing from the sprite: an error (development, tests) or an empty icon (here).
ZHIJIA_ICONS_STRICT = False
FILE_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024
DATA_UPLOAD_MAX_MEMORY_SIZE = 20 * 1024 * 1024
IMPORT_MAX_BYTES = env_int("IMPORT_MAX_BYTES", 50 * 1024 * 1024)
# An xlsx whose archive unpacks to more than this is refused before calamine reads it (zip bombs).
IMPORT_MAX_UNPACKED_BYTES = env_int("IMPORT_MAX_UNPACKED_BYTES", 300 * 1024 * 1024)

# --- Security headers -----------------------------------------------------------------------
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"

# --- Logging: JSON lines, personal data masked by a filter ----------------------------------
LOG_FORMAT = env("LOG_FORMAT", "json")
LOG_LEVEL = env("LOG_LEVEL", "INFO")
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "filters": {"mask_pii": {"()": "zhijia.core.logging.MaskPersonalDataFilter"}},
    "formatters": {
        "json": {
            "()": "pythonjsonlogger.json.JsonFormatter",
            "format": "%(asctime)s %(levelname)s %(name)s %(message)s",
        },
        "text": {"format": "%(asctime)s %(levelname)s %(name)s %(message)s"},
    },
    "handlers": {
        "console": {
            "class": "logging.StreamHandler",
            "formatter": LOG_FORMAT if LOG_FORMAT in {"json", "text"} else "json",
            "filters": ["mask_pii"],
        }
    },
    "root": {"handlers": ["console"], "level": LOG_LEVEL},
    "loggers": {
        "axes": {"level": "WARNING"},
        "django.db.backends": {"level": "WARNING"},
        # One INFO line per task run ("succeeded in 0.0054…s: <result>"): noise, and its long
        # run-time digits look like an ID number to the log scan. Failures still log as errors.
        "celery.app.trace": {"level": "WARNING"},
        # Loggers Django or the server would otherwise give their own, unmasked handlers: runserver's
        # request lines, gunicorn's access and error logs (when gunicorn runs with an access log).
        "django.server": {"handlers": ["console"], "level": "INFO", "propagate": False},
        "gunicorn.access": {"handlers": ["console"], "level": "INFO", "propagate": False},
        "gunicorn.error": {"handlers": ["console"], "level": "INFO", "propagate": False},
    },
}

NINJA_PAGINATION_CLASS = "zhijia.api.pagination.Pagination"  # a bounded offset (a 400, never a 500)
NINJA_PAGINATION_PER_PAGE = 20
NINJA_PAGINATION_MAX_LIMIT = 200
ZHIJIA_DEMO = False
# Days of generated service-ledger history the demo seeds (zhijia.demo.history).
DEMO_HISTORY_DAYS = env_int("DEMO_HISTORY_DAYS", 365)
