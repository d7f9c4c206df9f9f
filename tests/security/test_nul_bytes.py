"""A NUL character in an address is refused with 400 (issue 24): PostgreSQL refuses it in a
query, which answered 500 on public routes."""

import pytest

pytestmark = pytest.mark.django_db

MESSAGE = {
    "id": "Alamat ini berisi karakter yang tidak diterima halaman mana pun (NUL).",
    "en": "The address holds a character no page takes (NUL).",
}


@pytest.mark.parametrize(
    "url", ["/verify/%00/", "/verify/A%00B/certificate.pdf", "/results/2020/?q=%00", "/?x=a%00"]
)
def test_a_page_address_with_nul_is_refused(client, url):
    response = client.get(url)
    assert (response.status_code, response.content.decode()) == (400, MESSAGE["id"])


def test_an_api_address_with_nul_is_refused_as_json(client, settings):
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    for url in ("/api/v1/provinces/%00/", "/api/v1/provinces/?search=%00"):
        response = client.get(url)
        assert (response.status_code, response.json()) == (400, {"detail": MESSAGE["en"]})
