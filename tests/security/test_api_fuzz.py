"""Hostile input on the API (issue 7, point 4): schemathesis generates requests for every
operation of the OpenAPI schema the site serves at /api/schema/, sends them to the WSGI
application in-process, and checks every answer: never a server error, only documented status
codes and content types, bodies that match the documented schema, and invalid input (wrong
types, values out of range, unknown fields) refused with a 4xx.

Each operation is fuzzed as the anonymous visitor, as the national admin (a session cookie and
its CSRF token, as the browser sends them) and as branch staff (a read-write personal API token
for 2021), on the demo data with its published results. Path parameters are drawn from the
demo's objects (coherent panel/nomination, panel/category, nomination/legal-product pairs…) as
well as generated, and half the generated bodies name real objects where they name one, so that
the requests reach the views and the services and not only their 404s. Each example runs in a
savepoint rolled back afterwards: every example starts from the same data, which keeps
Hypothesis' replays (and CI) reproducible; generation is derandomised."""

from collections import Counter
from dataclasses import dataclass

import hypothesis
import pytest
import schemathesis
from django.conf import settings
from django.core import signals
from django.core.files.base import ContentFile
from django.core.wsgi import get_wsgi_application
from django.db import close_old_connections, transaction
from django.test import Client
from hypothesis import strategies as st
from schemathesis import GenerationMode
from schemathesis.checks import not_a_server_error
from schemathesis.generation.feedback import FeedbackSources
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    negative_data_rejection,
    response_schema_conformance,
    status_code_conformance,
)

from candidates.enums import NominationState
from candidates.models import Branch, Candidate, Category, Edition, LegalProduct, Nomination
from ceremonies.models import Certificate
from scoring.models import Award, Criterion, Panel
from tests import demo_data
from tests.auth import login
from tests.factories import api_token

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("demo_accounts_once")]

# Examples per operation and role: enough to reach each view with real and generated objects
# and a few bodies, few enough to keep the whole file within a couple of minutes.
MAX_EXAMPLES = 10
CHECKS = [
    not_a_server_error,
    status_code_conformance,
    content_type_conformance,
    response_schema_conformance,
    negative_data_rejection,
]
# A sample of each kind of object: all of them would leave few examples for each.
SAMPLE = 6
ADMIN = "admin@paritrana.test"
BRANCH_STAFF = "cabang.gorontalo@paritrana.test"
ROLES = ("anonymous", ADMIN, BRANCH_STAFF)
# The national jury sees nominations from the national round on.
NATIONAL_STATES = [
    NominationState.ADVANCED,
    NominationState.FINALIST,
    NominationState.AWARDED,
    NominationState.NOT_AWARDED,
]
# A document the legal-product route serves (its content is checked on upload, not here).
PDF = b"%PDF-1.4\n1 0 obj<</Type/Catalog>>endobj\ntrailer<</Root 1 0 R>>\n%%EOF\n"


@pytest.fixture
def wsgi_app():
    """The site's WSGI application, answering in this test's database transaction: like
    Django's test client, the request signals must not close the connection."""
    signals.request_started.disconnect(close_old_connections)
    signals.request_finished.disconnect(close_old_connections)
    try:
        yield get_wsgi_application()
    finally:
        signals.request_started.connect(close_old_connections)
        signals.request_finished.connect(close_old_connections)


@pytest.fixture
def api_schema(wsgi_app):
    """The schema as the site serves it."""
    return schemathesis.openapi.from_wsgi("/api/schema/?format=json", wsgi_app)


@pytest.fixture
def fuzz_data(demo_accounts):
    """The demo with its results published, certificates issued and a legal product's PDF."""
    demo_data.seed_ceremonies()
    product = LegalProduct.objects.order_by("pk").first()
    product.pdf.save("perda.pdf", ContentFile(PDF))
    return demo_accounts


@dataclass
class Credentials:
    headers: dict
    cookies: dict


def _credentials(role: str, accounts) -> Credentials:
    if role == "anonymous":
        return Credentials(headers={}, cookies={})
    user = accounts[role]
    if role == ADMIN:
        # As the browser: the session cookie, and the CSRF token that unsafe methods need.
        session = login(Client(), user).cookies[settings.SESSION_COOKIE_NAME].value
        csrf = "fuzz" * 8
        header = settings.CSRF_HEADER_NAME.removeprefix("HTTP_").replace("_", "-")
        return Credentials(
            headers={header: csrf},
            cookies={settings.SESSION_COOKIE_NAME: session, settings.CSRF_COOKIE_NAME: csrf},
        )
    # A read-write token for the edition of the branch's draft (2021).
    header, _token = api_token(user, scope="write", edition=2021)
    return Credentials(headers={"Authorization": header}, cookies={})


def _sample(values) -> list:
    values = list(values)
    if len(values) <= SAMPLE:
        return values
    step = len(values) / SAMPLE
    return [values[int(i * step)] for i in range(SAMPLE)]


def _ids(queryset) -> list:
    return _sample(queryset.order_by("pk").values_list("pk", flat=True))


def _nominations_per_state() -> list[int]:
    """A nomination of each state and candidate kind: every branch of the views."""
    found = {}
    for nomination in Nomination.objects.select_related("candidate").order_by("pk"):
        found.setdefault((nomination.state, nomination.candidate.kind), nomination.pk)
    return list(found.values())


def _panel_nominations(panel) -> list[int]:
    nominations = Nomination.objects.filter(category__edition=panel.edition_id)
    if panel.province_id is not None:
        return _ids(nominations.filter(candidate__regency__province=panel.province_id))
    return [pk for state in NATIONAL_STATES for pk in _ids(nominations.filter(state=state))[:2]]


def _real_path_parameters(path: str) -> list[dict]:
    """Coherent values of the operation's path parameters, from the demo's objects."""
    panels = list(Panel.objects.select_related("edition").order_by("pk"))
    if path.startswith("/api/v1/scoring/panels/{panel_pk}/"):
        rest = path.removeprefix("/api/v1/scoring/panels/{panel_pk}/")
        if "{nomination_pk}" in rest:
            pairs = [(p, n) for p in panels for n in _panel_nominations(p)]
            return [{"panel_pk": p.pk, "nomination_pk": n} for p, n in pairs]
        if "{category_pk}" in rest:
            pairs = [(p, c) for p in panels for c in _ids(p.edition.categories)]
            return [{"panel_pk": p.pk, "category_pk": c} for p, c in pairs]
        if "{award_pk}" in rest:
            juries = {p.edition_id: p for p in panels if p.province_id is None}
            awards = Award.objects.select_related("category").order_by("pk")
            return [
                {"panel_pk": juries[a.category.edition_id].pk, "award_pk": a.pk} for a in awards
            ]
        return [{"panel_pk": p.pk} for p in panels]
    if path.startswith("/api/v1/nominations/{nomination_pk}/legal-products/"):
        products = LegalProduct.objects.order_by("pk")
        if "{id}" in path:
            return [{"nomination_pk": p.nomination_id, "id": p.pk} for p in products]
        nominations = {*_nominations_per_state(), *(p.nomination_id for p in products)}
        return [{"nomination_pk": n} for n in sorted(nominations)]
    years = list(Edition.objects.order_by("year").values_list("year", flat=True))
    by_prefix = {
        "/api/v1/nominations/{id}/": _nominations_per_state,
        "/api/v1/candidates/{id}/": lambda: _ids(Candidate.objects),
        "/api/v1/categories/{id}/": lambda: _ids(Category.objects),
        "/api/v1/scoring/panels/{id}/": lambda: [p.pk for p in panels],
        "/api/v1/branches/{code}/": lambda: list(Branch.objects.values_list("code", flat=True)),
        "/api/v1/provinces/{code}/": lambda: ["32", "75"],
        "/api/v1/regencies/{code}/": lambda: ["32.75", "75.71"],
        "/api/v1/editions/{year}/": lambda: years,
        "/api/v1/public/editions/{year}/": lambda: years,
        "/api/v1/public/certificates/{serial}/": lambda: _sample(
            Certificate.objects.order_by("pk").values_list("serial", flat=True)
        ),
    }
    for prefix, values in by_prefix.items():
        if path.startswith(prefix):
            name = prefix.rsplit("{", 1)[1].removesuffix("}/")
            return [{name: value} for value in values()]
    return []


def _real_body_values() -> dict[str, list]:
    """Real values for the body fields that name an object, by field name."""
    panels = Panel.objects.order_by("pk")
    nominations = {*_nominations_per_state(), *(n for p in panels for n in _panel_nominations(p))}
    return {
        "nomination": sorted(nominations),
        "candidate": _ids(Candidate.objects),
        "category": _ids(Category.objects),
        "regency": ["32.75", "75.03", "75.71"],
        "province": ["32", "75"],
        "criterion": sorted(
            set(Criterion.objects.exclude(kind="computed").values_list("code", flat=True))
        ),
    }


def _with_real_values(drawn):
    """The case, its body naming real objects where it names one when `steer` (valid bodies
    only: a negative example keeps what makes it invalid)."""
    case, steer, values = drawn
    if not steer or not isinstance(case.body, dict) or case.meta.generation.mode.is_negative:
        return case
    for name in ("nomination", "candidate", "category", "regency", "province"):
        if name in case.body:
            case.body[name] = values[name]
    if isinstance(case.body.get("order"), list):
        case.body["order"] = values["order"]
    for score, criterion in zip(case.body.get("scores", []), values["criteria"], strict=False):
        score["criterion"] = criterion
    return case


def _strategy(operation, body_values):
    # The schema alone drives generation (no constants mined from the application's modules).
    feedback = FeedbackSources()
    real_paths = _real_path_parameters(operation.path)
    cases = [operation.as_strategy(feedback=feedback)]
    cases += [
        operation.as_strategy(feedback=feedback, path_parameters=parameters)
        for parameters in real_paths
    ]
    # Invalid bodies and query strings on real objects; the path stays valid (a path the URL
    # patterns refuse never reaches the API: Django answers with its own 404 page).
    if operation.body or operation.query:
        cases += [
            operation.as_strategy(
                generation_mode=GenerationMode.NEGATIVE,
                feedback=feedback,
                path_parameters=parameters,
            )
            for parameters in real_paths or [{}]
        ]
    nominations = st.sampled_from(body_values["nomination"])
    values = st.fixed_dictionaries(
        {
            **{name: st.sampled_from(choices) for name, choices in body_values.items()},
            "order": st.lists(nominations, max_size=3),
            "criteria": st.lists(st.sampled_from(body_values["criterion"]), max_size=4),
        }
    )
    return st.tuples(st.one_of(*cases), st.booleans(), values).map(_with_real_values)


def _fuzz(operation, wsgi_app, credentials, body_values, statuses: Counter) -> None:
    @hypothesis.settings(
        max_examples=MAX_EXAMPLES,
        derandomize=True,
        database=None,
        deadline=None,
        suppress_health_check=list(hypothesis.HealthCheck),
    )
    @hypothesis.given(case=_strategy(operation, body_values))
    def fuzz(case):
        with transaction.atomic():
            try:
                response = case.call_and_validate(
                    app=wsgi_app,
                    headers=credentials.headers,
                    cookies=credentials.cookies,
                    checks=CHECKS,
                )
            finally:
                transaction.set_rollback(True)
        statuses[response.status_code] += 1

    fuzz()


@pytest.mark.parametrize("role", ROLES)
def test_api_operations_survive_fuzzing(role, api_schema, wsgi_app, fuzz_data):
    """Every operation of the schema as `role`; the failures of all operations are reported
    together, each with the request that reproduces it."""
    credentials = _credentials(role, fuzz_data)
    body_values = _real_body_values()
    failures, reached = [], Counter()
    for result in api_schema.get_all_operations():
        operation = result.ok()
        statuses = Counter()
        try:
            _fuzz(operation, wsgi_app, credentials, body_values, statuses)
        except (Exception, BaseExceptionGroup) as error:  # each operation is reported
            failures.append(f"{operation.label}: {error}")
        reached[operation.label] = sum(statuses.values())
    assert failures == [], "\n\n".join(failures)
    assert [label for label, count in reached.items() if count == 0] == []


def test_fuzz_values_reach_every_read_route(api_schema, wsgi_app, fuzz_data):
    """The demo values the fuzz draws its path parameters from name objects the admin can
    read on every read route (the scoring worklist aside: the secretariat does not score), so
    the fuzz checks real answers and not only 404s."""
    credentials = _credentials(ADMIN, fuzz_data)
    answers = {}
    for result in api_schema.get_all_operations():
        operation = result.ok()
        if operation.method != "get":
            continue
        statuses = set()
        for parameters in _real_path_parameters(operation.path) or [{}]:
            case = operation.Case(path_parameters=parameters)
            response = case.call_and_validate(
                app=wsgi_app,
                headers=credentials.headers,
                cookies=credentials.cookies,
                checks=CHECKS,
            )
            statuses.add(response.status_code)
        answers[operation.path] = 200 in statuses
    worklist = "/api/v1/scoring/panels/{panel_pk}/scoresheets/"
    assert answers == {path: path != worklist for path in answers}
