"""How an import job ends when its check or import cannot finish, whatever stops it.

Every way ends the same: the job is failed with a message in the importer's language, and its
stored upload and checked rows are removed (nothing of a failed import stays on disk).

- An exception in the check or the import (candidates.spreadsheets catches it): the message of
  its kind (the soft time limit's SoftTimeLimitExceeded, MemoryError past the worker's memory
  limit, any other error).
- The hard time limit: the worker kills the pool process and calls the task's on_failure in its
  main process (candidates.tasks.ImportTask).
- A pool process killed under the task (the out-of-memory killer, SIGKILL): late
  acknowledgement gives the task back to the queue, and it is delivered again. Each delivery is
  counted on the job; past settings.PARITRANA_IMPORT_MAX_DELIVERIES the next delivery fails the
  job instead of running a file that keeps killing the worker.
- A task that never comes (lost with Redis's data, sent to a broker that went away): a job still
  checking or importing settings.PARITRANA_IMPORT_STUCK_SECONDS after it was queued is failed
  when its owner next opens the import pages (import_jobs_recover).
"""

import logging
from datetime import timedelta

from celery.exceptions import SoftTimeLimitExceeded, TimeLimitExceeded
from django.conf import settings
from django.db import DatabaseError, connection
from django.db.models import F, Q
from django.utils import timezone, translation
from django.utils.translation import gettext_lazy

from ..enums import IMPORT_RUNNING
from ..enums import ImportStatus as Status
from ..models import ImportJob

logger = logging.getLogger(__name__)

MESSAGES = {
    "error": gettext_lazy(
        "The import stopped on an unexpected error and nothing was saved. Try again; if it "
        "happens again, tell the secretariat."
    ),
    "time": gettext_lazy(
        "The file took longer to check or import than allowed, so it was stopped and nothing "
        "was saved. Split it into smaller files and upload them one by one."
    ),
    "memory": gettext_lazy(
        "The file needed more memory than allowed, so it was stopped and nothing was saved. "
        "Split it into smaller files and upload them one by one."
    ),
    "killed": gettext_lazy(
        "The file stopped the background worker %(count)s times (it may need more memory than "
        "allowed), so it was given up and nothing was saved. Split it into smaller files, or "
        "tell the secretariat."
    ),
    "stuck": gettext_lazy(
        "The background worker did not finish this file in time, so it was given up and "
        "nothing was saved. Upload the file again; if it happens again, tell the secretariat."
    ),
    "broker": gettext_lazy(
        "The background task service could not be reached, so the file was not checked and "
        "nothing was saved. Upload it again in a few minutes."
    ),
}


def reason_of(error: BaseException) -> str:
    """The message (a key of MESSAGES) for an exception that stopped a check or an import."""
    if isinstance(error, SoftTimeLimitExceeded | TimeLimitExceeded):
        return "time"
    if isinstance(error, MemoryError):
        return "memory"
    return "error"


def import_job_fail(*, job: ImportJob, reason: str = "error", **params) -> ImportJob:
    """Fail a job still checking or importing: status failed, the reason's message (MESSAGES, in
    the importer's language) as its one error. Side effects: deletes its stored upload and its
    checked rows. A job that is no longer running (finished meanwhile) is left as it is."""
    with translation.override(job.language):
        message = str(MESSAGES[reason]) % params if params else str(MESSAGES[reason])
    fields = {
        "status": Status.FAILED,
        "errors": [{"row": None, "column": "", "message": message}],
        "error_count": 1,
        "finished_at": timezone.now(),
        "file": "",
        "checked_rows": "",
    }
    try:
        failed = _update_running(job, fields)
    except DatabaseError:
        # The error that stopped the job may have left the connection unusable (a query
        # interrupted by the soft time limit): a fresh one records the failure.
        connection.close()
        failed = _update_running(job, fields)
    if not failed:
        job.refresh_from_db()
        return job
    for stored in (job.file, job.checked_rows):
        if stored:
            try:
                stored.storage.delete(stored.name)
            except OSError:
                logger.exception("Could not delete %s of failed import %s", stored.name, job.pk)
    for name, value in fields.items():
        setattr(job, name, value)
    return job


def _update_running(job: ImportJob, fields: dict) -> int:
    return ImportJob.objects.filter(pk=job.pk, status__in=IMPORT_RUNNING).update(**fields)


def import_job_delivered(*, job_id: int, status: str) -> ImportJob | None:
    """Count a delivery of the job's task, if the job is still waiting for it (`status`): the
    job, or None when it is not waiting (finished already: a task delivered twice) or when this
    delivery is one more than settings.PARITRANA_IMPORT_MAX_DELIVERIES (the earlier ones never
    finished: their worker process was killed). Then the job is failed and its files removed."""
    counted = ImportJob.objects.filter(pk=job_id, status=status).update(attempts=F("attempts") + 1)
    if not counted:
        return None
    job = ImportJob.objects.select_related("edition", "user").get(pk=job_id)
    if job.attempts > settings.PARITRANA_IMPORT_MAX_DELIVERIES:
        logger.error("Import %s given up after %s deliveries", job_id, job.attempts - 1)
        import_job_fail(job=job, reason="killed", count=job.attempts - 1)
        return None
    return job


def import_job_stopped(*, job_id: int, error: BaseException) -> None:
    """A task of the job was stopped from outside its code (the hard time limit): fail the job
    if it is still running."""
    job = ImportJob.objects.filter(pk=job_id).first()
    if job is not None:
        import_job_fail(job=job, reason=reason_of(error))


def import_jobs_recover(*, jobs) -> int:
    """Fail the jobs among `jobs` (a queryset) still checking or importing
    settings.PARITRANA_IMPORT_STUCK_SECONDS after they were queued: their task was lost. Side
    effects: removes their files. The number failed."""
    cutoff = timezone.now() - timedelta(seconds=settings.PARITRANA_IMPORT_STUCK_SECONDS)
    stuck = jobs.filter(status__in=IMPORT_RUNNING).filter(
        Q(queued_at__lt=cutoff) | Q(queued_at__isnull=True, created_at__lt=cutoff)
    )
    failed = 0
    for job in stuck:
        logger.error("Import %s stuck since %s: failed", job.pk, job.queued_at or job.created_at)
        failed += import_job_fail(job=job, reason="stuck").status == Status.FAILED
    return failed
