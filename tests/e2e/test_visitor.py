"""A visitor's journey through the public site in a real browser: the published results in
Bahasa Indonesia (the default) and in English, on a phone-sized and a desktop window; a
winner's page; a certificate downloaded and verified."""

import io

import pytest
from playwright.sync_api import expect
from pypdf import PdfReader

from ceremonies.models import Certificate

from .conftest import DESKTOP, PHONE

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def bekasi_certificate(tasks_in_process, published_demo):
    """Kota Bekasi's 2020 national certificate. The demo's certificates are generated as they
    are issued (the test's transactions commit; the tasks run in-process)."""
    certificate = Certificate.objects.get(
        ceremony=published_demo["national_2020"],
        nomination__candidate=published_demo["bekasi"],
    )
    assert certificate.file
    return certificate


def fits_the_width(page) -> bool:
    """Nothing wider than the window: no sideways scrolling."""
    return page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")


@pytest.mark.parametrize("window", ["phone", "desktop"])
def test_visitor_reads_the_results_and_verifies_a_certificate(
    live_server, browser, steps, bekasi_certificate, window
):
    context = browser.new_context(
        viewport=PHONE if window == "phone" else DESKTOP, accept_downloads=True
    )
    page = context.new_page()
    serial = bekasi_certificate.serial

    # The results of 2020, in Bahasa Indonesia by default.
    page.goto(f"{live_server.url}/results/2020/")
    expect(page.locator("html")).to_have_attribute("lang", "id")
    expect(page.get_by_role("heading", level=1)).to_contain_text("2020")
    expect(page.get_by_role("heading", name="Pemenang nasional")).to_be_visible()
    winner = page.get_by_role("link", name="Pemerintah Kota Bekasi")
    expect(winner).to_be_visible()
    assert fits_the_width(page)
    steps.shot(page, "results-id")

    # The winner's page lists the certificate; the PDF downloads.
    winner.click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Pemerintah Kota Bekasi")
    assert fits_the_width(page)
    steps.shot(page, "winner-id")
    with page.expect_download() as download:
        page.locator(f'li[data-serial="{serial}"]').get_by_role("link", name="Unduh PDF").click()
    assert download.value.suggested_filename == f"{serial}.pdf"
    pdf = PdfReader(io.BytesIO(open(download.value.path(), "rb").read()))  # noqa: SIM115
    assert len(pdf.pages) == 1
    assert serial in pdf.pages[0].extract_text()

    # Verifying it: a specimen, as the site runs on demo data (issue 25, item 1), which every
    # page says.
    page.get_by_role("link", name=f"Verifikasi {serial}").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Verifikasi piagam")
    expect(page.locator("#verification-status")).to_have_text("Spesimen (data contoh)")
    expect(page.locator("#demo-data")).to_contain_text("Data contoh / Demo data")
    expect(page.locator("[data-serial]")).to_have_text(serial)
    assert fits_the_width(page)
    steps.shot(page, "verify-id")

    # In English: the language switch keeps the visitor on the same page.
    page.get_by_role("link", name="EN", exact=True).click()
    expect(page.locator("html")).to_have_attribute("lang", "en")
    expect(page.get_by_role("heading", level=1)).to_have_text("Certificate verification")
    expect(page.locator("#verification-status")).to_have_text("Specimen (demo data)")
    steps.shot(page, "verify-en")

    page.goto(f"{live_server.url}/results/2020/")
    expect(page.get_by_role("heading", name="National winners")).to_be_visible()
    assert fits_the_width(page)
    steps.shot(page, "results-en")
    context.close()
