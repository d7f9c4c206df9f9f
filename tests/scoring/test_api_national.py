"""The national round through the scoring API (/api/v1/scoring/): the `stage` parameter, a whole
round driven through the routes (selection scores, ties, finalists, interviews, interview
scores, the national result against hand-computed totals, confirmations, sign-off and awards),
blindness in both scoring stages, every role on every route of the jury, the signed-off ranking
refusing every write, reopening, the jury's verification of direct entries, agreement
statistics, input errors at their fields, mass assignment and the OpenAPI schema."""

import json
from dataclasses import dataclass
from datetime import timedelta
from decimal import Decimal as D

import pytest
from django.conf import settings
from django.core.management import call_command
from django.db import transaction
from django.db.models import Model
from django.utils import timezone
from rest_framework.test import APIClient

from accounts.enums import Role
from accounts.services import role_assign
from candidates.enums import NominationState
from candidates.models import Nomination, NominationTransition
from scoring import services
from scoring.enums import CriterionKind, StageKind
from scoring.models import (
    Award,
    Conflict,
    IndicatorValue,
    Interview,
    RankingConfirmation,
    RankingSnapshot,
    RankingSnapshotRow,
    Score,
    ScoreRevision,
    Scoresheet,
    StageEvent,
    TieDecision,
)
from tests.factories import BranchFactory, CategoryFactory, EditionFactory, UserFactory
from tests.replay import replayed

from .conftest import criterion

pytestmark = pytest.mark.django_db

NOT_AUTHENTICATED = {"detail": "Authentication credentials were not provided."}
FORBIDDEN = {"detail": "You do not have permission to perform this action."}
NO_PANEL = {"detail": "No Panel matches the given query."}
SEL, INT = StageKind.NATIONAL_SELECTION, StageKind.NATIONAL_INTERVIEW
RES = StageKind.NATIONAL_RESULT
FROZEN = (
    "The ranking of Pemerintah Kabupaten/Kota is finalised; the chair must reopen it, with a "
    "reason, before anything changes."
)

ROLES = [
    "anonymous",
    "branch",
    "provincial",
    "other_auditor",
    "juror",
    "chair",
    "admin",
    "auditor",
]

TABLES = (
    Nomination,
    NominationTransition,
    IndicatorValue,
    Scoresheet,
    Score,
    ScoreRevision,
    Conflict,
    TieDecision,
    RankingSnapshot,
    RankingSnapshotRow,
    RankingConfirmation,
    Interview,
    Award,
    StageEvent,
)


def rows(*models: type[Model]) -> dict:
    return {m.__name__: list(m.objects.order_by("pk").values()) for m in models}


def client_for(user=None) -> APIClient:
    """An API client reading English (the site speaks Indonesian unless the cookie says not)."""
    client = APIClient()
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    if user is not None:
        client.force_authenticate(user)
    return client


@pytest.fixture
def api():
    return client_for()


def body_text(response) -> str:
    return json.dumps(response.json())


def denied(role) -> tuple[int, dict]:
    """What a role outside the jury gets on every route below it."""
    if role == "anonymous":
        return 403, NOT_AUTHENTICATED
    if role in ("provincial", "other_auditor"):
        return 404, NO_PANEL
    return 403, FORBIDDEN


def submit(r, kind, user, nomination, value, *, note=None, rubric=None, done=True):
    """A juror's scoresheet through the services (set-up; the API's own writes are tested
    through the routes)."""
    rubric = rubric or (r.selection if kind == SEL else r.interview)
    return services.scoresheet_save(
        actor=user,
        panel=r.panel,
        nomination=nomination,
        scores={
            c.pk: services.ScoreInput(value, note or f"catatan {c.code}")
            for c in rubric.criteria.all()
            if c.is_assessed
        },
        submit=done,
        stage_kind=kind,
    )


# ---------------------------------------------------------------------------------------------
# The jury's world


@dataclass
class JuryWorld:
    round: object
    users: dict
    categories: dict
    nominations: dict
    special: Award
    provincial: object  # Jawa Barat's panel of edition 2030 (tests/scoring/conftest.py)

    @property
    def panel(self):
        return self.round.panel

    def url(self, tail="", panel=None):
        return f"/api/v1/scoring/panels/{(panel or self.panel).pk}/{tail}"

    def path(self, template):
        keys = {**self.nominations, **self.categories, "special": self.special}
        return self.url(template.format(**{k: v.pk for k, v in keys.items()}))


# Hand-computed (SPEC §6), weights 60/40 and the default attendance factors:
#   Bekasi   selection (70 + 80 + 90) / 3 = 80, interview 100 × 1.00 (head) → 48 + 40 = 88.00
#   Bogor    selection 90, interview 80 × 0.80 (regional secretary) = 64 → 54 + 25.6 = 79.60
#   Cirebon  selection 70, interview 90 × 0.90 (deputy) = 81 → 42 + 32.4 = 74.40
#   Depok    selection (40 + 60 + 80) / 3 = 60: fourth, not a finalist (quota 3)
SELECTION = {"bekasi": (70, 80, 90), "bogor": (90, 90, 90), "cirebon": (70, 70, 70),
             "depok": (40, 60, 80)}  # fmt: skip
INTERVIEW = {"bekasi": (100, "head"), "bogor": (80, "secretary"), "cirebon": (90, "deputy")}


@pytest.fixture
def world(make_national, make_round):
    """Built once per process and replayed (tests/replay.py): see _build_world."""
    return replayed(f"{__name__}.world", lambda: _build_world(make_national, make_round))


def _build_world(make_national, make_round):
    """Edition 2031's jury (chair Ketua Juri, jurors Juri 1 and 2) and people of every other
    role. Categories: `kab-kota` (Bekasi, Bogor, Cirebon finalists, Depok not; interviews scored
    and attended; the national result finalised by the chair, waiting for the two jurors'
    confirmations; a special award to Depok), `seri` (Cimahi and Tasikmalaya tied in the
    selection), `tunggal` (Banjar, scored, ready to finalise), `wawancara` (Sukabumi, a finalist
    to interview) and `langsung` (no provincial round: Bandung's dossier waiting for the
    jury's verification)."""
    provincial = make_round()
    r = make_national()
    chair, juror, juror2 = r.members
    edition = r.edition
    stages = {kind: r.stage(kind) for kind in (SEL, INT)}
    k = r.category
    tied = CategoryFactory(edition=edition, code="seri", name="Kategori Seri", order=2,
                           finalist_quota=1)  # fmt: skip
    single = CategoryFactory(edition=edition, code="tunggal", name="Tunggal", order=3)
    interview = CategoryFactory(edition=edition, code="wawancara", name="Wawancara", order=4)
    direct = CategoryFactory(edition=edition, code="langsung", name="Langsung", order=5,
                             has_provincial_round=False)  # fmt: skip
    rubrics = {
        key: services.rubric_create(stage=stages[SEL], category=category,
                                    criteria=[criterion("judged")], final_weight=D(60))
        for key, category in (("tied", tied), ("single", single))
    }  # fmt: skip
    services.rubric_create(
        stage=stages[INT],
        category=interview,
        criteria=[criterion("interview", kind=CriterionKind.INTERVIEW, tie=1)],
        final_weight=D(40),
    )
    n = {
        "bekasi": r.nominate("32.75"),
        "bogor": r.nominate("32.71"),
        "cirebon": r.nominate("32.74"),
        "depok": r.nominate("32.76"),
        "cimahi": r.nominate("32.77", category=tied),
        "tasikmalaya": r.nominate("32.78", category=tied),
        "banjar": r.nominate("32.79", category=single),
        "sukabumi": r.nominate("32.72", state=NominationState.FINALIST, category=interview),
        "bandung": r.nominate("32.73", state=NominationState.SUBMITTED, category=direct),
    }
    for key, values in SELECTION.items():
        for person, value in zip(r.members, values, strict=True):
            submit(r, SEL, person, n[key], value)
    for person in r.members:
        for key in ("cimahi", "tasikmalaya"):
            submit(r, SEL, person, n[key], 70, rubric=rubrics["tied"])
        submit(r, SEL, person, n["banjar"], 75, rubric=rubrics["single"])
    r.select()
    r.open(INT, RES)
    for key, (value, attendance) in INTERVIEW.items():
        r.score_all(INT, n[key], value)
        r.attend(n[key], attendance)
    r.finalise()
    special = services.award_special(
        actor=chair,
        panel=r.panel,
        nomination=n["depok"],
        title="Inovasi Pekerja Rentan",
        reason="Program perlindungan pekerja rentan yang menyeluruh",
    )

    admin = UserFactory(email="sekretariat@example.test", first_name="Sekretariat")
    role_assign(user=admin, role=Role.NATIONAL_ADMIN)
    auditor = UserFactory(email="auditor@example.test", first_name="Auditor")
    role_assign(user=auditor, role=Role.AUDITOR, edition=edition)
    other_auditor = UserFactory(email="auditor.2029@example.test", first_name="Auditor 2029")
    role_assign(user=other_auditor, role=Role.AUDITOR, edition=EditionFactory(year=2029))
    branch = UserFactory(email="cabang@example.test", first_name="Cabang")
    role_assign(user=branch, role=Role.BRANCH_STAFF, branch=BranchFactory(province_id="32"))
    return JuryWorld(
        round=r,
        users={
            "branch": branch,
            "provincial": provincial.members[1],
            "provincial_chair": provincial.chair,
            "other_auditor": other_auditor,
            "juror": juror,
            "juror2": juror2,
            "chair": chair,
            "admin": admin,
            "auditor": auditor,
        },
        categories={
            "kab": k,
            "tied": tied,
            "single": single,
            "interview": interview,
            "direct": direct,
            "provincial_category": provincial.category,
        },
        nominations=n,
        special=special,
        provincial=provincial.panel,
    )


def _ids(body):
    return [r["id"] for r in body["results"]]


def _rows(body):
    return [r["nomination"]["id"] for r in body["rows"]]


SCORE_71 = {
    "scores": [{"criterion": "judged", "value": 71, "note": "ditinjau ulang"}],
    "submit": True,
    "reason": "Salah ketik",
}
READERS = ("juror", "chair", "admin", "auditor")
MANAGERS = {"juror": 403, "chair": 200, "admin": 200, "auditor": 403}

# (name, method, path, payload(world), {role: status or (status, body)}, check(world, body))
# Roles not named get denied(role).
ROUTES = [
    (
        "scoresheet-list-selection",
        "get",
        "scoresheets/?stage=selection",
        None,
        {"juror": 200, "chair": 200, "admin": 403, "auditor": 403},
        # Kab/kota's four, Cimahi and Tasikmalaya, Banjar and Sukabumi (a finalist).
        lambda w, body: body["count"] == 8,
    ),
    (
        "scoresheet-detail-interview",
        "get",
        "scoresheets/{bekasi}/?stage=interview",
        None,
        dict.fromkeys(READERS, 200),
        lambda w, body: (
            (body["stage"]["kind"], [c["kind"] for c in body["criteria"]])
            == ("national_interview", ["interview"])
        ),
    ),
    (
        "scoresheet-update-selection",
        "put",
        "scoresheets/{cimahi}/?stage=selection",
        lambda w: SCORE_71,
        {"juror": 200, "chair": 200, "admin": 403, "auditor": 403},
        lambda w, body: [s["value"] for s in body["scores"]] == ["71.00"],
    ),
    (
        "scoresheet-update-interview",
        "put",
        "scoresheets/{sukabumi}/?stage=interview",
        lambda w: {
            "scores": [{"criterion": "interview", "value": 85, "note": "paparan jelas"}],
            "submit": True,
        },
        {"juror": 200, "chair": 200, "admin": 403, "auditor": 403},
        lambda w, body: (
            (body["status"], body["stage"]["kind"]) == ("submitted", "national_interview")
        ),
    ),
    (
        "ranking-list-final",
        "get",
        "rankings/?stage=final",
        None,
        dict.fromkeys(READERS, 200),
        lambda w, body: [r["category"]["code"] for r in body] == ["kab-kota", "wawancara"],
    ),
    (
        "ranking-detail-final",
        "get",
        "rankings/{kab}/?stage=final",
        None,
        dict.fromkeys(READERS, 200),
        lambda w, body: [r["total"] for r in body["rows"]] == ["88.00", "79.60", "74.40"],
    ),
    (
        "ranking-ties-selection",
        "post",
        "rankings/{tied}/ties/?stage=selection",
        lambda w: {
            "order": [w.nominations["tasikmalaya"].pk, w.nominations["cimahi"].pk],
            "reason": "Tasikmalaya menjangkau lebih banyak pekerja rentan",
        },
        MANAGERS,
        lambda w, body: (
            body["ties"] == []
            and _rows(body) == [w.nominations["tasikmalaya"].pk, w.nominations["cimahi"].pk]
        ),
    ),
    (
        "ranking-finalise-selection",
        "post",
        "rankings/{single}/finalise/?stage=selection",
        None,
        MANAGERS,
        lambda w, body: (body["finalised"], body["rows"][0]["advanced"]) == (True, True),
    ),
    (
        "ranking-reopen-final",
        "post",
        "rankings/{kab}/reopen/?stage=final",
        lambda w: {"reason": "Nilai wawancara salah dimasukkan"},
        MANAGERS,
        lambda w, body: (
            (body["ranking"], body["finalised"], body["snapshot"]) == ("final", False, None)
        ),
    ),
    (
        "ranking-confirm",
        "post",
        "rankings/{kab}/confirm/",
        None,
        {
            "juror": 200,
            # The chair's finalisation was their confirmation.
            "chair": (400, {"non_field_errors": ["You have already confirmed this ranking."]}),
            "admin": 403,
            "auditor": 403,
        },
        lambda w, body: (
            (body["snapshot"]["confirmed"], body["snapshot"]["confirmed_by_you"]) == (2, True)
        ),
    ),
    (
        "agreement-selection",
        "get",
        "rankings/{kab}/agreement/?stage=selection",
        None,
        {"juror": 403, "chair": 200, "admin": 200, "auditor": 200},
        lambda w, body: (body["visible"], body["flagged"]) == (True, 1),
    ),
    (
        "interview-list",
        "get",
        "interviews/",
        None,
        dict.fromkeys(READERS, 200),
        lambda w, body: (
            [r["nomination"]["id"] for r in body["results"]]
            == [w.nominations[k].pk for k in ("bekasi", "bogor", "cirebon", "sukabumi")]
        ),
    ),
    (
        "interview-detail",
        "get",
        "interviews/{bekasi}/",
        None,
        dict.fromkeys(READERS, 200),
        lambda w, body: (body["attendance"], body["factor"]) == ("head", "1.00"),
    ),
    (
        "interview-schedule",
        "put",
        "interviews/{sukabumi}/schedule/",
        lambda w: {
            "scheduled_at": "2031-08-12T09:00:00+07:00",
            "video_link": "https://meet.example.test/sukabumi",
        },
        MANAGERS,
        lambda w, body: (
            (body["video_link"], body["scheduled_at"])
            == ("https://meet.example.test/sukabumi", "2031-08-12T09:00:00+07:00")
        ),
    ),
    (
        "interview-record",
        "put",
        "interviews/{sukabumi}/record/",
        lambda w: {
            "attendance": "deputy",
            "attendee": "Wakil Wali Kota Sukabumi",
            "minutes": "Paparan program BPU.",
        },
        MANAGERS,
        lambda w, body: (body["attendance"], body["factor"]) == ("deputy", "0.90"),
    ),
    (
        "award-list",
        "get",
        "awards/",
        None,
        dict.fromkeys(READERS, 200),
        lambda w, body: (
            [(a["kind"], a["nomination"]["id"], a["current"]) for a in body["results"]]
            == [("special", w.nominations["depok"].pk, True)]
        ),
    ),
    (
        "award-create",
        "post",
        "awards/",
        lambda w: {
            "nomination": w.nominations["banjar"].pk,
            "title": "Kota Kecil Terbaik",
            "reason": "Cakupan tertinggi di antara kota kecil",
        },
        {"juror": 403, "chair": 201, "admin": 201, "auditor": 403},
        lambda w, body: (body["kind"], body["title"]) == ("special", "Kota Kecil Terbaik"),
    ),
    (
        "award-withdraw",
        "post",
        "awards/{special}/withdraw/",
        lambda w: {"reason": "Data program tidak terbukti"},
        MANAGERS,
        lambda w, body: (
            (body["current"], body["withdrawn_reason"]) == (False, "Data program tidak terbukti")
        ),
    ),
    (
        "verification-list",
        "get",
        "verifications/",
        None,
        dict.fromkeys(READERS, 200),
        lambda w, body: _ids(body) == [w.nominations["bandung"].pk],
    ),
    (
        "verification-create",
        "post",
        "verifications/",
        lambda w: {"nomination": w.nominations["bandung"].pk, "decision": "verify"},
        {"juror": 201, "chair": 201, "admin": 201, "auditor": 403},
        lambda w, body: body["state"] == "verified",
    ),
    (
        "conflict-list",
        "get",
        "conflicts/",
        None,
        dict.fromkeys(READERS, 200),
        lambda w, body: body["count"] == 0,
    ),
    (
        "conflict-create",
        "post",
        "conflicts/",
        lambda w: {"nomination": w.nominations["cimahi"].pk, "reason": "Saudara saya Sekda"},
        {"juror": 201, "chair": 201, "admin": 403, "auditor": 403},
        lambda w, body: body["source"] == "declared",
    ),
]


@pytest.mark.parametrize("route", ROUTES, ids=[r[0] for r in ROUTES])
def test_every_role_on_every_jury_route(world, route):
    """Each role in turn, each request rolled back: what one role does never helps another."""
    _name, method, template, payload, allowed, check = route
    for role in ROLES:
        with transaction.atomic():
            api = client_for(None if role == "anonymous" else world.users[role])
            before = rows(*TABLES)
            response = getattr(api, method)(
                world.path(template), payload(world) if payload else None, format="json"
            )
            body = response.json()
            expected = allowed.get(role)
            if isinstance(expected, int) and expected < 400:
                assert response.status_code == expected, (role, body)
                assert check(world, body), (role, body)
            else:
                if expected is None:
                    expected = denied(role)
                elif isinstance(expected, int):
                    expected = (expected, FORBIDDEN)
                assert (response.status_code, body) == expected, role
                assert rows(*TABLES) == before, role
            transaction.set_rollback(True)


def test_jury_routes_answer_404_on_a_provincial_panel(world):
    """Interviews, awards and confirmations belong to the jury: under a provincial panel they
    are not found, for its members and for the secretariat alike."""
    nominee = world.nominations["bekasi"].pk
    category = world.categories["provincial_category"].pk
    for role in ("provincial", "provincial_chair", "admin"):
        api = client_for(world.users[role])
        for method, tail in (
            ("get", "interviews/"),
            ("get", f"interviews/{nominee}/"),
            ("put", f"interviews/{nominee}/schedule/"),
            ("put", f"interviews/{nominee}/record/"),
            ("get", "awards/"),
            ("post", "awards/"),
            ("post", f"awards/{world.special.pk}/withdraw/"),
            ("post", f"rankings/{category}/confirm/"),
        ):
            response = getattr(api, method)(world.url(tail, world.provincial), {}, format="json")
            assert (response.status_code, response.json()) == (404, NO_PANEL), (role, tail)


def test_the_stage_parameter_must_name_a_stage_of_the_panel_on_that_route(world):
    api = client_for(world.users["admin"])
    kab = world.categories["kab"].pk

    def stage_error(url, choices, slug, method="get"):
        response = getattr(api, method)(url)
        assert (response.status_code, response.json()) == (
            400,
            {"stage": [f"This panel has no stage “{slug}” here; choose one of: {choices}."]},
        ), url

    reads = "selection, interview, final"
    stage_error(world.url(f"rankings/{kab}/?stage=assessment"), reads, "assessment")
    bekasi = world.nominations["bekasi"].pk
    stage_error(world.url(f"scoresheets/{bekasi}/?stage=final"), "selection, interview", "final")
    stage_error(
        world.url(f"rankings/{kab}/agreement/?stage=final"), "selection, interview", "final"
    )
    stage_error(world.url("rankings/?stage=nationale"), reads, "nationale")
    # The interview's ranking is read only: ties, finalising and reopening are the national
    # result's.
    for action in ("finalise", "reopen", "ties"):
        url = world.url(f"rankings/{kab}/{action}/?stage=interview")
        stage_error(url, "selection, final", "interview", "post")
    province = world.provincial
    stage_error(world.url("rankings/?stage=selection", province), "assessment", "selection")
    stage_error(world.url("rankings/?stage=final", province), "assessment", "final")
    # The default is the panel's first stage; naming it gives the same answer.
    assert api.get(world.url("rankings/", province)).json() == (
        api.get(world.url("rankings/?stage=assessment", province)).json()
    )
    assert api.get(world.url("rankings/")).json() == (
        api.get(world.url("rankings/?stage=selection")).json()
    )
    # A write with an unknown stage is refused before anything happens.
    before = rows(*TABLES)
    chair = client_for(world.users["chair"])
    response = chair.post(world.url(f"rankings/{kab}/finalise/?stage=interview"))
    assert response.status_code == 400
    assert rows(*TABLES) == before


def _interview_row(world, key, rank, total):
    return {
        "rank": rank,
        "nomination": world.nominations[key].pk,
        "total": total,
        "tied": False,
        "tie_broken": False,
        "tie_position": None,
        "tie_reason": "",
        "label": "",
        "advanced": None,
        "missing_scoresheets": 0,
        "criteria": [
            {"criterion": "interview", "score": total, "contribution": total, "counted": 3}
        ],
        "withheld": "",
    }


def test_the_interview_is_ranked_on_its_own_and_frozen_by_the_national_result(world):
    """`?stage=interview` (README: `?stage=selection|interview|final`) ranks the finalists by
    their interview alone, each interview score times the attendance factor: Bekasi 100 × 1.00,
    Cirebon 90 × 0.90 = 81, Bogor 80 × 0.80 = 64 (the national result puts Bogor before
    Cirebon: 79.60 against 74.40). Kab/kota's national result is finalised: the interview's
    ranking is the one it froze."""
    admin = client_for(world.users["admin"])
    result = RankingSnapshot.objects.get(stage__kind=RES, category=world.categories["kab"])
    body = admin.get(world.path("rankings/{kab}/?stage=interview")).json()
    assert {k: body[k] for k in ("ranking", "finalised", "visible", "progress", "ties")} == {
        "ranking": "interview",
        "finalised": True,
        "visible": True,
        "progress": {"nominees": 3, "scoresheets_missing": 0},
        "ties": [],
    }
    assert body["stage"]["kind"] == "national_interview"
    assert body["snapshot"] == {
        "finalised_at": result.finalised_at.astimezone(timezone.get_current_timezone()).isoformat(),
        "finalised_by": "Ketua Juri",
        "quota": None,
        "cut_off": None,
    }
    assert body["criteria"] == [
        {
            "id": None,
            "code": "interview",
            "name": "Interview",
            "guidance": "",
            "kind": "interview",
            "weight": "1.00",
            "tie_break_order": 1,
        }
    ]
    assert [{**row, "nomination": row["nomination"]["id"]} for row in body["rows"]] == [
        _interview_row(world, "bekasi", 1, "100.00"),
        _interview_row(world, "cirebon", 2, "81.00"),
        _interview_row(world, "bogor", 3, "64.00"),
    ]
    # The same ranking while live: reopening the national result unfreezes the interview.
    services.ranking_reopen(
        actor=world.users["chair"], snapshot=result, reason="Nilai wawancara diperiksa ulang"
    )
    live = admin.get(world.path("rankings/{kab}/?stage=interview")).json()
    assert (live["finalised"], live["snapshot"], live["ties"]) == (False, None, [])
    assert [(r["nomination"]["id"], r["rank"], r["total"]) for r in live["rows"]] == [
        (world.nominations[key].pk, rank, total)
        for key, rank, total in (("bekasi", 1, "100.00"), ("cirebon", 2, "81.00"),
                                 ("bogor", 3, "64.00"))
    ]  # fmt: skip
    assert live["criteria"][0]["tie_break_order"] == 1
    # The categories the interview ranks: those with finalists.
    listing = admin.get(world.url("rankings/?stage=interview")).json()
    assert [(c["category"]["code"], c["finalised"]) for c in listing] == [
        ("kab-kota", False),
        ("wawancara", False),
    ]


def test_a_juror_sees_the_interview_ranking_only_after_scoring_every_finalist(world):
    """Blindness as in every ranking: Sukabumi's interview is not scored, so a juror sees the
    progress of `wawancara` only; the secretariat sees the (empty) live ranking."""
    juror = client_for(world.users["juror"])
    body = juror.get(world.path("rankings/{interview}/?stage=interview")).json()
    assert (body["visible"], body["rows"], body["progress"]) == (
        False,
        [],
        {"nominees": 1, "scoresheets_missing": 3},
    )
    admin = client_for(world.users["admin"])
    body = admin.get(world.path("rankings/{interview}/?stage=interview")).json()
    assert (body["visible"], body["finalised"]) == (True, False)
    assert [c["tie_break_order"] for c in body["criteria"]] == [1]


@pytest.mark.parametrize(
    ("method", "tail"),
    [
        ("put", "interviews/{bekasi}/"),
        ("post", "interviews/"),
        ("get", "interviews/{bekasi}/schedule/"),
        ("post", "interviews/{bekasi}/record/"),
        ("put", "awards/"),
        ("delete", "awards/"),
        ("get", "awards/{special}/withdraw/"),
        ("get", "rankings/{kab}/confirm/"),
        ("post", "rankings/{kab}/agreement/"),
    ],
)
def test_jury_routes_without_the_method_answer_405(world, method, tail):
    api = client_for(world.users["admin"])
    before = rows(*TABLES)
    response = getattr(api, method)(world.path(tail), {"attendance": "head"}, format="json")
    assert (response.status_code, response.json()) == (
        405,
        {"detail": f'Method "{method.upper()}" not allowed.'},
    )
    assert rows(*TABLES) == before


def test_the_jury_is_a_panel_of_the_api(world):
    """The jury is listed with the panels (province null, first in its edition) and shows its
    members' names to the chair only among its members."""
    juror = client_for(world.users["juror"])
    listed = juror.get("/api/v1/scoring/panels/").json()
    assert [(p["id"], p["edition"], p["province"]) for p in listed["results"]] == [
        (world.panel.pk, 2031, None)
    ]
    detail = juror.get(world.url()).json()
    assert (detail["province"], [m["name"] for m in detail["members"]]) == (None, [None] * 3)
    assert [c["code"] for c in detail["categories"]] == ["kab-kota", "seri", "tunggal", "wawancara"]
    assert detail["you"] == {
        "is_member": True,
        "is_chair": False,
        "verify_nominations": True,
        "score": True,
        "declare_conflict": True,
        "view_ranking": True,
        "view_conflicts": False,
        "finalise_ranking": False,
    }
    chair = client_for(world.users["chair"]).get(world.url()).json()
    assert [m["name"] for m in chair["members"]] == ["Ketua Juri", "Juri 1", "Juri 2"]
    admin = client_for(world.users["admin"]).get("/api/v1/scoring/panels/").json()
    assert [p["id"] for p in admin["results"]] == [world.panel.pk, world.provincial.pk]


# ---------------------------------------------------------------------------------------------
# A national round driven through the API


def _cell(code, score, contribution, counted, judged=None, factor=None):
    return {
        "criterion": code,
        "score": score,
        "contribution": contribution,
        "counted": counted,
        "judged": judged,
        "factor": factor,
    }


def _stages(selection, selection_rank, interview, interview_rank, judged, factor, *, frozen):
    return [
        {
            "stage": "national_selection",
            "name": "National selection",
            "weight": "60.00",
            "total": selection,
            "rank": selection_rank,
            "frozen": True,
            "criteria": [_cell("judged", selection, selection, 3)],
        },
        {
            "stage": "national_interview",
            "name": "National interview",
            "weight": "40.00",
            "total": interview,
            "rank": interview_rank,
            "frozen": frozen,
            "criteria": [_cell("interview", interview, interview, 3, judged, factor)],
        },
    ]


def test_a_national_round_through_the_api(make_national):
    r = make_national()
    bekasi, bogor, cirebon, depok = (
        r.nominate(code) for code in ("32.75", "32.71", "32.74", "32.76")
    )
    base = f"/api/v1/scoring/panels/{r.panel.pk}/"
    kab = f"{base}rankings/{r.category.pk}/"
    as_chair, as_juror, as_juror2 = (client_for(p) for p in r.members)

    def put_score(client, nomination, stage, code, value):
        response = client.put(
            f"{base}scoresheets/{nomination.pk}/?stage={stage}",
            {"scores": [{"criterion": code, "value": value, "note": f"catatan {value}"}],
             "submit": True},
            format="json",
        )  # fmt: skip
        assert (response.status_code, response.json()["status"]) == (200, "submitted")

    # The selection: Cirebon and Depok tie at 70 for the last of three finalist places.
    for nomination, values in (
        (bekasi, (70, 80, 90)),
        (bogor, (90, 90, 90)),
        (cirebon, (70, 70, 70)),
        (depok, (60, 70, 80)),
    ):
        for client, value in zip((as_chair, as_juror, as_juror2), values, strict=True):
            put_score(client, nomination, "selection", "judged", value)
    live = as_chair.get(f"{kab}?stage=selection").json()
    assert (live["ranking"], live["ties"]) == ("selection", [[cirebon.pk, depok.pk]])
    assert [(row["rank"], row["nomination"]["id"], row["total"], row["tied"])
            for row in live["rows"]] == [
        (1, bogor.pk, "90.00", False),
        (2, bekasi.pk, "80.00", False),
        (3, cirebon.pk, "70.00", True),
        (3, depok.pk, "70.00", True),
    ]  # fmt: skip
    refused = as_chair.post(f"{kab}finalise/?stage=selection")
    assert (refused.status_code, refused.json()["non_field_errors"][-1]) == (
        400,
        "Still tied at rank 3: Pemerintah Kota Cirebon, Pemerintah Kota Depok.",
    )
    decided = as_chair.post(
        f"{kab}ties/?stage=selection",
        {"order": [depok.pk, cirebon.pk], "reason": "Depok menjangkau lebih banyak pekerja"},
        format="json",
    )
    assert (decided.status_code, decided.json()["ties"]) == (200, [])
    selected = as_chair.post(f"{kab}finalise/?stage=selection")
    body = selected.json()
    assert (selected.status_code, body["finalised"], body["snapshot"]["cut_off"]) == (
        200,
        True,
        "70.00",
    )
    assert [(row["rank"], row["nomination"]["id"], row["advanced"], row["tie_reason"])
            for row in body["rows"]] == [
        (1, bogor.pk, True, ""),
        (2, bekasi.pk, True, ""),
        (3, depok.pk, True, "Depok menjangkau lebih banyak pekerja"),
        (4, cirebon.pk, False, "Depok menjangkau lebih banyak pekerja"),
    ]  # fmt: skip
    states = dict(Nomination.objects.values_list("pk", "state"))
    assert states == {
        bekasi.pk: NominationState.FINALIST,
        bogor.pk: NominationState.FINALIST,
        depok.pk: NominationState.FINALIST,
        cirebon.pk: NominationState.NOT_FINALIST,
    }

    # The interviews: scheduled, attended, scored.
    r.open(INT, RES)
    for nomination, when, attendance, attendee in (
        (bekasi, "2031-08-11T09:00:00+07:00", "head", "Wali Kota Bekasi"),
        (bogor, "2031-08-11T13:00:00+07:00", "secretary", "Sekretaris Daerah Kota Bogor"),
        (depok, "2031-08-12T09:00:00+07:00", "deputy", "Wakil Wali Kota Depok"),
    ):
        url = f"{base}interviews/{nomination.pk}/"
        scheduled = as_chair.put(
            f"{url}schedule/",
            {"scheduled_at": when, "video_link": f"https://meet.example.test/{nomination.pk}"},
            format="json",
        )
        assert (scheduled.status_code, scheduled.json()["scheduled_at"]) == (200, when)
        recorded = as_chair.put(
            f"{url}record/",
            {"attendance": attendance, "attendee": attendee, "minutes": "Paparan dan tanya jawab"},
            format="json",
        )
        assert recorded.status_code == 200
    listed = as_juror.get(f"{base}interviews/").json()
    assert [
        (row["nomination"]["id"], row["attendance"], row["attendee"], row["factor"])
        for row in listed["results"]
    ] == [
        (bekasi.pk, "head", "Wali Kota Bekasi", "1.00"),
        (bogor.pk, "secretary", "Sekretaris Daerah Kota Bogor", "0.80"),
        (depok.pk, "deputy", "Wakil Wali Kota Depok", "0.90"),
    ]
    for nomination, value in ((bekasi, 100), (bogor, 80), (depok, 90)):
        for client in (as_chair, as_juror, as_juror2):
            put_score(client, nomination, "interview", "interview", value)

    # The national result, live: 0.6 × selection + 0.4 × interview × attendance factor.
    final = as_juror.get(f"{kab}?stage=final").json()
    assert (final["ranking"], final["visible"], final["finalised"], final["ties"],
            final["problems"]) == ("final", True, False, [], [])  # fmt: skip
    assert final["snapshot"] is None
    assert final["weights"] == [
        {"stage": "national_selection", "name": "National selection", "weight": "60.00"},
        {"stage": "national_interview", "name": "National interview", "weight": "40.00"},
    ]
    expected = [
        # 0.6 × 80 + 0.4 × 100 × 1.00 = 88.00
        (bekasi, "88.00", _stages("80.00", 2, "100.00", 1, "100.00", "1.00", frozen=False),
         "head", "Wali Kota Bekasi", "1.00"),
        # 0.6 × 90 + 0.4 × 80 × 0.80 = 54 + 25.6 = 79.60
        (bogor, "79.60", _stages("90.00", 1, "64.00", 3, "80.00", "0.80", frozen=False),
         "secretary", "Sekretaris Daerah Kota Bogor", "0.80"),
        # 0.6 × 70 + 0.4 × 90 × 0.90 = 42 + 32.4 = 74.40
        (depok, "74.40", _stages("70.00", 3, "81.00", 2, "90.00", "0.90", frozen=False),
         "deputy", "Wakil Wali Kota Depok", "0.90"),
    ]  # fmt: skip
    assert [{k: v for k, v in row.items() if k != "nomination"} for row in final["rows"]] == [
        {
            "rank": rank,
            "total": total,
            "tied": False,
            "tie_broken": False,
            "tie_position": None,
            "tie_reason": "",
            "label": "",
            "advanced": None,
            "missing_scoresheets": 0,
            "stages": stages,
            "attendance": attendance,
            "attendee": attendee,
            "factor": factor,
        }
        for rank, (_n, total, stages, attendance, attendee, factor) in enumerate(expected, 1)
    ]
    assert _rows(final) == [bekasi.pk, bogor.pk, depok.pk]

    # The chair finalises (their own confirmation), the two jurors confirm: signed off.
    finalised = as_chair.post(f"{kab}finalise/?stage=final")
    body = finalised.json()
    assert (finalised.status_code, body["finalised"]) == (200, True)
    assert [(row["rank"], row["nomination"]["id"], row["total"], row["label"], row["advanced"])
            for row in body["rows"]] == [
        (1, bekasi.pk, "88.00", "peringkat_1", True),
        (2, bogor.pk, "79.60", "peringkat_2", True),
        (3, depok.pk, "74.40", "peringkat_3", True),
    ]  # fmt: skip
    assert body["rows"][0]["stages"] == _stages(
        "80.00", 2, "100.00", 1, "100.00", "1.00", frozen=True
    )
    snapshot = body["snapshot"]
    assert {k: v for k, v in snapshot.items() if k not in ("finalised_at", "confirmations")} == {
        "finalised_by": "Ketua Juri",
        "quota": 3,
        "cut_off": None,
        "signed_off_at": None,
        "jurors": 3,
        "confirmed": 1,
        "confirmed_by_you": True,
    }
    assert [c["juror"] for c in snapshot["confirmations"]] == ["Ketua Juri"]
    seen_by_juror = as_juror.get(f"{kab}?stage=final").json()["snapshot"]
    # Jurors see how many confirmed, not who.
    assert (seen_by_juror["confirmed"], seen_by_juror["confirmed_by_you"],
            seen_by_juror["confirmations"]) == (1, False, None)  # fmt: skip
    assert Award.objects.count() == 0

    first = as_juror.post(f"{kab}confirm/").json()["snapshot"]
    assert (first["confirmed"], first["confirmed_by_you"], first["signed_off_at"]) == (
        2,
        True,
        None,
    )
    last = as_juror2.post(f"{kab}confirm/")
    assert last.status_code == 200
    signed = last.json()["snapshot"]
    assert signed["confirmed"] == 3
    assert signed["signed_off_at"] is not None
    chair_view = as_chair.get(f"{kab}?stage=final").json()["snapshot"]
    assert [c["juror"] for c in chair_view["confirmations"]] == ["Ketua Juri", "Juri 1", "Juri 2"]

    awards = as_juror2.get(f"{base}awards/").json()
    assert [
        (a["kind"], a["label"], a["title"], a["rank"], a["nomination"]["id"], a["current"])
        for a in awards["results"]
    ] == [
        ("ranked", "peringkat_1", "Peringkat I", 1, bekasi.pk, True),
        ("ranked", "peringkat_2", "Peringkat II", 2, bogor.pk, True),
        ("ranked", "peringkat_3", "Peringkat III", 3, depok.pk, True),
    ]
    assert dict(Nomination.objects.values_list("pk", "state")) == {
        bekasi.pk: NominationState.AWARDED,
        bogor.pk: NominationState.AWARDED,
        depok.pk: NominationState.AWARDED,
        cirebon.pk: NominationState.NOT_FINALIST,
    }


# ---------------------------------------------------------------------------------------------
# Blindness


def test_jurors_see_no_other_scores_and_no_totals_before_submitting_in_both_stages(
    make_national,
):
    r = make_national(finalist_quota=2)
    chair, juror, juror2 = r.members
    bekasi, bogor = r.nominate("32.75"), r.nominate("32.71")
    base = f"/api/v1/scoring/panels/{r.panel.pk}/"
    kab = f"{base}rankings/{r.category.pk}/"
    as_chair, as_juror, as_juror2 = (client_for(p) for p in r.members)
    admin = UserFactory(email="sekretariat@example.test", first_name="Sekretariat")
    role_assign(user=admin, role=Role.NATIONAL_ADMIN)

    # The selection: the chair submits Bekasi only; juror 1 submits Bekasi; juror 2 a draft.
    submit(r, SEL, chair, bekasi, 81, note="Catatan rahasia ketua")
    submit(r, SEL, juror, bekasi, 83, note="Catatan rahasia juri satu")
    submit(r, SEL, juror2, bekasi, 77, note="Draf juri dua", done=False)

    sheet = as_juror2.get(f"{base}scoresheets/{bekasi.pk}/?stage=selection")
    assert (sheet.json()["others"], sheet.json()["scores"]) == (
        None,
        [{"criterion": "judged", "value": "77.00", "note": "Draf juri dua"}],
    )
    ranking = as_juror2.get(f"{kab}?stage=selection")
    assert (ranking.json()["visible"], ranking.json()["rows"], ranking.json()["ties"]) == (
        False,
        [],
        [],
    )
    assert ranking.json()["progress"] == {"nominees": 2, "scoresheets_missing": 4}
    for response in (sheet, ranking, as_juror2.get(f"{base}rankings/?stage=selection")):
        assert "rahasia" not in body_text(response)
        assert "81.00" not in body_text(response) and "83.00" not in body_text(response)
    # Juror 1 submitted Bekasi: they see the chair's scores for it (anonymous), not the
    # ranking (Bogor is not scored yet).
    others = as_juror.get(f"{base}scoresheets/{bekasi.pk}/").json()["others"]
    assert others == [
        {
            "assessor": "Assessor 1",
            "counts": True,
            "scores": [{"criterion": "judged", "value": "81.00", "note": "Catatan rahasia ketua"}],
        }
    ]
    assert as_juror.get(f"{kab}?stage=selection").json()["visible"] is False
    # Nor does the chair see the agreement between jurors before scoring every nominee.
    agreement = as_chair.get(f"{kab}agreement/?stage=selection").json()
    assert (agreement["visible"], agreement["criteria"], agreement["rows"]) == (False, [], [])
    assert "83.00" not in json.dumps(agreement)
    # The secretariat, who does not score, sees everything.
    assert client_for(admin).get(f"{kab}?stage=selection").json()["visible"] is True

    for person, value in ((chair, 70), (juror, 72), (juror2, 74)):
        submit(r, SEL, person, bogor, value)
    submit(r, SEL, juror2, bekasi, 77, note="Draf juri dua")
    visible = as_juror2.get(f"{kab}?stage=selection").json()
    # Bekasi (81 + 83 + 77) / 3 = 80.33, Bogor (70 + 72 + 74) / 3 = 72.00
    assert [(row["nomination"]["id"], row["total"]) for row in visible["rows"]] == [
        (bekasi.pk, "80.33"),
        (bogor.pk, "72.00"),
    ]
    assert as_chair.get(f"{kab}agreement/?stage=selection").json()["visible"] is True
    r.select()

    # The interview: the chair submits Bekasi; juror 1 has not scored anyone.
    r.open(INT, RES)
    r.attend(bekasi, "head")
    r.attend(bogor, "other")
    submit(r, INT, chair, bekasi, 95, note="Wawancara rahasia ketua")
    sheet = as_juror.get(f"{base}scoresheets/{bekasi.pk}/?stage=interview")
    assert (sheet.status_code, sheet.json()["others"], sheet.json()["scores"]) == (200, None, [])
    final = as_juror.get(f"{kab}?stage=final")
    assert (final.json()["visible"], final.json()["rows"], final.json()["ties"]) == (
        False,
        [],
        [],
    )
    assert final.json()["progress"] == {"nominees": 2, "scoresheets_missing": 5}
    for response in (sheet, final, as_juror.get(f"{base}rankings/?stage=final")):
        assert "rahasia" not in body_text(response)
        assert "95.00" not in body_text(response)
    submit(r, INT, juror, bekasi, 85)
    others = as_juror.get(f"{base}scoresheets/{bekasi.pk}/?stage=interview").json()["others"]
    assert [(o["assessor"], o["scores"][0]["value"]) for o in others] == [("Assessor 1", "95.00")]
    assert as_juror.get(f"{kab}?stage=final").json()["visible"] is False  # Bogor to score
    submit(r, INT, juror, bogor, 60)
    seen = as_juror.get(f"{kab}?stage=final").json()
    # Bekasi: 0.6 × 80.33 + 0.4 × (95 + 85) / 2 × 1.00 = 48.198 + 36 = 84.20
    # Bogor: 0.6 × 72 + 0.4 × 60 × 0.70 = 43.2 + 16.8 = 60.00
    assert (seen["visible"], [(row["nomination"]["id"], row["total"]) for row in seen["rows"]]) == (
        True,
        [(bekasi.pk, "84.20"), (bogor.pk, "60.00")],
    )


# ---------------------------------------------------------------------------------------------
# Sign-off and reopening


def test_a_signed_off_ranking_refuses_every_write_and_reopens_only_with_a_reason(world):
    n = world.nominations
    snapshot = RankingSnapshot.objects.get(stage__kind=RES, reopened_at=None)
    for person in (world.users["juror"], world.users["juror2"]):
        services.ranking_confirm(actor=person, snapshot=snapshot)
    snapshot.refresh_from_db()
    assert snapshot.signed_off_at is not None
    chair, juror = client_for(world.users["chair"]), client_for(world.users["juror"])
    admin = client_for(world.users["admin"])
    bekasi, bogor = n["bekasi"].pk, n["bogor"].pk
    ranked = Award.objects.filter(kind="ranked").order_by("rank")
    assert [a.nomination_id for a in ranked] == [bekasi, bogor, n["cirebon"].pk]
    frozen = {"non_field_errors": [FROZEN]}
    rescore = {**SCORE_71, "scores": [{"criterion": "judged", "value": 71, "note": "x"}]}
    interview_rescore = {
        **SCORE_71,
        "scores": [{"criterion": "interview", "value": 50, "note": "x"}],
    }
    attempts = [
        (juror, "put", f"scoresheets/{bekasi}/?stage=selection", rescore, 400, frozen),
        (juror, "put", f"scoresheets/{bekasi}/?stage=interview", interview_rescore, 400, frozen),
        (
            chair,
            "post",
            "rankings/{kab}/ties/?stage=final",
            {"order": [bekasi, bogor], "reason": "x"},
            400,
            frozen,
        ),
        (
            admin,
            "post",
            "rankings/{kab}/ties/?stage=selection",
            {"order": [n["cirebon"].pk, n["depok"].pk], "reason": "x"},
            400,
            frozen,
        ),
        (chair, "post", "rankings/{kab}/finalise/?stage=final", None, 400, frozen),
        (admin, "post", "rankings/{kab}/finalise/?stage=selection", None, 400, frozen),
        (
            chair,
            "put",
            f"interviews/{bekasi}/schedule/",
            {"scheduled_at": "2031-08-20T09:00:00+07:00", "video_link": ""},
            400,
            frozen,
        ),
        (
            admin,
            "put",
            f"interviews/{bekasi}/record/",
            {"attendance": "other", "attendee": "Kepala Dinas"},
            400,
            frozen,
        ),
        (
            chair,
            "post",
            "rankings/{kab}/reopen/?stage=final",
            {},
            400,
            {"reason": ["Give the reason for reopening the ranking."]},
        ),
        (
            admin,
            "post",
            "rankings/{kab}/reopen/?stage=final",
            {"reason": "   "},
            400,
            {"reason": ["Give the reason for reopening the ranking."]},
        ),
        (
            chair,
            "post",
            "rankings/{kab}/reopen/?stage=selection",
            {"reason": "Nilai seleksi salah"},
            400,
            {
                "non_field_errors": [
                    "The national result of Pemerintah Kabupaten/Kota is finalised; reopen it "
                    "before the selection."
                ]
            },
        ),
        (
            chair,
            "post",
            "rankings/{kab}/confirm/",
            None,
            400,
            {"non_field_errors": ["This ranking is already signed off."]},
        ),
        (juror, "post", "conflicts/", {"nomination": bekasi, "reason": "Kakak saya"}, 400, frozen),
        (
            chair,
            "post",
            f"awards/{ranked[0].pk}/withdraw/",
            {"reason": "x"},
            400,
            {
                "non_field_errors": [
                    "An award from the ranking is withdrawn by reopening the ranking, with a "
                    "reason."
                ]
            },
        ),
        (juror, "post", "rankings/{kab}/reopen/?stage=final", {"reason": "x"}, 403, FORBIDDEN),
    ]
    before = rows(*TABLES)
    for client, method, template, payload, status, body in attempts:
        response = getattr(client, method)(world.path(template), payload, format="json")
        assert (response.status_code, response.json()) == (status, body), template
    assert rows(*TABLES) == before

    reopened = chair.post(
        world.path("rankings/{kab}/reopen/?stage=final"),
        {"reason": "Kehadiran Bogor salah dicatat"},
        format="json",
    )
    body = reopened.json()
    assert (reopened.status_code, body["finalised"], body["snapshot"], body["visible"]) == (
        200,
        False,
        None,
        True,
    )
    assert [row["total"] for row in body["rows"]] == ["88.00", "79.60", "74.40"]
    awards = admin.get(world.url("awards/")).json()["results"]
    assert [
        (a["kind"], a["nomination"]["id"], a["current"], a["withdrawn_reason"], a["withdrawn_by"])
        for a in awards
    ] == [
        ("special", n["depok"].pk, True, "", None),
        ("ranked", bekasi, False, "Kehadiran Bogor salah dicatat", "Ketua Juri"),
        ("ranked", bogor, False, "Kehadiran Bogor salah dicatat", "Ketua Juri"),
        ("ranked", n["cirebon"].pk, False, "Kehadiran Bogor salah dicatat", "Ketua Juri"),
    ]
    # Jurors see withdrawals, not who withdrew.
    assert {a["withdrawn_by"] for a in juror.get(world.url("awards/")).json()["results"]} == {None}
    states = Nomination.objects.filter(category=world.categories["kab"]).values_list(
        "pk", "state", "national_label"
    )
    assert sorted(states) == sorted(
        [
            (bekasi, NominationState.FINALIST, ""),
            (bogor, NominationState.FINALIST, ""),
            (n["cirebon"].pk, NominationState.FINALIST, ""),
            (n["depok"].pk, NominationState.NOT_FINALIST, ""),
        ]
    )
    assert RankingSnapshot.objects.get(stage__kind=RES).reopen_reason == (
        "Kehadiran Bogor salah dicatat"
    )
    # Open again: the interview can be corrected.
    recorded = chair.put(
        world.path(f"interviews/{bogor}/record/"),
        {"attendance": "deputy", "attendee": "Wakil Wali Kota Bogor"},
        format="json",
    )
    assert (recorded.status_code, recorded.json()["factor"]) == (200, "0.90")


# ---------------------------------------------------------------------------------------------
# Verification by the jury (categories without a provincial round)


def test_the_jury_verifies_returns_and_refuses_direct_entries(world):
    r, direct = world.round, world.categories["direct"]
    bandung = world.nominations["bandung"]
    garut = r.nominate("32.05", state=NominationState.SUBMITTED, category=direct)
    cianjur = r.nominate("32.03", state=NominationState.RESUBMITTED, category=direct)
    # A submitted dossier of a category with a provincial round is its province's to verify.
    r.nominate("32.02", state=NominationState.SUBMITTED)
    juror = client_for(world.users["juror"])
    listed = juror.get(world.url("verifications/")).json()
    assert _ids(listed) == [cianjur.pk, garut.pk, bandung.pk]  # by name: Kabupaten, then Kota

    deadline = timezone.localdate() + timedelta(days=14)
    for nomination, payload, state, reason in (
        (bandung, {"decision": "verify"}, "verified", ""),
        (
            garut,
            {"decision": "return", "reason": "Lampiran APBD kurang", "deadline": str(deadline)},
            "returned",
            "Lampiran APBD kurang",
        ),
        (
            cianjur,
            {"decision": "ineligible", "reason": "Bukan pemerintah daerah"},
            "ineligible",
            "Bukan pemerintah daerah",
        ),
    ):
        response = juror.post(
            world.url("verifications/"), {"nomination": nomination.pk, **payload}, format="json"
        )
        body = response.json()
        assert (response.status_code, body["id"], body["state"]) == (201, nomination.pk, state)
        assert (body["transition"]["to_state"], body["transition"]["reason"]) == (state, reason)
    assert juror.get(world.url("verifications/")).json()["count"] == 0
    # The verified direct entry joins the national selection.
    worklist = juror.get(world.url("scoresheets/?stage=selection")).json()["results"]
    assert bandung.pk in [row["nomination"]["id"] for row in worklist]


# ---------------------------------------------------------------------------------------------
# Agreement


def _spread(n, mean, sd, low, high, **extra):
    return {"criterion": "judged", "n": n, "mean": mean, "sd": sd, "low": low, "high": high,
            **extra}  # fmt: skip


def test_agreement_statistics_against_hand_computed_values(world):
    body = (
        client_for(world.users["chair"])
        .get(world.path("rankings/{kab}/agreement/?stage=selection"))
        .json()
    )
    assert (body["visible"], body["threshold"], body["stage"]["kind"]) == (
        True,
        "15.00",
        "national_selection",
    )
    # Twelve scores: mean 900 / 12 = 75; variance (6 × 25 + 5 × 225 + 1225) / 12 = 208.33
    assert body["criteria"] == [
        {**_spread(12, "75.00", "14.43", "40.00", "90.00"), "name": "Judged", "weight": "1.00"}
    ]
    n = world.nominations
    assert [(row["nomination"]["id"], row["flagged"], row["spreads"]) for row in body["rows"]] == [
        # √((100 + 0 + 100) / 3) = 8.16
        (n["bekasi"].pk, False, [_spread(3, "80.00", "8.16", "70.00", "90.00", disagree=False)]),
        (n["bogor"].pk, False, [_spread(3, "90.00", "0.00", "90.00", "90.00", disagree=False)]),
        (n["cirebon"].pk, False, [_spread(3, "70.00", "0.00", "70.00", "70.00", disagree=False)]),
        # √((400 + 0 + 400) / 3) = 16.33: at least 15 points, flagged
        (n["depok"].pk, True, [_spread(3, "60.00", "16.33", "40.00", "80.00", disagree=True)]),
    ]
    assert body["flagged"] == 1
    interview = (
        client_for(world.users["auditor"])
        .get(world.path("rankings/{kab}/agreement/?stage=interview"))
        .json()
    )
    assert [(row["nomination"]["id"], row["spreads"][0]["criterion"], row["spreads"][0]["n"])
            for row in interview["rows"]] == [
        (n["bekasi"].pk, "interview", 3),
        (n["bogor"].pk, "interview", 3),
        (n["cirebon"].pk, "interview", 3),
    ]  # fmt: skip


# ---------------------------------------------------------------------------------------------
# Input errors and mass assignment


def test_interview_input_errors_are_answered_at_their_fields(world):
    chair = client_for(world.users["chair"])
    url = world.path("interviews/{sukabumi}/")
    before = rows(*TABLES)
    for tail, payload, errors in (
        ("schedule/", {}, {"scheduled_at": ["Give the date and time of the interview."]}),
        (
            "schedule/",
            {"scheduled_at": "2031-08-12T09:00:00+07:00", "video_link": "http://meet.test/x"},
            {"video_link": ["Give a secure link starting with https://."]},
        ),
        (
            "schedule/",
            {"scheduled_at": "besok pagi"},
            {
                "scheduled_at": [
                    "Datetime has wrong format. Use one of these formats instead: "
                    "YYYY-MM-DDThh:mm[:ss[.uuuuuu]][+HH:MM|-HH:MM|Z]."
                ]
            },
        ),
        (
            "record/",
            {},
            {
                "attendance": ["Choose who attended for the candidate."],
                "attendee": ["Give the name and position of who attended."],
            },
        ),
        ("record/", {"attendance": "mayor"}, {"attendance": ['"mayor" is not a valid choice.']}),
    ):
        response = chair.put(url + tail, payload, format="json")
        assert (response.status_code, response.json()) == (400, errors), payload
    assert rows(*TABLES) == before
    # The interview stage's dates bound the schedule.
    stage = world.round.stage(INT)
    stage.starts_on, stage.ends_on = timezone.localdate(), timezone.localdate()
    stage.save()
    outside = chair.put(
        url + "schedule/", {"scheduled_at": "2099-01-01T09:00:00+07:00"}, format="json"
    )
    assert (outside.status_code, list(outside.json())) == (400, ["scheduled_at"])
    # A finalist of the interview only: not a nominee who was not selected.
    missing = chair.put(world.path("interviews/{depok}/schedule/"), {}, format="json")
    assert (missing.status_code, missing.json()) == (
        404,
        {"detail": "No Nomination matches the given query."},
    )
    assert rows(*TABLES) == before


def test_interview_writes_refuse_fields_they_do_not_take(world):
    chair = client_for(world.users["chair"])
    url = world.path("interviews/{sukabumi}/")
    before = rows(*TABLES)
    scheduled = chair.put(
        url + "schedule/",
        {
            "scheduled_at": "2031-08-12T09:00:00+07:00",
            "video_link": "https://meet.example.test/s",
            "attendance": "head",
            "factor": "1.50",
            "nomination": world.nominations["bekasi"].pk,
            "panel": world.provincial.pk,
        },
        format="json",
    )
    assert (scheduled.status_code, scheduled.json()) == (
        400,
        {
            name: [f"This field cannot be set: {name}."]
            for name in ("attendance", "factor", "nomination", "panel")
        },
    )
    recorded = chair.put(
        url + "record/",
        {"attendance": "other", "attendee": "Kepala Dinas", "scheduled_at": None, "factor": "2"},
        format="json",
    )
    assert (recorded.status_code, recorded.json()) == (
        400,
        {name: [f"This field cannot be set: {name}."] for name in ("scheduled_at", "factor")},
    )
    assert rows(*TABLES) == before
    assert Interview.objects.get(nomination=world.nominations["bekasi"]).attendance == "head"


def test_special_awards_input_errors_and_mass_assignment(world):
    chair = client_for(world.users["chair"])
    n = world.nominations
    before = rows(*TABLES)
    for payload, errors in (
        (
            {"nomination": n["banjar"].pk},
            {
                "title": ["Give the award's title."],
                "reason": ["Say why the jury gives this award."],
            },
        ),
        (
            # Not in the national round: a dossier waiting for verification.
            {"nomination": n["bandung"].pk, "title": "x", "reason": "x"},
            {"nomination": [f'Invalid pk "{n["bandung"].pk}" - object does not exist.']},
        ),
        ({"title": "x", "reason": "x"}, {"nomination": ["This field is required."]}),
    ):
        response = chair.post(world.url("awards/"), payload, format="json")
        assert (response.status_code, response.json()) == (400, errors)
    withdraw = world.path("awards/{special}/withdraw/")
    response = chair.post(withdraw, {"reason": " "}, format="json")
    assert (response.status_code, response.json()) == (
        400,
        {"reason": ["Give the reason for withdrawing the award."]},
    )
    assert rows(*TABLES) == before

    special = {"nomination": n["banjar"].pk, "title": "Kota Kecil Terbaik"}
    forged = {
        "kind": "ranked",
        "label": "peringkat_1",
        "rank": 1,
        "current": False,
        "withdrawn_reason": "x",
    }
    refused = chair.post(
        world.url("awards/"), {**special, "reason": "Cakupan tertinggi", **forged}, format="json"
    )
    assert (refused.status_code, refused.json()) == (
        400,
        {name: [f"This field cannot be set: {name}."] for name in forged},
    )
    assert rows(*TABLES) == before

    created = chair.post(
        world.url("awards/"), {**special, "reason": "Cakupan tertinggi"}, format="json"
    )
    body = created.json()
    assert created.status_code == 201
    assert {k: body[k] for k in ("kind", "label", "rank", "current", "withdrawn_at", "zone")} == {
        "kind": "special",
        "label": "",
        "rank": None,
        "current": True,
        "withdrawn_at": None,
        "zone": "",
    }
    assert (body["nomination"]["id"], body["reason"]) == (n["banjar"].pk, "Cakupan tertinggi")
    assert chair.post(withdraw, {"reason": "Data tidak terbukti"}, format="json").status_code == 200
    again = chair.post(withdraw, {"reason": "Lagi"}, format="json")
    assert (again.status_code, again.json()) == (
        400,
        {"non_field_errors": ["This award is already withdrawn."]},
    )
    # An award of another edition is not found under this jury.
    other = Award.objects.create(
        category=world.categories["provincial_category"],
        nomination=_nomination_in(world.categories["provincial_category"]),
        kind="special",
        title="Lain",
        reason="Lain",
    )
    response = chair.post(world.url(f"awards/{other.pk}/withdraw/"), {"reason": "x"})
    assert (response.status_code, response.json()) == (
        404,
        {"detail": "No Award matches the given query."},
    )


def _nomination_in(category):
    from candidates.models import Regency
    from tests.factories import NominationFactory, RegencyGovernmentFactory

    return NominationFactory(
        category=category,
        candidate=RegencyGovernmentFactory(regency=Regency.objects.get(code="32.01")),
        state=NominationState.VERIFIED,
    )


# ---------------------------------------------------------------------------------------------
# OpenAPI


def test_openapi_schema_documents_the_national_routes(tmp_path):
    out = tmp_path / "schema.json"
    call_command(
        "spectacular", "--validate", "--fail-on-warn", "--format", "openapi-json", "--file", out
    )
    schema = json.loads(out.read_text())
    panel = "/api/v1/scoring/panels/{panel_pk}"
    paths = schema["paths"]
    methods = {
        f"{panel}/interviews/": ["get"],
        f"{panel}/interviews/{{nomination_pk}}/": ["get"],
        f"{panel}/interviews/{{nomination_pk}}/schedule/": ["put"],
        f"{panel}/interviews/{{nomination_pk}}/record/": ["put"],
        f"{panel}/awards/": ["get", "post"],
        f"{panel}/awards/{{award_pk}}/withdraw/": ["post"],
        f"{panel}/rankings/{{category_pk}}/confirm/": ["post"],
        f"{panel}/rankings/{{category_pk}}/agreement/": ["get"],
    }
    assert {path: sorted(m for m in paths[path] if m != "parameters") for path in methods} == (
        methods
    )

    def stage_enum(path, method):
        params = paths[path][method].get("parameters", [])
        return [p["schema"]["enum"] for p in params if p["name"] == "stage"]

    assert stage_enum(f"{panel}/rankings/{{category_pk}}/", "get") == [
        ["assessment", "final", "interview", "selection"]
    ]
    # The interview's ranking is read only: the national result freezes it.
    for action in ("finalise", "ties", "reopen"):
        assert stage_enum(f"{panel}/rankings/{{category_pk}}/{action}/", "post") == [
            ["assessment", "final", "selection"]
        ]
    assert stage_enum(f"{panel}/scoresheets/{{nomination_pk}}/", "put") == [
        ["assessment", "interview", "selection"]
    ]
    assert stage_enum(f"{panel}/rankings/{{category_pk}}/agreement/", "get") == [
        ["assessment", "interview", "selection"]
    ]
    assert stage_enum(f"{panel}/rankings/{{category_pk}}/confirm/", "post") == []
    components = schema["components"]["schemas"]
    # What a client sends: never a state, a rank, a label, a kind, a factor or a panel.
    assert set(components["SpecialAwardRequest"]["properties"]) == {"nomination", "title", "reason"}
    assert set(components["InterviewScheduleRequest"]["properties"]) == {
        "scheduled_at",
        "video_link",
    }
    assert set(components["InterviewRecordRequest"]["properties"]) == {
        "attendance",
        "attendee",
        "minutes",
    }
    assert "requestBody" not in paths[f"{panel}/rankings/{{category_pk}}/confirm/"]["post"]
    assert components["AnyRanking"]["discriminator"]["propertyName"] == "ranking"
