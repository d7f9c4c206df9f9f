"""Two-factor authentication for everyone with a role (issue 24, ASVS 5.0 6.3.3): branch staff,
provincial panel members and auditors get MFA_GRACE_DAYS from their first login, during which
every page says until when; after it they are sent to set up the authenticator app before
anything else, as the deciders (who get no grace) are at once. Every login here goes through
the real login form."""

import datetime as dt

import pytest
from allauth.mfa.models import Authenticator
from django.core.management import call_command

from accounts.models import User
from accounts.rules import must_use_mfa, must_use_mfa_at_once
from tests.factories import DEMO_EMAILS

from .conftest import MOMENT
from .steps import ACTIVATE, REAUTHENTICATE, RECOVERY_CODES, log_in, shown_secret, text, totp_code

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("demo_once")]

ADMIN = "admin@paritrana.test"
CHAIR = "ketua.panel.jabar@paritrana.test"
MEMBER = "panel.jabar@paritrana.test"
BRANCH = "cabang.gorontalo@paritrana.test"
AUDITOR = "auditor@paritrana.test"
JUROR = "juri@paritrana.test"

DECIDERS = {ADMIN, CHAIR, JUROR, "ketua.juri@paritrana.test", "juri.kemendagri@paritrana.test"}
# MOMENT (2026-03-02 10:00 in Jakarta) and seven days (MFA_GRACE_DAYS' default).
DEADLINE = "9 March 2026, 10:00"
NOTICE = (
    f"Set up an authenticator app before {DEADLINE}; after that you can only continue once it "
    "is set up."
)
ACTIVATE_MESSAGE = (
    "Your role requires two-factor authentication. Activate an authenticator app below to continue."
)
CANNOT_SWITCH_OFF = (
    "Your role requires two-factor authentication, so it cannot be switched off. If you lost "
    "your authenticator app, ask the secretariat to reset it."
)
# A page of each role's own, and one of the API.
PAGES = {
    BRANCH: ("/branch/nominations/", "/api/v1/nominations/"),
    MEMBER: ("/panel/nominations/", "/api/v1/scoring/panels/"),
    AUDITOR: ("/audit/nominations/", "/api/v1/nominations/"),
}
GRACE_ROLES = list(PAGES)


def _fresh(email: str) -> User:
    return User.objects.get(email=email)


def test_every_role_must_use_mfa_and_the_deciders_at_once(demo_accounts):
    assert {e for e in DEMO_EMAILS if must_use_mfa(_fresh(e))} == set(DEMO_EMAILS)
    assert {e for e in DEMO_EMAILS if must_use_mfa_at_once(_fresh(e))} == DECIDERS
    nobody = User.objects.create(username="nobody", email="nobody@example.test")
    assert must_use_mfa(nobody) is False


@pytest.mark.parametrize("email", GRACE_ROLES)
def test_in_the_grace_period_the_role_works_and_every_page_says_until_when(
    english, demo_accounts, frozen, email
):
    response = log_in(english, email)
    assert (response.status_code, response["Location"]) == (302, "/dashboard/")
    page, api = PAGES[email]
    for path in ("/dashboard/", page, "/accounts/2fa/", "/accounts/tokens/"):
        response = english.get(path)
        assert response.status_code == 200, path
        assert NOTICE in text(response), path
        assert f'<a href="{ACTIVATE}">Set up the authenticator app now</a>' in text(response)
    assert english.get(api).status_code == 200
    # The public site is the same page for every visitor (cached whole): no notice there.
    assert NOTICE not in text(english.get("/results/"))
    assert _fresh(email).mfa_grace_started_at == MOMENT
    assert Authenticator.objects.filter(user__email=email).count() == 0


@pytest.mark.parametrize("email", GRACE_ROLES)
def test_the_grace_period_counts_from_the_first_login_only(english, demo_accounts, frozen, email):
    log_in(english, email)
    english.get("/dashboard/")
    english.post("/accounts/logout/")
    frozen.shift(dt.timedelta(days=6, hours=23, minutes=59))
    log_in(english, email)
    response = english.get(PAGES[email][0])
    assert (response.status_code, NOTICE in text(response)) == (200, True)
    assert _fresh(email).mfa_grace_started_at == MOMENT


@pytest.mark.parametrize("email", GRACE_ROLES)
def test_after_the_grace_period_the_role_is_sent_to_set_up_the_app(
    english, demo_accounts, frozen, email
):
    log_in(english, email)
    english.get("/dashboard/")
    english.post("/accounts/logout/")
    frozen.shift(dt.timedelta(days=7))
    response = log_in(english, email)
    assert (response.status_code, response["Location"]) == (302, "/dashboard/")
    page, api = PAGES[email]
    for path in ("/dashboard/", page, "/accounts/tokens/"):
        refused = english.get(path)
        assert (refused.status_code, refused["Location"]) == (302, ACTIVATE), path
    assert english.get(api).json() == {
        "detail": "Your role requires two-factor authentication. Activate an authenticator app "
        "on the website first."
    }
    assert english.get(api).status_code == 403
    # The public site and the account pages still open, without the notice.
    for path in ("/results/", "/accounts/2fa/"):
        response = english.get(path)
        assert (response.status_code, NOTICE in text(response)) == (200, False), path
    followed = english.get(page, follow=True)
    assert ACTIVATE_MESSAGE in text(followed)

    # Setting the app up opens everything again, without the notice.
    assert english.post(REAUTHENTICATE, {"password": "paritrana-demo-2026"}).status_code == 302
    secret = shown_secret(text(english.get(ACTIVATE)))
    response = english.post(ACTIVATE, {"code": totp_code(secret)})
    assert (response.status_code, response["Location"]) == (302, RECOVERY_CODES)
    response = english.get(page)
    assert (response.status_code, NOTICE in text(response)) == (200, False)
    assert english.get(api).status_code == 200
    # Nor can they switch it off again.
    assert english.post(REAUTHENTICATE, {"password": "paritrana-demo-2026"}).status_code == 302
    refused = english.post("/accounts/2fa/totp/deactivate/")
    assert (refused.status_code, CANNOT_SWITCH_OFF in text(refused)) == (200, True)
    assert Authenticator.objects.filter(user__email=email, type="totp").count() == 1


def test_grace_days_come_from_the_setting(english, demo_accounts, frozen, settings):
    settings.MFA_GRACE_DAYS = 0
    log_in(english, BRANCH)
    assert english.get("/branch/nominations/")["Location"] == ACTIVATE


@pytest.mark.parametrize("email", sorted(DECIDERS))
def test_the_deciders_get_no_grace_period(english, demo_accounts, frozen, email):
    Authenticator.objects.filter(user__email=email).delete()
    log_in(english, email)
    response = english.get("/dashboard/")
    assert (response.status_code, response["Location"]) == (302, ACTIVATE)
    assert NOTICE not in text(english.get("/results/"))
    assert _fresh(email).mfa_grace_started_at is None


def test_grace_notice_is_shown_in_bahasa_indonesia_by_default(client, demo_accounts, frozen):
    log_in(client, BRANCH)
    page = text(client.get("/dashboard/"))
    # The date in the default language's words and format (paritrana/formats/id).
    assert 'id="mfa-grace"' in page and "9 Maret 2026, 10.00" in page


def test_demo_accounts_start_a_fresh_grace_period_on_each_run(demo_accounts, settings, capsys):
    settings.DEBUG = True
    User.objects.filter(email=BRANCH).update(
        mfa_grace_started_at=dt.datetime(2020, 1, 1, tzinfo=dt.UTC)
    )
    call_command("create_demo_accounts")
    assert _fresh(BRANCH).mfa_grace_started_at is None
    assert (
        "The other accounts must set up two-factor authentication within 7 days of their first "
        "login (MFA_GRACE_DAYS); until then they log in with the password alone."
        in capsys.readouterr().out
    )
