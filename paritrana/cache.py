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

    def get(self, key, default=None, version=None):
        try:
            return super().get(key, default, version)
        except RedisError as error:
            self._failed("get", error)
            return default

    def get_many(self, keys, version=None):
        try:
            return super().get_many(keys, version)
        except RedisError as error:
            self._failed("get_many", error)
            return {}

    def has_key(self, key, version=None):
        try:
            return super().has_key(key, version)
        except RedisError as error:
            self._failed("has_key", error)
            return False

    def add(self, key, value, timeout=DEFAULT_TIMEOUT, version=None):
        try:
            return super().add(key, value, timeout, version)
        except RedisError as error:
            self._failed("add", error)
            # As if added: a lock taken with add (allauth's rate limits) must not wait for a
            # holder that cannot exist, and nothing stored means nothing to keep.
            return True

    def set(self, key, value, timeout=DEFAULT_TIMEOUT, version=None):
        try:
            super().set(key, value, timeout, version)
        except RedisError as error:
            self._failed("set", error)

    def set_many(self, data, timeout=DEFAULT_TIMEOUT, version=None):
        try:
            return super().set_many(data, timeout, version)
        except RedisError as error:
            self._failed("set_many", error)
            return list(data)

    def touch(self, key, timeout=DEFAULT_TIMEOUT, version=None):
        try:
            return super().touch(key, timeout, version)
        except RedisError as error:
            self._failed("touch", error)
            return False

    def delete(self, key, version=None):
        try:
            return super().delete(key, version)
        except RedisError as error:
            self._failed("delete", error)
            return False

    def delete_many(self, keys, version=None):
        try:
            super().delete_many(keys, version)
        except RedisError as error:
            self._failed("delete_many", error)

    def incr(self, key, delta=1, version=None):
        try:
            return super().incr(key, delta, version)
        except RedisError as error:
            self._failed("incr", error)
            # As for a key that is not there: the caller starts the value again.
            raise ValueError(f"Key '{key}' not found (cache unavailable)") from error

    def clear(self):
        try:
            return super().clear()
        except RedisError as error:
            self._failed("clear", error)
            return False
