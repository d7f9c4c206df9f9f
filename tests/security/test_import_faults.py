"""An import job fails cleanly whatever stops it (issue 24): with a real worker, a check whose
pool process is killed each time it is delivered ends failed after the allowed deliveries, and
one past its soft time limit ends failed at once; a job whose task was lost is failed when its
page is opened. Each ends with its message in the importer's language and nothing of its file
left on disk. The workers are real `celery worker` processes on Redis and the same PostgreSQL
database (tests/security/workers.py)."""

import os
from contextlib import contextmanager
from pathlib import Path

import pytest
from django.conf import settings
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import translation

from accounts.enums import Role
from accounts.services import role_assign
from candidates import spreadsheets
from candidates import tasks as candidate_tasks
from candidates.demo import seed_candidates
from candidates.enums import ImportKind, ImportStatus
from candidates.imports.jobs import MESSAGES
from candidates.models import Branch, Edition, ImportJob
from paritrana.celery import app
from tests.candidates.test_spreadsheets import business_row, write_csv
from tests.factories import UserFactory
from tests.security.test_faults import _wait, broker  # noqa: F401
from tests.security.workers import Worker, app_on, private_redis  # noqa: F401
from tests.test_celery_worker import redis_url  # noqa: F401 (fixture)

WAIT = 120  # seconds; each step below takes a second or two


def _message(reason: str, **params) -> str:
    with translation.override("id"):
        text = str(MESSAGES[reason])
    return text % params if params else text


def _files_on_disk() -> list[str]:
    media = Path(settings.MEDIA_ROOT)
    return sorted(str(p.relative_to(media)) for p in media.rglob("*") if not p.is_dir())


@pytest.fixture
def staff(regions):
    seed_candidates()
    user = UserFactory()
    role_assign(user=user, role=Role.BRANCH_STAFF, branch=Branch.objects.get(code="gorontalo"))
    return user


def _upload(user, tmp_path, rows=3) -> ImportJob:
    """A branch upload: stored, its check sent to the broker as the page sends it."""
    path = write_csv(tmp_path / "usaha.csv", [business_row(i) for i in range(rows)])
    with translation.override("id"):
        job = spreadsheets.import_upload(
            user=user,
            kind=ImportKind.BUSINESS,
            edition=Edition.objects.get(year=2021),
            upload=SimpleUploadedFile("usaha.csv", Path(path).read_bytes()),
        )
    assert _files_on_disk() == [job.file.name]
    return job


@contextmanager
def _stored_file_never_ends(job: ImportJob):
    """The job's stored file becomes a pipe with a writer that never writes: the check reads
    it for ever (in the worker process, after its delivery was counted) until it is stopped."""
    path = Path(settings.MEDIA_ROOT) / job.file.name
    path.unlink()
    os.mkfifo(path)
    writer = os.open(path, os.O_RDWR)
    try:
        yield path
    finally:
        os.close(writer)


def _reading(worker: Worker, path: Path) -> bool:
    """Whether a pool process of the worker has the file open (and so waits in its read)."""
    for pid in worker.pool_processes():
        for fd in Path(f"/proc/{pid}/fd").iterdir():
            try:
                if os.readlink(fd) == str(path):
                    return True
            except OSError:
                continue
    return False


def _state(job: ImportJob):
    job.refresh_from_db()
    return (job.status, job.errors, job.file.name, job.checked_rows.name)


@pytest.mark.services
def test_a_check_that_kills_its_worker_process_fails_after_its_deliveries(
    broker,  # noqa: F811
    redis_url,  # noqa: F811
    staff,
    tmp_path,
):
    """The out-of-memory killer stopping the pool process in the middle of a check, each time
    the task comes back (late acknowledgement gives it back at once): after
    PARITRANA_IMPORT_MAX_DELIVERIES deliveries the next one fails the job instead of running it
    again, and the worker goes on."""
    job = _upload(staff, tmp_path)
    env = {"PARITRANA_IMPORT_MAX_DELIVERIES": "2"}
    with (
        _stored_file_never_ends(job) as path,
        Worker(redis_url, tmp_path / "w.log", env) as worker,
    ):
        for delivery in (1, 2):
            _wait(
                lambda d=delivery: (
                    ImportJob.objects.get(pk=job.pk).attempts == d and _reading(worker, path)
                ),
                lambda d=delivery: f"delivery {d} never reached the check: {_state(job)}",
                WAIT,
            )
            worker.kill_pool_process()
        _wait(
            lambda: _state(job)[0] == ImportStatus.FAILED,
            lambda: f"the job was not given up: {_state(job)}",
            WAIT,
        )
        assert worker.process.poll() is None  # the worker itself lives on

    assert _state(job) == (
        ImportStatus.FAILED,
        [{"row": None, "column": "", "message": _message("killed", count=2)}],
        "",
        "",
    )
    assert (job.attempts, _files_on_disk()) == (3, [])


@pytest.mark.services
def test_a_check_past_its_soft_time_limit_fails_at_once(
    broker,  # noqa: F811
    redis_url,  # noqa: F811
    staff,
    tmp_path,
    monkeypatch,
):
    """SoftTimeLimitExceeded raised inside the check (here while it reads: any exception in the
    work takes the same way) fails the job with its message and removes its file; the task is
    not delivered again."""
    # The limits travel with the task's message, as the sender's task states them.
    # (Celery caches a task's sending options at its first send.)
    monkeypatch.setattr(candidate_tasks.import_validate, "soft_time_limit", 2)
    monkeypatch.setattr(candidate_tasks.import_validate, "_exec_options", None)
    job = _upload(staff, tmp_path)
    with _stored_file_never_ends(job), Worker(redis_url, tmp_path / "w.log"):
        _wait(
            lambda: _state(job)[0] == ImportStatus.FAILED,
            lambda: f"the job did not fail: {_state(job)}",
            WAIT,
        )

    assert _state(job) == (
        ImportStatus.FAILED,
        [{"row": None, "column": "", "message": _message("time")}],
        "",
        "",
    )
    assert (job.attempts, _files_on_disk()) == (1, [])


@pytest.mark.services
def test_a_job_whose_task_was_lost_is_failed_when_its_page_is_opened(
    broker,  # noqa: F811
    staff,
    tmp_path,
    client,
    settings,
):
    """The task sent to Redis is lost (as with a Redis that lost its data); no worker will ever
    check the file. Within PARITRANA_IMPORT_STUCK_SECONDS the page shows it checking; past it,
    the page fails it and the file goes."""
    job = _upload(staff, tmp_path)
    assert app.control.purge() == 1  # the job's task, lost
    client.force_login(job.user)

    settings.PARITRANA_IMPORT_STUCK_SECONDS = 3600
    waiting = client.get(f"/branch/import/{job.pk}/progress/").content.decode()
    assert ('data-status="uploaded"' in waiting, _state(job)[0]) == (True, ImportStatus.UPLOADED)

    settings.PARITRANA_IMPORT_STUCK_SECONDS = 0
    page = client.get(f"/branch/import/{job.pk}/progress/").content.decode()

    assert _state(job) == (
        ImportStatus.FAILED,
        [{"row": None, "column": "", "message": _message("stuck")}],
        "",
        "",
    )
    assert ('data-status="failed"' in page, _message("stuck") in page) == (True, True)
    assert _files_on_disk() == []


@pytest.mark.services
def test_an_upload_while_redis_is_down_is_refused_and_stores_nothing(
    private_redis,  # noqa: F811
    staff,
    tmp_path,
    client,
):
    """Redis stopped at the moment a file is uploaded: the page says so (503, at the form) and
    neither a job nor a file is stored (before: 500, and a job left uploaded for ever)."""
    path = write_csv(tmp_path / "usaha.csv", [business_row(i) for i in range(3)])
    client.force_login(staff)
    private_redis.stop()

    with app_on(private_redis.url), open(path, "rb") as handle:
        response = client.post(
            "/branch/import/",
            {"kind": "business", "edition": Edition.objects.get(year=2021).pk, "file": handle},
        )

    with translation.override("id"):
        message = translation.gettext(
            "The background task service cannot be reached, so nothing was started. "
            "Try again in a few minutes or ask the system administrator."
        )
    assert (response.status_code, response.context["form"].non_field_errors()) == (
        503,
        [message],
    )
    assert message in response.content.decode()
    assert (ImportJob.objects.count(), _files_on_disk()) == (0, [])
