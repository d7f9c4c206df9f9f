"""Celery tasks of the candidates app: thin, keyword *_id arguments, the work is in a service."""

import zlib
from contextlib import contextmanager

from celery import shared_task
from django.db import DatabaseError, connection

from . import spreadsheets
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


@shared_task(name="candidates.import_validate")
def import_validate(*, job_id: int) -> str | None:
    """Check a large uploaded spreadsheet (spreadsheets.import_validate)."""
    with _one_run_at_a_time(job_id):
        job = ImportJob.objects.filter(pk=job_id).first()
        return spreadsheets.import_validate(job=job).status if job else None


@shared_task(name="candidates.import_run")
def import_run(*, job_id: int) -> str | None:
    """Import a large checked spreadsheet, all or nothing (spreadsheets.import_run)."""
    with _one_run_at_a_time(job_id):
        job = ImportJob.objects.filter(pk=job_id).first()
        return spreadsheets.import_run(job=job).status if job else None
