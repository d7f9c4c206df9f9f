"""Celery tasks of the candidates app: thin, keyword *_id arguments, the work is in a service."""

from celery import shared_task

from . import spreadsheets
from .models import ImportJob


@shared_task(name="candidates.import_validate")
def import_validate(*, job_id: int) -> str | None:
    """Check a large uploaded spreadsheet (spreadsheets.import_validate)."""
    job = ImportJob.objects.filter(pk=job_id).first()
    return spreadsheets.import_validate(job=job).status if job else None


@shared_task(name="candidates.import_run")
def import_run(*, job_id: int) -> str | None:
    """Import a large checked spreadsheet, all or nothing (spreadsheets.import_run)."""
    job = ImportJob.objects.filter(pk=job_id).first()
    return spreadsheets.import_run(job=job).status if job else None
