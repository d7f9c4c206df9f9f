"""The dashboard per role (issue 9): branch staff see their nominations by state and what is
due; panel and jury members the scoring progress per member and nominee (chairs: missing
scoresheets, ties and disagreement per category; the jury: the finalists' interview schedule);
the secretariat the edition's stages and every province's nominations. Each chart's figures
are in a table beside it."""

import json
import re

import pytest
from django.conf import settings
from django.utils.timezone import localtime

from accounts.models import User
from candidates.models import Nomination
from tests import demo_data
from tests.auth import login

pytestmark = pytest.mark.django_db


def dashboard(client, user, language="id"):
    client.logout()
    login(client, user)
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = language
    response = client.get("/dashboard/")
    assert response.status_code == 200
    return response


def chart(response, chart_id) -> dict:
    found = re.search(
        rf'<script id="{chart_id}" type="application/json">(.*?)</script>',
        response.content.decode(),
    )
    assert found, chart_id
    return json.loads(found.group(1))


@pytest.fixture
def replayed(regions):
    """The demo with Jawa Barat 2018 at `jabar` and the 2020 national round at `national`, and
    the demo accounts (tests/demo_data.py: built once per process for each pair)."""

    def replay(jabar="finalised", national="finalised"):
        demo_data.seed_demo(jabar_2018=jabar, national_2020=national)
        demo_data.create_demo_accounts()
        return {u.email: u for u in User.objects.all()}

    return replay


def test_anonymous_visitors_are_sent_to_log_in(client):
    response = client.get("/dashboard/")
    assert response.status_code == 302
    assert response.url.startswith("/accounts/login/")


def test_branch_staff_see_their_nominations_by_state_and_what_is_due(client, demo_accounts):
    response = dashboard(client, demo_accounts["cabang.gorontalo@paritrana.test"])
    branch = response.context["branch"]
    assert branch.edition.year == 2021
    assert [(state, str(label), n) for state, label, n in branch.by_state] == [("draft", "Draf", 3)]
    assert [n.candidate.name for n in branch.due] == [
        "Pemerintah Kabupaten Bone Bolango",
        "Pemerintah Kota Gorontalo",
        "Pemerintah Provinsi Gorontalo",
    ]
    assert chart(response, "chart-branch") == {
        "horizontal": False,
        "labels": ["Draf"],
        "series": [{"label": "Nominasi", "values": [3]}],
    }
    html = response.content.decode()
    assert '<tr data-state="draft"><th scope="row">Draf</th><td class="num">3</td></tr>' in html
    assert "Yang harus diselesaikan" in html
    # Not the other roles' sections.
    assert "panels" not in response.context and "national" not in response.context


def test_a_returned_dossier_is_due_by_the_panels_deadline_with_its_reason(client, demo_accounts):
    import datetime

    from candidates.enums import NominationState
    from candidates.services import nomination_transition

    staff = demo_accounts["cabang.gorontalo@paritrana.test"]
    admin = demo_accounts["admin@paritrana.test"]
    nomination = Nomination.objects.get(candidate__name="Pemerintah Kota Gorontalo")
    # Submitted as it stands (the machine's move; the figures' check is the form's).
    nomination_transition(actor=staff, nomination=nomination, to_state=NominationState.SUBMITTED)
    nomination_transition(
        actor=admin,
        nomination=nomination,
        to_state=NominationState.RETURNED,
        reason="Lampirkan SK kepesertaan.",
        deadline=datetime.date(2030, 7, 1),
    )
    response = dashboard(client, staff)
    branch = response.context["branch"]
    assert [(s, n) for s, _label, n in branch.by_state] == [("draft", 2), ("returned", 1)]
    # Dated first; the drafts have no deadline in the demo edition.
    assert [(n.candidate.name, n.deadline) for n in branch.due] == [
        ("Pemerintah Kota Gorontalo", datetime.date(2030, 7, 1)),
        ("Pemerintah Kabupaten Bone Bolango", None),
        ("Pemerintah Provinsi Gorontalo", None),
    ]
    html = response.content.decode()
    assert "Lampirkan SK kepesertaan." in html
    assert "1 Juli 2030" in html


def _drafts(first, count):
    """Draft nominations `first` … `first + count - 1` of Gorontalo businesses in 2021."""
    from candidates.enums import BusinessScale, CandidateKind
    from candidates.models import Candidate, Category

    category = Category.objects.get(edition__year=2021, code="usaha-besar")
    candidates = Candidate.objects.bulk_create(
        Candidate(
            kind=CandidateKind.BUSINESS,
            name=f"PT Draf {i:04d}",
            npp=f"7599{i:04d}",
            regency_id="75.71",
            scale=BusinessScale.LARGE,
        )
        for i in range(first, first + count)
    )
    Nomination.objects.bulk_create(Nomination(candidate=c, category=category) for c in candidates)


def test_the_branch_dashboard_does_the_same_bounded_work_for_more_nominations(
    client, demo_accounts
):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from candidates.selectors import branch_nominations

    due_limit = 20  # candidates.dashboard.DUE_LIMIT
    staff = demo_accounts["cabang.gorontalo@paritrana.test"]
    dashboard(client, staff, "en")  # warm up the session and caches

    def measured():
        with CaptureQueriesContext(connection) as captured:
            response = client.get("/dashboard/")
        assert response.status_code == 200
        return response, captured

    _drafts(0, 10)
    few, few_queries = measured()
    _drafts(10, 190)
    many, many_queries = measured()

    assert len(many_queries) == len(few_queries)
    # The nominations are counted in the database and at most DUE_LIMIT of them read.
    reads = [q["sql"] for q in many_queries if 'FROM "candidates_nomination"' in q["sql"]]
    assert [("GROUP BY" in sql, f"LIMIT {due_limit}" in sql) for sql in reads] == [
        (True, False),
        (False, True),
    ]
    assert [(s, n) for s, _label, n in few.context["branch"].by_state] == [("draft", 13)]
    branch = many.context["branch"]
    assert [(s, n) for s, _label, n in branch.by_state] == [("draft", 203)]
    assert (len(branch.due), branch.due_total, branch.due_more) == (20, 203, 183)
    soonest = branch_nominations(staff).filter(category__edition__year=2021, state="draft")
    assert [n.pk for n in branch.due] == list(
        soonest.order_by("candidate__name", "category__order", "pk").values_list("pk", flat=True)[
            :due_limit
        ]
    )
    html = many.content.decode()
    assert html.count("<tr data-nomination=") == due_limit
    assert "The 20 soonest of 203 are listed here." in html
    assert '<a href="/branch/nominations/?edition=2021&amp;state=draft">Every draft</a>' in html
    assert "soonest of" not in few.content.decode()


def test_a_branch_without_nominations_says_so(client, demo_accounts):
    response = dashboard(client, demo_accounts["cabang.bekasi@paritrana.test"], "en")
    assert response.context["branch"].by_state == []
    html = response.content.decode()
    assert "Your branch has no nominations in this edition yet." in html
    assert "Nothing is due: no drafts to submit and no dossiers returned for correction." in html
    assert 'id="chart-branch"' not in html


def test_the_secretariat_sees_the_stages_and_every_provinces_nominations(client, demo_accounts):
    response = dashboard(client, demo_accounts["admin@paritrana.test"], "en")
    national = response.context["national"]
    assert national.edition.year == 2021
    assert [(s.kind, s.state) for s in national.stages][:3] == [
        ("nomination", "open"),
        ("provincial_verification", "planned"),
        ("provincial_assessment", "planned"),
    ]
    assert [(line.province.name, line.counts, line.total) for line in national.provinces] == [
        ("Daerah Khusus Ibukota Jakarta",
         {"draft": 0, "verification": 0, "province": 0, "national": 1, "out": 0}, 1),
        ("Gorontalo", {"draft": 3, "verification": 0, "province": 0, "national": 0, "out": 0}, 3),
    ]  # fmt: skip
    assert national.totals() == [3, 0, 0, 1, 0, 4]
    assert len(national.without) == 36
    assert chart(response, "chart-national")["labels"] == [
        "Daerah Khusus Ibukota Jakarta",
        "Gorontalo",
    ]
    assert chart(response, "chart-national")["series"][0] == {
        "label": "Draft",
        "values": [0, 3],
    }
    html = response.content.decode()
    assert "36 provinces have no nominations yet: Aceh, Bali," in html
    assert "branch" not in response.context and "panels" not in response.context


def test_members_see_progress_per_member_without_the_others_names(client, replayed):
    accounts = replayed(jabar="verified")
    response = dashboard(client, accounts["panel.jabar@paritrana.test"], "en")
    blocks = response.context["panels"]
    # The 2018 assessment being scored comes before the finalised 2020 provincial round.
    assert [(b.panel.edition.year, b.stage.state) for b in blocks] == [
        (2018, "open"),
        (2020, "finalised"),
    ]
    scoring = blocks[0]
    assert (scoring.nominees, scoring.complete) == (16, 0)
    assert [(line.label, line.submitted, line.expected) for line in scoring.members] == [
        ("Assessor 1", 0, 16),
        ("You (Anggota Tim Penilai Jawa Barat)", 0, 16),
        ("Assessor 3", 0, 16),
        ("Assessor 4", 0, 15),  # excluded from Kota Bekasi (their own organisation)
        ("Assessor 5", 0, 16),
    ]
    assert scoring.own.missing == 16
    assert scoring.warnings == []  # a member is not the chair
    html = response.content.decode()
    assert "<strong>16</strong> scoresheets left for you to submit" in html
    assert "For the chair" not in html
    assert "Ketua Tim Penilai" not in html.split('id="dashboard-panel-')[1]


def test_the_chair_sees_missing_scoresheets_and_not_the_ties_before_scoring(client, replayed):
    accounts = replayed(jabar="verified")
    response = dashboard(client, accounts["ketua.panel.jabar@paritrana.test"], "en")
    scoring = response.context["panels"][0]
    assert [line.label for line in scoring.members] == [
        "You (Ketua Tim Penilai Jawa Barat)",
        "Anggota Tim Penilai Jawa Barat",
        "Anggota Unsur Pengusaha",
        "Anggota dari Disnaker Kota Bekasi",
        "Sekretaris Tim Penilai Jawa Barat",
    ]
    assert [(w.category.name, w.nominees, w.missing, w.visible) for w in scoring.warnings] == [
        ("Pemerintah Kabupaten/Kota", 9, 44, False),
        ("Usaha Besar dan Menengah", 6, 30, False),
        ("Usaha Kecil dan Mikro", 1, 5, False),
    ]
    html = response.content.decode()
    assert html.count("Shown once you have submitted every scoresheet of the category.") == 3


def test_the_chair_sees_ties_and_disagreement_once_scored(client, replayed):
    accounts = replayed(jabar="scored")
    response = dashboard(client, accounts["ketua.panel.jabar@paritrana.test"], "en")
    scoring = response.context["panels"][0]
    assert (scoring.stage.state, scoring.nominees, scoring.complete) == ("closed", 16, 16)
    assert [(w.category.name, w.missing, w.visible, w.ties, w.flagged)
            for w in scoring.warnings] == [
        ("Pemerintah Kabupaten/Kota", 0, True, 0, 0),
        ("Usaha Besar dan Menengah", 0, True, 0, 0),
        ("Usaha Kecil dan Mikro", 0, True, 0, 0),
    ]  # fmt: skip
    assert chart(response, scoring.chart_id)["series"] == [
        {"label": "Submitted", "values": [16, 16, 16, 15, 16]},
        {"label": "Missing", "values": [0, 0, 0, 0, 0]},
    ]


def test_the_jury_sees_the_finalists_interview_schedule(client, replayed):
    accounts = replayed(national="interview")
    response = dashboard(client, accounts["juri@paritrana.test"])
    interview = response.context["panels"][0]
    assert (interview.panel.edition.year, interview.stage.kind) == (2020, "national_interview")
    assert [(n.candidate.name, localtime(i.scheduled_at).strftime("%d %H:%M"))
            for n, i in interview.finalists][:3] == [
        ("Pemerintah Kota Balikpapan", "15 09:00"),
        ("Pemerintah Kota Semarang", "15 10:30"),
        ("Pemerintah Kota Bekasi", "15 13:00"),
    ]  # fmt: skip
    assert len(interview.finalists) == 8
    html = response.content.decode()
    assert "Finalis dan jadwal wawancara" in html
    assert "15 Juni 2021, 09.00 WIB" in html
    # The 2021 selection has not opened: no scoresheets asked of anyone yet.
    planned = response.context["panels"][1]
    assert (planned.panel.edition.year, planned.stage.state) == (2021, "planned")
    assert "Tahap ini belum dibuka" in html


def test_an_auditor_sees_only_the_roles_and_pages(client, demo_accounts):
    response = dashboard(client, demo_accounts["auditor@paritrana.test"])
    assert not {"branch", "panels", "national"} & set(response.context.keys())
    assert "chart-" not in response.content.decode()
