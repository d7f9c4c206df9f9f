"""A verification decided by mistake is corrected by the panel's chair (or the secretariat),
with a reason, while verification is open and the category's ranking is not finalised: the
dossier waits for verification again, the correction is recorded as a state change and in the
audit record; on the verification page and in the API (scoring.verification)."""

from decimal import Decimal as D

import pytest
from django.conf import settings
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from rest_framework.test import APIClient

from audit.models import AuditRecord
from candidates.enums import NominationState
from candidates.models import Nomination, NominationTransition
from scoring import services
from scoring.enums import CriterionKind, StageKind
from scoring.models import Stage
from tests.replay import replayed

from .conftest import criterion
from .pages_fixtures import ROLES, build_site, login

pytestmark = pytest.mark.django_db

# Two judged criteria and one computed from PU coverage (as the panel pages' tests).
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
REASON = "Verifikasi keliru: lampiran Perwali belum diunggah."


@pytest.fixture
def site(make_round):
    """Built once per process and replayed (tests/replay.py): the Jawa Barat round with
    verification open, Kota Bogor waiting for verification and Kota Sukabumi verified."""
    return replayed(f"{__name__}.site", lambda: build_site(make_round, RUBRIC))


def _correct_url(site, nomination):
    return reverse("scoring:verification_correct", args=[site.panel.pk, nomination.pk])


def _verification_url(site):
    return reverse("scoring:verification", args=[site.panel.pk])


def _transitions(nomination):
    return list(
        NominationTransition.objects.filter(nomination=nomination)
        .order_by("pk")
        .values_list("from_state", "to_state", "actor", "reason")
    )


def _unchanged(nomination, state, records):
    nomination.refresh_from_db()
    assert nomination.state == state
    assert AuditRecord.objects.count() == records


# ---------------------------------------------------------------------------------------------
# The page


def test_route_is_below_the_dossier_decision(site):
    p, n = site.panel.pk, site.verified.pk
    assert _correct_url(site, site.verified) == f"/panel/{p}/verification/{n}/correct/"


def test_chair_sends_a_dossier_verified_by_mistake_back_to_verification(client, site):
    bogor = site.submitted
    login(client, site.member).post(
        reverse("scoring:verify", args=[site.panel.pk, bogor.pk]),
        {"decision": "verify", "confirm": "on"},
    )
    bogor.refresh_from_db()
    assert bogor.state == NominationState.VERIFIED

    client.logout()
    page = login(client, site.chair).get(_verification_url(site))
    assert [row["nomination"] for row in page.context["corrections"]] == [bogor, site.verified]
    assert _correct_url(site, bogor) in page.content.decode()

    response = client.post(_correct_url(site, bogor), {"reason": f"  {REASON} "})

    assert (response.status_code, response["Location"]) == (302, _verification_url(site))
    bogor.refresh_from_db()
    assert bogor.state == NominationState.SUBMITTED
    assert _transitions(bogor) == [
        (NominationState.SUBMITTED, NominationState.VERIFIED, site.member.pk, ""),
        (NominationState.VERIFIED, NominationState.SUBMITTED, site.chair.pk, REASON),
    ]
    record = AuditRecord.objects.order_by("-seq").first()
    assert (record.action, record.actor_id, record.nomination_id, record.reason) == (
        "nomination.state",
        site.chair.pk,
        bogor.pk,
        REASON,
    )
    assert (record.old, record.new) == ({"state": "verified"}, {"state": "submitted"})

    page = client.get(_verification_url(site))
    content = page.content.decode()
    assert (
        "The verification of Pemerintah Kota Bogor is corrected: the dossier waits for "
        "verification again."
    ) in content
    # Waiting to be decided again, no longer among the decisions to correct.
    assert [row["nomination"] for row in page.context["rows"]] == [bogor]
    assert [row["nomination"] for row in page.context["corrections"]] == [site.verified]
    # The correction is among the recent decisions, with its reason.
    assert [(t.nomination, t.to_state, t.reason) for t in page.context["decided"]] == [
        (bogor, NominationState.SUBMITTED, REASON),
        (bogor, NominationState.VERIFIED, ""),
    ]
    assert "Decision corrected: to be verified again" in content


def test_secretariat_corrects_an_ineligible_decision_back_to_resubmitted(client, site):
    dossier = site.round.nominate("32.73", state=NominationState.RESUBMITTED)
    services.nomination_declare_ineligible(
        actor=site.member, nomination=dossier, reason="Bukan pemerintah kota"
    )
    admin = site.people["admin"]

    response = login(client, admin).post(_correct_url(site, dossier), {"reason": REASON})

    assert response.status_code == 302
    dossier.refresh_from_db()
    assert dossier.state == NominationState.RESUBMITTED
    assert _transitions(dossier)[-1] == (
        NominationState.INELIGIBLE,
        NominationState.RESUBMITTED,
        admin.pk,
        REASON,
    )


@pytest.mark.parametrize("role", ROLES)
def test_every_role_correcting_a_verification(client, site, role):
    url = _correct_url(site, site.verified)
    records = AuditRecord.objects.count()
    response = login(client, site.people[role]).post(url, {"reason": REASON})
    site.verified.refresh_from_db()
    if role in ("chair", "admin"):
        assert (response.status_code, response["Location"]) == (302, _verification_url(site))
        assert site.verified.state == NominationState.SUBMITTED
        return
    if role == "anonymous":
        assert (response.status_code, response["Location"]) == (
            302,
            f"/accounts/login/?next={url}",
        )
    else:
        # A member who does not chair and the auditor: 403; outside the panel: 404.
        expected = {"branch": 403, "jury": 404, "other_member": 404}.get(role, 403)
        assert response.status_code == expected
    _unchanged(site.verified, NominationState.VERIFIED, records)


def test_only_the_chair_and_the_secretariat_are_offered_the_correction(client, site):
    for role, offered in (("member", False), ("auditor", False), ("chair", True), ("admin", True)):
        client.logout()
        page = login(client, site.people[role]).get(_verification_url(site))
        assert bool(page.context["corrections"]) is offered, role
        assert (_correct_url(site, site.verified) in page.content.decode()) is offered, role
    # A GET of the correction's address goes back to the list.
    response = client.get(_correct_url(site, site.verified))
    assert (response.status_code, response["Location"]) == (302, _verification_url(site))


def test_correction_needs_a_reason_and_changes_nothing_without_one(client, site):
    records = AuditRecord.objects.count()
    response = login(client, site.chair).post(_correct_url(site, site.verified), {"reason": " "})
    assert response.status_code == 400
    [row] = response.context["corrections"]
    assert row["form"].errors == {"reason": ["Give a reason."]}
    assert f'id="id_reason_{site.verified.pk}_correct_error"' in response.content.decode()
    _unchanged(site.verified, NominationState.VERIFIED, records)
    assert _transitions(site.verified) == []


def test_correction_is_refused_once_verification_is_closed(client, site):
    stage = Stage.objects.get(edition=site.round.edition, kind=StageKind.PROVINCIAL_VERIFICATION)
    services.stage_close(actor=None, stage=stage)
    records = AuditRecord.objects.count()
    response = login(client, site.chair).post(_correct_url(site, site.verified), {"reason": REASON})
    assert response.status_code == 400
    assert response.context["page_errors"] == [
        "Pemerintah Kota Sukabumi: Correcting a verification is not possible now: Provincial "
        "verification (2030) is not open."
    ]
    assert response.context["corrections"] == []
    _unchanged(site.verified, NominationState.VERIFIED, records)


def test_correction_is_refused_once_the_ranking_is_finalised(client, site):
    round_ = site.round
    bogor, sukabumi = site.submitted, site.verified
    services.nomination_declare_ineligible(actor=site.member, nomination=bogor, reason="Terlambat")
    for person in round_.members:
        round_.score(person, sukabumi, 80, 70)
    round_.open(StageKind.PROVINCIAL_RESULT)
    services.ranking_finalise(actor=site.chair, panel=site.panel, category=round_.category)
    records = AuditRecord.objects.count()

    response = login(client, site.chair).post(_correct_url(site, bogor), {"reason": REASON})

    assert response.status_code == 400
    assert response.context["page_errors"] == [
        f"Pemerintah Kota Bogor: The ranking of {round_.category.name} is finalised; the chair "
        "must reopen it, with a reason, before anything changes."
    ]
    assert response.context["corrections"] == []
    _unchanged(bogor, NominationState.INELIGIBLE, records)


def test_a_dossier_still_waiting_has_no_decision_to_correct(client, site):
    records = AuditRecord.objects.count()
    response = login(client, site.chair).post(
        _correct_url(site, site.submitted), {"reason": REASON}
    )
    assert response.status_code == 400
    assert response.context["page_errors"] == [
        "Pemerintah Kota Bogor: Only a verified or ineligible dossier's verification can be "
        "corrected."
    ]
    _unchanged(site.submitted, NominationState.SUBMITTED, records)


def test_verification_page_queries_for_the_chair_do_not_grow_with_decisions(client, site):
    login(client, site.chair)

    def count():
        with CaptureQueriesContext(connection) as queries:
            assert client.get(_verification_url(site)).status_code == 200
        return len(queries)

    few = count()
    for code in ("32.73", "32.74"):
        site.round.nominate(code)
    site.round.nominate("32.75", state=NominationState.INELIGIBLE)
    assert len(client.get(_verification_url(site)).context["corrections"]) == 4
    assert count() == few


# ---------------------------------------------------------------------------------------------
# The API


@pytest.fixture
def api():
    client = APIClient()
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    return client


def _api_url(site):
    return f"/api/v1/scoring/panels/{site.panel.pk}/verifications/corrections/"


def test_chair_corrects_a_verification_through_the_api(api, site):
    api.force_authenticate(site.chair)
    response = api.post(
        _api_url(site), {"nomination": site.verified.pk, "reason": REASON}, format="json"
    )
    body = response.json()
    assert (response.status_code, body["id"], body["state"]) == (201, site.verified.pk, "submitted")
    assert {k: v for k, v in body["transition"].items() if k != "at"} == {
        "from_state": "verified",
        "to_state": "submitted",
        "actor": "Ketua",
        "reason": REASON,
        "deadline": None,
    }
    assert _transitions(site.verified) == [
        (NominationState.VERIFIED, NominationState.SUBMITTED, site.chair.pk, REASON)
    ]


@pytest.mark.parametrize(
    ("who", "payload", "status", "body"),
    [
        (
            "member",
            {"reason": REASON},
            403,
            {"detail": "You do not have permission to perform this action."},
        ),
        ("auditor", {"reason": REASON}, 403, None),
        ("chair", {}, 400, {"reason": ["Give a reason."]}),
        ("chair", {"reason": "  "}, 400, {"reason": ["Give a reason."]}),
        ("chair", {"reason": REASON, "state": "submitted"}, 400, None),
    ],
)
def test_api_correction_is_refused_and_changes_nothing(api, site, who, payload, status, body):
    api.force_authenticate(site.people[who])
    before = list(Nomination.objects.order_by("pk").values_list("pk", "state"))
    records = AuditRecord.objects.count()
    response = api.post(_api_url(site), {"nomination": site.verified.pk, **payload}, format="json")
    assert response.status_code == status
    if body is not None:
        assert response.json() == body
    assert list(Nomination.objects.order_by("pk").values_list("pk", "state")) == before
    assert AuditRecord.objects.count() == records


def test_api_correction_outside_the_open_stage_is_refused(api, site):
    stage = Stage.objects.get(edition=site.round.edition, kind=StageKind.PROVINCIAL_VERIFICATION)
    services.stage_close(actor=None, stage=stage)
    api.force_authenticate(site.chair)
    response = api.post(
        _api_url(site), {"nomination": site.verified.pk, "reason": REASON}, format="json"
    )
    assert (response.status_code, response.json()) == (
        400,
        {
            "non_field_errors": [
                "Correcting a verification is not possible now: Provincial verification (2030) "
                "is not open."
            ]
        },
    )
    site.verified.refresh_from_db()
    assert site.verified.state == NominationState.VERIFIED
