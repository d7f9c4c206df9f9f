"""The task queue's broker as the web side sees it: refuse work before anything is written when
the broker is configured but down (ceremonies' certificates, candidates' imports), instead of
storing work that no worker would ever be sent."""

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _


class BrokerUnavailable(ValidationError):
    """The task queue could not be reached: nothing was started."""


def broker_ensure() -> None:
    """Raise BrokerUnavailable unless the broker answers (at once without one: tasks run
    in-process)."""
    from paritrana.celery import app

    if app.conf.task_always_eager:
        return
    try:
        with app.connection_for_write() as connection:
            connection.ensure_connection(max_retries=1, timeout=3)
    except Exception as error:  # kombu raises the transport's own errors
        raise BrokerUnavailable(
            _(
                "The background task service cannot be reached, so nothing was started. "
                "Try again in a few minutes or ask the system administrator."
            )
        ) from error
