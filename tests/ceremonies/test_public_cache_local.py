"""The public cache's local layer (paritrana.public_cache): a clearing in this process is seen at
once, one in another process (the shared generation moved behind this one's back) within
PUBLIC_CACHE_CHECK_SECONDS and not before, and the layer keeps no more than its bound."""

import time

import time_machine
from django.core.cache import cache
from django.http import HttpResponse
from django.test import RequestFactory, override_settings
from django.utils import translation

from paritrana import public_cache
from paritrana.public_cache import GENERATION_KEY, cached_public, public_cache_clear

rendered = []


@cached_public
def counting(request):
    """A page that says how many times it was rendered."""
    rendered.append(request.path)
    return HttpResponse(f"{request.path} {len(rendered)}")


def _get(path: str) -> str:
    with translation.override("id"):
        return counting(RequestFactory().get(path)).content.decode()


def _another_process_clears() -> None:
    cache.incr(GENERATION_KEY)


def setup_function():
    rendered.clear()


@override_settings(PUBLIC_CACHE_CHECK_SECONDS=5)
def test_a_clearing_in_this_process_is_seen_at_once():
    with time_machine.travel("2026-08-17 10:00 +0700", tick=False):
        assert _get("/a/") == "/a/ 1"
        assert _get("/a/") == "/a/ 1"
        public_cache_clear()
        assert _get("/a/") == "/a/ 2"
        assert _get("/a/") == "/a/ 2"


@override_settings(PUBLIC_CACHE_CHECK_SECONDS=5)
def test_a_clearing_in_another_process_is_seen_after_the_check_interval():
    with time_machine.travel("2026-08-17 10:00 +0700", tick=False) as clock:
        public_cache_clear()  # the generation is read now
        assert _get("/a/") == "/a/ 1"
        _another_process_clears()
        clock.shift(4.9)
        assert _get("/a/") == "/a/ 1"  # the previous generation, from this process's memory
        clock.shift(0.1)
        assert _get("/a/") == "/a/ 2"
        assert _get("/a/") == "/a/ 2"


@override_settings(PUBLIC_CACHE_CHECK_SECONDS=5)
def test_another_process_reuses_the_shared_render():
    with time_machine.travel("2026-08-17 10:00 +0700", tick=False):
        public_cache_clear()
        assert _get("/a/") == "/a/ 1"
        # Another process starts with an empty local layer: the shared layer answers.
        public_cache.local.entries.clear()
        public_cache.local.bytes = 0
        assert _get("/a/") == "/a/ 1"
        assert rendered == ["/a/"]
        assert list(public_cache.local.entries) == [
            f"public:{public_cache.local.generation}:id:/a/"
        ]


@override_settings(PUBLIC_CACHE_CHECK_SECONDS=5)
def test_a_lost_generation_starts_again_at_a_new_one():
    """The shared cache restarted or evicted the generation (not the pages): processes that
    still hold the old one must not take the new one for it. The clock runs on from now, so
    that the new generation is one no earlier run left pages under (Redis outlives a run)."""
    cache.delete("public:1:id:/a/")
    with time_machine.travel(time.time(), tick=False) as clock:
        cache.set(GENERATION_KEY, 1, timeout=None)  # as starting from 1 would have set it
        clock.shift(5)
        assert _get("/a/") == "/a/ 1"
        cache.delete(GENERATION_KEY)
        clock.shift(5)
        assert _get("/a/") == "/a/ 2"


def test_the_local_layer_forgets_the_least_recently_served_beyond_its_bound():
    size = len("/p1/ 1")  # every page below is this long
    with override_settings(PUBLIC_CACHE_LOCAL_BYTES=3 * size):
        for path in ("/p1/", "/p2/", "/p3/"):
            _get(path)
        _get("/p1/")  # served again: now the most recent
        _get("/p4/")
        paths = [key.rsplit(":", 1)[1] for key in public_cache.local.entries]
        assert paths == ["/p3/", "/p1/", "/p4/"]
        assert public_cache.local.bytes == 3 * size
        # The forgotten page is still in the shared layer: not rendered again.
        assert _get("/p2/") == "/p2/ 2"
        assert rendered == ["/p1/", "/p2/", "/p3/", "/p4/"]
        paths = [key.rsplit(":", 1)[1] for key in public_cache.local.entries]
        assert paths == ["/p1/", "/p4/", "/p2/"]


def test_a_page_larger_than_the_bound_is_kept_in_the_shared_layer_only():
    with override_settings(PUBLIC_CACHE_LOCAL_BYTES=3):
        assert _get("/big/") == "/big/ 1"
        assert _get("/big/") == "/big/ 1"
        assert public_cache.local.entries == {}
        assert public_cache.local.bytes == 0


def test_a_page_rendered_before_a_clearing_is_not_kept():
    @cached_public
    def cleared_while_rendering(request):
        rendered.append(request.path)
        public_cache_clear()  # e.g. results published in another thread meanwhile
        return HttpResponse(f"{request.path} {len(rendered)}")

    with translation.override("id"):
        cleared_while_rendering(RequestFactory().get("/c/"))
    assert public_cache.local.entries == {}
    assert _get("/c/") == "/c/ 2"
