"""Security headers: a strict Content-Security-Policy on every kind of page (the two API
documentation pages alone allow inline styles), no inline script without the request's nonce,
and, with the production settings of .env.example, HSTS, secure cookies and HTTPS only."""

import json
import os
import re
import subprocess
import sys
from html.parser import HTMLParser

import pytest
from csp.middleware import CSPMiddleware
from django.http import HttpResponse
from django.template import Context, Template
from django.test import RequestFactory

from tests import demo_data
from tests.test_settings import ROOT, env_example

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("demo_accounts_once")]

STRICT_POLICY = {
    "default-src": ["'self'"],
    "script-src": ["'self'"],
    "style-src": ["'self'"],
    "img-src": ["'self'", "data:"],
    "font-src": ["'self'"],
    "connect-src": ["'self'"],
    "object-src": ["'none'"],
    "base-uri": ["'none'"],
    "frame-ancestors": ["'none'"],
    "form-action": ["'self'"],
}


def policy_of(response) -> dict[str, list[str]]:
    directives = {}
    for part in response["Content-Security-Policy"].split(";"):
        name, *values = part.split()
        directives[name] = values
    return directives


@pytest.fixture
def published(demo_accounts):
    demo_data.seed_ceremonies()
    return demo_accounts


# Representative pages: public, public results with a chart, signed in, the API, the admin.
# Signed-in pages as the secretariat, the others as a visitor.
PAGES = {
    "home": ("/", False),
    "public results": ("/results/2020/", False),
    "statistics with its chart data": ("/results/2020/statistics/", False),
    "a signed-in page": ("/secretariat/", True),
    "an API response": ("/api/v1/editions/", True),
    "the admin": ("/admin/", True),
}


@pytest.mark.parametrize(("path", "signed_in"), PAGES.values(), ids=PAGES.keys())
def test_page_carries_the_strict_policy_and_headers(client, published, path, signed_in):
    if signed_in:
        client.force_login(published["admin@paritrana.test"])

    response = client.get(path)

    assert (response.status_code, policy_of(response)) == (200, STRICT_POLICY)
    assert (
        response["X-Content-Type-Options"],
        response["Referrer-Policy"],
        response["X-Frame-Options"],
    ) == ("nosniff", "strict-origin-when-cross-origin", "DENY")


@pytest.mark.parametrize("path", ["/api/docs/", "/api/redoc/"])
def test_only_the_api_documentation_allows_inline_styles(client, path):
    # Swagger UI and Redoc style their elements inline (paritrana/urls.py, api_docs_csp); their
    # scripts are files like everyone else's.
    response = client.get(path)

    assert (response.status_code, policy_of(response)) == (
        200,
        {**STRICT_POLICY, "style-src": ["'self'", "'unsafe-inline'"], "worker-src": ["blob:"]},
    )


class _Scripts(HTMLParser):
    def __init__(self):
        super().__init__()
        self.scripts: list[dict] = []
        self.handlers: list[str] = []
        self.resources: list[str] = []  # what the page loads: scripts, styles, images, frames

    def handle_starttag(self, tag, attrs):
        attributes = dict(attrs)
        if tag in ("script", "img", "iframe", "source", "video", "audio", "embed"):
            self.resources.append(attributes.get("src") or "")
        elif tag == "link" and attributes.get("rel") in ("stylesheet", "preload", "icon"):
            self.resources.append(attributes.get("href") or "")
        if tag == "script":
            self.scripts.append(attributes)
        self.handlers += [name for name in attributes if name.startswith("on")]
        if "style" in attributes:
            self.handlers.append("style")


def _inline_scripts_without_nonce(response) -> list:
    nonces = [v[len("'nonce-") : -1] for v in policy_of(response)["script-src"] if "nonce-" in v]
    parser = _Scripts()
    parser.feed(response.content.decode())
    return [
        script
        for script in parser.scripts
        # A file of our own (a static file, or Swagger UI's start-up script at /api/docs/).
        if not re.match(r"/(?!/)", script.get("src") or "")
        and script.get("type") != "application/json"  # data for a script, not run
        and script.get("nonce") not in nonces
    ] + parser.handlers


@pytest.mark.parametrize(
    ("path", "signed_in"),
    [
        ("/", False),
        ("/dashboard/", True),
        ("/secretariat/", True),
        ("/audit/nominations/", True),
        ("/ceremonies/", True),
        ("/results/2020/", False),
        ("/results/2020/statistics/", False),
        ("/verify/", False),
        ("/open-data/", False),
        ("/accounts/login/", False),
        ("/admin/", True),
        ("/admin/candidates/nomination/", True),
        ("/api/docs/", False),
        ("/api/redoc/", False),
    ],
)
def test_page_runs_no_inline_script_without_the_nonce(client, published, path, signed_in):
    if signed_in:
        client.force_login(published["admin@paritrana.test"])

    response = client.get(path)

    assert (response.status_code, _inline_scripts_without_nonce(response)) == (200, [])
    # Nothing is loaded from another site (a CDN, Google Fonts): every resource is a path of
    # our own or inline data. (Searching the page for "cdn" failed by chance when a random
    # token on it, the CSRF token or the nonce, happened to contain those letters.)
    parser = _Scripts()
    parser.feed(response.content.decode())
    assert [
        url for url in parser.resources if url and not re.match(r"(/(?!/)|data:)", url)
    ] == [], "third-party resources"


# Templates are checked as written too: a page not rendered above cannot slip an inline script,
# an inline style or an event handler past the policy.
_TEMPLATE_DIRS = [ROOT / "templates", *ROOT.glob("*/templates")]
_FORBIDDEN = {
    "inline script": re.compile(r"<script(?![^>]*\bsrc=)(?![^>]*\bnonce=)[^>]*>", re.I),
    "style element": re.compile(r"<style\b", re.I),
    "style attribute": re.compile(r"\sstyle\s*=", re.I),
    "event handler": re.compile(r"\son[a-z]+\s*=", re.I),
    "javascript: URL": re.compile(r"javascript:", re.I),
}
_COMMENTS = re.compile(r"{#.*?#}|{% comment %}.*?{% endcomment %}", re.S)


def test_templates_have_no_inline_script_style_or_handler():
    templates = [(d, p) for d in _TEMPLATE_DIRS for p in sorted(d.rglob("*.html"))]
    found = [
        (str(path.relative_to(directory)), what)
        for directory, path in templates
        for what, pattern in _FORBIDDEN.items()
        if pattern.search(_COMMENTS.sub("", path.read_text()))
    ]
    assert (len(templates) > 20, found) == (True, [])


def test_inline_script_with_the_request_nonce_is_allowed_by_the_policy():
    template = Template('<script nonce="{{ request.csp_nonce }}">1</script>')

    def view(request):
        return HttpResponse(template.render(Context({"request": request})))

    response = CSPMiddleware(view)(RequestFactory().get("/"))

    nonce = re.search(r'nonce="([^"]+)"', response.content.decode())[1]
    assert policy_of(response)["script-src"] == ["'self'", f"'nonce-{nonce}'"]


# ---------------------------------------------------------------------------------------------
# Production settings (.env.example), read at import: checked in a fresh interpreter. The
# database is a throwaway SQLite file with the session table, the cache local memory, and static
# file names unhashed (no collectstatic here); everything else is .env.example's.

_PRODUCTION_PROBE = """
import json
import django
django.setup()
from django.contrib.sessions.middleware import SessionMiddleware
from django.core.management import call_command
from django.http import HttpResponse
from django.test import Client, RequestFactory

call_command("migrate", "sessions", verbosity=0)
client = Client(HTTP_HOST="paritrana.example.id")
https = {"HTTP_X_FORWARDED_PROTO": "https"}
page = client.get("/accounts/login/", **https)
plain = client.get("/accounts/login/")
language = client.post("/i18n/setlang/", {"language": "en", "next": "/"}, **https)


def write_session(request):
    request.session["seen"] = True
    return HttpResponse()


session = SessionMiddleware(write_session)(RequestFactory().get("/", secure=True))


def cookie(response, name):
    morsel = response.cookies[name]
    return {k: morsel[k] for k in ("secure", "httponly", "samesite")}


print(json.dumps({
    "status": page.status_code,
    "headers": {k: page.headers.get(k) for k in (
        "Strict-Transport-Security", "X-Content-Type-Options", "Referrer-Policy",
        "X-Frame-Options", "Cross-Origin-Opener-Policy")},
    "plain": [plain.status_code, plain.headers.get("Location")],
    "csrf": cookie(page, "csrftoken"),
    "session": cookie(session, "sessionid"),
    "language": cookie(language, "django_language"),
}))
"""


def test_production_settings_send_hsts_and_secure_cookies(tmp_path):
    env = {
        "PATH": os.environ["PATH"],
        "PYTHONPATH": str(ROOT),
        "DJANGO_SETTINGS_MODULE": "paritrana.settings",
        **env_example(),
        "DATABASE_URL": f"sqlite:///{tmp_path / 'db.sqlite3'}",
        "REDIS_URL": "",
        "STATIC_MANIFEST": "0",
    }

    result = subprocess.run(
        [sys.executable, "-c", _PRODUCTION_PROBE],
        env=env,
        cwd=ROOT,
        capture_output=True,
        text=True,
    )

    assert result.returncode == 0, result.stderr
    assert json.loads(result.stdout) == {
        "status": 200,
        "headers": {
            "Strict-Transport-Security": "max-age=31536000; includeSubDomains; preload",
            "X-Content-Type-Options": "nosniff",
            "Referrer-Policy": "strict-origin-when-cross-origin",
            "X-Frame-Options": "DENY",
            "Cross-Origin-Opener-Policy": "same-origin",
        },
        # Plain HTTP is sent to HTTPS.
        "plain": [301, "https://paritrana.example.id/accounts/login/"],
        "csrf": {"secure": True, "httponly": "", "samesite": "Lax"},
        "session": {"secure": True, "httponly": True, "samesite": "Lax"},
        "language": {"secure": True, "httponly": "", "samesite": "Lax"},
    }


# ---------------------------------------------------------------------------------------------
# What a logged-in person sees is not kept by browsers or proxies (issue 24)


def test_logged_in_pages_and_private_api_answers_are_not_stored(client, demo_accounts):
    from tests.factories import api_token

    staff = demo_accounts["cabang.gorontalo@paritrana.test"]
    client.force_login(staff)
    for url in ("/dashboard/", "/branch/nominations/", "/api/v1/nominations/", "/"):
        response = client.get(url)
        assert (url, response.status_code, response["Cache-Control"]) == (
            url,
            200,
            "private, no-store",
        )
    client.logout()
    header, _token = api_token(staff)
    response = client.get("/api/v1/nominations/", HTTP_AUTHORIZATION=header)
    assert (response.status_code, response["Cache-Control"]) == (200, "private, no-store")
    # Refused too: an API answer outside the public part says nothing to keep.
    assert client.get("/api/v1/nominations/")["Cache-Control"] == "private, no-store"


def test_public_pages_for_anonymous_visitors_may_be_kept(client):
    for url in ("/", "/api/v1/public/editions/"):
        response = client.get(url)
        assert (url, response.status_code, response.has_header("Cache-Control")) == (
            url,
            200,
            False,
        )
