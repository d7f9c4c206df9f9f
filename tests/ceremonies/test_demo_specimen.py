"""Demo data says it is demo data (issue 25, item 1): a banner on every page while the site
runs on an edition built by seed_demo, and the demo's certificates are specimens — marked on
the PDF, verified as "specimen" on the page and in the API. A real edition shows none of it."""

import io

import pytest
from django.conf import settings
from pypdf import PdfReader

from candidates.models import Edition
from candidates.selectors import demo_data_present
from ceremonies.models import Certificate
from tests import demo_data

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("tasks_in_process")]

BANNER = 'id="demo-data"'
BEKASI = "Pemerintah Kota Bekasi"


@pytest.fixture
def generated(published_demo, django_capture_on_commit_callbacks):
    demo_data.generate_certificates(
        published_demo, django_capture_on_commit_callbacks, "national_2020"
    )
    return published_demo


def _bekasi_certificate(published_demo) -> Certificate:
    return Certificate.objects.get(
        ceremony=published_demo["national_2020"], nomination__candidate=published_demo["bekasi"]
    )


def _page(client, url, language="id"):
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = language
    response = client.get(url)
    assert response.status_code == 200, url
    return response.content.decode()


def test_seed_demo_marks_its_editions_as_demo_data(demo):
    assert list(Edition.objects.order_by("year").values_list("year", "is_demo")) == [
        (2018, True),
        (2020, True),
        (2021, True),
    ]
    assert demo_data_present() is True


@pytest.mark.parametrize("language", ["id", "en"])
@pytest.mark.parametrize(
    "url", ["/", "/results/2020/", "/accounts/login/", "/dashboard/", "/admin/"]
)
def test_every_page_says_demo_data(client, published_demo, demo_accounts, url, language):
    if url != "/accounts/login/":
        client.force_login(demo_accounts["admin@paritrana.test"])
    page = _page(client, url, language)
    assert page.count(BANNER) == 1
    assert '<strong lang="id">Data contoh</strong> / <strong lang="en">Demo data</strong>' in page
    explanation = {
        "id": "Situs ini menampilkan data peragaan",
        "en": "This site shows demonstration data built from news articles",
    }[language]
    assert explanation in page
    assert "/static/css/demo-banner.css" in page


def test_a_site_without_demo_data_shows_no_banner(client, published_demo):
    demo_data.as_real_data()
    for url in ("/", "/results/2020/", "/accounts/login/"):
        page = _page(client, url)
        assert BANNER not in page
        assert "Data contoh" not in page
        assert "demo-banner.css" not in page


def test_an_edition_made_demo_data_after_the_flag_was_read_shows_the_banner(
    client, regions, django_capture_on_commit_callbacks
):
    assert BANNER not in _page(client, "/")
    with django_capture_on_commit_callbacks(execute=True):
        Edition.objects.create(year=2030, is_demo=True)
    assert BANNER in _page(client, "/")
    with django_capture_on_commit_callbacks(execute=True):
        Edition.objects.get(year=2030).delete()
    assert BANNER not in _page(client, "/")


@pytest.mark.parametrize("language", ["id", "en"])
def test_a_demo_certificate_verifies_as_a_specimen(client, generated, language):
    certificate = _bekasi_certificate(generated)
    page = _page(client, f"/verify/{certificate.serial}/", language)
    assert 'data-status="specimen"' in page
    assert 'data-status="valid"' not in page
    label, sentence = {
        "id": ("Spesimen (data contoh)", "Ini spesimen, bukan piagam."),
        "en": ("Specimen (demo data)", "This is a specimen, not a certificate."),
    }[language]
    assert f'<span class="verification-label specimen">{label}</span>' in page
    assert f"<p data-specimen><strong>{sentence}</strong>" in page
    # The specimen can be looked at: its PDF carries the mark.
    assert f'href="/verify/{certificate.serial}/certificate.pdf" download' in page


def test_the_api_verifies_a_demo_certificate_as_a_specimen(client, generated):
    certificate = _bekasi_certificate(generated)
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    data = client.get(f"/api/v1/public/certificates/{certificate.serial}/").json()
    assert (data["verification"], data["verification_label"]) == (
        "specimen",
        "Specimen (demo data)",
    )
    assert data["pdf_path"] == f"/verify/{certificate.serial}/certificate.pdf"


def test_a_demo_certificate_pdf_carries_the_specimen_mark(client, generated):
    certificate = _bekasi_certificate(generated)
    response = client.get(f"/verify/{certificate.serial}/certificate.pdf")
    assert response.status_code == 200
    text = PdfReader(io.BytesIO(b"".join(response.streaming_content))).pages[0].extract_text()
    assert "CONTOH / SPECIMEN" in text
    assert "Data contoh: spesimen ini tidak mengesahkan apa pun." in text
    assert BEKASI in text


def test_a_real_certificate_pdf_carries_no_specimen_mark(
    published_demo, django_capture_on_commit_callbacks
):
    from ceremonies import services

    demo_data.as_real_data()
    # Through the service, not a replay: a replay would write the files recorded of demo data.
    with django_capture_on_commit_callbacks(execute=True):
        services.certificates_issue(actor=None, ceremony=published_demo["national_2020"])
    certificate = _bekasi_certificate(published_demo)
    with certificate.file.open("rb") as file:
        text = PdfReader(io.BytesIO(file.read())).pages[0].extract_text()
    assert BEKASI in text
    assert "SPECIMEN" not in text
    assert "CONTOH" not in text
