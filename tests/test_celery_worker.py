"""A real Celery worker on the Redis broker runs a task and returns its result."""

import os
import subprocess
import sys
import uuid
from pathlib import Path

import pytest
from django.conf import settings
from django.db import connection

from paritrana.tasks import health_check

ROOT = Path(__file__).resolve().parent.parent


@pytest.fixture
def redis_url(require_service):
    url = os.environ.get("REDIS_URL", "")
    if not url:
        require_service("REDIS_URL is not set: no Redis broker to start a worker on")
    import redis

    try:
        redis.Redis.from_url(url).ping()
    except redis.exceptions.ConnectionError:
        require_service(f"Redis at {url} does not answer")
    return url


@pytest.fixture
def worker(redis_url, transactional_db, tmp_path):
    """Start `celery worker` in its own process on a private queue, stop it afterwards."""
    queue = f"test-{uuid.uuid4().hex[:8]}"
    db = settings.DATABASES["default"]
    env = {**os.environ, "REDIS_URL": redis_url}
    if connection.vendor == "postgresql":
        # The worker must use the test database the suite created, not the configured one.
        env["DATABASE_URL"] = (
            f"postgres://{db['USER'] or ''}{':' + db['PASSWORD'] if db['PASSWORD'] else ''}"
            f"@{db['HOST'] or '127.0.0.1'}:{db['PORT'] or 5432}/{db['NAME']}"
        )
    command = [sys.executable, "-m", "celery", "-A", "paritrana", "worker", "--pool", "solo"]
    command += ["--queues", queue, "--hostname", f"{queue}@%h", "--loglevel", "WARNING"]
    command += ["--without-gossip", "--without-mingle", "--without-heartbeat"]
    log = tmp_path / "worker.log"
    with log.open("w") as output:
        process = subprocess.Popen(command, cwd=ROOT, env=env, stdout=output, stderr=output)
        yield queue
        process.terminate()
        try:
            process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()
    print(log.read_text())  # shown by pytest when the test failed


@pytest.mark.services
def test_celery_worker_runs_task_on_redis(worker):
    assert settings.CELERY_TASK_ALWAYS_EAGER is False
    result = health_check.apply_async(queue=worker)
    assert result.get(timeout=60) == {"database": True, "vendor": connection.vendor}
    assert result.state == "SUCCESS"


@pytest.mark.django_db
def test_without_redis_tasks_run_in_process(settings):
    from paritrana.celery import app

    app.conf.task_always_eager = True
    try:
        result = health_check.delay()
        assert result.get() == {"database": True, "vendor": connection.vendor}
    finally:
        app.conf.task_always_eager = settings.CELERY_TASK_ALWAYS_EAGER
