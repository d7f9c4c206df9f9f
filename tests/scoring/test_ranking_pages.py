"""The provincial panel's ranking pages (scoring.views_ranking): every role on every route, the
live ranking with each criterion's contribution, ties and the chair's decisions, finalisation
(refused with what is missing, or frozen with labels and advancement), reopening, blindness,
the XLSX export and the number of queries."""

import html
import io
import re
from decimal import Decimal as D
from html.parser import HTMLParser

import openpyxl
import pytest
from django.conf import settings
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from accounts.enums import Role
from accounts.services import role_assign
from audit.models import AuditRecord
from candidates.enums import NominationState, RankLabel
from candidates.models import Nomination, Province, Regency
from scoring import selectors, services
from scoring.enums import CriterionKind, StageKind
from scoring.models import RankingSnapshot, TieDecision
from tests.factories import (
    BranchFactory,
    CategoryFactory,
    EditionFactory,
    NominationFactory,
    RegencyGovernmentFactory,
    UserFactory,
)
from tests.replay import replayed

from .conftest import JABAR_CITIES, criterion

pytestmark = pytest.mark.django_db

C, J = CriterionKind.COMPUTED, CriterionKind.JUDGED
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
# The ticked box that confirms a finalisation (scoring.forms_ranking.FinaliseForm).
CONFIRM = {"confirm": "on"}


# ---------------------------------------------------------------------------------------------
# Helpers


class RankingRows(HTMLParser):
    """The rows of the ranking tables (tr[data-nomination]) with the values the page marks:
    rank, total, scores, contributions, flags, label, advanced and tie reason."""

    CAPTURED = {
        "data-rank",
        "data-total",
        "data-score",
        "data-contribution",
        "data-label",
        "data-tie-reason",
    }
    VOID = {"br", "input", "img", "meta", "link", "hr"}

    def __init__(self):
        super().__init__()
        self.rows: dict[int, dict] = {}
        self.order: list[int] = []
        self.row = None
        self.stack: list[str | None] = []

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "tr" and "data-nomination" in attrs:
            pk = int(attrs["data-nomination"])
            self.row = self.rows[pk] = {
                "scores": [],
                "contributions": [],
                "flags": [],
                "text": "",
            }
            self.order.append(pk)
        if self.row is not None and "data-flag" in attrs:
            self.row["flags"].append(attrs["data-flag"])
        if tag in self.VOID:
            return
        key = next((k for k in self.CAPTURED if k in attrs), None)
        if self.row is not None and key:
            name = key.removeprefix("data-")
            if name in ("score", "contribution"):
                self.row[f"{name}s"].append("")
            else:
                self.row[name] = ""
        self.stack.append(key)

    def handle_endtag(self, tag):
        if tag in self.VOID:
            return
        if self.stack:
            self.stack.pop()
        if tag == "tr":
            self.row = None

    def handle_data(self, data):
        if self.row is None:
            return
        self.row["text"] += data
        for key in filter(None, self.stack):
            name = key.removeprefix("data-")
            if name in ("score", "contribution"):
                self.row[f"{name}s"][-1] += data.strip()
            else:
                self.row[name] += data.strip()


def table(response) -> list[dict]:
    parser = RankingRows()
    parser.feed(response.content.decode())
    return [{"pk": pk, **parser.rows[pk]} for pk in parser.order]


def english(client):
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    return client


def urls(round_, category=None) -> dict[str, str]:
    panel, category = round_.panel.pk, (category or round_.category).pk
    return {
        "ranking": reverse("scoring:ranking", args=[panel]),
        "ranking_category": reverse("scoring:ranking_category", args=[panel, category]),
        "ranking_xlsx": reverse("scoring:ranking_xlsx", args=[panel, category]),
        "tie_decide": reverse("scoring:tie_decide", args=[panel, category]),
        "finalise": reverse("scoring:finalise", args=[panel, category]),
        "reopen": reverse("scoring:reopen", args=[panel, category]),
    }


def states(round_) -> list[tuple[str, str]]:
    return sorted(
        Nomination.objects.filter(category=round_.category).values_list("state", "provincial_label")
    )


def workbook_rows(response, sheet="Peringkat") -> list[tuple]:
    book = openpyxl.load_workbook(io.BytesIO(response.content))
    return [tuple(row) for row in book[sheet].iter_rows(values_only=True)]


@pytest.fixture
def hand_round(make_round):
    """Built once per process and replayed (tests/replay.py): see _build_hand_round."""
    return replayed(f"{__name__}.hand_round", lambda: _build_hand_round(make_round))


def _build_hand_round(make_round):
    """Three Jawa Barat cities scored by the chair and two members on a judged criterion
    (weight 3) and a computed one (weight 1, PU coverage 0 points at 50 %, 100 at 100 %)."""
    round_ = make_round(
        [
            criterion("a", J, weight=3),
            criterion("b", C, weight=1, indicator="pu_coverage", zero_at=D("0.5"), full_at=D(1)),
        ]
    )
    x = round_.nominate("32.71", pu_coverage=D("0.9"))
    y = round_.nominate("32.72", pu_coverage=D("1.2"))
    z = round_.nominate("32.73", pu_coverage=D("0.4"))
    for person, scores in zip(
        round_.members, [(80, 60, 75), (70, 65, 75), (90, "62.5", "75.25")], strict=True
    ):
        for nomination, value in zip((x, y, z), scores, strict=True):
            round_.score(person, nomination, value)
    return round_


@pytest.fixture
def people(make_round):
    """Built once per process and replayed (tests/replay.py): see _build_people."""
    return replayed(f"{__name__}.people", lambda: _build_people(make_round))


def _build_people(make_round):
    """A round where only the chair has scored, and one person per role."""
    round_ = make_round()
    for code, value in [("32.71", 70), ("32.72", 60)]:
        round_.score(round_.chair, round_.nominate(code), value)
    branch = UserFactory(email="cabang@example.test")
    role_assign(user=branch, role=Role.BRANCH_STAFF, branch=BranchFactory())
    jury = services.panel_get_or_create(edition=round_.edition, province=None)
    juror = UserFactory(email="juri@example.test")
    services.panel_member_add(panel=jury, user=juror)
    jateng = services.panel_get_or_create(
        edition=round_.edition, province=Province.objects.get(code="33")
    )
    elsewhere = UserFactory(email="jateng@example.test")
    services.panel_member_add(panel=jateng, user=elsewhere)
    admin = UserFactory(email="admin@example.test")
    role_assign(user=admin, role=Role.NATIONAL_ADMIN)
    auditor = UserFactory(email="auditor@example.test")
    role_assign(user=auditor, role=Role.AUDITOR, edition=round_.edition)
    old_auditor = UserFactory(email="auditor2029@example.test")
    role_assign(user=old_auditor, role=Role.AUDITOR, edition=EditionFactory(year=2029))
    return round_, {
        "anonymous": None,
        "branch staff": branch,
        "jury member": juror,
        "other province's member": elsewhere,
        "other edition's auditor": old_auditor,
        "member": round_.members[1],
        "chair": round_.chair,
        "national admin": admin,
        "auditor": auditor,
    }


# ---------------------------------------------------------------------------------------------
# Every role on every route

READ_ROUTES = ("ranking", "ranking_category", "ranking_xlsx")
ACTION_ROUTES = ("tie_decide", "finalise", "reopen")

# GET of the pages and the XLSX
READ = {
    "branch staff": 403,
    "jury member": 404,  # a provincial panel is not the jury's to see
    "other province's member": 404,
    "other edition's auditor": 404,
    "member": 200,
    "chair": 200,
    "national admin": 200,
    "auditor": 200,
}
# POST of an action, empty: only the chair and the secretariat get as far as the page again
# (with what is wrong); everyone else is refused before anything is looked at.
ACT = {
    "branch staff": 403,
    "jury member": 404,  # a provincial panel is not the jury's to see
    "other province's member": 404,
    "other edition's auditor": 404,
    "member": 403,
    "chair": 200,
    "national admin": 200,
    "auditor": 403,
}


def test_route_paths_are_the_named_routes(people):
    round_, _people = people
    p, c = round_.panel.pk, round_.category.pk
    assert urls(round_) == {
        "ranking": f"/panel/{p}/ranking/",
        "ranking_category": f"/panel/{p}/ranking/{c}/",
        "ranking_xlsx": f"/panel/{p}/ranking/{c}/ranking.xlsx",
        "tie_decide": f"/panel/{p}/ranking/{c}/ties/",
        "finalise": f"/panel/{p}/ranking/{c}/finalise/",
        "reopen": f"/panel/{p}/ranking/{c}/reopen/",
    }


@pytest.mark.parametrize("route", READ_ROUTES + ACTION_ROUTES)
def test_anonymous_is_sent_to_login_on_every_route(client, people, route):
    round_, _people = people
    url = urls(round_)[route]
    for method in (client.get, client.post):
        response = method(url)
        assert (response.status_code, response["Location"]) == (
            302,
            f"/accounts/login/?next={url}",
        )


@pytest.mark.parametrize("role", sorted(READ))
def test_read_routes_answer_each_role(client, people, role):
    round_, persons = people
    client.force_login(persons[role])
    answers = {route: client.get(urls(round_)[route]).status_code for route in READ_ROUTES}
    assert answers == dict.fromkeys(READ_ROUTES, READ[role])
    if READ[role] == 200:
        xlsx = client.get(urls(round_)["ranking_xlsx"])
        assert xlsx["Content-Type"] == XLSX
        assert xlsx["Content-Disposition"] == (
            'attachment; filename="paritrana-peringkat-2030-jawa-barat-kab-kota.xlsx"'
        )


@pytest.mark.parametrize("role", sorted(ACT))
def test_action_routes_answer_each_role_and_change_nothing(client, people, role):
    round_, persons = people
    round_.open(StageKind.PROVINCIAL_RESULT)
    client.force_login(persons[role])
    before = states(round_)
    answers = {route: client.post(urls(round_)[route]).status_code for route in ACTION_ROUTES}
    assert answers == dict.fromkeys(ACTION_ROUTES, ACT[role])
    assert RankingSnapshot.objects.count() == 0
    assert TieDecision.objects.count() == 0
    assert states(round_) == before


@pytest.mark.parametrize("route", ACTION_ROUTES)
def test_actions_answer_only_post(client, people, route):
    round_, persons = people
    client.force_login(persons["chair"])
    assert client.get(urls(round_)[route]).status_code == 405


def test_category_of_another_edition_or_without_provincial_round_is_404(client, people):
    round_, persons = people
    other = CategoryFactory(edition=EditionFactory(year=2029), code="lain")
    national = CategoryFactory(edition=round_.edition, code="provinsi", has_provincial_round=False)
    client.force_login(persons["national admin"])
    for category in (other, national):
        for route in ("ranking_category", "ranking_xlsx"):
            assert client.get(urls(round_, category)[route]).status_code == 404
        assert client.post(urls(round_, category)["finalise"], CONFIRM).status_code == 404


def test_only_chair_and_admin_see_the_actions(client, people):
    round_, persons = people
    for role, sees in [
        ("member", False),
        ("auditor", False),
        ("chair", True),
        ("national admin", True),
    ]:
        client.force_login(persons[role])
        content = client.get(urls(round_)["ranking_category"]).content.decode()
        assert ("data-finalise-form" in content) is sees, role


# ---------------------------------------------------------------------------------------------
# The live ranking


def test_page_shows_each_criterions_score_and_contribution(client, hand_round):
    round_ = hand_round
    x, y, z = round_.nominations
    client.force_login(round_.chair)
    response = english(client).get(urls(round_)["ranking_category"])
    assert response.status_code == 200
    # x: a = 80 → 3 × 80 / 4 = 60, b = (0.9 − 0.5) / 0.5 = 80 → 20; total 80
    # y: a = 62.5 → 46.875 → 46.88, b = 100 → 25; total 71.875 → 71.88 (half up)
    # z: a = 75.0833… → 56.3125 → 56.31, b = 0 → 0; total 56.31
    assert [
        (r["pk"], r["rank"], r["total"], r["scores"], r["contributions"], r["flags"])
        for r in table(response)
    ] == [
        (x.pk, "1", "80.00", ["80.00", "80.00"], ["60.00", "20.00"], ["advances"]),
        (y.pk, "2", "71.88", ["62.50", "100.00"], ["46.88", "25.00"], []),
        (z.pk, "3", "56.31", ["75.08", "0.00"], ["56.31", "0.00"], []),
    ]
    content = response.content.decode()
    assert "Cut-off: 80.00." in content
    assert "Every member has submitted a scoresheet" in content


def test_page_names_each_nominee_with_their_region(client, hand_round):
    round_ = hand_round
    client.force_login(round_.chair)
    page = english(client).get(urls(round_)["ranking_category"]).content.decode()
    shown = re.findall(r'<th scope="row">([^<]*)<br><small class="muted">([^<]*)</small>', page)
    assert [(html.unescape(name), html.unescape(region)) for name, region in shown] == [
        (n.candidate.name, n.candidate.regency.name) for n in round_.nominations
    ]
    assert round_.nominations[0].candidate.regency.name == "Kota Bogor"


def test_page_uses_the_indonesian_number_format_by_default(client, hand_round):
    client.force_login(hand_round.chair)
    rows = table(client.get(urls(hand_round)["ranking_category"]))
    assert [(r["total"], r["contributions"]) for r in rows][1] == ("71,88", ["46,88", "25,00"])


def test_panel_page_has_a_section_per_category(client, hand_round):
    round_ = hand_round
    second = CategoryFactory(
        edition=round_.edition, code="kab-kota-b", name="Kategori Kedua", order=5
    )
    services.rubric_create(
        stage=round_.stage(StageKind.PROVINCIAL_ASSESSMENT),
        category=second,
        criteria=[criterion("judged")],
    )
    other = NominationFactory(
        category=second,
        candidate=RegencyGovernmentFactory(regency=Regency.objects.get(code="32.74")),
        state=NominationState.VERIFIED,
    )
    client.force_login(round_.chair)
    english(client)
    panel_page = client.get(urls(round_)["ranking"])
    one = client.get(urls(round_)["ranking_category"])

    content = panel_page.content.decode()
    assert content.count('class="ranking-section"') == 2
    assert reverse("scoring:ranking_category", args=[round_.panel.pk, second.pk]) in content
    assert [r["pk"] for r in table(panel_page)] == [*[n.pk for n in round_.nominations], other.pk]
    assert one.content.decode().count('class="ranking-section"') == 1
    assert [r["pk"] for r in table(one)] == [n.pk for n in round_.nominations]


# ---------------------------------------------------------------------------------------------
# A long ranking: pages and a search by name (national selection: 20,000 nominees)


@pytest.fixture
def two_per_page(monkeypatch):
    monkeypatch.setattr(selectors, "RANKING_PAGE_SIZE", 2)


def test_long_ranking_is_shown_a_page_at_a_time(client, seven_round, two_per_page):
    round_ = seven_round
    ids = [n.pk for n in round_.nominations]  # ranks 1 to 7 (totals 90, 85, … 60)
    client.force_login(round_.chair)
    url = urls(round_)["ranking_category"]
    pages = {page: english(client).get(url, {"page": page}) for page in ("", 2, 4, 99, "x")}

    def shown(response):
        return [(r["pk"], r["rank"]) for r in table(response)]

    assert shown(pages[""]) == [(ids[0], "1"), (ids[1], "2")]
    assert shown(pages[2]) == [(ids[2], "3"), (ids[3], "4")]
    assert shown(pages[4]) == [(ids[6], "7")]
    assert shown(pages[99]) == shown(pages[4])  # past the end: the last page
    assert shown(pages["x"]) == shown(pages[""])  # not a number: the first page
    second = pages[2].content.decode()
    assert "Nominees 3–4 of 7." in second
    assert "Page 2 of 4" in second
    assert 'href="?page=1" rel="prev"' in second
    assert 'href="?page=3" rel="next"' in second
    # The cut-off names those who would advance, whichever page is shown.
    assert (
        f"these would advance:\n  <strong>{round_.nominations[0].candidate.name}</strong>, "
        f"<strong>{round_.nominations[1].candidate.name}</strong>"
    ) in pages[4].content.decode()


def test_long_ranking_is_searchable_by_name(client, seven_round, two_per_page):
    round_ = seven_round
    cirebon, cimahi = round_.nominations[3], round_.nominations[6]
    assert (cirebon.candidate.name, cimahi.candidate.name) == (
        "Pemerintah Kota Cirebon",
        "Pemerintah Kota Cimahi",
    )
    client.force_login(round_.members[1])
    url = urls(round_)["ranking_category"]
    found = english(client).get(url, {"q": "  CI "})
    # Each keeps its rank in the whole ranking.
    assert [(r["pk"], r["rank"]) for r in table(found)] == [(cirebon.pk, "4"), (cimahi.pk, "7")]
    content = found.content.decode()
    assert "Nominees 1–2 of 2 whose names contain “CI”." in content
    assert 'value="CI"' in content
    assert "Page 1 of" not in content  # one page: no navigation

    none = client.get(url, {"q": "Surabaya"})
    assert table(none) == []
    assert "No nominee's name contains this text." in none.content.decode()
    # Indonesian by default.
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "id"
    indonesian = client.get(url, {"q": "CI"}).content.decode()
    assert "Nominasi 1–2 dari 2 yang namanya memuat “CI”." in indonesian


def test_panel_page_shows_each_categorys_first_page_with_a_link_to_the_rest(
    client, seven_round, two_per_page
):
    round_ = seven_round
    client.force_login(round_.chair)
    response = english(client).get(urls(round_)["ranking"], {"page": 3, "q": "Cimahi"})
    # The page of every category takes no page or search: each shows its first rows.
    assert [r["pk"] for r in table(response)] == [n.pk for n in round_.nominations[:2]]
    content = response.content.decode()
    link = urls(round_)["ranking_category"]
    assert f'<a href="{link}">The whole ranking of {round_.category.name}</a>' in content
    assert 'role="search"' not in content


def test_xlsx_holds_every_row_of_a_long_ranking(client, seven_round, two_per_page):
    round_ = seven_round
    client.force_login(round_.chair)
    rows = workbook_rows(english(client).get(urls(round_)["ranking_xlsx"], {"page": 2}))
    assert [(row[0], row[1]) for row in rows[1:]] == [
        (i + 1, n.candidate.name) for i, n in enumerate(round_.nominations)
    ]


def test_missing_scoresheets_name_the_members_for_the_chair_and_count_them_for_a_member(
    client, make_round
):
    round_ = make_round()
    chair, first, second = round_.members
    a = round_.nominate("32.71")
    b = round_.nominate("32.72")
    for person in (chair, first):
        round_.score(person, a, 70)
        round_.score(person, b, 60)
    round_.score(second, a, 50)  # second has not scored b

    client.force_login(chair)
    chair_view = english(client).get(urls(round_)["ranking_category"]).content.decode()
    client.force_login(first)
    member_view = client.get(urls(round_)["ranking_category"]).content.decode()

    line = f'<li data-missing-for="{b.pk}"><strong>{b.candidate.name}</strong>:'
    assert line in chair_view and line in member_view
    assert f"{line}\n      Anggota 2" in chair_view
    assert "Anggota 2" not in member_view
    assert "1 member has not submitted" in member_view
    assert f'data-missing-for="{a.pk}"' not in chair_view


# ---------------------------------------------------------------------------------------------
# Ties


@pytest.fixture
def tied_round(make_round):
    """Built once per process and replayed (tests/replay.py): see _build_tied_round."""
    return replayed(f"{__name__}.tied_round", lambda: _build_tied_round(make_round))


def _build_tied_round(make_round):
    """p and q share 70 but a (tie-breaker 1) separates them; s and t share 50 on every
    criterion: still tied."""
    round_ = make_round([criterion("a", tie=1), criterion("b")], members=1)
    p, q, s, t = (round_.nominate(code) for code in JABAR_CITIES[:4])
    for nomination, values in [(p, (80, 60)), (q, (60, 80)), (s, (50, 50)), (t, (50, 50))]:
        round_.score(round_.chair, nomination, *values)
    return round_


def test_ties_are_flagged_broken_or_still_tied(client, tied_round):
    p, q, s, t = tied_round.nominations
    client.force_login(tied_round.chair)
    response = english(client).get(urls(tied_round)["ranking_category"])
    assert [(r["pk"], r["rank"], r["total"], r["flags"]) for r in table(response)] == [
        (p.pk, "1", "70.00", ["broken", "advances"]),
        (q.pk, "2", "70.00", ["broken"]),
        (s.pk, "3", "50.00", ["tied"]),
        (t.pk, "3", "50.00", ["tied"]),
    ]
    content = response.content.decode()
    assert content.count("data-tie-form") == 1
    assert f'id="tie-{s.pk}-position_{s.pk}"' in content
    assert f'<label for="tie-{s.pk}-position_{t.pk}">Position of {t.candidate.name}:</label>' in (
        content
    )


def test_chairs_tie_decision_resolves_the_tie(client, tied_round):
    round_ = tied_round
    p, q, s, t = round_.nominations
    client.force_login(round_.chair)
    english(client)
    response = client.post(
        urls(round_)["tie_decide"],
        {
            "nominees": f"{s.pk},{t.pk}",
            f"position_{s.pk}": "2",
            f"position_{t.pk}": "1",
            "reason": "Bukti lapangan t lebih kuat.",
        },
    )
    assert (response.status_code, response["Location"]) == (302, urls(round_)["ranking_category"])
    assert sorted(
        TieDecision.objects.values_list("nomination_id", "position", "reason", "decided_by")
    ) == sorted(
        [
            (s.pk, 2, "Bukti lapangan t lebih kuat.", round_.chair.pk),
            (t.pk, 1, "Bukti lapangan t lebih kuat.", round_.chair.pk),
        ]
    )

    page = client.get(urls(round_)["ranking_category"])
    assert [(r["pk"], r["rank"], r["flags"]) for r in table(page)] == [
        (p.pk, "1", ["broken", "advances"]),
        (q.pk, "2", ["broken"]),
        (t.pk, "3", ["decided"]),
        (s.pk, "4", ["decided"]),
    ]
    content = page.content.decode()
    assert "data-tie-form" not in content
    assert f"{t.candidate.name}: position 1 within the tie — Bukti lapangan t lebih kuat." in (
        content
    )

    # nothing is tied any more: the ranking can be finalised, with the reason kept on its rows
    round_.open(StageKind.PROVINCIAL_RESULT)
    assert client.post(urls(round_)["finalise"], CONFIRM).status_code == 302
    assert [
        (r.nomination, r.rank, r.tie_reason) for r in RankingSnapshot.objects.get().rows.all()
    ] == [
        (p, 1, ""),
        (q, 2, ""),
        (t, 3, "Bukti lapangan t lebih kuat."),
        (s, 4, "Bukti lapangan t lebih kuat."),
    ]
    finalised = client.get(urls(round_)["ranking_category"])
    assert [(r["pk"], r["tie-reason"]) for r in table(finalised)] == [
        (p.pk, ""),
        (q.pk, ""),
        (t.pk, "Bukti lapangan t lebih kuat."),
        (s.pk, "Bukti lapangan t lebih kuat."),
    ]


def test_tie_decision_needs_distinct_positions_and_a_reason(client, tied_round):
    round_ = tied_round
    _p, _q, s, t = round_.nominations
    client.force_login(round_.chair)
    english(client)
    response = client.post(
        urls(round_)["tie_decide"],
        {"nominees": f"{s.pk},{t.pk}", f"position_{s.pk}": "1", f"position_{t.pk}": "1"},
    )
    assert response.status_code == 200
    content = response.content.decode()
    assert content.count("Give each nominee a different position.") == 2
    assert "Give the reason." in content
    # the error sits with its field (Django's field group: label, errors, widget)
    assert f'id="tie-{s.pk}-reason_error"' in content
    assert TieDecision.objects.count() == 0


def test_tie_decision_of_nominees_that_are_not_tied_is_refused(client, tied_round):
    round_ = tied_round
    p, q, _s, _t = round_.nominations
    client.force_login(round_.chair)
    response = english(client).post(
        urls(round_)["tie_decide"],
        {
            "nominees": f"{p.pk},{q.pk}",
            f"position_{p.pk}": "2",
            f"position_{q.pk}": "1",
            "reason": "Tidak seri.",
        },
    )
    assert response.status_code == 200
    assert "Order exactly the nominees of one tie, each once." in response.content.decode()
    assert TieDecision.objects.count() == 0


def test_blind_chair_cannot_decide_a_tie(client, make_round):
    round_ = make_round(members=2)
    chair, member = round_.members
    s, t = round_.nominate("32.71"), round_.nominate("32.72")
    round_.score(member, s, 50)
    round_.score(member, t, 50)
    client.force_login(chair)
    response = client.post(
        urls(round_)["tie_decide"],
        {"nominees": f"{s.pk},{t.pk}", f"position_{s.pk}": "1", f"position_{t.pk}": "2"},
    )
    assert response.status_code == 403
    assert TieDecision.objects.count() == 0


# ---------------------------------------------------------------------------------------------
# Finalisation and reopening


def test_finalisation_is_refused_with_missing_scoresheets(client, make_round):
    round_ = make_round()
    chair, first, second = round_.members
    a, b = round_.nominate("32.71"), round_.nominate("32.72")
    for person in (chair, first):
        round_.score(person, a, 70)
        round_.score(person, b, 60)
    round_.score(second, a, 50)
    round_.open(StageKind.PROVINCIAL_RESULT)
    before = states(round_)

    client.force_login(chair)
    response = english(client).post(urls(round_)["finalise"], CONFIRM)

    assert response.status_code == 200
    content = response.content.decode()
    assert "The ranking cannot be finalised yet:" in content
    assert f"<li>Anggota 2 has not submitted a scoresheet for {b.candidate.name}.</li>" in content
    assert "Anggota 1 has not submitted" not in content
    assert RankingSnapshot.objects.count() == 0
    assert states(round_) == before == [(NominationState.VERIFIED, "")] * 2


def test_finalisation_is_refused_while_nominees_are_tied(client, tied_round):
    round_ = tied_round
    _p, _q, s, t = round_.nominations
    round_.open(StageKind.PROVINCIAL_RESULT)
    before = states(round_)
    client.force_login(round_.chair)
    response = english(client).post(urls(round_)["finalise"], CONFIRM)
    assert response.status_code == 200
    names = sorted([s.candidate.name, t.candidate.name], key=lambda n: n)
    assert f"<li>Still tied at rank 3: {', '.join(names)}.</li>" in response.content.decode()
    assert RankingSnapshot.objects.count() == 0
    assert states(round_) == before


def test_finalisation_is_refused_while_the_result_stage_is_not_open(client, hand_round):
    client.force_login(hand_round.chair)
    response = english(client).post(urls(hand_round)["finalise"], CONFIRM)
    assert response.status_code == 200
    assert "Finalising the ranking is not possible now" in response.content.decode()
    assert RankingSnapshot.objects.count() == 0


def test_finalisation_asks_first_and_changes_nothing_without_the_confirmation(client, seven_round):
    round_ = seven_round
    client.force_login(round_.chair)
    english(client)
    question = (
        "I confirm: finalise the ranking of Pemerintah Kabupaten/Kota. Its scores, totals and "
        "ranks are frozen, the nominees within the quota advance to the national round, and "
        "only the chair or the secretariat can reopen it, with a reason."
    )
    assert question in client.get(urls(round_)["ranking_category"]).content.decode()
    before, records = states(round_), AuditRecord.objects.count()

    response = client.post(urls(round_)["finalise"])

    assert response.status_code == 200
    assert response.context["sections"][0].finalise_form.errors == {
        "confirm": ["Tick the box to confirm the finalisation."]
    }
    content = response.content.decode()
    assert f'id="finalise-{round_.category.pk}-confirm_error"' in content
    assert question in content
    assert RankingSnapshot.objects.count() == 0
    assert states(round_) == before == [(NominationState.VERIFIED, "")] * 7
    assert AuditRecord.objects.count() == records


@pytest.fixture
def seven_round(make_round):
    """Built once per process and replayed (tests/replay.py): see _build_seven_round."""
    return replayed(f"{__name__}.seven_round", lambda: _build_seven_round(make_round))


def _build_seven_round(make_round):
    """Seven cities with distinct totals 90, 85, … 60, all scoresheets in, quota 2."""
    round_ = make_round(members=2)
    round_.category.provincial_quota = 2
    round_.category.save()
    for index, code in enumerate(JABAR_CITIES[:7]):
        nomination = round_.nominate(code)
        for person in round_.members:
            round_.score(person, nomination, 90 - 5 * index)
    round_.open(StageKind.PROVINCIAL_RESULT)
    return round_


LABELS = [
    RankLabel.PERINGKAT_1,
    RankLabel.PERINGKAT_2,
    RankLabel.PERINGKAT_3,
    RankLabel.HARAPAN_1,
    RankLabel.HARAPAN_2,
    RankLabel.HARAPAN_3,
    "",
]


@pytest.mark.parametrize("role", ["chair", "national admin"])
def test_finalisation_freezes_labels_and_advances_the_quota(client, seven_round, role):
    round_ = seven_round
    actor = round_.chair
    if role == "national admin":
        actor = UserFactory(email="admin@example.test")
        role_assign(user=actor, role=Role.NATIONAL_ADMIN)
    client.force_login(actor)
    response = english(client).post(urls(round_)["finalise"], CONFIRM)
    assert (response.status_code, response["Location"]) == (302, urls(round_)["ranking_category"])

    snapshot = RankingSnapshot.objects.get()
    assert (snapshot.quota, snapshot.cut_off, snapshot.finalised_by, snapshot.reopened_at) == (
        2,
        D("85.00"),
        actor,
        None,
    )
    assert [(r.nomination, r.rank, r.total, r.label, r.advanced) for r in snapshot.rows.all()] == [
        (n, i + 1, D(90 - 5 * i), LABELS[i], i < 2) for i, n in enumerate(round_.nominations)
    ]
    for index, nomination in enumerate(round_.nominations):
        nomination.refresh_from_db()
        assert (nomination.state, nomination.provincial_label) == (
            NominationState.ADVANCED if index < 2 else NominationState.NOT_ADVANCED,
            LABELS[index],
        )

    page = client.get(urls(round_)["ranking_category"])
    content = page.content.decode()
    assert "The ranking of Pemerintah Kabupaten/Kota is finalised; 2 nominees advance." in content
    assert 'data-ranking-state="finalised"' in content
    assert f"Finalised by {actor}" in content
    assert "Cut-off: 85.00." in content
    assert [(r["rank"], r["total"], r["scores"], r["label"]) for r in table(page)] == [
        (
            str(i + 1),
            f"{90 - 5 * i}.00",
            [f"{90 - 5 * i}.00"],
            str(LABELS[i].label if LABELS[i] else ""),
        )
        for i in range(7)
    ]
    assert "data-finalise-form" not in content
    assert "data-reopen-form" in content


def test_reopening_needs_a_reason_and_restores_verified(client, seven_round):
    round_ = seven_round
    client.force_login(round_.chair)
    english(client)
    client.post(urls(round_)["finalise"], CONFIRM)
    snapshot = RankingSnapshot.objects.get()

    refused = client.post(urls(round_)["reopen"], {"reason": "  "})
    assert refused.status_code == 200
    assert f'id="reopen-{round_.category.pk}-reason_error"' in refused.content.decode()
    assert "Give the reason." in refused.content.decode()
    snapshot.refresh_from_db()
    assert snapshot.reopened_at is None
    assert {s for s, _label in states(round_)} == {
        NominationState.ADVANCED,
        NominationState.NOT_ADVANCED,
    }

    response = client.post(urls(round_)["reopen"], {"reason": "Nilai anggota 1 salah ketik."})
    assert (response.status_code, response["Location"]) == (302, urls(round_)["ranking_category"])
    snapshot.refresh_from_db()
    assert (snapshot.reopened_by, snapshot.reopen_reason) == (
        round_.chair,
        "Nilai anggota 1 salah ketik.",
    )
    assert snapshot.reopened_at is not None
    assert states(round_) == [(NominationState.VERIFIED, "")] * 7

    content = client.get(urls(round_)["ranking_category"]).content.decode()
    assert 'data-ranking-state="live"' in content
    assert f'data-reopened="{snapshot.pk}"' in content
    assert f"reopened by {round_.chair} on" in content
    assert "Nilai anggota 1 salah ketik." in content
    assert "data-finalise-form" in content


def test_member_and_auditor_cannot_finalise_or_reopen(client, seven_round):
    round_ = seven_round
    auditor = UserFactory(email="auditor@example.test")
    role_assign(user=auditor, role=Role.AUDITOR, edition=round_.edition)
    for person in (round_.members[1], auditor):
        client.force_login(person)
        assert client.post(urls(round_)["finalise"], CONFIRM).status_code == 403
    assert RankingSnapshot.objects.count() == 0
    services.ranking_finalise(actor=round_.chair, panel=round_.panel, category=round_.category)
    for person in (round_.members[1], auditor):
        client.force_login(person)
        assert client.post(urls(round_)["reopen"], {"reason": "Coba."}).status_code == 403
        page = client.get(urls(round_)["ranking_category"]).content.decode()
        assert "data-reopen-form" not in page
        assert 'data-ranking-state="finalised"' in page
    assert RankingSnapshot.objects.get().reopened_at is None


# ---------------------------------------------------------------------------------------------
# Blindness


def test_member_who_has_not_submitted_sees_progress_only(client, hand_round):
    round_ = hand_round
    x, y, z = round_.nominations
    late = UserFactory(email="anggota3@example.test", first_name="Anggota 3")
    services.panel_member_add(panel=round_.panel, user=late)
    round_.score(late, x, 10)  # submitted for x only; y and z to do
    round_.score(late, y, 20, submit=False)  # a draft is not a submission

    client.force_login(late)
    english(client)
    page = client.get(urls(round_)["ranking_category"])
    content = page.content.decode()
    assert page.status_code == 200
    assert 'data-ranking-state="progress"' in content
    assert "You still have 2 scoresheets to submit." in content
    for leaked in ("data-total", "data-score", "data-contribution", "80.00", "71.88", "56.31"):
        assert leaked not in content
    # alphabetical, not in ranking order, with what is still missing
    names = {n.pk: n.candidate.name for n in (x, y, z)}
    rows = table(page)
    assert [r["pk"] for r in rows] == sorted(names, key=names.get)
    assert {r["pk"]: r["text"].split()[-1] for r in rows} == {x.pk: "0", y.pk: "1", z.pk: "1"}

    xlsx = client.get(urls(round_)["ranking_xlsx"])
    missing = {x.pk: 0, y.pk: 1, z.pk: 1}
    alphabetical = sorted((x, y, z), key=lambda n: n.candidate.name)
    assert workbook_rows(xlsx) == [
        ("Nominee", "Region", "Scoresheets missing"),
        *[(n.candidate.name, n.candidate.regency.name, missing[n.pk]) for n in alphabetical],
    ]

    # the control: once they submit the rest, the totals show
    round_.score(late, y, 20)
    round_.score(late, z, 30)
    content = client.get(urls(round_)["ranking_category"]).content.decode()
    assert 'data-ranking-state="live"' in content and "data-total" in content


def test_member_excluded_from_the_rest_sees_the_ranking(client, hand_round):
    round_ = hand_round
    x, y, z = round_.nominations
    late = UserFactory(email="anggota3@example.test", first_name="Anggota 3")
    services.panel_member_add(panel=round_.panel, user=late)
    round_.score(late, x, 10)
    for nomination in (y, z):
        services.conflict_declare(
            actor=late, panel=round_.panel, nomination=nomination, reason="Kerabat."
        )
    client.force_login(late)
    assert "data-total" in client.get(urls(round_)["ranking_category"]).content.decode()


# ---------------------------------------------------------------------------------------------
# XLSX


def test_xlsx_holds_the_live_ranking_as_the_page_shows_it(client, hand_round):
    round_ = hand_round
    x, y, z = round_.nominations
    x.candidate.name = '=HYPERLINK("http://evil","x")'
    x.candidate.save()
    admin = UserFactory(email="admin@example.test")
    role_assign(user=admin, role=Role.NATIONAL_ADMIN)
    client.force_login(admin)
    response = english(client).get(urls(round_)["ranking_xlsx"])

    assert workbook_rows(response) == [
        ("Rank", "Nominee", "Region", "Total", "A", "B", "Tie", "Would advance"),
        (1, '\'=HYPERLINK("http://evil","x")', "Kota Bogor", 80, 80, 80, None, True),
        (2, y.candidate.name, "Kota Sukabumi", 71.88, 62.5, 100, None, False),
        (3, z.candidate.name, "Kota Bandung", 56.31, 75.08, 0, None, False),
    ]
    book = openpyxl.load_workbook(io.BytesIO(response.content))
    assert {c.data_type for row in book["Peringkat"].iter_rows() for c in row if c.value} <= {
        "s",
        "n",
        "b",
    }
    info = dict(book["Info"].iter_rows(max_col=2, values_only=True))
    assert info["State"] == "Not finalised: the ranking may still change."
    assert (info["Advance per province"], info["Cut-off"]) == (1, 80)


def test_xlsx_holds_the_finalised_ranking_with_labels(client, seven_round):
    round_ = seven_round
    services.ranking_finalise(actor=round_.chair, panel=round_.panel, category=round_.category)
    client.force_login(round_.members[1])
    response = english(client).get(urls(round_)["ranking_xlsx"])
    assert workbook_rows(response) == [
        ("Rank", "Nominee", "Region", "Total", "Judged", "Label", "Advanced", "Tie decision"),
        *[
            (
                i + 1,
                n.candidate.name,
                n.candidate.regency.name,
                90 - 5 * i,
                90 - 5 * i,
                LABELS[i].label if LABELS[i] else None,
                i < 2,
                None,
            )
            for i, n in enumerate(round_.nominations)
        ],
    ]
    info = dict(openpyxl.load_workbook(io.BytesIO(response.content))["Info"].values)
    assert (info["State"], info["Finalised by"], info["Cut-off"]) == (
        "Finalised",
        str(round_.chair),
        85,
    )


# ---------------------------------------------------------------------------------------------
# Queries


def _score_cities(round_, codes, start):
    for index, code in enumerate(codes, start=start):
        nomination = round_.nominate(code)
        for person in round_.members:
            round_.score(person, nomination, 40 + index)


@pytest.mark.parametrize("role", ["chair", "member", "national admin"])
def test_ranking_page_queries_do_not_grow_with_nominees(client, make_round, role):
    round_ = make_round([criterion("a", tie=1), criterion("b")])
    user = {"chair": round_.chair, "member": round_.members[1]}.get(role)
    if user is None:
        user = UserFactory(email="admin@example.test")
        role_assign(user=user, role=Role.NATIONAL_ADMIN)
    round_.score = _two_values(round_.score)
    _score_cities(round_, JABAR_CITIES[:3], 0)
    client.force_login(user)
    url = urls(round_)["ranking"]
    client.get(url)  # warm the session

    counts = []
    for codes, start in [((), 0), (JABAR_CITIES[3:9], 3)]:
        _score_cities(round_, codes, start)
        with CaptureQueriesContext(connection) as queries:
            response = client.get(url)
        assert response.status_code == 200
        counts.append((len(table(response)), len(queries)))
    assert [rows for rows, _queries in counts] == [3, 9]
    assert counts[0][1] == counts[1][1]


def _two_values(score):
    def both(assessor, nomination, value, **kwargs):
        return score(assessor, nomination, value, value, **kwargs)

    return both


def test_finalised_page_queries_do_not_grow_with_nominees(client, make_round):
    round_ = make_round()
    round_.open(StageKind.PROVINCIAL_RESULT)
    admin = UserFactory(email="admin@example.test")
    role_assign(user=admin, role=Role.NATIONAL_ADMIN)
    client.force_login(admin)
    url = urls(round_)["ranking"]
    client.get(url)  # warm the session

    # Both sizes list earlier, reopened snapshots too (one at the first size, two at the second).
    _score_cities(round_, JABAR_CITIES[:1], 0)
    services.ranking_finalise(actor=admin, panel=round_.panel, category=round_.category)
    counts = []
    for codes, start in [(JABAR_CITIES[1:3], 1), (JABAR_CITIES[3:9], 3)]:
        snapshot = RankingSnapshot.objects.get(reopened_at__isnull=True)
        services.ranking_reopen(actor=admin, snapshot=snapshot, reason="Tambah nominasi.")
        _score_cities(round_, codes, start)
        services.ranking_finalise(actor=admin, panel=round_.panel, category=round_.category)
        with CaptureQueriesContext(connection) as queries:
            response = client.get(url)
        assert 'data-ranking-state="finalised"' in response.content.decode()
        counts.append((len(table(response)), len(queries)))
    assert [rows for rows, _queries in counts] == [3, 9]
    assert counts[0][1] == counts[1][1]
