"""Benefits tests: every test starts with empty benefits caches (per-process campaign snapshots
and the Django cache), so flags of one test never answer for another."""

import pytest
from django.core.cache import cache as django_cache

from zhijia.benefits import cache


@pytest.fixture(autouse=True)
def _fresh_benefits_cache():
    cache.local_clear()
    django_cache.clear()
    yield
    cache.local_clear()


class BrokenCache:
    """A cache backend whose server is down: every call raises."""

    def __getattr__(self, name):
        def fail(*args, **kwargs):
            raise ConnectionError("redis is down")

        return fail


@pytest.fixture
def redis_down(monkeypatch):
    """The benefits cache's backend raises on every call (Redis down)."""
    monkeypatch.setattr(cache, "_cache", BrokenCache())
    return cache
