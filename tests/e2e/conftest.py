"""Browser tests: pytest-playwright driving Debian's Chromium (the Playwright browser download
does not work on these machines) against pytest-django's live server.

Chromium runs headless with --no-sandbox (CI runs as root) and --disable-background-networking
(no internet here). CHROMIUM names another binary. Each test saves a screenshot of every step
in E2E_SCREENSHOTS (default: test-artifacts/screenshots/, not kept in git), one folder per test."""

import os
import shutil
from pathlib import Path

import pytest

from tests import services

ROOT = Path(__file__).resolve().parents[2]
SCREENSHOTS = Path(os.environ.get("E2E_SCREENSHOTS", ROOT / "test-artifacts" / "screenshots"))
CHROMIUM = services.CHROMIUM


# Playwright's synchronous API keeps an event loop running in the main thread from the first
# browser test to the end of the session, so Django would refuse every later database call as
# "async"; they are plain synchronous calls. (tests/test_settings.py keeps it out of the
# deployment check it runs.)
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

PHONE = {"width": 390, "height": 844}
DESKTOP = {"width": 1280, "height": 900}


@pytest.fixture(scope="session")
def browser_type_launch_args(browser_type_launch_args, require_chromium):
    return {
        **browser_type_launch_args,
        "executable_path": CHROMIUM,
        "args": ["--no-sandbox", "--disable-background-networking"],
    }


@pytest.fixture(scope="session")
def require_chromium(request):
    """Debian's Chromium, or a skip (a failure in CI, which installs it)."""
    if not (os.access(CHROMIUM, os.X_OK) or shutil.which(CHROMIUM)):
        reason = f"Chromium is not installed at {CHROMIUM} (apt-get install chromium)"
        if request.config.require_services:
            pytest.fail(f"{reason} (REQUIRE_SERVICES=1)")
        pytest.skip(services.MISSING + reason)


class Steps:
    """Screenshots of a journey's steps, numbered in order: <test>/<nn>-<name>.png."""

    def __init__(self, folder: Path):
        self.folder = folder
        self.count = 0
        shutil.rmtree(folder, ignore_errors=True)
        folder.mkdir(parents=True)

    def shot(self, page, name: str) -> Path:
        self.count += 1
        path = self.folder / f"{self.count:02d}-{name}.png"
        page.screenshot(path=path, full_page=True)
        return path


@pytest.fixture
def steps(request) -> Steps:
    return Steps(SCREENSHOTS / request.node.name.replace("[", "-").rstrip("]"))


@pytest.fixture(autouse=True)
def _cookies_over_http(settings):
    """The live server speaks plain HTTP; production's cookies are Secure (HTTPS only)."""
    settings.SESSION_COOKIE_SECURE = False
    settings.CSRF_COOKIE_SECURE = False
    settings.LANGUAGE_COOKIE_SECURE = False


@pytest.fixture
def open_as(live_server, browser):
    """`open_as(user, viewport=DESKTOP, language="id")`: a new browser window (a Playwright
    page) logged in as `user` after a complete login (password and, for the deciding roles,
    the authenticator code; tests/accounts/test_mfa.py drives those forms themselves), in
    `language`. The login is made with the test client and handed to the browser as its
    session cookie."""
    from django.conf import settings

    from tests.auth import Client

    contexts = []

    def open_as(user, *, viewport=DESKTOP, language="id"):
        client = Client()
        client.force_login(user)
        context = browser.new_context(viewport=viewport, accept_downloads=True)
        contexts.append(context)
        context.add_cookies(
            [
                {
                    "name": settings.SESSION_COOKIE_NAME,
                    "value": client.cookies[settings.SESSION_COOKIE_NAME].value,
                    "url": live_server.url,
                },
                {"name": settings.LANGUAGE_COOKIE_NAME, "value": language, "url": live_server.url},
            ]
        )
        return context.new_page()

    yield open_as
    for context in contexts:
        context.close()
