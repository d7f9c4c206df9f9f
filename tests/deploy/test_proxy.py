"""The reverse proxy shipped in docker-compose.yml (issue 24, items 5 and 6), proven with the real
programs: nginx started from deploy/nginx/templates/default.conf.template in front of gunicorn
(two sync workers, as compose runs it) serving the application with .env.example's settings
(tests/deploy/stack.py).

Before, the compose file published gunicorn on 0.0.0.0:8000 with nothing in front: four
slow-header sockets made normal requests time out, no body cap held, X-Forwarded-For was
whatever the client sent, and .env.example left TRUSTED_PROXY_COUNT at 0, so behind a proxy every
client shared the proxy's address in the login throttle."""

import secrets
import socket

import pytest
from django.conf import settings

from tests.deploy import helpers, stack
from tests.security.workers import RedisServer

# The test database must exist (gunicorn works on it): pytest-django creates it for marked tests.
pytestmark = pytest.mark.django_db

A, B, C, D, E = "127.0.0.2", "127.0.0.3", "127.0.0.4", "127.0.0.5", "127.0.0.6"
WRONG = "The email address and/or password you specified are not correct."
THROTTLED = "Too many failed attempts."


@pytest.fixture(scope="module")
def proxy(request, django_db_setup, tmp_path_factory):
    """nginx in front of gunicorn, started once for the module."""
    config = request.config
    database = settings.DATABASES["default"]
    if database["ENGINE"] != "django.db.backends.postgresql":
        helpers.require(config, "DATABASE_URL does not point at PostgreSQL (gunicorn shares it)")
    redis_server = helpers.binary(config, "redis-server", package="redis-server")
    database_url = (
        f"postgres://{database['USER'] or ''}"
        f"{':' + database['PASSWORD'] if database['PASSWORD'] else ''}"
        f"@{database['HOST'] or '127.0.0.1'}:{database['PORT'] or 5432}/{database['NAME']}"
    )
    cache = RedisServer(redis_server).start()
    try:
        running = stack.start(
            config,
            tmp_path_factory.mktemp("proxy"),
            database_url=database_url,
            cache_url=cache.url,
        )
        try:
            yield running
        finally:
            running.stop()
    finally:
        cache.stop()


def _reached_gunicorn(proxy, marker: str) -> bool:
    return marker in proxy.access_log.read_text()


def _settled(proxy) -> str:
    """A request through the proxy that gunicorn has logged: everything before it is logged."""
    marker = f"settled-{secrets.token_hex(4)}"
    assert proxy.get(f"/healthz/?{marker}")[0] == 200
    helpers.wait_for(
        lambda: _reached_gunicorn(proxy, marker), seconds=10, what="gunicorn logging the request"
    )
    return proxy.access_log.read_text()


def _raw_request(proxy, head: bytes, body: bytes = b"") -> bytes:
    with proxy.tls_socket() as sock:
        sock.sendall(head + body)
        received = b""
        while b"\r\n\r\n" not in received:
            chunk = sock.recv(65536)
            if not chunk:
                break
            received += chunk
        return received


def test_a_body_over_the_cap_gets_413_without_reaching_gunicorn(proxy):
    cap = stack.body_cap_mb(stack.IMPORT_MAX_MB) * 1024 * 1024
    assert cap == (stack.IMPORT_MAX_MB + 1) * 1024 * 1024
    head = (
        b"POST /accounts/login/?oversized HTTP/1.1\r\nHost: 127.0.0.1\r\n"
        b"Content-Type: application/octet-stream\r\n"
        + f"Content-Length: {cap + 1}\r\n\r\n".encode()
    )
    answer = _raw_request(proxy, head, b"x" * 65536)
    assert answer.startswith(b"HTTP/1.1 413 ")
    assert "?oversized" not in _settled(proxy)


def test_a_body_within_the_cap_reaches_the_application(proxy):
    """The cap is the import limit and a megabyte: an upload of the largest file allowed passes
    the proxy (here the application refuses it for its missing CSRF token)."""
    size = stack.IMPORT_MAX_MB * 1024 * 1024 + 512 * 1024
    head = (
        b"POST /accounts/login/?within-cap HTTP/1.1\r\nHost: 127.0.0.1\r\n"
        b"Content-Type: application/octet-stream\r\nConnection: close\r\n"
        + f"Content-Length: {size}\r\n\r\n".encode()
    )
    answer = _raw_request(proxy, head, b"x" * size)
    assert answer.startswith(b"HTTP/1.1 403 ")
    assert "POST /accounts/login/?within-cap HTTP/1.0" in _settled(proxy)


def test_slow_clients_do_not_hold_gunicorns_workers(proxy):
    """Eight clients that send half their headers, or their headers and a sliver of the body,
    and wait: ten normal requests are still answered at once (nginx reads whole requests before
    it goes to gunicorn's two workers)."""
    slow = []
    try:
        for n in range(6):
            sock = proxy.tls_socket(timeout=30)
            sock.sendall(f"GET /?slow-header-{n} HTTP/1.1\r\nHost: 127.0.0.1\r\nX-Slow:".encode())
            slow.append(sock)
        for n in range(2):
            sock = proxy.tls_socket(timeout=30)
            sock.sendall(
                f"POST /accounts/login/?slow-body-{n} HTTP/1.1\r\nHost: 127.0.0.1\r\n".encode()
                + b"Content-Length: 100000\r\n\r\npartial"
            )
            slow.append(sock)
        # Each within 5 s: half the proxy's own header timeout, a sixth of gunicorn's.
        answers = [proxy.get(f"/healthz/?normal-{n}", timeout=5)[0] for n in range(10)]
    finally:
        for sock in slow:
            sock.close()
    assert answers == [200] * 10
    log = _settled(proxy)
    assert "slow-header" not in log
    assert "slow-body" not in log


def test_a_forged_x_forwarded_for_does_not_reach_django_as_the_client(proxy):
    email = f"forged-{secrets.token_hex(3)}@example.test"
    status, page = proxy.log_in(
        email,
        "not-the-password-at-all",
        source=E,
        headers={"X-Forwarded-For": "203.0.113.66", "X-Real-IP": "203.0.113.67"},
    )
    assert status == 200
    assert WRONG in page
    helpers.wait_for(
        lambda: email in proxy.app_log.read_text(), seconds=10, what="the failed login logged"
    )
    logged = [line for line in proxy.app_log.read_text().splitlines() if email in line]
    assert len(logged) == 1
    assert logged[0].endswith(f"paritrana.security Login failed for '{email}' from {E}")
    assert "203.0.113.6" not in proxy.app_log.read_text()


def _fail_logins(proxy, source: str, count: int, *, forge: bool = False) -> list[str]:
    """`count` failed logins from `source`, each for another unknown account (so that only the
    per-address limit counts them); what each answer said."""
    said = []
    form = proxy.login_form(source)
    for _ in range(count):
        headers = {"X-Forwarded-For": f"198.51.100.{secrets.randbelow(250) + 1}"} if forge else {}
        status, page = proxy.log_in(
            f"nobody-{secrets.token_hex(4)}@example.test",
            "not-the-password-at-all",
            source=source,
            headers=headers,
            form=form,
        )
        assert status == 200
        said.append("wrong" if WRONG in page else "throttled" if THROTTLED in page else page)
    return said


def test_two_clients_behind_the_proxy_are_throttled_separately(proxy):
    """At most LOGIN_FAILURES_PER_ADDRESS failed logins a minute from one address (three
    here): the next from A is refused, while B, behind the same proxy, is not
    (TRUSTED_PROXY_COUNT=1 in .env.example)."""
    limit = stack.PER_ADDRESS
    assert _fail_logins(proxy, A, limit + 1) == ["wrong"] * limit + ["throttled"]
    assert _fail_logins(proxy, B, 1) == ["wrong"]


def test_a_forged_x_forwarded_for_does_not_escape_the_per_address_limit(proxy):
    limit = stack.PER_ADDRESS
    assert _fail_logins(proxy, C, limit + 1, forge=True) == ["wrong"] * limit + ["throttled"]
    assert _fail_logins(proxy, D, 1, forge=True) == ["wrong"]


def test_without_the_proxy_slow_headers_hold_gunicorns_workers(proxy):
    """The attack the proxy stops, straight at gunicorn (what the compose file published
    before): as many half-sent requests as it has workers and a normal request waits."""
    slow = []
    try:
        for _ in range(stack.GUNICORN_WORKERS):
            sock = socket.create_connection(("127.0.0.1", proxy.gunicorn_port), timeout=30)
            sock.sendall(b"GET / HTTP/1.1\r\nHost: 127.0.0.1\r\nX-Slow:")
            slow.append(sock)
        normal = socket.create_connection(("127.0.0.1", proxy.gunicorn_port), timeout=2)
        with normal, pytest.raises(TimeoutError):
            normal.sendall(b"GET /healthz/ HTTP/1.0\r\nHost: 127.0.0.1\r\n\r\n")
            normal.recv(1)
    finally:
        for sock in slow:
            sock.close()
