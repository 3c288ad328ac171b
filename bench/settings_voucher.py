"""Settings for bench/voucher_flash_sale.py and the servers it starts: the dev settings with the
bench-only URL module (the product URLs plus the naive check-then-insert claim and a trivial JSON
view, the HTTP floor) and DEBUG off, as in production (no per-query SQL log, no debug pages).
The cache is Redis from REDIS_URL (set by bench/voucher_env.py: a database of the bench's own, or
a refused port for the "Redis is down" run)."""

from config.settings.dev import *  # noqa: F403

DEBUG = False
ROOT_URLCONF = "bench.urls_voucher"

# As in production: the audit chain is sealed by the beat entry, not inside each request, where
# every writer would queue on the chain's lock (the bench's database is dropped afterwards).
AUDIT_SEAL_INLINE = False
