"""Without JavaScript the htmx interactions are plain forms and links (issue 9): a branch
adds, changes and removes a legal product with full pages, the figures are saved and their
indicators shown; and the keyboard alone reaches the content and the search."""

import re

import pytest
from playwright.sync_api import expect

from candidates.models import LegalProduct, Nomination
from tests.auth import Client

from .conftest import DESKTOP
from .test_branch_staff import perda_pdf

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def no_script_page(live_server, browser, demo_accounts):
    """Gorontalo's branch staff in a browser with JavaScript off."""
    from django.conf import settings

    client = Client()
    client.force_login(demo_accounts["cabang.gorontalo@paritrana.test"])
    context = browser.new_context(viewport=DESKTOP, java_script_enabled=False)
    context.add_cookies(
        [
            {
                "name": settings.SESSION_COOKIE_NAME,
                "value": client.cookies[settings.SESSION_COOKIE_NAME].value,
                "url": live_server.url,
            }
        ]
    )
    yield context.new_page()
    context.close()


def test_legal_products_are_added_changed_and_removed_with_full_pages(
    live_server, no_script_page, steps, tmp_path
):
    page = no_script_page
    nomination = Nomination.objects.get(
        candidate__name="Pemerintah Kota Gorontalo", category__edition__year=2021
    )
    url = f"{live_server.url}/branch/nominations/{nomination.pk}/"
    page.goto(url)
    assert page.evaluate("typeof window.htmx") == "undefined"  # its script did not run
    legal = page.locator("#legal-products")
    expect(legal).to_contain_text("Belum ada produk hukum.")

    # Added: the form posts to its own address and the dossier comes back whole.
    perda_pdf(tmp_path / "perda.pdf")
    legal.get_by_label("Jenis:", exact=True).select_option(label="Peraturan Daerah (Perda)")
    legal.get_by_label("Nomor:", exact=True).fill("7")
    legal.get_by_label("Tahun:", exact=True).fill("2019")
    legal.get_by_label("Judul:", exact=True).fill("Perlindungan Pekerja Rentan")
    legal.get_by_label("Dokumen (PDF):", exact=True).set_input_files(tmp_path / "perda.pdf")
    legal.get_by_role("button", name="Tambah").click()
    expect(page).to_have_url(url)
    expect(page.get_by_role("heading", level=1)).to_have_text("Pemerintah Kota Gorontalo")
    row = page.locator("#legal-products").get_by_role("row").filter(has_text="Perlindungan")
    expect(row.get_by_role("cell").nth(1)).to_have_text("7")
    product = LegalProduct.objects.get(nomination=nomination)
    assert (product.number, product.year, bool(product.pdf)) == ("7", 2019, True)
    steps.shot(page, "added")

    # Changed: the link opens the dossier with the product's form filled in.
    row.get_by_role("link", name="Ubah").click()
    form = page.locator("#legal-products form.card")
    expect(form.get_by_role("heading")).to_have_text("Ubah produk hukum 7")
    form.get_by_label("Tahun:", exact=True).fill("2020")
    form.get_by_role("button", name="Simpan").click()
    expect(page.locator("#legal-products").get_by_role("row").filter(has_text="Perlindungan")
           .get_by_role("cell").nth(2)).to_have_text("2020")  # fmt: skip
    product.refresh_from_db()
    assert product.year == 2020
    steps.shot(page, "changed")

    # Removed.
    page.locator("#legal-products").get_by_role("button", name="Hapus").click()
    expect(page.locator("#legal-products")).to_contain_text("Belum ada produk hukum.")
    assert not LegalProduct.objects.filter(nomination=nomination).exists()
    steps.shot(page, "removed")


def test_the_keyboard_reaches_the_content_and_the_search(live_server, open_as, demo_accounts):
    page = open_as(demo_accounts["auditor@paritrana.test"])
    page.goto(f"{live_server.url}/audit/nominations/")
    # The first Tab shows the skip link; following it lands in the content.
    page.keyboard.press("Tab")
    skip = page.get_by_role("link", name="Langsung ke isi")
    expect(skip).to_be_focused()
    assert skip.bounding_box()["y"] >= 0
    page.keyboard.press("Enter")
    expect(page).to_have_url(f"{live_server.url}/audit/nominations/#main")
    # Tab moves on from the content's start to the search field, typing and Enter search.
    field = page.get_by_label("Nama atau NPP")
    for _ in range(20):
        page.keyboard.press("Tab")
        if page.evaluate("document.activeElement.id") == "filter-q":
            break
    expect(field).to_be_focused()
    page.keyboard.type("bekasi")
    page.keyboard.press("Enter")
    expect(page).to_have_url(re.compile(r"/audit/nominations/\?q=bekasi&edition=&state=(#main)?$"))
    expect(page.locator("[data-shown]")).to_contain_text("Nominasi 1–")
    names = page.locator("table tbody tr td:first-child").all_inner_texts()
    assert names and all("Bekasi" in name for name in names)
