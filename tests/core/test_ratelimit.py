"""zhijia.core.ratelimit.hit — the one fixed-window counter — on the local-memory cache (the
embedded default) and on the Redis backend of zhijia.core.cache_backend (skipped where no Redis
answers on REDIS_URL or 127.0.0.1:6379)."""

import datetime as dt
import os
import uuid

import pytest
import time_machine
from django.core.cache.backends.locmem import LocMemCache
from django.utils import timezone

from zhijia.core import ratelimit
from zhijia.core.cache_backend import RedisCache


def test_hit_counts_per_key_on_the_local_cache():
    local = LocMemCache("ratelimit-test", {})
    assert [ratelimit.hit("a", 60, using=local) for _ in range(3)] == [1, 2, 3]
    assert ratelimit.hit("b", 60, using=local) == 1


def test_a_count_ends_with_its_timeout():
    local = LocMemCache("ratelimit-expiry", {})
    with time_machine.travel(timezone.now(), tick=False) as clock:
        ratelimit.hit("a", 60, using=local)
        ratelimit.hit("a", 60, using=local)
        clock.shift(dt.timedelta(seconds=61))
        assert ratelimit.hit("a", 60, using=local) == 1


@pytest.fixture
def redis_cache():
    url = os.environ.get("REDIS_URL") or "redis://127.0.0.1:6379/0"
    backend = RedisCache(url, {"KEY_PREFIX": f"zhijia-test-{uuid.uuid4().hex}"})
    try:
        backend.get("ping")
    except Exception:  # no Redis on this machine
        pytest.skip("no Redis answers on REDIS_URL or 127.0.0.1:6379")
    yield backend
    client = backend._cache.get_client(write=True)
    keys = list(client.scan_iter(match=f"{backend.key_prefix}*"))
    if keys:
        client.delete(*keys)


def test_redis_counts_in_one_call_and_sets_the_timeout(redis_cache):
    assert [ratelimit.hit("a", 30, using=redis_cache) for _ in range(3)] == [1, 2, 3]
    client = redis_cache._cache.get_client(write=True)
    ttl = client.ttl(redis_cache.make_key("a"))
    assert 0 < ttl <= 30
    ratelimit.hit("a", 30, using=redis_cache)  # a later hit does not extend the window
    assert client.ttl(redis_cache.make_key("a")) <= ttl


def test_redis_backend_keeps_one_client_object_and_django_semantics(redis_cache):
    assert redis_cache._cache.get_client() is redis_cache._cache.get_client()
    redis_cache.set("n", 5, 30)
    assert redis_cache.incr("n") == 6
    with pytest.raises(ValueError):
        redis_cache.incr("missing")
    assert redis_cache.get_many(["n", "missing"]) == {"n": 6}
    assert redis_cache.add("n", 1, 30) is False
