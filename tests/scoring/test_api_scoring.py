"""The scoring API (/api/v1/scoring/): every role on every route and method (401/403 before any
lookup, 404 outside the panels one may see, 403 for what one may see but not do), verification,
scoresheets and their revisions, blindness (others' scores and the ranking's totals stay out of
the JSON until one has submitted), the ranking against hand-computed totals, finalisation and
reopening, ties, conflicts, mass assignment, constant queries on lists and the OpenAPI schema."""

import json
from dataclasses import dataclass
from datetime import timedelta
from decimal import Decimal as D

import pytest
from django.conf import settings
from django.core.management import call_command
from django.db.models import Model
from django.utils import timezone
from rest_framework.test import APIClient

from accounts.enums import Role
from accounts.services import role_assign
from candidates.enums import NominationState
from candidates.models import (
    Candidate,
    Category,
    Nomination,
    NominationTransition,
    Province,
    Regency,
)
from scoring import services
from scoring.enums import CriterionKind, StageKind
from scoring.models import (
    Conflict,
    IndicatorValue,
    Panel,
    RankingSnapshot,
    RankingSnapshotRow,
    Score,
    ScoreRevision,
    Scoresheet,
    StageEvent,
    TieDecision,
)
from tests.factories import (
    BranchFactory,
    CategoryFactory,
    EditionFactory,
    NominationFactory,
    UserFactory,
)
from tests.replay import replayed

from .conftest import criterion

pytestmark = pytest.mark.django_db

NOT_AUTHENTICATED = {"detail": "Authentication credentials were not provided."}
FORBIDDEN = {"detail": "You do not have permission to perform this action."}
NO_PANEL = {"detail": "No Panel matches the given query."}

ROLES = ["anonymous", "branch", "jury", "other_province", "member", "chair", "admin", "auditor"]
by_role = pytest.mark.parametrize("role", ROLES)

# Jawa Barat's panel (the `make_round` fixture) scores with three criteria: two judged, one
# computed from PU coverage (0 points at 50 %, 100 at 100 %).
CRITERIA = [
    criterion("programme", weight=3),
    criterion("commitment", weight=1),
    criterion(
        "coverage",
        CriterionKind.COMPUTED,
        weight=1,
        indicator="pu_coverage",
        zero_at=D("0.5"),
        full_at=D(1),
    ),
]


@pytest.fixture
def api():
    """An API client reading English (the site speaks Indonesian unless the cookie says not)."""
    client = APIClient()
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    return client


def as_role(api, world, role):
    if role != "anonymous":
        api.force_authenticate(world.users[role])
    return api


def denied(role) -> tuple[int, dict]:
    """What a role outside the panel gets on every route below it."""
    if role == "anonymous":
        return 403, NOT_AUTHENTICATED
    if role in ("other_province", "jury"):  # the juror sees the jury, not this panel
        return 404, NO_PANEL
    return 403, FORBIDDEN


def rows(*models: type[Model]) -> dict:
    return {m.__name__: list(m.objects.order_by("pk").values()) for m in models}


SCORING_TABLES = (
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
    StageEvent,
)


def body_text(response) -> str:
    return json.dumps(response.json())


def city_candidate(code):
    regency = Regency.objects.get(code=code)
    candidate, _ = Candidate.objects.get_or_create(
        kind="regency_government", regency=regency, defaults={"name": f"Pemerintah {regency.name}"}
    )
    return candidate


def nominate(category, code, state=NominationState.VERIFIED, **indicators):
    nomination = NominationFactory(category=category, candidate=city_candidate(code), state=state)
    for name, value in indicators.items():
        IndicatorValue.objects.create(nomination=nomination, indicator=name, value=value)
    return nomination


def score(panel, rubric, user, nomination, *values, submit=True, reason=""):
    criteria = [c for c in rubric.criteria.order_by("order") if c.is_assessed]
    return services.scoresheet_save(
        actor=user,
        panel=panel,
        nomination=nomination,
        scores={
            c.pk: services.ScoreInput(v, f"catatan {c.code}")
            for c, v in zip(criteria, values, strict=True)
        },
        submit=submit,
        reason=reason,
    )


@dataclass
class World:
    round: object
    users: dict
    categories: dict
    rubrics: dict
    nominations: dict
    other_panel: object

    @property
    def panel(self):
        return self.round.panel

    def url(self, tail="", panel=None):
        return f"/api/v1/scoring/panels/{(panel or self.panel).pk}/{tail}"


# Hand-computed (SPEC §6): total = Σ weight × criterion score / Σ weight, two decimals half up.
#   Bogor:    programme (80 + 90 + 87.65) / 3 = 85.88333…, commitment (70 + 60 + 65) / 3 = 65,
#             coverage (0.9 − 0.5) / 0.5 = 80 → (3 × 85.88333… + 65 + 80) / 5 = 80.53
#   Sukabumi: programme (70 + 75 + 65) / 3 = 70, commitment (80 + 85 + 90) / 3 = 85,
#             coverage 1.2 is above the 100 threshold → (210 + 85 + 100) / 5 = 79.00
BOGOR_SCORES = [(80, 70), (90, 60), ("87.65", 65)]  # chair, member 1, member 2
SUKABUMI_SCORES = [(70, 80), (75, 85), (65, 90)]


@pytest.fixture
def world(make_round):
    """Built once per process and replayed (tests/replay.py): see _build_world."""
    return replayed(f"{__name__}.world", lambda: _build_world(make_round))


def _build_world(make_round):
    """Edition 2030, Jawa Barat's panel (chair Ketua, members Anggota 1 and 2) and people of
    every other role. Four categories: `ranked` (Bogor and Sukabumi, scored by everyone, ready
    to finalise), `tied` (Cirebon and Depok, equal scores), `done` (Bekasi, finalised by the
    chair) and `verify` (Tasikmalaya, submitted, waiting for verification)."""
    round_ = make_round(CRITERIA)
    chair, member, member2 = round_.members
    edition = round_.edition
    ranked = round_.category
    tied = CategoryFactory(edition=edition, code="seri", name="Kategori Seri", order=2)
    done = CategoryFactory(edition=edition, code="selesai", name="Kategori Selesai", order=3)
    verify = CategoryFactory(edition=edition, code="verifikasi", name="Verifikasi", order=4)
    assessment = round_.stage(StageKind.PROVINCIAL_ASSESSMENT)
    rubrics = {"ranked": round_.rubric}
    for key, category in (("tied", tied), ("done", done)):
        rubrics[key] = services.rubric_create(
            stage=assessment, category=category, criteria=[criterion("judged")]
        )
    bogor = nominate(ranked, "32.71", pu_coverage=D("0.9"))
    sukabumi = nominate(ranked, "32.72", pu_coverage=D("1.2"))
    cirebon = nominate(tied, "32.74")
    depok = nominate(tied, "32.76")
    bekasi = nominate(done, "32.75")
    tasikmalaya = nominate(verify, "32.78", state=NominationState.SUBMITTED)
    round_.open(StageKind.PROVINCIAL_VERIFICATION, StageKind.PROVINCIAL_RESULT)
    for person, b, s in zip(round_.members, BOGOR_SCORES, SUKABUMI_SCORES, strict=True):
        score(round_.panel, rubrics["ranked"], person, bogor, *b)
        score(round_.panel, rubrics["ranked"], person, sukabumi, *s)
        score(round_.panel, rubrics["tied"], person, cirebon, 70)
        score(round_.panel, rubrics["tied"], person, depok, 70)
        score(round_.panel, rubrics["done"], person, bekasi, 60)
    services.ranking_finalise(actor=chair, panel=round_.panel, category=done)

    admin = UserFactory(email="sekretariat@example.test", first_name="Sekretariat")
    role_assign(user=admin, role=Role.NATIONAL_ADMIN)
    auditor = UserFactory(email="auditor@example.test", first_name="Auditor")
    role_assign(user=auditor, role=Role.AUDITOR)
    branch_staff = UserFactory(email="cabang@example.test", first_name="Cabang")
    role_assign(user=branch_staff, role=Role.BRANCH_STAFF, branch=BranchFactory(province_id="32"))
    jury = UserFactory(email="juri@example.test", first_name="Juri")
    services.panel_member_add(
        panel=services.panel_get_or_create(edition=edition, province=None), user=jury
    )
    other = UserFactory(email="jateng@example.test", first_name="Anggota Jateng")
    other_panel = services.panel_get_or_create(
        edition=edition, province=Province.objects.get(code="33")
    )
    services.panel_member_add(panel=other_panel, user=other)
    return World(
        round=round_,
        users={
            "branch": branch_staff,
            "jury": jury,
            "other_province": other,
            "member": member,
            "member2": member2,
            "chair": chair,
            "admin": admin,
            "auditor": auditor,
        },
        categories={"ranked": ranked, "tied": tied, "done": done, "verify": verify},
        rubrics=rubrics,
        nominations={
            "bogor": bogor,
            "sukabumi": sukabumi,
            "cirebon": cirebon,
            "depok": depok,
            "bekasi": bekasi,
            "tasikmalaya": tasikmalaya,
        },
        other_panel=other_panel,
    )


# ---------------------------------------------------------------------------------------------
# Every role on every route


def _ids(body):
    return [r["id"] for r in body["results"]]


# (name, method, path under the panel, payload(world), {role: status}, check(world, body))
# Roles not named get denied(role). `None` as path means the panel list itself.
ROUTES = [
    (
        "panel-detail",
        "get",
        "",
        None,
        dict.fromkeys(("member", "chair", "admin", "auditor"), 200),
        lambda w, body: body["id"] == w.panel.pk and body["province"]["code"] == "32",
    ),
    (
        "verification-list",
        "get",
        "verifications/",
        None,
        dict.fromkeys(("member", "chair", "admin", "auditor"), 200),
        lambda w, body: _ids(body) == [w.nominations["tasikmalaya"].pk],
    ),
    (
        "verification-create",
        "post",
        "verifications/",
        lambda w: {"nomination": w.nominations["tasikmalaya"].pk, "decision": "verify"},
        {"member": 201, "chair": 201, "admin": 201, "auditor": 403},
        lambda w, body: body["state"] == "verified",
    ),
    (
        "verification-correct",
        "post",
        "verifications/corrections/",
        lambda w: {"nomination": w.nominations["bogor"].pk, "reason": "Salah verifikasi"},
        {"member": 403, "chair": 201, "admin": 201, "auditor": 403},
        lambda w, body: body["state"] == "submitted",
    ),
    (
        "scoresheet-list",
        "get",
        "scoresheets/",
        None,
        {"member": 200, "chair": 200, "admin": 403, "auditor": 403},
        lambda w, body: body["count"] == 5,
    ),
    (
        "scoresheet-detail",
        "get",
        "scoresheets/{bogor}/",
        None,
        dict.fromkeys(("member", "chair", "admin", "auditor"), 200),
        lambda w, body: body["nomination"]["id"] == w.nominations["bogor"].pk,
    ),
    (
        "scoresheet-update",
        "put",
        "scoresheets/{bogor}/",
        lambda w: {
            "scores": [
                {"criterion": "programme", "value": 50, "note": "ditinjau ulang"},
                {"criterion": "commitment", "value": 50, "note": "ditinjau ulang"},
            ],
            "submit": True,
            "reason": "Salah ketik",
        },
        {"member": 200, "chair": 200, "admin": 403, "auditor": 403},
        lambda w, body: [s["value"] for s in body["scores"]] == ["50.00", "50.00"],
    ),
    (
        "ranking-list",
        "get",
        "rankings/",
        None,
        dict.fromkeys(("member", "chair", "admin", "auditor"), 200),
        lambda w, body: [r["category"]["code"] for r in body] == ["kab-kota", "seri", "selesai"],
    ),
    (
        "ranking-detail",
        "get",
        "rankings/{ranked}/",
        None,
        dict.fromkeys(("member", "chair", "admin", "auditor"), 200),
        lambda w, body: [r["total"] for r in body["rows"]] == ["80.53", "79.00"],
    ),
    (
        "ranking-finalise",
        "post",
        "rankings/{ranked}/finalise/",
        None,
        {"member": 403, "chair": 200, "admin": 200, "auditor": 403},
        lambda w, body: body["finalised"] is True,
    ),
    (
        "ranking-ties",
        "post",
        "rankings/{tied}/ties/",
        lambda w: {
            "order": [w.nominations["depok"].pk, w.nominations["cirebon"].pk],
            "reason": "Depok unggul pada wawancara",
        },
        {"member": 403, "chair": 200, "admin": 200, "auditor": 403},
        lambda w, body: (
            [r["nomination"]["id"] for r in body["rows"]]
            == [w.nominations["depok"].pk, w.nominations["cirebon"].pk]
        ),
    ),
    (
        "ranking-reopen",
        "post",
        "rankings/{done}/reopen/",
        lambda w: {"reason": "Nilai salah dimasukkan"},
        {"member": 403, "chair": 200, "admin": 200, "auditor": 403},
        lambda w, body: body["finalised"] is False,
    ),
    (
        "conflict-list",
        "get",
        "conflicts/",
        None,
        dict.fromkeys(("member", "chair", "admin", "auditor"), 200),
        lambda w, body: body["count"] == 0,
    ),
    (
        "conflict-create",
        "post",
        "conflicts/",
        lambda w: {"nomination": w.nominations["sukabumi"].pk, "reason": "Kakak saya Sekda"},
        {"member": 201, "chair": 201, "admin": 403, "auditor": 403},
        lambda w, body: body["source"] == "declared",
    ),
]


def _path(world, template):
    keys = {**world.nominations, **world.categories}
    return world.url(template.format(**{k: v.pk for k, v in keys.items()}))


@by_role
@pytest.mark.parametrize("route", ROUTES, ids=[r[0] for r in ROUTES])
def test_every_route_per_role(api, world, role, route):
    _name, method, template, payload, allowed, check = route
    as_role(api, world, role)
    before = rows(*SCORING_TABLES)
    data = payload(world) if payload else None
    response = getattr(api, method)(_path(world, template), data, format="json")
    body = response.json()
    if role in allowed and allowed[role] < 400:
        assert response.status_code == allowed[role], body
        assert check(world, body), body
        return
    if role in allowed:  # a role that reaches the panel but may not do this
        assert (response.status_code, body) == (allowed[role], FORBIDDEN)
    else:
        assert (response.status_code, body) == denied(role)
    assert rows(*SCORING_TABLES) == before


@by_role
def test_panel_list_per_role(api, world, role):
    as_role(api, world, role)
    response = api.get("/api/v1/scoring/panels/")
    if role in ("anonymous", "branch"):
        assert (response.status_code, response.json()) == denied(role)
        return
    jury = Panel.objects.get(edition=world.round.edition, province=None).pk
    expected = {
        "jury": [jury],
        "other_province": [world.other_panel.pk],
        "member": [world.panel.pk],
        "chair": [world.panel.pk],
        "admin": [jury, world.panel.pk, world.other_panel.pk],
        "auditor": [jury, world.panel.pk, world.other_panel.pk],
    }[role]
    assert (response.status_code, _ids(response.json())) == (200, expected)


def test_auditor_of_another_edition_sees_no_panel(api, world):
    auditor = UserFactory(email="auditor.2029@example.test")
    role_assign(user=auditor, role=Role.AUDITOR, edition=EditionFactory(year=2029))
    api.force_authenticate(auditor)
    assert api.get("/api/v1/scoring/panels/").json()["count"] == 0
    for tail in ("", "verifications/", "rankings/", f"rankings/{world.categories['ranked'].pk}/"):
        response = api.get(world.url(tail))
        assert (response.status_code, response.json()) == (404, NO_PANEL)


def test_panel_member_cannot_reach_another_province_nominee_through_own_panel(api, world):
    """A Jawa Tengah nominee is not found under Jawa Barat's panel, and cannot be named."""
    semarang = NominationFactory(
        category=world.categories["ranked"],
        candidate=city_candidate("33.74"),
        state=NominationState.SUBMITTED,
    )
    api.force_authenticate(world.users["member"])
    before = rows(*SCORING_TABLES)
    sheet = api.get(world.url(f"scoresheets/{semarang.pk}/"))
    assert (sheet.status_code, sheet.json()) == (
        404,
        {"detail": "No Nomination matches the given query."},
    )
    put = api.put(world.url(f"scoresheets/{semarang.pk}/"), {"scores": []}, format="json")
    assert put.status_code == 404
    invalid = {"nomination": [f'Invalid pk "{semarang.pk}" - object does not exist.']}
    verified = api.post(
        world.url("verifications/"),
        {"nomination": semarang.pk, "decision": "verify"},
        format="json",
    )
    assert (verified.status_code, verified.json()) == (400, invalid)
    declared = api.post(
        world.url("conflicts/"), {"nomination": semarang.pk, "reason": "x"}, format="json"
    )
    assert (declared.status_code, declared.json()) == (400, invalid)
    assert rows(*SCORING_TABLES) == before


def test_category_of_another_edition_is_not_found(api, world):
    elsewhere = CategoryFactory(edition=EditionFactory(year=2029))
    api.force_authenticate(world.users["chair"])
    for method, tail in (("get", ""), ("post", "finalise/"), ("post", "reopen/")):
        response = getattr(api, method)(world.url(f"rankings/{elsewhere.pk}/{tail}"))
        assert (response.status_code, response.json()) == (
            404,
            {"detail": "No Category matches the given query."},
        )


@pytest.mark.parametrize(
    ("method", "tail"),
    [
        ("post", "{panels}"),
        ("put", ""),
        ("patch", ""),
        ("delete", ""),
        ("put", "verifications/"),
        ("delete", "verifications/"),
        ("post", "scoresheets/"),
        ("patch", "scoresheets/{bogor}/"),
        ("delete", "scoresheets/{bogor}/"),
        ("post", "rankings/"),
        ("put", "rankings/{ranked}/"),
        ("delete", "rankings/{ranked}/"),
        ("get", "rankings/{ranked}/finalise/"),
        ("delete", "conflicts/"),
    ],
)
def test_routes_without_the_method_answer_405(api, world, method, tail):
    api.force_authenticate(world.users["admin"])
    before = rows(*SCORING_TABLES)
    url = "/api/v1/scoring/panels/" if tail == "{panels}" else _path(world, tail)
    response = getattr(api, method)(url, {"state": "awarded"}, format="json")
    assert (response.status_code, response.json()) == (
        405,
        {"detail": f'Method "{method.upper()}" not allowed.'},
    )
    assert rows(*SCORING_TABLES) == before


def test_options_is_denied_like_every_unnamed_action(api, world):
    api.force_authenticate(world.users["chair"])
    response = api.options(world.url("scoresheets/"))
    assert (response.status_code, response.json()) == (403, FORBIDDEN)


# ---------------------------------------------------------------------------------------------
# Panels


def test_panel_detail_shows_stages_and_names_only_to_those_who_may_see_them(api, world):
    members = [
        {"name": "Ketua", "position": "", "is_chair": True},
        {"name": "Anggota 1", "position": "", "is_chair": False},
        {"name": "Anggota 2", "position": "", "is_chair": False},
    ]
    api.force_authenticate(world.users["chair"])
    chair_view = api.get(world.url()).json()
    assert chair_view == {
        "id": world.panel.pk,
        "edition": 2030,
        "province": {"code": "32", "name": "Jawa Barat"},
        "exclude_own_region": False,
        "stages": [
            {"kind": kind, "order": order, "state": state, "starts_on": None, "ends_on": None}
            for order, (kind, state) in enumerate(
                [
                    ("nomination", "planned"),
                    ("provincial_verification", "open"),
                    ("provincial_assessment", "open"),
                    ("provincial_result", "open"),
                    ("national_selection", "planned"),
                    ("national_interview", "planned"),
                    ("national_result", "planned"),
                    ("ceremony", "planned"),
                ],
                start=1,
            )
        ],
        "members": members,
        "categories": [
            {"id": c.pk, "code": c.code, "name": c.name}
            for c in (
                world.categories["ranked"],
                world.categories["tied"],
                world.categories["done"],
            )
        ],
        "you": {
            "is_member": True,
            "is_chair": True,
            "verify_nominations": True,
            "score": True,
            "declare_conflict": True,
            "view_ranking": True,
            "view_conflicts": True,
            "finalise_ranking": True,
        },
    }
    api.force_authenticate(world.users["member"])
    member_view = api.get(world.url()).json()
    assert member_view["members"] == [{**m, "name": None} for m in members]
    assert member_view["you"] == {
        "is_member": True,
        "is_chair": False,
        "verify_nominations": True,
        "score": True,
        "declare_conflict": True,
        "view_ranking": True,
        "view_conflicts": False,
        "finalise_ranking": False,
    }
    assert "Anggota 2" not in body_text(api.get("/api/v1/scoring/panels/"))
    for role, you in (
        ("admin", {"verify_nominations": True, "view_conflicts": True, "finalise_ranking": True}),
        ("auditor", {"verify_nominations": False, "view_conflicts": True}),
    ):
        api.force_authenticate(world.users[role])
        body = api.get(world.url()).json()
        assert body["members"] == members
        # The secretariat may do everything but score and declare conflicts (accounts.backends).
        assert body["you"] == {
            "is_member": False,
            "is_chair": False,
            "verify_nominations": False,
            "score": False,
            "declare_conflict": False,
            "view_ranking": True,
            "view_conflicts": False,
            "finalise_ranking": False,
            **you,
        }


# ---------------------------------------------------------------------------------------------
# Verification


def _transitions(nomination):
    return list(
        NominationTransition.objects.filter(nomination=nomination)
        .order_by("pk")
        .values_list("from_state", "to_state", "actor", "reason", "deadline")
    )


def test_verify_through_the_api_records_the_transition_and_indicators(api, world):
    dossier = world.nominations["tasikmalaya"]
    member = world.users["member"]
    api.force_authenticate(member)
    response = api.post(
        world.url("verifications/"),
        {"nomination": dossier.pk, "decision": "verify", "reason": ""},
        format="json",
    )
    body = response.json()
    assert (response.status_code, body["id"], body["state"]) == (201, dossier.pk, "verified")
    assert {k: v for k, v in body["transition"].items() if k != "at"} == {
        "from_state": "submitted",
        "to_state": "verified",
        "actor": "Anggota 1",
        "reason": "",
        "deadline": None,
    }
    dossier.refresh_from_db()
    assert dossier.state == NominationState.VERIFIED
    assert _transitions(dossier) == [("submitted", "verified", member.pk, "", None)]
    # The indicators are frozen at verification, as on the pages.
    assert IndicatorValue.objects.filter(nomination=dossier).count() > 0
    assert api.get(world.url("verifications/")).json()["count"] == 0


def test_return_through_the_api_records_reason_and_deadline(api, world):
    dossier = world.nominations["tasikmalaya"]
    deadline = timezone.localdate() + timedelta(days=14)
    api.force_authenticate(world.users["chair"])
    response = api.post(
        world.url("verifications/"),
        {
            "nomination": dossier.pk,
            "decision": "return",
            "reason": "Lampiran Perda tidak terbaca",
            "deadline": deadline.isoformat(),
        },
        format="json",
    )
    body = response.json()
    assert (response.status_code, body["state"], body["transition"]["deadline"]) == (
        201,
        "returned",
        deadline.isoformat(),
    )
    dossier.refresh_from_db()
    assert dossier.state == NominationState.RETURNED
    assert _transitions(dossier) == [
        ("submitted", "returned", world.users["chair"].pk, "Lampiran Perda tidak terbaca", deadline)
    ]


def test_ineligible_through_the_api_records_the_reason(api, world):
    dossier = world.nominations["tasikmalaya"]
    api.force_authenticate(world.users["admin"])
    response = api.post(
        world.url("verifications/"),
        {"nomination": dossier.pk, "decision": "ineligible", "reason": "Bukan wilayah Jabar"},
        format="json",
    )
    assert (response.status_code, response.json()["state"]) == (201, "ineligible")
    assert _transitions(dossier) == [
        ("submitted", "ineligible", world.users["admin"].pk, "Bukan wilayah Jabar", None)
    ]


@pytest.mark.parametrize(
    ("payload", "errors"),
    [
        ({"decision": "return", "deadline": "2099-01-01"}, {"reason": ["Give a reason."]}),
        # Every missing part at once.
        (
            {"decision": "return"},
            {"reason": ["Give a reason."], "deadline": ["Give a deadline after today."]},
        ),
        (
            {"decision": "return", "reason": "Kurang lengkap", "deadline": "2020-01-01"},
            {"deadline": ["Give a deadline after today."]},
        ),
        (
            {"decision": "return", "reason": "Kurang lengkap"},
            {"deadline": ["Give a deadline after today."]},
        ),
        ({"decision": "ineligible", "reason": "  "}, {"reason": ["Give a reason."]}),
        ({"decision": "approve"}, {"decision": ['"approve" is not a valid choice.']}),
        (
            {"decision": "return", "reason": "x", "deadline": "besok"},
            {"deadline": ["Date has wrong format. Use one of these formats instead: YYYY-MM-DD."]},
        ),
        ({}, {"decision": ["This field is required."]}),
    ],
)
def test_bad_verification_input_is_refused_at_its_field_and_changes_nothing(
    api, world, payload, errors
):
    dossier = world.nominations["tasikmalaya"]
    api.force_authenticate(world.users["member"])
    before = rows(*SCORING_TABLES)
    response = api.post(
        world.url("verifications/"), {"nomination": dossier.pk, **payload}, format="json"
    )
    assert (response.status_code, response.json()) == (400, errors)
    assert rows(*SCORING_TABLES) == before


def test_verification_outside_its_stage_or_twice_is_refused(api, world):
    dossier = world.nominations["tasikmalaya"]
    api.force_authenticate(world.users["member"])
    post = {"nomination": dossier.pk, "decision": "verify"}
    assert api.post(world.url("verifications/"), post, format="json").status_code == 201
    again = api.post(world.url("verifications/"), post, format="json")
    assert (again.status_code, again.json()) == (
        400,
        {"non_field_errors": ["A nomination cannot go from verified to verified."]},
    )
    services.stage_close(actor=None, stage=world.round.stage(StageKind.PROVINCIAL_VERIFICATION))
    other = nominate(world.categories["verify"], "32.79", state=NominationState.SUBMITTED)
    closed = api.post(
        world.url("verifications/"), {"nomination": other.pk, "decision": "verify"}, format="json"
    )
    assert (closed.status_code, closed.json()) == (
        400,
        {
            "non_field_errors": [
                "Verification is not possible now: Provincial verification (2030) is not open."
            ]
        },
    )
    other.refresh_from_db()
    assert other.state == NominationState.SUBMITTED


def test_verification_refuses_state_and_labels_sent_by_the_client(api, world):
    dossier = world.nominations["tasikmalaya"]
    api.force_authenticate(world.users["member"])
    forged = {
        "state": "awarded",
        "provincial_label": "peringkat_1",
        "national_rank": 1,
        "panel": world.other_panel.pk,
        "actor": world.users["admin"].pk,
    }
    before = rows(*SCORING_TABLES)
    response = api.post(
        world.url("verifications/"),
        {"nomination": dossier.pk, "decision": "verify", **forged},
        format="json",
    )
    assert (response.status_code, response.json()) == (
        400,
        {name: [f"This field cannot be set: {name}."] for name in forged},
    )
    assert rows(*SCORING_TABLES) == before
    dossier.refresh_from_db()
    assert (dossier.state, dossier.provincial_label, dossier.national_rank) == (
        NominationState.SUBMITTED,
        "",
        None,
    )


# ---------------------------------------------------------------------------------------------
# Scoresheets


@pytest.fixture
def fresh(make_round):
    """Jawa Barat's panel with Bogor and Sukabumi verified and nobody's scores yet."""
    round_ = make_round(CRITERIA)
    bogor = round_.nominate("32.71", pu_coverage=D("0.9"))
    sukabumi = round_.nominate("32.72", pu_coverage=D("1.2"))
    return round_, bogor, sukabumi


def sheet_url(round_, nomination):
    return f"/api/v1/scoring/panels/{round_.panel.pk}/scoresheets/{nomination.pk}/"


def ranking_url(round_):
    return f"/api/v1/scoring/panels/{round_.panel.pk}/rankings/{round_.category.pk}/"


def put_scores(api, round_, nomination, programme, commitment, submit=False, reason="", **extra):
    return api.put(
        sheet_url(round_, nomination),
        {
            "scores": [
                {"criterion": "programme", "value": programme, "note": "Program BPU desa"},
                {"criterion": "commitment", "value": commitment, "note": "Anggaran APBD"},
            ],
            "submit": submit,
            "reason": reason,
            **extra,
        },
        format="json",
    )


def stored(sheet_owner, nomination):
    sheet = Scoresheet.objects.get(assessor=sheet_owner, nomination=nomination)
    return sheet.state, sorted(
        (s.criterion.code, s.value, s.note) for s in sheet.scores.select_related("criterion")
    )


def test_scoresheet_draft_then_submit(api, fresh):
    round_, bogor, _ = fresh
    member = round_.members[1]
    api.force_authenticate(member)
    draft = api.put(
        sheet_url(round_, bogor),
        {"scores": [{"criterion": "programme", "value": 72.5, "note": ""}]},
        format="json",
    )
    body = draft.json()
    assert (draft.status_code, body["status"], body["submitted_at"], body["scores"]) == (
        200,
        "draft",
        None,
        [{"criterion": "programme", "value": "72.50", "note": ""}],
    )
    assert [c["code"] for c in body["criteria"]] == ["programme", "commitment"]
    assert stored(member, bogor) == ("draft", [("programme", D("72.50"), "")])

    submitted = put_scores(api, round_, bogor, "72.50", 64, submit=True)
    body = submitted.json()
    assert (submitted.status_code, body["status"], body["submitted_at"] is not None) == (
        200,
        "submitted",
        True,
    )
    assert stored(member, bogor) == (
        "submitted",
        [
            ("commitment", D("64.00"), "Anggaran APBD"),
            ("programme", D("72.50"), "Program BPU desa"),
        ],
    )
    worklist = api.get(f"/api/v1/scoring/panels/{round_.panel.pk}/scoresheets/").json()
    assert [(r["nomination"]["id"], r["status"]) for r in worklist["results"]] == [
        (bogor.pk, "submitted"),
        (fresh[2].pk, "todo"),
    ]


def test_submitting_needs_every_score_and_note(api, fresh):
    round_, bogor, _ = fresh
    api.force_authenticate(round_.members[1])
    response = api.put(
        sheet_url(round_, bogor),
        {"scores": [{"criterion": "programme", "value": 70}], "submit": True},
        format="json",
    )
    assert (response.status_code, response.json()) == (
        400,
        {
            "scores": {
                "programme": ["Write a note explaining the score."],
                "commitment": ["Give a score before submitting."],
            }
        },
    )
    assert Scoresheet.objects.count() == 0


def test_changing_a_submitted_score_needs_a_reason_and_keeps_the_old_value(api, fresh):
    round_, bogor, _ = fresh
    member = round_.members[1]
    api.force_authenticate(member)
    put_scores(api, round_, bogor, 70, 60, submit=True)
    before = rows(Score, ScoreRevision, Scoresheet)

    refused = put_scores(api, round_, bogor, 75, 60)
    assert (refused.status_code, refused.json()) == (
        400,
        {"reason": ["Say why you are changing a submitted score."]},
    )
    assert rows(Score, ScoreRevision, Scoresheet) == before

    changed = put_scores(api, round_, bogor, 75, 60, reason="Dokumen tambahan diterima")
    body = changed.json()
    assert (changed.status_code, body["status"]) == (200, "submitted")
    assert [
        (r["criterion"], r["old_value"], r["new_value"], r["reason"]) for r in body["revisions"]
    ] == [("programme", "70.00", "75.00", "Dokumen tambahan diterima")]
    revision = ScoreRevision.objects.get()
    assert (
        revision.score.criterion.code,
        revision.old_value,
        revision.old_note,
        revision.new_value,
        revision.changed_by,
        revision.reason,
    ) == (
        "programme",
        D("70.00"),
        "Program BPU desa",
        D("75.00"),
        member,
        "Dokumen tambahan diterima",
    )
    assert stored(member, bogor)[1][1] == ("programme", D("75.00"), "Program BPU desa")


@pytest.mark.parametrize(
    ("value", "message"),
    [
        (100.5, "A score is from 0 to 100."),
        (-1, "A score is from 0 to 100."),
        ("80.125", "Use at most two decimals."),
    ],
)
def test_score_out_of_range_is_refused_and_nothing_is_saved(api, fresh, value, message):
    round_, bogor, _ = fresh
    api.force_authenticate(round_.members[1])
    response = put_scores(api, round_, bogor, value, 60, submit=True)
    assert (response.status_code, response.json()) == (400, {"scores": {"programme": [message]}})
    assert (Scoresheet.objects.count(), Score.objects.count()) == (0, 0)


def test_malformed_scoresheet_input_is_refused(api, fresh):
    round_, bogor, _ = fresh
    api.force_authenticate(round_.members[1])
    cases = [
        ({}, {"scores": ["This field is required."]}),
        (
            {"scores": [{"criterion": "programme", "value": "tinggi"}]},
            {"scores": {"0": {"value": ["A valid number is required."]}}},
        ),
        (
            {"scores": [{"criterion": "kehadiran", "value": 80}]},
            {"scores": {"kehadiran": ["This rubric has no such judged criterion."]}},
        ),
        (
            {"scores": [{"criterion": "coverage", "value": 80}]},
            {"scores": {"coverage": ["This rubric has no such judged criterion."]}},
        ),
        (
            {
                "scores": [
                    {"criterion": "programme", "value": 80},
                    {"criterion": "programme", "value": 90},
                ]
            },
            {"scores": {"programme": ["Give each criterion once."]}},
        ),
    ]
    for payload, errors in cases:
        response = api.put(sheet_url(round_, bogor), payload, format="json")
        assert (response.status_code, response.json()) == (400, errors)
    assert Scoresheet.objects.count() == 0


def test_criterion_may_be_named_by_id(api, fresh):
    round_, bogor, _ = fresh
    programme = round_.rubric.criteria.get(code="programme")
    api.force_authenticate(round_.members[1])
    response = api.put(
        sheet_url(round_, bogor),
        {"scores": [{"criterion": str(programme.pk), "value": 66, "note": "n"}]},
        format="json",
    )
    assert (response.status_code, response.json()["scores"]) == (
        200,
        [{"criterion": "programme", "value": "66.00", "note": "n"}],
    )


def test_scoresheet_refuses_state_assessor_and_totals_sent_by_the_client(api, fresh):
    round_, bogor, _ = fresh
    member, other = round_.members[1], round_.members[2]
    api.force_authenticate(member)
    forged = {
        "state": "submitted",
        "status": "submitted",
        "submitted_at": "2030-01-01T00:00:00Z",
        "assessor": other.pk,
        "panel": 999,
        "stage": 1,
        "total": "100.00",
        "rank": 1,
    }
    response = put_scores(api, round_, bogor, 70, 60, submit=False, **forged)
    assert (response.status_code, response.json()) == (
        400,
        {name: [f"This field cannot be set: {name}."] for name in forged},
    )
    assert Scoresheet.objects.count() == 0


def test_excluded_assessor_cannot_score(api, fresh):
    round_, bogor, _ = fresh
    member = round_.members[1]
    api.force_authenticate(member)
    declared = api.post(
        f"/api/v1/scoring/panels/{round_.panel.pk}/conflicts/",
        {"nomination": bogor.pk, "reason": "Istri saya Kepala Disnaker Bogor"},
        format="json",
    )
    assert declared.status_code == 201
    response = put_scores(api, round_, bogor, 70, 60, submit=True)
    assert (response.status_code, response.json()) == (
        403,
        {"detail": "You are excluded from this nominee: Istri saya Kepala Disnaker Bogor"},
    )
    sheet = api.get(sheet_url(round_, bogor)).json()
    assert (sheet["status"], sheet["excluded_because"]) == (
        "excluded",
        "Istri saya Kepala Disnaker Bogor",
    )
    assert Scoresheet.objects.count() == 0


def test_scoring_outside_the_assessment_stage_is_refused(api, fresh):
    round_, bogor, _ = fresh
    services.stage_close(actor=None, stage=round_.stage(StageKind.PROVINCIAL_ASSESSMENT))
    api.force_authenticate(round_.members[1])
    response = put_scores(api, round_, bogor, 70, 60)
    assert (response.status_code, response.json()) == (
        400,
        {
            "non_field_errors": [
                "Scoring is not possible now: Provincial assessment (2030) is not open."
            ]
        },
    )
    assert Scoresheet.objects.count() == 0


# ---------------------------------------------------------------------------------------------
# Blindness


def test_others_scores_stay_hidden_until_one_submits_and_are_anonymous_to_members(api, fresh):
    round_, bogor, sukabumi = fresh
    _chair, member, member2 = round_.members
    # Created first, so that their absence below means something.
    round_.score(member2, bogor, "87.65", "12.34", notes={"programme": "Catatan rahasia"})
    round_.score(member2, sukabumi, "43.21", "21.43")

    api.force_authenticate(member)
    hidden = api.get(sheet_url(round_, bogor))
    assert (hidden.status_code, hidden.json()["others"], hidden.json()["scores"]) == (
        200,
        None,
        [],
    )
    ranking = api.get(ranking_url(round_))
    assert (ranking.json()["visible"], ranking.json()["rows"], ranking.json()["ties"]) == (
        False,
        [],
        [],
    )
    assert ranking.json()["progress"] == {"nominees": 2, "scoresheets_missing": 4}
    everything = [
        hidden,
        ranking,
        api.get(f"/api/v1/scoring/panels/{round_.panel.pk}/rankings/"),
        api.get(f"/api/v1/scoring/panels/{round_.panel.pk}/scoresheets/"),
        api.get(f"/api/v1/scoring/panels/{round_.panel.pk}/"),
        api.get(f"/api/v1/scoring/panels/{round_.panel.pk}/conflicts/"),
        put_scores(api, round_, bogor, 10, 10),  # a draft does not open them either
    ]
    for response in everything:
        text = body_text(response)
        for secret in ("87.65", "12.34", "43.21", "Catatan rahasia", "Anggota 2"):
            assert secret not in text, (response.request["PATH_INFO"], secret)

    submitted = put_scores(api, round_, bogor, 70, 60, submit=True)
    assert submitted.json()["others"] == [
        {
            "assessor": "Assessor 1",
            "counts": True,
            "scores": [
                {"criterion": "programme", "value": "87.65", "note": "Catatan rahasia"},
                {"criterion": "commitment", "value": "12.34", "note": "catatan commitment"},
            ],
        }
    ]
    assert "Anggota 2" not in body_text(submitted)
    # Sukabumi's scores stay hidden until that scoresheet is submitted too; so do the totals.
    assert "43.21" not in body_text(api.get(sheet_url(round_, sukabumi)))
    assert api.get(ranking_url(round_)).json()["visible"] is False
    put_scores(api, round_, sukabumi, 50, 50, submit=True)
    ranking = api.get(ranking_url(round_)).json()
    assert (ranking["visible"], [r["nomination"]["id"] for r in ranking["rows"]]) == (
        True,
        [bogor.pk, sukabumi.pk],
    )


def test_chair_sees_names_after_submitting_secretariat_and_auditor_always(api, fresh):
    round_, bogor, _ = fresh
    chair, _member, member2 = round_.members
    round_.score(member2, bogor, "87.65", "12.34")
    api.force_authenticate(chair)
    assert api.get(sheet_url(round_, bogor)).json()["others"] is None
    round_.score(chair, bogor, 50, 50)
    named = [
        {
            "assessor": "Anggota 2",
            "counts": True,
            "scores": [
                {"criterion": "programme", "value": "87.65", "note": "catatan programme"},
                {"criterion": "commitment", "value": "12.34", "note": "catatan commitment"},
            ],
        }
    ]
    assert api.get(sheet_url(round_, bogor)).json()["others"] == named
    # Scores given before a declared conflict stay visible, marked as not counting.
    services.conflict_declare(actor=member2, panel=round_.panel, nomination=bogor, reason="Ipar")
    assert api.get(sheet_url(round_, bogor)).json()["others"] == [{**named[0], "counts": False}]

    admin = UserFactory(email="sekretariat@example.test", first_name="Sekretariat")
    role_assign(user=admin, role=Role.NATIONAL_ADMIN)
    auditor = UserFactory(email="auditor@example.test", first_name="Auditor")
    role_assign(user=auditor, role=Role.AUDITOR, edition=round_.edition)
    for user in (admin, auditor):
        api.force_authenticate(user)
        body = api.get(sheet_url(round_, bogor)).json()
        assert (body["status"], body["scores"], [o["assessor"] for o in body["others"]]) == (
            None,
            [],
            ["Ketua", "Anggota 2"],
        )
        assert api.get(ranking_url(round_)).json()["visible"] is True


# ---------------------------------------------------------------------------------------------
# Rankings


def _cell(code, score, contribution, counted):
    return {"criterion": code, "score": score, "contribution": contribution, "counted": counted}


def test_ranking_json_matches_the_hand_computed_totals(api, world):
    bogor, sukabumi = world.nominations["bogor"], world.nominations["sukabumi"]
    api.force_authenticate(world.users["member"])
    body = api.get(_path(world, "rankings/{ranked}/")).json()
    assert (body["visible"], body["finalised"], body["snapshot"], body["ties"]) == (
        True,
        False,
        None,
        [],
    )
    assert body["progress"] == {"nominees": 2, "scoresheets_missing": 0}
    assert [(c["code"], c["kind"], c["weight"]) for c in body["criteria"]] == [
        ("programme", "judged", "3.00"),
        ("commitment", "judged", "1.00"),
        ("coverage", "computed", "1.00"),
    ]
    assert body["missing"] is None  # names: the chair's, the secretariat's and auditors'
    assert [{k: v for k, v in row.items() if k != "nomination"} for row in body["rows"]] == [
        {
            "rank": 1,
            "total": "80.53",
            "tied": False,
            "tie_broken": False,
            "tie_position": None,
            "tie_reason": "",
            "label": "",
            "advanced": None,
            "missing_scoresheets": 0,
            "criteria": [
                _cell("programme", "85.88", "51.53", 3),
                _cell("commitment", "65.00", "13.00", 3),
                _cell("coverage", "80.00", "16.00", 0),
            ],
            "withheld": "",
        },
        {
            "rank": 2,
            "total": "79.00",
            "tied": False,
            "tie_broken": False,
            "tie_position": None,
            "tie_reason": "",
            "label": "",
            "advanced": None,
            "missing_scoresheets": 0,
            "criteria": [
                _cell("programme", "70.00", "42.00", 3),
                _cell("commitment", "85.00", "17.00", 3),
                _cell("coverage", "100.00", "20.00", 0),
            ],
            "withheld": "",
        },
    ]
    assert [r["nomination"]["id"] for r in body["rows"]] == [bogor.pk, sukabumi.pk]
    assert body["rows"][0]["nomination"]["candidate"]["name"] == "Pemerintah Kota Bogor"


def test_finalise_is_refused_with_the_missing_list_then_succeeds(api, world):
    category = world.categories["ranked"]
    late = nominate(category, "32.77", pu_coverage=D("0.6"))  # Kota Cimahi, nobody scored yet
    chair = world.users["chair"]
    api.force_authenticate(chair)
    ranking = api.get(_path(world, "rankings/{ranked}/")).json()
    assert ranking["progress"] == {"nominees": 3, "scoresheets_missing": 3}
    assert ranking["visible"] is False  # the chair has not scored Cimahi either
    assert ranking["missing"] == [
        {"nomination": late.pk, "candidate": "Pemerintah Kota Cimahi", "assessor": name}
        for name in ("Ketua", "Anggota 1", "Anggota 2")
    ]
    before = rows(*SCORING_TABLES)
    refused = api.post(_path(world, "rankings/{ranked}/finalise/"))
    assert (refused.status_code, refused.json()) == (
        400,
        {
            "non_field_errors": [
                "The ranking cannot be finalised yet:",
                "Ketua has not submitted a scoresheet for Pemerintah Kota Cimahi.",
                "Anggota 1 has not submitted a scoresheet for Pemerintah Kota Cimahi.",
                "Anggota 2 has not submitted a scoresheet for Pemerintah Kota Cimahi.",
            ]
        },
    )
    assert rows(*SCORING_TABLES) == before

    # Cimahi: (3 × 50 + 50 + 20) / 5 = 44.00
    for person in world.round.members:
        score(world.panel, world.rubrics["ranked"], person, late, 50, 50)
    # Forged results are refused: the ranking is computed.
    scored = rows(*SCORING_TABLES)
    forged = api.post(
        _path(world, "rankings/{ranked}/finalise/"),
        {"rows": [{"nomination": late.pk, "rank": 1, "total": "99.99"}], "rank": 1, "quota": 3},
        format="json",
    )
    assert (forged.status_code, forged.json()) == (
        400,
        {name: [f"This field cannot be set: {name}."] for name in ("rows", "rank", "quota")},
    )
    assert rows(*SCORING_TABLES) == scored
    finalised = api.post(_path(world, "rankings/{ranked}/finalise/"), format="json")
    body = finalised.json()
    assert (finalised.status_code, body["finalised"], body["visible"]) == (200, True, True)
    assert {k: v for k, v in body["snapshot"].items() if k != "finalised_at"} == {
        "finalised_by": "Ketua",
        "quota": 1,
        "cut_off": "80.53",
    }
    assert [
        (r["rank"], r["nomination"]["id"], r["total"], r["label"], r["advanced"])
        for r in body["rows"]
    ] == [
        (1, world.nominations["bogor"].pk, "80.53", "peringkat_1", True),
        (2, world.nominations["sukabumi"].pk, "79.00", "peringkat_2", False),
        (3, late.pk, "44.00", "peringkat_3", False),
    ]
    assert body["rows"][0]["criteria"][0] == _cell("programme", "85.88", "51.53", 3)
    states = dict(Nomination.objects.filter(category=category).values_list("pk", "state"))
    assert states == {
        world.nominations["bogor"].pk: NominationState.ADVANCED,
        world.nominations["sukabumi"].pk: NominationState.NOT_ADVANCED,
        late.pk: NominationState.NOT_ADVANCED,
    }
    assert RankingSnapshot.objects.get(category=category, reopened_at=None).quota == 1

    again = api.post(_path(world, "rankings/{ranked}/finalise/"))
    assert (again.status_code, again.json()) == (
        400,
        {
            "non_field_errors": [
                "The ranking of Pemerintah Kabupaten/Kota is finalised; the chair must reopen "
                "it, with a reason, before anything changes."
            ]
        },
    )
    # Frozen: nobody changes a score of a finalised ranking.
    api.force_authenticate(world.users["member"])
    frozen = put_scores(api, world.round, world.nominations["bogor"], 10, 10, reason="x")
    assert (frozen.status_code, frozen.json()) == (
        400,
        {
            "non_field_errors": [
                "The ranking of Pemerintah Kabupaten/Kota is finalised; the chair must reopen "
                "it, with a reason, before anything changes."
            ]
        },
    )
    assert api.get(_path(world, "rankings/{ranked}/")).json()["rows"] == body["rows"]


def test_finalise_outside_the_result_stage_is_refused(api, world):
    services.stage_close(actor=None, stage=world.round.stage(StageKind.PROVINCIAL_RESULT))
    api.force_authenticate(world.users["admin"])
    response = api.post(_path(world, "rankings/{ranked}/finalise/"))
    assert (response.status_code, response.json()) == (
        400,
        {
            "non_field_errors": [
                "Finalising the ranking is not possible now: Provincial result (2030) is not open."
            ]
        },
    )
    assert RankingSnapshot.objects.filter(category=world.categories["ranked"]).count() == 0


def test_ties_block_finalisation_until_the_chair_orders_them(api, world):
    cirebon, depok = world.nominations["cirebon"], world.nominations["depok"]
    api.force_authenticate(world.users["chair"])
    ranking = api.get(_path(world, "rankings/{tied}/")).json()
    assert ranking["ties"] == [[cirebon.pk, depok.pk]]
    assert [(r["rank"], r["tied"], r["total"]) for r in ranking["rows"]] == [
        (1, True, "70.00"),
        (1, True, "70.00"),
    ]
    refused = api.post(_path(world, "rankings/{tied}/finalise/"))
    assert refused.json()["non_field_errors"][-1] == (
        "Still tied at rank 1: Pemerintah Kota Cirebon, Pemerintah Kota Depok."
    )

    for payload, errors in [
        (
            {"order": [depok.pk, cirebon.pk]},
            {"reason": ["Give the reason for this order."]},
        ),
        (
            {"order": [depok.pk], "reason": "x"},
            {"order": ["Order exactly the nominees of one tie, each once."]},
        ),
        (
            {"order": [depok.pk, world.nominations["bogor"].pk], "reason": "x"},
            {"order": [f'Invalid pk "{world.nominations["bogor"].pk}" - object does not exist.']},
        ),
    ]:
        response = api.post(_path(world, "rankings/{tied}/ties/"), payload, format="json")
        assert (response.status_code, response.json()) == (400, errors)
    assert TieDecision.objects.count() == 0

    forged = api.post(
        _path(world, "rankings/{tied}/ties/"),
        {"order": [depok.pk, cirebon.pk], "reason": "Depok unggul pada wawancara", "rank": 9},
        format="json",
    )
    assert (forged.status_code, forged.json()) == (
        400,
        {"rank": ["This field cannot be set: rank."]},
    )
    assert TieDecision.objects.count() == 0
    decided = api.post(
        _path(world, "rankings/{tied}/ties/"),
        {"order": [depok.pk, cirebon.pk], "reason": "Depok unggul pada wawancara"},
        format="json",
    )
    body = decided.json()
    assert (decided.status_code, body["ties"]) == (200, [])
    assert [
        (r["rank"], r["nomination"]["id"], r["tied"], r["tie_broken"], r["tie_reason"])
        for r in body["rows"]
    ] == [
        (1, depok.pk, False, True, "Depok unggul pada wawancara"),
        (2, cirebon.pk, False, True, "Depok unggul pada wawancara"),
    ]
    finalised = api.post(_path(world, "rankings/{tied}/finalise/"))
    assert [(r["rank"], r["label"], r["tie_reason"]) for r in finalised.json()["rows"]] == [
        (1, "peringkat_1", "Depok unggul pada wawancara"),
        (2, "peringkat_2", "Depok unggul pada wawancara"),
    ]


def test_reopen_needs_a_finalised_ranking_and_a_reason(api, world):
    bekasi = world.nominations["bekasi"]
    api.force_authenticate(world.users["chair"])
    frozen = api.get(_path(world, "rankings/{done}/")).json()
    assert (frozen["finalised"], [(r["label"], r["advanced"]) for r in frozen["rows"]]) == (
        True,
        [("peringkat_1", True)],
    )
    not_finalised = api.post(_path(world, "rankings/{ranked}/reopen/"), {"reason": "x"})
    assert (not_finalised.status_code, not_finalised.json()) == (
        400,
        {"non_field_errors": ["This ranking is not finalised."]},
    )
    before = rows(*SCORING_TABLES)
    no_reason = api.post(_path(world, "rankings/{done}/reopen/"), {"reason": " "})
    assert (no_reason.status_code, no_reason.json()) == (
        400,
        {"reason": ["Give the reason for reopening the ranking."]},
    )
    assert rows(*SCORING_TABLES) == before

    reopened = api.post(
        _path(world, "rankings/{done}/reopen/"), {"reason": "Nilai salah dimasukkan"}
    )
    body = reopened.json()
    assert (reopened.status_code, body["finalised"], body["snapshot"]) == (200, False, None)
    assert [(r["label"], r["advanced"], r["total"]) for r in body["rows"]] == [("", None, "60.00")]
    bekasi.refresh_from_db()
    assert (bekasi.state, bekasi.provincial_label) == (NominationState.VERIFIED, "")
    snapshot = RankingSnapshot.objects.get(category=world.categories["done"])
    assert (snapshot.reopen_reason, snapshot.reopened_by) == (
        "Nilai salah dimasukkan",
        world.users["chair"],
    )


def test_frozen_ranking_gives_each_criterion_its_tie_break_order(api, demo):
    """Jawa Barat 2018's finalised ranking (the demo, scoring.demo.JABAR_2018_CRITERIA): ties
    are broken by the field visit, then the dossier check. The frozen criteria carry those
    orders, as the decision file reads them (scoring.frozen), not null (issue 25)."""
    panel = Panel.objects.get(edition__year=2018, province="32")
    category = Category.objects.get(edition__year=2018, code="pemerintah-kabupaten-kota")
    bekasi = Nomination.objects.get(category=category, candidate__name="Pemerintah Kota Bekasi")
    admin = UserFactory(email="sekretariat@example.test")
    role_assign(user=admin, role=Role.NATIONAL_ADMIN)
    api.force_authenticate(admin)
    base = f"/api/v1/scoring/panels/{panel.pk}/"
    body = api.get(f"{base}rankings/{category.pk}/").json()
    assert (body["ranking"], body["finalised"]) == ("assessment", True)
    expected = [("verifikasi_berkas", 2), ("peninjauan_lapangan", 1)]
    assert [(c["code"], c["tie_break_order"]) for c in body["criteria"]] == expected
    decision = api.get(f"{base}decisions/{bekasi.pk}/").json()
    assert [(c["code"], c["tie_break_order"]) for c in decision["stages"][0]["criteria"]] == (
        expected
    )


def test_ranking_list_shows_progress_and_visibility(api, fresh):
    round_, bogor, _ = fresh
    round_.score(round_.members[2], bogor, "87.65", "12.34")
    api.force_authenticate(round_.members[1])
    body = api.get(f"/api/v1/scoring/panels/{round_.panel.pk}/rankings/").json()
    assert body == [
        {
            "category": {
                "id": round_.category.pk,
                "code": "kab-kota",
                "name": round_.category.name,
            },
            "finalised": False,
            "visible": False,
            "progress": {"nominees": 2, "scoresheets_missing": 5},
        }
    ]


# ---------------------------------------------------------------------------------------------
# Conflicts


def test_conflicts_members_see_their_own_chair_and_auditor_everyone(api, world):
    bogor, sukabumi = world.nominations["bogor"], world.nominations["sukabumi"]
    services.conflict_declare(
        actor=world.users["member2"], panel=world.panel, nomination=bogor, reason="Mantan staf"
    )
    api.force_authenticate(world.users["member"])
    declared = {"nomination": sukabumi.pk, "reason": "Kakak saya Sekda Sukabumi"}
    forged = {
        "assessor": world.users["member2"].pk,
        "source": "organisation",
        "panel": world.other_panel.pk,
    }
    refused = api.post(world.url("conflicts/"), {**declared, **forged}, format="json")
    assert (refused.status_code, refused.json()) == (
        400,
        {name: [f"This field cannot be set: {name}."] for name in forged},
    )
    assert Conflict.objects.count() == 1
    response = api.post(world.url("conflicts/"), declared, format="json")
    body = response.json()
    assert (response.status_code, {k: v for k, v in body.items() if k != "created_at"}) == (
        201,
        {
            "id": body["id"],
            "nomination": body["nomination"],
            "assessor": "Anggota 1",
            "source": "declared",
            "reason": "Kakak saya Sekda Sukabumi",
        },
    )
    conflict = Conflict.objects.get(pk=body["id"])
    assert (conflict.assessor, conflict.panel, conflict.source, conflict.nomination) == (
        world.users["member"],
        world.panel,
        "declared",
        sukabumi,
    )
    own = api.get(world.url("conflicts/")).json()
    assert [(c["nomination"]["id"], c["assessor"]) for c in own["results"]] == [
        (sukabumi.pk, "Anggota 1")
    ]
    assert "Mantan staf" not in body_text(api.get(world.url("conflicts/")))
    for role in ("chair", "admin", "auditor"):
        api.force_authenticate(world.users[role])
        everyone = api.get(world.url("conflicts/")).json()
        assert [
            (c["nomination"]["id"], c["assessor"], c["reason"]) for c in everyone["results"]
        ] == [
            (bogor.pk, "Anggota 2", "Mantan staf"),
            (sukabumi.pk, "Anggota 1", "Kakak saya Sekda Sukabumi"),
        ]


def test_conflict_needs_a_reason_and_is_declared_once(api, world):
    sukabumi = world.nominations["sukabumi"]
    api.force_authenticate(world.users["member"])
    url = world.url("conflicts/")
    no_reason = api.post(url, {"nomination": sukabumi.pk, "reason": ""}, format="json")
    assert (no_reason.status_code, no_reason.json()) == (
        400,
        {"reason": ["Say what the conflict of interest is."]},
    )
    assert (
        api.post(url, {"nomination": sukabumi.pk, "reason": "a"}, format="json").status_code == 201
    )
    twice = api.post(url, {"nomination": sukabumi.pk, "reason": "b"}, format="json")
    assert (twice.status_code, twice.json()) == (
        400,
        {"non_field_errors": ["You are already excluded from this nominee."]},
    )
    finalised = api.post(
        url, {"nomination": world.nominations["bekasi"].pk, "reason": "c"}, format="json"
    )
    assert (finalised.status_code, finalised.json()) == (
        400,
        {
            "non_field_errors": [
                "The ranking of Kategori Selesai is finalised; the chair must reopen it, with a "
                "reason, before anything changes."
            ]
        },
    )
    assert Conflict.objects.filter(assessor=world.users["member"]).count() == 1


# ---------------------------------------------------------------------------------------------
# Queries do not grow with the number of nominees


def _many(make_round, n):
    """`n` verified nominees scored by the whole panel, each with a declared conflict of
    Anggota 1 (after scoring), and `n` dossiers waiting for verification."""
    round_ = make_round(CRITERIA)
    codes = ["32.71", "32.72", "32.73", "32.74", "32.75", "32.76", "32.77", "32.78", "32.79"]
    for code in codes[:n]:
        nomination = round_.nominate(code, pu_coverage=D("0.8"))
        for person in round_.members:
            round_.score(person, nomination, 70, 60)
        services.conflict_declare(
            actor=round_.members[1], panel=round_.panel, nomination=nomination, reason="r"
        )
    for code in ("32.01", "32.02", "32.03", "32.04", "32.05", "32.06", "32.07")[:n]:
        round_.nominate(code, state=NominationState.SUBMITTED)
    return round_


# The chair's requests: role assignments and the panel, then the route's own reads.
QUERIES = {
    "": 13,  # + stages, members, the rules asked for `you`, the categories
    "verifications/": 4,  # + the rule, count, page
    "scoresheets/": 6,  # + the rule, stage, nominees, own scoresheets, own conflicts
    "conflicts/": 5,  # + two rules, count, page
    "rankings/": 13,  # per category (one here): progress, snapshot, visibility
    "rankings/{category}/": 23,  # + rubric, criteria, the ranking query, nominees, category,
    # provinces, regencies (the whole tables: fewer rows than the nominees at scale), ties, the
    # reader's conflicts in the category (issue 24: what is withheld from them)
}


@pytest.mark.parametrize("n", [2, 7])
def test_lists_do_not_grow_with_the_nominees(api, make_round, django_assert_max_num_queries, n):
    round_ = _many(make_round, n)
    api.force_authenticate(round_.chair)
    base = f"/api/v1/scoring/panels/{round_.panel.pk}/"
    for tail, queries in QUERIES.items():
        with django_assert_max_num_queries(queries):
            response = api.get(base + tail.format(category=round_.category.pk))
        assert response.status_code == 200
    body = api.get(ranking_url(round_)).json()
    assert (len(body["rows"]), {r["total"] for r in body["rows"]}) == (n, {"66.00"})
    assert api.get(base + "conflicts/").json()["count"] == n
    assert api.get(base + "verifications/").json()["count"] == n


# ---------------------------------------------------------------------------------------------
# OpenAPI


def test_openapi_schema_validates_and_documents_the_scoring_routes(tmp_path):
    out = tmp_path / "schema.json"
    call_command(
        "spectacular", "--validate", "--fail-on-warn", "--format", "openapi-json", "--file", out
    )
    schema = json.loads(out.read_text())
    paths = {
        path: sorted(m for m in ops if m != "parameters")
        for path, ops in schema["paths"].items()
        if path.startswith("/api/v1/scoring/")
    }
    panel = "/api/v1/scoring/panels/{panel_pk}"
    assert paths == {
        "/api/v1/scoring/panels/": ["get"],
        "/api/v1/scoring/panels/{id}/": ["get"],
        f"{panel}/verifications/": ["get", "post"],
        f"{panel}/verifications/corrections/": ["post"],
        f"{panel}/scoresheets/": ["get"],
        f"{panel}/scoresheets/{{nomination_pk}}/": ["get", "put"],
        f"{panel}/rankings/": ["get"],
        f"{panel}/rankings/{{category_pk}}/": ["get"],
        f"{panel}/rankings/{{category_pk}}/finalise/": ["post"],
        f"{panel}/rankings/{{category_pk}}/reopen/": ["post"],
        f"{panel}/rankings/{{category_pk}}/ties/": ["post"],
        f"{panel}/conflicts/": ["get", "post"],
        f"{panel}/rankings/{{category_pk}}/confirm/": ["post"],
        f"{panel}/rankings/{{category_pk}}/agreement/": ["get"],
        f"{panel}/interviews/": ["get"],
        f"{panel}/interviews/{{nomination_pk}}/": ["get"],
        f"{panel}/interviews/{{nomination_pk}}/schedule/": ["put"],
        f"{panel}/interviews/{{nomination_pk}}/record/": ["put"],
        f"{panel}/awards/": ["get", "post"],
        f"{panel}/awards/{{award_pk}}/withdraw/": ["post"],
        # scoring/api_decision.py
        f"{panel}/decisions/{{nomination_pk}}/": ["get"],
    }
    components = schema["components"]["schemas"]
    # What a client sends: never a rank, a total, a state, a label, a stage or a panel.
    assert set(components["ScoresheetWriteRequest"]["properties"]) == {"scores", "submit", "reason"}
    assert set(components["VerificationRequest"]["properties"]) == {
        "nomination",
        "decision",
        "reason",
        "deadline",
    }
    assert set(components["VerificationCorrectionRequest"]["properties"]) == {
        "nomination",
        "reason",
    }
    assert set(components["TieOrderRequest"]["properties"]) == {"order", "reason"}
    assert set(components["ConflictDeclareRequest"]["properties"]) == {"nomination", "reason"}
    assert (
        "requestBody" not in schema["paths"][f"{panel}/rankings/{{category_pk}}/finalise/"]["post"]
    )
