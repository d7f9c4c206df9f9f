"""The public site's pages (SPEC §8), without logging in, in Bahasa Indonesia and English: the
published editions, an edition's winners and ceremony, a province's results, a candidate's page
across editions, the statistics, certificate verification and the PDF download, the language
switch; the same page for every role (nothing visitor-specific, so it can be cached), the cache
and its clearing on publish and revoke, queries that do not grow with the winners, and hostile
names shown as text. What must not leak is tested in test_public_leaks.py."""

import json
import re
from decimal import Decimal as D
from html.parser import HTMLParser

import pytest
from django.conf import settings
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from candidates.enums import CandidateKind, NominationState
from candidates.models import Candidate, Category, Edition, Nomination, Regency
from ceremonies import services
from ceremonies.models import Certificate, Publication
from ceremonies.statistics import edition_statistics
from paritrana.public_cache import public_cache_clear
from scoring.enums import AwardKind
from scoring.models import Award, RankingSnapshot, RankingSnapshotRow
from tests import demo_data
from tests.factories import DEMO_EMAILS

pytestmark = [
    pytest.mark.django_db,
    pytest.mark.usefixtures("demo_once", "tasks_in_process"),
]

BEKASI = "Pemerintah Kota Bekasi"
ACCOUNTS = DEMO_EMAILS
# The rank labels as each language names them (SPEC §1's glossary).
PLACES = {
    "id": ("Peringkat I", "Peringkat II", "Peringkat III"),
    "en": ("1st place", "2nd place", "3rd place"),
}


@pytest.fixture
def generated(published_demo, django_capture_on_commit_callbacks):
    """The published demo with every certificate's PDF generated (eager tasks, on commit)."""
    demo_data.generate_certificates(
        published_demo, django_capture_on_commit_callbacks, "national_2020", "jabar_2018"
    )
    return published_demo


@pytest.fixture
def generated_real(generated):
    """As `generated`, of editions that are not demo data: their certificates are valid."""
    demo_data.as_real_data()
    return generated


def _get(client, url, language="id"):
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = language
    return client.get(url)


def _page(client, url, language="id") -> str:
    response = _get(client, url, language)
    assert response.status_code == 200, (url, response.status_code)
    return response.content.decode()


class _Tables(HTMLParser):
    """The text of every row of the tables with a given class."""

    def __init__(self, css_class):
        super().__init__()
        self.css_class, self.depth, self.rows, self.cell = css_class, 0, [], None

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "table" and self.css_class in (attrs.get("class") or "").split():
            self.depth += 1
        elif self.depth and tag == "tr":
            self.rows.append([])
        elif self.depth and tag in ("td", "th"):
            self.cell = []

    def handle_endtag(self, tag):
        if tag == "table" and self.depth:
            self.depth -= 1
        elif self.depth and tag in ("td", "th") and self.cell is not None:
            self.rows[-1].append(" ".join("".join(self.cell).split()))
            self.cell = None

    def handle_data(self, data):
        if self.cell is not None:
            self.cell.append(data)


def _rows(html: str, css_class: str) -> list[list[str]]:
    parser = _Tables(css_class)
    parser.feed(html)
    return parser.rows


def _certificate(published_demo, ceremony="national_2020", candidate=BEKASI) -> Certificate:
    return Certificate.objects.get(
        ceremony=published_demo[ceremony], nomination__candidate__name=candidate
    )


# ---------------------------------------------------------------------------------------------
# Layout and language


def test_language_link_sets_the_cookie_and_returns_to_the_page(client, published_demo):
    page = _page(client, "/results/2020/")
    assert '<html lang="id">' in page
    assert 'href="/language/en/?next=/results/2020/"' in page

    response = client.get("/language/en/?next=/results/2020/")
    assert (response.status_code, response["Location"]) == (302, "/results/2020/")
    assert client.cookies[settings.LANGUAGE_COOKIE_NAME].value == "en"
    assert '<html lang="en">' in client.get("/results/2020/").content.decode()

    response = client.get("/language/id/?next=/results/2020/")
    assert client.cookies[settings.LANGUAGE_COOKIE_NAME].value == "id"
    assert '<html lang="id">' in client.get(response["Location"]).content.decode()


@pytest.mark.parametrize(
    "next_url", ["https://evil.example/", "//evil.example/x", "javascript:alert(1)", ""]
)
def test_language_link_goes_back_only_to_this_site(client, next_url):
    response = client.get("/language/en/", {"next": next_url})
    assert (response.status_code, response["Location"]) == (302, reverse("public:editions"))
    assert client.cookies[settings.LANGUAGE_COOKIE_NAME].value == "en"


def test_language_link_refuses_an_unknown_language(client):
    response = client.get("/language/fr/?next=/results/")
    assert response.status_code == 404
    assert settings.LANGUAGE_COOKIE_NAME not in response.cookies


def test_public_layout_has_the_public_nav_and_no_form(client, published_demo):
    page = _page(client, "/results/", "en")
    for name in ("public:editions", "public:verify_form", "public:open_data"):
        assert f'data-nav="{name}"' in page
    assert 'data-nav="public:editions" aria-current="page"' in page
    assert f'href="{reverse("account_login")}"' in page
    assert "<form" not in page
    assert "csrf" not in page.lower()


# ---------------------------------------------------------------------------------------------
# Results


@pytest.mark.parametrize("language", ["id", "en"])
def test_editions_list_shows_the_published_editions(client, published_demo, language):
    page = _page(client, "/results/", language)
    assert re.findall(r'data-year="(\d+)"', page) == ["2020", "2018"]
    assert 'href="/results/2020/" data-national' in page
    assert 'href="/results/2020/statistics/" data-statistics' in page
    assert 'href="/results/2018/province/32/" data-province="32"' in page
    # Jawa Barat's 2018 provincial results are published: so are their statistics (issue 25).
    assert 'href="/results/2018/statistics/" data-statistics' in page
    assert "2021" not in page


def test_editions_list_without_publication_is_empty(client, demo):
    page = _page(client, "/results/", "en")
    assert "No results are published yet." in page
    assert "data-year" not in page


@pytest.mark.parametrize("language", ["id", "en"])
def test_edition_page_shows_the_national_winners_and_ceremony(client, published_demo, language):
    page = _page(client, "/results/2020/", language)
    bekasi = published_demo["bekasi"]
    rows = _rows(page, "winners")
    # Demo data: the articles report Kota Bekasi's third place, not who came first and second.
    first, second, third = PLACES[language]
    mark = {"en": "illustrative", "id": "ilustrasi"}[language]
    assert rows[1:] == [
        [first, f"Pemerintah Kota Semarang {mark}", "Kota Semarang, Jawa Tengah"],
        [second, f"Pemerintah Kabupaten Banyuwangi {mark}", "Kabupaten Banyuwangi, Jawa Timur"],
        [third, BEKASI, "Kota Bekasi, Jawa Barat"],
    ]
    assert page.count("data-demo-note") == 1
    note = {
        "en": "Demo data: every score and weight of this edition is illustrative",
        "id": "Data contoh: setiap nilai dan bobot edisi ini hanyalah ilustrasi",
    }[language]
    assert note in page
    if language == "en":
        assert rows[0] == ["Award", "Winner", "Region"]
    assert f'<a href="/results/candidate/{bekasi.pk}/">{BEKASI}</a>' in page
    assert "data-under-review" not in page
    # The ceremony: date, place, who handed the awards over.
    assert "<dd data-held-on>9 September 2021</dd>" in page
    assert "<dd data-place>Jakarta, melalui konferensi video</dd>" in page
    assert "K.H. Ma&#x27;ruf Amin, Wakil Presiden Republik Indonesia" in page
    assert 'href="/results/2020/statistics/"' in page


def test_edition_page_of_a_provincial_publication_links_the_province(client, published_demo):
    page = _page(client, "/results/2018/", "en")
    assert "data-national-unpublished" in page
    assert 'href="/results/2018/province/32/" data-province="32">Jawa Barat</a>' in page
    assert _rows(page, "winners") == []
    assert 'href="/results/2018/statistics/"' in page
    assert "data-ceremony" not in page


def test_edition_page_says_under_review_when_the_ranking_was_reopened(client, published_demo):
    snapshot = RankingSnapshot.objects.get(stage__edition__year=2020, stage__kind="national_result")
    snapshot.reopened_at = timezone.now()
    snapshot.save(update_fields=["reopened_at"])
    Award.objects.filter(snapshot=snapshot).update(withdrawn_at=timezone.now())
    page = _page(client, "/results/2020/", "en")
    assert "data-under-review" in page
    assert _rows(page, "winners") == []
    assert BEKASI not in page


@pytest.mark.parametrize("url", ["/results/2021/", "/results/2019/", "/results/99999999999/"])
def test_edition_page_without_publication_is_404(client, published_demo, url):
    assert _get(client, url).status_code == 404


@pytest.mark.parametrize(
    ("language", "totals", "advanced"),
    [("id", ["90,65", "86,64"], "Ya"), ("en", ["90.65", "86.64"], "Yes")],
)
def test_province_page_shows_the_provincial_results(
    client, published_demo, language, totals, advanced
):
    page = _page(client, "/results/2018/province/32/", language)
    rows = [row for row in _rows(page, "results") if row[0].isdigit()]
    first, second, _third = PLACES[language]
    assert rows[:2] == [
        ["1", BEKASI, totals[0], first, advanced],
        ["2", "Pemerintah Kota Bogor", totals[1], second, "—"],
    ]
    assert len(rows) == 9 + 6 + 1
    assert re.findall(r'data-category="([^"]+)"', page) == [
        "pemerintah-kabupaten-kota",
        "usaha-besar-menengah",
        "usaha-kecil-mikro",
    ]
    assert "<dd data-place>Aula Gedung Sate, Bandung</dd>" in page
    assert "Ridwan Kamil, Gubernur Jawa Barat" in page
    month = "Januari" if language == "id" else "January"
    assert f"<dd data-held-on>11 {month} 2019</dd>" in page


@pytest.mark.parametrize(
    "url",
    ["/results/2018/province/33/", "/results/2020/province/32/", "/results/2021/province/32/"],
)
def test_province_page_of_unpublished_results_is_404(client, published_demo, url):
    assert _get(client, url).status_code == 404


def _bekasi_page(client, published_demo, language):
    return _page(client, f"/results/candidate/{published_demo['bekasi'].pk}/", language)


@pytest.mark.parametrize("language", ["id", "en"])
def test_candidate_page_shows_every_published_stage_with_its_breakdown(client, generated, language):
    page = _bekasi_page(client, generated, language)
    n = (lambda s: s) if language == "en" else (lambda s: s.replace(".", ","))
    assert re.findall(r'<section class="card nomination" data-year="(\d+)"', page) == [
        "2020",
        "2018",
    ]
    first, _second, third = PLACES[language]
    assert f'<li class="award" data-award="ranked">{third}</li>' in page
    stages = re.findall(r'data-stage="(\w+)"', page)
    assert stages == ["national_selection", "national_result", "provincial_assessment"]
    national = page.split('data-stage="national_result"')[1].split("</section>")[0]
    assert f"<dd data-total>{n('86.80')}</dd>" in national
    assert f"<dd data-label>{third}</dd>" in national
    assert _rows(page, "breakdown")[1:3] == [
        ["Produk hukum daerah", n("40.00"), n("86.00"), n("34.40")],
        ["Cakupan kepesertaan (PU, BPU dan pekerja rentan)", n("60.00"), n("86.00"), n("51.60")],
    ]
    selection, interview = ("National selection", "National interview")
    if language == "id":
        selection, interview = _rows(page, "components")[1][0], _rows(page, "components")[2][0]
    assert _rows(page, "components") == [
        _rows(page, "components")[0],
        [selection, n("60.00"), n("86.00"), "3"],
        [interview, n("40.00"), n("88.00"), "3"],
    ]
    # The interview is shown only inside the national result, with its criteria: the jury's
    # score and the attendance factor (the mayor came: 1.00) that make its score.
    assert ["Wawancara: komitmen dan inovasi pemerintah daerah", n("100.00"), n("88.00"),
            n("1.00"), n("88.00"), n("88.00")] in _rows(page, "breakdown")  # fmt: skip
    provincial = page.split('data-stage="provincial_assessment"')[1].split("</section>")[0]
    assert f"<dd data-total>{n('90.65')}</dd>" in provincial
    assert f"<dd data-label>{first}</dd>" in provincial
    assert ["Verifikasi berkas", n("40.00"), n("89.75"), n("35.90")] in _rows(page, "breakdown")
    if language == "en":
        assert "<dd data-advanced>Yes</dd>" in provincial
        assert "<h3>National selection</h3>" in page


@pytest.mark.parametrize("language", ["id", "en"])
def test_candidate_page_shows_the_jury_score_and_attendance_factor_of_an_interview(
    client, published_demo, language
):
    """Balikpapan's regional secretary came to its interview: the jury's 90.00 × 0.80 = 72.00,
    the interview's contribution, as the national result's ranking API gives them."""
    balikpapan = Candidate.objects.get(name="Pemerintah Kota Balikpapan")
    page = _page(client, f"/results/candidate/{balikpapan.pk}/", language)
    n = (lambda s: s) if language == "en" else (lambda s: s.replace(".", ","))
    tables = page.split('<table class="breakdown">')[1:]
    selection, interview = (_rows(f'<table class="breakdown">{t}', "breakdown") for t in tables)
    heading = {
        "en": ["Criterion", "Weight", "Jury's score", "Attendance factor", "Score", "Contribution"],
        "id": ["Kriteria", "Bobot", "Nilai dewan juri", "Faktor kehadiran", "Nilai", "Kontribusi"],
    }[language]
    assert interview == [
        heading,
        ["Wawancara: komitmen dan inovasi pemerintah daerah", n("100.00"), n("90.00"),
         n("0.80"), n("72.00"), n("72.00")],
    ]  # fmt: skip
    # A table without an interview criterion has no such columns.
    assert [len(row) for row in selection] == [4, 4, 4]
    assert page.count("data-interview-note") == 1


def test_candidate_page_links_its_certificates(client, generated_real):
    page = _bekasi_page(client, generated_real, "en")
    national = _certificate(generated_real)
    provincial = _certificate(generated_real, "jabar_2018")
    for certificate in (national, provincial):
        assert f'data-serial="{certificate.serial}" data-status="valid"' in page
        assert f'href="/verify/{certificate.serial}/"' in page
        assert f'href="/verify/{certificate.serial}/certificate.pdf" download' in page


def test_candidate_page_lists_no_certificate_before_its_pdf_exists(client, published_demo):
    assert Certificate.objects.filter(nomination__candidate=published_demo["bekasi"]).count() == 2
    page = _bekasi_page(client, published_demo, "en")
    assert "data-serial" not in page
    assert "certificate.pdf" not in page


def test_candidate_page_marks_a_revoked_certificate_and_offers_no_download(client, generated):
    certificate = _certificate(generated)
    services.certificate_revoke(actor=None, certificate=certificate, reason="Salah cetak.")
    page = _bekasi_page(client, generated, "en")
    assert f'data-serial="{certificate.serial}" data-status="revoked"' in page
    assert f"/verify/{certificate.serial}/certificate.pdf" not in page


def test_candidate_page_without_published_result_is_404(client, published_demo):
    jakarta = Candidate.objects.get(name="Pemerintah Kota Administrasi Jakarta Utara")
    assert jakarta.nominations.filter(category__edition__year=2021).exists()
    assert _get(client, f"/results/candidate/{jakarta.pk}/").status_code == 404
    assert _get(client, "/results/candidate/999999/").status_code == 404


@pytest.mark.parametrize("language", ["id", "en"])
def test_statistics_page_has_the_funnel_the_provinces_and_the_chart_data(
    client, published_demo, language
):
    page = _page(client, "/results/2020/statistics/", language)
    assert [row[1] for row in _rows(page, "funnel")[1:]] == ["18", "18", "12", "8", "3"]
    provinces = _rows(page, "per-province")
    assert provinces[1] == ["Jawa Barat", "7", "7", "1", "1", "1"]
    assert ["Jawa Tengah", "1", "1", "1", "1", "1"] in provinces
    data = json.loads(re.search(r'id="public-chart-data" type="application/json">(.*?)</script>',
                                page, re.S).group(1))  # fmt: skip
    assert data["funnel"]["values"] == [18, 18, 12, 8, 3]
    assert data["provinces"]["labels"][0] == "Jawa Barat"
    assert [s["values"][0] for s in data["provinces"]["series"]] == [7, 7, 1, 1, 1]
    if language == "en":
        assert data["funnel"]["labels"] == [
            "Eligible",
            "Verified",
            "Advanced",
            "Finalists",
            "Winners",
        ]
    # Scripts come from static files only: no inline script but the JSON data.
    assert '<script src="/static/vendor/chartjs/chart.umd.min.js" defer></script>' in page
    assert '<script src="/static/js/public-charts.js" defer></script>' in page
    assert re.findall(r"<script(?![^>]*\bsrc=)([^>]*)>", page) == [
        ' id="public-chart-data" type="application/json"'
    ]


@pytest.mark.parametrize("language", ["id", "en"])
def test_statistics_of_an_edition_with_provincial_results_only(client, published_demo, language):
    """2018: only Jawa Barat's provincial round is published (issue 25: its statistics answered
    404). They stop where those results do (eligible, verified, advanced to the national round)
    and count the published provinces' nominations only: Jawa Barat's sixteen (nine
    regencies/cities, six large and medium firms, one small firm), all verified, the best of
    each category advancing — not a Jawa Tengah nominee whose results are not published."""
    Nomination.objects.create(
        candidate=Candidate.objects.get(name="Pemerintah Kota Semarang"),
        category=Category.objects.get(edition__year=2018, code="pemerintah-kabupaten-kota"),
        state=NominationState.ADVANCED,
    )
    page = _page(client, "/results/2018/statistics/", language)
    assert [row[1] for row in _rows(page, "funnel")[1:]] == ["16", "16", "3"]
    assert _rows(page, "per-province")[1:] == [["Jawa Barat", "16", "16", "3"]]
    data = json.loads(re.search(r'id="public-chart-data" type="application/json">(.*?)</script>',
                                page, re.S).group(1))  # fmt: skip
    assert data["funnel"]["values"] == [16, 16, 3]
    assert "data-provincial-only" in page
    if language == "en":
        assert data["funnel"]["labels"] == ["Eligible", "Verified", "Advanced"]
        assert (
            "The national results of this edition are not published yet: how many nominations "
            "of the provinces whose results are published (Jawa Barat) were eligible, verified "
            "and advanced to the national round."
        ) in page
    else:
        assert data["funnel"]["labels"] == ["Memenuhi syarat", "Terverifikasi", "Maju"]
        assert (
            "Hasil nasional edisi ini belum diumumkan: berapa nominasi dari provinsi yang "
            "hasilnya sudah diumumkan (Jawa Barat) yang memenuhi syarat, terverifikasi, dan maju "
            "ke tingkat nasional."
        ) in page


def test_statistics_of_an_edition_without_publication_is_404(client, published_demo):
    assert _get(client, "/results/2021/statistics/").status_code == 404


# ---------------------------------------------------------------------------------------------
# Certificate verification


def test_verify_form_redirects_to_the_serial_page(client, generated):
    serial = _certificate(generated).serial
    page = _page(client, "/verify/", "en")
    assert 'action="/verify/"' in page
    assert 'method="get"' in page
    assert "csrfmiddlewaretoken" not in page
    response = _get(client, f"/verify/?serial=++{serial.lower()}++".replace("+", "%20"))
    assert (response.status_code, response["Location"]) == (302, f"/verify/{serial}/")


@pytest.mark.parametrize("typed", ["", "   ", "PRT/2020", "<script>", "x" * 41])
def test_verify_form_explains_a_bad_serial_next_to_the_field(client, typed):
    response = client.get("/verify/", {"serial": typed})
    page = response.content.decode()
    assert response.status_code == 400
    assert 'aria-invalid="true" aria-describedby="serial-error"' in page
    assert '<ul class="errorlist" id="serial-error"><li>' in page
    assert "<script>" not in page.split("<main")[1]


@pytest.mark.parametrize("language", ["id", "en"])
def test_verify_page_of_a_valid_certificate(client, generated_real, language):
    certificate = _certificate(generated_real)
    page = _page(client, f"/verify/{certificate.serial}/", language)
    assert 'data-status="valid"' in page
    assert f"<dd data-serial>{certificate.serial}</dd>" in page
    assert "<dd data-category>Pemerintah Kabupaten/Kota</dd>" in page
    assert f"<dd data-recipient>{BEKASI}</dd>" in page
    assert "<dd data-region>Kota Bekasi, Jawa Barat</dd>" in page
    # What the certificate prints (Peringkat III), in the reader's language.
    assert f"<dd data-award>{PLACES[language][2]}</dd>" in page
    assert "<dd data-edition>" in page and "2020</dd>" in page
    assert "<dd data-held-on>9 September 2021</dd>" in page
    assert "<dd data-place>Jakarta, melalui konferensi video</dd>" in page
    assert f'href="/verify/{certificate.serial}/certificate.pdf" download' in page


def test_verify_page_of_a_provincial_certificate_names_the_province(client, generated):
    certificate = _certificate(generated, "jabar_2018")
    page = _page(client, f"/verify/{certificate.serial}/", "en")
    assert "<dd data-award>1st place · provincial award, Jawa Barat</dd>" in page
    assert "<dd data-held-on>11 January 2019</dd>" in page
    assert "<dd data-place>Aula Gedung Sate, Bandung</dd>" in page


def test_verify_page_of_a_revoked_certificate_says_when_and_why(client, generated):
    certificate = _certificate(generated)
    services.certificate_revoke(actor=None, certificate=certificate, reason="Nama salah cetak.")
    certificate.refresh_from_db()
    page = _page(client, f"/verify/{certificate.serial}/", "en")
    assert 'data-status="revoked"' in page
    revoked_on = timezone.localdate(certificate.revoked_at).strftime("%-d %B %Y")
    assert f"This certificate was revoked on {revoked_on}." in page
    assert "<span data-revoked-reason>Nama salah cetak.</span>" in page
    assert "certificate.pdf" not in page


def test_verify_page_of_a_withdrawn_award(client, generated):
    certificate = _certificate(generated)
    Award.objects.filter(pk=certificate.award_id).update(withdrawn_at=timezone.now())
    page = _page(client, f"/verify/{certificate.serial}/", "en")
    assert 'data-status="withdrawn"' in page
    assert "certificate.pdf" not in page


def test_verify_page_of_a_certificate_not_generated_yet(client, published_demo):
    certificate = _certificate(published_demo)
    assert certificate.generated_at is None
    page = _page(client, f"/verify/{certificate.serial}/", "en")
    assert 'data-status="pending"' in page
    assert f"<dd data-recipient>{BEKASI}</dd>" in page
    assert "certificate.pdf" not in page


def test_verify_page_of_an_unknown_serial_is_404(client, generated):
    response = _get(client, "/verify/PRT-2020-N-00000000/", "en")
    page = response.content.decode()
    assert response.status_code == 404
    assert 'data-status="not_found"' in page
    assert "PRT-2020-N-00000000" in page


def test_certificate_pdf_downloads_a_valid_certificate(client, generated):
    certificate = _certificate(generated)
    response = client.get(f"/verify/{certificate.serial.lower()}/certificate.pdf")
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"] == f'attachment; filename="{certificate.serial}.pdf"'
    body = b"".join(response.streaming_content)
    certificate.file.open("rb")
    assert body == certificate.file.read() and body.startswith(b"%PDF")
    certificate.file.close()


def test_certificate_pdf_is_404_when_not_generated_revoked_withdrawn_or_unknown(
    client, published_demo, django_capture_on_commit_callbacks
):
    pending = _certificate(published_demo)
    assert client.get(f"/verify/{pending.serial}/certificate.pdf").status_code == 404
    with django_capture_on_commit_callbacks(execute=True):
        services.certificates_issue(actor=None, ceremony=published_demo["national_2020"])
    revoked = _certificate(published_demo)
    withdrawn = _certificate(published_demo, candidate="Pemerintah Kota Semarang")
    assert client.get(f"/verify/{revoked.serial}/certificate.pdf").status_code == 200
    services.certificate_revoke(actor=None, certificate=revoked, reason="Dicabut.")
    Award.objects.filter(pk=withdrawn.award_id).update(withdrawn_at=timezone.now())
    for serial in (revoked.serial, withdrawn.serial, "PRT-2020-N-00000000"):
        assert client.get(f"/verify/{serial}/certificate.pdf").status_code == 404


# ---------------------------------------------------------------------------------------------
# Every role sees the same page, with nothing of its own (cache safety)


def _public_urls(published_demo) -> list[str]:
    serial = _certificate(published_demo).serial
    return [
        "/results/",
        "/results/2020/",
        "/results/2018/",
        "/results/2018/province/32/",
        f"/results/candidate/{published_demo['bekasi'].pk}/",
        "/results/2020/statistics/",
        "/results/2018/statistics/",
        "/verify/",
        f"/verify/{serial}/",
        "/open-data/",
    ]


@pytest.mark.parametrize("email", ACCOUNTS)
def test_every_role_gets_the_anonymous_page_with_no_token_and_no_email(
    client, generated, demo_accounts, email
):
    user = demo_accounts[email]
    visitor = client.__class__()
    for url in _public_urls(generated):
        public_cache_clear()
        client.force_login(user)
        response = _get(client, url, "en")  # the logged-in user renders and caches it first
        page = response.content.decode()
        assert response.status_code == 200, url
        assert "csrfmiddlewaretoken" not in page and "X-CSRFToken" not in page, url
        assert email not in page, url
        assert "Log out" not in page, url
        assert f'href="{reverse("account_login")}"' in page, url
        served = _get(visitor, url, "en")
        assert (served.status_code, served.content) == (200, response.content), url


def test_anonymous_visitors_see_every_page(client, generated):
    for url in _public_urls(generated):
        response = _get(client, url, "id")
        assert response.status_code == 200, url
        assert b'<html lang="id">' in response.content, url


# ---------------------------------------------------------------------------------------------
# The cache


def test_second_request_is_served_from_the_cache(client, generated, django_assert_num_queries):
    for url in _public_urls(generated):
        first = _get(client, url, "en")
        with django_assert_num_queries(0):
            second = _get(client, url, "en")
        assert (second.status_code, second.content) == (200, first.content), url
        # Each language has its own copy.
        assert '<html lang="id">' in _page(client, url, "id"), url


def test_cached_page_stays_until_the_cache_is_cleared(client, generated):
    before = _page(client, "/results/2020/", "en")
    Candidate.objects.filter(name=BEKASI).update(name="Pemerintah Kota Bekasi (baru)")
    assert _page(client, "/results/2020/", "en") == before
    public_cache_clear()
    assert "Pemerintah Kota Bekasi (baru)" in _page(client, "/results/2020/", "en")


def test_publishing_clears_the_cached_pages(client, demo, django_capture_on_commit_callbacks):
    assert "data-year" not in _page(client, "/results/", "en")
    assert "data-year" not in _page(client, "/open-data/", "en")
    with django_capture_on_commit_callbacks(execute=True):
        services.results_publish(actor=None, edition=Edition.objects.get(year=2020))
    assert re.findall(r'data-year="(\d+)"', _page(client, "/results/", "en")) == ["2020"]
    assert re.findall(r'data-year="(\d+)"', _page(client, "/open-data/", "en")) == ["2020"]


def test_revoking_clears_the_cached_pages(
    client, generated_real, django_capture_on_commit_callbacks
):
    certificate = _certificate(generated_real)
    verify = f"/verify/{certificate.serial}/"
    candidate = f"/results/candidate/{generated_real['bekasi'].pk}/"
    assert 'data-status="valid"' in _page(client, verify, "en")
    assert f'data-serial="{certificate.serial}" data-status="valid"' in _page(
        client, candidate, "en"
    )
    with django_capture_on_commit_callbacks(execute=True):
        services.certificate_revoke(actor=None, certificate=certificate, reason="Dicabut.")
    assert 'data-status="revoked"' in _page(client, verify, "en")
    assert f'data-serial="{certificate.serial}" data-status="revoked"' in _page(
        client, candidate, "en"
    )


def test_certificate_pdf_is_never_served_from_the_cache(client, generated):
    certificate = _certificate(generated)
    url = f"/verify/{certificate.serial}/certificate.pdf"
    assert client.get(url).status_code == 200
    # Revoked behind the cache's back (no clearing): the file is refused at once.
    Certificate.objects.filter(pk=certificate.pk).update(revoked_at=timezone.now())
    assert client.get(url).status_code == 404


# ---------------------------------------------------------------------------------------------
# Queries do not grow with the number of winners


def _free_regencies(province_code: str | None, n: int) -> list[Regency]:
    regencies = Regency.objects.filter(candidates__isnull=True)
    if province_code:
        regencies = regencies.filter(province_id=province_code)
    regencies = list(regencies.order_by("code")[:n])
    assert len(regencies) == n
    return regencies


def _add_national_winners(n: int) -> None:
    category = Category.objects.get(edition__year=2020, code="pemerintah-kabupaten-kota")
    for regency in _free_regencies(None, n):
        candidate = Candidate.objects.create(
            kind=CandidateKind.REGENCY_GOVERNMENT, regency=regency, name=f"Pemerintah {regency}"
        )
        nomination = Nomination.objects.create(
            candidate=candidate, category=category, state=NominationState.AWARDED
        )
        Award.objects.create(
            category=category,
            nomination=nomination,
            kind=AwardKind.SPECIAL,
            title="Penghargaan Khusus",
            reason="Inovasi perlindungan pekerja rentan.",
        )


def _add_provincial_rows(n: int) -> None:
    snapshot = RankingSnapshot.objects.get(
        stage__edition__year=2018,
        panel__province="32",
        category__code="pemerintah-kabupaten-kota",
        reopened_at__isnull=True,
    )
    last = snapshot.rows.count()
    for i, regency in enumerate(_free_regencies("32", n), start=1):
        candidate = Candidate.objects.create(
            kind=CandidateKind.REGENCY_GOVERNMENT, regency=regency, name=f"Pemerintah {regency}"
        )
        nomination = Nomination.objects.create(
            candidate=candidate, category=snapshot.category, state=NominationState.NOT_ADVANCED
        )
        RankingSnapshotRow.objects.create(
            snapshot=snapshot, nomination=nomination, rank=last + i, total=D("50.00") - i
        )


def _add_published_editions(n: int) -> None:
    for year in range(2030, 2030 + n):
        edition = Edition.objects.create(year=year)
        Publication.objects.create(edition=edition)
        Publication.objects.create(edition=edition, province_id="32")


def _queries(client, url) -> int:
    public_cache_clear()
    with CaptureQueriesContext(connection) as queries:
        response = _get(client, url, "en")
    assert response.status_code == 200, url
    return len(queries)


@pytest.mark.parametrize(
    ("url", "add", "count"),
    [
        ("/results/2020/", _add_national_winners, lambda: Award.objects.filter(
            category__edition__year=2020).count()),
        ("/results/2018/province/32/", _add_provincial_rows, lambda: RankingSnapshotRow.objects
            .filter(snapshot__stage__edition__year=2018).count()),
        ("/results/", _add_published_editions, lambda: Publication.objects.count()),
        ("/open-data/", _add_published_editions, lambda: Publication.objects.count()),
    ],
)  # fmt: skip
def test_queries_do_not_grow_with_the_winners(client, published_demo, url, add, count):
    before, small = count(), _queries(client, url)
    add(5)
    assert count() == before + (10 if add is _add_published_editions else 5)
    assert _queries(client, url) == small


# ---------------------------------------------------------------------------------------------
# Hostile names


HOSTILE = [
    "<script>alert(1)</script>",
    '<img src=x onerror="alert(1)">',
    "https://evil.example/phish",
]


@pytest.mark.parametrize("name", HOSTILE)
def test_hostile_names_are_shown_as_text(client, generated, name):
    from django.utils.html import escape

    bekasi = generated["bekasi"]
    certificate = _certificate(generated)
    Candidate.objects.filter(pk=bekasi.pk).update(name=name)
    Certificate.objects.filter(pk=certificate.pk).update(recipient=name, region=name)
    urls = [
        "/results/2020/",
        "/results/2018/province/32/",
        f"/results/candidate/{bekasi.pk}/",
        f"/verify/{certificate.serial}/",
    ]
    for url in urls:
        page = _page(client, url, "en")
        assert escape(name) in page, url
        if name.startswith("<"):
            assert name not in page, url
            assert "<script>alert" not in page and "<img src=x" not in page, url
        else:
            assert 'href="https://evil.example' not in page, url


def test_public_pages_use_no_inline_style(client, generated):
    for url in _public_urls(generated):
        assert " style=" not in _page(client, url, "en"), url


def test_statistics_show_the_coverage_of_government_nominees_per_province(client, published_demo):
    stats = edition_statistics(published_demo["2020"])
    # Kota Bekasi is the only 2020 government nominee with data: 886,113 PU participants of
    # 929,199 formal workers; 55,289 BPU participants of 454,088 informal workers. Shown to
    # two places, as the dossier, the decision file and the article give them (95,36 %): one
    # place made it 95,4 (issue 25).
    assert stats["coverage"] == [("Jawa Barat", 1, D("95.36"), D("12.18"))]
    page = client.get("/results/2020/statistics/").content.decode()
    assert re.search(
        r'<tr data-coverage><th scope="row">Jawa Barat</th><td class="num">1</td>'
        r'<td class="num">95,36</td><td class="num">12,18</td></tr>',
        page,
    )
    assert 'id="chart-coverage"' in page


def test_province_and_candidate_pages_mark_what_the_articles_do_not_report(client, published_demo):
    page = _page(client, "/results/2018/province/32/", "en")
    category = page.split('data-category="pemerintah-kabupaten-kota"')[1].split("</section>")[0]
    marked = [
        row.split("</th>")[0].split(">")[-2].removesuffix("</span")
        for row in category.split("<tr data-rank=")[1:]
    ]
    assert [("data-illustrative" in row) for row in category.split("<tr data-rank=")[1:]] == [
        False
    ] * 5 + [True] * 4, marked
    assert "data-demo-note" in page
    depok = Candidate.objects.get(name="Pemerintah Kota Depok")
    page = _page(client, f"/results/candidate/{depok.pk}/", "en")
    assert page.count("data-illustrative") == 1
    assert "data-demo-note" in page
    bekasi = _page(client, f"/results/candidate/{published_demo['bekasi'].pk}/", "en")
    assert "data-illustrative" not in bekasi


def test_a_real_edition_shows_no_demo_note_and_no_mark(client, published_demo):
    demo_data.as_real_data()
    for url in ("/results/2020/", "/results/2018/province/32/"):
        page = _page(client, url, "en")
        assert "data-demo-note" not in page
        assert "data-illustrative" not in page
