"""Each role's dashboard in a real browser, in Bahasa Indonesia and English: the charts are
drawn (Chart.js from static/) beside the tables holding their figures, and nothing is wider
than the window. The Jawa Barat 2018 assessment is scored but not finalised and the 2020
national round is at its interviews, so that the panel's and the jury's blocks are live."""

import pytest
from playwright.sync_api import expect

from accounts.models import User
from tests import demo_data

from .conftest import PHONE

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def accounts(regions):
    demo_data.seed_demo(jabar_2018="scored", national_2020="interview")
    demo_data.create_demo_accounts()
    return {u.email: u for u in User.objects.all()}


def drawn_charts(page) -> int:
    """How many canvases Chart.js has drawn on."""
    return page.evaluate(
        "Array.from(document.querySelectorAll('.chart-box canvas'))"
        ".filter(c => window.Chart && window.Chart.getChart(c)).length"
    )


def fits_the_width(page) -> bool:
    return page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")


# (account, the heading of the role's own block per language, charts drawn)
ROLES = [
    ("cabang.gorontalo@paritrana.test",
     {"id": "Nominasi kantor cabang saya — Paritrana Award 2021",
      "en": "My branch's nominations — Paritrana Award 2021"}, 1),
    ("panel.jabar@paritrana.test",
     {"id": "Tim penilai provinsi Jawa Barat 2018", "en": "Provincial panel Jawa Barat 2018"}, 1),
    ("ketua.panel.jabar@paritrana.test",
     {"id": "Tim penilai provinsi Jawa Barat 2018", "en": "Provincial panel Jawa Barat 2018"}, 1),
    ("ketua.juri@paritrana.test",
     {"id": "Dewan juri nasional 2020", "en": "National jury 2020"}, 2),
    ("admin@paritrana.test",
     {"id": "Kemajuan nasional — Paritrana Award 2021",
      "en": "Progress nationwide — Paritrana Award 2021"}, 1),
]  # fmt: skip


@pytest.mark.parametrize(
    ("email", "heading", "charts"), ROLES, ids=[r[0].split("@")[0] for r in ROLES]
)
def test_each_roles_dashboard_in_both_languages(
    live_server, open_as, steps, accounts, email, heading, charts
):
    for language in ("id", "en"):
        page = open_as(accounts[email], language=language)
        page.goto(f"{live_server.url}/dashboard/")
        expect(page.locator("html")).to_have_attribute("lang", language)
        expect(page.get_by_role("heading", name=heading[language], exact=True)).to_be_visible()
        page.wait_for_function("window.Chart !== undefined")
        # Open panels and the jury's 2021 selection (not opened yet) draw their charts; the
        # finalised 2020 provincial round is folded.
        page.wait_for_function(f"document.querySelectorAll('.chart-box canvas').length >= {charts}")
        assert drawn_charts(page) >= charts
        assert fits_the_width(page)
        steps.shot(page, f"dashboard-{language}")


def test_the_chairs_dashboard_on_a_phone(live_server, open_as, steps, accounts):
    page = open_as(accounts["ketua.panel.jabar@paritrana.test"], viewport=PHONE)
    page.goto(f"{live_server.url}/dashboard/")
    chair = page.locator("table.chair-warnings")
    expect(chair.locator("tbody tr")).to_have_count(3)
    expect(chair.locator("tbody tr").first).to_contain_text("Pemerintah Kabupaten/Kota")
    assert fits_the_width(page)
    steps.shot(page, "dashboard-phone")
    # The finalised 2020 round opens on demand.
    page.get_by_text("Tim penilai provinsi Jawa Barat 2020 — difinalkan").click()
    expect(page.locator("details[open] table.member-progress")).to_be_visible()
    steps.shot(page, "dashboard-phone-2020-open")
