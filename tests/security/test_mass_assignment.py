"""Mass assignment through the API (issue 7, point 4): a write route takes the fields of its
input and nothing else. A state, a label, a rank, a province, a stage, an author, an id or any
other field it does not take is refused with a 400 naming each such field (never silently
dropped, so a client cannot believe it set one), and the database is left as it was.

Each route is called by someone allowed to use it, on an object it may change, with a valid
body plus the forged fields: the forged fields alone make the 400."""

from dataclasses import dataclass, field

import pytest
from django.conf import settings
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db.models import Model
from rest_framework.test import APIClient

from candidates import services as candidate_services
from candidates.models import (
    BusinessData,
    Candidate,
    Category,
    GovernmentData,
    Innovation,
    LegalProduct,
    Nomination,
    NominationTransition,
)
from scoring import selectors
from scoring.enums import StageKind
from scoring.models import (
    Award,
    Conflict,
    IndicatorValue,
    Interview,
    Panel,
    RankingConfirmation,
    RankingSnapshot,
    RankingSnapshotRow,
    Score,
    ScoreRevision,
    Scoresheet,
    Stage,
    StageEvent,
    TieDecision,
)

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("demo_once")]

ADMIN = "admin@paritrana.test"
BRANCH = "cabang.gorontalo@paritrana.test"
MEMBER = "panel.jabar@paritrana.test"
JURY_CHAIR = "ketua.juri@paritrana.test"
TABLES = (
    Candidate,
    Nomination,
    GovernmentData,
    BusinessData,
    LegalProduct,
    Innovation,
    NominationTransition,
    IndicatorValue,
    Stage,
    StageEvent,
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
)


def rows(*models: type[Model]) -> dict:
    return {m.__name__: list(m.objects.order_by("pk").values()) for m in models}


def refused(*fields: str) -> dict:
    return {name: [f"This field cannot be set: {name}."] for name in fields}


@dataclass
class World:
    """The demo objects the routes are called on."""

    users: dict
    draft: Nomination  # Bone Bolango 2021, a draft of the Gorontalo branch
    product: LegalProduct  # one of the draft's legal products
    other: Nomination  # a nomination of another region and edition
    jabar: Panel  # Jawa Barat 2020
    jury: Panel  # the national jury 2020
    extra: dict = field(default_factory=dict)

    def pk(self, email: str) -> int:
        return self.users[email].pk


@pytest.fixture
def world(demo_accounts):
    users = demo_accounts
    draft = Nomination.objects.get(
        candidate__name="Pemerintah Kabupaten Bone Bolango", category__edition__year=2021
    )
    product = candidate_services.legal_product_save(
        actor=users[BRANCH],
        nomination=draft,
        type="perda",
        number="7",
        year=2020,
        title="Perda perlindungan pekerja",
        scope="",
    )
    jabar = Panel.objects.get(edition__year=2020, province="32")
    jury = Panel.objects.get(edition__year=2020, province__isnull=True)
    other = selectors.stage_nominations(jabar, StageKind.PROVINCIAL_ASSESSMENT).order_by("pk")[0]
    return World(users, draft, product, other, jabar, jury)


@pytest.fixture
def api():
    client = APIClient()
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    return client


def _category(panel: Panel) -> Category:
    """A category the panel ranks, with a finalised ranking."""
    return RankingSnapshot.objects.filter(panel=panel).order_by("pk")[0].category


def _ranking(rest: str) -> str:
    """A route of a finalised provincial ranking (Jawa Barat 2018's)."""
    snapshot = RankingSnapshot.objects.filter(panel__province__isnull=False).order_by("pk")[0]
    return f"/api/v1/scoring/panels/{snapshot.panel_id}/rankings/{snapshot.category_id}/{rest}"


def _award(w: World) -> Award:
    return Award.objects.filter(category__edition=w.jury.edition_id).order_by("pk")[0]


def _interviewed(w: World) -> Nomination:
    return selectors.stage_nominations(w.jury, StageKind.NATIONAL_INTERVIEW).order_by("pk")[0]


def _panel(panel: Panel, rest: str) -> str:
    return f"/api/v1/scoring/panels/{panel.pk}/{rest}"


# Each write route of the API: who calls it, where, a valid body, and the forged fields.
ROUTES = {
    "POST /api/v1/candidates/": lambda w: (
        ADMIN,
        "/api/v1/candidates/",
        {"kind": "regency_government", "regency": "75.03"},
        {"id": w.other.candidate_id, "nominations": [w.other.pk], "created_by": w.pk(ADMIN)},
    ),
    "POST /api/v1/nominations/": lambda w: (
        BRANCH,
        "/api/v1/nominations/",
        {"candidate": w.draft.candidate_id, "category": w.draft.category_id},
        {
            "state": "awarded",
            "provincial_label": "peringkat_1",
            "national_label": "peringkat_1",
            "national_rank": 1,
            "created_by": w.pk(ADMIN),
            "edition": 2020,
            "id": w.other.pk,
        },
    ),
    "PATCH /api/v1/nominations/{id}/figures/": lambda w: (
        BRANCH,
        f"/api/v1/nominations/{w.draft.pk}/figures/",
        {"head_of_region": "Hendra Hemeto"},
        {
            "state": "verified",
            "national_rank": 1,
            "candidate": w.other.candidate_id,
            "category": w.other.category_id,
            "nomination": w.other.pk,
            "province": "32",
            # A business's figure on a government nomination.
            "employees_total": 100,
        },
    ),
    "POST /api/v1/nominations/{id}/submit/": lambda w: (
        BRANCH,
        f"/api/v1/nominations/{w.draft.pk}/submit/",
        {},
        {"state": "verified", "provincial_label": "peringkat_1"},
    ),
    "POST /api/v1/nominations/{id}/withdraw/": lambda w: (
        BRANCH,
        f"/api/v1/nominations/{w.draft.pk}/withdraw/",
        {"reason": "Data belum lengkap"},
        {"state": "draft", "to_state": "draft", "actor": w.pk(ADMIN)},
    ),
    "POST /api/v1/nominations/{nomination_pk}/legal-products/": lambda w: (
        BRANCH,
        f"/api/v1/nominations/{w.draft.pk}/legal-products/",
        {"type": "perbup", "number": "4", "year": 2020, "title": "Perbup"},
        {"nomination": w.other.pk, "id": w.product.pk, "document": "https://example.org/x.pdf"},
    ),
    "PATCH /api/v1/nominations/{nomination_pk}/legal-products/{id}/": lambda w: (
        BRANCH,
        f"/api/v1/nominations/{w.draft.pk}/legal-products/{w.product.pk}/",
        {"title": "Judul baru"},
        {"nomination": w.other.pk, "id": w.product.pk + 1000},
    ),
    "POST /api/v1/scoring/panels/{panel_pk}/verifications/": lambda w: (
        ADMIN,
        _panel(w.jabar, "verifications/"),
        {"nomination": w.other.pk, "decision": "verify"},
        {
            "state": "verified",
            "provincial_label": "peringkat_1",
            "province": "31",
            "panel": w.jury.pk,
            "stage": "provincial_result",
        },
    ),
    "POST /api/v1/scoring/panels/{panel_pk}/verifications/corrections/": lambda w: (
        ADMIN,
        _panel(w.jabar, "verifications/corrections/"),
        {"nomination": w.other.pk, "reason": "Salah verifikasi"},
        {
            "state": "submitted",
            "to_state": "verified",
            "actor": w.pk(MEMBER),
            "panel": w.jury.pk,
            "stage": "provincial_verification",
        },
    ),
    "PUT /api/v1/scoring/panels/{panel_pk}/scoresheets/{nomination_pk}/": lambda w: (
        MEMBER,
        _panel(w.jabar, f"scoresheets/{w.other.pk}/"),
        {"scores": []},
        {
            "state": "submitted",
            "assessor": w.pk(ADMIN),
            "submitted_at": "2020-01-01T00:00:00Z",
            "total": "99.99",
            "rank": 1,
            "stage": "national_selection",
        },
    ),
    "POST /api/v1/scoring/panels/{panel_pk}/rankings/{category_pk}/finalise/": lambda w: (
        ADMIN,
        _ranking("finalise/"),
        {},
        {
            "rows": [{"nomination": w.other.pk, "rank": 1, "total": "99.99"}],
            "quota": 3,
            "cut_off": "10.00",
            "label": "peringkat_1",
        },
    ),
    "POST /api/v1/scoring/panels/{panel_pk}/rankings/{category_pk}/ties/": lambda w: (
        ADMIN,
        _ranking("ties/"),
        {"order": [], "reason": "Unggul pada wawancara"},
        {"rank": 1, "position": 1, "decided_by": w.pk(MEMBER)},
    ),
    "POST /api/v1/scoring/panels/{panel_pk}/rankings/{category_pk}/reopen/": lambda w: (
        ADMIN,
        _ranking("reopen/"),
        {"reason": "Salah hitung"},
        {"state": "open", "reopened_by": w.pk(MEMBER), "signed_off_at": None},
    ),
    "POST /api/v1/scoring/panels/{panel_pk}/rankings/{category_pk}/confirm/": lambda w: (
        JURY_CHAIR,
        _panel(w.jury, f"rankings/{_category(w.jury).pk}/confirm/"),
        {},
        {"juror": w.pk(ADMIN), "signed_off_at": "2020-01-01T00:00:00Z", "national_rank": 1},
    ),
    "POST /api/v1/scoring/panels/{panel_pk}/conflicts/": lambda w: (
        MEMBER,
        _panel(w.jabar, "conflicts/"),
        {"nomination": w.other.pk, "reason": "Kakak saya Sekda"},
        {"assessor": w.pk(ADMIN), "source": "organisation", "panel": w.jury.pk},
    ),
    "PUT /api/v1/scoring/panels/{panel_pk}/interviews/{nomination_pk}/schedule/": lambda w: (
        ADMIN,
        _panel(w.jury, f"interviews/{_interviewed(w).pk}/schedule/"),
        {"video_link": "https://meet.example.org/paritrana"},
        # Who attended is the record route's.
        {"attendance": "head", "factor": "1.00", "panel": w.jabar.pk, "updated_by": 1},
    ),
    "PUT /api/v1/scoring/panels/{panel_pk}/interviews/{nomination_pk}/record/": lambda w: (
        ADMIN,
        _panel(w.jury, f"interviews/{_interviewed(w).pk}/record/"),
        {"attendance": "deputy", "attendee": "Wakil Bupati"},
        {"scheduled_at": "2020-10-01T09:00:00Z", "factor": "1.00", "nomination": w.other.pk},
    ),
    "POST /api/v1/scoring/panels/{panel_pk}/awards/": lambda w: (
        ADMIN,
        _panel(w.jury, "awards/"),
        {"nomination": _interviewed(w).pk, "title": "Terbaik khusus", "reason": "Inovasi"},
        {
            "kind": "ranked",
            "label": "peringkat_1",
            "rank": 1,
            "province": "32",
            "zone": "jawa_bali",
            "category": w.other.category_id,
            "given_by": w.pk(MEMBER),
        },
    ),
    "POST /api/v1/scoring/panels/{panel_pk}/awards/{award_pk}/withdraw/": lambda w: (
        ADMIN,
        _panel(w.jury, f"awards/{_award(w).pk}/withdraw/"),
        {"reason": "Data tidak benar"},
        {"withdrawn_by": w.pk(MEMBER), "withdrawn_at": "2020-01-01T00:00:00Z", "label": ""},
    ),
}


@pytest.mark.parametrize("route", ROUTES)
def test_write_route_refuses_fields_it_does_not_take(route, api, world):
    email, path, valid, forged = ROUTES[route](world)
    method = route.split(" ", 1)[0].lower()
    api.force_authenticate(world.users[email])
    before = rows(*TABLES)

    response = getattr(api, method)(path, {**valid, **forged}, format="json")

    assert (response.status_code, response.json()) == (400, refused(*forged))
    assert rows(*TABLES) == before


def test_every_write_route_is_covered(client, demo):
    """A route added later comes with its mass-assignment case (DELETE takes no input)."""
    schema = client.get("/api/schema/?format=json").json()
    writes = {
        f"{method.upper()} {path}"
        for path, operations in schema["paths"].items()
        for method in operations
        if method in ("post", "put", "patch")
    }
    assert writes == set(ROUTES)


def test_scoresheet_refuses_fields_inside_its_scores(api, world):
    api.force_authenticate(world.users[MEMBER])
    before = rows(*TABLES)
    body = {
        "scores": [
            {"criterion": "verifikasi_berkas", "value": 80, "note": "Lengkap"},
            {"criterion": "commitment", "value": 70, "note": "Baik", "assessor": 1, "weight": 9},
        ],
        "submit": True,
    }

    response = api.put(_panel(world.jabar, f"scoresheets/{world.other.pk}/"), body, format="json")

    assert (response.status_code, response.json()) == (
        400,
        {"scores": {"1": refused("assessor", "weight")}},
    )
    assert rows(*TABLES) == before


def test_multipart_upload_refuses_fields_it_does_not_take(api, world):
    api.force_authenticate(world.users[BRANCH])
    before = rows(*TABLES)
    pdf = SimpleUploadedFile("perbup.pdf", b"%PDF-1.4\n%%EOF\n", content_type="application/pdf")

    response = api.post(
        f"/api/v1/nominations/{world.draft.pk}/legal-products/",
        {
            "type": "perbup",
            "number": "4",
            "year": "2020",
            "title": "Perbup",
            "pdf": pdf,
            "nomination": str(world.other.pk),
        },
        format="multipart",
    )

    assert (response.status_code, response.json()) == (400, refused("nomination"))
    assert rows(*TABLES) == before


@pytest.mark.parametrize(
    ("body", "errors"),
    [
        (
            {"kind": "regency_government", "regency": "75.03", "province": "32"},
            {"province": ["This field is not used for this kind of candidate."]},
        ),
        (
            {"kind": "province_government", "province": "75", "name": "Provinsi Lain"},
            {"name": ["This field is not used for this kind of candidate."]},
        ),
        (
            {
                "kind": "business",
                "npp": "NPP7500001",
                "name": "PT Contoh",
                "scale": "large",
                "regency": "75.71",
                "province": "32",
            },
            {"province": ["This field is not used for this kind of candidate."]},
        ),
    ],
)
def test_candidate_register_refuses_fields_its_kind_does_not_use(api, world, body, errors):
    api.force_authenticate(world.users[BRANCH])
    before = rows(*TABLES)

    response = api.post("/api/v1/candidates/", body, format="json")

    assert (response.status_code, response.json()) == (400, errors)
    assert rows(*TABLES) == before
