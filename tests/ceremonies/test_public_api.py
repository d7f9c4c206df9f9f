"""The read-only public API under /api/v1/public/: published editions, an edition's winners and
provincial results, certificate verification. Open to everyone, the same answer for every role,
GET only, JSON only, cached, documented in the OpenAPI schema. What must not leak is tested in
test_public_leaks.py."""

import json

import pytest
from django.conf import settings
from django.core.management import call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from candidates.enums import CandidateKind, NominationState
from candidates.models import Candidate, Category, Edition, Nomination, Regency
from ceremonies import services
from ceremonies.models import Certificate, Publication
from paritrana.public_cache import public_cache_clear
from scoring.enums import AwardKind
from scoring.models import Award
from tests import demo_data
from tests.factories import DEMO_EMAILS, api_token

pytestmark = [
    pytest.mark.django_db,
    pytest.mark.usefixtures("demo_once", "tasks_in_process"),
]

BEKASI = "Pemerintah Kota Bekasi"
ACCOUNTS = DEMO_EMAILS
EDITIONS = "/api/v1/public/editions/"


@pytest.fixture
def api(client):
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    return client


@pytest.fixture
def generated(published_demo, django_capture_on_commit_callbacks):
    demo_data.generate_certificates(
        published_demo, django_capture_on_commit_callbacks, "national_2020"
    )
    return published_demo


@pytest.fixture
def generated_real(generated):
    """As `generated`, of editions that are not demo data: their certificates are valid."""
    demo_data.as_real_data()
    return generated


def _json(client, url, status=200):
    response = client.get(url)
    assert response.status_code == status, (url, response.content[:500])
    assert response["Content-Type"] == "application/json"
    return response.json()


def _candidate(name: str) -> dict:
    candidate = Candidate.objects.select_related("regency__province").get(name=name)
    region = f"{candidate.regency.name}, {candidate.regency.province.name}"
    return {"id": candidate.pk, "name": name, "region": region}


def _bekasi_certificate(published_demo) -> Certificate:
    return Certificate.objects.get(
        ceremony=published_demo["national_2020"], nomination__candidate__name=BEKASI
    )


def test_editions_list_has_the_published_editions(api, published_demo):
    assert _json(api, EDITIONS) == [
        {
            "year": 2020,
            "theme": "",
            "national_results_published": True,
            "demo_data": True,
            "provinces": [],
        },
        {
            "year": 2018,
            "theme": "",
            "national_results_published": False,
            "demo_data": True,
            "provinces": [{"code": "32", "name": "Jawa Barat"}],
        },
    ]


def test_editions_list_is_empty_before_any_publication(api, demo):
    assert _json(api, EDITIONS) == []


def test_edition_2020_has_its_winners_and_ceremony(api, published_demo):
    data = _json(api, f"{EDITIONS}2020/")
    assert data["year"] == 2020
    assert data["national_results_published"] is True
    assert data["provincial_results"] == []
    assert data["ceremony"] == {
        "title": "Penyerahan Penghargaan Paritrana 2020",
        "held_on": "2021-09-09",
        "place": "Jakarta, melalui konferensi video",
        "video_link": "",
        "handed_over_by": [
            {"name": "K.H. Ma'ruf Amin", "position": "Wakil Presiden Republik Indonesia"}
        ],
    }
    assert data["winners"] == [
        {
            "category": {"code": "pemerintah-kabupaten-kota", "name": "Pemerintah Kabupaten/Kota"},
            "under_review": False,
            "awards": [
                {
                    "kind": "ranked",
                    "label": f"peringkat_{rank}",
                    "title": title,  # in the reader's language (English here)
                    "rank": rank,
                    "candidate": _candidate(name),
                    # Demo data: the articles report Kota Bekasi's third place only.
                    "illustrative": name != BEKASI,
                }
                for rank, (name, title) in enumerate(
                    [
                        ("Pemerintah Kota Semarang", "1st place"),
                        ("Pemerintah Kabupaten Banyuwangi", "2nd place"),
                        (BEKASI, "3rd place"),
                    ],
                    start=1,
                )
            ],
        }
    ]


def test_edition_2018_has_the_provincial_results_of_jawa_barat(api, published_demo):
    data = _json(api, f"{EDITIONS}2018/")
    assert (data["national_results_published"], data["ceremony"], data["winners"]) == (
        False,
        None,
        [],
    )
    [jabar] = data["provincial_results"]
    assert jabar["province"] == {"code": "32", "name": "Jawa Barat"}
    assert [c["category"]["code"] for c in jabar["categories"]] == [
        "pemerintah-kabupaten-kota",
        "usaha-besar-menengah",
        "usaha-kecil-mikro",
    ]
    assert [len(c["rows"]) for c in jabar["categories"]] == [9, 6, 1]
    assert jabar["categories"][0]["rows"][0] == {
        "rank": 1,
        "candidate": _candidate(BEKASI),
        "total": "90.65",
        "label": "peringkat_1",
        "advanced": True,
        "illustrative": False,
    }
    assert jabar["categories"][0]["rows"][5]["label"] == ""
    # The articles name the five placed first of the nine; places 6-9 are illustrative.
    rows = jabar["categories"][0]["rows"]
    assert [row["illustrative"] for row in rows] == [False] * 5 + [True] * 4


def test_a_real_edition_is_no_demo_data_and_marks_nothing_illustrative(api, published_demo):
    from tests import demo_data

    demo_data.as_real_data()
    data = _json(api, f"{EDITIONS}2020/")
    assert data["demo_data"] is False
    assert {award["illustrative"] for award in data["winners"][0]["awards"]} == {False}


def test_edition_under_review_has_no_award(api, published_demo):
    Award.objects.filter(category__edition__year=2020).update(withdrawn_at=timezone.now())
    from scoring.models import RankingSnapshot

    RankingSnapshot.objects.filter(stage__edition__year=2020, stage__kind="national_result").update(
        reopened_at=timezone.now()
    )
    [group] = _json(api, f"{EDITIONS}2020/")["winners"]
    assert (group["under_review"], group["awards"]) == (True, [])


@pytest.mark.parametrize("year", ["2021", "2019", "0"])
def test_edition_without_publication_is_404(api, published_demo, year):
    assert _json(api, f"{EDITIONS}{year}/", status=404) == {
        "detail": "No results of this edition are published."
    }
    assert api.get(f"{EDITIONS}99999/").status_code == 404  # no such route


def test_certificate_valid(api, generated_real):
    certificate = _bekasi_certificate(generated_real)
    assert _json(api, f"/api/v1/public/certificates/{certificate.serial.lower()}/") == {
        "serial": certificate.serial,
        "verification": "valid",
        "verification_label": "Valid",
        "year": 2020,
        "province": None,
        "category": "Pemerintah Kabupaten/Kota",
        "title": "Peringkat III",
        "recipient": BEKASI,
        "region": "Kota Bekasi, Jawa Barat",
        "ceremony": {
            "title": "Penyerahan Penghargaan Paritrana 2020",
            "held_on": "2021-09-09",
            "place": "Jakarta, melalui konferensi video",
            "video_link": "",
            "handed_over_by": [
                {"name": "K.H. Ma'ruf Amin", "position": "Wakil Presiden Republik Indonesia"}
            ],
        },
        "revoked_at": None,
        "revoked_reason": "",
        "verification_path": f"/verify/{certificate.serial}/",
        "pdf_path": f"/verify/{certificate.serial}/certificate.pdf",
    }


def test_certificate_of_a_province_names_it(api, published_demo):
    certificate = Certificate.objects.get(
        ceremony=published_demo["jabar_2018"], nomination__candidate__name=BEKASI
    )
    data = _json(api, f"/api/v1/public/certificates/{certificate.serial}/")
    assert (data["province"], data["title"], data["verification"], data["pdf_path"]) == (
        {"code": "32", "name": "Jawa Barat"},
        "Peringkat I",
        "pending",
        None,
    )


def test_certificate_revoked_and_withdrawn(api, generated):
    certificate = _bekasi_certificate(generated)
    services.certificate_revoke(actor=None, certificate=certificate, reason="Salah cetak.")
    certificate.refresh_from_db()
    data = _json(api, f"/api/v1/public/certificates/{certificate.serial}/")
    assert (data["verification"], data["revoked_reason"], data["pdf_path"]) == (
        "revoked",
        "Salah cetak.",
        None,
    )
    assert data["revoked_at"] == timezone.localtime(certificate.revoked_at).isoformat()
    semarang = Certificate.objects.get(
        ceremony=generated["national_2020"], nomination__candidate__name="Pemerintah Kota Semarang"
    )
    Award.objects.filter(pk=semarang.award_id).update(withdrawn_at=timezone.now())
    public_cache_clear()
    data = _json(api, f"/api/v1/public/certificates/{semarang.serial}/")
    assert (data["verification"], data["pdf_path"]) == ("withdrawn", None)


def test_certificate_unknown_is_404(api, generated):
    _json(api, "/api/v1/public/certificates/PRT-2020-N-00000000/", status=404)


def _routes(published_demo) -> list[str]:
    serial = _bekasi_certificate(published_demo).serial
    return [
        EDITIONS,
        f"{EDITIONS}2020/",
        f"{EDITIONS}2018/",
        f"/api/v1/public/certificates/{serial}/",
    ]


@pytest.mark.parametrize("email", [None, *ACCOUNTS])
def test_every_role_gets_the_same_answer(client, published_demo, demo_accounts, email):
    anonymous = client.__class__()
    for url in _routes(published_demo):
        public_cache_clear()
        expected = _json(anonymous, url)
        public_cache_clear()
        if email:
            client.force_login(demo_accounts[email])
        assert _json(client, url) == expected, url
        if email:
            header, _token = api_token(demo_accounts[email], scope="read")
            public_cache_clear()
            response = client.get(url, HTTP_AUTHORIZATION=header)
            assert (response.status_code, response.json()) == (200, expected), url


@pytest.mark.parametrize("method", ["post", "put", "patch", "delete", "options"])
def test_public_api_is_read_only(client, published_demo, demo_accounts, method):
    client.force_login(demo_accounts["admin@paritrana.test"])
    editions = Edition.objects.count(), Publication.objects.count()
    for url in _routes(published_demo):
        response = getattr(client, method)(url, data={}, content_type="application/json")
        assert response.status_code == 405, (method, url)
    assert (Edition.objects.count(), Publication.objects.count()) == editions


def test_public_api_answers_json_only(client, published_demo):
    assert client.get(EDITIONS, HTTP_ACCEPT="text/html").status_code == 406
    assert client.get(f"{EDITIONS}?format=api").status_code == 404
    response = client.get(EDITIONS, HTTP_ACCEPT="text/html,application/xhtml+xml,*/*;q=0.8")
    assert (response.status_code, response["Content-Type"]) == (200, "application/json")
    assert b"csrf" not in response.content.lower()


def test_public_api_is_cached_and_cleared_on_publish(
    api, demo, django_assert_num_queries, django_capture_on_commit_callbacks
):
    assert _json(api, EDITIONS) == []
    with django_assert_num_queries(0):
        assert _json(api, EDITIONS) == []
    with django_capture_on_commit_callbacks(execute=True):
        services.results_publish(actor=None, edition=Edition.objects.get(year=2020))
    assert [e["year"] for e in _json(api, EDITIONS)] == [2020]
    assert _json(api, f"{EDITIONS}2020/")["year"] == 2020
    with django_assert_num_queries(0):
        assert _json(api, f"{EDITIONS}2020/")["year"] == 2020


def test_certificate_cache_is_cleared_on_revoke(
    api, generated_real, django_capture_on_commit_callbacks
):
    certificate = _bekasi_certificate(generated_real)
    url = f"/api/v1/public/certificates/{certificate.serial}/"
    assert _json(api, url)["verification"] == "valid"
    with django_capture_on_commit_callbacks(execute=True):
        services.certificate_revoke(actor=None, certificate=certificate, reason="Dicabut.")
    assert _json(api, url)["verification"] == "revoked"


def _queries(client, url) -> int:
    public_cache_clear()
    with CaptureQueriesContext(connection) as queries:
        _json(client, url)
    return len(queries)


def test_queries_do_not_grow_with_the_winners(api, published_demo):
    detail = _queries(api, f"{EDITIONS}2020/"), _queries(api, f"{EDITIONS}2018/")
    listing = _queries(api, EDITIONS)
    category = Category.objects.get(edition__year=2020, code="pemerintah-kabupaten-kota")
    for regency in Regency.objects.filter(candidates__isnull=True).order_by("code")[:6]:
        nomination = Nomination.objects.create(
            candidate=Candidate.objects.create(
                kind=CandidateKind.REGENCY_GOVERNMENT, regency=regency, name=f"Pemerintah {regency}"
            ),
            category=category,
            state=NominationState.AWARDED,
        )
        Award.objects.create(
            category=category,
            nomination=nomination,
            kind=AwardKind.SPECIAL,
            title="Penghargaan Khusus",
            reason="Inovasi.",
        )
    for year in range(2030, 2036):
        Publication.objects.create(edition=Edition.objects.create(year=year), province_id="32")
    assert len(_json(api, f"{EDITIONS}2020/")["winners"][0]["awards"]) == 9
    assert (_queries(api, f"{EDITIONS}2020/"), _queries(api, f"{EDITIONS}2018/")) == detail
    assert _queries(api, EDITIONS) == listing


def test_openapi_schema_documents_the_public_routes(tmp_path):
    out = tmp_path / "schema.json"
    call_command(
        "spectacular", "--validate", "--fail-on-warn", "--format", "openapi-json", "--file", out
    )
    schema = json.loads(out.read_text())
    paths = {p: v for p, v in schema["paths"].items() if p.startswith("/api/v1/public/")}
    assert {p: sorted(m for m in v if m != "parameters") for p, v in paths.items()} == {
        "/api/v1/public/editions/": ["get"],
        "/api/v1/public/editions/{year}/": ["get"],
        "/api/v1/public/certificates/{serial}/": ["get"],
    }
    for path in paths.values():
        assert path["get"]["security"] == [{}]
    refs = {
        p: v["get"]["responses"]["200"]["content"]["application/json"]["schema"]
        for p, v in paths.items()
    }
    assert refs == {
        "/api/v1/public/editions/": {
            "type": "array",
            "items": {"$ref": "#/components/schemas/PublicEdition"},
        },
        "/api/v1/public/editions/{year}/": {"$ref": "#/components/schemas/PublicEditionDetail"},
        "/api/v1/public/certificates/{serial}/": {"$ref": "#/components/schemas/PublicCertificate"},
    }
    year = paths["/api/v1/public/editions/{year}/"]["get"]["parameters"][0]
    assert (year["name"], year["schema"]["type"]) == ("year", "integer")
    certificate = schema["components"]["schemas"]["PublicCertificate"]["properties"]
    assert certificate["verification"] == {"$ref": "#/components/schemas/VerificationEnum"}
