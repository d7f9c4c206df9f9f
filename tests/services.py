"""The services the test suite can use on this machine: PostgreSQL, Redis and Chromium.

`make test` runs `python -m tests.services` first: for each of PostgreSQL and Redis that is not
configured (`DATABASE_URL`, `REDIS_URL`) but answers on its usual address, it prints the setting
that points the suite at it, so that the tests that need it run instead of skipping; with
PARITRANA_TEST_DETECT=0 it prints nothing (SQLite and in-process tasks by default). The suite's
header and summary (tests/conftest.py) say which services were used and which tests were skipped
for a missing one.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from functools import cache
from urllib.parse import urlsplit, urlunsplit

POSTGRES_URL = "postgres://postgres@127.0.0.1:5432/paritrana"
REDIS_URL = "redis://127.0.0.1:6379/0"
# Debian's /usr/bin/chromium is a shell wrapper; Playwright needs the binary itself.
CHROMIUM = os.environ.get("CHROMIUM", "/usr/lib/chromium/chromium")
# The reason of every skip for a missing service starts with this (tests/conftest.py).
MISSING = "missing service: "


def postgres_answers(url: str = POSTGRES_URL) -> bool:
    """A login to the server's own `postgres` database succeeds (trust or a password in the
    URL), so that the suite can create its test databases there."""
    import psycopg

    parts = urlsplit(url)
    try:
        with psycopg.connect(
            host=parts.hostname or "127.0.0.1",
            port=parts.port or 5432,
            user=parts.username or "postgres",
            password=parts.password or None,
            dbname="postgres",
            connect_timeout=2,
        ):
            return True
    except psycopg.Error:
        return False


def redis_answers(url: str = REDIS_URL) -> bool:
    import redis

    try:
        return bool(redis.Redis.from_url(url, socket_connect_timeout=2).ping())
    except (redis.exceptions.RedisError, OSError):
        return False


def chromium_path() -> str | None:
    found = CHROMIUM if os.access(CHROMIUM, os.X_OK) else shutil.which(CHROMIUM)
    return found or None


@cache
def chromium_version() -> str:
    path = chromium_path()
    if path is None:
        return ""
    try:
        out = subprocess.run(
            [path, "--version"], capture_output=True, text=True, timeout=20, check=False
        )
    except (OSError, subprocess.TimeoutExpired):
        return ""
    return out.stdout.strip()


def redis_url_for_worker(url: str, index: int) -> str:
    """The Redis database of the `index`-th parallel test process (pytest-xdist): the
    configured database plus `index`, so that each process has its own cache, task queue and
    results (a worker started by one process never takes another process's task)."""
    parts = urlsplit(url)
    base = int(parts.path.strip("/") or 0)
    return urlunsplit(parts._replace(path=f"/{base + index}"))


def detected() -> dict[str, str]:
    """The settings to add: the usual addresses of the services that answer and are not
    configured."""
    found = {}
    if "DATABASE_URL" not in os.environ and postgres_answers():
        found["DATABASE_URL"] = POSTGRES_URL
    if "REDIS_URL" not in os.environ and redis_answers():
        found["REDIS_URL"] = REDIS_URL
    return found


if __name__ == "__main__":
    # `env $(python -m tests.services) pytest …`: the settings as NAME=value words.
    if os.environ.get("PARITRANA_TEST_DETECT", "1") != "0":
        sys.stdout.write(" ".join(f"{name}={value}" for name, value in detected().items()))
