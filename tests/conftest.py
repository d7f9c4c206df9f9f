import os
from collections import deque

import pytest

from candidates.services import regions_load


def pytest_configure(config):
    # CI sets REQUIRE_SERVICES=1: a test that needs PostgreSQL, Redis or a Celery worker fails
    # there instead of skipping when the service is missing.
    config.require_services = os.environ.get("REQUIRE_SERVICES") == "1"


@pytest.fixture(autouse=True)
def _media_in_tmp(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


@pytest.fixture(autouse=True)
def _plain_static_storage(settings):
    # The manifest storage of production needs collectstatic; tests render templates directly.
    settings.STORAGES = {
        **settings.STORAGES,
        "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
    }
    # Real hashing costs a third of a second per password; tests check access, not hashing.
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture
def client():
    """pytest-django's `client`, whose `force_login` is a complete login: two-factor
    authentication included for those who must use it (tests/auth.py)."""
    from tests.auth import Client

    return Client()


@pytest.fixture
def require_service(request):
    """Call with a reason when a service is missing: skip locally, fail in CI."""

    def missing(reason: str):
        if request.config.require_services:
            pytest.fail(f"{reason} (REQUIRE_SERVICES=1)")
        pytest.skip(reason)

    return missing


@pytest.fixture
def regions(db):
    return regions_load()


# The demo data set is seeded through the services (replays included), which takes seconds; a
# few hundred tests start from it. The first seeding of a session records the statements that
# wrote it and the id counters it started from; later tests set the counters back and run the
# same statements, which gives the same rows with the same ids in a fraction of the time.
_DEMO_CACHE: dict = {}
_WRITES = ("INSERT", "UPDATE", "DELETE")


def _id_counters(connection) -> list[tuple]:
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute("SELECT schemaname, sequencename, last_value FROM pg_sequences")
            return [(f'"{schema}"."{name}"', value) for schema, name, value in cursor.fetchall()]
        cursor.execute("SELECT name, seq FROM sqlite_sequence")
        return list(cursor.fetchall())


def _restore_id_counters(connection, counters) -> None:
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            for name, value in counters:
                if value is None:
                    cursor.execute("SELECT setval(%s, 1, false)", [name])
                else:
                    cursor.execute("SELECT setval(%s, %s, true)", [name, value])
            return
        cursor.execute("DELETE FROM sqlite_sequence")
        for name, value in counters:
            cursor.execute("INSERT INTO sqlite_sequence (name, seq) VALUES (%s, %s)", [name, value])


def _seed_demo():
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from candidates.demo import seed_candidates
    from scoring.demo import seed_scoring

    cached = _DEMO_CACHE.get(connection.vendor)
    if cached is not None:
        seeded, counters, statements = cached
        _restore_id_counters(connection, counters)
        with connection.cursor() as cursor:
            for sql in statements:
                cursor.execute(sql)
        return seeded
    counters = _id_counters(connection)
    # Every statement must be kept for the replay (Django keeps the last 9,000 by default).
    log = connection.queries_log
    connection.queries_log = deque(maxlen=None)
    try:
        with CaptureQueriesContext(connection) as captured:
            seeded = seed_candidates()
            seed_scoring()
        sqls = [q["sql"] for q in captured.captured_queries]
    finally:
        connection.queries_log = log
    # Only plain statements can be replayed (an executemany is logged as "N times …").
    if all(sql.lstrip().upper().startswith((*_WRITES, "SELECT", "WITH", "SAVEPOINT", "RELEASE",
                                             "ROLLBACK")) for sql in sqls):  # fmt: skip
        writes = [sql for sql in sqls if sql.lstrip().upper().startswith(_WRITES)]
        _DEMO_CACHE[connection.vendor] = (seeded, counters, writes)
    return seeded


@pytest.fixture
def demo(regions):
    return _seed_demo()


@pytest.fixture
def published_demo(demo):
    """The demo data with Jawa Barat 2018's provincial results and the 2020 national results
    published, their ceremonies held and their certificates issued. In a test transaction the
    certificates' PDFs are not generated (the tasks are sent on commit); wrap a call in
    django_capture_on_commit_callbacks(execute=True) to generate them."""
    from candidates.models import Candidate, Edition
    from ceremonies.demo import seed_ceremonies
    from ceremonies.models import Ceremony

    seed_ceremonies()
    return {
        "2018": Edition.objects.get(year=2018),
        "2020": Edition.objects.get(year=2020),
        "2021": Edition.objects.get(year=2021),
        "jabar_2018": Ceremony.objects.get(edition__year=2018, province="32"),
        "national_2020": Ceremony.objects.get(edition__year=2020, province__isnull=True),
        "bekasi": Candidate.objects.get(name="Pemerintah Kota Bekasi"),
    }


@pytest.fixture
def demo_accounts(demo, settings):
    from django.core.management import call_command

    settings.DEBUG = True
    call_command("create_demo_accounts", stdout=open(os.devnull, "w"))  # noqa: SIM115
    settings.DEBUG = False
    from accounts.models import User

    return {u.email: u for u in User.objects.all()}


@pytest.fixture(scope="session")
def django_db_setup(django_db_setup, django_db_blocker):
    """On PostgreSQL every table's ids start above 10,000, so that an id printed with the
    thousands separator of the Indonesian format (10.001) breaks a test here instead of a page
    in production."""
    from django.db import connection

    if connection.vendor == "postgresql":
        with django_db_blocker.unblock(), connection.cursor() as cursor:
            cursor.execute("SELECT schemaname, sequencename FROM pg_sequences")
            for schema, name in cursor.fetchall():
                cursor.execute("SELECT setval(%s, 10000)", [f'"{schema}"."{name}"'])


@pytest.fixture
def tasks_in_process():
    """Celery tasks run in-process when sent, as without REDIS_URL (CI sets it, which would send
    them to the broker with no worker listening)."""
    from paritrana.celery import app

    previous = app.conf.task_always_eager
    app.conf.task_always_eager = True
    yield
    app.conf.task_always_eager = previous


@pytest.fixture(autouse=True)
def _fresh_public_cache():
    """The public pages' cache outlives a test (local memory in the process, Redis in CI): a page
    cached by another test must not answer here. Moving to the next generation forgets it
    without flushing the whole cache (the Redis database also holds the task queue)."""
    from paritrana.public_cache import public_cache_clear

    public_cache_clear()
    yield
    public_cache_clear()
