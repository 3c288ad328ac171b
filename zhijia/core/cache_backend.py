"""The Redis cache backend (settings.CACHES when REDIS_URL is set): Django's, with two changes
measured on the voucher claim path (docs/benchmarks.md):

- one `redis.Redis` object per connection pool, made once per process, instead of a new one for
  every cache call (Django's `get_client`; ~60 µs each on the 2-core bench machine);
- `count(key, timeout)`: one attempt counted in a fixed window in ONE round trip (`SET NX EX`
  and `INCR`, pipelined), where `add` + `incr` take three (Django's `incr` asks `EXISTS` first).
  `zhijia.core.ratelimit.hit` uses it when the backend has it."""

from collections.abc import Callable
from typing import Any, cast

from django.core.cache.backends.redis import RedisCache as DjangoRedisCache
from django.core.cache.backends.redis import RedisCacheClient


class _Client(RedisCacheClient):
    _client: Callable[..., Any]  # Django's, not in its type stubs
    _get_connection_pool: Callable[[bool], Any]

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._clients: dict[int, Any] = {}

    def get_client(self, key: Any = None, *, write: bool = False) -> Any:
        pool = self._get_connection_pool(write)
        client = self._clients.get(id(pool))
        if client is None:  # redis.Redis is thread-safe; its pool re-connects after a fork
            client = self._clients[id(pool)] = self._client(connection_pool=pool)
        return client

    def count(self, key: str, timeout: int) -> int:
        pipe = self.get_client(key, write=True).pipeline(transaction=False)
        pipe.set(key, 0, ex=timeout, nx=True)
        pipe.incr(key)
        return int(pipe.execute()[1])


class RedisCache(DjangoRedisCache):
    def __init__(self, server: Any, params: dict[str, Any]) -> None:
        super().__init__(server, params)
        self._class = _Client

    def count(self, key: str, timeout: int, version: int | None = None) -> int:
        """Count one attempt under `key`; the count expires `timeout` seconds after the first."""
        key = self.make_and_validate_key(key, version=version)
        return cast(_Client, self._cache).count(key, max(1, int(timeout)))
