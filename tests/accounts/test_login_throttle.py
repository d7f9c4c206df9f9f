"""Login throttling (allauth's ACCOUNT_RATE_LIMITS["login_failed"]): after five failures for an
account within 15 minutes even the right password — or the right two-factor code — is refused
until the first failure is 15 minutes old. Failed logins are logged without the password."""

import pytest

from paritrana.management.commands.create_demo_accounts import DEMO_TOTP_SECRET

from .steps import (
    CODE,
    PASSWORD,
    give_code,
    log_in,
    logged_in_user_id,
    text,
    totp_code,
    wrong_code,
)

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("demo_accounts_once")]

BRANCH = "cabang.gorontalo@paritrana.test"
AUDITOR = "auditor@paritrana.test"
CHAIR = "ketua.panel.jabar@paritrana.test"
THROTTLED = (
    "Too many failed attempts. Wait 15 minutes and try again, or ask the secretariat to reset "
    "your password."
)


def _security_log(caplog) -> list[tuple[str, str]]:
    return [(r.levelname, r.getMessage()) for r in caplog.records if r.name == "paritrana.security"]


def test_right_password_refused_after_five_failures_until_15_minutes_pass(
    english, demo_accounts, frozen
):
    for _ in range(5):
        failed = log_in(english, BRANCH, "not-the-password-at-all")
        assert "The email address and/or password you specified are not correct." in text(failed)
    refused = log_in(english, BRANCH, PASSWORD)
    assert refused.status_code == 200
    assert THROTTLED in text(refused)
    assert logged_in_user_id(english) is None

    frozen.shift(14 * 60)
    assert THROTTLED in text(log_in(english, BRANCH, PASSWORD))
    frozen.shift(60 + 1)
    response = log_in(english, BRANCH, PASSWORD)
    assert (response.status_code, response["Location"]) == (302, "/dashboard/")
    assert logged_in_user_id(english) == str(demo_accounts[BRANCH].pk)


def test_throttle_of_one_account_leaves_another_alone(english, demo_accounts, frozen):
    for _ in range(5):
        log_in(english, BRANCH, "not-the-password-at-all")
    response = log_in(english, AUDITOR, PASSWORD)
    assert (response.status_code, response["Location"]) == (302, "/dashboard/")


def test_right_code_refused_after_five_wrong_codes(english, demo_accounts, frozen):
    log_in(english, CHAIR)
    for _ in range(5):
        assert "Incorrect code." in text(give_code(english, wrong_code(DEMO_TOTP_SECRET)))
    refused = give_code(english, totp_code(DEMO_TOTP_SECRET))
    assert refused.status_code == 200
    assert THROTTLED in text(refused)
    assert logged_in_user_id(english) is None
    assert english.get("/panel/")["Location"] == "/accounts/login/?next=/panel/"
    assert english.get(CODE).status_code == 200  # still at the code step


def test_failed_login_is_logged_without_the_password(english, demo_accounts, frozen, caplog):
    log_in(english, BRANCH, "Secret-Guess-0042")
    log_in(english, "nobody@example.test", "Another-Guess-0043")
    assert _security_log(caplog) == [
        ("WARNING", "Login failed for 'cabang.gorontalo@paritrana.test' from 127.0.0.1"),
        ("WARNING", "Login failed for 'nobody@example.test' from 127.0.0.1"),
    ]
    assert "Guess" not in caplog.text


def test_failed_login_logs_the_forwarded_address_behind_a_trusted_proxy(
    english, demo_accounts, frozen, caplog, settings
):
    settings.ALLAUTH_TRUSTED_PROXY_COUNT = 1
    english.post(
        "/accounts/login/",
        {"login": BRANCH, "password": "wrong-password-here"},
        HTTP_X_FORWARDED_FOR="203.0.113.7",
    )
    assert _security_log(caplog) == [
        ("WARNING", "Login failed for 'cabang.gorontalo@paritrana.test' from 203.0.113.7"),
    ]


def test_django_admin_login_sends_to_the_throttled_login(english, demo_accounts, frozen):
    admin = demo_accounts["admin@paritrana.test"]
    page = english.get("/admin/login/?next=/admin/")
    assert (page.status_code, page["Location"]) == (302, "/accounts/login/?next=/admin/")
    # Posting the password to the admin's own form logs nobody in.
    response = english.post(
        "/admin/login/?next=/admin/", {"username": admin.username, "password": PASSWORD}
    )
    assert (response.status_code, response["Location"]) == (302, "/accounts/login/?next=/admin/")
    assert logged_in_user_id(english) is None
