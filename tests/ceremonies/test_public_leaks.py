"""Nothing of an unpublished outcome reaches an anonymous visitor: not a page, not a download,
not a public API route. The outcomes are created first (a signed-off-looking 2021 national
ranking with its awards, a 2021 ceremony with a generated certificate, a finalised 2020 Jawa
Barat provincial ranking that nobody published) and checked to exist before every public route
is checked for them."""

from datetime import date
from decimal import Decimal as D

import pytest
from django.conf import settings
from django.utils import timezone

from candidates.enums import CandidateKind, NominationState, RankLabel
from candidates.models import Candidate, Category, Edition, Nomination, Regency
from ceremonies import selectors
from ceremonies.models import Ceremony, Certificate, Official, Publication
from scoring.enums import AwardKind, StageKind
from scoring.models import Award, Panel, RankingSnapshot, RankingSnapshotRow, Stage
from tests import demo_data

pytestmark = [
    pytest.mark.django_db,
    pytest.mark.usefixtures("demo_once", "tasks_in_process"),
]

SECRET = "Pemerintah Kabupaten Rahasia Belum Terbit"
SECRET_SERIAL = "PRT-2021-N-RAHASIA1"
# Totals that appear nowhere in the published demo.
SECRET_TOTALS = ["97.31", "95.55", "91.17"]


def _snapshot(year, kind, province, category, **fields) -> RankingSnapshot:
    return RankingSnapshot.objects.create(
        stage=Stage.objects.get(edition__year=year, kind=kind),
        panel=Panel.objects.get_or_create(
            edition=Edition.objects.get(year=year), province_id=province
        )[0],
        category=category,
        **fields,
    )


@pytest.fixture
def unpublished(published_demo):
    """Outcomes that look final but are not published, next to the published demo."""
    category_2021 = Category.objects.get(edition__year=2021, code="pemerintah-kabupaten-kota")
    category_2020 = Category.objects.get(edition__year=2020, code="pemerintah-kabupaten-kota")
    regency = Regency.objects.filter(candidates__isnull=True, province_id="32").first()
    secret = Candidate.objects.create(
        kind=CandidateKind.REGENCY_GOVERNMENT, regency=regency, name=SECRET
    )
    bekasi = published_demo["bekasi"]
    secret_2021 = Nomination.objects.create(
        candidate=secret, category=category_2021, state=NominationState.AWARDED
    )
    bekasi_2021 = Nomination.objects.create(
        candidate=bekasi, category=category_2021, state=NominationState.AWARDED
    )
    # 2021: a national result that looks signed off, with its awards.
    national = _snapshot(
        2021, StageKind.NATIONAL_RESULT, None, category_2021, signed_off_at=timezone.now()
    )
    selection = _snapshot(2021, StageKind.NATIONAL_SELECTION, None, category_2021)
    for snapshot in (national, selection):
        for rank, (nomination, total, label) in enumerate(
            [
                (secret_2021, "97.31", RankLabel.PERINGKAT_1),
                (bekasi_2021, "95.55", RankLabel.PERINGKAT_2),
            ],
            start=1,
        ):
            RankingSnapshotRow.objects.create(
                snapshot=snapshot,
                nomination=nomination,
                rank=rank,
                total=D(total),
                label=label if snapshot is national else "",
                advanced=True,
                breakdown={"criteria": [{"name": "Rahasia", "weight": "100.00",
                                         "score": total, "contribution": total}]},
            )  # fmt: skip
            Award.objects.get_or_create(
                category=category_2021,
                nomination=nomination,
                kind=AwardKind.RANKED,
                defaults={"snapshot": national, "label": label, "title": label.label,
                          "rank": rank},
            )  # fmt: skip
    # A 2021 ceremony and a certificate with its PDF, never published.
    ceremony = Ceremony.objects.create(
        edition=category_2021.edition,
        title="Penyerahan Rahasia 2021",
        held_on=date(2022, 10, 1),
        place="Istana Rahasia",
    )
    Official.objects.create(
        ceremony=ceremony, name="Pejabat Rahasia", position="Menteri", hands_over=True, signs=True
    )
    certificate = Certificate.objects.create(
        ceremony=ceremony,
        nomination=secret_2021,
        award=Award.objects.get(nomination=secret_2021),
        serial=SECRET_SERIAL,
        title="Peringkat I",
        recipient=SECRET,
        region="Rahasia, Jawa Barat",
        category_name=category_2021.name,
        generated_at=timezone.now(),
    )
    demo_data.certificate_file(certificate, b"%PDF-1.4 rahasia")
    # 2020: Jawa Barat's provincial ranking finalised but not published (2020's national
    # results are).
    provincial = _snapshot(2020, StageKind.PROVINCIAL_ASSESSMENT, "32", category_2020)
    bekasi_2020 = Nomination.objects.get(candidate=bekasi, category=category_2020)
    RankingSnapshotRow.objects.create(
        snapshot=provincial,
        nomination=bekasi_2020,
        rank=1,
        total=D("91.17"),
        label=RankLabel.HARAPAN_3,
        advanced=True,
        breakdown={"criteria": [{"name": "Kriteria Rahasia Provinsi", "weight": "100.00",
                                 "score": "91.17", "contribution": "91.17"}]},
    )  # fmt: skip

    # They exist, and are not published.
    assert (
        Award.objects.filter(category__edition__year=2021, withdrawn_at__isnull=True).count() == 2
    )
    assert RankingSnapshotRow.objects.filter(total=D("91.17")).exists()
    assert Certificate.objects.get(serial=SECRET_SERIAL).file
    assert not Publication.objects.filter(edition__year=2021).exists()
    assert not Publication.objects.filter(edition__year=2020, province="32").exists()
    return {"secret": secret, "bekasi": bekasi, "certificate": certificate}


def _routes(unpublished) -> dict[str, int]:
    """Every public route, with the status an anonymous visitor gets."""
    secret, bekasi = unpublished["secret"].pk, unpublished["bekasi"].pk
    routes = {
        "/results/": 200,
        "/results/2021/": 404,
        "/results/2021/statistics/": 404,
        "/results/2021/province/32/": 404,
        "/results/2020/": 200,
        "/results/2020/statistics/": 200,
        "/results/2020/province/32/": 404,
        "/results/2018/": 200,
        "/results/2018/statistics/": 200,
        "/results/2018/province/32/": 200,
        f"/results/candidate/{secret}/": 404,
        f"/results/candidate/{bekasi}/": 200,
        "/verify/": 200,
        f"/verify/{SECRET_SERIAL}/": 404,
        f"/verify/{SECRET_SERIAL.lower()}/": 404,
        f"/verify/?serial={SECRET_SERIAL}": 302,
        f"/verify/{SECRET_SERIAL}/certificate.pdf": 404,
        "/open-data/": 200,
        "/api/v1/public/editions/": 200,
        "/api/v1/public/editions/2021/": 404,
        "/api/v1/public/editions/2020/": 200,
        "/api/v1/public/editions/2018/": 200,
        f"/api/v1/public/certificates/{SECRET_SERIAL}/": 404,
    }
    for year, status in ((2021, 404), (2020, 200), (2018, 200)):
        for dataset in ("winners", "results"):
            for fmt in ("csv", "json"):
                routes[f"/open-data/{year}/{dataset}.{fmt}"] = status
    return routes


@pytest.mark.parametrize("language", ["id", "en"])
def test_unpublished_outcomes_reach_no_public_route(client, unpublished, language):
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = language
    for url, status in _routes(unpublished).items():
        response = client.get(url)
        assert response.status_code == status, url
        body = (
            b"".join(response.streaming_content) if response.streaming else response.content
        ).decode("utf-8", "replace")
        # A route that names the serial echoes what the visitor typed, nothing more.
        echoed = SECRET_SERIAL.lower() in url.lower()
        secrets = [SECRET, "Rahasia", *SECRET_TOTALS] + ([] if echoed else [SECRET_SERIAL])
        for secret in secrets:
            assert secret not in body, (url, secret)
            assert secret.replace(".", ",") not in body, (url, secret)
        assert 'data-year="2021"' not in body, url
        assert 'data-status="valid"' not in body, url
        assert '"year": 2021' not in body and '"year":2021' not in body, url


def test_verifying_an_unpublished_certificate_says_not_found(client, unpublished):
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    response = client.get(f"/verify/{SECRET_SERIAL}/")
    assert response.status_code == 404
    assert 'data-status="not_found"' in response.content.decode()
    assert client.get(f"/api/v1/public/certificates/{SECRET_SERIAL}/").json() == {
        "detail": "No certificate has this serial number."
    }


def test_a_candidate_with_published_and_unpublished_results_shows_only_the_published(
    client, unpublished
):
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    page = client.get(f"/results/candidate/{unpublished['bekasi'].pk}/").content.decode()
    # 2020 national (published) and 2018 Jawa Barat (published): yes; 2021 and 2020 Jawa
    # Barat's provincial ranking: no.
    assert page.count('class="card nomination"') == 2
    assert 'data-year="2020"' in page and 'data-year="2018"' in page
    assert page.count('data-stage="provincial_assessment"') == 1
    assert "Kriteria Rahasia Provinsi" not in page
    assert "Harapan III" not in page


def test_the_selectors_start_from_a_publication(unpublished):
    assert selectors.certificate_verification(SECRET_SERIAL) is None
    assert selectors.published_edition(2021) is None
    edition_2020 = selectors.published_edition(2020)
    assert [r.total for r in selectors.published_ranking_rows(edition_2020)
            if r.snapshot.stage.kind == StageKind.PROVINCIAL_ASSESSMENT] == []  # fmt: skip
    assert (
        selectors.public_certificates(Nomination.objects.filter(candidate=unpublished["secret"]))
        == []
    )
    assert selectors.candidate_record(unpublished["secret"]) == []


def test_publishing_makes_the_outcome_public(client, unpublished):
    """The same routes answer once the 2021 results are published (the check above is not
    passing because the routes are broken)."""
    Publication.objects.create(edition=unpublished["certificate"].ceremony.edition)
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    assert SECRET in client.get("/results/2021/").content.decode()
    assert client.get(f"/verify/{SECRET_SERIAL}/").status_code == 200
    assert client.get(f"/verify/{SECRET_SERIAL}/certificate.pdf").status_code == 200
    assert SECRET in client.get("/open-data/2021/winners.csv").content.decode()
    assert "97.31" in client.get("/open-data/2021/results.json").content.decode()
    api = client.get(f"/api/v1/public/certificates/{SECRET_SERIAL}/").json()
    # The 2021 edition is the demo's: its certificate verifies as a specimen (issue 25, item 1).
    assert (api["verification"], api["recipient"]) == ("specimen", SECRET)
