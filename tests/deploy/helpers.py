"""What the deployment tests share: the shipped files, real programs started from them, and the
`require` of a service when one is missing (skip locally, fail under REQUIRE_SERVICES=1, as the
`require_service` fixture does for a test)."""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import sys
import time
from pathlib import Path
from urllib.parse import urlsplit

import pytest

from tests import services
from tests.test_settings import env_example  # noqa: F401 - the variables .env.example sets

ROOT = Path(__file__).resolve().parent.parent.parent
DEPLOY = ROOT / "deploy"
COMPOSE_FILE = ROOT / "docker-compose.yml"


def require(config, reason: str):
    """A service the module needs is missing: fail in CI (REQUIRE_SERVICES=1), skip locally."""
    if config.require_services:
        pytest.fail(f"{reason} (REQUIRE_SERVICES=1)")
    pytest.skip(services.MISSING + reason)


def binary(config, name: str, *, package: str) -> str:
    found = shutil.which(name) or next(
        (str(p / name) for p in (Path("/usr/sbin"), Path("/sbin")) if (p / name).exists()), None
    )
    if found is None:
        require(config, f"{name} is not installed (Debian package {package})")
    return found


def postgres_superuser_url(config) -> str:
    """The PostgreSQL the suite runs on (DATABASE_URL), as the role the suite connects with."""
    url = os.environ.get("DATABASE_URL", "")
    if not url.startswith("postgres") or not services.postgres_answers(url):
        require(config, "DATABASE_URL does not point at a PostgreSQL that answers")
    return url


def libpq_env(url: str) -> dict[str, str]:
    """PGHOST, PGPORT, PGUSER, PGPASSWORD of a postgres:// URL (for psql)."""
    parts = urlsplit(url)
    env = {
        "PGHOST": parts.hostname or "127.0.0.1",
        "PGPORT": str(parts.port or 5432),
        "PGUSER": parts.username or "postgres",
    }
    if parts.password:
        env["PGPASSWORD"] = parts.password
    return env


def with_role(url: str, role: str, password: str, database: str) -> str:
    parts = urlsplit(url)
    host = f"{parts.hostname or '127.0.0.1'}:{parts.port or 5432}"
    return f"postgres://{role}:{password}@{host}/{database}"


def free_port(host: str = "127.0.0.1") -> int:
    with socket.socket() as probe:
        probe.bind((host, 0))
        return probe.getsockname()[1]


def python_env(**values: str) -> dict[str, str]:
    """This environment with the project's Python first on PATH (deploy/*.sh call `python`)."""
    env = {**os.environ, **values}
    env["PATH"] = f"{Path(sys.executable).parent}{os.pathsep}{env.get('PATH', '')}"
    return env


def wait_for(predicate, *, seconds: float, what: str, process=None, log: Path | None = None):
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if process is not None and process.poll() is not None:
            break
        if predicate():
            return
        time.sleep(0.05)
    output = log.read_text() if log is not None and log.exists() else ""
    raise RuntimeError(f"{what} did not happen within {seconds} s\n{output}")


def stop(process: subprocess.Popen) -> None:
    """Stop a process started in a session of its own, and everything it started."""
    if process.poll() is None:
        try:
            os.killpg(process.pid, 15)
        except ProcessLookupError:
            return
        try:
            process.wait(timeout=15)
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, 9)
            process.wait(timeout=5)
