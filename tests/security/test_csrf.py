"""Cross-site request forgery: every route of the resolver that takes a write (POST, PUT, PATCH,
DELETE) refuses it without the CSRF token — as a plain request, as an htmx request and on the
API with a session — even when the person logged in may use it, and nothing changes; every
form the pages render carries the token, and htmx requests send it.

The routes and their sample ids come from tests/security/walker.py (the resolver's patterns
filled with ids of the demo data), so a route added later is covered without touching this
file."""

import re
from html.parser import HTMLParser

import pytest
from django.apps import apps
from django.conf import settings
from django.test import Client
from django.utils import translation

from ceremonies.demo import seed_ceremonies
from tests.auth import login
from tests.security import walker

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("demo_accounts_once")]

ADMIN = "admin@paritrana.test"
# Whose pages are read for their forms: anonymous, the secretariat, both branches, a panel
# member and chair, the jury chair (a juror's forms are the chair's) and the auditor.
FORM_USERS = (
    None,
    ADMIN,
    "cabang.gorontalo@paritrana.test",
    "cabang.bekasi@paritrana.test",
    "panel.jabar@paritrana.test",
    "ketua.panel.jabar@paritrana.test",
    "ketua.juri@paritrana.test",
    "auditor@paritrana.test",
)
API_CSRF_FAILED = {"detail": "CSRF Failed: CSRF token missing."}
# Sessions change on every request (last activity, for the idle timeout); they are not data.
NOT_DATA = {"sessions.session"}
HX_TOKEN = re.compile(r'\{"X-CSRFToken": "[A-Za-z0-9]{64}"\}')
DOWNLOAD = re.compile(r"\.(pdf|zip|xlsx|csv)$|\.<|templates/")


@pytest.fixture
def site(demo_accounts, tasks_in_process):
    seed_ceremonies()
    return walker.probes(walker.demo_samples())


def user_for(probe: walker.Probe) -> str:
    """Someone who may use the route: the branch of the nomination for the branch pages and
    nomination API, the chair of the panel for the panel pages and scoring API, the
    secretariat for everything else (ceremonies, admin, account pages)."""
    route, world = probe.route, probe.world
    if route.startswith(("branch/", "documents/", "api/v1/^nominations")):
        if world in ("draft-2021", "cross-panel"):
            return "cabang.gorontalo@paritrana.test"
        return "cabang.bekasi@paritrana.test"
    if route.startswith(("panel/", "api/v1/^scoring/")):
        if world in ("jabar-2018", "cross-panel"):
            return "ketua.panel.jabar@paritrana.test"
        return "ketua.juri@paritrana.test"
    return ADMIN


def write_probes(plan) -> list[walker.Probe]:
    """One probe per route and write method (the first world that fills it)."""
    seen, chosen = set(), []
    for probe in plan.probes:
        if probe.method in walker.WRITE_METHODS and (probe.route, probe.method) not in seen:
            seen.add((probe.route, probe.method))
            chosen.append(probe)
    return chosen


def database() -> dict:
    """Every row of every table, as values."""
    state = {}
    for model in apps.get_models():
        label = model._meta.label_lower
        if label in NOT_DATA:
            continue
        fields = [f.attname for f in model._meta.concrete_fields]
        state[label] = sorted(model._default_manager.values_list(*fields), key=repr)
    return state


def send(client, probe: walker.Probe, **headers):
    if probe.url.startswith("/api/"):
        return client.generic(probe.method, probe.url, "{}", "application/json", **headers)
    return client.generic(
        probe.method,
        probe.url,
        "name=x&reason=x&title=x",
        "application/x-www-form-urlencoded",
        **headers,
    )


def csrf_refusal(response, probe) -> str | None:
    """None when the response is the CSRF check's refusal, otherwise what it was."""
    if response.status_code != 403:
        return f"status {response.status_code}"
    if response.get("Content-Type", "").startswith("application/json"):
        return None if response.json() == API_CSRF_FAILED else str(response.json())
    with translation.override("en"):
        expected = translation.gettext("CSRF verification failed. Request aborted.")
    return None if expected in response.content.decode() else "a 403 that is not CSRF's"


def test_every_write_route_refuses_a_request_without_the_csrf_token(site, demo_accounts):
    probes = write_probes(site)
    clients = {}
    for email in {user_for(p) for p in probes}:
        client = Client(enforce_csrf_checks=True)
        client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
        clients[email] = login(client, demo_accounts[email])
        # The victim's browser holds the CSRF cookie of an earlier visit; the forger cannot
        # read it to send the token.
        client.get("/dashboard/")
        assert settings.CSRF_COOKIE_NAME in client.cookies
    before = database()

    wrong = {}
    for probe in probes:
        client = clients[user_for(probe)]
        for htmx in (False, True):
            headers = {"HTTP_HX_REQUEST": "true"} if htmx else {}
            problem = csrf_refusal(send(client, probe, **headers), probe)
            if problem:
                wrong[f"{probe.method} {probe.url}{' (htmx)' if htmx else ''}"] = problem

    assert wrong == {}
    assert database() == before
    assert len(probes) > 250
    # Every kind of route was among them: pages, htmx partials, the admin, the API, accounts.
    routes = {p.route.split("/")[0] for p in probes}
    assert {"branch", "panel", "ceremonies", "admin", "api", "accounts", "i18n"} <= routes


def test_the_same_write_with_the_token_is_let_through(site, demo_accounts):
    # The refusal above is the token's absence, not the person: with the token from the page
    # (the form field, or the header htmx sends) the same kind of request goes through.
    client = Client(enforce_csrf_checks=True)
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    login(client, demo_accounts["cabang.gorontalo@paritrana.test"])
    probe = next(
        p
        for p in site.probes
        if p.key == "candidates:nomination_indicators" and p.world == "draft-2021"
    )
    page = client.get(probe.url.replace("indicators/", "")).content.decode()
    header_token = re.search(r"hx-headers='\{\"X-CSRFToken\": \"([^\"]+)\"\}'", page)[1]
    field_token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page)[1]

    refused = client.post(probe.url, {"f-active_pu": "1"}, HTTP_HX_REQUEST="true")
    with_header = client.post(
        probe.url, {"f-active_pu": "1"}, HTTP_HX_REQUEST="true", HTTP_X_CSRFTOKEN=header_token
    )
    with_field = client.post(
        probe.url,
        {"f-active_pu": "1", "csrfmiddlewaretoken": field_token},
        HTTP_HX_REQUEST="true",
    )

    assert csrf_refusal(refused, probe) is None
    assert (with_header.status_code, with_field.status_code) == (200, 200)
    assert 'id="indicators"' not in with_header.content.decode()  # the partial, not the page


class _Forms(HTMLParser):
    """The page's POST forms (with whether they carry the token), the elements that send an
    htmx write outside such a form, and the CSRF header the body gives htmx."""

    HX_WRITES = ("hx-post", "hx-put", "hx-patch", "hx-delete")

    def __init__(self):
        super().__init__()
        self.forms: list[dict] = []
        self.in_form: dict | None = None
        self.body_headers = ""
        self.loose_htmx_writes: list[str] = []

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "body":
            self.body_headers = attrs.get("hx-headers") or ""
        if tag == "form":
            method = (attrs.get("method") or "get").lower()
            self.in_form = {"method": method, "action": attrs.get("action"), "token": False}
            if method == "post" or any(a in attrs for a in self.HX_WRITES):
                self.forms.append(self.in_form)
        if (
            tag == "input"
            and self.in_form is not None
            and attrs.get("name") == ("csrfmiddlewaretoken")
        ):
            self.in_form["token"] = bool(attrs.get("value"))
        writes = [a for a in self.HX_WRITES if a in attrs]
        if writes and (tag != "form" and self.in_form is None):
            self.loose_htmx_writes.append(f"<{tag} {writes[0]}={attrs[writes[0]]}>")

    def handle_endtag(self, tag):
        if tag == "form":
            self.in_form = None


def test_every_post_form_and_htmx_write_on_every_page_carries_the_token(site, demo_accounts):
    # Pages only: downloads (PDF, ZIP, spreadsheets, open data) hold no form.
    pages = [
        p
        for p in site.probes
        if p.method == "GET" and not p.route.startswith("api/") and not DOWNLOAD.search(p.route)
    ]
    forms_seen, missing, loose = 0, set(), set()
    for email in FORM_USERS:
        client = Client(enforce_csrf_checks=True)
        if email:
            login(client, demo_accounts[email])
        shown = set()  # a page is read once per person, in the first world that shows it
        for probe in pages:
            if probe.route in shown or (probe.route.startswith("admin/") and email != ADMIN):
                continue
            response = client.get(probe.url)
            if response.status_code != 200 or "text/html" not in response.get("Content-Type", ""):
                continue
            shown.add(probe.route)
            parser = _Forms()
            parser.feed(response.content.decode())
            for form in parser.forms:
                forms_seen += 1
                if not form["token"]:
                    missing.add(f"{probe.url} as {email}: form to {form['action']}")
            if parser.loose_htmx_writes and not HX_TOKEN.fullmatch(parser.body_headers):
                loose.add(f"{probe.url} as {email}: {parser.loose_htmx_writes}")

    assert (missing, loose) == (set(), set())
    assert forms_seen > 100
