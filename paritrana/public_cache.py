"""The cache of the public pages (ceremonies.views_public, open data, public API).

A published page is the same for every visitor in one language, so the whole response is
cached under its path and language. Every key carries a generation number; clearing the public
cache is moving to the next generation (old entries expire on their own). The scoring services
clear it when a ranking or award changes and the ceremonies services when results are
published or a certificate is revoked — always after the transaction commits, so that a page
rendered from the old data cannot be cached after the clearing."""

from functools import wraps

from django.core.cache import cache
from django.db import transaction
from django.http import HttpResponse
from django.utils.translation import get_language

GENERATION_KEY = "public:generation"
TIMEOUT = 60 * 60


def _generation() -> int:
    generation = cache.get(GENERATION_KEY)
    if generation is None:
        cache.add(GENERATION_KEY, 1, timeout=None)
        generation = cache.get(GENERATION_KEY, 1)
    return generation


def public_cache_clear() -> None:
    """Forget every cached public page now."""
    try:
        cache.incr(GENERATION_KEY)
    except ValueError:  # no generation yet (or evicted): start one above any cached page
        cache.set(GENERATION_KEY, _generation() + 1, timeout=None)


def public_cache_clear_on_commit() -> None:
    """Forget every cached public page once the current transaction commits."""
    transaction.on_commit(public_cache_clear)


def cached_public(view):
    """Cache a public GET view's successful responses per path, query and language. The view
    must not show anything that depends on the visitor (no user, no CSRF token, no messages)."""

    @wraps(view)
    def wrapper(request, *args, **kwargs):
        if request.method not in ("GET", "HEAD"):
            return view(request, *args, **kwargs)
        key = f"public:{_generation()}:{get_language()}:{request.get_full_path()}"
        hit = cache.get(key)
        if hit is not None:
            content, headers = hit
            response = HttpResponse(content)
            for name, value in headers:
                response[name] = value
            return response
        response = view(request, *args, **kwargs)
        if hasattr(response, "render") and callable(response.render):
            response = response.render()
        if response.status_code == 200 and not response.streaming and not response.cookies:
            headers = [
                (name, value)
                for name, value in response.items()
                if name in ("Content-Type", "Content-Disposition", "Content-Language")
            ]
            cache.set(key, (response.content, headers), TIMEOUT)
        return response

    return wrapper
