"""A branch with 240,000 nominations (a quarter: 60,000) in the current edition: its dashboard,
its first page of the paginated list, and its CSV and XLSX exports (issue 24, item 12), each
timed in a process of its own with that process's peak memory and its number of queries.

The branch's businesses and nominations are written with bulk_create (a few states, the
returned dossiers with the panel's deadline and reason). Each page is asked of the project's
own views through Django's test client, logged in as the branch's staff, and a streamed
response is read to its last byte; the time is the whole answer, which gunicorn's sync worker
(30 s timeout) has to finish. The targets are fixed: an answer well inside gunicorn's timeout,
memory that does not grow with the rows.

    python -m bench.exports dashboard|list|csv|xlsx <user id>
"""

import sys
import time
from datetime import date, timedelta

NOMINATIONS = 240_000
PATH = "branch pages and exports"
PAGES = {
    "dashboard": "/dashboard/",
    "list": "/branch/nominations/",
    "csv": "/nominations/export.csv",
    "xlsx": "/nominations/export.xlsx",
}
# (measure's name, seconds limit) per page; the list is the reference the issue gives (2 s).
LIMITS = {"dashboard": 2, "list": 2, "csv": 15, "xlsx": 25}
MEMORY_LIMIT_MB = 300
# A share of the branch's nominations per state (the rest are drafts).
STATES = (("submitted", 0.2), ("returned", 0.05), ("verified", 0.15), ("scored", 0.1))


def measure(size) -> list:
    from .core import below, python_module, run_measured

    n = size.of(NOMINATIONS)
    user = _branch(n)
    rows = []
    for page, url in PAGES.items():
        _wall, out = run_measured(python_module(__name__, page, str(user.pk)))
        seconds, peak, queries, size_bytes = out.split()[-4:]
        detail = f"{n:,} nominations, {url}, {int(size_bytes):,} bytes, {queries} queries"
        rows.append(below(PATH, size, f"{page}: seconds", "s", float(seconds), LIMITS[page],
                          detail=detail))  # fmt: skip
        rows.append(below(PATH, size, f"{page}: peak memory", "MB", float(peak),
                          MEMORY_LIMIT_MB, detail=detail))  # fmt: skip
    return rows


def _branch(n: int):
    """Branch staff whose branch holds `n` nominations of the current edition (a new edition,
    the latest year); reused when a run has built it already and it is still current."""
    from django.db import transaction

    from accounts.enums import Role
    from accounts.models import User
    from accounts.services import role_assign
    from candidates.enums import BusinessScale, CandidateKind
    from candidates.models import (
        Candidate,
        Edition,
        Nomination,
        NominationTransition,
        Regency,
    )
    from candidates.selectors import current_edition
    from tests.factories import BranchFactory, CategoryFactory, EditionFactory, UserFactory

    email = f"bench.exports.{n}@paritrana.test"
    user = User.objects.filter(email=email).first()
    edition = current_edition()
    if (
        user is not None
        and edition is not None
        and Nomination.objects.filter(
            category__edition=edition, candidate__npp__startswith=f"9{n}"
        ).count()
        == n
    ):
        return user
    with transaction.atomic():
        year = max(2060, max(Edition.objects.values_list("year", flat=True), default=0) + 1)
        edition = EditionFactory(
            year=year, nominations_open=True, nomination_deadline=date(year, 6, 30)
        )
        categories = [
            CategoryFactory(
                edition=edition,
                code=f"usaha-{scale}",
                name=f"Badan usaha ({scale.label})",
                order=i,
                candidate_kind=CandidateKind.BUSINESS,
                business_scale=scale,
            )
            for i, scale in enumerate(BusinessScale)
        ]
        regencies = list(Regency.objects.filter(province_id="32").order_by("code")[:3])
        branch = BranchFactory(code=f"bench-exports-{n}-{year}", province_id="32")
        branch.regencies.set(regencies)
        user = UserFactory(email=email, username=f"bench-exports-{n}")
        role_assign(user=user, role=Role.BRANCH_STAFF, branch=branch)
        for start in range(0, n, 5_000):
            batch = range(start, min(n, start + 5_000))
            candidates = Candidate.objects.bulk_create(
                Candidate(
                    kind=CandidateKind.BUSINESS,
                    npp=f"9{n}{i:07d}",
                    name=f"PT Cabang Sejahtera {i:06d}",
                    regency=regencies[i % len(regencies)],
                    scale=categories[i % len(categories)].business_scale,
                )
                for i in batch
            )
            nominations = Nomination.objects.bulk_create(
                Nomination(
                    candidate=c,
                    category=categories[i % len(categories)],
                    state=_state(i),
                    created_by=user,
                )
                for i, c in zip(batch, candidates, strict=True)
            )
            NominationTransition.objects.bulk_create(
                NominationTransition(
                    nomination=nomination,
                    from_state="submitted",
                    to_state="returned",
                    reason="Lampirkan SK kepesertaan.",
                    deadline=date(year, 7, 1) + timedelta(days=i % 60),
                )
                for i, nomination in zip(batch, nominations, strict=True)
                if nomination.state == "returned"
            )
    from django.db import connection

    with connection.cursor() as cursor:
        for table in ("candidates_candidate", "candidates_nomination"):
            cursor.execute(f"VACUUM ANALYZE {table}")
    return user


def _state(i: int) -> str:
    """Spread the states over the rows by their share (a fixed pattern, per hundred)."""
    position, start = (i % 100) / 100, 0.0
    for state, share in STATES:
        if start <= position < start + share:
            return state
        start += share
    return "draft"


def _run(page: str, user_id: int) -> None:
    """Ask for one page as the user, read all of it, print seconds, peak MB, queries, bytes."""
    import django

    django.setup()
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    from accounts.models import User

    from .core import own_peak_mb

    client = Client()
    client.force_login(User.objects.get(pk=user_id))
    client.get("/healthz/")  # the first request's one-off costs (URL conf, templates)
    with CaptureQueriesContext(connection) as queries:
        start = time.perf_counter()
        response = client.get(PAGES[page])
        if response.status_code != 200:
            raise SystemExit(f"{PAGES[page]} answered {response.status_code}.")
        if response.streaming:
            size = sum(len(chunk) for chunk in response.streaming_content)
        else:
            size = len(response.content)
        response.close()
        seconds = time.perf_counter() - start
    print(f"{seconds:.3f} {own_peak_mb():.1f} {len(queries)} {size}")


if __name__ == "__main__":
    import os

    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "bench.settings")
    _run(sys.argv[1], int(sys.argv[2]))
