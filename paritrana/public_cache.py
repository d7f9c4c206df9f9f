"""The cache of the public pages (ceremonies.views_public, open data, public API).

A published page is the same for every visitor in one language, so the whole response is
cached under its path and language. Every key carries a generation number; clearing the public
cache is moving to the next generation (old entries expire on their own). The scoring services
clear it when a ranking or award changes and the ceremonies services when results are
published or a certificate is revoked — always after the transaction commits, so that a page
rendered from the old data cannot be cached after the clearing.

Two layers: the shared one (the default cache: Redis in production) renders a page once per
generation for every process, and a local one keeps the responses in this process's memory,
so that a hit costs a dict lookup instead of two Redis round trips and unpickling.

- PUBLIC_CACHE_CHECK_SECONDS (default 1): how often a process reads the shared generation.
  It is the longest another process may go on serving the previous generation after results
  are published or a certificate is revoked; the process that clears forgets at once.
- PUBLIC_CACHE_LOCAL_BYTES (default 32 MB): the local layer's bound per process; the least
  recently served pages are forgotten beyond it (they stay in the shared layer)."""

import threading
import time
from collections import OrderedDict
from functools import lru_cache, wraps
from urllib.parse import urlencode

from django.conf import settings
from django.core.cache import cache
from django.core.signals import setting_changed
from django.db import transaction
from django.dispatch import receiver
from django.http import HttpResponse, QueryDict
from django.utils.translation import get_language

GENERATION_KEY = "public:generation"
TIMEOUT = 60 * 60
CHECK_SECONDS = 1.0
LOCAL_BYTES = 32 * 1024 * 1024
HEADERS = ("Content-Type", "Content-Disposition", "Content-Language")


class _Local:
    """This process's copy of the current generation's responses: least recently served first,
    at most PUBLIC_CACHE_LOCAL_BYTES of content, and the shared generation as last read."""

    def __init__(self):
        self.lock = threading.Lock()
        self.generation = None  # as read from the shared cache at `checked` (time.time())
        self.checked = 0.0
        self.clears = 0  # clearings in this process, so that a slower read cannot undo one
        self.entries = OrderedDict()  # key → (content, headers)
        self.bytes = 0

    def cleared(self, generation) -> None:
        """This process moved the shared generation to `generation`."""
        with self.lock:
            self.clears += 1
            self._move(generation)

    def read(self, generation, clears) -> None:
        """The shared generation was read as `generation` when this process had cleared
        `clears` times; ignored if it has cleared since (the read may have come before)."""
        with self.lock:
            if clears == self.clears:
                self._move(generation)

    def _move(self, generation) -> None:
        if generation != self.generation:
            self.entries.clear()
            self.bytes = 0
        self.generation, self.checked = generation, time.time()

    def get(self, key):
        with self.lock:
            hit = self.entries.get(key)
            if hit is not None:
                self.entries.move_to_end(key)
            return hit

    def put(self, generation, key, hit) -> None:
        size = len(hit[0])
        bound = _configured()[1]
        with self.lock:
            if generation != self.generation or size > bound or key in self.entries:
                return  # rendered before a clearing, or too big to keep here
            self.entries[key] = hit
            self.bytes += size
            while self.bytes > bound:
                _key, (content, _headers) = self.entries.popitem(last=False)
                self.bytes -= len(content)


local = _Local()


@lru_cache
def _configured() -> tuple[float, int]:
    """(PUBLIC_CACHE_CHECK_SECONDS, PUBLIC_CACHE_LOCAL_BYTES), read once: a hit must not pay
    for looking settings up."""
    return (
        getattr(settings, "PUBLIC_CACHE_CHECK_SECONDS", CHECK_SECONDS),
        getattr(settings, "PUBLIC_CACHE_LOCAL_BYTES", LOCAL_BYTES),
    )


@receiver(setting_changed)
def _setting_changed(setting, **kwargs):
    if setting.startswith("PUBLIC_CACHE_"):
        _configured.cache_clear()


def _shared_generation() -> int:
    generation = cache.get(GENERATION_KEY)
    if generation is None:
        # Start from the clock, not from 1, so that a shared cache emptied behind our back
        # (restarted, flushed, evicted) never brings back a generation a process still holds.
        cache.add(GENERATION_KEY, time.time_ns() // 1000, timeout=None)
        generation = cache.get(GENERATION_KEY, 1)
    return generation


def _generation() -> int:
    """The shared generation, read at most every PUBLIC_CACHE_CHECK_SECONDS."""
    if local.generation is None or not 0 <= time.time() - local.checked < _configured()[0]:
        clears = local.clears
        local.read(_shared_generation(), clears)
    return local.generation


def public_cache_clear() -> None:
    """Forget every cached public page now (in other processes within
    PUBLIC_CACHE_CHECK_SECONDS)."""
    try:
        generation = cache.incr(GENERATION_KEY)
    except ValueError:  # no generation yet (or evicted): start one above any cached page
        generation = _shared_generation() + 1
        cache.set(GENERATION_KEY, generation, timeout=None)
    local.cleared(generation)


def public_cache_clear_on_commit() -> None:
    """Forget every cached public page once the current transaction commits."""
    transaction.on_commit(public_cache_clear)


def _response(hit) -> HttpResponse:
    content, headers = hit
    return HttpResponse(content, headers=dict(headers))


def cached_public(view=None, *, params: tuple[str, ...] = ()):
    """Cache a public GET view's successful responses per path, language and the query
    parameters the view reads (`params`, none by default). The view must not show anything that
    depends on the visitor (no user, no CSRF token, no messages).

    Other parameters (`?utm=…`, anything a visitor makes up) are taken off the request before
    the view sees it: the page is the one cached for its address, and a visitor who varies
    the query string gets that page from the cache instead of filling the cache with copies
    of it (an hour each)."""
    if view is None:
        return lambda view: cached_public(view, params=params)

    @wraps(view)
    def wrapper(request, *args, **kwargs):
        if request.method not in ("GET", "HEAD"):
            return view(request, *args, **kwargs)
        query = urlencode([(name, value) for name in params for value in request.GET.getlist(name)])
        if request.META.get("QUERY_STRING", "") != query:
            request.META["QUERY_STRING"] = query
            request.GET = QueryDict(query)
        generation = _generation()
        key = f"public:{generation}:{get_language()}:{request.get_full_path()}"
        hit = local.get(key)
        if hit is not None:
            return _response(hit)
        hit = cache.get(key)
        if hit is not None:
            local.put(generation, key, hit)
            return _response(hit)
        response = view(request, *args, **kwargs)
        if hasattr(response, "render") and callable(response.render):
            response = response.render()
        if response.status_code == 200 and not response.streaming and not response.cookies:
            hit = (response.content, [(n, v) for n, v in response.items() if n in HEADERS])
            cache.set(key, hit, TIMEOUT)
            local.put(generation, key, hit)
        return response

    return wrapper
