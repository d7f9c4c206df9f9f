"""A new panel chair's first login in a real browser, on a phone (issue 25, item 16): the real
login page, then straight to setting up the authenticator app — the password just typed is not
asked for again —, the recovery codes, and from there on to the dashboard."""

import time

import pytest
from allauth.mfa import app_settings as mfa_settings
from allauth.mfa.models import Authenticator
from playwright.sync_api import expect

from tests.accounts.steps import ACTIVATE, PASSWORD, RECOVERY_CODES, totp_code

from .conftest import PHONE

pytestmark = pytest.mark.django_db(transaction=True)

CHAIR = "ketua.panel.jabar@paritrana.test"


def _code_for(secret: str) -> str:
    """The app's code now, not in the last seconds of its period (the server checks the
    current period's code only)."""
    if time.time() % mfa_settings.TOTP_PERIOD > mfa_settings.TOTP_PERIOD - 3:
        time.sleep(3)
    return totp_code(secret)


def test_new_chair_sets_up_the_app_right_after_the_login_and_goes_on(
    live_server, browser, steps, demo_accounts
):
    chair = demo_accounts[CHAIR]
    Authenticator.objects.filter(user=chair).delete()
    page = browser.new_context(viewport=PHONE).new_page()
    page.goto(f"{live_server.url}/accounts/login/")
    page.fill("input[name=login]", CHAIR)
    page.fill("input[name=password]", PASSWORD)
    steps.shot(page, "login")
    page.locator("form button[type=submit]").last.click()

    page.wait_for_url(f"{live_server.url}{ACTIVATE}")
    expect(page.locator("input[name=password]")).to_have_count(0)
    secret = page.locator("#authenticator_secret").input_value()
    steps.shot(page, "activate")
    page.fill("input[name=code]", _code_for(secret))
    page.locator("form button[type=submit]").last.click()

    page.wait_for_url(f"{live_server.url}{RECOVERY_CODES}")
    expect(page.locator("#recovery_codes")).to_be_visible()
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]
    steps.shot(page, "recovery-codes")
    page.get_by_role("link", name="Lanjut ke dasbor saya").click()

    page.wait_for_url(f"{live_server.url}/dashboard/")
    expect(page.get_by_role("heading", name="Tim penilai provinsi Jawa Barat 2018")).to_be_visible()
    steps.shot(page, "dashboard")
    assert Authenticator.objects.filter(user=chair, type=Authenticator.Type.TOTP).count() == 1
    page.context.close()
