"""Settings for bench/enrolment_storm.py and the server it starts: the dev settings with the
bench-only URL module (the product URLs plus the naive check-then-insert view and a trivial JSON
view, the HTTP floor) and DEBUG off, as in production (no per-query SQL log, no debug pages)."""

from config.settings.dev import *  # noqa: F403

DEBUG = False
ROOT_URLCONF = "bench.urls_storm"

# As in production: the audit chain is sealed by the beat entry, not inside each request, where
# every writer would queue on the chain's lock (the bench's database is dropped afterwards).
AUDIT_SEAL_INLINE = False
