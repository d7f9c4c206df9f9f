"""A real prefork worker of two processes, as production runs it: each process warms the
certificate renderer up as it starts, then the batch is generated to 100 %, the tasks sent in
batches through one producer, each process keeping its database connection across tasks."""

import time
from pathlib import Path

import pytest
from django.conf import settings
from django.db import connection, transaction

from ceremonies import selectors, services
from ceremonies.services import ENQUEUE_BATCH
from paritrana.celery import app
from tests.ceremonies.test_certificate_worker import _edition_with_awards, ceremony_of
from tests.test_celery_worker import _running_worker, redis_url  # noqa: F401 (fixture)

CERTIFICATES = ENQUEUE_BATCH + 10  # more than one batch of tasks


@pytest.mark.services
def test_a_prefork_worker_warms_up_each_process_and_generates_the_batch(
    redis_url,  # noqa: F811
    transactional_db,
    regions,
    tmp_path,
    require_service,
):
    if connection.vendor != "postgresql":
        require_service("a worker process cannot share the in-memory SQLite test database")
    edition = _edition_with_awards(CERTIFICATES)
    ceremony = ceremony_of(edition)
    app.control.purge()
    # Connections to the test database other than this test's (the browser tests' live server
    # may hold one for the rest of the session): the worker's are counted on top of these.
    others = _other_connections()
    log = tmp_path / "worker.log"
    with _running_worker(
        redis_url, "celery", log, pool="prefork", concurrency=2, loglevel="INFO"
    ) as worker:
        with transaction.atomic():
            batch = services.certificates_issue(actor=None, ceremony=ceremony)
        deadline = time.monotonic() + 600
        while not (progress := selectors.batch_progress(batch))["finished"]:
            assert time.monotonic() < deadline, progress
            assert worker.poll() is None, log.read_text()
            time.sleep(0.5)
        # Its two processes are idle now, each still holding its connection.
        held = _other_connections() - others
    text = log.read_text()

    assert (progress["percent"], progress["failed"], progress["done"]) == (100, 0, CERTIFICATES)
    assert text.count("Certificate renderer warmed up") == 2
    assert "Timed out waiting for UP message" not in text
    assert held == 2
    files = sorted(Path(settings.MEDIA_ROOT).glob("certificates/2031/*.pdf"))
    assert [f.stem for f in files] == sorted(c.serial for c in batch.certificates.all())


def _other_connections() -> int:
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT count(*) FROM pg_stat_activity"
            " WHERE datname = current_database() AND pid <> pg_backend_pid()"
        )
        [(count,)] = cursor.fetchall()
    return count
