"""Settings come from the environment and fail loudly on bad values."""

import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
KEY = "x" * 60


def _settings(env: dict, expr: str) -> subprocess.CompletedProcess:
    clean = {
        k: v
        for k, v in os.environ.items()
        if k not in {"DEBUG", "SECRET_KEY", "DATABASE_URL", "REDIS_URL", "REDIS_CACHE_URL"}
    }
    code = f"import paritrana.settings as s; print(repr(({expr})))"
    return subprocess.run(
        [sys.executable, "-c", code], env={**clean, **env}, cwd=ROOT, capture_output=True, text=True
    )


def test_secret_key_required_when_debug_is_off():
    result = _settings({}, "s.DEBUG")
    assert result.returncode == 1
    assert "SECRET_KEY must be set when DEBUG is off" in result.stderr


def test_debug_off_unless_set():
    assert _settings({"SECRET_KEY": KEY}, "s.DEBUG").stdout.strip() == "False"
    assert _settings({"DEBUG": "1"}, "s.DEBUG").stdout.strip() == "True"


def test_debug_typo_fails_loudly():
    result = _settings({"DEBUG": "ture", "SECRET_KEY": KEY}, "s.DEBUG")
    assert result.returncode == 1
    assert "DEBUG='ture' is not a boolean" in result.stderr


def test_embedded_default_is_sqlite_with_eager_tasks():
    out = _settings(
        {"SECRET_KEY": KEY},
        "s.DATABASES['default']['ENGINE'], s.CELERY_TASK_ALWAYS_EAGER, "
        "s.CACHES['default']['BACKEND']",
    ).stdout.strip()
    assert out == (
        "('django.db.backends.sqlite3', True, 'django.core.cache.backends.locmem.LocMemCache')"
    )


def test_database_and_redis_urls_configure_postgres_and_celery():
    out = _settings(
        {
            "SECRET_KEY": KEY,
            "DATABASE_URL": "postgres://u:p@db.example:5432/paritrana",
            "REDIS_URL": "redis://cache.example:6379/0",
        },
        "s.DATABASES['default']['ENGINE'], s.DATABASES['default']['NAME'], "
        "s.CELERY_BROKER_URL, s.CELERY_RESULT_BACKEND, s.CELERY_TASK_ALWAYS_EAGER",
    ).stdout.strip()
    assert out == (
        "('django.db.backends.postgresql', 'paritrana', 'redis://cache.example:6379/0', "
        "'redis://cache.example:6379/0', False)"
    )


def test_redis_cache_url_puts_the_cache_in_a_redis_of_its_own():
    expr = "s.CACHES['default']['LOCATION'], s.CELERY_BROKER_URL"
    queue = "redis://queue.example:6379/0"
    alone = _settings({"SECRET_KEY": KEY, "REDIS_URL": queue}, expr).stdout.strip()
    assert alone == repr((queue, queue))
    apart = _settings(
        {"SECRET_KEY": KEY, "REDIS_URL": queue, "REDIS_CACHE_URL": "redis://cache.example:6379/0"},
        expr,
    ).stdout.strip()
    assert apart == repr(("redis://cache.example:6379/0", queue))


def env_example() -> dict:
    """The variables .env.example sets (tests/security/test_headers.py uses them too)."""
    env = {}
    for line in (ROOT / ".env.example").read_text().splitlines():
        if line.strip() and not line.startswith("#"):
            key, _, value = line.partition("=")
            env[key] = value
    return env


def test_check_deploy_passes_with_env_example():
    # DJANGO_ALLOW_ASYNC_UNSAFE: set by the browser tests (tests/e2e/conftest.py), never deployed.
    unset = {"DEBUG", "SECRET_KEY", "DJANGO_ALLOW_ASYNC_UNSAFE"}
    clean = {k: v for k, v in os.environ.items() if k not in unset}
    result = subprocess.run(
        [sys.executable, "manage.py", "check", "--deploy", "--fail-level", "WARNING"],
        env={**clean, **env_example()},
        cwd=ROOT,
        capture_output=True,
        text=True,
    )
    assert result.returncode == 0, result.stderr
    assert "System check identified no issues" in result.stdout


def _check_deploy(env: dict) -> subprocess.CompletedProcess:
    """`manage.py check --deploy` as the deployment runs it (no --fail-level: errors only)."""
    unset = {"DEBUG", "SECRET_KEY", "DJANGO_ALLOW_ASYNC_UNSAFE", "SITE_URL"}
    clean = {k: v for k, v in os.environ.items() if k not in unset}
    return subprocess.run(
        [sys.executable, "manage.py", "check", "--deploy"],
        env={**clean, **env},
        cwd=ROOT,
        capture_output=True,
        text=True,
    )


@pytest.mark.parametrize(
    "site_url", [None, "http://localhost:8000", "http://[::1]"], ids=["unset", "localhost", "::1"]
)
def test_check_deploy_refuses_a_missing_or_loopback_site_url(site_url):
    env = {k: v for k, v in env_example().items() if k != "SITE_URL"}
    if site_url is not None:
        env["SITE_URL"] = site_url
    result = _check_deploy(env)
    assert result.returncode == 1
    shown = site_url or "http://127.0.0.1:8000"
    assert (
        f"(paritrana.E002) SITE_URL is {shown} (not set, or a loopback address): certificates' "
        "QR codes and verification links would point at the server itself, which no reader can "
        "open." in result.stderr
    )
    assert "HINT: Set SITE_URL to the public address the site is served at" in result.stderr


@pytest.mark.parametrize(
    ("debug", "site_url", "found"),
    [
        (False, "https://paritrana.example.id", []),
        (False, "http://paritrana.kemnaker.go.id:8080", []),
        (False, "http://127.0.0.1:8000", ["paritrana.E002"]),
        (False, "http://127.0.1.1", ["paritrana.E002"]),
        (False, "http://0.0.0.0:8000", ["paritrana.E002"]),
        (False, "https://app.localhost", ["paritrana.E002"]),
        (False, "paritrana.example.id", ["paritrana.E001"]),
        (False, "ftp://paritrana.example.id", ["paritrana.E001"]),
        (False, "http://[::1", ["paritrana.E001"]),
        (True, "http://127.0.0.1:8000", []),
    ],
)
def test_site_url_check(settings, debug, site_url, found):
    from paritrana.checks import site_url_check

    settings.DEBUG, settings.SITE_URL = debug, site_url
    assert [message.id for message in site_url_check(None)] == found


@pytest.mark.django_db
def test_healthz_reports_database(client):
    response = client.get("/healthz/")
    assert response.status_code == 200
    assert response.json() == {"status": "ok", "database": "ok", "cache": "ok"}


@pytest.mark.django_db
def test_suite_runs_on_postgresql_when_database_url_says_so(require_service):
    from django.db import connection

    url = os.environ.get("DATABASE_URL", "")
    if not url.startswith("postgres"):
        require_service("DATABASE_URL does not point at PostgreSQL")
    assert connection.vendor == "postgresql"
    with connection.cursor() as cursor:
        cursor.execute("SHOW server_version")
        assert cursor.fetchone()[0].startswith("15")
