"""gunicorn settings for `make run` (scripts/run.py) and the systemd unit (deploy/systemd/).

    gunicorn -c config/gunicorn.py config.wsgi

Every line gunicorn writes, the access log included, is a JSON object with personal data masked
by the same filter as the application's log (zhijia.core.logging). Tuned by the environment:
ZHIJIA_BIND (127.0.0.1:8000), WEB_CONCURRENCY (workers: 2 × cores + 1, at most 8),
ZHIJIA_THREADS (threads per worker, 4), ZHIJIA_ACCESS_LOG (on; "0" turns it off), LOG_LEVEL.
"""

import multiprocessing
import os
import time

# Django sets the process's TZ to settings.TIME_ZONE; the master logs before Django is set up.
os.environ.setdefault("TZ", "Asia/Shanghai")
time.tzset()

bind = os.environ.get("ZHIJIA_BIND", "127.0.0.1:8000")
workers = int(os.environ.get("WEB_CONCURRENCY") or min(8, 2 * multiprocessing.cpu_count() + 1))
# Threads keep a worker busy with a slow phone's upload from stalling the others; SQLite's
# writer lock and PostgreSQL's pool bound the real concurrency.
worker_class = "gthread"
threads = int(os.environ.get("ZHIJIA_THREADS", "4"))
timeout = 60
graceful_timeout = 15
# Django is imported once in the master and the workers fork from it: they start in a fraction
# of the time and share the read-only pages. (A code change needs a restart, not a HUP.)
preload_app = os.environ.get("ZHIJIA_PRELOAD", "1") != "0"
keepalive = 5
# Recycle workers now and then (a slow leak in any library then cannot grow without bound).
max_requests = 5000
max_requests_jitter = 500
forwarded_allow_ips = os.environ.get("FORWARDED_ALLOW_IPS", "127.0.0.1")
proc_name = "zhijia-web"
# gunicorn's control socket defaults to one path per user (~/.gunicorn/gunicorn.ctl), which two
# instances on one machine would fight over; nothing here uses it.
control_socket_disable = True
# One line per request; the query string may hold a phone number: the filter masks it.
access_log_format = '%(h)s "%(r)s" %(s)s %(b)s %(M)sms "%(a)s"'
_access = os.environ.get("ZHIJIA_ACCESS_LOG", "1").lower() not in {"0", "false", "no", "off"}
_level = os.environ.get("LOG_LEVEL", "INFO").upper()

logconfig_dict = {
    "version": 1,
    "disable_existing_loggers": False,
    "filters": {"mask_pii": {"()": "zhijia.core.logging.MaskPersonalDataFilter"}},
    "formatters": {
        "json": {
            "()": "pythonjsonlogger.json.JsonFormatter",
            "format": "%(asctime)s %(levelname)s %(name)s %(process)d %(message)s",
        }
    },
    "handlers": {
        "console": {
            "class": "logging.StreamHandler",
            "formatter": "json",
            "filters": ["mask_pii"],
            "stream": "ext://sys.stdout",
        },
    },
    "root": {"handlers": ["console"], "level": _level},
    "loggers": {
        "gunicorn.error": {"handlers": ["console"], "level": _level, "propagate": False},
        "gunicorn.access": {
            "handlers": ["console"] if _access else [],
            "level": "INFO" if _access else "CRITICAL",
            "propagate": False,
        },
    },
}


def when_ready(server):
    """Resolve the URLconf in the master too, so no worker pays for it on its first request.
    Nothing here opens a database connection (a forked worker must not inherit one)."""
    if not server.cfg.preload_app:
        return
    from django.urls import get_resolver

    get_resolver().url_patterns  # noqa: B018
    # What the master loaded stays out of the workers' garbage collections: otherwise every
    # collection (and the exit) touches, and so copies, the pages they share with the master.
    import gc

    gc.freeze()
