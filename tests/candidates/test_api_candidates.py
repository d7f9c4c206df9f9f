"""The candidates API (/api/v1/): every role on every route, object scope (404 outside it, 403
for what one may see but not change), the validators reached through the API, mass assignment,
token authentication and the OpenAPI schema. Constant queries on lists: test_api_queries.py."""

import json

import pytest
from django.conf import settings
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.db.models import Model
from django.forms.models import model_to_dict
from rest_framework import serializers as drf_serializers
from rest_framework.test import APIClient

from accounts.enums import Role
from accounts.services import role_assign
from candidates import services
from candidates.enums import BusinessScale, CandidateKind, LegalProductType, NominationState
from candidates.indicators import LEGAL_PRODUCT_STRENGTH
from candidates.models import (
    Branch,
    BusinessData,
    Candidate,
    Category,
    Edition,
    GovernmentData,
    Innovation,
    LegalProduct,
    Nomination,
    NominationTransition,
    Regency,
)
from tests.factories import UserFactory, api_token
from tests.security.pdf_files import VALID as VALID_PDF

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("demo_accounts_once")]

# A valid one-page PDF (what validators.validate_pdf reads with pypdf).
PDF = VALID_PDF

ADMIN = "admin@paritrana.test"
BRANCH = "cabang.gorontalo@paritrana.test"
PANEL = "panel.jabar@paritrana.test"
PANEL_CHAIR = "ketua.panel.jabar@paritrana.test"
JURY = "juri@paritrana.test"
JURY_CHAIR = "ketua.juri@paritrana.test"
AUDITOR = "auditor@paritrana.test"
ROLES = [None, ADMIN, BRANCH, PANEL, PANEL_CHAIR, JURY, JURY_CHAIR, AUDITOR]
ROLE_IDS = ["anonymous", "admin", "branch", "panel", "panel-chair", "jury", "jury-chair", "auditor"]
by_role = pytest.mark.parametrize("role", ROLES, ids=ROLE_IDS)

NOT_AUTHENTICATED = {"detail": "Authentication credentials were not provided."}
FORBIDDEN = {"detail": "You do not have permission to perform this action."}

# The target below is a 2021 draft of Kabupaten Gorontalo, a region of the Gorontalo branch.
# Who sees it: the secretariat, the branch and the auditor (panels and jury see nothing of it);
# who may change it: the secretariat and the branch.
SEES_TARGET = {
    None: 403,
    ADMIN: 200,
    BRANCH: 200,
    PANEL: 404,
    PANEL_CHAIR: 404,
    JURY: 404,
    JURY_CHAIR: 404,
    AUDITOR: 200,
}
CHANGES_TARGET = {**SEES_TARGET, AUDITOR: 403}
REGISTERS = dict.fromkeys(ROLES, 403) | {ADMIN: 201, BRANCH: 201}

TARGET_FIGURES = {
    "head_of_region": "Nelson Pomalingo",
    "contact_name": "Kepala Dinas Tenaga Kerja",
    "working_age_population": 300_000,
    "labour_force": 200_000,
    "formal_workers": 80_000,
    "informal_workers": 110_000,
    "active_pu": 60_000,
    "active_bpu": 22_000,
    "bpu_apbd_vulnerable": 5_000,
    "non_asn_total": 3_000,
    "non_asn_covered": 2_500,
    "employers_registered": 900,
    "apbd_contribution_budget": 1_500_000_000,
}


@pytest.fixture(autouse=True)
def _media_in_tmp(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


@pytest.fixture
def api():
    """An API client reading English (the site speaks Indonesian unless the cookie says not)."""
    client = APIClient()
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    return client


@pytest.fixture
def users(demo_accounts):
    return demo_accounts


def as_role(api, users, role):
    if role is not None:
        api.force_authenticate(users[role])
    return api


def denied(role, status, model="Nomination"):
    if role is None:
        return NOT_AUTHENTICATED
    return FORBIDDEN if status == 403 else {"detail": f"No {model} matches the given query."}


def pdf_upload(content=PDF, name="perbup.pdf"):
    return SimpleUploadedFile(name, content, content_type="application/pdf")


def category(year, code="pemerintah-kabupaten-kota"):
    return Category.objects.get(edition__year=year, code=code)


def nomination(year, name):
    return Nomination.objects.get(category__edition__year=year, candidate__name=name)


@pytest.fixture
def target(users):
    """Kabupaten Gorontalo's 2021 draft, entered by the branch through the services: complete
    figures, one legal product with its PDF, one state change."""
    staff = users[BRANCH]
    candidate = services.government_candidate_get_or_create(
        actor=staff, regency=Regency.objects.get(code="75.01")
    )
    draft = services.nomination_create(actor=staff, candidate=candidate, category=category(2021))
    services.nomination_figures_update(actor=staff, nomination=draft, values=TARGET_FIGURES)
    services.legal_product_save(
        actor=staff,
        nomination=draft,
        type=LegalProductType.PERBUP,
        number="12",
        year=2019,
        title="Perlindungan jaminan sosial ketenagakerjaan bagi pekerja rentan",
        scope="Kabupaten Gorontalo",
        pdf=pdf_upload(),
    )
    return draft


@pytest.fixture
def product(target):
    return target.legal_products.get()


@pytest.fixture
def boalemo(users):
    """Kabupaten Boalemo's government, registered but not nominated."""
    return services.government_candidate_get_or_create(
        actor=users[BRANCH], regency=Regency.objects.get(code="75.02")
    )


@pytest.fixture
def business(users):
    """A large business of Kota Gorontalo with a 2021 draft in Usaha Besar."""
    staff = users[BRANCH]
    candidate = services.business_candidate_register(
        actor=staff,
        npp="75000001",
        name="PT Gorontalo Agro Lestari",
        scale=BusinessScale.LARGE,
        regency=Regency.objects.get(code="75.71"),
        sector="Perkebunan",
    )
    return services.nomination_create(
        actor=staff, candidate=candidate, category=category(2021, "usaha-besar")
    )


@pytest.fixture
def bekasi_staff(demo):
    """Staff of another branch (Kantor Cabang Bekasi Kota, covering 32.75 Kota Bekasi)."""
    user = UserFactory(email="staf.bekasi@example.test", first_name="Staf Bekasi")
    role_assign(user=user, role=Role.BRANCH_STAFF, branch=Branch.objects.get(code="bekasi-kota"))
    return user


@pytest.fixture
def bekasi_draft(bekasi_staff):
    """Kota Bekasi's 2021 draft, with figures and a legal product, entered by its branch."""
    candidate = Candidate.objects.get(kind=CandidateKind.REGENCY_GOVERNMENT, regency="32.75")
    draft = services.nomination_create(
        actor=bekasi_staff, candidate=candidate, category=category(2021)
    )
    services.nomination_figures_update(
        actor=bekasi_staff, nomination=draft, values={"head_of_region": "Tri Adhianto"}
    )
    services.legal_product_save(
        actor=bekasi_staff,
        nomination=draft,
        type=LegalProductType.PERDA,
        number="18",
        year=2011,
        title="Pelayanan Ketenagakerjaan",
        scope="Kota Bekasi",
    )
    return draft


def expected_product(product, nomination_pk):
    document = (
        f"http://testserver/api/v1/nominations/{nomination_pk}/legal-products/"
        f"{product.pk}/document/"
        if product.pdf
        else None
    )
    return {
        "id": product.pk,
        "type": product.type,
        "number": product.number,
        "year": product.year,
        "title": product.title,
        "scope": product.scope,
        "document": document,
    }


def rows(*models: type[Model]) -> dict:
    """Every row of the given tables, to compare the database before and after."""
    return {
        m.__name__: sorted((model_to_dict(o) for o in m.objects.all()), key=lambda r: r["id"])
        for m in models
    }


ALL_TABLES = (
    Candidate,
    Nomination,
    GovernmentData,
    BusinessData,
    LegalProduct,
    Innovation,
    NominationTransition,
)


def names(body):
    return sorted((r["edition"], r["candidate"]["name"]) for r in body["results"])


# ---------------------------------------------------------------------------------------------
# Every role on every route


@by_role
def test_reference_data_is_public_for_every_role(api, users, role):
    client = as_role(api, users, role)
    provinces = client.get("/api/v1/provinces/")
    assert (provinces.status_code, len(provinces.json())) == (200, 38)
    province = client.get("/api/v1/provinces/75/")
    assert (province.status_code, province.json()) == (
        200,
        {"code": "75", "name": "Gorontalo", "zone": "sulawesi"},
    )
    regencies = client.get("/api/v1/regencies/", {"province": "75"})
    assert (regencies.status_code, [r["code"] for r in regencies.json()["results"]]) == (
        200,
        ["75.01", "75.02", "75.03", "75.04", "75.05", "75.71"],
    )
    regency = client.get("/api/v1/regencies/75.71/")
    assert (regency.status_code, regency.json()) == (
        200,
        {"code": "75.71", "name": "Kota Gorontalo", "kind": "kota", "province": "75"},
    )


@by_role
def test_editions_and_categories_are_public_for_every_role(api, users, role):
    client = as_role(api, users, role)
    editions = client.get("/api/v1/editions/")
    assert (editions.status_code, [e["year"] for e in editions.json()]) == (
        200,
        [2021, 2020, 2018],
    )
    edition = client.get("/api/v1/editions/2021/").json()
    assert (edition["year"], edition["nominations_open"], len(edition["categories"])) == (
        2021,
        True,
        5,
    )
    kab_kota = category(2021)
    expected = {
        "id": kab_kota.pk,
        "edition": 2021,
        "code": "pemerintah-kabupaten-kota",
        "name": "Pemerintah Kabupaten/Kota",
        "candidate_kind": "regency_government",
        "business_scale": "",
        "has_provincial_round": True,
        "award_scheme": "ranked",
        "provincial_quota": 1,
        "finalist_quota": 9,
    }
    listed = client.get(
        "/api/v1/categories/", {"edition": 2021, "candidate_kind": "regency_government"}
    )
    assert (listed.status_code, listed.json()["results"]) == (200, [expected])
    detail = client.get(f"/api/v1/categories/{kab_kota.pk}/")
    assert (detail.status_code, detail.json()) == (200, expected)


@by_role
def test_branches_need_a_role(api, users, role):
    client = as_role(api, users, role)
    listed = client.get("/api/v1/branches/")
    detail = client.get("/api/v1/branches/gorontalo/")
    gorontalo = {
        "code": "gorontalo",
        "name": "Kantor Cabang Gorontalo",
        "province": "75",
        "regencies": ["75.01", "75.02", "75.03", "75.04", "75.05", "75.71"],
        "handles_provincial_government": True,
    }
    if role is None:
        assert (listed.status_code, listed.json()) == (403, NOT_AUTHENTICATED)
        assert (detail.status_code, detail.json()) == (403, NOT_AUTHENTICATED)
    else:
        assert (listed.status_code, [b["code"] for b in listed.json()["results"]]) == (
            200,
            ["bekasi-kota", "gorontalo"],
        )
        assert (detail.status_code, detail.json()) == (200, gorontalo)


PANEL_NOMINATIONS = sorted(
    [(2018, f"Pemerintah {r}") for r in ("Kota Bekasi", "Kota Bogor", "Kota Bandung")]
    + [(2018, f"Pemerintah {r}") for r in ("Kota Sukabumi", "Kota Cimahi")]
    + [(2018, f"Pemerintah {r}") for r in ("Kota Depok", "Kabupaten Bekasi")]
    + [(2018, f"Pemerintah {r}") for r in ("Kabupaten Karawang", "Kota Cirebon")]
    + [
        (2018, name)
        for name in (
            "Yutaka MFG Indonesia",
            "Kartika Paramedika",
            "Chitose Internasional",
            "Gracia Pharmindo",
            "Sankei Gosyu Industries",
            "Japfa Comfeed Indonesia",
            "Martabak Air Mancur",
        )
    ]
    + [
        (2020, f"Pemerintah {r}")
        for r in (
            "Kota Bekasi",
            "Kota Bandung",
            "Kota Depok",
            "Kabupaten Sukabumi",
            "Kabupaten Purwakarta",
            "Kabupaten Bandung",
            "Kota Banjar",
        )
    ]
)
VISIBLE_NOMINATIONS = {
    BRANCH: [
        (2020, "Pemerintah Kabupaten Bone Bolango"),
        (2021, "Pemerintah Kabupaten Bone Bolango"),
        (2021, "Pemerintah Kota Gorontalo"),
        (2021, "Pemerintah Provinsi Gorontalo"),
    ],
    PANEL: PANEL_NOMINATIONS,
    PANEL_CHAIR: PANEL_NOMINATIONS,
    # The 2020 national round's twelve (Kota Bekasi, Bone Bolango and ten illustrative) and
    # Jakarta Utara, finalist of 2021.
    JURY: [
        (2020, "Pemerintah Kabupaten Badung"),
        (2020, "Pemerintah Kabupaten Banyuwangi"),
        (2020, "Pemerintah Kabupaten Bone Bolango"),
        (2020, "Pemerintah Kabupaten Sleman"),
        (2020, "Pemerintah Kota Balikpapan"),
        (2020, "Pemerintah Kota Banda Aceh"),
        (2020, "Pemerintah Kota Bekasi"),
        (2020, "Pemerintah Kota Kupang"),
        (2020, "Pemerintah Kota Makassar"),
        (2020, "Pemerintah Kota Palembang"),
        (2020, "Pemerintah Kota Pekanbaru"),
        (2020, "Pemerintah Kota Semarang"),
        (2021, "Pemerintah Kota Administrasi Jakarta Utara"),
    ],
}
VISIBLE_NOMINATIONS[JURY_CHAIR] = VISIBLE_NOMINATIONS[JURY]


@by_role
def test_nomination_list_per_role(api, users, role):
    response = as_role(api, users, role).get("/api/v1/nominations/")
    if role is None:
        assert (response.status_code, response.json()) == (403, NOT_AUTHENTICATED)
        return
    everything = sorted(
        (n.category.edition.year, n.candidate.name)
        for n in Nomination.objects.select_related("candidate", "category__edition")
    )
    expected = VISIBLE_NOMINATIONS.get(role, everything)
    body = response.json()
    assert (response.status_code, body["count"], names(body)) == (200, len(expected), expected)
    assert len(everything) == 38


@by_role
def test_nomination_detail_per_role(api, users, target, role):
    response = as_role(api, users, role).get(f"/api/v1/nominations/{target.pk}/")
    status = SEES_TARGET[role]
    if status == 200:
        body = response.json()
        assert (response.status_code, body["id"], body["state"]) == (200, target.pk, "draft")
        assert body["government_data"]["head_of_region"] == "Nelson Pomalingo"
    else:
        assert (response.status_code, response.json()) == (status, denied(role, status))


@by_role
def test_nomination_transitions_per_role(api, users, target, role):
    response = as_role(api, users, role).get(f"/api/v1/nominations/{target.pk}/transitions/")
    status = SEES_TARGET[role]
    if status == 200:
        change = target.transitions.get()
        at = drf_serializers.DateTimeField().to_representation(change.at)
        assert (response.status_code, response.json()) == (
            200,
            [
                {
                    "from_state": "",
                    "to_state": "draft",
                    "actor": "Staf Cabang Gorontalo",
                    "at": at,
                    "reason": "",
                    "deadline": None,
                }
            ],
        )
    else:
        assert (response.status_code, response.json()) == (status, denied(role, status))


@by_role
def test_nomination_create_per_role(api, users, boalemo, role):
    before = Nomination.objects.count()
    response = as_role(api, users, role).post(
        "/api/v1/nominations/",
        {"candidate": boalemo.pk, "category": category(2021).pk},
        format="json",
    )
    status = REGISTERS[role]
    if status == 201:
        created = Nomination.objects.get(candidate=boalemo)
        body = response.json()
        assert (response.status_code, body["id"], body["state"], body["candidate"]["name"]) == (
            201,
            created.pk,
            "draft",
            "Pemerintah Kabupaten Boalemo",
        )
        assert (created.state, created.created_by, Nomination.objects.count()) == (
            NominationState.DRAFT,
            users[role],
            before + 1,
        )
    else:
        assert (response.status_code, response.json()) == (status, denied(role, status))
        assert Nomination.objects.count() == before


@by_role
def test_nomination_figures_per_role(api, users, target, role):
    response = as_role(api, users, role).patch(
        f"/api/v1/nominations/{target.pk}/figures/",
        {"head_of_region": "Hendra Hemeto"},
        format="json",
    )
    status = CHANGES_TARGET[role]
    data = GovernmentData.objects.get(nomination=target)
    if status == 200:
        assert (response.status_code, response.json()["government_data"]["head_of_region"]) == (
            200,
            "Hendra Hemeto",
        )
        assert data.head_of_region == "Hendra Hemeto"
    else:
        assert (response.status_code, response.json()) == (status, denied(role, status))
        assert data.head_of_region == "Nelson Pomalingo"


@by_role
def test_nomination_submit_per_role(api, users, target, role):
    response = as_role(api, users, role).post(f"/api/v1/nominations/{target.pk}/submit/")
    status = CHANGES_TARGET[role]
    target.refresh_from_db()
    if status == 200:
        assert (response.status_code, response.json()["state"]) == (200, "submitted")
        assert target.state == NominationState.SUBMITTED
        assert list(target.transitions.values_list("to_state", "actor__email")) == [
            ("draft", BRANCH),
            ("submitted", role),
        ]
    else:
        assert (response.status_code, response.json()) == (status, denied(role, status))
        assert (target.state, target.transitions.count()) == (NominationState.DRAFT, 1)


@by_role
def test_nomination_withdraw_per_role(api, users, target, role):
    response = as_role(api, users, role).post(
        f"/api/v1/nominations/{target.pk}/withdraw/",
        {"reason": "The regency withdraws this year."},
        format="json",
    )
    status = CHANGES_TARGET[role]
    target.refresh_from_db()
    if status == 200:
        assert (response.status_code, response.json()["state"]) == (200, "withdrawn")
        assert target.state == NominationState.WITHDRAWN
        assert target.transitions.last().reason == "The regency withdraws this year."
    else:
        assert (response.status_code, response.json()) == (status, denied(role, status))
        assert (target.state, target.transitions.count()) == (NominationState.DRAFT, 1)


@by_role
def test_legal_product_list_and_detail_per_role(api, users, target, product, role):
    client = as_role(api, users, role)
    base = f"/api/v1/nominations/{target.pk}/legal-products/"
    listed = client.get(base)
    detail = client.get(f"{base}{product.pk}/")
    document = client.get(f"{base}{product.pk}/document/")
    status = SEES_TARGET[role]
    if status == 200:
        expected = expected_product(product, target.pk)
        assert (listed.status_code, listed.json()) == (
            200,
            {"count": 1, "next": None, "previous": None, "results": [expected]},
        )
        assert (detail.status_code, detail.json()) == (200, expected)
        assert (document.status_code, document["Content-Type"], b"".join(document)) == (
            200,
            "application/pdf",
            PDF,
        )
        assert document["Content-Disposition"] == (
            f'attachment; filename="legal-product-{product.pk}.pdf"'
        )
    else:
        for response in (listed, detail, document):
            assert (response.status_code, response.json()) == (status, denied(role, status))


@by_role
def test_legal_product_add_per_role(api, users, target, role):
    response = as_role(api, users, role).post(
        f"/api/v1/nominations/{target.pk}/legal-products/",
        {
            "type": "instruksi",
            "number": "3",
            "year": "2021",
            "title": "Instruksi Bupati tentang kepesertaan pekerja rentan",
            "pdf": pdf_upload(name="instruksi.pdf"),
        },
        format="multipart",
    )
    status = {**CHANGES_TARGET, ADMIN: 201, BRANCH: 201}[role]
    if status == 201:
        added = target.legal_products.get(type=LegalProductType.INSTRUKSI)
        assert (response.status_code, response.json()) == (
            201,
            expected_product(added, target.pk),
        )
        assert (added.number, added.year, added.scope) == ("3", 2021, "")
        with added.pdf.open("rb") as stored:
            assert stored.read() == PDF
        assert target.legal_products.count() == 2
    else:
        assert (response.status_code, response.json()) == (status, denied(role, status))
        assert target.legal_products.count() == 1


@by_role
def test_legal_product_change_per_role(api, users, target, product, role):
    response = as_role(api, users, role).patch(
        f"/api/v1/nominations/{target.pk}/legal-products/{product.pk}/",
        {"title": "Perlindungan pekerja rentan", "year": 2020},
        format="json",
    )
    status = CHANGES_TARGET[role]
    product.refresh_from_db()
    if status == 200:
        assert (response.status_code, response.json()) == (
            200,
            expected_product(product, target.pk),
        )
        assert (product.title, product.year) == ("Perlindungan pekerja rentan", 2020)
    else:
        assert (response.status_code, response.json()) == (status, denied(role, status))
        assert (product.title, product.year) == (
            "Perlindungan jaminan sosial ketenagakerjaan bagi pekerja rentan",
            2019,
        )


@by_role
def test_legal_product_delete_per_role(api, users, target, product, role):
    response = as_role(api, users, role).delete(
        f"/api/v1/nominations/{target.pk}/legal-products/{product.pk}/"
    )
    status = {**CHANGES_TARGET, ADMIN: 204, BRANCH: 204}[role]
    if status == 204:
        assert (response.status_code, response.content) == (204, b"")
        assert target.legal_products.exists() is False
    else:
        assert (response.status_code, response.json()) == (status, denied(role, status))
        assert list(target.legal_products.all()) == [product]


CANDIDATE_NAMES = {
    BRANCH: [
        "Pemerintah Kabupaten Bone Bolango",
        "Pemerintah Kota Gorontalo",
        "Pemerintah Provinsi Gorontalo",
    ],
    PANEL: sorted({name for _year, name in PANEL_NOMINATIONS}),
    PANEL_CHAIR: sorted({name for _year, name in PANEL_NOMINATIONS}),
    JURY: sorted({name for _year, name in VISIBLE_NOMINATIONS[JURY]}),
}
CANDIDATE_NAMES[JURY_CHAIR] = CANDIDATE_NAMES[JURY]


@by_role
def test_candidate_list_per_role(api, users, role):
    response = as_role(api, users, role).get("/api/v1/candidates/")
    if role is None:
        assert (response.status_code, response.json()) == (403, NOT_AUTHENTICATED)
        return
    everything = sorted(Candidate.objects.values_list("name", flat=True))
    expected = CANDIDATE_NAMES.get(role, everything)
    body = response.json()
    assert (response.status_code, body["count"]) == (200, len(expected))
    assert sorted(c["name"] for c in body["results"]) == expected


@by_role
def test_candidate_detail_per_role(api, users, role):
    gorontalo = Candidate.objects.get(regency="75.71", kind=CandidateKind.REGENCY_GOVERNMENT)
    response = as_role(api, users, role).get(f"/api/v1/candidates/{gorontalo.pk}/")
    status = SEES_TARGET[role]
    if status == 200:
        assert (response.status_code, response.json()) == (
            200,
            {
                "id": gorontalo.pk,
                "kind": "regency_government",
                "name": "Pemerintah Kota Gorontalo",
                "province": "75",
                "regency": "75.71",
                "npp": None,
                "sector": "",
                "scale": "",
            },
        )
    else:
        assert (response.status_code, response.json()) == (
            status,
            denied(role, status, "Candidate"),
        )


@by_role
def test_candidate_register_per_role(api, users, role):
    response = as_role(api, users, role).post(
        "/api/v1/candidates/", {"kind": "regency_government", "regency": "75.04"}, format="json"
    )
    status = REGISTERS[role]
    registered = Candidate.objects.filter(regency="75.04")
    if status == 201:
        candidate = registered.get()
        assert (response.status_code, response.json()) == (
            201,
            {
                "id": candidate.pk,
                "kind": "regency_government",
                "name": "Pemerintah Kabupaten Pohuwato",
                "province": "75",
                "regency": "75.04",
                "npp": None,
                "sector": "",
                "scale": "",
            },
        )
    else:
        assert (response.status_code, response.json()) == (status, denied(role, status))
        assert registered.exists() is False


def test_a_user_without_a_role_reaches_only_public_routes(api, target):
    api.force_authenticate(UserFactory(email="tanpa.peran@example.test"))
    product = target.legal_products.get()
    base = f"/api/v1/nominations/{target.pk}"
    closed = [
        api.get("/api/v1/nominations/"),
        api.get(f"{base}/"),
        api.get(f"{base}/transitions/"),
        api.get(f"{base}/legal-products/"),
        api.get(f"{base}/legal-products/{product.pk}/document/"),
        api.patch(f"{base}/figures/", {"head_of_region": "X"}, format="json"),
        api.post(f"{base}/submit/"),
        api.get("/api/v1/candidates/"),
        api.post("/api/v1/candidates/", {"kind": "regency_government", "regency": "75.04"}),
        api.get("/api/v1/branches/"),
    ]
    assert [(r.status_code, r.json()) for r in closed] == [(403, FORBIDDEN)] * len(closed)
    public = {
        "provinces": len(api.get("/api/v1/provinces/").json()),
        "regencies": api.get("/api/v1/regencies/").json()["count"],
        "editions": [e["year"] for e in api.get("/api/v1/editions/").json()],
        "categories": api.get("/api/v1/categories/").json()["count"],
    }
    assert public == {
        "provinces": 38,
        "regencies": 514,
        "editions": [2021, 2020, 2018],
        "categories": 14,
    }


def test_routes_without_a_method_answer_405(api, users, target):
    api.force_authenticate(users[ADMIN])
    before = rows(*ALL_TABLES)
    detail = f"/api/v1/nominations/{target.pk}/"
    candidate = f"/api/v1/candidates/{target.candidate_id}/"
    product = f"/api/v1/nominations/{target.pk}/legal-products/{target.legal_products.get().pk}/"
    for method, url in [
        ("put", detail),
        ("patch", detail),
        ("delete", detail),
        ("put", candidate),
        ("patch", candidate),
        ("delete", candidate),
        ("put", product),
        ("post", "/api/v1/branches/"),
        ("post", "/api/v1/editions/"),
        ("post", "/api/v1/categories/"),
        ("get", f"/api/v1/nominations/{target.pk}/submit/"),
    ]:
        response = getattr(api, method)(url, {"state": "awarded"}, format="json")
        assert (response.status_code, response.json()) == (
            405,
            {"detail": f'Method "{method.upper()}" not allowed.'},
        ), (method, url)
    assert rows(*ALL_TABLES) == before


# ---------------------------------------------------------------------------------------------
# Object scope


@pytest.mark.parametrize(
    ("role", "year", "name"),
    [
        (PANEL, 2020, "Pemerintah Kota Bekasi"),
        (PANEL_CHAIR, 2018, "Yutaka MFG Indonesia"),
        (JURY, 2020, "Pemerintah Kabupaten Bone Bolango"),
        (JURY_CHAIR, 2021, "Pemerintah Kota Administrasi Jakarta Utara"),
        (AUDITOR, 2021, "Pemerintah Kota Gorontalo"),
    ],
    ids=["panel", "panel-chair", "jury", "jury-chair", "auditor"],
)
def test_roles_that_read_a_nomination_get_403_on_every_write(api, users, role, year, name):
    seen = nomination(year, name)
    client = as_role(api, users, role)
    assert client.get(f"/api/v1/nominations/{seen.pk}/").status_code == 200
    base = f"/api/v1/nominations/{seen.pk}"
    product = LegalProduct.objects.create(
        nomination=seen, type=LegalProductType.PERDA, number="1", year=2018, title="Perda"
    )
    before = rows(*ALL_TABLES)
    responses = [
        client.patch(f"{base}/figures/", {"head_of_region": "X"}, format="json"),
        client.post(f"{base}/submit/"),
        client.post(f"{base}/withdraw/", {"reason": "X"}, format="json"),
        client.post(f"{base}/legal-products/", {"type": "perda", "number": "2", "year": 2018}),
        client.patch(f"{base}/legal-products/{product.pk}/", {"title": "X"}, format="json"),
        client.delete(f"{base}/legal-products/{product.pk}/"),
    ]
    assert [(r.status_code, r.json()) for r in responses] == [(403, FORBIDDEN)] * 6
    assert rows(*ALL_TABLES) == before


def _every_route(client, nomination_pk, product_pk):
    base = f"/api/v1/nominations/{nomination_pk}"
    return {
        "read": client.get(f"{base}/"),
        "transitions": client.get(f"{base}/transitions/"),
        "products": client.get(f"{base}/legal-products/"),
        "product": client.get(f"{base}/legal-products/{product_pk}/"),
        "document": client.get(f"{base}/legal-products/{product_pk}/document/"),
        "figures": client.patch(
            f"{base}/figures/", {"head_of_region": "Someone else"}, format="json"
        ),
        "add product": client.post(
            f"{base}/legal-products/",
            {"type": "perda", "number": "9", "year": 2020, "title": "T", "pdf": pdf_upload()},
            format="multipart",
        ),
        "change product": client.patch(
            f"{base}/legal-products/{product_pk}/", {"title": "Changed"}, format="json"
        ),
        "delete product": client.delete(f"{base}/legal-products/{product_pk}/"),
        "submit": client.post(f"{base}/submit/"),
        "withdraw": client.post(f"{base}/withdraw/", {"reason": "Not ours"}, format="json"),
    }


def test_branch_staff_get_404_on_another_branch_nomination_and_nothing_changes(
    api, users, bekasi_draft
):
    product = bekasi_draft.legal_products.get()
    before = rows(*ALL_TABLES)
    api.force_authenticate(users[BRANCH])
    responses = _every_route(api, bekasi_draft.pk, product.pk)
    assert {k: (r.status_code, r.json()) for k, r in responses.items()} == dict.fromkeys(
        responses, (404, {"detail": "No Nomination matches the given query."})
    )
    assert rows(*ALL_TABLES) == before
    listed = api.get("/api/v1/nominations/", {"edition": 2021}).json()
    assert bekasi_draft.pk not in [r["id"] for r in listed["results"]]


def test_other_branch_gets_404_on_gorontalo_nomination_and_nothing_changes(
    api, target, bekasi_staff
):
    product = target.legal_products.get()
    before = rows(*ALL_TABLES)
    api.force_authenticate(bekasi_staff)
    responses = _every_route(api, target.pk, product.pk)
    assert {k: (r.status_code, r.json()) for k, r in responses.items()} == dict.fromkeys(
        responses, (404, {"detail": "No Nomination matches the given query."})
    )
    assert rows(*ALL_TABLES) == before


def test_a_legal_product_is_found_only_under_its_own_nomination(api, users, target, bekasi_draft):
    """Gorontalo's staff cannot reach Bekasi's product through their own nomination's URL."""
    foreign = bekasi_draft.legal_products.get()
    before = rows(*ALL_TABLES)
    api.force_authenticate(users[BRANCH])
    base = f"/api/v1/nominations/{target.pk}/legal-products/{foreign.pk}/"
    responses = [
        api.get(base),
        api.patch(base, {"title": "Taken"}, format="json"),
        api.delete(base),
    ]
    assert [(r.status_code, r.json()) for r in responses] == [
        (404, {"detail": "No LegalProduct matches the given query."})
    ] * 3
    assert rows(*ALL_TABLES) == before


def test_branch_staff_cannot_register_or_nominate_outside_their_regions(api, users, demo):
    before = rows(*ALL_TABLES)
    api.force_authenticate(users[BRANCH])
    region = api.post(
        "/api/v1/candidates/", {"kind": "regency_government", "regency": "32.76"}, format="json"
    )
    assert (region.status_code, region.json()) == (
        403,
        {"detail": "This region is not covered by your branch office."},
    )
    province = api.post(
        "/api/v1/candidates/", {"kind": "province_government", "province": "32"}, format="json"
    )
    assert (province.status_code, province.json()) == (
        403,
        {"detail": "This region is not covered by your branch office."},
    )
    bekasi = Candidate.objects.get(kind=CandidateKind.REGENCY_GOVERNMENT, regency="32.75")
    nominated = api.post(
        "/api/v1/nominations/",
        {"candidate": bekasi.pk, "category": category(2021).pk},
        format="json",
    )
    assert (nominated.status_code, nominated.json()) == (
        400,
        {"candidate": [f'Invalid pk "{bekasi.pk}" - object does not exist.']},
    )
    assert rows(*ALL_TABLES) == before


def test_business_of_another_branch_cannot_be_taken_over_by_registering_its_npp(
    api, users, business, bekasi_staff
):
    before = rows(*ALL_TABLES)
    api.force_authenticate(bekasi_staff)
    response = api.post(
        "/api/v1/candidates/",
        {
            "kind": "business",
            "npp": "75000001",
            "name": "PT Diambil Alih",
            "scale": "large",
            "regency": "32.75",
        },
        format="json",
    )
    assert (response.status_code, response.json()) == (
        403,
        {"detail": "This region is not covered by your branch office."},
    )
    assert rows(*ALL_TABLES) == before


# ---------------------------------------------------------------------------------------------
# Filters and the shape of a nomination


def test_nomination_filters(api, users, demo):
    api.force_authenticate(users[ADMIN])

    def listed(**params):
        return names(api.get("/api/v1/nominations/", params).json())

    assert listed(edition=2021, province=75) == [
        (2021, "Pemerintah Kabupaten Bone Bolango"),
        (2021, "Pemerintah Kota Gorontalo"),
        (2021, "Pemerintah Provinsi Gorontalo"),
    ]
    assert listed(category="pemerintah-provinsi") == [(2021, "Pemerintah Provinsi Gorontalo")]
    assert listed(state="awarded") == [
        (2020, "Pemerintah Kabupaten Banyuwangi"),
        (2020, "Pemerintah Kota Bekasi"),
        (2020, "Pemerintah Kota Semarang"),
    ]
    assert listed(kind="business", edition=2018, province=32) == sorted(
        (2018, n)
        for n in (
            "Yutaka MFG Indonesia",
            "Kartika Paramedika",
            "Chitose Internasional",
            "Gracia Pharmindo",
            "Sankei Gosyu Industries",
            "Japfa Comfeed Indonesia",
            "Martabak Air Mancur",
        )
    )
    assert listed(edition=2019) == []
    bad = api.get("/api/v1/nominations/", {"state": "famous"})
    assert (bad.status_code, bad.json()) == (
        400,
        {"state": ["Select a valid choice. famous is not one of the available choices."]},
    )


def test_nomination_list_is_paginated(api, users, demo):
    api.force_authenticate(users[ADMIN])
    first = api.get("/api/v1/nominations/", {"page": 1}).json()
    assert (first["count"], len(first["results"]), first["next"], first["previous"]) == (
        38,
        38,
        None,
        None,
    )
    beyond = api.get("/api/v1/nominations/", {"page": 2})
    assert (beyond.status_code, beyond.json()) == (404, {"detail": "Invalid page."})


def test_candidate_filters(api, users, demo, business):
    api.force_authenticate(users[ADMIN])

    def listed(**params):
        return sorted(c["name"] for c in api.get("/api/v1/candidates/", params).json()["results"])

    assert listed(province=75) == [
        "PT Gorontalo Agro Lestari",
        "Pemerintah Kabupaten Bone Bolango",
        "Pemerintah Kota Gorontalo",
        "Pemerintah Provinsi Gorontalo",
    ]
    assert listed(province=75, kind="business") == ["PT Gorontalo Agro Lestari"]
    assert listed(regency="32.75") == ["Pemerintah Kota Bekasi"]
    assert listed(npp="7500 0001") == ["PT Gorontalo Agro Lestari"]
    assert listed(kind="province_government") == ["Pemerintah Provinsi Gorontalo"]


def test_nomination_detail_has_figures_products_innovations_flags_and_indicators(api, users, demo):
    bekasi = nomination(2020, "Pemerintah Kota Bekasi")
    api.force_authenticate(users[AUDITOR])
    body = api.get(f"/api/v1/nominations/{bekasi.pk}/").json()
    to_time = drf_serializers.DateTimeField().to_representation
    kab_kota = category(2020)
    products = sorted(bekasi.legal_products.all(), key=lambda p: (p.type, p.year))
    assert body == {
        "id": bekasi.pk,
        "candidate": {
            "id": bekasi.candidate_id,
            "kind": "regency_government",
            "name": "Pemerintah Kota Bekasi",
            "province": "32",
            "regency": "32.75",
            "npp": None,
        },
        "edition": 2020,
        "category": {
            "id": kab_kota.pk,
            "code": "pemerintah-kabupaten-kota",
            "name": "Pemerintah Kabupaten/Kota",
        },
        "state": "awarded",
        "provincial_label": "peringkat_1",
        "national_label": "peringkat_3",
        "national_rank": 3,
        "created_at": to_time(bekasi.created_at),
        "updated_at": to_time(bekasi.updated_at),
        "government_data": {
            "head_of_region": "Rahmat Effendi",
            "contact_name": "Ika Indah Yarti",
            "contact_position": "Kepala Dinas Tenaga Kerja Kota Bekasi",
            "contact_email": "",
            "contact_phone": "",
            "working_age_population": 2_200_000,
            "labour_force": 1_500_000,
            "formal_workers": 929_199,
            "informal_workers": 454_088,
            "active_pu": 886_113,
            "active_bpu": 55_289,
            "bpu_apbd_vulnerable": 39_227,
            "non_asn_total": None,
            "non_asn_covered": 14_786,
            "employers_registered": None,
            "apbd_contribution_budget": None,
            "justification": "",
        },
        "business_data": None,
        "legal_products": [expected_product(p, bekasi.pk) for p in products],
        "innovations": [
            {
                "id": bekasi.innovations.get().pk,
                "title": "Perizinan terintegrasi dengan BPJS Ketenagakerjaan",
                "description": "Layanan perizinan di DPM-PTSP Kota Bekasi terintegrasi dengan "
                "kepesertaan BPJS Ketenagakerjaan.",
                "evidence": "",
            }
        ],
        "flags": [],
        "indicators": {
            "pu_coverage": "0.9536",
            "bpu_coverage": "0.1218",
            "vulnerable_per_1000": "28.3578",
            "non_asn_coverage": None,
            "legal_product_strength": str(sum(LEGAL_PRODUCT_STRENGTH[p.type] for p in products)),
        },
    }


def test_business_nomination_has_business_data_and_indicators(api, users, business):
    api.force_authenticate(users[BRANCH])
    response = api.patch(
        f"/api/v1/nominations/{business.pk}/figures/",
        {
            "employees_total": 400,
            "employees_registered": 380,
            "jkk_enrolled": 380,
            "jkm_enrolled": 380,
            "jht_enrolled": 342,
            "jp_enrolled": 304,
            "reported_wages": 9_000,
            "actual_payroll": 10_000,
            "arrears_months": 0,
        },
        format="json",
    )
    body = response.json()
    assert (response.status_code, body["government_data"], body["legal_products"]) == (
        200,
        None,
        [],
    )
    assert body["business_data"] == {
        "employees_total": 400,
        "employees_registered": 380,
        "jkk_enrolled": 380,
        "jkm_enrolled": 380,
        "jht_enrolled": 342,
        "jp_enrolled": 304,
        "jkp_enrolled": None,
        "reported_wages": 9_000,
        "actual_payroll": 10_000,
        "arrears_months": 0,
        "contractors": None,
        "contractor_workers": None,
        "contractor_workers_registered": None,
        "csr_vulnerable_workers": None,
        "justification": "",
    }
    # JKP does not apply before 2022: (1 + 1 + 0.9 + 0.8) / 4 = 0.925.
    assert body["indicators"] == {
        "registration_coverage": "0.9500",
        "programme_completeness": "0.9250",
        "arrears_months": "0",
        "wage_reporting": "0.9000",
        "supply_chain_coverage": None,
    }


# ---------------------------------------------------------------------------------------------
# Validation through the API


@pytest.mark.parametrize(
    ("values", "errors"),
    [
        (
            {"labour_force": 300_001},
            {
                "labour_force": [
                    "The labour force cannot exceed the working-age population (both BPS)."
                ]
            },
        ),
        (
            {"formal_workers": 95_000},
            {
                "formal_workers": [
                    "Formal plus informal workers cannot exceed the labour force (all BPS)."
                ]
            },
        ),
        (
            {"non_asn_covered": 3_001},
            {"non_asn_covered": ["Covered non-ASN staff cannot exceed the non-ASN staff total."]},
        ),
        (
            {"bpu_apbd_vulnerable": 22_001},
            {
                "bpu_apbd_vulnerable": [
                    "Vulnerable workers paid by the APBD are BPU participants: they cannot "
                    "exceed the active BPU participants (both BPJS)."
                ]
            },
        ),
        ({"labour_force": -1}, {"labour_force": ["A count cannot be negative."]}),
        (
            {"apbd_contribution_budget": -5},
            {"apbd_contribution_budget": ["A count cannot be negative."]},
        ),
        ({"labour_force": "many"}, {"labour_force": ["A valid integer is required."]}),
        ({"contact_email": "not-an-email"}, {"contact_email": ["Enter a valid email address."]}),
    ],
    ids=[
        "labour-force",
        "workers",
        "non-asn",
        "apbd-bpu",
        "negative",
        "negative-budget",
        "not-a-number",
        "email",
    ],
)
def test_impossible_government_figures_are_refused_at_their_field(
    api, users, target, values, errors
):
    before = rows(*ALL_TABLES)
    api.force_authenticate(users[BRANCH])
    response = api.patch(f"/api/v1/nominations/{target.pk}/figures/", values, format="json")
    assert (response.status_code, response.json()) == (400, errors)
    assert rows(*ALL_TABLES) == before


@pytest.mark.parametrize(
    ("values", "errors"),
    [
        *(
            (
                {"employees_registered": 10, f"{p}_enrolled": 11},
                {
                    f"{p}_enrolled": [
                        "Enrolment in a programme cannot exceed the employees registered with BPJS."
                    ]
                },
            )
            for p in ("jkk", "jkm", "jht", "jp", "jkp")
        ),
        (
            {"arrears_months": 13},
            {"arrears_months": ["Arrears are counted within the assessment year: 0 to 12 months."]},
        ),
        ({"contractors": -3}, {"contractors": ["A count cannot be negative."]}),
    ],
    ids=["jkk", "jkm", "jht", "jp", "jkp", "arrears", "negative"],
)
def test_impossible_business_figures_are_refused_at_their_field(
    api, users, business, values, errors
):
    before = rows(*ALL_TABLES)
    api.force_authenticate(users[BRANCH])
    response = api.patch(f"/api/v1/nominations/{business.pk}/figures/", values, format="json")
    assert (response.status_code, response.json()) == (400, errors)
    assert rows(*ALL_TABLES) == before


@pytest.mark.parametrize(
    ("fixture", "values", "field", "message"),
    [
        (
            "target",
            {"formal_workers": 50_000, "active_pu": 60_000},
            "active_pu",
            "PU coverage is 120.0 %: more wage-earner participants (BPJS) than formal workers "
            "(BPS).",
        ),
        (
            "target",
            {"informal_workers": 20_000, "active_bpu": 22_000},
            "active_bpu",
            "BPU coverage is 110.0 %: more non-wage participants (BPJS) than informal workers "
            "(BPS).",
        ),
        (
            "business",
            {"employees_total": 100, "employees_registered": 125},
            "employees_registered",
            "125.0 % of employees registered: more registered with BPJS than the company "
            "reports employing.",
        ),
        (
            "business",
            {"contractor_workers": 40, "contractor_workers_registered": 50},
            "contractor_workers_registered",
            "125.0 % of contractors' workers registered: more than the contractors report.",
        ),
        (
            "business",
            {"actual_payroll": 1_000, "reported_wages": 1_100},
            "reported_wages",
            "Wages reported to BPJS are 110.0 % of the actual payroll.",
        ),
    ],
    ids=["pu", "bpu", "registered", "contractors", "wages"],
)
def test_suspicious_figures_need_a_justification_then_stay_flagged(
    api, users, request, fixture, values, field, message
):
    nominated = request.getfixturevalue(fixture)
    model = GovernmentData if fixture == "target" else BusinessData
    url = f"/api/v1/nominations/{nominated.pk}/figures/"
    api.force_authenticate(users[BRANCH])
    before = rows(*ALL_TABLES)

    refused = api.patch(url, values, format="json")
    assert (refused.status_code, refused.json()) == (
        400,
        {"justification": [f"Explain the unusual figures before saving: {message}"]},
    )
    assert rows(*ALL_TABLES) == before

    reason = "A commuter region: many participants work here but live elsewhere."
    accepted = api.patch(url, {**values, "justification": reason}, format="json")
    assert (accepted.status_code, accepted.json()["flags"]) == (
        200,
        [{"field": field, "message": message}],
    )
    saved = model.objects.get(nomination=nominated)
    assert ({f: getattr(saved, f) for f in values}, saved.justification) == (values, reason)

    # A later change that leaves the justification out keeps it.
    kept = api.patch(url, {field: values[field]}, format="json")
    assert (kept.status_code, model.objects.get(nomination=nominated).justification) == (
        200,
        reason,
    )


@pytest.mark.parametrize("year", [2022, 1944], ids=["after-the-edition", "before-1945"])
def test_legal_product_year_outside_the_edition_is_refused(api, users, target, year):
    before = rows(*ALL_TABLES)
    api.force_authenticate(users[BRANCH])
    response = api.post(
        f"/api/v1/nominations/{target.pk}/legal-products/",
        {"type": "perda", "number": "7", "year": year, "title": "Perda"},
        format="multipart",
    )
    assert (response.status_code, response.json()) == (
        400,
        {"year": ["The year must be between 1945 and the assessment year 2021."]},
    )
    product = target.legal_products.get()
    changed = api.patch(
        f"/api/v1/nominations/{target.pk}/legal-products/{product.pk}/",
        {"year": year},
        format="json",
    )
    assert (changed.status_code, changed.json()) == (400, response.json())
    assert rows(*ALL_TABLES) == before


def _media_files(settings):
    root = settings.MEDIA_ROOT
    return sorted(str(p.relative_to(root)) for p in root.rglob("*") if p.is_file())


def test_fake_pdf_is_refused_and_nothing_is_stored(api, users, target, settings):
    before, files = rows(*ALL_TABLES), _media_files(settings)
    api.force_authenticate(users[BRANCH])
    html = b"<!DOCTYPE html><html><body><script>alert(1)</script></body></html>"
    response = api.post(
        f"/api/v1/nominations/{target.pk}/legal-products/",
        {
            "type": "perda",
            "number": "7",
            "year": 2020,
            "title": "Perda",
            "pdf": pdf_upload(html, "perda.pdf"),
        },
        format="multipart",
    )
    assert (response.status_code, response.json()) == (
        400,
        {"pdf": ["Only PDF documents are accepted; this file is not a PDF."]},
    )
    product = target.legal_products.get()
    replaced = api.patch(
        f"/api/v1/nominations/{target.pk}/legal-products/{product.pk}/",
        {"pdf": pdf_upload(html, "perda.pdf")},
        format="multipart",
    )
    assert (replaced.status_code, replaced.json()) == (400, response.json())
    assert (rows(*ALL_TABLES), _media_files(settings)) == (before, files)


def test_oversized_pdf_is_refused(api, users, target, settings):
    settings.PARITRANA_MAX_UPLOAD_MB = 0
    before = rows(*ALL_TABLES)
    api.force_authenticate(users[BRANCH])
    response = api.post(
        f"/api/v1/nominations/{target.pk}/legal-products/",
        {"type": "perda", "number": "7", "year": 2020, "title": "Perda", "pdf": pdf_upload()},
        format="multipart",
    )
    assert (response.status_code, response.json()) == (
        400,
        {"pdf": ["The file is 0.0 MB; the limit is 0 MB."]},
    )
    assert rows(*ALL_TABLES) == before


def test_legal_product_without_a_document_and_replacing_its_pdf(
    api, users, target, settings, django_capture_on_commit_callbacks
):
    api.force_authenticate(users[BRANCH])
    base = f"/api/v1/nominations/{target.pk}/legal-products/"
    created = api.post(
        base, {"type": "mou_pks", "number": "5", "year": 2021, "title": "PKS"}, format="json"
    )
    added = target.legal_products.get(type=LegalProductType.MOU_PKS)
    assert (created.status_code, created.json()) == (201, expected_product(added, target.pk))
    assert created.json()["document"] is None
    missing = api.get(f"{base}{added.pk}/document/")
    assert (missing.status_code, missing.json()) == (
        404,
        {"detail": "This legal product has no document."},
    )
    product = target.legal_products.get(type=LegalProductType.PERBUP)
    old_name = product.pdf.name
    new_pdf = PDF.replace(b"1 0 obj", b"2 0 obj")
    with django_capture_on_commit_callbacks(execute=True):
        replaced = api.patch(
            f"{base}{product.pk}/", {"pdf": pdf_upload(new_pdf)}, format="multipart"
        )
    product.refresh_from_db()
    assert (replaced.status_code, product.pdf.read()) == (200, new_pdf)
    assert old_name not in _media_files(settings)
    assert product.pdf.name.startswith("legal-products/") and product.pdf.name.endswith(".pdf")


def test_legal_products_are_for_governments_only(api, users, business):
    api.force_authenticate(users[BRANCH])
    response = api.post(
        f"/api/v1/nominations/{business.pk}/legal-products/",
        {"type": "perda", "number": "7", "year": 2020, "title": "Perda"},
        format="json",
    )
    assert (response.status_code, response.json()) == (
        400,
        {"non_field_errors": ["Only governments list legal products."]},
    )
    assert LegalProduct.objects.filter(nomination=business).exists() is False


@pytest.mark.parametrize(
    ("payload", "errors"),
    [
        (
            {"npp": "12-34", "name": "PT Contoh", "scale": "large"},
            {"npp": ["An NPP is 5 to 20 letters and digits, as on the BPJS registration."]},
        ),
        (
            {"npp": "", "name": "PT Contoh", "scale": "large"},
            {"npp": ["An NPP is 5 to 20 letters and digits, as on the BPJS registration."]},
        ),
        (
            {"npp": "75000009", "name": "PT Contoh", "scale": ""},
            {"scale": ["Choose the business scale."]},
        ),
        (
            {"npp": "75000009", "name": " ", "scale": "medium"},
            {"name": ["Enter the business's legal name."]},
        ),
        (
            {"npp": "75000009", "name": "PT Contoh", "scale": "huge"},
            {"scale": ['"huge" is not a valid choice.']},
        ),
    ],
    ids=["npp-format", "npp-missing", "scale", "name", "scale-choice"],
)
def test_business_registration_is_validated(api, users, demo, payload, errors):
    before = rows(*ALL_TABLES)
    api.force_authenticate(users[BRANCH])
    response = api.post(
        "/api/v1/candidates/", {"kind": "business", "regency": "75.71", **payload}, format="json"
    )
    assert (response.status_code, response.json()) == (400, errors)
    assert rows(*ALL_TABLES) == before


def test_business_registration_normalises_the_npp_and_is_idempotent(api, users, demo):
    api.force_authenticate(users[BRANCH])
    payload = {
        "kind": "business",
        "npp": " ab 123 456 ",
        "name": "CV Karawo Gorontalo",
        "scale": "small_micro",
        "sector": "Kerajinan",
        "regency": "75.71",
    }
    first = api.post("/api/v1/candidates/", payload, format="json")
    candidate = Candidate.objects.get(npp="AB123456")
    expected = {
        "id": candidate.pk,
        "kind": "business",
        "name": "CV Karawo Gorontalo",
        "province": "75",
        "regency": "75.71",
        "npp": "AB123456",
        "sector": "Kerajinan",
        "scale": "small_micro",
    }
    assert (first.status_code, first.json()) == (201, expected)
    again = api.post("/api/v1/candidates/", {**payload, "sector": "Tekstil"}, format="json")
    assert (again.status_code, again.json()) == (200, {**expected, "sector": "Tekstil"})
    assert Candidate.objects.filter(kind=CandidateKind.BUSINESS, regency="75.71").count() == 1


@pytest.mark.parametrize(
    ("payload", "errors"),
    [
        ({"kind": "regency_government"}, {"regency": ["This field is required."]}),
        (
            {"kind": "province_government", "regency": "75.71"},
            {"province": ["This field is required."]},
        ),
        ({"kind": "business", "npp": "75000009"}, {"regency": ["This field is required."]}),
        (
            {"kind": "regency_government", "regency": "99.99"},
            {"regency": ["Object with code=99.99 does not exist."]},
        ),
        ({"kind": "village"}, {"kind": ['"village" is not a valid choice.']}),
    ],
    ids=["regency", "province", "business-regency", "unknown-regency", "kind"],
)
def test_candidate_registration_needs_its_region(api, users, demo, payload, errors):
    before = rows(*ALL_TABLES)
    api.force_authenticate(users[BRANCH])
    response = api.post("/api/v1/candidates/", payload, format="json")
    assert (response.status_code, response.json()) == (400, errors)
    assert rows(*ALL_TABLES) == before


def test_government_registration_returns_the_existing_candidate(api, users, demo):
    api.force_authenticate(users[BRANCH])
    existing = Candidate.objects.get(kind=CandidateKind.PROVINCE_GOVERNMENT, province="75")
    before = rows(*ALL_TABLES)
    response = api.post(
        "/api/v1/candidates/", {"kind": "province_government", "province": "75"}, format="json"
    )
    assert (response.status_code, response.json()["id"], response.json()["name"]) == (
        200,
        existing.pk,
        "Pemerintah Provinsi Gorontalo",
    )
    assert rows(*ALL_TABLES) == before


def test_nomination_create_is_validated(api, users, demo, boalemo):
    api.force_authenticate(users[BRANCH])
    before = rows(*ALL_TABLES)
    gorontalo = Candidate.objects.get(kind=CandidateKind.REGENCY_GOVERNMENT, regency="75.71")
    cases = [
        (
            {"candidate": boalemo.pk, "category": category(2021, "usaha-besar").pk},
            {"category": ["This category is for business candidates."]},
        ),
        (
            {"candidate": gorontalo.pk, "category": category(2021).pk},
            {"category": ["Pemerintah Kota Gorontalo is already nominated in this category."]},
        ),
        (
            {"candidate": boalemo.pk, "category": category(2020).pk},
            {"category": ["Nominations for this edition are closed."]},
        ),
        ({"candidate": boalemo.pk}, {"category": ["This field is required."]}),
        (
            {"candidate": boalemo.pk, "category": 999_999},
            {"category": ['Invalid pk "999999" - object does not exist.']},
        ),
    ]
    for payload, errors in cases:
        response = api.post("/api/v1/nominations/", payload, format="json")
        assert (response.status_code, response.json()) == (400, errors), payload
    assert rows(*ALL_TABLES) == before


def test_submit_refused_while_figures_are_missing(api, users, target):
    GovernmentData.objects.filter(nomination=target).update(
        contact_name="", employers_registered=None
    )
    before = rows(*ALL_TABLES)
    api.force_authenticate(users[BRANCH])
    response = api.post(f"/api/v1/nominations/{target.pk}/submit/")
    assert (response.status_code, response.json()) == (
        400,
        {
            "non_field_errors": [
                "Fill in every figure before submitting. Missing: contact officer, employers "
                "registered."
            ]
        },
    )
    assert rows(*ALL_TABLES) == before


def test_submitted_nomination_is_locked(api, users, target):
    api.force_authenticate(users[BRANCH])
    assert api.post(f"/api/v1/nominations/{target.pk}/submit/").json()["state"] == "submitted"
    before = rows(*ALL_TABLES)
    product = target.legal_products.get()
    locked = {
        "non_field_errors": [
            "A submitted nomination cannot be changed; only drafts and returned ones can."
        ]
    }
    base = f"/api/v1/nominations/{target.pk}"
    responses = [
        api.patch(f"{base}/figures/", {"head_of_region": "X"}, format="json"),
        api.post(
            f"{base}/legal-products/", {"type": "perda", "number": "1", "year": 2020, "title": "T"}
        ),
        api.patch(f"{base}/legal-products/{product.pk}/", {"title": "X"}, format="json"),
        api.delete(f"{base}/legal-products/{product.pk}/"),
    ]
    assert [(r.status_code, r.json()) for r in responses] == [(400, locked)] * 4
    again = api.post(f"{base}/submit/")
    assert (again.status_code, again.json()) == (400, locked)
    assert rows(*ALL_TABLES) == before


def test_draft_of_a_closed_edition_is_locked(api, users, target):
    Edition.objects.filter(year=2021).update(nominations_open=False)
    before = rows(*ALL_TABLES)
    api.force_authenticate(users[BRANCH])
    response = api.patch(
        f"/api/v1/nominations/{target.pk}/figures/", {"head_of_region": "X"}, format="json"
    )
    assert (response.status_code, response.json()) == (
        400,
        {"non_field_errors": ["Nominations for this edition are closed."]},
    )
    assert rows(*ALL_TABLES) == before


def test_withdraw_needs_a_reason_and_happens_once(api, users, target):
    api.force_authenticate(users[BRANCH])
    url = f"/api/v1/nominations/{target.pk}/withdraw/"
    before = rows(*ALL_TABLES)
    for payload in ({}, {"reason": "   "}):
        response = api.post(url, payload, format="json")
        assert (response.status_code, response.json()) == (400, {"reason": ["Give a reason."]})
    assert rows(*ALL_TABLES) == before
    assert api.post(url, {"reason": "Merged with another entry."}, format="json").status_code == 200
    again = api.post(url, {"reason": "Twice."}, format="json")
    assert (again.status_code, again.json()) == (
        400,
        {"non_field_errors": ["A nomination cannot go from withdrawn to withdrawn."]},
    )
    assert list(target.transitions.values_list("to_state", "reason")) == [
        ("draft", ""),
        ("withdrawn", "Merged with another entry."),
    ]


# ---------------------------------------------------------------------------------------------
# Mass assignment


def test_nomination_create_refuses_state_labels_rank_and_creator(api, users, boalemo):
    api.force_authenticate(users[BRANCH])
    before = rows(*ALL_TABLES)
    forged = {
        "state": "awarded",
        "provincial_label": "peringkat_1",
        "national_label": "peringkat_1",
        "national_rank": 1,
        "created_by": users[ADMIN].pk,
        "edition": 2020,
    }
    valid = {"candidate": boalemo.pk, "category": category(2021).pk}
    refused = api.post("/api/v1/nominations/", {**valid, **forged}, format="json")
    assert (refused.status_code, refused.json()) == (
        400,
        {name: [f"This field cannot be set: {name}."] for name in forged},
    )
    assert rows(*ALL_TABLES) == before

    response = api.post("/api/v1/nominations/", valid, format="json")
    created = Nomination.objects.get(candidate=boalemo)
    body = response.json()
    assert (response.status_code, body["state"], body["national_rank"], body["edition"]) == (
        201,
        "draft",
        None,
        2021,
    )
    assert (
        created.state,
        created.provincial_label,
        created.national_label,
        created.national_rank,
        created.created_by,
        created.category,
    ) == (NominationState.DRAFT, "", "", None, users[BRANCH], category(2021))


def test_write_routes_refuse_fields_they_do_not_take(api, users, target, boalemo):
    """Every write route of a nomination refuses what it does not take, naming each field, and
    changes nothing (tests/security/test_mass_assignment.py covers every write route)."""
    api.force_authenticate(users[BRANCH])
    forged = {
        "state": "awarded",
        "provincial_label": "peringkat_1",
        "national_label": "peringkat_1",
        "national_rank": 1,
        "created_by": users[ADMIN].pk,
        "candidate": boalemo.pk,
        "category": category(2021, "usaha-besar").pk,
        "nomination": 1,
        "regency": "32.75",
        "province": "32",
    }
    errors = {name: [f"This field cannot be set: {name}."] for name in forged}
    base = f"/api/v1/nominations/{target.pk}"
    product = target.legal_products.get()
    before = rows(*ALL_TABLES)
    figures = api.patch(
        f"{base}/figures/", {**forged, "head_of_region": "Hendra Hemeto"}, format="json"
    )
    changed = api.patch(
        f"{base}/legal-products/{product.pk}/", {**forged, "title": "Judul baru"}, format="json"
    )
    added = api.post(
        f"{base}/legal-products/",
        {**forged, "type": "perda", "number": "4", "year": 2020, "title": "Perda"},
        format="json",
    )
    submitted = api.post(f"{base}/submit/", forged, format="json")
    assert [(r.status_code, r.json()) for r in (figures, changed, added, submitted)] == [
        (400, errors)
    ] * 4
    assert rows(*ALL_TABLES) == before
    saved = Nomination.objects.select_related("candidate").get(pk=target.pk)
    assert (
        saved.state,
        saved.provincial_label,
        saved.national_label,
        saved.national_rank,
        saved.created_by,
        saved.candidate_id,
        saved.candidate.regency_id,
        saved.category,
    ) == (
        NominationState.DRAFT,
        "",
        "",
        None,
        users[BRANCH],
        target.candidate_id,
        "75.01",
        category(2021),
    )
    assert (
        boalemo.nominations.count(),
        Nomination.objects.filter(national_rank=1, category__edition__year=2021).count(),
    ) == (0, 0)


def test_candidate_cannot_be_moved_to_another_region(api, users, business):
    candidate = business.candidate
    before = rows(*ALL_TABLES)
    api.force_authenticate(users[BRANCH])
    moved = api.post(
        "/api/v1/candidates/",
        {
            "kind": "business",
            "npp": candidate.npp,
            "name": candidate.name,
            "scale": "large",
            "regency": "75.01",
        },
        format="json",
    )
    assert (moved.status_code, moved.json()) == (
        400,
        {"regency": ["This NPP is registered in Kota Gorontalo; a business keeps its region."]},
    )
    government = Candidate.objects.get(kind=CandidateKind.REGENCY_GOVERNMENT, regency="75.71")
    for url in (f"/api/v1/candidates/{candidate.pk}/", f"/api/v1/candidates/{government.pk}/"):
        for method in ("patch", "put"):
            response = getattr(api, method)(
                url, {"regency": "75.01", "province": "32"}, format="json"
            )
            assert (response.status_code, response.json()) == (
                405,
                {"detail": f'Method "{method.upper()}" not allowed.'},
            )
    # A province or a name sent with a regency government is refused, not ignored.
    renamed = api.post(
        "/api/v1/candidates/",
        {"kind": "regency_government", "regency": "75.71", "province": "32", "name": "Kota X"},
        format="json",
    )
    assert (renamed.status_code, renamed.json()) == (
        400,
        {
            "province": ["This field is not used for this kind of candidate."],
            "name": ["This field is not used for this kind of candidate."],
        },
    )
    again = api.post(
        "/api/v1/candidates/", {"kind": "regency_government", "regency": "75.71"}, format="json"
    )
    assert (again.status_code, again.json()["regency"], again.json()["name"]) == (
        200,
        "75.71",
        "Pemerintah Kota Gorontalo",
    )
    assert rows(*ALL_TABLES) == before


# ---------------------------------------------------------------------------------------------
# Authentication


def test_token_authentication(users, demo):
    header, _token = api_token(users[BRANCH], scope="write", edition=2021)
    client = APIClient(enforce_csrf_checks=True)
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    client.credentials(HTTP_AUTHORIZATION=header)
    listed = client.get("/api/v1/nominations/")
    # The token's edition only (2021: three of the branch's four).
    assert (listed.status_code, listed.json()["count"]) == (200, 3)
    draft = nomination(2021, "Pemerintah Kota Gorontalo")
    # Token requests carry no session cookie, so they need no CSRF token.
    changed = client.patch(
        f"/api/v1/nominations/{draft.pk}/figures/", {"head_of_region": "Marten Taha"}, format="json"
    )
    assert (changed.status_code, GovernmentData.objects.get(nomination=draft).head_of_region) == (
        200,
        "Marten Taha",
    )
    client.credentials(HTTP_AUTHORIZATION="Token not-a-real-token")
    refused = client.get("/api/v1/nominations/")
    assert (refused.status_code, refused.json()) == (401, {"detail": "Invalid token."})


def test_session_authentication_needs_the_csrf_token_for_writes(users, demo):
    client = APIClient(enforce_csrf_checks=True)
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    client.force_login(users[BRANCH])
    assert client.get("/api/v1/nominations/").json()["count"] == 4
    draft = nomination(2021, "Pemerintah Kota Gorontalo")
    response = client.patch(
        f"/api/v1/nominations/{draft.pk}/figures/", {"head_of_region": "X"}, format="json"
    )
    assert (response.status_code, response.json()) == (
        403,
        {"detail": "CSRF Failed: CSRF cookie not set."},
    )
    assert GovernmentData.objects.filter(nomination=draft).exists() is False


# ---------------------------------------------------------------------------------------------
# OpenAPI


def test_openapi_schema_validates_without_warnings_and_lists_the_routes(tmp_path):
    out = tmp_path / "schema.json"
    call_command(
        "spectacular", "--validate", "--fail-on-warn", "--format", "openapi-json", "--file", out
    )
    schema = json.loads(out.read_text())
    paths = {
        path: sorted(m for m in ops if m != "parameters") for path, ops in schema["paths"].items()
    }
    assert {
        p: m
        for p, m in paths.items()
        if p.startswith("/api/v1/") and not p.startswith(("/api/v1/scoring/", "/api/v1/public/"))
    } == {
        "/api/v1/branches/": ["get"],
        "/api/v1/branches/{code}/": ["get"],
        "/api/v1/candidates/": ["get", "post"],
        "/api/v1/candidates/{id}/": ["get"],
        "/api/v1/categories/": ["get"],
        "/api/v1/categories/{id}/": ["get"],
        "/api/v1/editions/": ["get"],
        "/api/v1/editions/{year}/": ["get"],
        "/api/v1/nominations/": ["get", "post"],
        "/api/v1/nominations/{id}/": ["get"],
        "/api/v1/nominations/{id}/figures/": ["patch"],
        "/api/v1/nominations/{id}/submit/": ["post"],
        "/api/v1/nominations/{id}/transitions/": ["get"],
        "/api/v1/nominations/{id}/withdraw/": ["post"],
        "/api/v1/nominations/{nomination_pk}/legal-products/": ["get", "post"],
        "/api/v1/nominations/{nomination_pk}/legal-products/{id}/": ["delete", "get", "patch"],
        "/api/v1/nominations/{nomination_pk}/legal-products/{id}/document/": ["get"],
        "/api/v1/provinces/": ["get"],
        "/api/v1/provinces/{code}/": ["get"],
        "/api/v1/regencies/": ["get"],
        "/api/v1/regencies/{code}/": ["get"],
    }
    assert set(schema["components"]["securitySchemes"]) == {"cookieAuth", "tokenAuth"}
    upload = schema["components"]["schemas"]["LegalProductRequest"]["properties"]["pdf"]
    assert upload == {
        "type": "string",
        "format": "binary",
        "writeOnly": True,
        "description": "The document, a PDF (multipart upload).",
    }
