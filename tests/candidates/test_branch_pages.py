"""Branch staff in the browser: register, fill in, upload, submit, see a return, withdraw."""

from datetime import timedelta

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from candidates import services
from candidates.enums import LegalProductType, NominationState
from candidates.models import (
    BusinessData,
    Candidate,
    Category,
    GovernmentData,
    LegalProduct,
    Nomination,
    NominationTransition,
    Regency,
)
from tests.factories import BranchFactory
from tests.security.pdf_files import VALID as VALID_PDF

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("demo_once")]

# A valid one-page PDF (what validators.validate_pdf reads with pypdf).
PDF = VALID_PDF
BEKASI_2020 = {
    "f-head_of_region": "Rahmat Effendi",
    "f-contact_name": "Ika Indah Yarti",
    "f-working_age_population": "2.200.000",
    "f-labour_force": "1.500.000",
    "f-formal_workers": "929.199",
    "f-informal_workers": "454.088",
    "f-active_pu": "886.113",
    "f-active_bpu": "55.289",
    "f-bpu_apbd_vulnerable": "39.227",
    "f-non_asn_total": "14.786",
    "f-non_asn_covered": "14.786",
    "f-employers_registered": "0",
    "f-apbd_contribution_budget": "0",
    "f-justification": "",
}


def _category(year, code="pemerintah-kabupaten-kota"):
    return Category.objects.get(edition__year=year, code=code)


def _register_bekasi(client, user):
    client.force_login(user)
    response = client.post(
        "/branch/nominations/new/government/",
        {"category": _category(2020).pk, "region": "r:32.75"},
    )
    nomination = Nomination.objects.get(candidate__regency="32.75", category=_category(2020))
    assert response.status_code == 302
    assert response["Location"] == f"/branch/nominations/{nomination.pk}/"
    return nomination


def test_register_government_creates_a_draft_with_history(client, bekasi_staff):
    nomination = _register_bekasi(client, bekasi_staff)
    assert nomination.state == NominationState.DRAFT
    assert nomination.created_by == bekasi_staff
    assert GovernmentData.objects.filter(nomination=nomination).count() == 1
    assert list(nomination.transitions.values_list("from_state", "to_state", "actor")) == [
        ("", NominationState.DRAFT, bekasi_staff.pk)
    ]


def test_register_refuses_a_region_outside_the_branch(client, gorontalo):
    client.force_login(gorontalo)
    before = Nomination.objects.count()
    response = client.post(
        "/branch/nominations/new/government/",
        {"category": _category(2021).pk, "region": "r:32.75"},
    )
    assert response.status_code == 200
    assert "region" in response.context["form"].errors
    assert Nomination.objects.count() == before


def test_register_refuses_a_closed_edition(client, gorontalo):
    client.force_login(gorontalo)
    before = Nomination.objects.count()
    response = client.post(
        "/branch/nominations/new/government/",
        {"category": _category(2020).pk, "region": "r:75.02"},
    )
    assert "category" in response.context["form"].errors
    assert Nomination.objects.count() == before


def test_register_business_normalises_npp_and_checks_the_scale(client, gorontalo):
    client.force_login(gorontalo)
    medium = _category(2021, "usaha-menengah")
    response = client.post(
        "/branch/nominations/new/business/",
        {
            "category": medium.pk,
            "npp": " 7500 0001 ",
            "name": "PT Contoh Gorontalo",
            "sector": "Perikanan",
            "scale": "large",
            "regency": "75.71",
        },
    )
    assert response.status_code == 200
    assert response.context["form"].errors["category"] == [
        "Kategori ini hanya untuk usaha menengah."
    ]
    assert Nomination.objects.filter(category=medium).count() == 0
    response = client.post(
        "/branch/nominations/new/business/",
        {
            "category": medium.pk,
            "npp": " 7500 0001 ",
            "name": "PT Contoh Gorontalo",
            "scale": "medium",
            "regency": "75.71",
        },
    )
    assert response.status_code == 302
    candidate = Candidate.objects.get(npp="75000001")
    assert (candidate.name, candidate.scale, candidate.regency_id) == (
        "PT Contoh Gorontalo",
        "medium",
        "75.71",
    )
    assert BusinessData.objects.filter(nomination__candidate=candidate).count() == 1


def test_register_refuses_a_malformed_npp(client, gorontalo):
    client.force_login(gorontalo)
    response = client.post(
        "/branch/nominations/new/business/",
        {
            "category": _category(2021, "usaha-besar").pk,
            "npp": "12-34",
            "name": "PT X",
            "scale": "large",
            "regency": "75.71",
        },
    )
    assert list(response.context["form"].errors) == ["npp"]
    assert Candidate.objects.filter(name="PT X").count() == 0


def test_figures_accept_indonesian_thousands_and_show_indicators(client, bekasi_staff):
    nomination = _register_bekasi(client, bekasi_staff)
    response = client.post(f"/branch/nominations/{nomination.pk}/", BEKASI_2020)
    assert response.status_code == 302
    data = GovernmentData.objects.get(nomination=nomination)
    assert (data.formal_workers, data.active_pu, data.non_asn_covered) == (929_199, 886_113, 14_786)
    page = client.get(f"/branch/nominations/{nomination.pk}/").content.decode()
    assert "95,36 %" in page  # PU coverage 886.113 / 929.199, as the article reports
    assert "12,18 %" in page  # BPU coverage 55.289 / 454.088
    assert "28,36" in page  # 39.227 vulnerable workers per 1.000 of 1.383.287 workers


def test_the_contact_officer_saved_is_shown_on_the_dossier_and_to_the_panel(client, bekasi_staff):
    # Stored, but shown as "—" everywhere: figures_of read only the required figures (issue 25).
    from scoring.views import _dossier

    nomination = _register_bekasi(client, bekasi_staff)
    contact = {
        "f-contact_position": "Kepala Dinas Tenaga Kerja Kota Bekasi",
        "f-contact_email": "disnaker@bekasikota.go.id",
        "f-contact_phone": "0812-3456-7890",
    }
    response = client.post(f"/branch/nominations/{nomination.pk}/", {**BEKASI_2020, **contact})
    assert response.status_code == 302

    page = client.get(f"/branch/nominations/{nomination.pk}/").content.decode()
    shown = client.get(f"/nominations/{nomination.pk}/").content.decode()
    for value in (
        "Kepala Dinas Tenaga Kerja Kota Bekasi",
        "disnaker@bekasikota.go.id",
        "0812-3456-7890",
    ):
        assert value in page
        assert value in shown
    # The panel's read-only dossier (scoresheet page and decision file) reads the same rows.
    shown_to_panel = [
        value for _legend, rows in _dossier(nomination)["figures"] for _l, value in rows
    ]
    assert set(contact.values()) <= set(shown_to_panel)


def test_impossible_figure_is_refused_at_its_field_and_nothing_changes(client, bekasi_staff):
    nomination = _register_bekasi(client, bekasi_staff)
    bad = {**BEKASI_2020, "f-non_asn_covered": "20.000"}
    response = client.post(f"/branch/nominations/{nomination.pk}/", bad)
    assert response.status_code == 400
    assert response.context["form"].errors["non_asn_covered"] == [
        "Pegawai non-ASN yang terlindungi tidak boleh melebihi jumlah pegawai non-ASN."
    ]
    assert GovernmentData.objects.get(nomination=nomination).non_asn_covered is None


def test_a_refused_form_says_nothing_was_saved_at_the_top(client, bekasi_staff):
    """The field's message may be far down the dossier: the top of the page says it too."""
    nomination = _register_bekasi(client, bekasi_staff)
    notice = '<div class="notice error" role="alert" id="form-refused" tabindex="-1">'
    bad = {**BEKASI_2020, "f-non_asn_covered": "20.000"}
    page = client.post(f"/branch/nominations/{nomination.pk}/", bad).content.decode()
    assert notice in page
    assert "<strong>Tidak ada yang disimpan.</strong>" in page
    assert page.index(notice) < page.index('aria-invalid="true"')
    # Not on the page read again, nor after a form that was saved.
    assert notice not in client.get(f"/branch/nominations/{nomination.pk}/").content.decode()
    saved = client.post(f"/branch/nominations/{nomination.pk}/", BEKASI_2020, follow=True)
    assert notice not in saved.content.decode()


def test_each_field_of_the_dossier_page_has_its_own_label(client, bekasi_staff):
    """The legal-product and innovation forms both have a title: each label names its own."""
    import re

    nomination = _register_bekasi(client, bekasi_staff)
    page = client.get(f"/branch/nominations/{nomination.pk}/").content.decode()
    ids = re.findall(r'<(?:input|select|textarea)[^>]*\bid="([^"]+)"', page)
    assert len(ids) == len(set(ids))
    labelled = set(re.findall(r'<label[^>]*\bfor="([^"]+)"', page))
    assert {"innovation-title", "innovation-description", "innovation-evidence"} <= labelled
    assert "id_title" in labelled  # the legal product's


def test_negative_count_is_refused(client, bekasi_staff):
    nomination = _register_bekasi(client, bekasi_staff)
    response = client.post(
        f"/branch/nominations/{nomination.pk}/", {**BEKASI_2020, "f-active_bpu": "-5"}
    )
    assert response.status_code == 400
    assert "active_bpu" in response.context["form"].errors
    assert GovernmentData.objects.get(nomination=nomination).active_bpu is None


def test_suspicious_figure_needs_a_justification_then_stays_flagged(client, bekasi_staff):
    nomination = _register_bekasi(client, bekasi_staff)
    commuter = {**BEKASI_2020, "f-active_pu": "1.000.000"}  # more PU than BPS formal workers
    response = client.post(f"/branch/nominations/{nomination.pk}/", commuter)
    assert response.status_code == 400
    assert list(response.context["form"].errors) == ["justification"]
    assert GovernmentData.objects.get(nomination=nomination).active_pu is None
    commuter["f-justification"] = "Kota komuter: banyak peserta bekerja di Jakarta."
    assert client.post(f"/branch/nominations/{nomination.pk}/", commuter).status_code == 302
    page = client.get(f"/branch/nominations/{nomination.pk}/").content.decode()
    assert "Ditandai untuk tim penilai" in page
    assert "Cakupan PU 107,6 %" in page


def test_live_indicator_preview_uses_the_typed_figures(client, bekasi_staff):
    nomination = _register_bekasi(client, bekasi_staff)
    response = client.post(
        f"/branch/nominations/{nomination.pk}/indicators/",
        {"f-formal_workers": "1.000", "f-active_pu": "500"},
        HTTP_HX_REQUEST="true",
    )
    assert response.status_code == 200
    assert "50,00 %" in response.content.decode()
    assert GovernmentData.objects.get(nomination=nomination).formal_workers is None


def _upload(name="perda.pdf", content=PDF, content_type="application/pdf"):
    return SimpleUploadedFile(name, content, content_type=content_type)


def _legal(nomination, client, **extra):
    data = {
        "type": LegalProductType.PERDA,
        "number": "18",
        "year": "2011",
        "title": "Pelayanan Ketenagakerjaan",
        "scope": "Kota Bekasi",
        **extra,
    }
    return client.post(
        f"/branch/nominations/{nomination.pk}/legal-products/", data, HTTP_HX_REQUEST="true"
    )


def test_legal_product_with_pdf_is_stored_under_a_generated_name(client, bekasi_staff, settings):
    nomination = _register_bekasi(client, bekasi_staff)
    response = _legal(nomination, client, pdf=_upload("Perda 18 2011 <script>.pdf"))
    assert response.status_code == 200
    product = LegalProduct.objects.get(nomination=nomination)
    assert product.pdf.name.startswith("legal-products/")
    assert product.pdf.name.endswith(".pdf")
    assert "Perda" not in product.pdf.name and "script" not in product.pdf.name
    assert (settings.MEDIA_ROOT / product.pdf.name).read_bytes() == PDF
    assert "Pelayanan Ketenagakerjaan" in response.content.decode()


def test_fake_pdf_is_refused(client, bekasi_staff):
    nomination = _register_bekasi(client, bekasi_staff)
    html = b"<html><body><script>alert(1)</script></body></html>"
    response = _legal(nomination, client, pdf=_upload("perda.pdf", html))
    assert response.status_code == 400
    assert "Hanya dokumen PDF yang diterima" in response.content.decode()
    assert LegalProduct.objects.filter(nomination=nomination).count() == 0


def test_oversized_pdf_is_refused(client, bekasi_staff, settings):
    settings.PARITRANA_MAX_UPLOAD_MB = 1
    nomination = _register_bekasi(client, bekasi_staff)
    big = PDF[:-6] + b" " * (1024 * 1024) + b"%%EOF\n"
    response = _legal(nomination, client, pdf=_upload("big.pdf", big))
    assert response.status_code == 400
    assert "batasnya 1 MB" in response.content.decode()
    assert LegalProduct.objects.filter(nomination=nomination).count() == 0


def test_document_is_served_as_an_attachment_to_those_who_may_see_it(
    client, bekasi_staff, demo_accounts
):
    nomination = _register_bekasi(client, bekasi_staff)
    _legal(nomination, client, pdf=_upload())
    product = LegalProduct.objects.get(nomination=nomination)
    url = f"/documents/legal-products/{product.pk}/"
    response = client.get(url)
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"].startswith("attachment;")
    assert b"".join(response.streaming_content) == PDF
    client.force_login(demo_accounts["cabang.gorontalo@paritrana.test"])
    assert client.get(url).status_code == 404
    client.force_login(demo_accounts["juri@paritrana.test"])
    assert client.get(url).status_code == 404
    client.force_login(demo_accounts["admin@paritrana.test"])
    assert client.get(url).status_code == 200
    client.logout()
    assert client.get(url)["Location"] == f"/accounts/login/?next={url}"


def _complete(client, nomination):
    assert client.post(f"/branch/nominations/{nomination.pk}/", BEKASI_2020).status_code == 302


def test_submit_refused_while_figures_are_missing(client, bekasi_staff):
    nomination = _register_bekasi(client, bekasi_staff)
    response = client.post(f"/branch/nominations/{nomination.pk}/submit/", follow=True)
    assert "Isi semua angka sebelum mengajukan" in response.content.decode()
    nomination.refresh_from_db()
    assert nomination.state == NominationState.DRAFT


def test_submitted_nomination_cannot_be_edited(client, bekasi_staff):
    nomination = _register_bekasi(client, bekasi_staff)
    _complete(client, nomination)
    client.post(f"/branch/nominations/{nomination.pk}/submit/")
    nomination.refresh_from_db()
    assert nomination.state == NominationState.SUBMITTED
    response = client.post(
        f"/branch/nominations/{nomination.pk}/", {**BEKASI_2020, "f-active_pu": "1"}
    )
    assert response.status_code == 400
    assert GovernmentData.objects.get(nomination=nomination).active_pu == 886_113
    assert _legal(nomination, client).status_code == 400
    assert LegalProduct.objects.filter(nomination=nomination).count() == 0


def test_returned_nomination_shows_reason_and_can_be_resubmitted(client, bekasi_staff):
    nomination = _register_bekasi(client, bekasi_staff)
    _complete(client, nomination)
    client.post(f"/branch/nominations/{nomination.pk}/submit/")
    deadline = timezone.localdate() + timedelta(days=7)
    services.nomination_transition(
        actor=None,
        nomination=nomination,
        to_state=NominationState.RETURNED,
        reason="Lampirkan PDF Perda 18/2011.",
        deadline=deadline,
    )
    worklist = client.get("/branch/nominations/").content.decode()
    assert "Lampirkan PDF Perda 18/2011." in worklist
    page = client.get(f"/branch/nominations/{nomination.pk}/").content.decode()
    assert "Dikembalikan oleh tim penilai provinsi untuk perbaikan" in page
    assert "Lampirkan PDF Perda 18/2011." in page
    assert _legal(nomination, client, pdf=_upload()).status_code == 200
    client.post(f"/branch/nominations/{nomination.pk}/submit/")
    nomination.refresh_from_db()
    assert nomination.state == NominationState.RESUBMITTED
    assert list(nomination.transitions.values_list("to_state", flat=True)) == [
        "draft",
        "submitted",
        "returned",
        "resubmitted",
    ]


def test_withdraw_needs_a_reason(client, bekasi_staff):
    nomination = _register_bekasi(client, bekasi_staff)
    client.post(f"/branch/nominations/{nomination.pk}/withdraw/", {"reason": "  "})
    nomination.refresh_from_db()
    assert nomination.state == NominationState.DRAFT
    client.post(f"/branch/nominations/{nomination.pk}/withdraw/", {"reason": "Dobel."})
    nomination.refresh_from_db()
    assert nomination.state == NominationState.WITHDRAWN
    assert nomination.transitions.last().reason == "Dobel."


def test_other_branch_gets_404_for_reading_and_writing_and_nothing_changes(
    client, bekasi_staff, demo_accounts
):
    nomination = _register_bekasi(client, bekasi_staff)
    _complete(client, nomination)
    _legal(nomination, client, pdf=_upload())
    product = LegalProduct.objects.get(nomination=nomination)
    snapshot = (
        list(GovernmentData.objects.values()),
        list(LegalProduct.objects.values()),
        list(Nomination.objects.values("pk", "state")),
        NominationTransition.objects.count(),
    )
    client.force_login(demo_accounts["cabang.gorontalo@paritrana.test"])
    base = f"/branch/nominations/{nomination.pk}/"
    assert client.get(base).status_code == 404
    assert client.post(base, {**BEKASI_2020, "f-active_pu": "1"}).status_code == 404
    assert client.post(base + "indicators/", BEKASI_2020).status_code == 404
    assert _legal(nomination, client).status_code == 404
    assert client.post(f"{base}legal-products/{product.pk}/delete/").status_code == 404
    assert client.post(base + "innovations/", {"title": "x", "description": "y"}).status_code == 404
    assert client.post(base + "submit/").status_code == 404
    assert client.post(base + "withdraw/", {"reason": "x"}).status_code == 404
    assert snapshot == (
        list(GovernmentData.objects.values()),
        list(LegalProduct.objects.values()),
        list(Nomination.objects.values("pk", "state")),
        NominationTransition.objects.count(),
    )


BRANCH_PAGES = [
    "/branch/nominations/new/government/",
    "/branch/nominations/new/business/",
]


@pytest.mark.parametrize(
    ("email", "status"),
    [
        ("admin@paritrana.test", 200),
        ("cabang.gorontalo@paritrana.test", 200),
        ("panel.jabar@paritrana.test", 403),
        ("ketua.panel.jabar@paritrana.test", 403),
        ("juri@paritrana.test", 403),
        ("ketua.juri@paritrana.test", 403),
        ("auditor@paritrana.test", 403),
    ],
)
def test_branch_pages_per_role(client, demo_accounts, email, status):
    client.force_login(demo_accounts[email])
    nomination = Nomination.objects.get(
        candidate__name="Pemerintah Kota Gorontalo", category__edition__year=2021
    )
    for path in [*BRANCH_PAGES, f"/branch/nominations/{nomination.pk}/"]:
        assert client.get(path).status_code == status, path
    before = Nomination.objects.count()
    response = client.post(
        "/branch/nominations/new/government/",
        {"category": _category(2021).pk, "region": "r:75.02"},
    )
    assert response.status_code == (302 if status == 200 else 403)
    assert Nomination.objects.count() == before + (1 if status == 200 else 0)


def test_branch_pages_send_the_anonymous_to_login(client, demo):
    for path in BRANCH_PAGES:
        assert client.get(path)["Location"] == f"/accounts/login/?next={path}"


def test_worklist_queries_do_not_grow_with_nominations(
    client, gorontalo, django_assert_num_queries
):
    client.force_login(gorontalo)
    client.get("/branch/nominations/")  # warm caches (content types, sessions)

    def count_queries():
        from django.db import connection
        from django.test.utils import CaptureQueriesContext

        with CaptureQueriesContext(connection) as ctx:
            assert client.get("/branch/nominations/").status_code == 200
        return len(ctx.captured_queries)

    small = count_queries()
    category = _category(2021)
    for regency in Regency.objects.filter(province="75").exclude(
        candidates__nominations__category=category
    ):
        services.nomination_create(
            actor=gorontalo,
            candidate=services.government_candidate_get_or_create(actor=gorontalo, regency=regency),
            category=category,
        )
    assert Nomination.objects.filter(category=category).count() >= 6
    assert count_queries() == small


def test_second_branch_fixture_is_independent(demo):
    branch = BranchFactory(code="bekasi-test")
    branch.regencies.set(Regency.objects.filter(code="32.75"))
    assert list(branch.regencies.values_list("code", flat=True)) == ["32.75"]


def test_legal_product_is_changed_in_place_and_keeps_its_pdf(client, bekasi_staff, demo_accounts):
    nomination = _register_bekasi(client, bekasi_staff)
    _legal(nomination, client, pdf=_upload())
    product = LegalProduct.objects.get(nomination=nomination)
    stored = product.pdf.name
    url = f"/branch/nominations/{nomination.pk}/legal-products/{product.pk}/"
    form = client.get(url, HTTP_HX_REQUEST="true").content.decode()
    assert 'value="Pelayanan Ketenagakerjaan"' in form
    assert f'hx-post="{url}"' in form
    response = client.post(
        url,
        {"type": "perda", "number": "18", "year": "2011", "title": "Pelayanan Tenaga Kerja"},
        HTTP_HX_REQUEST="true",
    )
    assert response.status_code == 200
    product.refresh_from_db()
    assert (product.title, product.pdf.name) == ("Pelayanan Tenaga Kerja", stored)
    response = client.post(url, {"type": "perda", "number": "18", "year": "2031", "title": "x"})
    assert response.status_code == 400
    product.refresh_from_db()
    assert (product.year, product.title) == (2011, "Pelayanan Tenaga Kerja")
    client.force_login(demo_accounts["cabang.gorontalo@paritrana.test"])
    assert client.get(url).status_code == 404
    assert (
        client.post(url, {"type": "perda", "number": "1", "year": "2011", "title": "x"}).status_code
        == 404
    )
    product.refresh_from_db()
    assert product.number == "18"


# Kota Bekasi 2020 (awarded, Jawa Barat) and Kota Gorontalo 2021 (a draft of Gorontalo):
# who may open each read-only dossier.
DOSSIER_ACCESS = {
    "admin@paritrana.test": (200, 200),
    "cabang.gorontalo@paritrana.test": (404, 200),
    "cabang.bekasi@paritrana.test": (200, 404),
    "panel.jabar@paritrana.test": (200, 404),
    "ketua.panel.jabar@paritrana.test": (200, 404),
    "juri@paritrana.test": (200, 404),
    "ketua.juri@paritrana.test": (200, 404),
    "auditor@paritrana.test": (200, 200),
}


@pytest.mark.parametrize("email", sorted(DOSSIER_ACCESS))
def test_read_only_dossier_and_its_documents_per_role(client, demo_accounts, email, settings):
    bekasi = Nomination.objects.get(
        candidate__name="Pemerintah Kota Bekasi", category__edition__year=2020
    )
    gorontalo = Nomination.objects.get(
        candidate__name="Pemerintah Kota Gorontalo", category__edition__year=2021
    )
    product = bekasi.legal_products.get(number="18")
    product.pdf = SimpleUploadedFile("perda.pdf", PDF)
    product.save()
    client.force_login(demo_accounts[email])
    expected_bekasi, expected_gorontalo = DOSSIER_ACCESS[email]
    assert client.get(f"/nominations/{bekasi.pk}/").status_code == expected_bekasi
    assert client.get(f"/nominations/{gorontalo.pk}/").status_code == expected_gorontalo
    document = client.get(f"/documents/legal-products/{product.pk}/")
    assert document.status_code == expected_bekasi
    if expected_bekasi == 200:
        assert b"".join(document.streaming_content) == PDF
