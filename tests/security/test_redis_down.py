"""Redis stopping does not take the public site and the logins down (issue 24): a Redis server
of the test's own, as the cache production configures (paritrana.cache.ResilientRedisCache),
is stopped in the middle of the test. Before, every public page and every login answered 500
(the page cache and allauth's rate limits raised) while /healthz/ answered 200 "ok"."""

import shutil

import pytest
from django.test import Client

from tests.accounts.steps import log_in
from tests.security.workers import RedisServer

pytestmark = pytest.mark.django_db


@pytest.fixture
def private_redis(require_service):
    binary = shutil.which("redis-server")
    if binary is None:
        require_service("redis-server is not installed")
    server = RedisServer(binary).start()
    yield server
    server.stop()


@pytest.fixture
def cache_on_private_redis(settings, private_redis):
    settings.CACHES = {
        "default": {
            "BACKEND": settings.REDIS_CACHE_BACKEND,
            "LOCATION": private_redis.url,
            "OPTIONS": {"socket_connect_timeout": 0.5, "socket_timeout": 0.5},
        }
    }
    return private_redis


def test_public_pages_logins_and_health_go_on_when_redis_stops(
    cache_on_private_redis, published_demo, demo_accounts
):
    visitor = Client()
    pages = ("/", "/results/2020/", "/results/2020/statistics/", "/verify/")
    assert [visitor.get(url).status_code for url in pages] == [200, 200, 200, 200]
    assert visitor.get("/healthz/").json() == {"status": "ok", "database": "ok", "cache": "ok"}

    cache_on_private_redis.stop()

    assert [visitor.get(url).status_code for url in pages] == [200, 200, 200, 200]
    assert "Pemerintah Kota Bekasi" in visitor.get("/results/2020/").content.decode()
    staff = Client()
    response = log_in(staff, "cabang.gorontalo@paritrana.test")
    assert (response.status_code, response["Location"]) == (302, "/dashboard/")
    assert staff.get("/dashboard/").status_code == 200
    health = visitor.get("/healthz/")
    assert (health.status_code, health.json()) == (
        200,
        {"status": "degraded", "database": "ok", "cache": "unavailable"},
    )


def test_a_wrong_password_is_still_refused_when_redis_is_down(
    cache_on_private_redis, demo_accounts
):
    cache_on_private_redis.stop()
    response = log_in(Client(), "cabang.gorontalo@paritrana.test", "not-the-password-at-all")
    assert response.status_code == 200
    assert "/dashboard/" not in response.get("Location", "")
