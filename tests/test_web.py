"""Cross-cutting behaviour of every page: language choice, security headers, closed sign-up."""

import pytest

from accounts.models import User

pytestmark = pytest.mark.django_db


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


def test_pages_carry_a_strict_content_security_policy(client, demo):
    response = client.get("/")
    policy = response["Content-Security-Policy"]
    assert "script-src 'self'" in policy
    assert "object-src 'none'" in policy
    assert "base-uri 'none'" in policy
    assert "frame-ancestors 'none'" in policy
    assert "unsafe-inline" not in policy and "unsafe-eval" not in policy
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Referrer-Policy"] == "strict-origin-when-cross-origin"
    assert response["X-Frame-Options"] == "DENY"


def test_only_the_api_docs_allow_inline_styles(client):
    policy = client.get("/api/redoc/")["Content-Security-Policy"]
    assert "style-src 'self' 'unsafe-inline'" in policy
    assert "script-src 'self';" in policy + ";"


def test_pages_have_no_inline_script(client, demo_accounts):
    client.force_login(demo_accounts["admin@paritrana.test"])
    for path in ("/", "/dashboard/", "/secretariat/", "/audit/nominations/"):
        page = client.get(path).content.decode()
        assert "<script>" not in page, path
        assert "googleapis" not in page and "cdn" not in page.lower(), path


def test_login_page_offers_no_sign_up(client):
    page = client.get("/accounts/login/").content.decode()
    assert "/accounts/signup/" not in page
    assert "Akun dibuat oleh sekretariat penghargaan" in page


def test_sign_up_is_closed(client):
    client.post(
        "/accounts/signup/",
        {
            "email": "x@example.test",
            "password1": "a-long-pass-phrase",
            "password2": "a-long-pass-phrase",
        },
    )
    assert User.objects.filter(email="x@example.test").exists() is False


def test_logout_needs_a_post(client, demo_accounts):
    client.force_login(demo_accounts["auditor@paritrana.test"])
    client.get("/accounts/logout/")
    assert client.get("/dashboard/").status_code == 200
    client.post("/accounts/logout/")
    assert client.get("/dashboard/").status_code == 302
