"""What the worker fault tests share: a `celery worker` of the test's own (environment of its
own, killable whole or one pool process at a time), a Redis server of the test's own that can be
stopped and started again on its port, and the Celery app of the test process pointed at it."""

import os
import shutil
import signal
import socket
import subprocess
import sys
import time
from contextlib import contextmanager
from pathlib import Path

import pytest
import redis

from paritrana.celery import app
from tests.test_celery_worker import ROOT, _worker_env


class Worker:
    """A prefork `celery worker` on the default queue in its own process group, with `env` on
    top of the tests' worker environment. `production=True` runs it as docker-compose.yml does
    (gossip, mingle and heartbeats on)."""

    def __init__(self, redis_url: str, log: Path, env: dict | None = None, production=False):
        self.redis_url, self.log, self.env, self.production = redis_url, log, env or {}, production

    def __enter__(self):
        env = {**_worker_env(self.redis_url), **self.env}
        command = [sys.executable, "-m", "celery", "-A", "paritrana", "worker"]
        command += ["--pool", "prefork", "--concurrency", "1", "--queues", "celery"]
        command += ["--hostname", f"faults-{os.getpid()}@%h", "--loglevel", "INFO"]
        if not self.production:
            command += ["--without-gossip", "--without-mingle", "--without-heartbeat"]
        self.output = self.log.open("w")
        self.process = subprocess.Popen(
            command,
            cwd=ROOT,
            env=env,
            stdout=self.output,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
        return self

    def pool_processes(self) -> list[int]:
        path = Path(f"/proc/{self.process.pid}/task/{self.process.pid}/children")
        return [int(pid) for pid in path.read_text().split()]

    def kill_pool_process(self) -> None:
        """SIGKILL to the pool process running the task, as the out-of-memory killer sends it;
        the worker's main process lives on and starts another."""
        [pid] = self.pool_processes()
        os.kill(pid, signal.SIGKILL)

    def __exit__(self, *exc):
        if self.process.poll() is None:
            os.killpg(self.process.pid, signal.SIGTERM)
            try:
                self.process.wait(timeout=30)
            except subprocess.TimeoutExpired:
                os.killpg(self.process.pid, signal.SIGKILL)
                self.process.wait()
        self.output.close()
        print(f"--- worker ---\n{self.log.read_text()}")  # shown when a test fails


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


class RedisServer:
    """A redis-server of the test's own on a free port. With `directory`, it keeps an
    append-only file there as production does and can be stopped and started again on the same
    port and data; without, it keeps nothing (a cache's Redis)."""

    def __init__(self, binary: str, directory: Path | None = None):
        self.binary, self.directory = binary, directory
        self.port = _free_port()
        self.url = f"redis://127.0.0.1:{self.port}/0"
        self.process = None

    def start(self) -> "RedisServer":
        command = [self.binary, "--port", str(self.port), "--bind", "127.0.0.1", "--save", ""]
        if self.directory is None:
            command += ["--appendonly", "no"]
        else:
            command += ["--appendonly", "yes", "--dir", str(self.directory)]
        self.process = subprocess.Popen(
            command,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        client = redis.Redis.from_url(self.url)
        for _ in range(200):
            try:
                client.ping()
                return self
            except redis.ConnectionError:
                time.sleep(0.05)
        raise RuntimeError("the test's Redis did not start")

    def stop(self) -> None:
        if self.process is not None and self.process.poll() is None:
            self.process.terminate()  # as `docker compose stop redis`
            self.process.wait(timeout=10)


@pytest.fixture
def private_redis(require_service, tmp_path):
    binary = shutil.which("redis-server")
    if binary is None:
        require_service("redis-server is not installed")
    directory = tmp_path / "redis"
    directory.mkdir()
    server = RedisServer(binary, directory)
    server.start()
    yield server
    server.stop()


def _forget_connections() -> None:
    # What Celery does after a fork: the next task is sent on a connection to the broker now set.
    app._pool = None
    app.amqp._producer_pool = None


@contextmanager
def app_on(url: str):
    """The test process's Celery app sending to the broker at `url` (not eager)."""
    conf = app.conf
    saved = (conf.broker_url, conf.task_always_eager)
    _forget_connections()
    conf.broker_url, conf.task_always_eager = url, False
    try:
        yield
    finally:
        conf.broker_url, conf.task_always_eager = saved
        _forget_connections()
