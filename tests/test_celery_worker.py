"""Real Celery workers on the Redis broker: a task's result, and a large spreadsheet import
checked and saved by the worker while the page polls its progress."""

import os
import subprocess
import sys
import time
import uuid
from contextlib import contextmanager
from pathlib import Path

import pytest
from django.conf import settings
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection, transaction

from accounts.enums import Role
from accounts.services import role_assign
from candidates.demo import seed_candidates
from candidates.enums import ImportKind, ImportStatus
from candidates.models import Branch, Edition, ImportJob, Nomination
from candidates.services import regions_load
from candidates.spreadsheets import import_confirm, import_upload
from paritrana.tasks import health_check
from tests.candidates.test_spreadsheets import business_row, write_xlsx
from tests.factories import UserFactory

ROOT = Path(__file__).resolve().parent.parent


@pytest.fixture
def redis_url(require_service):
    url = os.environ.get("REDIS_URL", "")
    if not url:
        require_service("REDIS_URL is not set: no Redis broker to start a worker on")
    import redis

    try:
        redis.Redis.from_url(url).ping()
    except redis.exceptions.ConnectionError:
        require_service(f"Redis at {url} does not answer")
    return url


def _worker_env(redis_url) -> dict:
    db = settings.DATABASES["default"]
    env = {**os.environ, "REDIS_URL": redis_url, "MEDIA_ROOT": str(settings.MEDIA_ROOT)}
    # Production runs collectstatic for the hashed manifest; the tests' worker finds the static
    # files (the certificates' stylesheet) where they are, as the tests' web side does.
    env["STATIC_MANIFEST"] = "0"
    if connection.vendor == "postgresql":
        # The worker must use the test database the suite created, not the configured one.
        env["DATABASE_URL"] = (
            f"postgres://{db['USER'] or ''}{':' + db['PASSWORD'] if db['PASSWORD'] else ''}"
            f"@{db['HOST'] or '127.0.0.1'}:{db['PORT'] or 5432}/{db['NAME']}"
        )
    return env


@contextmanager
def _running_worker(redis_url, queue, log, *, pool="solo", concurrency=1, loglevel="WARNING"):
    """A Celery worker on `queue`, writing to `log`; yields its process."""
    env = _worker_env(redis_url)
    command = [sys.executable, "-m", "celery", "-A", "paritrana", "worker", "--pool", pool]
    command += ["--concurrency", str(concurrency), "--queues", queue, "--hostname", f"{queue}@%h"]
    command += [
        "--loglevel",
        loglevel,
        "--without-gossip",
        "--without-mingle",
        "--without-heartbeat",
    ]
    with log.open("w") as output:
        process = subprocess.Popen(command, cwd=ROOT, env=env, stdout=output, stderr=output)
        try:
            yield process
        finally:
            process.terminate()
            try:
                process.wait(timeout=60)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait()
    print(log.read_text())  # shown by pytest when the test failed


@pytest.fixture
def worker(redis_url, transactional_db, tmp_path):
    """A `celery worker` process on a private queue, stopped afterwards."""
    queue = f"test-{uuid.uuid4().hex[:8]}"
    with _running_worker(redis_url, queue, tmp_path / "w.log"):
        yield queue


@pytest.mark.services
def test_celery_worker_runs_task_on_redis(worker):
    assert settings.CELERY_TASK_ALWAYS_EAGER is False
    result = health_check.apply_async(queue=worker)
    assert result.get(timeout=60) == {"database": True, "vendor": connection.vendor}
    assert result.state == "SUCCESS"


@pytest.mark.django_db
def test_without_redis_tasks_run_in_process(settings):
    from paritrana.celery import app

    app.conf.task_always_eager = True
    try:
        result = health_check.delay()
        assert result.get() == {"database": True, "vendor": connection.vendor}
    finally:
        app.conf.task_always_eager = settings.CELERY_TASK_ALWAYS_EAGER


@pytest.mark.services
def test_large_spreadsheet_import_runs_on_a_real_worker(
    redis_url, transactional_db, tmp_path, require_service
):
    """2,500 business rows (above PARITRANA_IMPORT_ASYNC_ROWS): the check and the import run
    in a Celery worker on Redis, against the same database, while the page polls progress."""
    if connection.vendor != "postgresql":
        require_service("a worker process cannot share the in-memory SQLite test database")

    regions_load()
    seed_candidates()
    user = UserFactory()
    role_assign(user=user, role=Role.BRANCH_STAFF, branch=Branch.objects.get(code="gorontalo"))
    path = write_xlsx(tmp_path / "besar.xlsx", [business_row(i) for i in range(2500)])
    before = Nomination.objects.count()

    def wait_for(job, *statuses, seconds=180):
        deadline = time.monotonic() + seconds
        seen = set()
        while time.monotonic() < deadline:
            job.refresh_from_db()
            seen.add((job.status, job.processed_rows))
            if job.status in statuses:
                return seen
            time.sleep(0.2)
        raise AssertionError(f"job stayed {job.status} ({job.processed_rows} rows): {seen}")

    # The worker consumes the default queue, where views enqueue with .delay().
    with _running_worker(redis_url, "celery", tmp_path / "worker.log"):
        with transaction.atomic():
            job = import_upload(
                user=user,
                kind=ImportKind.BUSINESS,
                edition=Edition.objects.get(year=2021),
                upload=SimpleUploadedFile("besar.xlsx", Path(path).read_bytes()),
            )
        assert job.status == ImportStatus.UPLOADED  # handed to the worker, not checked here
        wait_for(job, ImportStatus.VALIDATED, ImportStatus.INVALID)
        assert (job.status, job.total_rows, job.errors) == (ImportStatus.VALIDATED, 2500, [])
        assert Nomination.objects.count() == before  # a check saves nothing
        with transaction.atomic():
            import_confirm(job=job)
        seen = wait_for(job, ImportStatus.DONE, ImportStatus.INVALID, ImportStatus.FAILED)
    assert (job.status, job.nominations_created) == (ImportStatus.DONE, 2500)
    assert (ImportStatus.IMPORTING, 2500) in seen or (ImportStatus.DONE, 2500) in seen
    assert Nomination.objects.count() == before + 2500
    assert ImportJob.objects.get(pk=job.pk).finished_at is not None
