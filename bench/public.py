"""The public results page, as a visitor sees it (no cookie: Bahasa Indonesia), under gunicorn
and a bounded load from wrk on loopback, beside its floor served by the same gunicorn.

The floor is bench.urls.floor_page: a Django view that returns bytes already in memory, as many
as the page has, as text/html. It runs in the same gunicorn (same workers, same settings) behind
the same middleware stack (it is mounted beside the project's URLs), so it costs what serving
this page costs anyway: the connection, the HTTP parsing, WSGI, the middleware, the URL
resolution and writing the bytes. What the page costs beyond it is the public cache's hit
(paritrana.public_cache) — the rendering itself happens once per generation."""

import http.client
import os
import re
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.parse

from django.utils import translation

from .core import Row, at_least, at_most

PATH = "public results page"
WORKERS = 2
LOAD = ["-t1", "-c8", "--latency"]
WARM_UP, DURATION, ROUNDS = "2s", "3s", 5


def measure(size, *, edition) -> list[Row]:
    port = _free_port()
    base = f"http://127.0.0.1:{port}"
    with tempfile.TemporaryFile("w+") as log:
        server = _gunicorn(port, log)
        try:
            _wait_until_up(base, server, log)
            page_url = f"{base}/results/{edition.year}/"
            page = _visit(page_url, edition)
            floor_url = f"{base}/bench/floor/{len(page)}/"
            assert len(_visit(floor_url)) == len(page)
            (app_rps, app_p99), (floor_rps, floor_p99) = _load(page_url, floor_url)
        finally:
            _stop(server)
    detail = (
        f"{len(page):,} bytes, {WORKERS} sync workers, "
        f"best of {ROUNDS} × wrk {' '.join(LOAD)} -d{DURATION}"
    )
    return [
        at_least(PATH, size, "requests/s", "req/s", app_rps, floor_rps, 0.8, detail=detail),
        at_most(PATH, size, "p99 latency", "ms", app_p99, floor_p99, 2, detail=detail),
    ]


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _gunicorn(port: int, log) -> subprocess.Popen:
    """gunicorn in a process group of its own (stopped as a whole), with this process's
    environment (DATABASE_URL, REDIS_URL, SECRET_KEY) and the bench settings."""
    args = [sys.executable, "-m", "gunicorn", "paritrana.wsgi:application",
            "--workers", str(WORKERS), "--worker-class", "sync",
            "--bind", f"127.0.0.1:{port}", "--log-level", "warning"]  # fmt: skip
    env = {**os.environ, "DJANGO_SETTINGS_MODULE": "bench.settings"}
    return subprocess.Popen(args, env=env, stdout=log, stderr=log, start_new_session=True)


def _wait_until_up(base: str, server, log, seconds: float = 60) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if server.poll() is not None:
            break
        try:
            if _get(f"{base}/healthz/")[0] == 200:
                return
        except OSError:
            pass  # not listening yet
        time.sleep(0.2)
    log.seek(0)
    raise RuntimeError(f"gunicorn did not answer on {base}:\n{log.read()}")


def _visit(url: str, edition=None) -> bytes:
    """The page as a first visitor gets it (which fills the cache)."""
    status, body = _get(url)
    assert status == 200, (url, status)
    if edition is not None:  # what a results page shows
        with translation.override("id"):
            title = f"<h1>{edition}</h1>".encode()
        for part in (b'<html lang="id">', title, b'class="winners"'):
            assert part in body, (url, part)
    return body


def _get(url: str) -> tuple[int, bytes]:
    address = urllib.parse.urlsplit(url)
    connection = http.client.HTTPConnection(address.netloc, timeout=30)
    try:
        connection.request("GET", address.path)
        response = connection.getresponse()
        return response.status, response.read()
    finally:
        connection.close()


def _load(*urls: str) -> list[tuple[float, float]]:
    """The best (requests/s, p99 latency in ms) of each URL over ROUNDS runs taking turns,
    after a warm-up run of each: the best run is the one least disturbed by whatever else the
    machine was doing."""
    for url in urls:
        _wrk(url, WARM_UP)
    runs = {url: [] for url in urls}
    for turn in range(ROUNDS):
        for url in urls[turn % 2 :] + urls[: turn % 2]:
            out = _wrk(url, DURATION)
            rps = float(re.search(r"Requests/sec:\s*([\d.]+)", out).group(1))
            value, unit = re.search(r"\b99%\s+([\d.]+)(us|ms|s)\b", out).groups()
            runs[url].append((rps, float(value) * {"us": 0.001, "ms": 1, "s": 1000}[unit]))
    return [(max(r for r, _ in runs[url]), min(p for _, p in runs[url])) for url in urls]


def _wrk(url: str, duration: str) -> str:
    out = subprocess.run(["wrk", *LOAD, f"-d{duration}", url], capture_output=True, text=True,
                         check=True, timeout=120).stdout  # fmt: skip
    if "Non-2xx" in out or "Socket errors" in out:
        raise RuntimeError(f"wrk saw errors on {url}:\n{out}")
    return out


def _stop(server: subprocess.Popen) -> None:
    try:
        os.killpg(server.pid, signal.SIGTERM)
        server.wait(timeout=30)
    except ProcessLookupError:
        pass
    except subprocess.TimeoutExpired:
        os.killpg(server.pid, signal.SIGKILL)
        server.wait()
