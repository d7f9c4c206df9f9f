"""PDF from HTML with WeasyPrint, fetching nothing but the project's own static files.

WeasyPrint fetches whatever a page links to (stylesheets, images, fonts) and, left to its
default fetcher, would follow any URL: an address typed into a nominee's name or a note that
slipped past escaping would make the server request it (SSRF), and a `file:` URL would read the
server's disk. StaticFilesFetcher serves only files found by django.contrib.staticfiles (the
finders, then the collected static root, where hashed names live in production) under the
static URL of the page's own origin, and refuses everything else before any connection is made.
Used by the decision files (scoring) and the certificates (ceremonies).

Each thread keeps one WeasyPrint FontConfiguration for all its renders: creating one loads
Fontconfig's configuration and the fonts again, and Pango's font cache lives in it, so a
reused one makes every render after the first cheaper (a Celery worker process warms it up
before its first task, ceremonies.tasks). Only the project's stylesheets reach it (the fetcher
above), so no document adds fonts that a later one would see."""

import mimetypes
import posixpath
import threading
from urllib.parse import unquote, urljoin, urlsplit

from django.conf import settings
from django.contrib.staticfiles import finders
from django.contrib.staticfiles.storage import staticfiles_storage
from django.core.exceptions import SuspiciousFileOperation
from weasyprint import HTML
from weasyprint.text.fonts import FontConfiguration
from weasyprint.urls import URLFetcher, URLFetcherResponse

_local = threading.local()


class RefusedURL(ValueError):
    """A resource the PDF may not load. WeasyPrint logs it and renders without it."""


class StaticFilesFetcher(URLFetcher):
    """Serves `<base_url origin><STATIC_URL>…` from the static files; refuses every other URL
    (other hosts, other paths, `file:`, `data:`, paths climbing out with `..`)."""

    def __init__(self, base_url: str):
        super().__init__(allowed_protocols=(), allow_redirects=False)
        self.prefix = urljoin(base_url, settings.STATIC_URL)

    def fetch(self, url, headers=None):
        name = self.static_name(url)
        path = self.find(name)
        if path is None:
            raise RefusedURL(f"No such static file: {url}")
        with open(path, "rb") as file:
            body = file.read()
        content_type = mimetypes.guess_type(name)[0] or "application/octet-stream"
        return URLFetcherResponse(url, body, {"Content-Type": content_type})

    def static_name(self, url: str) -> str:
        """The static file's name in `url`, or RefusedURL."""
        if not url.startswith(self.prefix):
            raise RefusedURL(f"Only the site's static files are loaded: {url}")
        parts = urlsplit(url)
        prefix_path = urlsplit(self.prefix).path
        name = unquote(parts.path)[len(unquote(prefix_path)) :]
        segments = name.split("/")
        if not name or ".." in segments or "\\" in name or name.startswith("/"):
            raise RefusedURL(f"Not a static file name: {url}")
        return posixpath.normpath(name)

    @staticmethod
    def find(name: str) -> str | None:
        try:
            found = finders.find(name)
        except SuspiciousFileOperation:
            return None
        if found:
            return found[0] if isinstance(found, list) else found
        # Collected files (e.g. a hashed name of the manifest storage in production).
        try:
            if staticfiles_storage.exists(name):
                return staticfiles_storage.path(name)
        except (SuspiciousFileOperation, NotImplementedError):
            return None
        return None


def render_pdf(html: str, *, base_url: str) -> bytes:
    """`html` as PDF. `base_url` is the page's address (e.g. request.build_absolute_uri()):
    relative links resolve against it, and only the static files under its origin load."""
    fetcher = StaticFilesFetcher(base_url)
    document = HTML(string=html, base_url=base_url, url_fetcher=fetcher)
    return document.write_pdf(font_config=font_configuration())


def font_configuration() -> FontConfiguration:
    """This thread's FontConfiguration (a FontConfiguration is not shared between threads)."""
    config = getattr(_local, "font_config", None)
    if config is None:
        config = _local.font_config = FontConfiguration()
    return config
