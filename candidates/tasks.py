"""Celery tasks of the candidates app: thin, keyword *_id arguments, the work is in a service."""

import zlib
from contextlib import contextmanager

from celery import Task, shared_task
from celery.exceptions import TimeLimitExceeded
from django.conf import settings
from django.db import DatabaseError, connection

from . import spreadsheets
from .enums import ImportStatus
from .imports import jobs as import_jobs
from .models import ImportJob

# The first key of the PostgreSQL advisory locks of import jobs (the second is the job's id).
_IMPORT_LOCK = zlib.crc32(b"candidates.import_job") & 0x7FFFFFFF


@contextmanager
def _one_run_at_a_time(job_id: int):
    """Hold the job's advisory lock while a task works on it.

    The broker hands a task that is still running to a second worker once it has been
    unacknowledged for longer than the visibility timeout (CELERY_BROKER_TRANSPORT_OPTIONS), as
    it must to recover the task of a worker that died. A large import can run that long: the
    second delivery waits here and then finds the job finished (the tasks skip a job that is no
    longer waiting), instead of importing the same rows a second time beside the first. The
    lock belongs to the database session, so a killed worker's lock goes with its connection.
    SQLite has no second worker: tasks run in the process that sends them."""
    if connection.vendor != "postgresql":
        yield
        return
    key = [_IMPORT_LOCK, job_id & 0x7FFFFFFF]
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_advisory_lock(%s::integer, %s::integer)", key)
    try:
        yield
    finally:
        try:
            with connection.cursor() as cursor:
                cursor.execute("SELECT pg_advisory_unlock(%s::integer, %s::integer)", key)
        except DatabaseError:
            pass  # the connection is gone, and its session's locks with it


class ImportTask(Task):
    """An import task: kept under its time limits (settings.PARITRANA_IMPORT_*TIME_LIMIT, below
    the broker's visibility timeout). The soft limit raises SoftTimeLimitExceeded inside the
    work, which fails the job itself; past the hard limit the worker kills the pool process and
    calls on_failure here, in its main process, which fails the job."""

    def on_failure(self, exc, task_id, args, kwargs, einfo):
        if isinstance(exc, TimeLimitExceeded) and kwargs.get("job_id"):
            import_jobs.import_job_stopped(job_id=kwargs["job_id"], error=exc)


_IMPORT_TASK = {
    "base": ImportTask,
    "soft_time_limit": settings.PARITRANA_IMPORT_SOFT_TIME_LIMIT,
    "time_limit": settings.PARITRANA_IMPORT_TIME_LIMIT,
}


def _run(job_id: int, status: str, work) -> str | None:
    """`work` on the job if it is waiting for it (`status`), one run at a time, each delivery
    counted (import_jobs.import_job_delivered): the job's status after, None for no job."""
    with _one_run_at_a_time(job_id):
        job = import_jobs.import_job_delivered(job_id=job_id, status=status)
        if job is not None:
            return work(job=job).status
        return ImportJob.objects.filter(pk=job_id).values_list("status", flat=True).first()


@shared_task(name="candidates.import_validate", **_IMPORT_TASK)
def import_validate(*, job_id: int) -> str | None:
    """Check an uploaded spreadsheet (spreadsheets.import_validate)."""
    return _run(job_id, ImportStatus.UPLOADED, spreadsheets.import_validate)


@shared_task(name="candidates.import_run", **_IMPORT_TASK)
def import_run(*, job_id: int) -> str | None:
    """Import a large checked spreadsheet, all or nothing (spreadsheets.import_run)."""
    return _run(job_id, ImportStatus.IMPORTING, spreadsheets.import_run)
