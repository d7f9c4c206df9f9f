"""Hostile or malformed input on the branch pages gets a message and changes nothing (no 500)."""

import pytest

from candidates.models import GovernmentData, LegalProduct, Nomination
from tests.candidates.test_branch_pages import BEKASI_2020, _register_bekasi

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("demo_once")]


@pytest.mark.parametrize(
    "value",
    ["99999999999999999999999", "1e9", "12,5", "<script>alert(1)</script>", "0x10", " ", "٣"],
)
def test_odd_numbers_in_figures_are_refused_or_read_and_never_crash(client, bekasi_staff, value):
    nomination = _register_bekasi(client, bekasi_staff)
    response = client.post(
        f"/branch/nominations/{nomination.pk}/", {**BEKASI_2020, "f-employers_registered": value}
    )
    assert response.status_code in (302, 400)
    data = GovernmentData.objects.get(nomination=nomination)
    if response.status_code == 400:
        assert "employers_registered" in response.context["form"].errors
        assert data.formal_workers is None  # nothing of the form was saved


def test_script_in_text_fields_is_shown_escaped(client, bekasi_staff):
    nomination = _register_bekasi(client, bekasi_staff)
    evil = '<script>alert("x")</script>'
    figures = {**BEKASI_2020, "f-head_of_region": evil}
    assert client.post(f"/branch/nominations/{nomination.pk}/", figures).status_code == 302
    client.post(
        f"/branch/nominations/{nomination.pk}/legal-products/",
        {"type": "perda", "number": evil, "year": "2011", "title": evil},
    )
    page = client.get(f"/branch/nominations/{nomination.pk}/").content.decode()
    assert evil not in page
    assert "&lt;script&gt;" in page
    assert LegalProduct.objects.get(nomination=nomination).title == evil


@pytest.mark.parametrize(
    "data",
    [
        {"category": "abc", "region": "r:32.75"},
        {"category": "999999", "region": "r:32.75"},
        {"category": "", "region": ""},
        {"region": "r:32.75"},
        {"category": "1", "region": "x"},
    ],
)
def test_malformed_registration_is_refused(client, bekasi_staff, data):
    client.force_login(bekasi_staff)
    before = Nomination.objects.count()
    response = client.post("/branch/nominations/new/government/", data)
    assert response.status_code == 200
    assert response.context["form"].errors
    assert Nomination.objects.count() == before


def test_unknown_ids_answer_404(client, bekasi_staff):
    client.force_login(bekasi_staff)
    assert client.get("/branch/nominations/999999/").status_code == 404
    assert client.post("/branch/nominations/999999/submit/").status_code == 404
    assert client.get("/documents/legal-products/999999/").status_code == 404
    assert client.get("/nominations/999999/").status_code == 404
