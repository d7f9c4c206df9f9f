"""Fixtures of the security tests, shared with the app tests they build on."""

from tests.scoring.conftest import make_round  # noqa: F401 - a provincial round to finalise
from tests.test_celery_worker import redis_url  # noqa: F401 - the broker a real worker uses
