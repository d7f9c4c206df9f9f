"""The API answers every error as JSON, translated, never as one of the site's HTML pages
(issue 24, item 11): an address no route matches (a malformed id, an unknown path), an
exception no view handles. The site keeps its HTML pages."""

import pytest
from django.conf import settings
from django.test import Client
from rest_framework.test import APIClient

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("demo_accounts_once")]

NOT_FOUND = {"en": "Not found.", "id": "Data tidak ditemukan."}
SERVER_ERROR = {"en": "A server error occurred.", "id": "Terjadi galat di server."}

# Routes whose id is digits or a code: what the URL resolver does not match never reaches DRF.
MALFORMED = [
    "/api/v1/nominations/abc/legal-products/",
    "/api/v1/nominations/1/legal-products/1/document/x/",
    "/api/v1/regencies/abc/",
    "/api/v1/scoring/panels/abc/rankings/",
    "/api/v1/scoring/panels/1/conflicts/abc/",
    "/api/v1/public/editions/20200/",
    "/api/v1/public/certificates/a%20b/",
    "/api/v1/nope/",
    "/api/nope",
]


def _client(language: str, user=None) -> APIClient:
    api = APIClient(raise_request_exception=False)
    api.cookies[settings.LANGUAGE_COOKIE_NAME] = language
    if user is not None:
        api.force_login(user)
    return api


@pytest.mark.parametrize("url", MALFORMED)
@pytest.mark.parametrize("language", ["id", "en"])
def test_an_api_address_no_route_matches_is_answered_404_as_json(demo_accounts, url, language):
    api = _client(language, demo_accounts["cabang.gorontalo@paritrana.test"])

    response = api.get(url)

    assert response.status_code == 404
    assert response["Content-Type"] == "application/json"
    assert response.json() == {"detail": NOT_FOUND[language]}


@pytest.mark.parametrize("language", ["id", "en"])
def test_an_api_address_no_route_matches_is_json_for_anonymous_visitors(language):
    response = _client(language).get("/api/v1/nominations/abc/legal-products/")

    assert (response.status_code, response["Content-Type"]) == (404, "application/json")
    assert response.json() == {"detail": NOT_FOUND[language]}


@pytest.mark.urls("tests.security.urls_failing")
@pytest.mark.parametrize("language", ["id", "en"])
def test_an_exception_no_api_view_handles_is_answered_500_as_json(language):
    response = _client(language).get("/api/v1/failing/")

    assert response.status_code == 500
    assert response["Content-Type"] == "application/json"
    assert response.json() == {"detail": SERVER_ERROR[language]}


@pytest.mark.urls("tests.security.urls_failing")
def test_an_exception_on_a_page_is_still_the_html_error_page():
    response = Client(raise_request_exception=False).get("/failing/")

    assert response.status_code == 500
    assert response["Content-Type"] == "text/html; charset=utf-8"
    assert 'data-error="server"' in response.content.decode()


def test_a_page_address_no_route_matches_is_still_the_html_page(client):
    for url in ("/branch/nominations/abc/", "/no-such-page/"):
        response = client.get(url)

        assert response.status_code == 404
        assert response["Content-Type"] == "text/html; charset=utf-8"
        assert "<h1>Halaman tidak ditemukan</h1>" in response.content.decode()
