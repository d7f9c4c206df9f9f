"""The issue's 'done when', as a user would: Kota Bekasi registered for 2020 with its seed
figures and three legal products, submitted, and seen by Jawa Barat's panel only."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from candidates.enums import NominationState
from candidates.models import Nomination
from tests.candidates.test_branch_pages import BEKASI_2020, PDF, _register_bekasi

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("demo_accounts_once")]

LEGAL_PRODUCTS = [
    ("perda", "18", "2011", "Pelayanan Ketenagakerjaan"),
    ("instruksi", "134.4/313/Setda.KS", "2020", "Kepesertaan jaminan sosial TKK"),
    ("keputusan", "518/Kep.459-Diskop.UKM/XI/2019", "2019", "Nasabah BPRS Patriot"),
]


def test_bekasi_2020_registered_submitted_and_seen_by_jawa_barat_only(
    client, bekasi_staff, demo_accounts
):
    nomination = _register_bekasi(client, bekasi_staff)
    assert client.post(f"/branch/nominations/{nomination.pk}/", BEKASI_2020).status_code == 302
    for type_, number, year, title in LEGAL_PRODUCTS:
        response = client.post(
            f"/branch/nominations/{nomination.pk}/legal-products/",
            {
                "type": type_,
                "number": number,
                "year": year,
                "title": title,
                "pdf": SimpleUploadedFile(f"{number}.pdf".replace("/", "-"), PDF),
            },
        )
        assert response.status_code == 302
    client.post(f"/branch/nominations/{nomination.pk}/submit/")
    nomination.refresh_from_db()
    assert nomination.state == NominationState.SUBMITTED
    assert nomination.legal_products.count() == 3

    gorontalo_draft = Nomination.objects.get(
        candidate__name="Pemerintah Kota Gorontalo", category__edition__year=2021
    )
    panel = demo_accounts["panel.jabar@paritrana.test"]
    client.force_login(panel)
    page = client.get("/panel/nominations/").content.decode()
    assert f'href="/nominations/{nomination.pk}/"' in page
    assert "Pemerintah Kota Gorontalo" not in page
    dossier = client.get(f"/nominations/{nomination.pk}/").content.decode()
    assert "929.199" in dossier and "95,36 %" in dossier and "134.4/313/Setda.KS" in dossier
    assert client.get(f"/nominations/{gorontalo_draft.pk}/").status_code == 404

    api = client.get("/api/v1/nominations/", {"page_size": 100}).json()
    ids = {row["id"] for row in api["results"]}
    assert nomination.pk in ids
    assert gorontalo_draft.pk not in ids
    assert client.get(f"/api/v1/nominations/{gorontalo_draft.pk}/").status_code == 404


def test_read_only_dossier_refuses_other_provinces_and_the_anonymous(client, demo_accounts):
    bone = Nomination.objects.get(
        candidate__name="Pemerintah Kabupaten Bone Bolango", category__edition__year=2020
    )
    client.force_login(demo_accounts["panel.jabar@paritrana.test"])
    assert client.get(f"/nominations/{bone.pk}/").status_code == 404
    client.force_login(demo_accounts["juri@paritrana.test"])
    page = client.get(f"/nominations/{bone.pk}/").content.decode()
    assert "20.000" in page  # APBD-funded vulnerable workers
    client.logout()
    assert client.get(f"/nominations/{bone.pk}/")["Location"] == (
        f"/accounts/login/?next=/nominations/{bone.pk}/"
    )
