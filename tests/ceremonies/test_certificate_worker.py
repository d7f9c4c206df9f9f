"""A real Celery worker on the Redis broker generates a batch of 50 certificates, against the
same PostgreSQL database, while the batch's progress is read the way the batch page reads it."""

import time
from datetime import date
from pathlib import Path

import pytest
from django.conf import settings
from django.db import connection, transaction

from candidates.enums import NominationState
from candidates.models import Regency
from ceremonies import selectors, services
from ceremonies.models import Publication
from ceremonies.services import Person
from scoring.enums import AwardKind
from scoring.models import Award
from tests.factories import CategoryFactory, NominationFactory, RegencyGovernmentFactory
from tests.test_celery_worker import _running_worker, redis_url  # noqa: F401 (fixture)

BATCH = 50


def _edition_with_awards(count: int):
    category = CategoryFactory(edition__year=2031)
    for regency in Regency.objects.order_by("code")[:count]:
        nomination = NominationFactory(
            candidate=RegencyGovernmentFactory(regency=regency),
            category=category,
            state=NominationState.AWARDED,
        )
        Award.objects.create(
            category=category,
            nomination=nomination,
            kind=AwardKind.SPECIAL,
            title="Terbaik Khusus",
            reason="Uji pembuatan piagam massal.",
        )
    # Arranged directly: this test is about generation, publication has its own tests.
    Publication.objects.create(edition=category.edition)
    return category.edition


def ceremony_of(edition):
    """The edition's national ceremony, with a signatory (certificates need one)."""
    return services.ceremony_save(
        actor=None,
        edition=edition,
        title="Penyerahan Penghargaan Paritrana 2031",
        held_on=date(2032, 3, 1),
        place="Istana Wakil Presiden, Jakarta",
        handing_over=[Person("Wakil Presiden", "Wakil Presiden Republik Indonesia")],
        signatories=[Person("Menteri Koordinator PMK", "Menko PMK")],
    )


@pytest.mark.services
def test_a_real_worker_generates_a_batch_of_fifty_to_100_percent(
    redis_url,  # noqa: F811
    transactional_db,
    regions,
    tmp_path,
    require_service,
):
    if connection.vendor != "postgresql":
        require_service("a worker process cannot share the in-memory SQLite test database")
    assert settings.CELERY_TASK_ALWAYS_EAGER is False
    edition = _edition_with_awards(BATCH)
    ceremony = ceremony_of(edition)
    with _running_worker(redis_url, "celery", tmp_path / "worker.log"):
        with transaction.atomic():
            batch = services.certificates_issue(actor=None, ceremony=ceremony)
            # Nothing is sent before the commit.
            assert selectors.batch_progress(batch)["percent"] == 0
        seen = []
        deadline = time.monotonic() + 600
        while time.monotonic() < deadline:
            progress = selectors.batch_progress(batch)
            seen.append(progress["percent"])
            if progress["finished"]:
                break
            time.sleep(0.5)
    assert progress == {
        "done": BATCH,
        "failed": 0,
        "waiting": 0,
        "total": BATCH,
        "percent": 100,
        "finished": True,
    }
    assert seen == sorted(seen)  # it only goes up
    files = sorted(Path(settings.MEDIA_ROOT).glob("certificates/2031/*.pdf"))
    serials = sorted(c.serial for c in batch.certificates.all())
    assert [f.stem for f in files] == serials
    assert len(set(serials)) == BATCH
    assert all(f.read_bytes().startswith(b"%PDF") for f in files)
