"""A member excluded from a nominee by a conflict of interest does not follow that nominee's
live standing (issue 24 item 11): until the ranking is finalised, its total, rank, criteria,
"would advance" and the other assessors' scores of it are withheld from them, with the reason,
on the ranking page, its XLSX, the API and the decision file; and no rank of the category is
shown to them (a gap would tell where it stands). Once finalised, the frozen ranking shows as to
every member. The other members and the chair see the live ranking as before."""

import io

import openpyxl
import pytest
from django.conf import settings
from django.urls import reverse

from scoring import services
from scoring.enums import CriterionKind, StageKind

from .conftest import criterion

pytestmark = pytest.mark.django_db

REASON = (
    "You are excluded from this nominee by a conflict of interest: its live total, rank and "
    "advancement are withheld from you until the ranking is finalised."
)


@pytest.fixture
def conflicted(make_round):
    """Three Jawa Barat cities scored by the chair and two members; member 1 then declares a
    conflict with Kota Bogor (x), whose total becomes 85.00 (80 and 90): first, would advance."""
    round_ = make_round([criterion("a", CriterionKind.JUDGED, weight=1)])
    x = round_.nominate("32.71")
    y = round_.nominate("32.72")
    z = round_.nominate("32.73")
    marks = [(80, 60, 75), (70, 65, 75), (90, 62, 70)]
    for person, scores in zip(round_.members, marks, strict=True):
        for nomination, value in zip((x, y, z), scores, strict=True):
            round_.score(person, nomination, value)
    member = round_.members[1]
    services.conflict_declare(actor=member, panel=round_.panel, nomination=x, reason="Kerabat.")
    return round_, member, x, y, z


def _login(client, user):
    client.force_login(user)
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    return client


def _page(client, round_) -> str:
    url = reverse("scoring:ranking_category", args=[round_.panel.pk, round_.category.pk])
    return client.get(url).content.decode()


def _row(html: str, nomination) -> str:
    start = html.index(f'data-nomination="{nomination.pk}"')
    return html[start : html.index("</tr>", start)]


def _api(client, round_) -> dict:
    url = f"/api/v1/scoring/panels/{round_.panel.pk}/rankings/{round_.category.pk}/"
    return client.get(url).json()


def _finalise(round_):
    round_.open(StageKind.PROVINCIAL_RESULT)
    services.ranking_finalise(
        actor=round_.chair,
        panel=round_.panel,
        category=round_.category,
        stage_kind=StageKind.PROVINCIAL_ASSESSMENT,
    )


def test_ranking_page_withholds_the_conflicted_nominee_until_finalised(client, conflicted):
    round_, member, x, y, z = conflicted
    client = _login(client, member)
    html = _page(client, round_)
    assert 'data-ranking-state="live"' in html
    row = _row(html, x)
    assert REASON in row
    assert "85.00" not in html
    assert "Would advance" not in html
    assert "Cut-off" not in html
    ranks = [r.split("<", 1)[0] for r in html.split('<td class="num" data-rank>')[1:]]
    assert ranks == ["—", "—", "—"]
    # The others' totals stay; the withheld nominee comes last.
    assert "73.33" in _row(html, z) and "62.33" in _row(html, y)
    assert html.index(f'data-nomination="{x.pk}"') > html.index(f'data-nomination="{y.pk}"')

    _finalise(round_)
    html = _page(client, round_)
    assert REASON not in html
    assert "85.00" in _row(html, x)


def test_ranking_page_shows_the_other_members_the_live_ranking(client, conflicted):
    round_, _member, x, _y, _z = conflicted
    client = _login(client, round_.members[2])
    html = _page(client, round_)
    assert "85.00" in _row(html, x)
    assert "Would advance" in _row(html, x)
    assert REASON not in html


def test_ranking_xlsx_withholds_the_conflicted_nominee(client, conflicted):
    round_, member, x, _y, _z = conflicted
    client = _login(client, member)
    url = reverse("scoring:ranking_xlsx", args=[round_.panel.pk, round_.category.pk])
    book = openpyxl.load_workbook(io.BytesIO(client.get(url).content))
    rows = list(book["Peringkat"].iter_rows(values_only=True))
    (bogor,) = [r for r in rows if r[1] == x.candidate.name]
    assert bogor[0] is None and bogor[3] is None and REASON in bogor
    assert all(r[0] is None for r in rows[1:])
    assert not any(r[-1] is True for r in rows[1:])


def test_api_ranking_withholds_the_conflicted_nominee_until_finalised(client, conflicted):
    round_, member, x, _y, z = conflicted
    client = _login(client, member)
    data = _api(client, round_)
    rows = {r["nomination"]["id"]: r for r in data["rows"]}
    assert (rows[x.pk]["rank"], rows[x.pk]["total"], rows[x.pk]["criteria"]) == (None, None, [])
    assert rows[x.pk]["withheld"] == REASON
    assert [r["nomination"]["id"] for r in data["rows"]][-1] == x.pk
    assert {r["rank"] for r in data["rows"]} == {None}
    assert (rows[z.pk]["total"], rows[z.pk]["withheld"]) == ("73.33", "")

    _finalise(round_)
    rows = {r["nomination"]["id"]: r for r in _api(client, round_)["rows"]}
    assert (rows[x.pk]["rank"], rows[x.pk]["total"], rows[x.pk]["withheld"]) == (1, "85.00", "")


def test_api_ranking_shows_the_other_members_the_live_ranking(client, conflicted):
    round_, _member, x, _y, _z = conflicted
    rows = {r["nomination"]["id"]: r for r in _api(_login(client, round_.chair), round_)["rows"]}
    assert (rows[x.pk]["rank"], rows[x.pk]["total"], rows[x.pk]["withheld"]) == (1, "85.00", "")


def test_decision_file_and_scoresheet_withhold_the_conflicted_nominee(client, conflicted):
    round_, member, x, _y, _z = conflicted
    client = _login(client, member)
    page = reverse("scoring:decision", args=[round_.panel.pk, x.pk])
    html = client.get(page).content.decode()
    assert REASON in html
    assert "85.00" not in html
    api = client.get(f"/api/v1/scoring/panels/{round_.panel.pk}/decisions/{x.pk}/").json()
    (stage,) = api["stages"]
    assert (stage["withheld"], stage["total"], stage["rank"], stage["ranking_visible"]) == (
        REASON,
        None,
        None,
        False,
    )
    sheet = client.get(f"/api/v1/scoring/panels/{round_.panel.pk}/scoresheets/{x.pk}/").json()
    assert sheet["others"] is None

    _finalise(round_)
    api = client.get(f"/api/v1/scoring/panels/{round_.panel.pk}/decisions/{x.pk}/").json()
    (stage,) = api["stages"]
    assert (stage["withheld"], stage["total"], stage["rank"]) == ("", "85.00", 1)
