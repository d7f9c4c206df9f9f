"""Two-factor authentication (TOTP) for those who decide: the secretariat, the provincial panel
chairs and the national jurors. Every test here logs in through the real forms (password, then
the code of an authenticator app computed from its secret with allauth's own helpers)."""

import re

import pytest
from allauth.account import app_settings as account_settings
from allauth.mfa.models import Authenticator
from allauth.mfa.recovery_codes.internal.auth import RecoveryCodes
from allauth.mfa.utils import decrypt
from django.core.management import call_command

from accounts.models import User
from accounts.rules import must_use_mfa, must_use_mfa_at_once
from paritrana.management.commands.create_demo_accounts import DEMO_TOTP_SECRET
from tests.auth import TEST_TOTP_SECRET, login
from tests.factories import api_token

from .steps import (
    ACTIVATE,
    CODE,
    LOGIN,
    PASSWORD,
    REAUTHENTICATE,
    RECOVERY_CODES,
    give_code,
    log_in,
    logged_in_user_id,
    shown_secret,
    text,
    totp_code,
    wrong_code,
)

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("demo_once")]

ADMIN = "admin@paritrana.test"
CHAIR = "ketua.panel.jabar@paritrana.test"
MEMBER = "panel.jabar@paritrana.test"
BRANCH = "cabang.gorontalo@paritrana.test"
AUDITOR = "auditor@paritrana.test"
JUROR = "juri@paritrana.test"
JURY_CHAIR = "ketua.juri@paritrana.test"

ACTIVATE_MESSAGE = (
    "Your role requires two-factor authentication. Activate an authenticator app below to continue."
)
LOG_IN_AGAIN_MESSAGE = (
    "Your role requires two-factor authentication. Log in again with the code from your "
    "authenticator app."
)


def _without_authenticator(user) -> User:
    Authenticator.objects.filter(user=user).delete()
    return user


def _confirm_password(client):
    """allauth asks for the password again before a two-factor setting changes
    (MFA_REAUTHENTICATION_REQUIRED) once ACCOUNT_REAUTHENTICATION_TIMEOUT has passed since the
    login (accounts.mfa.authenticated_recently)."""
    response = client.post(REAUTHENTICATE, {"password": PASSWORD})
    assert (response.status_code, response["Location"]) == (302, "/dashboard/")


def _activate(client):
    """Open the activation page (right after the login: no password asked again), read the
    secret it shows and give the app's code."""
    page = text(client.get(ACTIVATE))
    secret = shown_secret(page)
    return secret, client.post(ACTIVATE, {"code": totp_code(secret)})


# ---------------------------------------------------------------------------------------------
# Who must use it


def test_must_use_mfa_at_once_covers_admins_panel_chairs_and_national_jurors(demo_accounts):
    assert {email for email, user in demo_accounts.items() if must_use_mfa_at_once(user)} == {
        ADMIN,
        CHAIR,
        JUROR,
        JURY_CHAIR,
        "juri.kemendagri@paritrana.test",
    }


def test_must_use_mfa_covers_superusers_and_staff(demo):
    superuser = User.objects.create(username="root", email="root@example.test", is_superuser=True)
    staff = User.objects.create(username="staff", email="staff@example.test", is_staff=True)
    nobody = User.objects.create(username="nobody", email="nobody@example.test")
    assert (must_use_mfa(superuser), must_use_mfa(staff), must_use_mfa(nobody)) == (
        True,
        True,
        False,
    )
    assert (must_use_mfa_at_once(superuser), must_use_mfa_at_once(staff)) == (True, True)


# ---------------------------------------------------------------------------------------------
# Not enrolled yet


def test_panel_chair_without_authenticator_is_sent_to_activation(english, demo_accounts, frozen):
    chair = _without_authenticator(demo_accounts[CHAIR])
    response = log_in(english, CHAIR)
    assert (response.status_code, response["Location"]) == (302, "/dashboard/")
    assert logged_in_user_id(english) == str(chair.pk)

    for path in ("/dashboard/", "/panel/", "/panel/nominations/", "/admin/", "/secretariat/"):
        refused = english.get(path)
        assert (refused.status_code, refused["Location"]) == (302, ACTIVATE), path
    # The password was given a moment ago: the setup follows at once, without allauth's
    # "Confirm Access" asking for it again (issue 25, item 16).
    page = english.get("/panel/", follow=True)
    assert page.redirect_chain == [(ACTIVATE, 302)]
    assert ACTIVATE_MESSAGE in text(page)
    assert "Activate Authenticator App" in text(page)
    assert "Confirm Access" not in text(page)
    assert Authenticator.objects.filter(user=chair).count() == 0


def test_activation_long_after_the_login_asks_for_the_password_again(
    english, demo_accounts, frozen
):
    chair = _without_authenticator(demo_accounts[CHAIR])
    log_in(english, CHAIR)
    frozen.shift(account_settings.REAUTHENTICATION_TIMEOUT)
    page = english.get(ACTIVATE, follow=True)
    assert page.redirect_chain == [
        (f"{REAUTHENTICATE}?next=%2Faccounts%2F2fa%2Ftotp%2Factivate%2F", 302)
    ]
    assert "Confirm Access" in text(page)
    _confirm_password(english)
    _secret, response = _activate(english)
    assert (response.status_code, response["Location"]) == (302, RECOVERY_CODES)
    assert Authenticator.objects.filter(user=chair, type=Authenticator.Type.TOTP).count() == 1


def test_panel_chair_without_authenticator_still_reaches_public_and_account_pages(
    english, demo_accounts, frozen
):
    _without_authenticator(demo_accounts[CHAIR])
    log_in(english, CHAIR)
    for path in ("/", "/results/", "/verify/", "/open-data/", "/api/v1/public/editions/"):
        assert english.get(path).status_code == 200, path
    for path in ("/accounts/2fa/", REAUTHENTICATE, "/accounts/password/change/"):
        assert english.get(path).status_code == 200, path


def test_panel_chair_activating_with_correct_code_reaches_the_panel(english, demo_accounts, frozen):
    chair = _without_authenticator(demo_accounts[CHAIR])
    log_in(english, CHAIR)
    secret, response = _activate(english)
    assert (response.status_code, response["Location"]) == (302, RECOVERY_CODES)
    totp = Authenticator.objects.get(user=chair, type=Authenticator.Type.TOTP)
    assert decrypt(totp.data["secret"]) == secret
    # allauth made recovery codes along with the app, and shows them once activated.
    codes = Authenticator.objects.get(user=chair, type=Authenticator.Type.RECOVERY_CODES)
    page = text(english.get(RECOVERY_CODES))
    assert all(code in page for code in codes.wrap().get_unused_codes())

    panel = english.get("/panel/")
    assert panel.status_code == 200
    assert "Jawa Barat" in text(panel)
    assert english.get("/panel/nominations/").status_code == 200


@pytest.mark.parametrize(
    ("language", "keep", "way_on"),
    [
        ("en", "Keep these codes somewhere safe", "Continue to my dashboard"),
        ("id", "Simpan kode-kode ini di tempat yang aman", "Lanjut ke dasbor saya"),
    ],
)
def test_recovery_codes_after_activation_lead_on_to_the_dashboard(
    client, demo_accounts, frozen, settings, language, keep, way_on
):
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = language
    _without_authenticator(demo_accounts[CHAIR])
    log_in(client, CHAIR)
    _secret, response = _activate(client)
    assert (response.status_code, response["Location"]) == (302, RECOVERY_CODES)
    page = text(client.get(RECOVERY_CODES))
    assert keep in page
    assert re.findall(rf'<a class="button" href="([^"]*)">{way_on}</a>', page) == ["/dashboard/"]
    assert client.get("/dashboard/").status_code == 200


def test_activation_with_wrong_code_is_refused_with_a_message(english, demo_accounts, frozen):
    chair = _without_authenticator(demo_accounts[CHAIR])
    log_in(english, CHAIR)
    secret = shown_secret(text(english.get(ACTIVATE)))
    response = english.post(ACTIVATE, {"code": wrong_code(secret)})
    assert response.status_code == 200
    assert "Incorrect code." in text(response)
    assert Authenticator.objects.filter(user=chair).count() == 0
    assert english.get("/panel/")["Location"] == ACTIVATE


def test_api_by_session_for_unenrolled_admin_is_refused(english, demo_accounts, frozen):
    _without_authenticator(demo_accounts[ADMIN])
    log_in(english, ADMIN)
    response = english.get("/api/v1/nominations/")
    assert (response.status_code, response.json()) == (
        403,
        {
            "detail": "Your role requires two-factor authentication. Activate an authenticator "
            "app on the website first."
        },
    )
    assert english.get("/api/v1/public/editions/").status_code == 200


def test_session_from_before_activation_is_logged_out(english, demo_accounts, frozen):
    chair = _without_authenticator(demo_accounts[CHAIR])
    log_in(english, CHAIR)
    # The app is activated elsewhere (another browser, or the secretariat) while this session,
    # which never gave a code, is still open.
    Authenticator.objects.create(
        user=chair, type=Authenticator.Type.TOTP, data={"secret": TEST_TOTP_SECRET}
    )
    response = english.get("/panel/")
    assert (response.status_code, response["Location"]) == (302, f"{LOGIN}?next=/panel/")
    assert logged_in_user_id(english) is None
    assert LOG_IN_AGAIN_MESSAGE in text(english.get(LOGIN))


# ---------------------------------------------------------------------------------------------
# Enrolled: the login asks for the code


def test_login_of_enrolled_chair_asks_for_the_code(english, demo_accounts, frozen):
    chair = demo_accounts[CHAIR]
    response = log_in(english, CHAIR)
    assert (response.status_code, response["Location"]) == (302, CODE)
    assert logged_in_user_id(english) is None
    assert english.get("/panel/")["Location"] == f"{LOGIN}?next=/panel/"
    assert (
        "No access to your authenticator app? Enter one of your recovery codes instead; each "
        "works once." in text(english.get(CODE))
    )

    response = give_code(english, totp_code(DEMO_TOTP_SECRET))
    assert (response.status_code, response["Location"]) == (302, "/dashboard/")
    assert logged_in_user_id(english) == str(chair.pk)
    assert english.get("/panel/").status_code == 200


def test_login_code_wrong_is_refused_with_a_message(english, demo_accounts, frozen, caplog):
    chair = demo_accounts[CHAIR]
    log_in(english, CHAIR)
    response = give_code(english, wrong_code(DEMO_TOTP_SECRET))
    assert response.status_code == 200
    assert "Incorrect code." in text(response)
    assert logged_in_user_id(english) is None
    assert [
        (r.name, r.levelname, r.getMessage())
        for r in caplog.records
        if r.name.startswith("paritrana")
    ] == [
        (
            "paritrana.security",
            "WARNING",
            f"Two-factor code refused for user {chair.pk} from 127.0.0.1",
        )
    ]


def test_login_code_used_once_is_refused_the_second_time(english, demo_accounts, frozen):
    code = totp_code(DEMO_TOTP_SECRET)
    log_in(english, CHAIR)
    give_code(english, code)
    english.post("/accounts/logout/")
    log_in(english, CHAIR)
    response = give_code(english, code)
    assert "Incorrect code." in text(response)
    assert logged_in_user_id(english) is None


def test_recovery_code_logs_in_once_and_only_once(english, demo_accounts, frozen):
    chair = demo_accounts[CHAIR]
    recovery = RecoveryCodes.activate(chair)
    first = recovery.get_unused_codes()[0]

    log_in(english, CHAIR)
    response = give_code(english, first)
    assert (response.status_code, response["Location"]) == (302, "/dashboard/")
    assert english.get("/panel/").status_code == 200
    english.post("/accounts/logout/")

    log_in(english, CHAIR)
    response = give_code(english, first)
    assert "Incorrect code." in text(response)
    assert logged_in_user_id(english) is None
    recovery.instance.refresh_from_db()
    unused = recovery.instance.wrap().get_unused_codes()
    assert (len(unused), first in unused) == (9, False)


def test_enrolled_chair_cannot_switch_the_authenticator_off(english, demo_accounts, frozen):
    chair = demo_accounts[CHAIR]
    log_in(english, CHAIR)
    give_code(english, totp_code(DEMO_TOTP_SECRET))
    response = english.post("/accounts/2fa/totp/deactivate/")
    assert response.status_code == 200
    assert (
        "Your role requires two-factor authentication, so it cannot be switched off. If you lost "
        "your authenticator app, ask the secretariat to reset it." in text(response)
    )
    assert Authenticator.objects.filter(user=chair, type=Authenticator.Type.TOTP).count() == 1


# ---------------------------------------------------------------------------------------------
# Not forced yet: the others' grace period (tests/accounts/test_mfa_grace.py)


@pytest.mark.parametrize(
    ("email", "page"),
    [
        (BRANCH, "/branch/nominations/"),
        (MEMBER, "/panel/nominations/"),
        (AUDITOR, "/audit/nominations/"),
    ],
)
def test_roles_that_do_not_decide_are_not_forced_at_first_login(
    english, demo_accounts, frozen, email, page
):
    response = log_in(english, email)
    assert (response.status_code, response["Location"]) == (302, "/dashboard/")
    assert english.get("/dashboard/").status_code == 200
    assert english.get(page).status_code == 200
    assert Authenticator.objects.filter(user=demo_accounts[email]).count() == 0


def test_national_juror_without_authenticator_is_sent_to_activation(english, demo_accounts, frozen):
    _without_authenticator(demo_accounts[JUROR])
    log_in(english, JUROR)
    assert english.get("/jury/nominations/")["Location"] == ACTIVATE
    assert english.get("/panel/")["Location"] == ACTIVATE


# ---------------------------------------------------------------------------------------------
# API tokens


def test_api_token_of_an_account_that_must_use_mfa_is_refused(client, demo_accounts):
    header, _token = api_token(demo_accounts[ADMIN])
    client.cookies["django_language"] = "en"
    response = client.get("/api/v1/nominations/", HTTP_AUTHORIZATION=header)
    assert (response.status_code, response.json()) == (
        403,
        {
            "detail": "API tokens are not accepted for accounts that must use two-factor "
            "authentication. Use the website, where you log in with your code."
        },
    )


def test_api_token_of_branch_staff_is_accepted(client, demo_accounts):
    header, _token = api_token(demo_accounts[BRANCH], edition=2021)
    response = client.get("/api/v1/nominations/", HTTP_AUTHORIZATION=header)
    assert response.status_code == 200
    assert response.json()["count"] >= 1


# ---------------------------------------------------------------------------------------------
# The test helpers (tests/auth.py) give a complete login


def test_client_fixture_force_login_is_a_complete_login(client, demo_accounts):
    admin = demo_accounts[ADMIN]
    Authenticator.objects.filter(user=admin).delete()
    client.force_login(admin)
    assert client.get("/secretariat/").status_code == 200
    totp = Authenticator.objects.get(user=admin, type=Authenticator.Type.TOTP)
    assert decrypt(totp.data["secret"]) == TEST_TOTP_SECRET


def test_auth_login_on_any_client_is_a_complete_login(demo_accounts):
    from django.test import Client

    chair = Client()
    login(chair, demo_accounts[CHAIR])
    assert chair.get("/panel/").status_code == 200
    # The demo account's own app is kept.
    totp = Authenticator.objects.get(user=demo_accounts[CHAIR], type=Authenticator.Type.TOTP)
    assert decrypt(totp.data["secret"]) == DEMO_TOTP_SECRET


# ---------------------------------------------------------------------------------------------
# Demo accounts


def test_create_demo_accounts_gives_deciders_the_demo_authenticator(demo, settings, capsys):
    settings.DEBUG = True
    call_command("create_demo_accounts")
    call_command("create_demo_accounts")
    out = capsys.readouterr().out
    with_app = Authenticator.objects.filter(type=Authenticator.Type.TOTP)
    assert sorted(a.user.email for a in with_app) == sorted(
        [ADMIN, CHAIR, JUROR, JURY_CHAIR, "juri.kemendagri@paritrana.test"]
    )
    assert {decrypt(a.data["secret"]) for a in with_app} == {DEMO_TOTP_SECRET}
    assert Authenticator.objects.count() == 5
    assert (
        f"add the secret {DEMO_TOTP_SECRET} to any authenticator app, or run "
        "`python manage.py demo_totp` for the current code." in out
    )
    lines = {line.split()[0]: line for line in out.splitlines() if "@" in line.split()[0]}
    assert (lines[CHAIR].endswith(" [TOTP]"), lines[MEMBER].endswith(" [TOTP]")) == (True, False)


def test_demo_totp_prints_the_current_code(settings, capsys, frozen):
    settings.DEBUG = True
    call_command("demo_totp")
    # MOMENT is 03:00:00 UTC, so the 30-second period has just begun.
    assert capsys.readouterr().out == f"{totp_code(DEMO_TOTP_SECRET)} (valid for 30 more seconds)\n"


def test_demo_totp_refused_when_debug_is_off(settings):
    from django.core.management import CommandError

    settings.DEBUG = False
    with pytest.raises(CommandError, match="refused when DEBUG is off"):
        call_command("demo_totp")
