"""Celery tasks of the ceremonies app: thin, keyword *_id arguments, the work is in a service."""

import logging
import time

from celery import shared_task
from celery.signals import worker_process_init
from django.conf import settings
from django.db import InterfaceError, OperationalError

from . import services

logger = logging.getLogger(__name__)

# Errors worth another try: the database or the file system briefly unavailable.
TRANSIENT = (OperationalError, InterfaceError, ConnectionError, TimeoutError)


@shared_task(
    name="ceremonies.generate_certificate",
    bind=True,
    autoretry_for=TRANSIENT,
    retry_backoff=2,
    retry_backoff_max=60,
    max_retries=5,
    # Kept under the broker's visibility timeout (settings): a certificate renders in a second.
    soft_time_limit=settings.CERTIFICATE_SOFT_TIME_LIMIT,
    time_limit=settings.CERTIFICATE_TIME_LIMIT,
)
def generate_certificate(self, *, certificate_id: int) -> str | None:
    """Generate one certificate's PDF (services.certificate_generate: once per certificate)."""
    try:
        certificate = services.certificate_generate(certificate_id=certificate_id)
    except TRANSIENT as error:
        if self.request.retries >= self.max_retries:
            services.certificate_failed(certificate_id=certificate_id, error=repr(error))
        raise
    except Exception as error:
        # Not worth retrying (a template or font error): recorded on the certificate, shown on
        # the batch page, where generating again retries it.
        logger.exception("Certificate %s could not be generated", certificate_id)
        services.certificate_failed(certificate_id=certificate_id, error=repr(error))
        return None
    return certificate.serial if certificate else None


@worker_process_init.connect
def warm_up_certificates(**kwargs) -> None:
    """Each worker process renders a sample certificate as it starts, before it takes a task:
    the first render pays for loading WeasyPrint, the fonts, the template and the translations,
    which would otherwise land on the first certificate of every process. A failure is logged
    and the process starts all the same (its first certificate then pays, or fails and says
    why on the batch page)."""
    from .certificates import warm_up

    start = time.perf_counter()
    try:
        warm_up()
    except Exception:
        logger.warning("Certificate warm-up failed; the worker starts cold", exc_info=True)
        return
    logger.info("Certificate renderer warmed up in %.2f s", time.perf_counter() - start)
