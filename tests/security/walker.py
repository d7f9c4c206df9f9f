"""Every route of the site, filled with real ids from the demo data, requested as one person.

Reusable outside the access test (tests/security/test_access_walker.py):

- `url_patterns()`: every URL pattern of the resolver, includes followed (our apps, allauth,
  the admin, i18n, the API router, the schema and its documentation pages);
- `api_operations()`: every operation of the OpenAPI schema (drf-spectacular, in-process);
- `demo_samples()`: the sample values of every path parameter, in named *worlds* (see
  `WORLDS`), read from the demo data by natural keys, never by hard-coded ids;
- `probes(samples)`: one request per pattern, method and world where every parameter has a
  sample; a pattern left without a probe is reported, so that a route added later without a
  sample fails the access test instead of going unchecked;
- `walk(client, probes)`: sends each probe inside a savepoint that is rolled back, so that
  requests do not affect each other, and classifies each answer as reached, denied or error.

A probe's `key` names what the allowlist (tests/security/allowlist.py) speaks of: the
operationId for an operation of the API schema, the URL name otherwise (the route itself for
the admin's few unnamed routes).
"""

from __future__ import annotations

import copy
import json
import logging
import re
import time
import traceback
from dataclasses import dataclass, field
from functools import cache
from urllib.parse import urlsplit

from django.db import transaction
from django.urls import URLPattern, URLResolver, get_resolver, resolve, reverse
from django.urls.exceptions import Resolver404

WRITE_METHODS = ("POST", "PUT", "PATCH", "DELETE")
METHODS = ("GET", *WRITE_METHODS)

# ---------------------------------------------------------------------------------------------
# The resolver's patterns


@dataclass(frozen=True)
class Pattern:
    route: str  # as ResolverMatch.route spells it
    name: str | None  # namespaced URL name
    callback: object = field(compare=False, repr=False)
    params: tuple[str, ...] = ()

    @property
    def key(self) -> str:
        return self.name or self.route

    @property
    def methods(self) -> tuple[str, ...]:
        """The methods worth sending: a DRF viewset's routed actions, the handlers a class-based
        view defines, GET and POST for a function view (which may refuse either)."""
        callback = self.callback
        actions = getattr(callback, "actions", None)
        if actions:
            return tuple(m for m in METHODS if m.lower() in actions)
        view_class = getattr(callback, "view_class", None) or getattr(callback, "cls", None)
        if view_class is not None:
            from django.views.generic import RedirectView
            from django.views.generic.edit import ProcessFormView

            if issubclass(view_class, RedirectView):
                return ("GET",)
            defined = tuple(
                m
                for m in METHODS
                if hasattr(view_class, m.lower())
                # Django's form views answer PUT as POST: one request says it.
                and not (m == "PUT" and view_class.put is ProcessFormView.put)
            )
            return defined or ("GET",)
        return ("GET", "POST")

    @property
    def is_api(self) -> bool:
        return self.route.startswith("api/v1/") and bool(getattr(self.callback, "actions", None))


_PATH_PARAM = re.compile(r"<(?:(?P<converter>[^>:]+):)?(?P<name>[^>]+)>")
_REGEX_GROUP = re.compile(r"\(\?P<(?P<name>\w+)>")


def _join_route(first: str, second: str) -> str:
    # As django.urls.resolvers.URLResolver._join_route: how ResolverMatch.route is built.
    if not first:
        return second
    return first + second.removeprefix("^")


def _params(route: str) -> tuple[str, ...]:
    names = [m["name"] for m in _PATH_PARAM.finditer(_strip_groups(route))]
    names += [m["name"] for m in _REGEX_GROUP.finditer(route)]
    return tuple(dict.fromkeys(names))


def _strip_groups(route: str) -> str:
    """The route without its regex named groups (whose bodies may hold `<` `>`)."""
    out, i = [], 0
    for match in _REGEX_GROUP.finditer(route):
        out.append(route[i : match.start()])
        i = _group_end(route, match.start())
    out.append(route[i:])
    return "".join(out)


def _group_end(route: str, start: int) -> int:
    depth, i = 0, start
    while i < len(route):
        char = route[i]
        if char == "\\":
            i += 2
            continue
        if char == "(":
            depth += 1
        elif char == ")":
            depth -= 1
            if depth == 0:
                return i + 1
        i += 1
    raise ValueError(f"Unbalanced group in {route!r}")


def url_patterns() -> list[Pattern]:
    """Every pattern of the URLconf, includes followed, in resolution order."""
    found: list[Pattern] = []

    def visit(resolver, route, namespace):
        for entry in resolver.url_patterns:
            sub_route = _join_route(route, str(entry.pattern))
            if isinstance(entry, URLResolver):
                sub_namespace = namespace
                if entry.namespace:
                    sub_namespace = (
                        f"{namespace}:{entry.namespace}" if namespace else entry.namespace
                    )
                visit(entry, sub_route, sub_namespace)
            elif isinstance(entry, URLPattern):
                name = entry.name and (f"{namespace}:{entry.name}" if namespace else entry.name)
                found.append(Pattern(sub_route, name, entry.callback, _params(sub_route)))

    visit(get_resolver(), "", None)
    return found


def fill(route: str, values: dict[str, str]) -> str:
    """The path of `route` with its parameters replaced by `values`."""
    out, i = [], 0
    for match in _REGEX_GROUP.finditer(route):
        out.append(route[i : match.start()])
        out.append(str(values[match["name"]]))
        i = _group_end(route, match.start())
    out.append(route[i:])
    path = "".join(out)

    def path_param(match):
        value = values[match["name"]]
        if (match["converter"] or "").startswith("drf_format_suffix"):
            return f".{value}/"
        return str(value)

    path = _PATH_PARAM.sub(path_param, path)
    path = path.replace("^", "").replace("$", "").replace("/?", "").replace("\\", "")
    return "/" + path


# ---------------------------------------------------------------------------------------------
# The OpenAPI schema


@dataclass(frozen=True)
class Operation:
    method: str
    path: str  # /api/v1/nominations/{id}/
    operation_id: str

    @property
    def regex(self) -> re.Pattern:
        parts = re.split(r"(\{[^}]+\})", self.path)
        return re.compile(
            "".join("[^/]+" if p.startswith("{") else re.escape(p) for p in parts) + "$"
        )


@cache
def api_schema() -> dict:
    from drf_spectacular.generators import SchemaGenerator

    return SchemaGenerator().get_schema(request=None, public=True)


def api_operations() -> list[Operation]:
    return [
        Operation(method.upper(), path, op["operationId"])
        for path, item in api_schema()["paths"].items()
        for method, op in item.items()
        if method.upper() in METHODS
    ]


# ---------------------------------------------------------------------------------------------
# Sample values

# Which kind of object a path parameter names: by URL name and parameter first, then by
# parameter name alone. A parameter found in neither is reported by `probes`.
PARAMETER_KINDS = {
    "year": "year",
    "panel_pk": "panel",
    "nomination_pk": "nomination",
    "category_pk": "category",
    "award_pk": "award",
    "stage": "stage",
    "serial": "serial",
    "product": "legal_product",
    "format": "format",
    # allauth's e-mail confirmation and password reset keys, the admin's own parameters
    "key": "token",
    "uidb36": "uidb36",
    "object_id": "admin_object",
    "id": "admin_user",
    "app_label": "app_label",
    "content_type_id": "content_type",
    "url": "admin_path",
    # Branch pages: the nomination
    **{
        f"candidates:{name}.pk": "nomination"
        for name in (
            "nomination_detail",
            "nomination_indicators",
            "legal_product_create",
            "legal_product_edit",
            "legal_product_delete",
            "innovation_create",
            "nomination_submit",
            "nomination_withdraw",
            "nomination_view",
        )
    },
    "candidates:nomination_record.pk": "nomination",
    "candidates:legal_product_document.pk": "legal_product",
    "candidates:import_job.pk": "import_job",
    "candidates:import_progress.pk": "import_job",
    "candidates:import_confirm.pk": "import_job",
    "candidates:import_template.kind": "import_kind",
    "candidates:import_template.fmt": "import_format",
    "public:language.code": "language",
    "public:province.code": "province",
    "public:candidate.pk": "candidate",
    "public:open_data_file.dataset": "dataset",
    "public:open_data_file.fmt": "data_format",
    "ceremonies:ceremony.pk": "ceremony",
    "ceremonies:ceremony_edit.pk": "ceremony",
    "ceremonies:certificates_issue.pk": "ceremony",
    "ceremonies:certificates_rerender.pk": "ceremony",
    "ceremonies:batch.pk": "batch",
    "ceremonies:batch_progress.pk": "batch",
    "ceremonies:batch_zip.pk": "batch",
    "ceremonies:certificate_pdf.pk": "certificate",
    "ceremonies:certificate_revoke.pk": "certificate",
    # The API router's `pk`, `code` and `year`
    "province-detail.pk": "province",
    "regency-detail.pk": "regency",
    "branch-detail.code": "branch",
    "category-detail.pk": "category",
    "candidate-detail.pk": "candidate",
    **{
        f"nomination-{name}.pk": "nomination"
        for name in ("detail", "figures", "submit", "transitions", "withdraw")
    },
    **{f"nomination-legal-product-{name}.pk": "legal_product" for name in ("detail", "document")},
    "nomination-legal-product-list.nomination_pk": "nomination",
    "scoring-panel-detail.pk": "panel",
}

# Values that do not depend on the world.
FIXED_SAMPLES = {
    "format": "json",
    "token": "no-such-key",
    "uidb36": "1",
    "app_label": "candidates",
    "admin_path": "no-such-page/",
    "import_kind": "government",
    "import_format": "csv",
    "language": "en",
    "dataset": "winners",
    "data_format": "csv",
    "province": "32",
    "regency": "32.75",
}

# The worlds: coherent sets of ids (a panel with its own nominee, an edition with its
# ceremony), and two crossed ones that ask for an object through a container it does not
# belong to (a nominee of another round on a panel's pages, a legal product through another
# nomination). Each role has objects in and out of its scope among them:
#   jabar-2018   Jawa Barat 2018 provincial panel, Kota Bekasi's 2018 nomination (branch Bekasi),
#                the provincial ceremony and a certificate of it;
#   jury-2020    the 2020 national jury, Kota Bekasi's 2020 nomination with its legal products
#                and award (branch Bekasi), the national ceremony and Kota Bekasi's certificate;
#   jury-2021    the 2021 national jury and its finalist, Kota Administrasi Jakarta Utara;
#   draft-2021   Kota Gorontalo's draft nomination of 2021 (branch Gorontalo) and an import
#                by the Gorontalo branch;
#   cross-panel  the Jawa Barat 2018 panel asked about Kota Gorontalo's draft, a 2020 category
#                and the 2020 award; Kota Gorontalo's draft asked for Kota Bekasi's legal product;
#   cross-jury   the 2020 national jury asked about Kota Bekasi's 2018 nomination and the 2018
#                category.
WORLDS = ("jabar-2018", "jury-2020", "jury-2021", "draft-2021", "cross-panel", "cross-jury")

# A minimal PDF, so that the document and certificate downloads have a file to serve.
FAKE_PDF = b"%PDF-1.4\n1 0 obj<</Type/Catalog>>endobj\ntrailer<</Root 1 0 R>>\n%%EOF\n"


@dataclass
class Samples:
    worlds: dict[str, dict[str, object]]
    fixed: dict[str, object]

    def value(self, kind: str, world: str | None):
        if kind in self.fixed:
            return self.fixed[kind]
        if world is None:
            return None
        return self.worlds[world].get(kind)


def demo_samples() -> Samples:
    """The sample values, from the demo data with its ceremonies (demo, demo_accounts and
    ceremonies.demo.seed_ceremonies). Adds what the demo lacks and a route needs: an import by
    the Gorontalo branch, a PDF for a legal product and for two certificates."""
    from django.contrib.contenttypes.models import ContentType
    from django.core.files.base import ContentFile

    from accounts.models import User
    from candidates.enums import ImportKind, ImportStatus
    from candidates.models import Category, Edition, ImportJob, LegalProduct, Nomination
    from ceremonies.models import Ceremony, Certificate
    from scoring.models import Award, Panel
    from tests import demo_data

    def nomination(year, name):
        return Nomination.objects.get(category__edition__year=year, candidate__name=name)

    def category(year, code="pemerintah-kabupaten-kota"):
        return Category.objects.get(edition__year=year, code=code).pk

    def certificate(ceremony, nominee):
        cert = Certificate.objects.filter(ceremony=ceremony, nomination=nominee).first()
        cert = cert or Certificate.objects.filter(ceremony=ceremony).order_by("serial").first()
        if not cert.file:
            demo_data.certificate_file(cert, FAKE_PDF)
        return cert

    bekasi_2018 = nomination(2018, "Pemerintah Kota Bekasi")
    bekasi_2020 = nomination(2020, "Pemerintah Kota Bekasi")
    jakut_2021 = nomination(2021, "Pemerintah Kota Administrasi Jakarta Utara")
    gorontalo_2021 = nomination(2021, "Pemerintah Kota Gorontalo")
    jabar_2018 = Panel.objects.get(edition__year=2018, province__code="32")
    jury_2020 = Panel.objects.get(edition__year=2020, province__isnull=True)
    jury_2021 = Panel.objects.get(edition__year=2021, province__isnull=True)
    product = LegalProduct.objects.filter(nomination=bekasi_2020).order_by("pk").first()
    if not product.pdf:
        product.pdf.save("perda.pdf", ContentFile(FAKE_PDF), save=True)
    award = Award.objects.get(nomination=bekasi_2020)
    ceremony_2018 = Ceremony.objects.get(edition__year=2018, province__code="32")
    ceremony_2020 = Ceremony.objects.get(edition__year=2020, province__isnull=True)
    cert_2018 = certificate(ceremony_2018, bekasi_2018)
    cert_2020 = certificate(ceremony_2020, bekasi_2020)
    gorontalo = User.objects.get(email="cabang.gorontalo@paritrana.test")
    job = ImportJob.objects.create(
        user=gorontalo,
        kind=ImportKind.GOVERNMENT,
        edition=Edition.objects.get(year=2021),
        original_name="pemerintah.csv",
        status=ImportStatus.INVALID,
    )

    worlds = {
        "jabar-2018": {
            "year": 2018,
            "panel": jabar_2018.pk,
            "nomination": bekasi_2018.pk,
            "candidate": bekasi_2018.candidate_id,
            "category": category(2018),
            "stage": "assessment",
            "branch": "bekasi-kota",
            "ceremony": ceremony_2018.pk,
            "batch": ceremony_2018.batches.order_by("pk").first().pk,
            "certificate": cert_2018.pk,
            "serial": cert_2018.serial,
        },
        "jury-2020": {
            "year": 2020,
            "panel": jury_2020.pk,
            "nomination": bekasi_2020.pk,
            "candidate": bekasi_2020.candidate_id,
            "category": category(2020),
            "stage": "selection",
            "award": award.pk,
            "legal_product": product.pk,
            "branch": "bekasi-kota",
            "ceremony": ceremony_2020.pk,
            "batch": ceremony_2020.batches.order_by("pk").first().pk,
            "certificate": cert_2020.pk,
            "serial": cert_2020.serial,
        },
        "jury-2021": {
            "year": 2021,
            "panel": jury_2021.pk,
            "nomination": jakut_2021.pk,
            "candidate": jakut_2021.candidate_id,
            "category": category(2021),
            "stage": "interview",
        },
        "draft-2021": {
            "nomination": gorontalo_2021.pk,
            "candidate": gorontalo_2021.candidate_id,
            "branch": "gorontalo",
            "import_job": job.pk,
        },
        "cross-panel": {
            "panel": jabar_2018.pk,
            "nomination": gorontalo_2021.pk,
            "category": category(2020),
            "stage": "assessment",
            "award": award.pk,
            "legal_product": product.pk,
        },
        "cross-jury": {
            "panel": jury_2020.pk,
            "nomination": bekasi_2018.pk,
            "category": category(2018),
            "stage": "selection",
        },
    }
    assert tuple(worlds) == WORLDS
    fixed = {
        **FIXED_SAMPLES,
        "admin_user": gorontalo.pk,
        "content_type": ContentType.objects.get_for_model(Certificate).pk,
    }
    return Samples(worlds=worlds, fixed=fixed)


def _admin_object(route: str):
    """The first object of the model an admin route is about (or an id that does not exist:
    the admin then answers that the object is missing)."""
    from django.apps import apps

    match = re.match(r"admin/(\w+)/(\w+)/", route)
    if match is None:
        # view_on_site: a certificate (see content_type in demo_samples)
        from ceremonies.models import Certificate

        return Certificate.objects.order_by("pk").values_list("pk", flat=True).first()
    model = apps.get_model(match[1], match[2])
    return model._default_manager.order_by("pk").values_list("pk", flat=True).first() or 0


# ---------------------------------------------------------------------------------------------
# Probes


@dataclass(frozen=True)
class Probe:
    method: str
    url: str
    key: str  # operationId or URL name
    world: str | None
    route: str  # the resolver pattern it is meant to hit


@dataclass
class Plan:
    probes: list[Probe]
    missing: list[str]  # patterns or parameters without a sample
    shadowed: dict[str, str]  # pattern route → the route its sample URL reached instead
    unrouted: list[str]  # schema operations no probe reaches


def kind_of(pattern: Pattern, param: str) -> str | None:
    name = pattern.name or ""
    return PARAMETER_KINDS.get(f"{name}.{param}") or PARAMETER_KINDS.get(param)


def _operation_for(operations, method: str, url: str) -> Operation | None:
    path = urlsplit(url).path
    # The format-suffix twin of a route (`/nominations/1.json`) is the same operation.
    path = re.sub(r"\.json/?$", "/", path)
    found = [op for op in operations if op.method == method and op.regex.match(path)]
    assert len(found) <= 1, (method, url, found)
    return found[0] if found else None


def probes(samples: Samples) -> Plan:
    operations = api_operations()
    plan = Plan([], [], {}, [])
    for pattern in url_patterns():
        kinds = {}
        for param in pattern.params:
            kind = kind_of(pattern, param)
            if kind is None:
                plan.missing.append(f"{pattern.key} ({pattern.route}): parameter {param!r}")
            kinds[param] = kind
        if None in kinds.values():
            continue
        depends_on_world = any(
            k not in samples.fixed and k != "admin_object" for k in kinds.values()
        )
        worlds = WORLDS if depends_on_world else (None,)
        urls = []
        for world in worlds:
            values = {}
            for param, kind in kinds.items():
                value = (
                    _admin_object(pattern.route)
                    if kind == "admin_object"
                    else samples.value(kind, world)
                )
                if value is None:
                    break
                values[param] = value
            else:
                urls.append((world, fill(pattern.route, values)))
        if not urls:
            plan.missing.append(f"{pattern.key} ({pattern.route}): no world has every parameter")
            continue
        for world, url in urls:
            try:
                reached = resolve(urlsplit(url).path).route
            except Resolver404:
                reached = None
            if reached != pattern.route:
                plan.shadowed[pattern.route] = reached or f"nothing (404 for {url})"
                break
            for method in pattern.methods:
                key = pattern.key
                if pattern.is_api:
                    operation = _operation_for(operations, method, url)
                    key = operation.operation_id if operation else key
                plan.probes.append(Probe(method, url, key, world, pattern.route))
    probed = {p.key for p in plan.probes}
    plan.unrouted = sorted(op.operation_id for op in operations if op.operation_id not in probed)
    return plan


# ---------------------------------------------------------------------------------------------
# Walking

REACHED, DENIED, ERROR = "reached", "denied", "error"


@dataclass(frozen=True)
class Outcome:
    probe: Probe
    status: int
    verdict: str  # REACHED, DENIED or ERROR
    detail: str = ""
    seconds: float = 0.0


def _login_paths() -> set[str]:
    return {reverse("account_login"), reverse("admin:login")}


def classify(response, method: str, follow) -> tuple[str, str]:
    """Reached: 2xx; a redirect that does not end at a login page (a GET redirect is followed,
    at most three times, to see where it ends); a 400, 409 or 422, which the API and forms give
    only after the permission check passed, to input they refuse. Denied: 401, 403, 404, 405,
    a redirect to a login page. Error: a 5xx or anything else."""
    status = response.status_code
    if 200 <= status < 300:
        return REACHED, ""
    if status in (301, 302, 303, 307, 308):
        location = response["Location"]
        for _hop in range(3):
            target = urlsplit(location)
            if target.netloc and target.netloc != "testserver":
                return REACHED, f"→ {location}"
            if target.path in _login_paths():
                return DENIED, f"→ {location}"
            if method != "GET":
                return REACHED, f"→ {location}"
            response = follow(location)
            if response.status_code not in (301, 302, 303, 307, 308):
                verdict, detail = classify(response, "GET", follow)
                return verdict, f"→ {location} {detail}".rstrip()
            location = response["Location"]
        return REACHED, f"→ {location}"
    if status in (400, 409, 422):
        return REACHED, "input refused"
    if status in (401, 403, 404, 405):
        return DENIED, ""
    return ERROR, f"status {status}"


def _send(client, probe: Probe):
    if probe.method == "GET":
        return client.get(probe.url)
    if probe.method == "DELETE":
        return client.delete(probe.url)
    # An empty body: a JSON object for the API, an empty form for the pages.
    if probe.url.startswith("/api/"):
        return client.generic(probe.method, probe.url, json.dumps({}), "application/json")
    return client.generic(probe.method, probe.url, "", "application/x-www-form-urlencoded")


def walk(client, plan_probes) -> list[Outcome]:
    """Send every probe as the client's user. Each request runs in a savepoint that is rolled
    back, with the client's cookies as they were before it (a logout, a language choice or a
    rotated session key does not carry over to the next request)."""
    cookies = copy.deepcopy(client.cookies)
    outcomes = []
    # Refused requests are the point here; Django would log each one as a warning.
    loggers = [logging.getLogger(name) for name in ("django.request", "paritrana.security")]
    levels = [logger.level for logger in loggers]
    for logger in loggers:
        logger.setLevel(logging.CRITICAL)
    for probe in plan_probes:
        client.cookies = copy.deepcopy(cookies)
        savepoint = transaction.savepoint()
        started = time.monotonic()
        try:
            response = _send(client, probe)
            verdict, detail = classify(response, probe.method, client.get)
            seconds = time.monotonic() - started
            outcomes.append(Outcome(probe, response.status_code, verdict, detail, seconds))
        except Exception as error:  # the walker reports every failing route, not the first
            last = traceback.format_exception_only(error)[-1].strip()
            outcomes.append(Outcome(probe, 500, ERROR, last))
        finally:
            transaction.savepoint_rollback(savepoint)
    for logger, level in zip(loggers, levels, strict=True):
        logger.setLevel(level)
    client.cookies = cookies
    return outcomes
