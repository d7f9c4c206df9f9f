import os

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


@pytest.fixture
def demo(regions):
    from candidates.demo import seed_candidates
    from scoring.demo import seed_scoring

    seeded = seed_candidates()
    seed_scoring()
    return seeded


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
