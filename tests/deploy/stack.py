"""The shipped proxy in front of the application, started from the repository's files for the
tests of tests/deploy/test_proxy.py: nginx with deploy/nginx/templates/default.conf.template
(its `${NAME}`s filled as nginx's image fills them; the body cap computed by the shipped
deploy/nginx/15-paritrana-body-cap.envsh), in front of gunicorn running the application with
.env.example's production settings, on the suite's test database and a private Redis as the
cache (REDIS_CACHE_URL).

Only what the container has and a test cannot (ports, certificate and temporary paths, the
upstream's address) differs; the test's own nginx.conf holds just the process settings that the
image's nginx.conf holds there, and includes the rendered file."""

from __future__ import annotations

import http.client
import os
import re
import socket
import ssl
import subprocess
import sys
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlencode

from tests.deploy import helpers

TEMPLATE = helpers.DEPLOY / "nginx" / "templates" / "default.conf.template"
BODY_CAP_SCRIPT = helpers.DEPLOY / "nginx" / "15-paritrana-body-cap.envsh"
# gunicorn as docker-compose.yml runs it: two sync workers.
GUNICORN_WORKERS = 2
# The test's import limit (MB): the proxy's cap is one more.
IMPORT_MAX_MB = 1


def body_cap_mb(import_max_mb: int) -> int:
    """NGINX_BODY_MAX_MB as the shipped script computes it, run by sh."""
    result = subprocess.run(
        ["sh", "-c", '. "$0" && printf %s "$NGINX_BODY_MAX_MB"', str(BODY_CAP_SCRIPT)],
        env={
            "PATH": os.environ.get("PATH", "/usr/bin:/bin"),
            "PARITRANA_IMPORT_MAX_MB": str(import_max_mb),
        },
        capture_output=True,
        text=True,
        check=True,
    )
    return int(result.stdout)


def render(template: str, values: dict[str, str]) -> str:
    """`${NAME}` replaced as envsubst does for the names given; any other left is an error."""
    rendered = re.sub(r"\$\{(\w+)\}", lambda m: values.get(m[1], m[0]), template)
    left = re.findall(r"\$\{\w+\}", rendered)
    if left:
        raise ValueError(f"the template names variables nobody sets: {left}")
    return rendered


def self_signed_certificate(directory: Path) -> None:
    subprocess.run(
        ["openssl", "req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1",
         "-nodes", "-days", "1", "-subj", "/CN=127.0.0.1",
         "-keyout", str(directory / "privkey.pem"), "-out", str(directory / "fullchain.pem")],
        capture_output=True,
        check=True,
    )  # fmt: skip


@dataclass
class Stack:
    directory: Path
    https_port: int = 0
    gunicorn_port: int = 0
    processes: list = field(default_factory=list)

    @property
    def access_log(self) -> Path:
        """gunicorn's access log: every request that reached the application."""
        return self.directory / "gunicorn-access.log"

    @property
    def app_log(self) -> Path:
        """gunicorn's and the application's log (the security log among it)."""
        return self.directory / "gunicorn.log"

    def connection(self, source: str = "127.0.0.1", timeout: float = 10):
        """An HTTPS connection to the proxy from the loopback address `source`."""
        context = ssl.create_default_context()
        context.check_hostname = False
        context.verify_mode = ssl.CERT_NONE
        return http.client.HTTPSConnection(
            "127.0.0.1",
            self.https_port,
            context=context,
            timeout=timeout,
            source_address=(source, 0),
        )

    def tls_socket(self, source: str = "127.0.0.1", timeout: float = 10) -> ssl.SSLSocket:
        context = ssl.create_default_context()
        context.check_hostname = False
        context.verify_mode = ssl.CERT_NONE
        raw = socket.create_connection(
            ("127.0.0.1", self.https_port), timeout=timeout, source_address=(source, 0)
        )
        return context.wrap_socket(raw, server_hostname="127.0.0.1")

    def get(self, path: str, *, source: str = "127.0.0.1", headers=None, timeout: float = 10):
        """(status, headers, body) of a GET through the proxy."""
        connection = self.connection(source, timeout)
        try:
            connection.request("GET", path, headers=headers or {})
            response = connection.getresponse()
            return response.status, response.headers, response.read()
        finally:
            connection.close()

    def login_form(self, source: str, headers=None) -> tuple[str, str]:
        """The login page through the proxy from `source`: its CSRF cookie and token."""
        headers = {"Cookie": "django_language=en", **(headers or {})}
        status, page_headers, body = self.get("/accounts/login/", source=source, headers=headers)
        assert status == 200, (status, body[:300])
        cookie = re.search(r"csrftoken=([^;]+)", page_headers["Set-Cookie"])[1]
        token = re.search(rb'name="csrfmiddlewaretoken" value="([^"]+)"', body)[1].decode()
        return cookie, token

    def log_in(
        self, email: str, password: str, *, source: str, headers=None, form=None
    ) -> tuple[int, str]:
        """A browser's login through the proxy from `source` (the login page's CSRF cookie and
        token, or `form`'s, then the form), in English; the answer's status and page."""
        common = {"Cookie": "django_language=en", **(headers or {})}
        cookie, token = form or self.login_form(source, headers)
        origin = f"https://127.0.0.1:{self.https_port}"
        connection = self.connection(source)
        try:
            connection.request(
                "POST",
                "/accounts/login/",
                body=urlencode(
                    {"csrfmiddlewaretoken": token, "login": email, "password": password}
                ),
                headers={
                    **common,
                    "Cookie": f"django_language=en; csrftoken={cookie}",
                    "Content-Type": "application/x-www-form-urlencoded",
                    "Origin": origin,
                    "Referer": f"{origin}/accounts/login/",
                },
            )
            response = connection.getresponse()
            return response.status, response.read().decode()
        finally:
            connection.close()

    def stop(self) -> None:
        for process in reversed(self.processes):
            helpers.stop(process)


PER_ADDRESS = 3


def gunicorn_env(database_url: str, cache_url: str, media_root: Path) -> dict[str, str]:
    """.env.example's production settings, with the test's database, cache and paths."""
    env = helpers.python_env(**helpers.env_example())
    env.update(
        SECRET_KEY=os.environ.get("SECRET_KEY") or "deploy-test-key-" + "x" * 50,
        DATABASE_URL=database_url,
        # Tasks in-process; the cache (the login throttle's counts) on the test's own Redis.
        REDIS_URL="",
        REDIS_CACHE_URL=cache_url,
        MIGRATE_DATABASE_URL="",
        MEDIA_ROOT=str(media_root),
        # The suite's static files, where they are (production collects them at build time).
        STATIC_MANIFEST="0",
        PARITRANA_IMPORT_MAX_MB=str(IMPORT_MAX_MB),
        LOG_LEVEL="INFO",
        # Three failed logins a minute per address instead of ten: the same limit, reached with
        # fewer password hashes (each a second under load).
        LOGIN_FAILURES_PER_ADDRESS=str(PER_ADDRESS),
        DJANGO_SETTINGS_MODULE="paritrana.settings",
    )
    env.pop("DJANGO_ALLOW_ASYNC_UNSAFE", None)
    return env


def start(config, directory: Path, *, database_url: str, cache_url: str) -> Stack:
    """gunicorn and nginx in front of it, both answering; stop() ends them."""
    nginx = helpers.binary(config, "nginx", package="nginx")
    helpers.binary(config, "openssl", package="openssl")
    stack = Stack(directory)
    try:
        stack.gunicorn_port = helpers.free_port()
        command = [sys.executable, "-m", "gunicorn", "paritrana.wsgi",
                   "--bind", f"127.0.0.1:{stack.gunicorn_port}",
                   "--workers", str(GUNICORN_WORKERS), "--worker-class", "sync",
                   "--access-logfile", str(stack.access_log)]  # fmt: skip
        with stack.app_log.open("w") as log:
            stack.processes.append(
                subprocess.Popen(
                    command,
                    cwd=helpers.ROOT,
                    env=gunicorn_env(database_url, cache_url, directory / "media"),
                    stdout=log,
                    stderr=log,
                    start_new_session=True,
                )
            )
        helpers.wait_for(
            lambda: _answers_plain(stack.gunicorn_port),
            seconds=60,
            what="gunicorn answering",
            process=stack.processes[-1],
            log=stack.app_log,
        )
        _start_nginx(stack, nginx)
    except BaseException:
        stack.stop()
        raise
    return stack


def _start_nginx(stack: Stack, nginx: str) -> None:
    directory = stack.directory
    certs = directory / "certs"
    certs.mkdir()
    self_signed_certificate(certs)
    stack.https_port = helpers.free_port()
    conf_d = directory / "conf.d"
    conf_d.mkdir()
    (conf_d / "default.conf").write_text(
        render(
            TEMPLATE.read_text(),
            {
                "PARITRANA_UPSTREAM": f"127.0.0.1:{stack.gunicorn_port}",
                "NGINX_HTTP_PORT": f"127.0.0.1:{helpers.free_port()}",
                "NGINX_HTTPS_PORT": f"127.0.0.1:{stack.https_port}",
                "NGINX_CERTS_DIR": str(certs),
                "NGINX_BODY_MAX_MB": str(body_cap_mb(IMPORT_MAX_MB)),
            },
        )
    )
    temp = directory / "nginx-temp"
    temp.mkdir()
    # The process settings nginx's image keeps in its own nginx.conf.
    user = "user root root;\n" if os.geteuid() == 0 else ""
    (directory / "nginx.conf").write_text(
        f"""{user}daemon off;
worker_processes 1;
pid {directory}/nginx.pid;
error_log {directory}/nginx-error.log info;
events {{ worker_connections 512; }}
http {{
    access_log {directory}/nginx-access.log;
    client_body_temp_path {temp}/client_body;
    proxy_temp_path {temp}/proxy;
    fastcgi_temp_path {temp}/fastcgi;
    uwsgi_temp_path {temp}/uwsgi;
    scgi_temp_path {temp}/scgi;
    include {conf_d}/*.conf;
}}
"""
    )
    log_path = directory / "nginx-stderr.log"
    with log_path.open("w") as log:
        stack.processes.append(
            subprocess.Popen(
                [nginx, "-p", str(directory), "-c", str(directory / "nginx.conf")],
                stdout=log,
                stderr=log,
                start_new_session=True,
            )
        )
    helpers.wait_for(
        lambda: _tls_answers(stack),
        seconds=30,
        what="nginx answering",
        process=stack.processes[-1],
        log=log_path,
    )


def _answers_plain(port: int) -> bool:
    try:
        connection = http.client.HTTPConnection("127.0.0.1", port, timeout=2)
        connection.request("GET", "/healthz/", headers={"X-Forwarded-Proto": "https"})
        return connection.getresponse().status == 200
    except OSError:
        return False


def _tls_answers(stack: Stack) -> bool:
    try:
        return stack.get("/healthz/", timeout=2)[0] == 200
    except OSError:
        return False
