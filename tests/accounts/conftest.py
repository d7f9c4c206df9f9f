import datetime as dt

import pytest
import time_machine
from django.conf import settings as django_settings

# A fixed moment for the tests that give two-factor codes: a code belongs to a 30-second period,
# and a test must not see the period change between computing the code and the server checking it.
MOMENT = dt.datetime(2026, 3, 2, 10, 0, tzinfo=dt.timezone(dt.timedelta(hours=7)))


@pytest.fixture(autouse=True)
def _own_cache(settings, request):
    """A cache of this test's own: the login throttle, the used two-factor codes and the
    rate limits live in the cache, and must not carry over from one test to the next."""
    settings.CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.locmem.LocMemCache",
            "LOCATION": request.node.nodeid,
        }
    }


@pytest.fixture
def frozen():
    """Time stands still at MOMENT until the test moves it (`frozen.shift(seconds)`)."""
    with time_machine.travel(MOMENT, tick=False) as traveller:
        yield traveller


@pytest.fixture
def english(client):
    """The client reads the pages in English (the msgids), whatever the catalogues say."""
    client.cookies[django_settings.LANGUAGE_COOKIE_NAME] = "en"
    return client
