"""The compose deployment as shipped (docker-compose.yml read with PyYAML, .env.example, and
Django's deployment checks): only the proxy publishes ports whenever the application trusts one
proxy's X-Forwarded-For (issue 24, items 5 and 6), the queue's Redis keeps everything while the
cache's Redis is bounded (item 4), and migrations run as the owner role (item 14). The programs
these files configure are proven in test_proxy.py and test_database_roles.py."""

import os
import subprocess
import sys
from urllib.parse import urlsplit

import pytest
import yaml

from tests.deploy import helpers


@pytest.fixture(scope="module")
def compose() -> dict:
    return yaml.safe_load(helpers.COMPOSE_FILE.read_text())


@pytest.fixture(scope="module")
def example() -> dict:
    return helpers.env_example()


def test_env_example_trusts_one_proxy(example):
    assert example["TRUSTED_PROXY_COUNT"] == "1"
    assert example["BEHIND_TLS_PROXY"] == "1"


def test_gunicorn_publishes_no_port_whenever_a_proxy_is_trusted(compose, example):
    """With TRUSTED_PROXY_COUNT > 0 a client that reached gunicorn itself could name any address
    in X-Forwarded-For: only the proxy, which overwrites it, may be reachable from outside."""
    assert int(example["TRUSTED_PROXY_COUNT"]) > 0
    services = compose["services"]
    assert {name for name, service in services.items() if "ports" in service} == {"proxy"}
    assert services["web"]["expose"] == ["8000"]
    assert services["proxy"]["ports"] == ["80:80", "443:443"]
    assert services["proxy"]["environment"]["PARITRANA_UPSTREAM"] == "web:8000"
    template = (helpers.DEPLOY / "nginx" / "templates" / "default.conf.template").read_text()
    assert "proxy_set_header X-Forwarded-For $remote_addr;" in template


def test_the_proxy_renders_the_shipped_template_with_the_applications_import_limit(compose):
    services = compose["services"]
    proxy = services["proxy"]
    assert proxy["volumes"] == [
        "./deploy/nginx/templates:/etc/nginx/templates:ro",
        "./deploy/nginx/15-paritrana-body-cap.envsh:/docker-entrypoint.d/15-paritrana-body-cap.envsh:ro",
        "./deploy/nginx/certs:/etc/nginx/certs:ro",
    ]
    # One value, from docker compose's own variables, for the application and the proxy.
    limit = "${PARITRANA_IMPORT_MAX_MB:-50}"
    assert proxy["environment"]["PARITRANA_IMPORT_MAX_MB"] == limit
    for name in ("web", "worker"):
        assert services[name]["environment"]["PARITRANA_IMPORT_MAX_MB"] == limit
    assert os.access(helpers.DEPLOY / "nginx" / "15-paritrana-body-cap.envsh", os.X_OK)


def test_the_queue_redis_keeps_everything_and_the_cache_redis_is_bounded(compose, example):
    services = compose["services"]
    assert services["redis"]["command"] == [
        "redis-server", "--appendonly", "yes", "--maxmemory-policy", "noeviction",
    ]  # fmt: skip
    assert services["redis-cache"]["command"] == [
        "redis-server", "--maxmemory", "256mb", "--maxmemory-policy", "allkeys-lru",
        "--save", "", "--appendonly", "no",
    ]  # fmt: skip
    assert "volumes" not in services["redis-cache"]
    assert urlsplit(example["REDIS_URL"]).hostname == "redis"
    assert urlsplit(example["REDIS_CACHE_URL"]).hostname == "redis-cache"


def test_migrations_run_as_the_owner_and_the_application_as_its_own_role(compose, example):
    services = compose["services"]
    assert services["migrate"]["command"] == ["sh", "deploy/migrate.sh"]
    for name in ("web", "worker"):
        assert services[name]["depends_on"]["migrate"] == {
            "condition": "service_completed_successfully"
        }
        assert "migrate" not in " ".join(services[name]["command"])
    assert services["postgres"]["volumes"][1] == (
        "./deploy/postgres/10-paritrana-roles.sh:/docker-entrypoint-initdb.d/10-paritrana-roles.sh:ro"
    )
    app, owner = urlsplit(example["DATABASE_URL"]), urlsplit(example["MIGRATE_DATABASE_URL"])
    assert (app.username, app.password) == (
        example["PARITRANA_DB_APP"],
        example["PARITRANA_DB_APP_PASSWORD"],
    )
    assert (owner.username, owner.password) == (
        example["PARITRANA_DB_OWNER"],
        example["PARITRANA_DB_OWNER_PASSWORD"],
    )
    assert example["POSTGRES_USER"] not in {app.username, owner.username}
    # The application's containers get the env file with the owner's secrets blanked.
    for name in ("web", "worker"):
        environment = services[name]["environment"]
        for secret in ("MIGRATE_DATABASE_URL", "PARITRANA_DB_OWNER_PASSWORD", "POSTGRES_PASSWORD"):
            assert environment[secret] == ""
    assert app.path == owner.path == f"/{example['POSTGRES_DB']}"


def _check_deploy(**overrides) -> subprocess.CompletedProcess:
    unset = {"DEBUG", "SECRET_KEY", "DJANGO_ALLOW_ASYNC_UNSAFE"}
    clean = {k: v for k, v in os.environ.items() if k not in unset}
    return subprocess.run(
        [sys.executable, "manage.py", "check", "--deploy", "--fail-level", "WARNING"],
        env={**clean, **helpers.env_example(), **overrides},
        cwd=helpers.ROOT,
        capture_output=True,
        text=True,
    )


def test_check_deploy_refuses_a_tls_proxy_without_a_trusted_proxy_count():
    result = _check_deploy(TRUSTED_PROXY_COUNT="0")
    assert result.returncode == 1
    assert (
        "(paritrana.W001) BEHIND_TLS_PROXY is on but TRUSTED_PROXY_COUNT is 0: every client has "
        "the proxy's address in the login throttle and the security log."
    ) in result.stderr
