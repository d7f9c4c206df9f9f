"""Issue 6, done when: the admin publishes 2020, generates its certificates and watches the
progress bar reach 100 %; a visitor opens the 2020 results in Bahasa Indonesia and English,
downloads Kota Bekasi's certificate, follows its QR code's link and sees it verified."""

import io
import re
from urllib.parse import urlsplit

import pytest
from django.test import Client
from pypdf import PdfReader

from ceremonies.models import Ceremony, Certificate, Publication
from scoring import services as scoring_services
from scoring.models import RankingSnapshot
from tests.auth import login

pytestmark = [
    pytest.mark.django_db,
    pytest.mark.usefixtures("demo_accounts_once", "tasks_in_process"),
]


def _text(response) -> str:
    return response.content.decode()


def _pdf_links(content: bytes) -> set[str]:
    reader = PdfReader(io.BytesIO(content))
    return {
        str(annotation.get_object()["/A"]["/URI"])
        for annotation in reader.pages[0].get("/Annots") or []
        if annotation.get_object().get("/A")
    }


def test_admin_publishes_2020_and_a_visitor_verifies_kota_bekasi_certificate(
    client, demo_accounts, django_capture_on_commit_callbacks
):
    admin = login(Client(), demo_accounts["admin@paritrana.test"])

    # Before the publication nothing of 2020 is public.
    assert client.get("/results/2020/").status_code == 404
    assert "Pemerintah Kota Bekasi" not in _text(client.get("/results/"))

    # The admin publishes the national results (with the confirmation) …
    edition_page = admin.get("/ceremonies/2020/")
    assert edition_page.status_code == 200
    with django_capture_on_commit_callbacks(execute=True):
        response = admin.post("/ceremonies/2020/publish/", {"province": "", "confirm": "on"})
    assert (response.status_code, response["Location"]) == (302, "/ceremonies/2020/")
    assert Publication.objects.filter(edition__year=2020, province__isnull=True).count() == 1

    # … enters the ceremony …
    response = admin.post(
        "/ceremonies/2020/ceremonies/new/",
        {
            "title": "Penyerahan Penghargaan Paritrana 2020",
            "held_on": "2021-09-09",
            "place": "Jakarta, melalui konferensi video",
            "video_link": "",
            "notes": "",
            "handing_over": "K.H. Ma'ruf Amin, Wakil Presiden Republik Indonesia",
            "signatories": "Muhadjir Effendy, Menko PMK\nAnggoro Eko Cahyo, Direktur Utama",
        },
    )
    ceremony = Ceremony.objects.get(edition__year=2020, province__isnull=True)
    assert (response.status_code, response["Location"]) == (
        302,
        f"/ceremonies/ceremony/{ceremony.pk}/",
    )

    # … generates the certificates and watches the batch reach 100 %.
    with django_capture_on_commit_callbacks(execute=True):
        response = admin.post(f"/ceremonies/ceremony/{ceremony.pk}/certificates/")
    batch = ceremony.batches.get()
    assert (response.status_code, response["Location"]) == (302, f"/ceremonies/batch/{batch.pk}/")
    batch_page = _text(admin.get(f"/ceremonies/batch/{batch.pk}/"))
    assert re.search(r'<progress[^>]*max="3"[^>]*value="3"', batch_page)
    assert "100 %" in batch_page
    assert "hx-trigger" not in batch_page  # finished: the page stops polling

    # A visitor reads the results in Bahasa Indonesia …
    page = client.get("/results/2020/")
    html = _text(page)
    assert page.status_code == 200
    assert '<html lang="id">' in html
    assert "Pemerintah Kota Bekasi" in html
    assert "Peringkat III" in html
    assert "K.H. Ma&#x27;ruf Amin" in html
    # … and in English.
    switched = client.get("/language/en/", {"next": "/results/2020/"})
    assert (switched.status_code, switched["Location"]) == (302, "/results/2020/")
    html_en = _text(client.get("/results/2020/"))
    assert '<html lang="en">' in html_en
    assert "Pemerintah Kota Bekasi" in html_en
    assert "3rd place" in html_en  # SPEC §1's glossary
    assert "Peringkat" not in html_en

    # The visitor downloads Kota Bekasi's certificate from its page …
    bekasi = Certificate.objects.get(ceremony=ceremony, recipient="Pemerintah Kota Bekasi")
    candidate_page = _text(client.get(f"/results/candidate/{bekasi.nomination.candidate_id}/"))
    download = f"/verify/{bekasi.serial}/certificate.pdf"
    assert f'href="{download}"' in candidate_page
    pdf = client.get(download)
    assert pdf["Content-Type"] == "application/pdf"
    content = b"".join(pdf.streaming_content)
    assert "Pemerintah Kota Bekasi" in PdfReader(io.BytesIO(content)).pages[0].extract_text()

    # … follows its QR code's link and sees it verified: as the specimen it is, since the site
    # runs on demo data (issue 25, item 1).
    (link,) = _pdf_links(content)
    verification = client.get(urlsplit(link).path)
    assert verification.status_code == 200
    assert verification.context["result"].status == "specimen"
    assert bekasi.serial in _text(verification)
    assert "Pemerintah Kota Bekasi" in _text(verification)


def test_reopening_a_published_ranking_clears_the_public_pages(
    client, published_demo, demo_accounts, django_capture_on_commit_callbacks
):
    assert "Pemerintah Kota Bekasi" in _text(client.get("/results/2020/"))  # cached now
    snapshot = RankingSnapshot.objects.get(
        stage__edition__year=2020, stage__kind="national_result", reopened_at__isnull=True
    )
    scoring_services.stage_reopen(
        actor=demo_accounts["admin@paritrana.test"],
        stage=snapshot.stage,
        reason="Koreksi data finalis.",
    )
    with django_capture_on_commit_callbacks(execute=True):
        scoring_services.ranking_reopen(
            actor=demo_accounts["ketua.juri@paritrana.test"],
            snapshot=snapshot,
            reason="Data kepesertaan salah satu finalis dikoreksi.",
        )
    assert "Pemerintah Kota Bekasi" not in _text(client.get("/results/2020/"))
