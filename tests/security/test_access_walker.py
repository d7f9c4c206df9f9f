"""Deny by default, proven: every URL pattern and every API operation, requested as anonymous,
as a signed-in person without a role and as each demo role, reaches exactly what the reviewed
allowlist (tests/security/allowlist.py) says, and nothing answers with an error.

One test per role walks every route (tests/security/walker.py) on one demo database: each
request runs in a savepoint that is rolled back, so a POST does not change what the next
request sees. A route added later without a sample value for its parameters, or an operation
of the schema that no route serves, fails `test_every_route_and_operation_is_walked`.
"""

from collections import defaultdict
from fnmatch import fnmatchcase

import pytest
from django.conf import settings
from django.test import Client
from rest_framework.test import APIRequestFactory, force_authenticate
from rest_framework.views import APIView

from tests import demo_data
from tests.auth import login
from tests.security import walker
from tests.security.allowlist import ALLOWLIST, ANONYMOUS, NO_ROLE, Allow

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("demo_accounts_once")]


@pytest.fixture
def plan(demo_accounts, tasks_in_process):
    demo_data.seed_ceremonies()
    return walker.probes(walker.demo_samples())


def _client_for(role: str, demo_accounts) -> Client:
    client = Client()
    if role == NO_ROLE:
        from tests.factories import UserFactory

        login(client, UserFactory())
    elif role != ANONYMOUS:
        login(client, demo_accounts[role])
    return client


def _entry_for(allowlist: dict[str, Allow], key: str) -> tuple[str, Allow] | None:
    if key in allowlist:
        return key, allowlist[key]
    for pattern, entry in allowlist.items():
        if "*" in pattern and fnmatchcase(key, pattern):
            return pattern, entry
    return None


def _suggestion(key: str, methods: set[str], worlds: set) -> str:
    ordered = " ".join(m for m in walker.METHODS if m in methods)
    named = tuple(sorted(w for w in worlds if w is not None))
    return f'"{key}": allow("<why>", "{ordered}"{f", {named}" if named else ""}),'


def access_problems(allowlist: dict[str, Allow], outcomes) -> list[str]:
    """What differs between what the role reached and its allowlist; empty when they agree.

    Anything reached must be allowed (its method, and its world when the entry names worlds).
    Every entry must still be used: a route it names must exist, each of its methods and worlds
    must be reached, and an entry without worlds must be reached in every world its route is
    requested in (else it must name them, so that a new out-of-scope world is not waved
    through). A pattern with `*` needs only to match something reached."""
    problems = []
    requested: dict[str, set] = defaultdict(set)
    reached: dict[str, dict[str, set]] = defaultdict(lambda: defaultdict(set))
    for outcome in outcomes:
        probe = outcome.probe
        requested[probe.key].add(probe.world)
        where = f"{probe.method} {probe.url} ({probe.key} @{probe.world})"
        if outcome.verdict == walker.ERROR:
            problems.append(f"error: {where}: {outcome.detail}")
            continue
        if outcome.verdict != walker.REACHED:
            continue
        found = _entry_for(allowlist, probe.key)
        entry = found and found[1]
        if (
            entry is None
            or probe.method not in entry.methods
            or (entry.worlds is not None and probe.world not in entry.worlds)
        ):
            problems.append(
                f"reached, not allowed: {where} → {outcome.status} {outcome.detail}".rstrip()
            )
            continue
        reached[found[0]][probe.method].add(probe.world)
    for key, entry in allowlist.items():
        methods = reached.get(key, {})
        if "*" in key:
            if not methods:
                problems.append(f"stale allowlist entry: {key!r} matches nothing reached")
            continue
        if key not in requested:
            problems.append(f"stale allowlist entry: {key!r} is no route or operation")
            continue
        worlds = set().union(*methods.values()) if methods else set()
        expected = requested[key] if entry.worlds is None else set(entry.worlds)
        if set(methods) != set(entry.methods) or worlds != expected:
            problems.append(
                f"allowlist entry {key!r} does not match: allows {' '.join(entry.methods)} "
                f"@{sorted(expected, key=str)}, reached {' '.join(sorted(methods)) or 'nothing'} "
                f"@{sorted(worlds, key=str)}; should be {_suggestion(key, set(methods), worlds)}"
            )
    return problems


def test_every_route_and_operation_is_walked(plan):
    assert (plan.missing, plan.shadowed, plan.unrouted) == ([], {}, [])
    walked = {probe.route for probe in plan.probes}
    assert walked == {pattern.route for pattern in walker.url_patterns()}
    operations = {(op.method, op.operation_id) for op in walker.api_operations()}
    assert operations <= {(probe.method, probe.key) for probe in plan.probes}


def test_allowlist_names_only_routes_operations_and_worlds(plan):
    keys = {probe.key for probe in plan.probes}
    unknown = []
    for role, allowlist in ALLOWLIST.items():
        for key, entry in allowlist.items():
            known = any(fnmatchcase(k, key) for k in keys) if "*" in key else key in keys
            if not known or not entry.reason.strip():
                unknown.append((role, key))
            if not set(entry.methods) <= set(walker.METHODS):
                unknown.append((role, key, entry.methods))
            if entry.worlds is not None and not set(entry.worlds) <= set(walker.WORLDS):
                unknown.append((role, key, entry.worlds))
    assert unknown == []


def test_allowlist_covers_every_demo_role():
    from tests.factories import DEMO_EMAILS

    # The other Jawa Barat 2018 panel members hold the same role as panel.jabar@.
    walked = set(DEMO_EMAILS) - {
        "sekretaris.panel.jabar@paritrana.test",
        "apindo.panel.jabar@paritrana.test",
        "disnaker.bekasi@paritrana.test",
    }
    assert set(ALLOWLIST) == walked | {ANONYMOUS, NO_ROLE}


@pytest.mark.parametrize("role", list(ALLOWLIST))
def test_role_reaches_exactly_its_allowlist(role, plan, demo_accounts):
    client = _client_for(role, demo_accounts)

    outcomes = walker.walk(client, plan.probes)

    assert access_problems(ALLOWLIST[role], outcomes) == []


def test_access_problems_reports_a_route_reached_outside_the_allowlist():
    probe = walker.Probe("GET", "/secretariat/", "candidates:secretariat", None, "secretariat/")
    outcomes = [walker.Outcome(probe, 200, walker.REACHED)]

    assert access_problems({}, outcomes) == [
        "reached, not allowed: GET /secretariat/ (candidates:secretariat @None) → 200"
    ]


def test_access_problems_reports_a_stale_or_too_wide_entry():
    probe = walker.Probe("GET", "/panel/1/", "scoring:panel", "jabar-2018", "panel/<int:panel_pk>/")
    other = walker.Probe("GET", "/panel/2/", "scoring:panel", "jury-2020", "panel/<int:panel_pk>/")
    outcomes = [
        walker.Outcome(probe, 200, walker.REACHED),
        walker.Outcome(other, 404, walker.DENIED),
    ]
    allowlist = {
        "scoring:panel": Allow("sits on it", ("GET",), None),
        "scoring:gone": Allow("removed route", ("GET",), None),
    }

    assert access_problems(allowlist, outcomes) == [
        "allowlist entry 'scoring:panel' does not match: allows GET @['jabar-2018', "
        "'jury-2020'], reached GET @['jabar-2018']; should be "
        '"scoring:panel": allow("<why>", "GET", (\'jabar-2018\',)),',
        "stale allowlist entry: 'scoring:gone' is no route or operation",
    ]


# ---------------------------------------------------------------------------------------------
# The API's default permission


def test_api_default_permission_is_deny_all():
    assert settings.REST_FRAMEWORK["DEFAULT_PERMISSION_CLASSES"] == ["paritrana.api.DenyAll"]


class _ViewWithoutPermissions(APIView):
    """An API view that forgot to name its permission."""

    def get(self, request):
        from rest_framework.response import Response

        return Response({"secret": "leaked"})


def test_api_view_without_permission_classes_is_denied_even_to_the_secretariat(demo_accounts):
    request = APIRequestFactory().get("/api/v1/forgotten/")
    force_authenticate(request, user=demo_accounts["admin@paritrana.test"])

    response = _ViewWithoutPermissions.as_view()(request)

    assert (response.status_code, response.data) == (
        403,
        {"detail": "Anda tidak memiliki izin untuk melakukan tindakan ini."},
    )
