"""Spreadsheet import: an XLSX of 100,000 business rows through the app's import path (upload →
check → confirm → import, all or nothing), beside its floor: openpyxl's read-only reader and
bulk_create of the same rows.

Each side runs in a process of its own, so that its peak memory is its own; the process times
its own path (from the file to the committed rows, not the interpreter's start) and prints the
seconds and its peak memory in MB (bench.core.own_peak_mb):

    python -m bench.imports app|floor <file.xlsx> <edition id> <user id>
"""

import itertools
import sys
import tempfile
import time
from datetime import date
from pathlib import Path

ROWS = 100_000
PATH = "spreadsheet import"


def measure(size) -> list:
    from django.db import connection

    from candidates.models import BusinessData, Candidate, Nomination, Regency

    from .core import at_most, below, python_module, run_measured

    n = size.of(ROWS)
    edition, user = _edition_and_user()
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "badan-usaha.xlsx"
        _write(path, n, edition.year, list(Regency.objects.values_list("code", flat=True)))
        args, env = (str(path), str(edition.pk), str(user.pk)), {"MEDIA_ROOT": folder}
        # The floor first, committed as the import is (deferred foreign keys are checked at
        # commit). Its rows are then deleted and the tables vacuumed, so that the import
        # creates the same candidates (an NPP is unique) in tables in the same state.
        _wall, out = run_measured(python_module(__name__, "floor", *args), env=env)
        floor, floor_peak = map(float, out.split()[-2:])
        BusinessData.objects.filter(nomination__category__edition=edition).delete()
        Nomination.objects.filter(category__edition=edition).delete()
        Candidate.objects.filter(npp__startswith=f"{edition.year}").delete()
        with connection.cursor() as cursor:
            for model in (BusinessData, Nomination, Candidate):
                cursor.execute(f"VACUUM ANALYZE {model._meta.db_table}")
        _wall, out = run_measured(python_module(__name__, "app", *args), env=env)
        app, app_peak = map(float, out.split()[-2:])
    imported = Nomination.objects.filter(category__edition=edition).count()
    if imported != n:
        raise RuntimeError(f"The import created {imported:,} nominations of {n:,} rows.")
    detail = f"{n:,} rows"
    return [
        at_most(PATH, size, "seconds", "s", app, floor, 2, detail=detail),
        below(PATH, size, "peak memory", "MB", app_peak, 500, floor=floor_peak, detail=detail),
    ]


def _edition_and_user():
    """A new edition open for nominations (a year no run has used, so that its NPPs are new
    too) with a business category per scale, and a national admin to import as."""
    from accounts.enums import Role
    from accounts.services import role_assign
    from candidates.enums import BusinessScale, CandidateKind
    from candidates.models import Edition
    from tests.factories import CategoryFactory, EditionFactory, UserFactory

    year = max(2050, max(Edition.objects.values_list("year", flat=True), default=0) + 1)
    edition = EditionFactory(year=year, nominations_open=True)
    for scale in BusinessScale:
        CategoryFactory(
            edition=edition,
            code=f"usaha-{scale}",
            name=f"Badan usaha ({scale.label})",
            candidate_kind=CandidateKind.BUSINESS,
            business_scale=scale,
        )
    user = UserFactory(email="bench.import@paritrana.test")
    role_assign(user=user, role=Role.NATIONAL_ADMIN)
    return edition, user


def _write(path: Path, n: int, year: int, regencies: list[str]) -> None:
    """The business template's sheet Data with `n` valid rows (openpyxl's write-only mode)."""
    import openpyxl

    from candidates.spreadsheet_columns import BUSINESS_COLUMNS

    book = openpyxl.Workbook(write_only=True)
    sheet = book.create_sheet("Data")
    sheet.append([column.header for column in BUSINESS_COLUMNS])
    for i in range(n):
        total = 20 + i % 4_000
        registered = total - i % 7
        enrolled = registered - i % 3
        workers = i % 50
        row = {
            "npp": f"{year}{i:07d}",
            "name": f"PT Usaha Nusantara {i}",
            "sector": ("Perdagangan", "Industri", "Jasa", None)[i % 4],
            "scale": ("besar", "menengah", "kecil_mikro")[i % 3],
            "regency": regencies[i % len(regencies)],
            "employees_total": total,
            "employees_registered": registered,
            **{f"{p}_enrolled": enrolled for p in ("jkk", "jkm", "jht", "jp", "jkp")},
            "reported_wages": registered * 4_500_000,
            "actual_payroll": total * 4_600_000,
            "arrears_months": i % 13,
            "contractors": i % 5,
            "contractor_workers": workers,
            "contractor_workers_registered": max(workers - i % 2, 0),
            "csr_vulnerable_workers": i % 11,
            "data_date": date(year, 1 + i % 12, 1 + i % 28),
            "justification": None,
        }
        sheet.append([row[column.field] for column in BUSINESS_COLUMNS])
    book.save(path)


# ---------------------------------------------------------------------------------------------
# The two sides, each in a process of its own


def app(path: str, edition_id: str, user_id: str) -> float:
    """The import as production runs it. A file this large is checked and imported by the
    Celery tasks candidates.import_validate and candidates.import_run, enqueued on commit; here
    they run eagerly in this process: the same task code, without a broker's latency or a
    worker process to measure apart."""
    from django.core.files import File

    from accounts.models import User
    from candidates import spreadsheets
    from candidates.enums import ImportKind, ImportStatus
    from candidates.models import Edition, ImportJob, Nomination
    from paritrana.celery import app as celery

    celery.conf.task_always_eager = True
    edition, user = Edition.objects.get(pk=edition_id), User.objects.get(pk=user_id)
    start = time.perf_counter()
    with open(path, "rb") as handle:
        upload = File(handle, name=Path(path).name)
        job = spreadsheets.import_upload(
            user=user, kind=ImportKind.BUSINESS, edition=edition, upload=upload
        )
    job.refresh_from_db()  # checked by the task meanwhile
    if job.status == ImportStatus.VALIDATED:
        spreadsheets.import_confirm(job=job)
    seconds = time.perf_counter() - start
    # A benchmark of an import that failed would be meaningless.
    job = ImportJob.objects.get(pk=job.pk)
    created = Nomination.objects.filter(category__edition=edition).count()
    if job.status != ImportStatus.DONE or not job.nominations_created == created == job.total_rows:
        sys.exit(f"The import is {job.status} with {created} nominations: {job.errors[:5]}")
    return seconds


def floor(path: str, edition_id: str, user_id: str) -> float:
    """openpyxl's read-only reader and bulk_create of what the import writes for a new business
    (the candidate, its draft nomination and its figures; not the state-change and audit
    records), a thousand rows at a time in one transaction."""
    import openpyxl
    from django.db import transaction

    from candidates.enums import CandidateKind
    from candidates.models import BusinessData, Candidate, Category, Nomination
    from candidates.spreadsheet_columns import _SCALES, BUSINESS_COLUMNS
    from candidates.validators import BUSINESS_COUNTS

    categories = {c.business_scale: c for c in Category.objects.filter(edition_id=edition_id)}
    fields = [column.field for column in BUSINESS_COLUMNS]
    start = time.perf_counter()
    book = openpyxl.load_workbook(path, read_only=True, data_only=True)
    rows = book["Data"].iter_rows(min_row=2, values_only=True)
    with transaction.atomic():
        while chunk := [dict(zip(fields, r, strict=False)) for r in itertools.islice(rows, 1000)]:
            candidates = Candidate.objects.bulk_create(
                Candidate(
                    kind=CandidateKind.BUSINESS,
                    npp=row["npp"],
                    name=row["name"],
                    sector=row["sector"] or "",
                    scale=_SCALES[row["scale"].replace("_", "")],
                    regency_id=row["regency"],
                )
                for row in chunk
            )
            nominations = Nomination.objects.bulk_create(
                Nomination(candidate=c, category=categories[c.scale], created_by_id=user_id)
                for c in candidates
            )
            BusinessData.objects.bulk_create(
                BusinessData(
                    nomination=nomination,
                    justification=row.get("justification") or "",
                    **{name: row[name] for name in BUSINESS_COUNTS},
                )
                for row, nomination in zip(chunk, nominations, strict=True)
            )
    book.close()
    return time.perf_counter() - start


if __name__ == "__main__":
    import django

    django.setup()
    from bench.core import own_peak_mb

    side, *arguments = sys.argv[1:]
    seconds = {"app": app, "floor": floor}[side](*arguments)
    print(seconds, own_peak_mb())
