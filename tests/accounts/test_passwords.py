"""Passwords: long passphrases are accepted, short, common and absurdly long ones refused, each
with a clear message — through allauth's real password-change page."""

import pytest

from accounts.models import User

from .steps import PASSWORD, log_in, logged_in_user_id, text

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("demo_accounts_once")]

BRANCH = "cabang.gorontalo@paritrana.test"
CHANGE = "/accounts/password/change/"
PLAIN = (
    "This password is little more than the award&#x27;s name, a number or a repeated character. "
    "Use words of your own (at least 5 different letters besides those)."
)


def _change(client, new: str):
    return client.post(CHANGE, {"oldpassword": PASSWORD, "password1": new, "password2": new})


def _password_unchanged(email: str) -> bool:
    return User.objects.get(email=email).check_password(PASSWORD)


def test_password_of_200_characters_is_accepted_and_logs_in(english, demo_accounts, frozen):
    passphrase = ("Tim penilai Jawa Barat menilai dengan jujur, " * 5)[:200]
    log_in(english, BRANCH)
    response = _change(english, passphrase)
    assert (response.status_code, response["Location"]) == (302, CHANGE)
    assert User.objects.get(email=BRANCH).check_password(passphrase) is True

    english.post("/accounts/logout/")
    response = log_in(english, BRANCH, passphrase)
    assert (response.status_code, response["Location"]) == (302, "/dashboard/")
    assert logged_in_user_id(english) == str(demo_accounts[BRANCH].pk)


@pytest.mark.parametrize(
    ("new", "message"),
    [
        ("1q2w3e4r5t6y", "This password is too common."),
        ("Bekasi-2026", "This password is too short. It must contain at least 12 characters."),
        ("739184562093", "This password is entirely numeric."),
        ("k" * 1001, "This password is too long. It may have at most 1000 characters."),
        ("aaaaaaaaaaaa", PLAIN),
        ("paritrana2026", PLAIN),
        ("BPJS Ketenagakerjaan 2026!", PLAIN),
        ("Paritrana " * 100, PLAIN),
    ],
)
def test_weak_or_absurd_password_is_refused_with_a_message(
    english, demo_accounts, frozen, new, message
):
    log_in(english, BRANCH)
    response = _change(english, new)
    assert response.status_code == 200
    assert message in text(response)
    assert _password_unchanged(BRANCH) is True


def test_password_of_1000_characters_is_accepted(english, demo_accounts, frozen):
    # (It was "Paritrana " * 100 before the award's name alone was refused.)
    passphrase = ("Paritrana melindungi pekerja " * 40)[:1000]
    log_in(english, BRANCH)
    response = _change(english, passphrase)
    assert (response.status_code, response["Location"]) == (302, CHANGE)
    assert User.objects.get(email=BRANCH).check_password(passphrase) is True
