"""Cross-cutting behaviour of every page: language choice, closed sign-up, logout. The security
headers are in tests/security/test_headers.py."""

import pytest

from accounts.models import User

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("demo_once")]


def test_indonesian_even_when_the_browser_asks_for_english(client, demo):
    page = client.get("/", HTTP_ACCEPT_LANGUAGE="en-US,en;q=0.9").content.decode()
    assert '<html lang="id">' in page
    assert "Edisi" in page


def test_language_choice_is_kept_in_a_cookie(client, demo, settings):
    client.post("/i18n/setlang/", {"language": "en", "next": "/"})
    assert client.cookies[settings.LANGUAGE_COOKIE_NAME].value == "en"
    assert '<html lang="en">' in client.get("/").content.decode()
    client.post("/i18n/setlang/", {"language": "id", "next": "/"})
    assert '<html lang="id">' in client.get("/").content.decode()


def test_unknown_language_cookie_falls_back_to_indonesian(client, demo, settings):
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "fr"
    assert '<html lang="id">' in client.get("/").content.decode()


def test_login_page_offers_no_sign_up(client):
    page = client.get("/accounts/login/").content.decode()
    assert "/accounts/signup/" not in page
    assert "Akun dibuat oleh sekretariat penghargaan" in page


def test_sign_up_is_closed(client):
    page = client.get("/accounts/signup/")
    response = client.post(
        "/accounts/signup/",
        {
            "email": "x@example.test",
            "password1": "a-long-pass-phrase",
            "password2": "a-long-pass-phrase",
        },
    )
    assert (page.status_code, response.status_code) == (403, 403)
    assert 'name="password1"' not in page.content.decode()
    assert User.objects.filter(email="x@example.test").exists() is False


def test_email_addresses_are_not_managed_by_their_owner(client, demo_accounts):
    user = demo_accounts["auditor@paritrana.test"]
    client.force_login(user)
    response = client.post("/accounts/email/", {"action_add": "", "email": "other@example.test"})
    user.refresh_from_db()
    assert (response.status_code, user.email) == (404, "auditor@paritrana.test")
    assert user.emailaddress_set.filter(email="other@example.test").exists() is False


def test_logout_needs_a_post(client, demo_accounts):
    client.force_login(demo_accounts["auditor@paritrana.test"])
    client.get("/accounts/logout/")
    assert client.get("/dashboard/").status_code == 200
    client.post("/accounts/logout/")
    assert client.get("/dashboard/").status_code == 302
