"""The national round through the jury's pages: selection scoresheets, the finalists, the
interviews (schedule, attendance, minutes, scoresheets), the national result with the chair's
finalisation and every juror's confirmation, the awards, and the agreement page; and who may
reach each page."""

from decimal import Decimal as D

import pytest
from django.urls import reverse

from accounts.enums import Role
from accounts.services import role_assign
from audit.models import AuditRecord
from candidates.enums import NominationState, RankLabel
from scoring.enums import StageKind
from scoring.models import Award, Interview, RankingSnapshot, Scoresheet
from tests.factories import UserFactory
from tests.replay import replayed

S, IV, R = StageKind.NATIONAL_SELECTION, StageKind.NATIONAL_INTERVIEW, StageKind.NATIONAL_RESULT
# The ticked box that confirms a finalisation or a juror's confirmation.
CONFIRM = {"confirm": "on"}


def _score_page(client, panel, stage, nomination, criterion, value):
    prefix = [panel.pk] if stage is None else [panel.pk, stage]
    url = reverse("scoring:scoresheet", args=[*prefix, nomination.pk])
    response = client.post(
        url,
        {f"value_{criterion.code}": value, f"note_{criterion.code}": "catatan", "action": "submit"},
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    return response


def test_national_round_through_the_pages(client, make_national):
    r = make_national()
    panel = r.panel
    a, b, c, d = (r.nominate(code) for code in ("32.75", "32.71", "32.73", "32.77"))
    selection_criterion = r.selection.criteria.get()
    interview_criterion = r.interview.criteria.get()

    # Selection: every juror scores on the scoresheet page (the jury's first stage).
    for juror in r.members:
        client.force_login(juror)
        worklist = client.get(reverse("scoring:worklist", args=[panel.pk])).content.decode()
        assert "Kota Bekasi" in worklist
        for nomination, value in ((a, "80"), (b, "90"), (c, "70"), (d, "60")):
            _score_page(client, panel, None, nomination, selection_criterion, value)

    # The chair finalises the selection: the top three become finalists.
    client.force_login(r.chair)
    page = client.get(reverse("scoring:ranking", args=[panel.pk])).content.decode()
    assert "National selection" in page or "Seleksi nasional" in page
    response = client.post(reverse("scoring:finalise", args=[panel.pk, r.category.pk]), CONFIRM)
    assert response.status_code == 302
    assert {n.pk: n.state for n in type(a).objects.filter(pk__in=[a.pk, b.pk, c.pk, d.pk])} == {
        a.pk: NominationState.FINALIST,
        b.pk: NominationState.FINALIST,
        c.pk: NominationState.FINALIST,
        d.pk: NominationState.NOT_FINALIST,
    }

    # Interviews: the chair schedules and records each finalist.
    r.open(IV, R)
    attendance = {a: "head", b: "secretary", c: "deputy"}
    for nomination, code in attendance.items():
        url = reverse("scoring:interview", args=[panel.pk, nomination.pk])
        response = client.post(
            url,
            {
                "action": "schedule",
                "scheduled_at": "2031-03-02T09:00",
                "video_link": "https://vicon.example.test/room",
            },
        )
        assert response.status_code == 302, response.content.decode()[:3000]
        response = client.post(
            url,
            {"action": "record", "attendance": code, "attendee": "Pejabat", "minutes": "Paparan"},
        )
        assert response.status_code == 302
    interviews = client.get(reverse("scoring:interviews", args=[panel.pk])).content.decode()
    assert 'data-attendance="secretary"' in interviews
    assert "0,80" in interviews or "0.80" in interviews

    # Every juror scores the interviews on the interview scoresheet.
    for juror in r.members:
        client.force_login(juror)
        worklist = client.get(
            reverse("scoring:worklist", args=[panel.pk, "interview"])
        ).content.decode()
        assert "Kota Bekasi" in worklist and "Kota Depok" not in worklist
        for nomination, value in ((a, "100"), (b, "80"), (c, "90")):
            _score_page(client, panel, "interview", nomination, interview_criterion, value)
    assert Scoresheet.objects.filter(stage__kind=IV, state="submitted").count() == 9

    # The national result: a 88.00, b 79.60, c 74.40 (0.6 × selection + 0.4 × interview ×
    # factor: 48 + 40; 54 + 0.4 × 64; 42 + 0.4 × 81).
    client.force_login(r.chair)
    page = client.get(reverse("scoring:final", args=[panel.pk])).content.decode()
    for total in ("88,00", "79,60", "74,40"):
        assert total in page
    response = client.post(
        reverse("scoring:final_finalise", args=[panel.pk, r.category.pk]), CONFIRM
    )
    assert response.status_code == 302
    snapshot = RankingSnapshot.objects.get(stage__kind=R, reopened_at__isnull=True)
    assert snapshot.signed_off_at is None
    for juror in r.members[1:]:
        client.force_login(juror)
        response = client.post(
            reverse("scoring:final_confirm", args=[panel.pk, r.category.pk]), CONFIRM
        )
        assert response.status_code == 302
    snapshot.refresh_from_db()
    assert snapshot.signed_off_at is not None
    assert [(w.nomination_id, w.label, w.rank) for w in Award.objects.order_by("rank")] == [
        (a.pk, RankLabel.PERINGKAT_1, 1),
        (b.pk, RankLabel.PERINGKAT_2, 2),
        (c.pk, RankLabel.PERINGKAT_3, 3),
    ]
    awards = client.get(reverse("scoring:awards", args=[panel.pk])).content.decode()
    assert "Peringkat I" in awards and "Kota Bekasi" in awards

    # Frozen: a late interview score and a new finalisation are refused.
    client.force_login(r.members[1])
    response = client.post(
        reverse("scoring:scoresheet", args=[panel.pk, "interview", a.pk]),
        {f"value_{interview_criterion.code}": "10", f"note_{interview_criterion.code}": "x",
         "action": "submit", "reason": "ubah"},
    )  # fmt: skip
    assert response.status_code == 400
    assert r.interview.criteria.get().scores.filter(value=D(10)).count() == 0

    # Nor through the chair's pages: a second finalisation, a new attendance, a tie order, a
    # reopening without a reason.
    client.force_login(r.chair)
    before = (
        RankingSnapshot.objects.count(),
        list(Interview.objects.order_by("pk").values_list("attendance", flat=True)),
        Award.objects.filter(withdrawn_at__isnull=True).count(),
    )
    refused = [
        client.post(reverse("scoring:final_finalise", args=[panel.pk, r.category.pk]), CONFIRM),
        client.post(
            reverse("scoring:interview", args=[panel.pk, a.pk]),
            {"action": "record", "attendance": "other", "attendee": "x", "minutes": ""},
        ),
        client.post(
            reverse("scoring:final_ties", args=[panel.pk, r.category.pk]),
            {
                "nominees": f"{a.pk},{b.pk}",
                f"position_{a.pk}": 2,
                f"position_{b.pk}": 1,
                "reason": "ubah",
            },
        ),
        client.post(reverse("scoring:final_reopen", args=[panel.pk, r.category.pk]), {}),
    ]
    assert [response.status_code for response in refused] == [400, 400, 400, 400]
    assert before == (
        RankingSnapshot.objects.count(),
        list(Interview.objects.order_by("pk").values_list("attendance", flat=True)),
        Award.objects.filter(withdrawn_at__isnull=True).count(),
    )


@pytest.fixture
def people(make_national):
    """Built once per process and replayed (tests/replay.py): see _build_people."""
    return replayed(f"{__name__}.people", lambda: _build_people(make_national))


def _build_people(make_national):
    r = make_national()
    nominee = r.nominate("32.75")
    outsider_panel_member = UserFactory(email="panel@example.test")
    from candidates.models import Province
    from scoring import services

    provincial = services.panel_get_or_create(
        edition=r.edition, province=Province.objects.get(code="33")
    )
    services.panel_member_add(panel=provincial, user=outsider_panel_member)
    branch = UserFactory(email="branch@example.test")
    auditor = UserFactory(email="auditor@example.test")
    role_assign(user=auditor, role=Role.AUDITOR, edition=r.edition)
    admin = UserFactory(email="admin@example.test")
    role_assign(user=admin, role=Role.NATIONAL_ADMIN)
    return {
        "round": r,
        "nominee": nominee,
        "provincial_panel": provincial,
        "chair": r.chair,
        "juror": r.members[1],
        "admin": admin,
        "auditor": auditor,
        "panel_member": outsider_panel_member,
        "branch": branch,
    }


JURY_PAGES = ["interviews", "final", "awards"]


@pytest.mark.parametrize("page", JURY_PAGES)
@pytest.mark.parametrize(
    ("who", "status"),
    [("chair", 200), ("juror", 200), ("admin", 200), ("auditor", 200),
     ("panel_member", 404), ("anonymous", 302)],
)  # fmt: skip
def test_who_reaches_the_jury_pages(client, people, page, who, status):
    panel = people["round"].panel
    if who != "anonymous":
        client.force_login(people[who])
    response = client.get(reverse(f"scoring:{page}", args=[panel.pk]))
    assert response.status_code == status


def test_the_jury_pages_do_not_exist_on_a_provincial_panel(client, people):
    client.force_login(people["admin"])
    for page in JURY_PAGES:
        response = client.get(reverse(f"scoring:{page}", args=[people["provincial_panel"].pk]))
        assert response.status_code == 404


def test_branch_staff_reach_no_jury_page(client, people):
    from candidates.models import Branch

    branch = Branch.objects.first()
    if branch is not None:
        role_assign(user=people["branch"], role=Role.BRANCH_STAFF, branch=branch)
    client.force_login(people["branch"])
    for page in JURY_PAGES:
        response = client.get(reverse(f"scoring:{page}", args=[people["round"].panel.pk]))
        assert response.status_code == 403


@pytest.mark.parametrize(
    ("who", "status"),
    [("chair", 200), ("admin", 200), ("auditor", 200), ("juror", 403)],
)
def test_agreement_is_for_chairs_secretariat_and_auditors(client, people, who, status):
    client.force_login(people[who])
    response = client.get(
        reverse("scoring:agreement", args=[people["round"].panel.pk, "selection"])
    )
    assert response.status_code == status


@pytest.mark.parametrize(
    ("who", "status"), [("chair", 200), ("admin", 200), ("juror", 403), ("auditor", 403)]
)
def test_only_the_chair_and_secretariat_open_an_interview_form(client, people, who, status):
    r = people["round"]
    r.score_all(S, people["nominee"], 80)
    r.select()
    client.force_login(people[who])
    response = client.get(reverse("scoring:interview", args=[r.panel.pk, people["nominee"].pk]))
    assert response.status_code == status


@pytest.mark.parametrize(
    ("who", "status"),
    [("chair", 200), ("juror", 200), ("admin", 403), ("auditor", 403),
     ("panel_member", 404), ("anonymous", 302)],
)  # fmt: skip
@pytest.mark.parametrize("stage", [None, "interview"])
def test_who_reaches_the_jurors_worklists(client, people, who, stage, status):
    panel = people["round"].panel
    if who != "anonymous":
        client.force_login(people[who])
    args = [panel.pk] if stage is None else [panel.pk, stage]
    assert client.get(reverse("scoring:worklist", args=args)).status_code == status


@pytest.mark.parametrize(
    ("who", "status"),
    [("chair", 200), ("juror", 200), ("admin", 200), ("auditor", 200), ("panel_member", 404)],
)
def test_who_reaches_the_selection_ranking(client, people, who, status):
    client.force_login(people[who])
    response = client.get(reverse("scoring:ranking", args=[people["round"].panel.pk]))
    assert response.status_code == status


def test_a_stage_the_panel_does_not_score_in_is_404(client, people):
    client.force_login(people["chair"])
    panel = people["round"].panel
    assert client.get(reverse("scoring:worklist", args=[panel.pk, "assessment"])).status_code == 404
    client.force_login(people["panel_member"])
    provincial = people["provincial_panel"]
    assert (
        client.get(reverse("scoring:worklist", args=[provincial.pk, "interview"])).status_code
        == 404
    )


def test_jurors_see_no_other_jurors_scores_before_submitting(client, people):
    r = people["round"]
    nominee = people["nominee"]
    r.score(S, r.chair, nominee, 91)
    juror = people["juror"]
    client.force_login(juror)
    url = reverse("scoring:scoresheet", args=[r.panel.pk, nominee.pk])
    assert "91,00" not in client.get(url).content.decode()
    ranking = client.get(reverse("scoring:ranking", args=[r.panel.pk])).content.decode()
    assert "91,00" not in ranking
    r.score(S, juror, nominee, 50)
    assert "91,00" in client.get(url).content.decode()


def test_finalising_and_confirming_the_national_result_ask_first(client, make_national):
    """Neither the chair's finalisation nor a juror's confirmation happens without the ticked
    box whose label says what follows: nothing is frozen, confirmed or recorded before."""
    r = make_national()
    nominee = r.nominate("32.75")
    r.score_all(S, nominee, 80)
    r.select()
    r.open(IV, R)
    nominee.refresh_from_db()
    r.score_all(IV, nominee, 90)
    r.attend(nominee)
    page_url = reverse("scoring:final_category", args=[r.panel.pk, r.category.pk])
    finalise_url = reverse("scoring:final_finalise", args=[r.panel.pk, r.category.pk])
    confirm_url = reverse("scoring:final_confirm", args=[r.panel.pk, r.category.pk])
    client.cookies["django_language"] = "en"
    question = (
        f"I confirm: finalise the national result of {r.category.name}. Its totals, ranks and "
        "labels are frozen and go to every juror for confirmation; the awards are given once "
        "all have confirmed, and only the chair or the secretariat can reopen it, with a reason."
    )

    client.force_login(r.chair)
    assert question in client.get(page_url).content.decode()
    records = AuditRecord.objects.count()
    refused = client.post(finalise_url)
    assert refused.status_code == 400
    section = refused.context["sections"][0]
    assert section.finalise_form.errors == {
        "confirm": ["Tick the box to confirm the finalisation."]
    }
    assert f'id="finalise-{r.category.pk}-confirm_error"' in refused.content.decode()
    assert RankingSnapshot.objects.filter(stage__kind=R).count() == 0
    assert AuditRecord.objects.count() == records

    response = client.post(finalise_url, CONFIRM)
    assert (response.status_code, response["Location"]) == (302, page_url)
    snapshot = RankingSnapshot.objects.get(stage__kind=R)
    assert list(snapshot.confirmations.values_list("juror", flat=True)) == [r.chair.pk]

    juror = r.members[1]
    client.force_login(juror)
    assert (
        "I confirm: this ranking is the jury&#x27;s decision. My confirmation stands unless the "
        "chair reopens the ranking; once every juror has confirmed, it is signed off and the "
        "awards are given from it."
    ) in client.get(page_url).content.decode()
    records = AuditRecord.objects.count()
    refused = client.post(confirm_url)
    assert refused.status_code == 400
    assert refused.context["sections"][0].confirm_form.errors == {
        "confirm": ["Tick the box to confirm the ranking."]
    }
    assert list(snapshot.confirmations.values_list("juror", flat=True)) == [r.chair.pk]
    assert AuditRecord.objects.count() == records

    response = client.post(confirm_url, CONFIRM)
    assert (response.status_code, response["Location"]) == (302, page_url)
    assert sorted(snapshot.confirmations.values_list("juror", flat=True)) == sorted(
        [r.chair.pk, juror.pk]
    )
