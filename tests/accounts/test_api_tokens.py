"""Personal API tokens (issue 24): stored as a SHA-256 digest, shown once, expiring, revocable,
read-only or read-write, for one edition; created and revoked on the account page from a session
that passed two-factor authentication, by roles that need not use it at once."""

import datetime as dt
import hashlib

import pytest
from django.conf import settings
from django.db import connection
from django.test import Client

from accounts.models import ApiToken
from candidates.models import Category, GovernmentData, Nomination
from candidates.selectors import nominations_visible_to
from scoring.models import Panel
from tests.factories import api_token

from .steps import text

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("demo_once")]

PAGE = "/accounts/tokens/"
ADMIN = "admin@paritrana.test"
CHAIR = "ketua.panel.jabar@paritrana.test"
JUROR = "juri@paritrana.test"
BRANCH = "cabang.gorontalo@paritrana.test"
MEMBER = "panel.jabar@paritrana.test"
AUDITOR = "auditor@paritrana.test"


@pytest.fixture
def api(english):
    """An English client that sends no session: only the token."""
    english.logout()  # which forgets every cookie
    english.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    return english


def _get(client, url, header):
    return client.get(url, HTTP_AUTHORIZATION=header)


def _draft_2021():
    return Nomination.objects.get(
        category__edition__year=2021, candidate__name="Pemerintah Kota Gorontalo"
    )


# ---------------------------------------------------------------------------------------------
# The account page: created from a session that passed MFA, shown once


def _create(client, **fields):
    data = {"name": "Laporan cabang", "scope": "read", "edition": "", "days": "90", **fields}
    if not data["edition"]:
        data["edition"] = str(Category.objects.get(pk=_draft_2021().category_id).edition_id)
    return client.post(PAGE, data)


@pytest.mark.parametrize("email", [BRANCH, MEMBER, AUDITOR])
def test_token_is_shown_once_and_stored_only_as_a_digest(english, demo_accounts, email):
    english.force_login(demo_accounts[email])  # a complete login, the code included
    response = _create(english)
    assert response.status_code == 200
    token = ApiToken.objects.get(user=demo_accounts[email])
    page = text(response)
    secret = page.split('<code id="token-secret">')[1].split("</code>")[0]
    assert secret.startswith(f"prt_{token.prefix}_") and len(secret) == 4 + 12 + 1 + 43
    assert "it is shown this once and cannot be shown again" in page
    # Stored: the digest, never the secret, in no column of the row.
    assert token.digest == hashlib.sha256(secret.encode()).hexdigest()
    with connection.cursor() as cursor:
        cursor.execute("SELECT * FROM accounts_apitoken WHERE id = %s", [token.pk])
        row = cursor.fetchone()
    assert [column for column in row if secret in str(column)] == []
    assert (token.name, token.scope, token.edition.year) == ("Laporan cabang", "read", 2021)
    assert token.expires_at - token.created_at == dt.timedelta(days=90)
    # The list shows name, prefix, scope, edition, dates, never the secret again.
    listed = text(english.get(PAGE))
    assert secret not in listed
    for shown in ("Laporan cabang", f"prt_{token.prefix}…", "Read only", "2021", "never"):
        assert shown in listed, shown


def test_creating_a_token_needs_a_session_that_passed_mfa(english, demo_accounts):
    # Logged in with the password alone, within the grace period.
    Client.force_login(english, demo_accounts[BRANCH])
    page = english.get(PAGE)
    assert page.status_code == 200
    assert "Tokens are created and revoked only after logging in with a two-factor code." in text(
        page
    )
    response = _create(english)
    assert response.status_code == 403
    assert ApiToken.objects.count() == 0


@pytest.mark.parametrize("email", [ADMIN, CHAIR, JUROR])
def test_roles_that_must_use_mfa_at_once_hold_no_token(english, demo_accounts, email):
    english.force_login(demo_accounts[email])
    assert english.get(PAGE).status_code == 403
    assert _create(english).status_code == 403
    assert ApiToken.objects.count() == 0
    assert 'href="/accounts/tokens/"' not in text(english.get("/accounts/2fa/"))


@pytest.mark.parametrize(
    ("fields", "field", "message"),
    [
        ({"days": "0"}, "days", "Ensure this value is greater than or equal to 1."),
        ({"days": "366"}, "days", "Ensure this value is less than or equal to 365."),
        ({"scope": "admin"}, "scope", "Select a valid choice. admin is not one of the available"),
        ({"name": ""}, "name", "This field is required."),
        ({"edition": "999999"}, "edition", "Select a valid choice."),
    ],
)
def test_bad_input_is_refused_at_its_field(english, demo_accounts, fields, field, message):
    english.force_login(demo_accounts[BRANCH])
    response = _create(english, **fields)
    assert response.status_code == 400
    assert message in response.context["form"].errors[field][0]
    assert ApiToken.objects.count() == 0


def test_longest_validity_comes_from_the_setting(english, demo_accounts, settings):
    settings.API_TOKEN_MAX_DAYS = 30
    english.force_login(demo_accounts[BRANCH])
    assert _create(english, days="31").status_code == 400
    assert _create(english, days="30").status_code == 200


# ---------------------------------------------------------------------------------------------
# Using it


def test_token_reaches_the_api_and_notes_its_use(api, demo_accounts, frozen):
    header, token = api_token(demo_accounts[BRANCH], scope="read", edition=2021)
    response = _get(api, "/api/v1/nominations/", header)
    assert response.status_code == 200
    in_2021 = nominations_visible_to(demo_accounts[BRANCH]).filter(category__edition__year=2021)
    assert sorted(n["id"] for n in response.json()["results"]) == sorted(
        in_2021.values_list("pk", flat=True)
    )
    token.refresh_from_db()
    assert token.last_used_at is not None


@pytest.mark.parametrize(
    "header",
    [
        "Token prt_000000000000_" + "x" * 43,
        "Token not-a-real-token",
        "Token prt_",
        "Token a b",
    ],
)
def test_unknown_token_is_401_with_a_json_message(api, demo_accounts, header):
    response = _get(api, "/api/v1/nominations/", header)
    assert response.status_code == 401
    assert response["WWW-Authenticate"] == "Token"
    assert set(response.json()) == {"detail"}


def test_a_token_with_a_wrong_secret_but_a_real_prefix_is_refused(api, demo_accounts):
    header, _token = api_token(demo_accounts[BRANCH])
    forged = header[:-4] + ("AAAA" if not header.endswith("AAAA") else "BBBB")
    response = _get(api, "/api/v1/nominations/", forged)
    assert (response.status_code, response.json()) == (401, {"detail": "Invalid token."})


def test_expired_token_is_401(api, demo_accounts, frozen):
    header, _token = api_token(demo_accounts[BRANCH], days=1)
    frozen.shift(dt.timedelta(days=1) - dt.timedelta(seconds=1))
    assert _get(api, "/api/v1/nominations/", header).status_code == 200
    frozen.shift(dt.timedelta(seconds=1))
    response = _get(api, "/api/v1/nominations/", header)
    assert (response.status_code, response.json()) == (401, {"detail": "This token has expired."})


def test_revoked_token_is_401_and_only_its_owner_revokes_it(api, demo_accounts):
    header, token = api_token(demo_accounts[BRANCH])
    other = Client()
    other.force_login(demo_accounts["cabang.bekasi@paritrana.test"])
    from tests.auth import complete_mfa

    complete_mfa(other, demo_accounts["cabang.bekasi@paritrana.test"])
    assert other.post(PAGE, {"revoke": str(token.pk)}).status_code == 404
    assert _get(api, "/api/v1/nominations/", header).status_code == 200

    api.force_login(demo_accounts[BRANCH])
    response = api.post(PAGE, {"revoke": str(token.pk)})
    assert (response.status_code, response["Location"]) == (302, PAGE)
    assert "revoked" in text(api.get(PAGE))
    api.logout()  # which forgets the language cookie too
    api.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    response = _get(api, "/api/v1/nominations/", header)
    assert (response.status_code, response.json()) == (401, {"detail": "This token was revoked."})
    assert api.post(PAGE, {"revoke": "x"}).status_code == 302  # logged out: to the login


def test_the_secretariat_sees_every_token_without_its_digest_and_revokes_it(api, demo_accounts):
    header, token = api_token(demo_accounts[BRANCH], name="integrasi cabang")
    _other_header, kept = api_token(demo_accounts[AUDITOR], name="audit")
    admin = Client()
    admin.force_login(demo_accounts[ADMIN])
    from tests.auth import complete_mfa

    complete_mfa(admin, demo_accounts[ADMIN])
    listing = admin.get("/admin/accounts/apitoken/")
    assert listing.status_code == 200
    page = listing.content.decode()
    assert "integrasi cabang" in page and token.prefix in page
    assert token.digest not in page
    change = admin.get(f"/admin/accounts/apitoken/{token.pk}/change/").content.decode()
    assert token.digest not in change
    assert admin.get("/admin/accounts/apitoken/add/").status_code == 403
    response = admin.post(
        "/admin/accounts/apitoken/",
        {"action": "revoke", "_selected_action": [str(token.pk)]},
    )
    assert response.status_code == 302
    token.refresh_from_db()
    kept.refresh_from_db()
    assert (token.revoked_at is not None, kept.revoked_at) == (True, None)
    response = _get(api, "/api/v1/nominations/", header)
    assert (response.status_code, response.json()) == (401, {"detail": "This token was revoked."})


def test_read_only_token_is_refused_on_every_write(api, demo_accounts):
    header, _token = api_token(demo_accounts[BRANCH], scope="read", edition=2021)
    draft = _draft_2021()
    before = list(GovernmentData.objects.filter(nomination=draft).values())
    refusal = {"detail": "This token is read-only: it cannot change anything."}
    writes = [
        ("post", f"/api/v1/nominations/{draft.pk}/submit/"),
        ("patch", f"/api/v1/nominations/{draft.pk}/figures/"),
        ("put", f"/api/v1/nominations/{draft.pk}/figures/"),
        ("delete", f"/api/v1/nominations/{draft.pk}/legal-products/1/"),
        ("post", "/api/v1/nominations/"),
    ]
    for method, url in writes:
        response = getattr(api, method)(
            url, {"head_of_region": "X"}, content_type="application/json", HTTP_AUTHORIZATION=header
        )
        assert (response.status_code, response.json()) == (403, refusal), (method, url)
    assert list(GovernmentData.objects.filter(nomination=draft).values()) == before
    assert Nomination.objects.get(pk=draft.pk).state == draft.state


def test_read_write_token_writes(api, demo_accounts):
    header, _token = api_token(demo_accounts[BRANCH], scope="write", edition=2021)
    draft = _draft_2021()
    response = api.patch(
        f"/api/v1/nominations/{draft.pk}/figures/",
        {"head_of_region": "Marten Taha"},
        content_type="application/json",
        HTTP_AUTHORIZATION=header,
    )
    assert response.status_code == 200
    assert GovernmentData.objects.get(nomination=draft).head_of_region == "Marten Taha"


def test_token_reaches_its_edition_only(api, demo_accounts):
    branch = demo_accounts[BRANCH]
    header, _token = api_token(branch, scope="write", edition=2020)
    draft = _draft_2021()
    in_2020 = sorted(
        nominations_visible_to(branch)
        .filter(category__edition__year=2020)
        .values_list("pk", flat=True)
    )
    listed = _get(api, "/api/v1/nominations/?page_size=100", header).json()
    assert sorted(n["id"] for n in listed["results"]) == in_2020
    assert _get(api, f"/api/v1/nominations/{draft.pk}/", header).status_code == 404
    assert _get(api, f"/api/v1/nominations/{draft.pk}/legal-products/", header).status_code == 404
    response = api.patch(
        f"/api/v1/nominations/{draft.pk}/figures/",
        {"head_of_region": "X"},
        content_type="application/json",
        HTTP_AUTHORIZATION=header,
    )
    assert response.status_code == 404
    response = api.post(
        "/api/v1/nominations/",
        {"candidate": draft.candidate_id, "category": draft.category_id},
        content_type="application/json",
        HTTP_AUTHORIZATION=header,
    )
    assert (response.status_code, response.json()) == (
        403,
        {"detail": "This API token is for another edition: it cannot nominate in this one."},
    )
    # The same requests with a token for 2021 reach the draft.
    header_2021, _token = api_token(branch, scope="read", edition=2021)
    assert _get(api, f"/api/v1/nominations/{draft.pk}/", header_2021).status_code == 200


def test_panel_member_token_reaches_its_editions_panels_only(api, demo_accounts):
    member = demo_accounts[MEMBER]
    header, _token = api_token(member, scope="read", edition=2018)
    panels = _get(api, "/api/v1/scoring/panels/", header).json()["results"]
    assert {p["edition"] for p in panels} == {2018}
    panel_2020 = Panel.objects.get(edition__year=2020, province="32")
    for url in (
        f"/api/v1/scoring/panels/{panel_2020.pk}/",
        f"/api/v1/scoring/panels/{panel_2020.pk}/verifications/",
        f"/api/v1/scoring/panels/{panel_2020.pk}/rankings/",
    ):
        assert _get(api, url, header).status_code == 404, url
    panel_2018 = Panel.objects.get(edition__year=2018, province="32")
    assert _get(api, f"/api/v1/scoring/panels/{panel_2018.pk}/", header).status_code == 200


@pytest.mark.parametrize("email", [ADMIN, CHAIR, JUROR])
def test_token_of_a_role_that_must_use_mfa_at_once_is_refused(api, demo_accounts, email):
    header, _token = api_token(demo_accounts[email], scope="read")
    response = _get(api, "/api/v1/nominations/", header)
    assert (response.status_code, response.json()) == (
        403,
        {
            "detail": "API tokens are not accepted for accounts that must use two-factor "
            "authentication. Use the website, where you log in with your code."
        },
    )
