"""The cache (Redis in production) as an optimisation the site survives without.

Django's RedisCache raises when Redis does not answer, and everything that uses the cache fell
with it: every public page (paritrana.public_cache) and every login (allauth's rate limits)
answered 500 while Redis was down. ResilientRedisCache answers a failed read as a miss and a
failed write as not written (an add as done), logs it (at most once a minute per process, on
`paritrana.cache`), and gives up on a Redis that does not answer within CACHE_TIMEOUT_SECONDS:
the public pages are rendered (or served from the process's own copy), logins go on with the
per-account lock that lives in the database (accounts), and `/healthz/` says the cache is
unavailable (`available()`).
"""

import logging
import time

from django.core.cache.backends.base import DEFAULT_TIMEOUT
from django.core.cache.backends.redis import RedisCache
from redis.exceptions import RedisError

logger = logging.getLogger("paritrana.cache")

LOG_EVERY_SECONDS = 60.0


class ResilientRedisCache(RedisCache):
    _last_logged = 0.0

    def _failed(self, operation: str, error: Exception) -> None:
        now = time.monotonic()
        if now - ResilientRedisCache._last_logged >= LOG_EVERY_SECONDS:
            ResilientRedisCache._last_logged = now
            logger.warning("Cache unavailable (%s): %s; going on without it", operation, error)

    def available(self) -> bool:
        """Whether Redis answers now (for the health check)."""
        try:
            return bool(self._cache.get_client(write=True).ping())
        except RedisError as error:
            self._failed("ping", error)
            return False

    def _attempt(self, fallback, method, *args):
        """`method(*args)` (RedisCache's own), or `fallback` when Redis fails."""
        try:
            return method(*args)
        except RedisError as error:
            self._failed(method.__name__, error)
            return fallback

    def get(self, key, default=None, version=None):
        return self._attempt(default, super().get, key, default, version)

    def get_many(self, keys, version=None):
        return self._attempt({}, super().get_many, keys, version)

    def has_key(self, key, version=None):
        return self._attempt(False, super().has_key, key, version)

    def add(self, key, value, timeout=DEFAULT_TIMEOUT, version=None):
        # A failed add answers True, as if added: a lock taken with add (allauth's rate limits)
        # must not wait for a holder that cannot exist, and nothing stored means nothing to keep.
        return self._attempt(True, super().add, key, value, timeout, version)

    def set(self, key, value, timeout=DEFAULT_TIMEOUT, version=None):
        self._attempt(None, super().set, key, value, timeout, version)

    def set_many(self, data, timeout=DEFAULT_TIMEOUT, version=None):
        return self._attempt(list(data), super().set_many, data, timeout, version)

    def touch(self, key, timeout=DEFAULT_TIMEOUT, version=None):
        return self._attempt(False, super().touch, key, timeout, version)

    def delete(self, key, version=None):
        return self._attempt(False, super().delete, key, version)

    def delete_many(self, keys, version=None):
        self._attempt(None, super().delete_many, keys, version)

    def incr(self, key, delta=1, version=None):
        try:
            return super().incr(key, delta, version)
        except RedisError as error:
            self._failed("incr", error)
            # As for a key that is not there: the caller starts the value again.
            raise ValueError(f"Key '{key}' not found (cache unavailable)") from error

    def clear(self):
        return self._attempt(False, super().clear)
