"""The public cache keys a page on its address and the query parameters it reads, nothing
else (issue 24): `/results/2020/?utm=<random>` rendered a page and stored it for an hour each
time (about 1.9 GB an hour from one client, in the Redis that holds the task queue)."""

import pytest
from django.core.cache import cache

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("demo_once")]


def test_made_up_parameters_get_the_cached_page(client, published_demo, django_assert_num_queries):
    first = client.get("/results/2020/?utm=aaaa")
    assert first.status_code == 200
    with django_assert_num_queries(0):
        for junk in ("utm=bbbb", "x=1&y=2", "utm=aaaa&page=9"):
            again = client.get(f"/results/2020/?{junk}")
            assert (again.status_code, again.content) == (200, first.content)
    # The page links back to its own address, not to what the visitor typed.
    assert b"utm" not in first.content
    assert b"next=/results/2020/" in first.content.replace(b"%2F", b"/")


def test_only_one_copy_is_stored_whatever_the_query(client, published_demo):
    stored = []
    original = cache.set

    def spy(key, value, *args, **kwargs):
        stored.append(key)
        return original(key, value, *args, **kwargs)

    cache.set = spy
    try:
        for n in range(20):
            assert client.get(f"/results/2020/statistics/?n={n}").status_code == 200
    finally:
        del cache.set
    assert [key.split(":", 3)[3] for key in stored] == ["/results/2020/statistics/"]


def test_a_parameter_the_page_reads_is_kept(client):
    response = client.get("/verify/?serial=PRT-2020-N-1A2B3C4D&utm=x")
    assert (response.status_code, response["Location"]) == (302, "/verify/PRT-2020-N-1A2B3C4D/")
    refused = client.get("/verify/?serial=bad%20serial&utm=x")
    assert refused.status_code == 400
