"""The project's URLs plus the floors measured beside them (bench.public)."""

from functools import lru_cache

from django.http import HttpResponse
from django.urls import path

from paritrana.urls import urlpatterns as project_urlpatterns


@lru_cache(maxsize=4)
def _page_of(size: int) -> bytes:
    return b"<!doctype html>" + b"x" * (size - len(b"<!doctype html>"))


def floor_page(request, size: int):
    """The public results page's floor: `size` bytes of HTML already in memory (bench.public)."""
    return HttpResponse(_page_of(size), content_type="text/html; charset=utf-8")


urlpatterns = [
    path("bench/floor/<int:size>/", floor_page, name="bench-floor"),
    *project_urlpatterns,
]
