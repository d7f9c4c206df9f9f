"""A person in the two-factor grace period logs in through the real login page in a real browser
(issue 24): branch staff work, every page says until when and links to the setup; once the grace
period is over the next page is the setup of the authenticator app."""

import datetime as dt

import pytest
from django.utils import timezone

from accounts.models import User

pytestmark = pytest.mark.django_db(transaction=True)

BRANCH = "cabang.gorontalo@paritrana.test"


def test_branch_staff_in_the_grace_period_log_in_and_work(live_server, browser, demo_accounts):
    page = browser.new_context().new_page()
    page.goto(f"{live_server.url}/accounts/login/")
    page.fill("input[name=login]", BRANCH)
    page.fill("input[name=password]", "paritrana-demo-2026")
    page.locator("form button[type=submit]").last.click()
    page.wait_for_url(f"{live_server.url}/dashboard/")
    notice = page.locator("#mfa-grace")
    assert notice.is_visible()
    assert notice.locator("a").get_attribute("href") == "/accounts/2fa/totp/activate/"
    started = User.objects.get(email=BRANCH).mfa_grace_started_at
    assert started is not None
    page.goto(f"{live_server.url}/branch/nominations/")
    assert page.url == f"{live_server.url}/branch/nominations/"
    assert page.locator("#mfa-grace").is_visible()

    User.objects.filter(email=BRANCH).update(
        mfa_grace_started_at=timezone.now() - dt.timedelta(days=7, seconds=1)
    )
    page.goto(f"{live_server.url}/branch/nominations/")
    assert page.url.startswith(f"{live_server.url}/accounts/")
    assert page.locator("#mfa-grace").count() == 0
    page.context.close()
