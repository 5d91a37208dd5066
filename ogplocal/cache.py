"""Django's Redis cache with one client object per connection pool.

Django's `RedisCacheClient` builds a new `redis.Redis` for every cache call, and redis-py fills a
case-insensitive table of its several hundred response callbacks in each constructor: that was
half the time of a cached public page, which makes two cache calls (issue 11). A `redis.Redis` over
a connection pool is safe to share between threads, so one is kept per pool.
"""

from __future__ import annotations

from typing import Any

from django.core.cache.backends import redis as django_redis


class RedisCacheClient(django_redis.RedisCacheClient):
    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._clients: dict[int, Any] = {}

    def get_client(self, key: Any = None, *, write: bool = False) -> Any:
        index = self._get_connection_pool_index(write)  # type: ignore[attr-defined]
        client = self._clients.get(index)
        if client is None:
            client = self._clients[index] = super().get_client(key, write=write)
        return client


class RedisCache(django_redis.RedisCache):
    def __init__(self, server: str, params: dict[str, Any]) -> None:
        super().__init__(server, params)
        self._class = RedisCacheClient
