"""The shared cache of production: Redis through Django's own backend, where an unreachable Redis is a miss.

Every value cached by Coopérer can be recomputed from the database (it is keyed by a version stamp, `stamps.py`),
so a Redis restart or outage must not fail a page: reads answer "absent", writes are dropped, and a warning is
logged at most once every WARN_SECONDS per process. `check()` is what the health endpoint asks: it raises."""

import logging
import time

from django.core.cache import caches
from django.core.cache.backends.redis import RedisCache, RedisCacheClient
from redis.exceptions import RedisError

logger = logging.getLogger(__name__)
WARN_SECONDS = 30.0


class ReusedClients(RedisCacheClient):
    """Django's client makes a `redis.Redis` object for every operation (a third of a cache read's time); one per
    server is enough: it is thread-safe and draws its connections from the same pool."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self._clients = {}

    def get_client(self, key=None, *, write=False):
        index = self._get_connection_pool_index(write)
        client = self._clients.get(index)
        if client is None:
            client = self._clients[index] = self._client(connection_pool=self._get_connection_pool(write))
        return client


class ForgivingRedisCache(RedisCache):
    _next_warning = 0.0

    def __init__(self, server, params):
        super().__init__(server, params)
        self._class = ReusedClients

    def _forgive(self, operation: str, exc: Exception, default=None):
        now = time.monotonic()
        if now >= ForgivingRedisCache._next_warning:
            ForgivingRedisCache._next_warning = now + WARN_SECONDS
            logger.warning("Cache Redis injoignable (%s) : valeurs recalculées. %s", operation, exc)
        return default

    def get(self, key, default=None, version=None):
        try:
            return super().get(key, default, version)
        except RedisError as exc:
            return self._forgive("get", exc, default)

    def get_many(self, keys, version=None):
        try:
            return super().get_many(keys, version)
        except RedisError as exc:
            return self._forgive("get_many", exc, {})

    def set(self, key, value, timeout=0, version=None, **kwargs):
        try:
            return super().set(key, value, timeout, version)
        except RedisError as exc:
            return self._forgive("set", exc)

    def add(self, key, value, timeout=0, version=None):
        try:
            return super().add(key, value, timeout, version)
        except RedisError as exc:
            return self._forgive("add", exc, False)

    def set_many(self, data, timeout=0, version=None):
        try:
            return super().set_many(data, timeout, version)
        except RedisError as exc:
            return self._forgive("set_many", exc, list(data))

    def delete(self, key, version=None):
        try:
            return super().delete(key, version)
        except RedisError as exc:
            return self._forgive("delete", exc, False)

    def delete_many(self, keys, version=None):
        try:
            return super().delete_many(keys, version)
        except RedisError as exc:
            return self._forgive("delete_many", exc)

    def has_key(self, key, version=None):
        try:
            return super().has_key(key, version)
        except RedisError as exc:
            return self._forgive("has_key", exc, False)

    def touch(self, key, timeout=0, version=None):
        try:
            return super().touch(key, timeout, version)
        except RedisError as exc:
            return self._forgive("touch", exc, False)

    def clear(self):
        try:
            return super().clear()
        except RedisError as exc:
            return self._forgive("clear", exc, False)

    def check(self) -> None:
        self._cache.get_client(write=True).ping()


def check(alias: str = "default") -> None:
    """Raises unless the cache answers: a round trip of a value (a ping for Redis, where errors are forgiven)."""
    backend = caches[alias]
    if isinstance(backend, ForgivingRedisCache):
        backend.check()
        return
    backend.set("cooperer:sante", "ok", 30)
    if backend.get("cooperer:sante") != "ok":
        raise RuntimeError("le cache ne rend pas la valeur écrite")
