"""The provincial panel in the browser: its panels, verification, scoring worklist, scoresheets
(blind until one's own are submitted, changes kept with a reason) and conflicts of interest,
for every role."""

import html
from datetime import timedelta
from decimal import Decimal as D

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import formats, timezone, translation

from audit.models import AuditRecord
from candidates.enums import NominationState
from scoring import services
from scoring.enums import ConflictSource, CriterionKind, ScoresheetState, StageKind
from scoring.models import (
    Conflict,
    IndicatorValue,
    Panel,
    Score,
    ScoreRevision,
    Scoresheet,
    Stage,
)
from tests.replay import replayed

from .conftest import criterion
from .pages_fixtures import ROLES, build_site, login

pytestmark = pytest.mark.django_db

RUBRIC = [
    criterion("kebijakan"),
    criterion("inovasi"),
    criterion(
        "cakupan",
        CriterionKind.COMPUTED,
        indicator="pu_coverage",
        zero_at=D("0.5"),
        full_at=D(1),
    ),
]
# Who is kept out before the panel is even looked up (no panel role: 403) and who cannot see
# this panel at all (a panel member of Jawa Tengah: 404).
# A juror reaches the panel pages, but a provincial panel is not theirs to see: 404.
REFUSED = {"branch": 403, "jury": 404, "other_member": 404}


@pytest.fixture
def site(make_round):
    """Built once per process and replayed (tests/replay.py): see _build_site."""
    return replayed(f"{__name__}.site", lambda: _build_site(make_round))


def _build_site(make_round):
    return build_site(make_round, RUBRIC)


def _url(site, page):
    panel = site.panel.pk
    return {
        "panel": reverse("scoring:panel", args=[panel]),
        "verification": reverse("scoring:verification", args=[panel]),
        "verify": reverse("scoring:verify", args=[panel, site.submitted.pk]),
        "worklist": reverse("scoring:worklist", args=[panel]),
        "scoresheet": reverse("scoring:scoresheet", args=[panel, site.verified.pk]),
        "conflicts": reverse("scoring:conflicts", args=[panel]),
    }[page]


def _expected(role, allowed):
    if role in allowed:
        return 200
    return REFUSED.get(role, 403)


def _sheet_post(kebijakan=("70", "Kebijakan cukup"), inovasi=("80", "Inovasi baik"), **extra):
    return {
        "value_kebijakan": kebijakan[0],
        "note_kebijakan": kebijakan[1],
        "value_inovasi": inovasi[0],
        "note_inovasi": inovasi[1],
        **extra,
    }


# ---------------------------------------------------------------------------------------------
# Routes and access


def test_page_paths_are_the_named_routes(site):
    p, n, v = site.panel.pk, site.submitted.pk, site.verified.pk
    assert reverse("scoring:panels") == "/panel/"
    assert reverse("scoring:panel", args=[p]) == f"/panel/{p}/"
    assert reverse("scoring:verification", args=[p]) == f"/panel/{p}/verification/"
    assert reverse("scoring:verify", args=[p, n]) == f"/panel/{p}/verification/{n}/"
    assert reverse("scoring:worklist", args=[p]) == f"/panel/{p}/scoring/"
    assert reverse("scoring:scoresheet", args=[p, v]) == f"/panel/{p}/scoring/{v}/"
    assert reverse("scoring:conflicts", args=[p]) == f"/panel/{p}/conflicts/"


@pytest.mark.parametrize("role", ROLES)
def test_panel_list_shows_each_role_its_panels(client, site, role):
    response = login(client, site.people[role]).get("/panel/")
    if role == "anonymous":
        assert (response.status_code, response["Location"]) == (
            302,
            "/accounts/login/?next=/panel/",
        )
        return
    if role == "branch":
        assert response.status_code == 403
        return
    assert response.status_code == 200
    listed = [row["panel"] for row in response.context["rows"]]
    jury = Panel.objects.get(edition=site.round.edition, province__isnull=True)
    if role == "other_member":
        assert listed == [site.other_panel]
    elif role == "jury":
        assert listed == [jury]
        assert [s.kind for s in response.context["rows"][0]["stages"]] == [
            StageKind.NATIONAL_SELECTION,
            StageKind.NATIONAL_INTERVIEW,
            StageKind.NATIONAL_RESULT,
        ]
    elif role in ("admin", "auditor"):
        # The jury first, then the provinces by name.
        assert listed == [
            jury,
            *sorted([site.panel, site.other_panel], key=lambda p: p.province.name),
        ]
    else:
        assert listed == [site.panel]
        row = response.context["rows"][0]
        assert row["members"] == 3
        assert [s.kind for s in row["stages"]] == [
            StageKind.PROVINCIAL_VERIFICATION,
            StageKind.PROVINCIAL_ASSESSMENT,
            StageKind.PROVINCIAL_RESULT,
        ]
        assert row["member"].is_chair is (role == "chair")


@pytest.mark.parametrize(
    ("page", "allowed"),
    [
        ("panel", {"member", "chair", "admin", "auditor"}),
        ("verification", {"member", "chair", "admin", "auditor"}),
        ("worklist", {"member", "chair"}),
        ("scoresheet", {"member", "chair"}),
        ("conflicts", {"member", "chair", "admin", "auditor"}),
    ],
)
@pytest.mark.parametrize("role", ROLES)
def test_every_role_on_every_panel_page(client, site, page, allowed, role):
    url = _url(site, page)
    response = login(client, site.people[role]).get(url)
    if role == "anonymous":
        assert (response.status_code, response["Location"]) == (
            302,
            f"/accounts/login/?next={url}",
        )
        return
    assert response.status_code == _expected(role, allowed)
    if response.status_code == 200:
        assert response.context["panel"] == site.panel
        assert str(site.panel) in response.content.decode()


@pytest.mark.parametrize("role", ROLES)
def test_every_role_posting_a_verification(client, site, role):
    url = _url(site, "verify")
    response = login(client, site.people[role]).post(url, {"decision": "verify", "confirm": "on"})
    site.submitted.refresh_from_db()
    if role in ("member", "chair", "admin"):
        assert (response.status_code, response["Location"]) == (302, _url(site, "verification"))
        assert site.submitted.state == NominationState.VERIFIED
        assert site.submitted.transitions.last().actor == site.people[role]
        return
    assert site.submitted.state == NominationState.SUBMITTED
    if role == "anonymous":
        assert (response.status_code, response["Location"]) == (
            302,
            f"/accounts/login/?next={url}",
        )
    else:
        assert response.status_code == REFUSED.get(role, 403)


@pytest.mark.parametrize("role", ROLES)
def test_every_role_posting_a_scoresheet(client, site, role):
    url = _url(site, "scoresheet")
    response = login(client, site.people[role]).post(url, _sheet_post(action="submit"))
    if role in ("member", "chair"):
        assert (response.status_code, response["Location"]) == (302, url)
        sheet = Scoresheet.objects.get()
        assert (sheet.assessor, sheet.state) == (site.people[role], ScoresheetState.SUBMITTED)
        return
    assert Scoresheet.objects.count() == 0
    if role == "anonymous":
        assert response.status_code == 302
        assert response["Location"] == f"/accounts/login/?next={url}"
    else:
        assert response.status_code == REFUSED.get(role, 403)


@pytest.mark.parametrize("role", ROLES)
def test_every_role_declaring_a_conflict(client, site, role):
    url = _url(site, "conflicts")
    response = login(client, site.people[role]).post(
        url, {"nomination": site.verified.pk, "reason": "Saudara kandung di dinas"}
    )
    if role in ("member", "chair"):
        assert (response.status_code, response["Location"]) == (302, url)
        assert list(Conflict.objects.values_list("assessor", "source", "reason")) == [
            (site.people[role].pk, ConflictSource.DECLARED, "Saudara kandung di dinas")
        ]
        return
    assert Conflict.objects.count() == 0
    if role == "anonymous":
        assert response.status_code == 302
        assert response["Location"] == f"/accounts/login/?next={url}"
    else:
        assert response.status_code == REFUSED.get(role, 403)


def test_pages_without_a_form_answer_405_to_a_post(client, site):
    login(client, site.member)
    for page in ("panel", "verification", "worklist"):
        assert client.post(_url(site, page), {"decision": "verify"}).status_code == 405
    site.submitted.refresh_from_db()
    assert site.submitted.state == NominationState.SUBMITTED
    # The decision URL shows the verification page to a GET.
    response = client.get(_url(site, "verify"))
    assert (response.status_code, response["Location"]) == (302, _url(site, "verification"))


def test_a_nomination_outside_the_panel_is_not_found(client, site):
    login(client, site.member)
    p = site.panel.pk
    draft = site.round.nominate("32.73", state=NominationState.DRAFT)
    for nomination in (site.elsewhere, draft):
        response = client.post(f"/panel/{p}/verification/{nomination.pk}/", {"decision": "verify"})
        assert response.status_code == 404
        nomination.refresh_from_db()
        assert nomination.state in (NominationState.SUBMITTED, NominationState.DRAFT)
    # A dossier waiting for verification is not scored yet.
    assert client.get(f"/panel/{p}/scoring/{site.submitted.pk}/").status_code == 404
    assert client.get(f"/panel/{p}/scoring/{site.elsewhere.pk}/").status_code == 404
    assert client.get("/panel/999999/").status_code == 404


def test_navigation_offers_scoring_to_panel_and_jury_roles_only(client, site):
    for role in ROLES[1:]:
        client.logout()
        page = login(client, site.people[role]).get("/").content.decode()
        shown = 'data-nav="scoring:panels"' in page
        assert shown is (role != "branch"), role


# ---------------------------------------------------------------------------------------------
# Verification


def test_overview_counts_the_panel_work_and_marks_the_chair(client, site):
    site.round.nominate("32.73", state=NominationState.RESUBMITTED)
    site.round.score(site.chair, site.verified, 80, 70)
    response = login(client, site.member).get(_url(site, "panel"))
    counts = dict(response.context["counts"])
    assert counts == {
        "Waiting for verification": 2,
        "Returned for correction": 0,
        "Ineligible": 0,
        "Verified (to be scored and ranked)": 1,
        "Scoresheets submitted": 1,
        "Scoresheets in draft": 0,
        "Scoresheets still missing": 2,
    }
    assert response.context["ranking_url"] in (None, f"/panel/{site.panel.pk}/ranking/")
    # Assessors are anonymous to each other (as their scores are); the chair sees the names.
    assert [(m["label"], m["is_chair"], m["is_you"]) for m in response.context["members"]] == [
        ("Member 1", True, False),
        ("Anggota 1", False, True),
        ("Member 3", False, False),
    ]
    page = response.content.decode()
    assert 'Member 1 <strong class="chair-mark">(chair)</strong>' in page
    assert "Anggota 2" not in page
    client.logout()
    chair_view = login(client, site.chair).get(_url(site, "panel"))
    assert [m["label"] for m in chair_view.context["members"]] == [
        "Ketua",
        "Anggota 1",
        "Anggota 2",
    ]
    assert 'Ketua <span class="muted">(you)</span> <strong class="chair-mark">(chair)</strong>' in (
        chair_view.content.decode()
    )


def test_verify_records_the_decision_and_the_indicators(client, site):
    login(client, site.member)
    response = client.post(_url(site, "verify"), {"decision": "verify", "confirm": "on"})
    assert response.status_code == 302
    site.submitted.refresh_from_db()
    assert site.submitted.state == NominationState.VERIFIED
    last = site.submitted.transitions.last()
    assert (last.from_state, last.to_state, last.actor) == (
        NominationState.SUBMITTED,
        NominationState.VERIFIED,
        site.member,
    )
    assert IndicatorValue.objects.filter(nomination=site.submitted).count() == 5
    page = client.get(_url(site, "verification"))
    assert "Pemerintah Kota Bogor was verified." in page.content.decode()
    assert page.context["rows"] == []
    decided = page.context["decided"]
    assert [(t.nomination, t.to_state) for t in decided] == [
        (site.submitted, NominationState.VERIFIED)
    ]


def test_verify_asks_first_and_changes_nothing_without_the_confirmation(client, site):
    login(client, site.member)
    question = (
        "I confirm: the dossier is verified. Its data are frozen and it goes on to be scored; "
        "only the panel's chair can correct the decision, with a reason, while verification "
        "is open."
    )
    assert question in html.unescape(client.get(_url(site, "verification")).content.decode())
    records = AuditRecord.objects.count()

    response = client.post(_url(site, "verify"), {"decision": "verify"})

    assert response.status_code == 400
    form = response.context["rows"][0]["forms"]["verify"]
    assert form.errors == {"confirm": ["Tick the box to confirm the verification."]}
    content = response.content.decode()
    assert f'id="id_confirm_{site.submitted.pk}_verify_error"' in content
    assert question in html.unescape(content)
    site.submitted.refresh_from_db()
    assert site.submitted.state == NominationState.SUBMITTED
    assert site.submitted.transitions.count() == 0
    assert IndicatorValue.objects.filter(nomination=site.submitted).count() == 0
    assert AuditRecord.objects.count() == records


def test_return_sends_the_dossier_back_to_the_branch_with_reason_and_deadline(client, site):
    deadline = timezone.localdate() + timedelta(days=14)
    login(client, site.member)
    response = client.post(
        _url(site, "verify"),
        {
            "decision": "return",
            "reason": "Lampirkan Perwali dan data BPU terbaru",
            "deadline": deadline.isoformat(),
        },
    )
    assert (response.status_code, response["Location"]) == (302, _url(site, "verification"))
    site.submitted.refresh_from_db()
    assert site.submitted.state == NominationState.RETURNED
    last = site.submitted.transitions.last()
    assert (last.to_state, last.reason, last.deadline, last.actor) == (
        NominationState.RETURNED,
        "Lampirkan Perwali dan data BPU terbaru",
        deadline,
        site.member,
    )
    verification = client.get(_url(site, "verification"))
    assert verification.context["rows"] == []
    assert "Lampirkan Perwali dan data BPU terbaru" in verification.content.decode()

    client.logout()
    branch = login(client, site.people["branch"]).get(reverse("candidates:branch_worklist"))
    page = branch.content.decode()
    assert "Pemerintah Kota Bogor" in page
    assert "Lampirkan Perwali dan data BPU terbaru" in page
    assert formats.date_format(deadline) in page


def test_ineligible_records_the_reason(client, site):
    login(client, site.chair)
    response = client.post(
        _url(site, "verify"),
        {"decision": "ineligible", "reason": "Bukan pemerintah kota di Jawa Barat"},
    )
    assert response.status_code == 302
    site.submitted.refresh_from_db()
    assert site.submitted.state == NominationState.INELIGIBLE
    last = site.submitted.transitions.last()
    assert (last.to_state, last.reason, last.deadline) == (
        NominationState.INELIGIBLE,
        "Bukan pemerintah kota di Jawa Barat",
        None,
    )
    page = client.get(_url(site, "verification")).content.decode()
    assert "Bukan pemerintah kota di Jawa Barat" in page
    assert "<td>Ketua</td>" in page  # the chair sees who decided
    client.logout()
    page = login(client, site.member).get(_url(site, "verification")).content.decode()
    assert "Bukan pemerintah kota di Jawa Barat" in page
    assert "Ketua" not in page  # a member does not


TODAY = "today"
NO_DEADLINE = "Give a deadline after today."
NOT_A_DATE = "Give a date such as 2030-08-17."
NO_REASON = "Give a reason."
RETURN = {"decision": "return", "reason": "Kurang lengkap"}


@pytest.mark.parametrize(
    ("data", "field", "message"),
    [
        (RETURN, "deadline", NO_DEADLINE),
        ({**RETURN, "deadline": "besok pagi"}, "deadline", NOT_A_DATE),
        ({**RETURN, "deadline": "2030-02-31"}, "deadline", NOT_A_DATE),
        ({**RETURN, "deadline": "99999-01-01"}, "deadline", NOT_A_DATE),
        ({**RETURN, "deadline": TODAY}, "deadline", NO_DEADLINE),
        ({**RETURN, "reason": "  ", "deadline": "2099-01-01"}, "reason", NO_REASON),
        ({"decision": "ineligible", "reason": ""}, "reason", NO_REASON),
    ],
)
def test_bad_verification_input_changes_nothing_and_says_why(client, site, data, field, message):
    if data.get("deadline") == TODAY:
        data = {**data, "deadline": timezone.localdate().isoformat()}
    before = site.submitted.transitions.count()
    response = login(client, site.member).post(_url(site, "verify"), data)
    assert response.status_code == 400
    form = response.context["rows"][0]["forms"][data["decision"]]
    assert form.errors == {field: [message]}
    assert message in response.content.decode()
    site.submitted.refresh_from_db()
    assert site.submitted.state == NominationState.SUBMITTED
    assert site.submitted.transitions.count() == before


def test_an_unknown_decision_is_refused_with_a_message(client, site):
    response = login(client, site.member).post(_url(site, "verify"), {"decision": "approve"})
    assert response.status_code == 400
    assert response.context["rows"][0]["forms"]["verify"].non_field_errors() == [
        "Choose to verify, return or declare the dossier ineligible."
    ]
    site.submitted.refresh_from_db()
    assert site.submitted.state == NominationState.SUBMITTED


def test_verification_outside_its_stage_is_refused_with_a_message(client, site):
    stage = Stage.objects.get(edition=site.round.edition, kind=StageKind.PROVINCIAL_VERIFICATION)
    services.stage_close(actor=None, stage=stage)
    response = login(client, site.member).post(
        _url(site, "verify"), {"decision": "verify", "confirm": "on"}
    )
    assert response.status_code == 400
    message = "Verification is not possible now: Provincial verification (2030) is not open."
    assert response.context["rows"][0]["forms"]["verify"].non_field_errors() == [message]
    page = response.content.decode()
    assert message in page
    assert "Provincial verification is not open (its state: Closed)" in page
    site.submitted.refresh_from_db()
    assert site.submitted.state == NominationState.SUBMITTED


def test_deciding_twice_shows_why_on_the_page(client, site):
    login(client, site.member)
    client.post(_url(site, "verify"), {"decision": "verify", "confirm": "on"})
    response = client.post(_url(site, "verify"), {"decision": "ineligible", "reason": "Terlambat"})
    assert response.status_code == 400
    assert response.context["page_errors"] == [
        "Pemerintah Kota Bogor: A nomination cannot go from verified to ineligible."
    ]
    site.submitted.refresh_from_db()
    assert site.submitted.state == NominationState.VERIFIED


def test_auditor_sees_verification_read_only(client, site):
    response = login(client, site.people["auditor"]).get(_url(site, "verification"))
    page = response.content.decode()
    assert response.context["may_decide"] is False
    assert [r["nomination"] for r in response.context["rows"]] == [site.submitted]
    assert _url(site, "verify") not in page
    assert reverse("candidates:nomination_view", args=[site.submitted.pk]) in page


def test_verification_page_queries_do_not_grow_with_dossiers(client, site):
    login(client, site.member)

    def count():
        with CaptureQueriesContext(connection) as queries:
            assert client.get(_url(site, "verification")).status_code == 200
        return len(queries)

    few = count()
    for code in ("32.73", "32.74", "32.75"):
        site.round.nominate(code, state=NominationState.SUBMITTED)
    decided = site.round.nominate("32.76", state=NominationState.SUBMITTED)
    services.nomination_verify(actor=site.member, nomination=decided)
    assert count() == few


# ---------------------------------------------------------------------------------------------
# Worklist


def test_worklist_shows_progress_and_status_per_nominee(client, site):
    second = site.round.nominate("32.73")
    third = site.round.nominate("32.74")
    site.round.score(site.member, site.verified, 70, 80)
    site.round.score(
        site.member, second, 60, None, submit=False, notes={"kebijakan": "awal", "inovasi": ""}
    )
    services.conflict_declare(actor=site.member, panel=site.panel, nomination=third, reason="Ipar")
    response = login(client, site.member).get(_url(site, "worklist"))
    assert response.status_code == 200
    ctx = response.context
    assert (ctx["submitted"], ctx["to_score"], ctx["drafts"], ctx["excluded"]) == (1, 2, 1, 1)
    expected = sorted(
        [(second, "draft"), (third, "excluded"), (site.verified, "submitted")],
        key=lambda pair: pair[0].candidate.name,
    )
    assert [[(row.nomination, row.status) for row in group["rows"]] for group in ctx["groups"]] == [
        expected
    ]
    assert ctx["groups"][0]["category"] == site.round.category
    page = response.content.decode()
    assert "1 of 2 submitted" in page
    assert "1 excluded (conflict of interest)" in page
    assert "Ipar" in page


def test_worklist_queries_do_not_grow_with_nominees(client, site):
    login(client, site.member)

    def count():
        with CaptureQueriesContext(connection) as queries:
            assert client.get(_url(site, "worklist")).status_code == 200
        return len(queries)

    few = count()
    for code in ("32.73", "32.74", "32.75", "32.76", "32.77"):
        site.round.score(site.member, site.round.nominate(code), 50, 50)
    assert count() == few


def test_panel_list_queries_do_not_grow_with_panels(client, site):
    from candidates.models import Province

    login(client, site.people["admin"])

    def count():
        with CaptureQueriesContext(connection) as queries:
            assert client.get("/panel/").status_code == 200
        return len(queries)

    few = count()
    for code in ("31", "34", "35", "36"):
        panel = services.panel_get_or_create(
            edition=site.round.edition, province=Province.objects.get(code=code)
        )
        services.panel_member_add(panel=panel, user=site.people["other_member"])
    assert count() == few


# ---------------------------------------------------------------------------------------------
# Scoresheets


def test_scoresheet_shows_the_dossier_and_only_the_judged_criteria(client, site):
    response = login(client, site.member).get(_url(site, "scoresheet"))
    form = response.context["form"]
    assert [c.code for c in form.criteria] == ["kebijakan", "inovasi"]
    assert sorted(form.fields) == [
        "note_inovasi",
        "note_kebijakan",
        "value_inovasi",
        "value_kebijakan",
    ]
    page = response.content.decode()
    assert "PU coverage" in page
    assert 'name="value_cakupan"' not in page
    assert '<label for="id_value_kebijakan">Score (0–100)</label>' in page
    assert '<label for="id_note_kebijakan">Note explaining the score</label>' in page
    assert 'value="draft"' in page and 'value="submit"' in page


def test_draft_then_submit(client, site):
    login(client, site.member)
    url = _url(site, "scoresheet")
    response = client.post(
        url, _sheet_post(kebijakan=("72,5", ""), inovasi=("", ""), action="draft")
    )
    assert (response.status_code, response["Location"]) == (302, url)
    sheet = Scoresheet.objects.get(assessor=site.member)
    assert sheet.state == ScoresheetState.DRAFT
    assert list(sheet.scores.values_list("criterion__code", "value", "note")) == [
        ("kebijakan", D("72.50"), "")
    ]
    page = client.get(url).content.decode()
    assert 'value="72.50"' in page
    assert "Your draft was saved." in page

    response = client.post(url, _sheet_post(action="submit"))
    assert response.status_code == 302
    sheet.refresh_from_db()
    assert sheet.state == ScoresheetState.SUBMITTED
    assert sheet.submitted_at is not None
    assert list(sheet.scores.order_by("criterion__order").values_list("value", "note")) == [
        (D("70.00"), "Kebijakan cukup"),
        (D("80.00"), "Inovasi baik"),
    ]
    page = client.get(url).content.decode()
    assert "Your scores were submitted." in page
    assert 'name="reason"' in page
    assert 'value="draft"' not in page


@pytest.mark.parametrize(
    ("kebijakan", "message"),
    [
        (("70", ""), "Write a note explaining the score."),
        (("", ""), "Give a score before submitting."),
        (("101", "Terlalu tinggi"), "A score is from 0 to 100."),
        (("-1", "Negatif"), "A score is from 0 to 100."),
        (("tujuh puluh", "Huruf"), "Give a number from 0 to 100."),
        (("NaN", "Bukan angka"), "Give a number from 0 to 100."),
        (("70.555", "Tiga desimal"), "Use at most two decimals."),
        (("9" * 30, "Panjang"), "Ensure this value has at most 20 characters (it has 30)."),
    ],
)
def test_bad_scores_are_refused_at_their_criterion(client, site, kebijakan, message):
    response = login(client, site.member).post(
        _url(site, "scoresheet"), _sheet_post(kebijakan=kebijakan, action="submit")
    )
    assert response.status_code == 400
    form = response.context["form"]
    assert form.errors == {"value_kebijakan": [message]}
    assert [g["errors"] for g in form.groups()] == [[message], []]
    page = response.content.decode()
    assert (
        f'<ul class="errorlist" id="errors-kebijakan" role="alert"><li>{message}</li></ul>' in page
    )
    assert Scoresheet.objects.count() == 0


def test_changing_a_submitted_score_needs_a_reason_and_keeps_the_old_value(client, site):
    login(client, site.member)
    url = _url(site, "scoresheet")
    client.post(url, _sheet_post(action="submit"))

    response = client.post(url, _sheet_post(kebijakan=("65", "Kebijakan cukup"), action="submit"))
    assert response.status_code == 400
    assert response.context["form"].errors == {
        "reason": ["Say why you are changing a submitted score."]
    }
    score = Score.objects.get(criterion__code="kebijakan")
    assert score.value == D("70.00")
    assert ScoreRevision.objects.count() == 0

    before = timezone.now()
    response = client.post(
        url,
        _sheet_post(
            kebijakan=("65", "Kebijakan cukup"), action="submit", reason="Salah baca data Perwali"
        ),
    )
    assert (response.status_code, response["Location"]) == (302, url)
    score.refresh_from_db()
    assert score.value == D("65.00")
    revision = ScoreRevision.objects.get()
    assert (
        revision.score,
        revision.old_value,
        revision.old_note,
        revision.new_value,
        revision.changed_by,
        revision.reason,
    ) == (score, D("70.00"), "Kebijakan cukup", D("65.00"), site.member, "Salah baca data Perwali")
    assert revision.changed_at >= before
    page = client.get(url)
    assert list(page.context["revisions"]) == [revision]
    html = page.content.decode()
    assert "Salah baca data Perwali" in html
    assert '<td class="num">70.00</td>' in html
    assert Scoresheet.objects.get().state == ScoresheetState.SUBMITTED


def test_others_scores_stay_hidden_until_one_submits_and_are_anonymous(client, site):
    other = site.round.members[2]  # "Anggota 2"
    site.round.score(
        other,
        site.verified,
        D("87.65"),
        D("12.34"),
        notes={"kebijakan": "Catatan rahasia Anggota Dua", "inovasi": "Rahasia kedua"},
    )
    url = _url(site, "scoresheet")
    login(client, site.member)

    before = client.get(url)
    page = before.content.decode()
    assert before.context["others"] is None
    for secret in ("87.65", "87,65", "12.34", "Catatan rahasia Anggota Dua", "Rahasia kedua"):
        assert secret not in page
    assert "once you have submitted your own" in page

    # A draft is not enough.
    client.post(url, _sheet_post(action="draft"))
    assert "87.65" not in client.get(url).content.decode()

    client.post(url, _sheet_post(action="submit"))
    after = client.get(url)
    page = after.content.decode()
    others = after.context["others"]
    assert [(o["label"], o["excluded"], [s.value for s in o["scores"]]) for o in others] == [
        ("Assessor 1", False, [D("87.65"), D("12.34")])
    ]
    assert "87.65" in page
    assert "Catatan rahasia Anggota Dua" in page
    assert "Anggota 2" not in page
    assert other.email not in page


def test_the_chair_sees_assessor_names_after_submitting(client, site):
    other = site.round.members[2]
    site.round.score(other, site.verified, D("87.65"), D("12.34"))
    site.round.score(site.member, site.verified, D("55.55"), D("44.44"))
    url = _url(site, "scoresheet")
    login(client, site.chair)
    assert client.get(url).context["others"] is None
    client.post(url, _sheet_post(action="submit"))
    others = client.get(url).context["others"]
    assert sorted((o["label"], o["scores"][0].value) for o in others) == [
        ("Anggota 1", D("55.55")),
        ("Anggota 2", D("87.65")),
    ]


def test_an_excluded_assessor_gets_no_form(client, site):
    other = site.round.members[2]
    with translation.override("en"):  # the reason is stored in the active language
        services.panel_member_add(
            panel=site.panel, user=other, organisation=site.verified.candidate
        )
    conflict = Conflict.objects.get(assessor=other)
    assert conflict.source == ConflictSource.ORGANISATION
    url = _url(site, "scoresheet")
    login(client, other)

    response = client.get(url)
    assert response.status_code == 200
    assert response.templates[0].name == "scoring/scoresheet_excluded.html"
    assert response.context["conflict"] == conflict
    assert "form" not in response.context
    page = response.content.decode()
    assert "You are excluded from scoring this nominee." in page
    assert "Works for Pemerintah Kota Sukabumi." in page
    assert 'name="value_kebijakan"' not in page

    response = client.post(url, _sheet_post(action="submit"))
    assert response.status_code == 403
    assert Scoresheet.objects.count() == 0

    worklist = client.get(_url(site, "worklist")).context["groups"][0]["rows"]
    assert [(r.nomination, r.status) for r in worklist] == [(site.verified, "excluded")]


def test_scoresheet_outside_the_assessment_stage_is_read_only(client, site):
    site.round.score(site.member, site.verified, 70, 80, submit=False)
    stage = Stage.objects.get(edition=site.round.edition, kind=StageKind.PROVINCIAL_ASSESSMENT)
    services.stage_close(actor=None, stage=stage)
    url = _url(site, "scoresheet")
    login(client, site.member)
    page = client.get(url).content.decode()
    assert "Scoring is not possible now: the stage “Provincial assessment” is not open." in page
    assert 'value="submit"' not in page

    response = client.post(url, _sheet_post(kebijakan=("10", "x"), action="submit"))
    assert response.status_code == 400
    assert response.context["form"].non_field_errors() == [
        "Scoring is not possible now: Provincial assessment (2030) is not open."
    ]
    sheet = Scoresheet.objects.get()
    assert sheet.state == ScoresheetState.DRAFT
    assert sheet.scores.get(criterion__code="kebijakan").value == D("70.00")


# ---------------------------------------------------------------------------------------------
# Conflicts of interest


def test_a_declared_conflict_is_listed_for_the_chair_with_its_reason(client, site):
    login(client, site.member)
    response = client.post(
        _url(site, "conflicts"),
        {"nomination": site.verified.pk, "reason": "Istri saya kepala Disnaker Kota Sukabumi"},
    )
    assert response.status_code == 302
    conflict = Conflict.objects.get()
    assert (conflict.assessor, conflict.nomination, conflict.source, conflict.reason) == (
        site.member,
        site.verified,
        ConflictSource.DECLARED,
        "Istri saya kepala Disnaker Kota Sukabumi",
    )
    own = client.get(_url(site, "conflicts"))
    assert list(own.context["own"]) == [conflict]
    assert own.context["all"] is None
    # The declared nominee is no longer offered.
    assert site.verified not in own.context["form"].fields["nomination"].queryset
    # And the scoresheet says so.
    assert "Istri saya kepala Disnaker" in client.get(_url(site, "scoresheet")).content.decode()

    client.logout()
    for role in ("chair", "admin", "auditor"):
        response = login(client, site.people[role]).get(_url(site, "conflicts"))
        assert list(response.context["all"]) == [conflict], role
        page = response.content.decode()
        assert "<td>Anggota 1</td>" in page
        assert "Istri saya kepala Disnaker Kota Sukabumi" in page
        assert "<td>Declared</td>" in page
        client.logout()


def test_automatic_exclusions_are_listed_with_their_source(client, site):
    other = site.round.members[2]
    with translation.override("en"):  # the reason is stored in the active language
        services.panel_member_add(
            panel=site.panel, user=other, organisation=site.verified.candidate
        )
    response = login(client, site.chair).get(_url(site, "conflicts"))
    assert [(c.assessor, c.source, c.reason) for c in response.context["all"]] == [
        (other, ConflictSource.ORGANISATION, "Works for Pemerintah Kota Sukabumi.")
    ]
    assert "<td>Own organisation</td>" in response.content.decode()


def test_a_member_does_not_see_other_members_exclusions(client, site):
    services.conflict_declare(
        actor=site.chair, panel=site.panel, nomination=site.verified, reason="Rahasia ketua"
    )
    response = login(client, site.member).get(_url(site, "conflicts"))
    assert list(response.context["own"]) == []
    assert response.context["all"] is None
    assert "Rahasia ketua" not in response.content.decode()


NO_CONFLICT_REASON = "Say what the conflict of interest is."
NOT_BEFORE_PANEL = {"nomination": ["Choose a nominee before your panel."]}


@pytest.mark.parametrize(
    ("data", "errors"),
    [
        ({"nomination": "VERIFIED", "reason": ""}, {"reason": [NO_CONFLICT_REASON]}),
        ({"nomination": "ELSEWHERE", "reason": "x"}, NOT_BEFORE_PANEL),
        ({"nomination": "abc", "reason": "x"}, NOT_BEFORE_PANEL),
        ({"reason": "x"}, {"nomination": ["This field is required."]}),
    ],
)
def test_bad_conflict_declarations_change_nothing(client, site, data, errors):
    nomination = {"VERIFIED": site.verified.pk, "ELSEWHERE": site.elsewhere.pk}
    if "nomination" in data:
        data = {**data, "nomination": nomination.get(data["nomination"], data["nomination"])}
    response = login(client, site.member).post(_url(site, "conflicts"), data)
    assert response.status_code == 400
    assert response.context["form"].errors == errors
    assert Conflict.objects.count() == 0
