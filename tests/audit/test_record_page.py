"""A nomination's audit record page: the secretariat, the auditors and the chairs read it;
nobody else does."""

import re

import pytest

from audit.selectors import records_of_nomination
from candidates.models import Nomination

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("demo_once")]


def _bekasi_2020():
    return Nomination.objects.get(
        candidate__name="Pemerintah Kota Bekasi", category__edition__year=2020
    )


def _url(nomination):
    return f"/nominations/{nomination.pk}/record/"


@pytest.mark.parametrize(
    "email",
    [
        "auditor@paritrana.test",
        "admin@paritrana.test",
        # The provincial chair reads the record without the national outcome until it is
        # published: tests/candidates/test_outcome_embargo.py.
        "ketua.juri@paritrana.test",
    ],
)
def test_record_page_lists_every_change_of_the_nomination(client, demo_accounts, email):
    nomination = _bekasi_2020()
    records = list(records_of_nomination(nomination.pk))
    client.force_login(demo_accounts[email])

    response = client.get(_url(nomination))

    assert response.status_code == 200
    page = response.content.decode()
    body = page.split("<tbody>", 1)[1].split("</tbody>", 1)[0]
    numbers = re.findall(r"<tr>\s*<td>(\d+)</td>", body)
    assert numbers == [str(r.seq) for r in records]
    assert len(records) >= 5
    # People by their names (issue 25, item 15), not by the e-mail addresses recorded.
    assert "<td>Ketua Dewan Juri</td>" in body
    assert "@paritrana.test" not in body
    assert {r.action for r in records} >= {
        "nomination.state",
        "scoresheet.save",
        "ranking.finalise.row",
        "nomination.national_result",
    }


@pytest.mark.parametrize(
    ("email", "status"),
    [
        ("panel.jabar@paritrana.test", 403),
        ("juri@paritrana.test", 403),
        ("juri.kemendagri@paritrana.test", 403),
        ("cabang.bekasi@paritrana.test", 403),
        ("cabang.gorontalo@paritrana.test", 404),
    ],
)
def test_record_page_is_refused_to_everyone_else(client, demo_accounts, email, status):
    client.force_login(demo_accounts[email])

    response = client.get(_url(_bekasi_2020()))

    assert response.status_code == status
    assert b"audit-record" not in response.content


def test_record_page_sends_the_anonymous_to_log_in(client, demo):
    response = client.get(_url(_bekasi_2020()))

    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/login/")


def test_chair_cannot_read_the_record_of_another_province(client, demo_accounts):
    gorontalo = Nomination.objects.filter(
        candidate__name="Pemerintah Kabupaten Bone Bolango"
    ).first()
    client.force_login(demo_accounts["ketua.panel.jabar@paritrana.test"])

    assert client.get(_url(gorontalo)).status_code == 404


def test_nomination_page_links_to_the_record_only_for_those_who_may_read_it(client, demo_accounts):
    nomination = _bekasi_2020()
    link = f'href="{_url(nomination)}"'.encode()

    client.force_login(demo_accounts["auditor@paritrana.test"])
    assert link in client.get(f"/nominations/{nomination.pk}/").content
    client.force_login(demo_accounts["panel.jabar@paritrana.test"])
    page = client.get(f"/nominations/{nomination.pk}/")
    assert page.status_code == 200
    assert link not in page.content
