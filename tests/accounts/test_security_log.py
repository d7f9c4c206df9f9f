"""Refused authorisations are logged on `paritrana.security` with who, what and from where:
401 and 403 answers, and 404 answered to a logged-in person outside the public site (object
scoping answers 404 for what lies outside a person's scope)."""

import pytest
from django.test import Client

from candidates.models import Nomination

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("demo_once")]

BRANCH = "cabang.gorontalo@paritrana.test"
OTHER_BRANCH = "cabang.bekasi@paritrana.test"


def _security_log(caplog) -> list[tuple[str, str]]:
    return [(r.levelname, r.getMessage()) for r in caplog.records if r.name == "paritrana.security"]


def test_forbidden_page_is_logged_with_the_user(client, demo_accounts, caplog):
    staff = demo_accounts[BRANCH]
    client.force_login(staff)
    assert client.get("/secretariat/?tab=1").status_code == 403
    assert _security_log(caplog) == [
        ("WARNING", f"Refused 403 GET /secretariat/?tab=1 for user {staff.pk} from 127.0.0.1")
    ]


def test_nomination_outside_the_branch_answers_404_and_is_logged(client, demo_accounts, caplog):
    gorontalo = Nomination.objects.filter(candidate__name="Pemerintah Kota Gorontalo").first()
    staff = demo_accounts[OTHER_BRANCH]
    client.force_login(staff)
    path = f"/branch/nominations/{gorontalo.pk}/"
    assert client.get(path).status_code == 404
    assert _security_log(caplog) == [
        ("WARNING", f"Refused 404 GET {path} for user {staff.pk} from 127.0.0.1")
    ]


def test_404_on_the_public_site_is_not_logged(client, demo_accounts, caplog):
    client.force_login(demo_accounts[BRANCH])
    assert client.get("/results/1999/").status_code == 404
    assert _security_log(caplog) == []


def test_404_to_anonymous_is_not_logged(client, demo, caplog):
    gorontalo = Nomination.objects.filter(candidate__name="Pemerintah Kota Gorontalo").first()
    assert client.get(f"/nominations/{gorontalo.pk}/").status_code == 302  # to the login
    assert client.get("/no-such-page/").status_code == 404
    assert _security_log(caplog) == []


def test_anonymous_api_request_is_logged(client, demo, caplog):
    assert client.get("/api/v1/nominations/").status_code == 403
    assert _security_log(caplog) == [
        ("WARNING", "Refused 403 GET /api/v1/nominations/ for anonymous from 127.0.0.1")
    ]


def test_post_without_csrf_token_is_logged(demo_accounts, caplog):
    from tests.auth import login

    staff = demo_accounts[BRANCH]
    browser = login(Client(enforce_csrf_checks=True), staff)
    assert browser.post("/branch/nominations/new/government/", {}).status_code == 403
    assert _security_log(caplog) == [
        (
            "WARNING",
            f"Refused 403 POST /branch/nominations/new/government/ for user {staff.pk} "
            "from 127.0.0.1",
        )
    ]
